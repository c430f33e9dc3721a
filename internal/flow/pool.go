package flow

// bufPool recycles the buffers that hold out-of-order TCP segments. It is
// owned by one Table and used from one goroutine, so it needs no locking.
type bufPool struct {
	free [len(bufClasses)][][]byte
}

// bufClasses are the pooled buffer capacities: a typical segment, a jumbo
// or coalesced segment, and the largest IP datagram.
var bufClasses = [...]int{2 << 10, 16 << 10, 64 << 10}

// maxFreePerClass bounds what the pool keeps: at most 8 MiB per class.
var maxFreePerClass = [len(bufClasses)]int{4096, 512, 128}

// get returns a buffer of length n, pooled when n fits a class.
func (p *bufPool) get(n int) []byte {
	for i, size := range bufClasses {
		if n <= size {
			if l := len(p.free[i]); l > 0 {
				b := p.free[i][l-1]
				p.free[i][l-1] = nil
				p.free[i] = p.free[i][:l-1]
				return b[:n]
			}
			return make([]byte, n, size)
		}
	}
	return make([]byte, n)
}

// put returns a buffer obtained from get.
func (p *bufPool) put(b []byte) {
	for i, size := range bufClasses {
		if cap(b) == size {
			if len(p.free[i]) < maxFreePerClass[i] {
				p.free[i] = append(p.free[i], b[:0])
			}
			return
		}
	}
}
