package telnet

import (
	"encoding/binary"
	"os"
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

// segment is one TCP payload of the test session.
type segment struct {
	FromServer bool
	Data       string
}

// session is a Telnet login built from RFC 854 (IAC commands), RFC 855
// (option negotiation), RFC 1091 (TERMINAL-TYPE SEND/IS) and RFC 1073
// (NAWS): the server asks for the terminal type and window size and offers
// ECHO and SUPPRESS-GO-AHEAD; the client agrees, reports an 80x24 window
// and "VT100"; the server clears the screen (ANSI ESC [2J), prints its
// banner and a login prompt; the user types a name one key per segment and
// a password. No public capture of Telnet was available, so this synthetic
// session, written as a pcap by writeSession, stands in for one.
var session = []segment{
	{true, "\xff\xfd\x18\xff\xfb\x01\xff\xfb\x03\xff\xfd\x1f"},
	{false, "\xff\xfb\x18\xff\xfd\x01\xff\xfd\x03\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"},
	{true, "\xff\xfa\x18\x01\xff\xf0"},
	{false, "\xff\xfa\x18\x00VT100\xff\xf0"},
	{true, "\r\n\x1b[2J PLANT-GW-01 serial gateway\r\nFirmware 2.10 Build 19032212\r\n\r\nlogin: "},
	{false, "a"}, {true, "a"}, {false, "d"}, {true, "d"}, {false, "m"}, {true, "m"},
	{false, "\r\n"}, {true, "\r\nPassword: "},
	{false, "s3cret\r\n"}, {true, "\r\nLogin incorrect\r\n\r\nlogin: "},
}

// writeSession writes session as a pcap of one TCP connection from
// 10.0.0.5:40000 to 10.0.0.10:23, handshake and FIN included.
func writeSession(t testing.TB, path string) {
	t.Helper()
	var out []byte
	out = binary.LittleEndian.AppendUint32(out, 0xa1b2c3d4)
	out = binary.LittleEndian.AppendUint16(out, 2)
	out = binary.LittleEndian.AppendUint16(out, 4)
	out = append(out, make([]byte, 8)...)
	out = binary.LittleEndian.AppendUint32(out, 65535)
	out = binary.LittleEndian.AppendUint32(out, 1) // Ethernet
	cseq, sseq := uint32(1000), uint32(5000)
	ts := uint32(1_767_225_600) // 2026-01-01 00:00:00 UTC
	n := 0
	pkt := func(fromServer bool, flags uint8, payload string) {
		n++
		src, dst := []byte{10, 0, 0, 5}, []byte{10, 0, 0, 10}
		sp, dp := uint16(40000), uint16(23)
		seq, ack := cseq, sseq
		smac, dmac := []byte{2, 0, 0, 0, 0, 5}, []byte{2, 0, 0, 0, 0, 10}
		if fromServer {
			src, dst, sp, dp, seq, ack, smac, dmac = dst, src, dp, sp, sseq, cseq, dmac, smac
		}
		var f []byte
		f = append(f, dmac...)
		f = append(f, smac...)
		f = append(f, 0x08, 0x00)
		ip := []byte{0x45, 0, 0, 0, 0, byte(n), 0x40, 0, 64, 6, 0, 0}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
		ip = append(append(ip, src...), dst...)
		var sum uint32
		for i := 0; i < 20; i += 2 {
			sum += uint32(binary.BigEndian.Uint16(ip[i:]))
		}
		for sum > 0xffff {
			sum = sum&0xffff + sum>>16
		}
		binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
		f = append(f, ip...)
		tcp := make([]byte, 20)
		binary.BigEndian.PutUint16(tcp[0:], sp)
		binary.BigEndian.PutUint16(tcp[2:], dp)
		binary.BigEndian.PutUint32(tcp[4:], seq)
		binary.BigEndian.PutUint32(tcp[8:], ack)
		tcp[12], tcp[13] = 5<<4, flags
		binary.BigEndian.PutUint16(tcp[14:], 65535)
		f = append(append(f, tcp...), payload...)
		out = binary.LittleEndian.AppendUint32(out, ts)
		out = binary.LittleEndian.AppendUint32(out, uint32(n*1000))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(f)))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
		adv := uint32(len(payload))
		if flags&0x03 != 0 { // SYN and FIN take one sequence number
			adv++
		}
		if fromServer {
			sseq += adv
		} else {
			cseq += adv
		}
	}
	const syn, fin, ack, psh = 0x02, 0x01, 0x10, 0x08
	pkt(false, syn, "")
	pkt(true, syn|ack, "")
	pkt(false, ack, "")
	for _, s := range session {
		pkt(s.FromServer, psh|ack, s.Data)
	}
	pkt(false, fin|ack, "")
	pkt(true, fin|ack, "")
	pkt(false, ack, "")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWriteSession writes the session where OTSIGHT_TELNET_PCAP says, for
// checking it with tshark by hand (see session_golden_test.go).
func TestWriteSession(t *testing.T) {
	path := os.Getenv("OTSIGHT_TELNET_PCAP")
	if path == "" {
		t.Skip("set OTSIGHT_TELNET_PCAP to write the test session")
	}
	writeSession(t, path)
}

// checkRecord checks the record of the synthetic session: what the server
// printed before the first keystroke, and nothing the client typed
// ("adm", "s3cret", "VT100").
func checkRecord(t *testing.T, r *record.Telnet) {
	t.Helper()
	if r.Banner != "PLANT-GW-01 serial gateway\nFirmware 2.10 Build 19032212\nlogin:" || r.LoginPrompt != "login:" ||
		!slices.Equal(r.ServerOptions, []string{"terminal_type", "echo", "suppress_go_ahead", "naws"}) ||
		!slices.Equal(r.ClientOptions, []string{"terminal_type", "echo", "suppress_go_ahead", "naws"}) {
		t.Errorf("record %+v", *r)
	}
}
