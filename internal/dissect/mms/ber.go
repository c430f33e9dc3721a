package mms

// tlv is one BER element: class (0 universal, 1 application, 2 context,
// 3 private), constructed flag, tag number and content.
type tlv struct {
	class       byte
	constructed bool
	tag         uint32
	content     []byte
}

// id returns the first identifier octet of a low tag number (< 31) element,
// handy for comparisons with the encoded form (e.g. 0x61).
func (t tlv) id() byte {
	if t.tag >= 31 {
		return 0
	}
	b := t.class<<6 | byte(t.tag)
	if t.constructed {
		b |= 0x20
	}
	return b
}

// next reads one BER element from b and returns it with the bytes after it.
// An indefinite length takes the rest of b (its end-of-contents octets are
// then part of the content, which the callers tolerate). ok is false when b
// does not start with a complete element.
func next(b []byte) (t tlv, rest []byte, ok bool) {
	if len(b) < 2 {
		return t, nil, false
	}
	t.class = b[0] >> 6
	t.constructed = b[0]&0x20 != 0
	t.tag = uint32(b[0] & 0x1f)
	i := 1
	if t.tag == 0x1f {
		t.tag = 0
		for {
			if i >= len(b) || i > 4 {
				return t, nil, false
			}
			c := b[i]
			i++
			t.tag = t.tag<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return t, nil, false
	}
	l := int(b[i])
	i++
	switch {
	case l == 0x80:
		t.content = b[i:]
		return t, nil, true
	case l > 0x80:
		n := l & 0x7f
		if n > 3 || i+n > len(b) {
			return t, nil, false
		}
		l = 0
		for _, c := range b[i : i+n] {
			l = l<<8 | int(c)
		}
		i += n
	}
	if l > len(b)-i {
		return t, nil, false
	}
	return tlv{t.class, t.constructed, t.tag, b[i : i+l]}, b[i+l:], true
}

// find returns the first element with identifier octet id among the
// elements of b.
func find(b []byte, id byte) (tlv, bool) {
	for len(b) > 0 {
		t, rest, ok := next(b)
		if !ok {
			return tlv{}, false
		}
		if t.id() == id {
			return t, true
		}
		b = rest
	}
	return tlv{}, false
}
