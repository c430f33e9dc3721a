package decode

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// Reassembly limits.
const (
	maxIPLen       = 65535                                          // largest IPv4 total length / IPv6 payload length
	fragChunkSize  = 2048                                           // bytes of fragment data per pool chunk
	fragChunkUnits = fragChunkSize / 8                              // fragment offsets count 8-byte units
	fragMaxChunks  = (maxIPLen + fragChunkSize - 1) / fragChunkSize // chunks a datagram may need
	fragSlab       = 32                                             // chunks allocated together
	maxFragHdr     = 256                                            // IPv4 header, or IPv6 header + unfragmentable extension headers
)

// fragKey identifies a datagram: source, destination (IPv4 in the first 4
// bytes of each 16), identification, IPv4 protocol, and the IP version, so
// that IPv4 and IPv6 never mix. RFC 791 and RFC 8200 define these keys.
type fragKey [38]byte

// fragment is one IP fragment as the reassembler needs it.
type fragment struct {
	hdr     []byte // IPv4 header, or IPv6 header + unfragmentable extension headers
	nhPos   int    // IPv6: offset in hdr of the Next Header byte naming the fragment header
	nextHdr uint8  // IPv6: the fragment header's Next Header
	data    []byte // fragment payload
	off     int    // payload offset in bytes
	more    bool   // more fragments follow
	limit   int    // largest payload end the datagram's length field can express
}

// fragChunk holds 2 KiB of a datagram's payload and which of its 8-byte
// units have arrived.
type fragChunk struct {
	data [fragChunkSize]byte
	have [fragChunkUnits / 64]uint64
}

// datagram is a datagram being reassembled.
type datagram struct {
	key        fragKey
	hash       uint64
	first      int64 // packet time of its first fragment: the timeout runs from here
	prev, next int32 // age list, oldest first; -1 ends it
	end        int32 // payload length, known once the last fragment arrived; else -1
	maxEnd     int32 // highest payload byte end received
	units      int32 // 8-byte units received
	held       int32 // frames held for it
	hdrLen     int16 // length of hdr, 0 until the offset-0 fragment arrived
	nhPos      int16
	nextHdr    uint8
	chunks     [fragMaxChunks]int32 // pool chunk index + 1 per 2 KiB of payload; 0 = none yet
	hdr        [maxFragHdr]byte     // header of the offset-0 fragment
}

// reassembler rebuilds IPv4 and IPv6 datagrams from fragments, with bounded
// state: at most maxDgrams datagrams in flight, fragment data in a pool of
// at most maxChunks 2 KiB chunks allocated on demand, and a timeout in
// packet time. Fragments of datagrams that never complete are discarded on
// timeout or eviction and counted under the cause.
//
// Overlapping fragments are accepted when the overlapping bytes agree (a
// retransmitted fragment) and otherwise discard the whole datagram, as
// fragments that disagree are an evasion attempt; RFC 5722 would discard
// any IPv6 overlap, but exact copies are harmless.
type reassembler struct {
	cnt       *Counters
	seed      maphash.Seed
	timeout   int64
	maxDgrams int
	maxChunks int

	dgrams []datagram // grows on demand up to maxDgrams
	freeDg []int32
	slots  []int32 // open-addressing index: datagram index + 1; 0 = empty
	mask   uint64
	head   int32 // oldest datagram
	tail   int32 // newest datagram
	live   int   // datagrams in flight

	slabs  [][]fragChunk
	nChunk int // chunks allocated
	freeCh []int32

	out []byte // the last reassembled datagram, valid until the next one
}

// init sizes the reassembler; it allocates only the index.
func (r *reassembler) init(maxDgrams int, timeout int64, memory int, cnt *Counters) {
	r.cnt = cnt
	r.seed = maphash.MakeSeed()
	r.timeout = timeout
	r.maxDgrams = maxDgrams
	// One datagram of the largest size must always fit, else a lone big
	// datagram could never complete.
	r.maxChunks = max(memory/fragChunkSize, fragMaxChunks)
	r.maxChunks = (r.maxChunks + fragSlab - 1) / fragSlab * fragSlab
	n := 1
	for n < 2*maxDgrams {
		n <<= 1
	}
	r.slots = make([]int32, n)
	r.mask = uint64(n - 1)
	r.head, r.tail = -1, -1
}

// add files a fragment that arrived at ts. It returns the whole datagram
// (header patched to describe it whole) when this fragment completed it,
// else nil and FragmentHeld or the error status for this frame.
func (r *reassembler) add(k *fragKey, f *fragment, ts int64) ([]byte, Status) {
	end := f.off + len(f.data)
	h := maphash.Bytes(r.seed, k[:])
	_, idx := r.find(k, h)
	switch {
	case f.more && (len(f.data) == 0 || len(f.data)%8 != 0), len(f.hdr) > maxFragHdr:
		// Only the last fragment may end off the 8-byte grid.
		return nil, errStatus(CauseFragBad)
	case end > f.limit:
		// A datagram that would exceed the IP length field is an attack
		// (ping of death), never something to complete.
		if idx >= 0 {
			r.drop(idx, CauseFragTooBig)
		}
		return nil, errStatus(CauseFragTooBig)
	}
	if idx < 0 {
		idx = r.create(k, h, ts)
	}
	dg := &r.dgrams[idx]
	conflict := false
	if f.more {
		conflict = dg.end >= 0 && end > int(dg.end)
	} else {
		conflict = (dg.end >= 0 && int(dg.end) != end) || int(dg.maxEnd) > end
	}
	if conflict || !r.agrees(dg, f.data, f.off) {
		r.drop(idx, CauseFragOverlap)
		return nil, errStatus(CauseFragOverlap)
	}
	if c := r.write(idx, f.data, f.off); c != CauseNone {
		r.drop(idx, c)
		return nil, errStatus(c)
	}
	dg = &r.dgrams[idx]
	if !f.more {
		dg.end = int32(end)
	}
	dg.maxEnd = max(dg.maxEnd, int32(end))
	if f.off == 0 && dg.hdrLen == 0 {
		dg.hdrLen = int16(copy(dg.hdr[:], f.hdr))
		dg.nhPos = int16(f.nhPos)
		dg.nextHdr = f.nextHdr
	}
	if dg.end < 0 || dg.hdrLen == 0 || int(dg.units) != (int(dg.end)+7)/8 {
		dg.held++
		r.cnt.FragPending++
		return nil, FragmentHeld
	}
	return r.complete(idx)
}

