package embedded

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// A stage log makes one staging table durable. The staging tables live in
// an in-memory database (DuckDB would otherwise write every raw row to its
// own log and again at each checkpoint, 28 % of a busy day's CPU); each
// batch's upload, as the sensor compressed it, is appended to the log of
// the table its rows go to and synced before the batch's key commits.
// Open replays the entries whose key committed. A flush that has put a
// table's rows into record files records the log's generation in the
// catalog transaction, so a log whose generation is flushed is known to be
// in files even if the crash came before the log was emptied.
//
// Layout: a header of stageLogMagic, a version byte and the generation
// (uint64, little endian), then entries of
//
//	length uint32 | crc32c uint32 | tenant int64 | sensor int64 | epoch uint64 | seq uint64 | base int64 | payload
//
// where length and the checksum cover everything after the checksum, and
// base is the seq of the entry's first row minus one.

var stageLogMagic = [4]byte{'O', 'S', 'S', 'L'}

const (
	stageLogVersion    = 1
	stageLogHeaderSize = 4 + 1 + 8
	stageEntryFixed    = 5 * 8
	// maxStageEntry bounds an entry's length, so that a reader can tell a
	// torn length from a real one; ingest refuses batches over its own,
	// smaller, limit.
	maxStageEntry = 256 << 20
)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// stageEntry is one batch in a stage log.
type stageEntry struct {
	tenant, sensor int64
	epoch, seq     uint64
	base           int64
	payload        []byte
}

// stageLog is an open stage log. It is not safe for concurrent use: the
// log of the table batches fill is written under wmu, the other only by a
// flush, under mmu.
type stageLog struct {
	path string
	f    *os.File
	gen  uint64
	size int64
}

// openStageLog opens the log at path, creating it with generation 1. A
// header that is not a stage log's is an error: the file is not ours to
// overwrite.
func openStageLog(path string) (*stageLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("stage log: %w", err)
	}
	l := &stageLog{path: path, f: f}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stage log %s: %w", path, err)
	}
	if st.Size() < stageLogHeaderSize {
		// New, or a crash while its header was written: nothing in it
		// was ever synced as an entry.
		if err := l.reset(1); err != nil {
			f.Close()
			return nil, err
		}
		return l, nil
	}
	var h [stageLogHeaderSize]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("stage log %s: read header: %w", path, err)
	}
	if [4]byte(h[:4]) != stageLogMagic || h[4] != stageLogVersion {
		f.Close()
		return nil, fmt.Errorf("stage log %s: not a stage log of version %d", path, stageLogVersion)
	}
	l.gen = binary.LittleEndian.Uint64(h[5:])
	l.size = st.Size()
	return l, nil
}

// reset empties the log and starts generation gen.
func (l *stageLog) reset(gen uint64) error {
	var h [stageLogHeaderSize]byte
	copy(h[:], stageLogMagic[:])
	h[4] = stageLogVersion
	binary.LittleEndian.PutUint64(h[5:], gen)
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("stage log %s: reset: %w", l.path, err)
	}
	if _, err := l.f.WriteAt(h[:], 0); err != nil {
		return fmt.Errorf("stage log %s: reset: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("stage log %s: reset: %w", l.path, err)
	}
	l.gen, l.size = gen, stageLogHeaderSize
	return nil
}

