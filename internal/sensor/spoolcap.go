package sensor

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultSpoolCap is the default bound on the spool's size. It holds at
// least 7 days of batches at the seed's maximum load (SPEC §6: 3,000,000
// connections a day, 100 Mbps, ≤1,500 devices):
//
//	conn records     3,000,000 /day × 59 B (measured, docs/PERFORMANCE.md)   ≈ 177 MB/day
//	minute rollups   conn_interval, flow, eth, arp, ndp, ot, asset_id:
//	                 ≤ 5,000 rows/min (1,500 devices, a few rows each)
//	                 × 1,440 min × 59 B (taken as dear as a conn row)        ≈ 425 MB/day
//	dissector and identity records (dns, dhcp, ssdp, …), sensor_stats        ≈  50 MB/day (generous)
//	total                                                                    ≈ 650 MB/day
//	7 days                                                                   ≈ 4.6 GB
//
// 8 GiB (8.6 GB) therefore keeps 7 days with 85% to spare (about 13 days),
// which is 3.4% of the sensor's 256 GB disk. For comparison the upload
// budget, 10 GB a month, averages 330 MB a day.
const DefaultSpoolCap int64 = 8 << 30

// spoolCap bounds the spool: when a new batch takes it beyond limit, the
// oldest batches are dropped, each counted and logged.
type spoolCap struct {
	limit          int64 // bytes; 0: unbounded
	log            *slog.Logger
	droppedBatches uint64
	droppedBytes   uint64
}

// SetCap bounds the spool to limit bytes (0: unbounded) and names the
// logger that reports dropped batches (nil: slog.Default()).
func (s *Spool) SetCap(limit int64, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cap.limit, s.cap.log = limit, log
}

// Dropped reports the batches (and their bytes) dropped because the spool
// was full since it was opened.
func (s *Spool) Dropped() (batches, bytes uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cap.droppedBatches, s.cap.droppedBytes
}

// enforceCapLocked drops the oldest batches while the spool is over its
// limit, never the batch just written (newest), so the latest data survive
// even a limit smaller than one batch. Called with s.mu held.
func (s *Spool) enforceCapLocked(newest uint64) error {
	if s.cap.limit <= 0 {
		return nil
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("list spool %s: %w", s.dir, err)
	}
	type batch struct {
		seq  uint64
		size int64
	}
	var bs []batch
	var total int64
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), spoolExt)
		if !ok {
			continue
		}
		seq, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile (uploaded)
		}
		bs = append(bs, batch{seq, info.Size()})
		total += info.Size()
	}
	if total <= s.cap.limit {
		return nil
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].seq < bs[j].seq })
	for _, b := range bs {
		if total <= s.cap.limit || b.seq == newest {
			break
		}
		err := os.Remove(filepath.Join(s.dir, fmt.Sprintf("%020d%s", b.seq, spoolExt)))
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("drop batch %d from full spool: %w", b.seq, err)
		}
		total -= b.size
		if err == nil {
			s.cap.droppedBatches++
			s.cap.droppedBytes += uint64(b.size)
			s.cap.log.Warn("spool full: dropped the oldest batch", "seq", b.seq, "bytes", b.size,
				"spool_bytes", total, "cap", s.cap.limit, "dropped_total", s.cap.droppedBatches)
		}
	}
	return nil
}
