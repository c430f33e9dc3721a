package cclink

// hex2 holds the two-digit lower-case hex spelling of every byte, so that
// codes of unknown values can be reported without formatting per message.
var hex2 = func() (t [256]string) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = string([]byte{digits[i>>4], digits[i&15]})
	}
	return t
}()