// agrees reports whether data at off matches every byte already received
// where the two overlap.
func (r *reassembler) agrees(dg *datagram, data []byte, off int) bool {
	end := off + len(data)
	for pos := off; pos < end; {
		ci := pos / fragChunkSize
		n := min(end, (ci+1)*fragChunkSize) - pos
		if c := dg.chunks[ci]; c != 0 {
			ch := r.chunk(c - 1)
			base := ci * fragChunkSize
			first, last := (pos-base)/8, (pos+n-1-base)/8
			for w := first / 64; w <= last/64; w++ {
				// Only units already received can disagree.
				for m := ch.have[w] & unitMask(w, first, last); m != 0; m &= m - 1 {
					u := w*64 + bits.TrailingZeros64(m)
					lo := max(pos, base+u*8)
					hi := min(pos+n, base+u*8+8)
					if string(ch.data[lo-base:hi-base]) != string(data[lo-off:hi-off]) {
						return false
					}
				}
			}
		}
		pos += n
	}
	return true
}

// write copies data at off into the datagram's chunks and marks its units.
func (r *reassembler) write(idx int32, data []byte, off int) Cause {
	end := off + len(data)
	for pos := off; pos < end; {
		ci := pos / fragChunkSize
		n := min(end, (ci+1)*fragChunkSize) - pos
		if r.dgrams[idx].chunks[ci] == 0 {
			c := r.allocChunk(idx)
			if c < 0 {
				return CauseFragMemoryFull
			}
			r.dgrams[idx].chunks[ci] = c + 1
		}
		dg := &r.dgrams[idx]
		ch := r.chunk(dg.chunks[ci] - 1)
		base := ci * fragChunkSize
		copy(ch.data[pos-base:], data[pos-off:pos-off+n])
		first, last := (pos-base)/8, (pos+n-1-base)/8
		for w := first / 64; w <= last/64; w++ {
			m := unitMask(w, first, last)
			dg.units += int32(bits.OnesCount64(m &^ ch.have[w]))
			ch.have[w] |= m
		}
		pos += n
	}
	return CauseNone
}

// complete builds the whole datagram into r.out, releases its state and
// returns it with its header patched: IPv4 total length set and MF/offset
// cleared; IPv6 payload length set and the fragment header unlinked.
func (r *reassembler) complete(idx int32) ([]byte, Status) {
	dg := &r.dgrams[idx]
	hl, end := int(dg.hdrLen), int(dg.end)
	v6 := dg.key[37] == 6
	length := hl + end
	if v6 {
		length -= ipv6HeaderLen
	}
	if length > maxIPLen {
		// Possible when later fragments had shorter headers than the first.
		r.drop(idx, CauseFragTooBig)
		return nil, errStatus(CauseFragTooBig)
	}
	if r.out == nil {
		r.out = make([]byte, maxFragHdr+maxIPLen)
	}
	out := r.out[:hl+end]
	copy(out, dg.hdr[:hl])
	for ci := 0; ci*fragChunkSize < end; ci++ {
		ch := r.chunk(dg.chunks[ci] - 1)
		copy(out[hl+ci*fragChunkSize:], ch.data[:min(fragChunkSize, end-ci*fragChunkSize)])
	}
	if v6 {
		out[dg.nhPos] = dg.nextHdr
		binary.BigEndian.PutUint16(out[4:], uint16(length))
	} else {
		binary.BigEndian.PutUint16(out[2:], uint16(length))
		out[6] &= 0xC0 // keep reserved and DF, clear MF and the offset
		out[7] = 0
	}
	n := uint64(dg.held)
	r.cnt.FragAbsorbed += n
	r.cnt.FragPending -= n
	r.cnt.Reassembled++
	r.release(idx)
	return out, OK
}

// expire discards datagrams whose timeout passed at now and returns how
// many held fragments went with them. Datagrams age in creation order, so
// only the head of the age list is ever checked.
func (r *reassembler) expire(now int64) int {
	n := 0
	for r.head >= 0 && r.dgrams[r.head].first+r.timeout <= now {
		n += r.drop(r.head, CauseFragTimeout)
	}
	return n
}

// unitMask returns the bits of bitmap word w (units 64w to 64w+63) that
// fall within units first..last; w must overlap them.
func unitMask(w, first, last int) uint64 {
	lo, hi := max(first-w*64, 0), min(last-w*64, 63)
	return ^uint64(0) >> (63 - (hi - lo)) << lo
}
