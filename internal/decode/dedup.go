package decode

import "hash/maphash"

// dedupWays is the number of frames remembered per bucket: one cache line
// of slots, so a lookup touches a single line.
const dedupWays = 4

// dedupFilter recognises frames byte-identical to a recent one, in O(1) and
// without allocating. It keeps no frame bytes, only a 64-bit seeded hash of
// the captured bytes mixed with the wire length, and the time the hash was
// last seen.
//
// Two different frames are mistaken for each other only if their hashes
// collide: with a 64-bit hash compared against the few slots of one bucket,
// the chance per frame is about 4/2^64 ≈ 2e-19, i.e. at 1.5 M frames/s one
// wrongly dropped frame every ~100,000 years. The opposite error, a missed
// duplicate, happens when a bucket had to forget the earlier copy, i.e. when
// far more frames than the table size arrive within one window.
type dedupFilter struct {
	window int64 // nanoseconds; 0 disables the filter
	seed   maphash.Seed
	mask   uint64
	slots  []dedupSlot // dedupWays slots per bucket
}

// dedupSlot remembers one frame: its hash (0 = empty) and when it was seen.
type dedupSlot struct {
	sum uint64
	ts  int64
}

// init sizes the filter for at least size frames (a power of two).
func (f *dedupFilter) init(window int64, size int) {
	if window <= 0 {
		return
	}
	buckets := 1
	for buckets*dedupWays < size {
		buckets <<= 1
	}
	f.window = window
	f.seed = maphash.MakeSeed()
	f.mask = uint64(buckets - 1)
	f.slots = make([]dedupSlot, buckets*dedupWays)
}

// seen reports whether a frame with the same bytes and wire length was seen
// within the window around ts (either side: frames of several interfaces
// may arrive slightly out of time order), and remembers this one.
func (f *dedupFilter) seen(data []byte, wireLen int, ts int64) bool {
	sum := maphash.Bytes(f.seed, data) ^ uint64(wireLen)*0x9E3779B97F4A7C15
	if sum == 0 {
		sum = 1
	}
	i := (sum & f.mask) * dedupWays
	b := f.slots[i : i+dedupWays : i+dedupWays]
	victim := 0
	for j := range b {
		s := &b[j]
		if s.sum == sum {
			dt := ts - s.ts
			if dt < 0 {
				dt = -dt
			}
			// The latest copy is what the next one is compared with, as
			// editcap -w does.
			if ts > s.ts {
				s.ts = ts
			}
			return dt <= f.window
		}
		if s.ts < b[victim].ts {
			victim = j
		}
	}
	// Empty slots have ts 0 and are taken first; else the oldest goes.
	b[victim] = dedupSlot{sum: sum, ts: ts}
	return false
}
