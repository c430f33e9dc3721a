package flow

import (
	"time"

	"github.com/otsight/otsight/internal/decode"
)

// DefaultConfig returns Zeek's default timeouts (tcp_inactivity_timeout,
// tcp_attempt_delay, tcp_close_delay, tcp_reset_delay, udp_ and
// icmp_inactivity_timeout), a cap of 1<<20 connections, 256 KiB of
// out-of-order TCP data per direction, and DefaultLikelyServerPort.
func DefaultConfig() Config {
	return Config{
		TCPInactivity:    5 * time.Minute,
		TCPAttempt:       5 * time.Second,
		TCPClose:         5 * time.Second,
		TCPReset:         5 * time.Second,
		UDPInactivity:    time.Minute,
		ICMPInactivity:   time.Minute,
		MaxConns:         1 << 20,
		MaxStreamBuffer:  256 << 10,
		LikelyServerPort: DefaultLikelyServerPort,
	}
}

// withDefaults replaces zero (or negative) settings by DefaultConfig's.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	durations := []struct{ v, def *time.Duration }{
		{&c.TCPInactivity, &d.TCPInactivity},
		{&c.TCPAttempt, &d.TCPAttempt},
		{&c.TCPClose, &d.TCPClose},
		{&c.TCPReset, &d.TCPReset},
		{&c.UDPInactivity, &d.UDPInactivity},
		{&c.ICMPInactivity, &d.ICMPInactivity},
	}
	for _, x := range durations {
		if *x.v <= 0 {
			*x.v = *x.def
		}
	}
	if c.MaxConns <= 0 {
		c.MaxConns = d.MaxConns
	}
	if c.MaxStreamBuffer <= 0 {
		c.MaxStreamBuffer = d.MaxStreamBuffer
	}
	if c.LikelyServerPort == nil {
		c.LikelyServerPort = d.LikelyServerPort
	}
	return c
}

// portSet is a bitmap of the 65536 ports.
type portSet [1024]uint64

func (s *portSet) add(ports ...uint16) {
	for _, p := range ports {
		s[p>>6] |= 1 << (p & 63)
	}
}

func (s *portSet) addRange(lo, hi uint16) {
	for p := int(lo); p <= int(hi); p++ {
		s.add(uint16(p))
	}
}

func (s *portSet) has(p uint16) bool { return s[p>>6]&(1<<(p&63)) != 0 }

// The server ports Zeek's base analyzers register (which is what fills its
// likely_server_ports), plus the industrial and infrastructure services an OT
// sensor meets. Client-side ports such as DHCP's 68 are deliberately absent,
// so a reply seen before its request is still oriented toward the client.
var likelyTCP, likelyUDP = func() (*portSet, *portSet) {
	t, u := new(portSet), new(portSet)
	// IT services (Zeek's registered analyzer ports and a few more).
	t.add(21, 22, 23, 25, 53, 79, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445,
		465, 563, 585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1433,
		1434, 1883, 2811, 3128, 3306, 3389, 5222, 5223, 5269, 5432, 5900, 6379,
		8000, 8080, 8443, 8883, 8888)
	t.addRange(6666, 6669)
	u.add(53, 67, 69, 88, 123, 137, 161, 162, 443, 500, 514, 623, 784, 853,
		1812, 1813, 1900, 3389, 3702, 4011, 4500, 5060, 5353, 5355)
	// Industrial protocols: ISO-TSAP (S7, MMS) 102, Modbus 502, Red Lion 789,
	// Niagara Fox 1911, PCWorx 1962, IEC 104 2404, CODESYS 2455, OPC UA 4840,
	// MELSEC 5001-5007, HART-IP 5094, Omron FINS 9600, GE SRTP 18245-18246,
	// DNP3 20000, ProConOS 20547, PROFINET 34962-34964, EtherNet/IP 44818.
	t.add(102, 502, 789, 1911, 1962, 2404, 2455, 4840, 5094, 9600, 18245,
		18246, 20000, 20547, 34962, 34963, 34964, 44818)
	t.addRange(5001, 5007)
	// UDP: Modbus 502, EtherNet/IP I/O 2222, HART-IP 5094, MELSEC 5560,
	// Omron FINS 9600, DNP3 20000, PROFINET 34962-34964, EtherNet/IP 44818,
	// SLMP 45238, BACnet 47808, CC-Link IE Field Basic 61450.
	u.add(502, 2222, 5094, 5560, 9600, 20000, 34962, 34963, 34964, 44818,
		45238, 47808, 61450)
	return t, u
}()

// DefaultLikelyServerPort reports whether port is a well-known server port
// for TCP or UDP: the ports of Zeek's base analyzers plus common OT
// services. It answers false for every other protocol.
func DefaultLikelyServerPort(proto uint8, port uint16) bool {
	switch proto {
	case decode.ProtoTCP:
		return likelyTCP.has(port)
	case decode.ProtoUDP:
		return likelyUDP.has(port)
	}
	return false
}
