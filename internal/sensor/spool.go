package sensor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/otsight/otsight/internal/record"
)

// Spool keeps encoded batches on disk until they are uploaded, so the sensor
// loses nothing while the server is unreachable. A batch is written to a
// temporary file, synced and renamed, so a crash leaves either the whole
// batch or none of it. File names carry the sequence number, so the spool's
// order is the upload order.
type Spool struct {
	dir   string
	epoch uint64 // see spoolepoch.go
	mu    sync.Mutex
	cap   spoolCap // see spoolcap.go; guarded by mu
}

const spoolExt = ".otsb"

// OpenSpool opens (creating) a spool directory and removes temporary files a
// crash may have left.
func OpenSpool(dir string) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create spool %s: %w", dir, err)
	}
	tmps, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if err != nil {
		return nil, fmt.Errorf("scan spool %s: %w", dir, err)
	}
	for _, t := range tmps {
		if err := os.Remove(t); err != nil {
			return nil, fmt.Errorf("remove partial batch %s: %w", t, err)
		}
	}
	epoch, err := loadOrCreateEpoch(dir)
	if err != nil {
		return nil, err
	}
	return &Spool{dir: dir, epoch: epoch}, nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Put writes a batch durably.
func (s *Spool) Put(b *record.Batch) error {
	b.Header.Epoch = s.epoch
	data, err := record.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode batch %d: %w", b.Header.Seq, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := filepath.Join(s.dir, fmt.Sprintf("%020d%s", b.Header.Seq, spoolExt))
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("spool batch %d: %w", b.Header.Seq, err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, name)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool batch %d: %w", b.Header.Seq, werr)
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	return s.enforceCapLocked(b.Header.Seq)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Pending lists the sequence numbers of spooled batches, oldest first.
func (s *Spool) Pending() ([]uint64, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list spool %s: %w", s.dir, err)
	}
	var seqs []uint64
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), spoolExt)
		if !ok {
			continue
		}
		seq, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			continue
		}
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	return seqs, nil
}

// Read returns the encoded batch with sequence number seq.
func (s *Spool) Read(seq uint64) ([]byte, error) {
	return os.ReadFile(filepath.Join(s.dir, fmt.Sprintf("%020d%s", seq, spoolExt)))
}

// Remove deletes an uploaded batch.
func (s *Spool) Remove(seq uint64) error {
	return os.Remove(filepath.Join(s.dir, fmt.Sprintf("%020d%s", seq, spoolExt)))
}

// NextSeq is the sequence number for the next batch: one past the highest
// ever spooled. The highest is remembered in a small state file, because
// uploaded batches are removed and the server rejects reused numbers.
func (s *Spool) NextSeq() (uint64, error) {
	seqs, err := s.Pending()
	if err != nil {
		return 0, err
	}
	var next uint64
	if len(seqs) > 0 {
		next = seqs[len(seqs)-1] + 1
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "next-seq"))
	switch {
	case err == nil:
		v, perr := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
		if perr != nil {
			return 0, fmt.Errorf("spool state %s: %w", s.dir, perr)
		}
		next = max(next, v)
	case !errors.Is(err, os.ErrNotExist):
		return 0, fmt.Errorf("spool state %s: %w", s.dir, err)
	}
	return next, nil
}

// SaveNextSeq records the next sequence number (after a run, or after
// removing uploaded batches).
func (s *Spool) SaveNextSeq(next uint64) error {
	s.mu.Lock() // the uploader saves it too (raiseNextSeq)
	defer s.mu.Unlock()
	p := filepath.Join(s.dir, "next-seq")
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatUint(next, 10)+"\n"), 0o640); err != nil {
		return fmt.Errorf("save spool state: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("save spool state: %w", err)
	}
	return nil
}
