package dnp3

// crcTable drives the DNP3 link-layer CRC (IEEE 1815, 9.2.5): CRC-16 with
// generator 0x3D65, processed least significant bit first (reflected
// constant 0xA6BC), initial value 0, result complemented and sent low
// octet first.
var crcTable = func() [256]uint16 {
	var t [256]uint16
	for i := range t {
		c := uint16(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0xa6bc
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crcOK reports whether the two octets after b hold b's CRC; block must be
// b followed by those two octets.
func crcOK(block []byte) bool {
	n := len(block) - 2
	var c uint16
	for _, v := range block[:n] {
		c = c>>8 ^ crcTable[byte(c)^v]
	}
	c = ^c
	return block[n] == byte(c) && block[n+1] == byte(c>>8)
}
