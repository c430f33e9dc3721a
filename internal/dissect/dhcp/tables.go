package dhcp

// msgTypes names the DHCP message types (RFC 2132 9.6, RFC 3203, RFC 4388,
// RFC 6926, RFC 7724) as Zeek's dhcp.log spells them.
var msgTypes = [...]string{
	1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK", 7: "RELEASE",
	8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY", 11: "LEASEUNASSIGNED", 12: "LEASEUNKNOWN",
	13: "LEASEACTIVE", 14: "BULKLEASEQUERY", 15: "LEASEQUERYDONE", 16: "ACTIVELEASEQUERY",
	17: "LEASEQUERYSTATUS", 18: "TLS",
}

// codes are the decimal code strings of the message types 0-255.
var codes = func() (c [256]string) {
	for i := range c {
		c[i] = itoa(i)
	}
	return c
}()

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func msgTypeName(t uint8) string {
	if int(t) < len(msgTypes) && msgTypes[t] != "" {
		return msgTypes[t]
	}
	return "unknown"
}

const (
	codeBOOTP     = "bootp"
	codeMalformed = "malformed"
	typeNAK       = 6
	typeACK       = 5
)