// append writes e at the end of the log and syncs it. It returns the
// offset before e, for truncate.
func (l *stageLog) append(e stageEntry) (int64, error) {
	off := l.size
	if n := stageEntryFixed + len(e.payload); n > maxStageEntry {
		// The reader would take it for a torn tail.
		return off, fmt.Errorf("stage log %s: an upload of %d bytes is over the log's limit of %d", l.path, n, maxStageEntry)
	}
	buf := encodeStageEntry(e)
	if _, err := l.f.WriteAt(buf, off); err != nil {
		l.truncate(off)
		return off, fmt.Errorf("stage log %s: append: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		l.truncate(off)
		return off, fmt.Errorf("stage log %s: sync: %w", l.path, err)
	}
	l.size = off + int64(len(buf))
	return off, nil
}

// encodeStageEntry returns e in the log's layout.
func encodeStageEntry(e stageEntry) []byte {
	buf := make([]byte, 8+stageEntryFixed, 8+stageEntryFixed+len(e.payload))
	binary.LittleEndian.PutUint32(buf[0:], uint32(stageEntryFixed+len(e.payload)))
	binary.LittleEndian.PutUint64(buf[8:], uint64(e.tenant))
	binary.LittleEndian.PutUint64(buf[16:], uint64(e.sensor))
	binary.LittleEndian.PutUint64(buf[24:], e.epoch)
	binary.LittleEndian.PutUint64(buf[32:], e.seq)
	binary.LittleEndian.PutUint64(buf[40:], uint64(e.base))
	buf = append(buf, e.payload...)
	binary.LittleEndian.PutUint32(buf[4:], crc32.Checksum(buf[8:], crc32c))
	return buf
}

// truncate drops everything from off on: the entry of a batch whose key
// did not commit, or a torn tail.
func (l *stageLog) truncate(off int64) error {
	if err := l.f.Truncate(off); err != nil {
		return fmt.Errorf("stage log %s: truncate: %w", l.path, err)
	}
	l.size = off
	return nil
}

// dropEntries rewrites the log without the entries at the offsets in drop
// (entries of batches whose key never committed, found by a replay), so
// that no later replay can mistake one for the batch when its resend
// commits. The new log replaces the old by a rename.
func (l *stageLog) dropEntries(drop map[int64]bool) error {
	tmp := l.path + tmpSuffix
	out, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return fmt.Errorf("stage log %s: rewrite: %w", l.path, err)
	}
	var h [stageLogHeaderSize]byte
	if _, err := l.f.ReadAt(h[:], 0); err != nil {
		out.Close()
		return fmt.Errorf("stage log %s: rewrite: %w", l.path, err)
	}
	w := bufio.NewWriter(out)
	w.Write(h[:])
	size := int64(stageLogHeaderSize)
	_, err = l.entries(func(e stageEntry, off int64) error {
		if drop[off] {
			return nil
		}
		b := encodeStageEntry(e)
		size += int64(len(b))
		_, err := w.Write(b)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = out.Sync()
	}
	if err == nil {
		err = os.Rename(tmp, l.path)
	}
	if err == nil {
		err = syncFile(filepath.Dir(l.path))
	}
	if err != nil {
		out.Close()
		os.Remove(tmp)
		return fmt.Errorf("stage log %s: rewrite: %w", l.path, err)
	}
	l.f.Close()
	l.f, l.size = out, size
	return nil
}

// entries calls fn for each whole entry, in order, with its offset. It stops at the first
// entry that is cut short or fails its checksum (a crash while appending:
// its key cannot have committed) and returns that entry's offset, where the
// log's good part ends.
func (l *stageLog) entries(fn func(stageEntry, int64) error) (int64, error) {
	r := bufio.NewReaderSize(io.NewSectionReader(l.f, stageLogHeaderSize, l.size-stageLogHeaderSize), 1<<20)
	return readStageEntries(r, stageLogHeaderSize, fn)
}

// readStageEntries reads entries from r, which starts at offset off of the
// log; see entries.
func readStageEntries(r io.Reader, off int64, fn func(stageEntry, int64) error) (int64, error) {
	var head [8]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return off, nil
			}
			return off, err
		}
		n := binary.LittleEndian.Uint32(head[0:])
		if n < stageEntryFixed || n > maxStageEntry {
			return off, nil
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return off, nil
			}
			return off, err
		}
		if crc32.Checksum(body, crc32c) != binary.LittleEndian.Uint32(head[4:]) {
			return off, nil
		}
		e := stageEntry{
			tenant:  int64(binary.LittleEndian.Uint64(body[0:])),
			sensor:  int64(binary.LittleEndian.Uint64(body[8:])),
			epoch:   binary.LittleEndian.Uint64(body[16:]),
			seq:     binary.LittleEndian.Uint64(body[24:]),
			base:    int64(binary.LittleEndian.Uint64(body[32:])),
			payload: body[stageEntryFixed:],
		}
		if err := fn(e, off); err != nil {
			return off, err
		}
		off += int64(len(head)) + int64(n)
	}
}

func (l *stageLog) close() error { return l.f.Close() }
