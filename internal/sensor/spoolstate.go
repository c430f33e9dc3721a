package sensor

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// epochFile holds the spool's epoch: a random number made once, when the
// spool directory is first used. The server names a batch by (sensor,
// epoch, seq), so a spool that is rebuilt from scratch (new disk, deleted
// directory) starts a new series whose sequence numbers cannot be mistaken
// for the old series' duplicates.
const epochFile = "epoch"

func loadOrCreateEpoch(dir string) (uint64, error) {
	p := filepath.Join(dir, epochFile)
	data, err := os.ReadFile(p)
	if err == nil {
		v, perr := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
		if perr != nil || v == 0 {
			// Making a new one would orphan the spooled batches, which
			// carry the old epoch; let a person look.
			return 0, fmt.Errorf("spool epoch file %s is damaged: %q", p, data)
		}
		return v, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("read spool epoch: %w", err)
	}
	var v uint64
	for v == 0 { // zero means "no epoch" on the wire
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return 0, fmt.Errorf("spool epoch: %w", err)
		}
		v = binary.BigEndian.Uint64(b[:])
	}
	if err := writeFileSynced(p, []byte(strconv.FormatUint(v, 10)+"\n")); err != nil {
		return 0, fmt.Errorf("save spool epoch: %w", err)
	}
	return v, nil
}

func writeFileSynced(p string, data []byte) error {
	tmp := p + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, p)
	}
	if werr != nil {
		os.Remove(tmp)
		return werr
	}
	return syncDir(filepath.Dir(p))
}

// Epoch is the spool's epoch, which Put writes into every batch header.
func (s *Spool) Epoch() uint64 { return s.epoch }

// raiseNextSeq makes sure the saved next sequence number is at least next.
// The uploader calls it before removing a batch, so that a sensor killed
// after its spool drained does not reuse the number of a batch the server
// already has (which the server would take for a duplicate and drop).
func (s *Spool) raiseNextSeq(next uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := filepath.Join(s.dir, "next-seq")
	data, err := os.ReadFile(p)
	if err == nil {
		if v, perr := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64); perr == nil && v >= next {
			return nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("spool state %s: %w", s.dir, err)
	}
	if err := writeFileSynced(p, []byte(strconv.FormatUint(next, 10)+"\n")); err != nil {
		return fmt.Errorf("save spool state: %w", err)
	}
	return nil
}

// refusedDir keeps batches the server refused for good (garbage, too
// large), for a person to look at; at most maxRefused are kept.
const (
	refusedDir = "refused"
	maxRefused = 100
)

// setAside moves a refused batch out of the upload queue into refusedDir,
// removing the oldest refused batches beyond maxRefused.
func (s *Spool) setAside(seq uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst := filepath.Join(s.dir, refusedDir)
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return fmt.Errorf("set aside batch %d: %w", seq, err)
	}
	name := fmt.Sprintf("%020d%s", seq, spoolExt)
	if err := os.Rename(filepath.Join(s.dir, name), filepath.Join(dst, name)); err != nil {
		return fmt.Errorf("set aside batch %d: %w", seq, err)
	}
	ents, err := os.ReadDir(dst)
	if err != nil {
		return fmt.Errorf("list refused batches: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names) // zero-padded sequence numbers: oldest first
	for len(names) > maxRefused {
		os.Remove(filepath.Join(dst, names[0]))
		names = names[1:]
	}
	return nil
}
