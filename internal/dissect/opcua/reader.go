package opcua

import "encoding/binary"

// reader decodes OPC UA Binary built-in types (Part 6, 5.2). A read past
// the end sets bad and yields zero values; callers check bad once.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if v := r.take(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

// bytes reads a String or ByteString: Int32 length, -1 for null.
func (r *reader) bytes() []byte {
	n := int32(r.u32())
	if n <= 0 {
		return nil
	}
	return r.take(int(n))
}

// nodeID reads a NodeId or ExpandedNodeId and reports its namespace and
// numeric identifier (numeric false for string, GUID and opaque ids).
func (r *reader) nodeID() (ns uint16, id uint32, numeric bool) {
	enc := r.u8()
	switch enc & 0x0f {
	case 0x00: // two-byte
		id, numeric = uint32(r.u8()), true
	case 0x01: // four-byte
		ns = uint16(r.u8())
		id, numeric = uint32(r.u16()), true
	case 0x02:
		ns = r.u16()
		id, numeric = r.u32(), true
	case 0x03, 0x05: // string, opaque
		r.u16()
		r.bytes()
	case 0x04: // GUID
		r.u16()
		r.take(16)
	default:
		r.bad = true
	}
	if enc&0x80 != 0 { // namespace URI
		r.bytes()
	}
	if enc&0x40 != 0 { // server index
		r.u32()
	}
	return ns, id, numeric
}

// extensionObject skips an ExtensionObject: type id, encoding, body.
func (r *reader) extensionObject() {
	r.nodeID()
	switch r.u8() {
	case 0:
	case 1, 2:
		r.bytes()
	default:
		r.bad = true
	}
}

// diagnosticInfo skips a DiagnosticInfo (recursion bounded by depth).
func (r *reader) diagnosticInfo(depth int) {
	if depth > 8 {
		r.bad = true
		return
	}
	mask := r.u8()
	for _, bit := range []uint8{0x01, 0x02, 0x04, 0x08} {
		if mask&bit != 0 {
			r.u32()
		}
	}
	if mask&0x10 != 0 {
		r.bytes()
	}
	if mask&0x20 != 0 {
		r.u32()
	}
	if mask&0x40 != 0 {
		r.diagnosticInfo(depth + 1)
	}
}

// requestHeader skips a RequestHeader (Part 4, 7.28).
func (r *reader) requestHeader() {
	r.nodeID() // authentication token
	r.take(8)  // timestamp
	r.u32()    // request handle
	r.u32()    // return diagnostics
	r.bytes()  // audit entry id
	r.u32()    // timeout hint
	r.extensionObject()
}

// responseHeader skips a ResponseHeader (Part 4, 7.29).
func (r *reader) responseHeader() {
	r.take(8) // timestamp
	r.u32()   // request handle
	r.u32()   // service result
	r.diagnosticInfo(0)
	n := int32(r.u32()) // string table
	for i := int32(0); i < n && !r.bad; i++ {
		r.bytes()
	}
	r.extensionObject()
}

// localizedText returns the text of a LocalizedText.
func (r *reader) localizedText() []byte {
	mask := r.u8()
	if mask&0x01 != 0 {
		r.bytes()
	}
	if mask&0x02 != 0 {
		return r.bytes()
	}
	return nil
}
