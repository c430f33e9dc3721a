package decode

// The reassembler's bookkeeping: the datagram index (open addressing with
// linear probing), the age list and the chunk pool.

// find looks k up; idx is -1 when absent, slot is where it is or would go.
func (r *reassembler) find(k *fragKey, h uint64) (slot uint64, idx int32) {
	for i := h & r.mask; ; i = (i + 1) & r.mask {
		s := r.slots[i]
		if s == 0 {
			return i, -1
		}
		if dg := &r.dgrams[s-1]; dg.hash == h && dg.key == *k {
			return i, s - 1
		}
	}
}

// create starts a datagram, evicting the oldest one when the table is full.
func (r *reassembler) create(k *fragKey, h uint64, ts int64) int32 {
	if r.live >= r.maxDgrams {
		r.drop(r.head, CauseFragTableFull)
	}
	var idx int32
	if n := len(r.freeDg); n > 0 {
		idx = r.freeDg[n-1]
		r.freeDg = r.freeDg[:n-1]
	} else {
		r.dgrams = append(r.dgrams, datagram{})
		idx = int32(len(r.dgrams) - 1)
	}
	dg := &r.dgrams[idx]
	dg.key, dg.hash, dg.first = *k, h, ts
	dg.end, dg.maxEnd, dg.units, dg.held, dg.hdrLen = -1, 0, 0, 0, 0
	dg.prev, dg.next = r.tail, -1
	if r.tail >= 0 {
		r.dgrams[r.tail].next = idx
	} else {
		r.head = idx
	}
	r.tail = idx
	slot, _ := r.find(k, h)
	r.slots[slot] = idx + 1
	r.live++
	return idx
}

// drop discards a datagram, counting its held fragments under cause, and
// returns how many there were.
func (r *reassembler) drop(idx int32, cause Cause) int {
	n := r.dgrams[idx].held
	r.cnt.Errors[cause] += uint64(n)
	r.cnt.FragDiscarded += uint64(n)
	r.cnt.FragPending -= uint64(n)
	r.release(idx)
	return int(n)
}

// release frees a datagram's chunks, index slot and age-list place.
func (r *reassembler) release(idx int32) {
	dg := &r.dgrams[idx]
	for i, c := range dg.chunks {
		if c != 0 {
			r.chunk(c - 1).have = [fragChunkUnits / 64]uint64{}
			r.freeCh = append(r.freeCh, c-1)
			dg.chunks[i] = 0
		}
	}
	if dg.prev >= 0 {
		r.dgrams[dg.prev].next = dg.next
	} else {
		r.head = dg.next
	}
	if dg.next >= 0 {
		r.dgrams[dg.next].prev = dg.prev
	} else {
		r.tail = dg.prev
	}
	slot, _ := r.find(&dg.key, dg.hash)
	r.unslot(slot)
	r.freeDg = append(r.freeDg, idx)
	r.live--
}

// unslot empties an index slot, moving later entries of the same probe
// run back so that lookups never stop early at the hole.
func (r *reassembler) unslot(i uint64) {
	for j := (i + 1) & r.mask; r.slots[j] != 0; j = (j + 1) & r.mask {
		home := r.dgrams[r.slots[j]-1].hash & r.mask
		// Move the entry at j into the hole at i unless its home lies
		// cyclically within (i, j], where the hole does not break its run.
		if (j-home)&r.mask >= (j-i)&r.mask {
			r.slots[i] = r.slots[j]
			i = j
		}
	}
	r.slots[i] = 0
}

// allocChunk returns a free pool chunk for datagram cur, allocating a slab
// while under the memory bound and otherwise evicting the oldest other
// datagrams. It returns -1 only if nothing else can be evicted.
func (r *reassembler) allocChunk(cur int32) int32 {
	for len(r.freeCh) == 0 {
		if r.nChunk < r.maxChunks {
			r.slabs = append(r.slabs, make([]fragChunk, fragSlab))
			for i := fragSlab - 1; i >= 0; i-- {
				r.freeCh = append(r.freeCh, int32(r.nChunk+i))
			}
			r.nChunk += fragSlab
			break
		}
		victim := r.head
		if victim == cur {
			victim = r.dgrams[victim].next
		}
		if victim < 0 {
			return -1
		}
		r.drop(victim, CauseFragMemoryFull)
	}
	c := r.freeCh[len(r.freeCh)-1]
	r.freeCh = r.freeCh[:len(r.freeCh)-1]
	return c
}

// chunk returns pool chunk i.
func (r *reassembler) chunk(i int32) *fragChunk {
	return &r.slabs[i/fragSlab][i%fragSlab]
}
