package wire

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestChecksum(t *testing.T) {
	// RFC 1071 section 3 example: the sum of these words is ddf2, so the
	// checksum is its complement.
	if got := Checksum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}); got != ^uint16(0xddf2) {
		t.Errorf("checksum %04x, want %04x", got, ^uint16(0xddf2))
	}
}

// verify re-sums a segment with its pseudo-header: a correct checksum
// makes the one's complement sum 0xffff.
func verify(t *testing.T, frame []byte, l3 int) {
	t.Helper()
	ip := frame[l3:]
	n := int(binary.BigEndian.Uint16(ip[2:]))
	if fold(sum16(0, ip[:IPHeaderLen])) != 0 {
		t.Error("bad IPv4 header checksum")
	}
	sum := sum16(0, ip[12:20]) + uint32(ip[9]) + uint32(n-IPHeaderLen)
	if c := fold(sum16(sum, ip[IPHeaderLen:n])); c != 0 {
		t.Errorf("bad transport checksum (residue %04x)", c)
	}
}

func TestTCPFrame(t *testing.T) {
	ip := IPHeader{Src: IPv4{10, 0, 0, 1}, Dst: IPv4{10, 0, 0, 2}, TTL: 128, DF: true, ID: 7}
	opts := SynOptions(nil, Stacks["windows"], nil, 0, 0)
	want := []byte{2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2}
	if !bytes.Equal(opts, want) {
		t.Fatalf("windows SYN options % x, want % x", opts, want)
	}
	b := AppendEth(nil, MAC{1}, MAC{2}, 101, EtherIPv4)
	b, m := StartTCP(b, &ip, &TCPHeader{SrcPort: 50000, DstPort: 502, Seq: 1, Flags: SYN, Window: 64240, Options: opts})
	b = Pad(FinishTCP(b, m), 0)
	if len(b) != 18+20+32 {
		t.Fatalf("frame of %d bytes", len(b))
	}
	verify(t, b, 18)
	if got := SynOptions(nil, Stacks["linux"], nil, 1, 0); len(got) != 20 || got[4] != 4 || got[6] != 8 || got[17] != 3 {
		t.Errorf("linux SYN options % x: want mss,sok,ts,nop,ws", got)
	}
	if got := SynOptions(nil, Stacks["vxworks"], Stacks["windows"], 0, 0); !bytes.Equal(got, []byte{2, 4, 0x05, 0xb4}) {
		t.Errorf("vxworks SYN+ACK options % x: want mss only", got)
	}
}

func TestUDPFrame(t *testing.T) {
	ip := IPHeader{Src: IPv4{192, 168, 1, 10}, Dst: IPv4{192, 168, 1, 20}, TTL: 64}
	b := AppendEth(nil, MAC{1}, MAC{2}, 0, EtherIPv4)
	b, m := StartUDP(b, &ip, 9600, 9600)
	b = FINSReadRequest(b, 20, 10, 1, 100, 50)
	b = FinishUDP(b, m)
	if len(b) != 14+20+8+18 {
		t.Fatalf("frame of %d bytes", len(b))
	}
	verify(t, b, 14)
	if got := b[14+28:]; !bytes.Equal(got, []byte{0x80, 0, 2, 0, 20, 0, 0, 10, 0, 1, 1, 1, 0x82, 0, 100, 0, 0, 50}) {
		t.Errorf("FINS read % x", got)
	}
}

func TestModbusAndSLMP(t *testing.T) {
	if got := ModbusReadRequest(nil, 0x0102, 1, 0, 40); !bytes.Equal(got, []byte{1, 2, 0, 0, 0, 6, 1, 3, 0, 0, 0, 40}) {
		t.Errorf("modbus read % x", got)
	}
	if got := ModbusReadResponse(nil, 1, 1, 2, 0); len(got) != 9+4 || got[5] != 7 || got[8] != 4 {
		t.Errorf("modbus response % x", got)
	}
	// SLMP 3E batch read of 64 words from D100 (reference manual layout).
	want := []byte{0x50, 0, 0, 0xff, 0xff, 3, 0, 0x0c, 0, 0x10, 0, 0x01, 0x04, 0, 0, 100, 0, 0, 0xa8, 64, 0}
	if got := SLMPReadRequest(nil, 100, 64); !bytes.Equal(got, want) {
		t.Errorf("slmp read % x\nwant % x", got, want)
	}
}
