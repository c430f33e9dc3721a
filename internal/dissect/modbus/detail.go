package modbus

import "strconv"

// Detail kinds.
const (
	kindUnit      = iota // unit id only
	kindAddr             // one address
	kindRange            // an address range
	kindReadWrite        // read range and write range (function 23)
)

// detailKey is the content of a Detail string, comparable so that the text
// can be cached: a poller repeating the same requests costs no formatting
// and no allocation.
type detailKey struct {
	unit uint8
	kind uint8
	exc  uint8
	a, b uint32 // address or read range
	c, d uint32 // write range
}

func (d *detailKey) setRange(addr, qty uint32) {
	d.kind = kindRange
	d.a, d.b = rangeEnd(addr, qty)
}

// maxDetails bounds the cache; a scan over many ranges just refills it.
const maxDetails = 512

// detailCache maps detail keys to their text.
type detailCache map[detailKey]string

func (c *detailCache) text(k detailKey) string {
	if s, ok := (*c)[k]; ok {
		return s
	}
	if *c == nil || len(*c) >= maxDetails {
		*c = make(detailCache, 64)
	}
	s := k.format()
	(*c)[k] = s
	return s
}

// format renders "unit=U addr=A-B write=C-D exception=N".
func (k detailKey) format() string {
	b := make([]byte, 0, 48)
	b = append(b, "unit="...)
	b = strconv.AppendUint(b, uint64(k.unit), 10)
	switch k.kind {
	case kindAddr:
		b = append(b, " addr="...)
		b = strconv.AppendUint(b, uint64(k.a), 10)
	case kindRange, kindReadWrite:
		b = appendRange(append(b, " addr="...), k.a, k.b)
		if k.kind == kindReadWrite {
			b = appendRange(append(b, " write="...), k.c, k.d)
		}
	}
	if k.exc != 0 {
		b = append(b, " exception="...)
		b = strconv.AppendUint(b, uint64(k.exc), 10)
	}
	return string(b)
}

func appendRange(b []byte, from, to uint32) []byte {
	b = strconv.AppendUint(b, uint64(from), 10)
	if to != from {
		b = append(b, '-')
		b = strconv.AppendUint(b, uint64(to), 10)
	}
	return b
}
