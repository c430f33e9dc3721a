package dissect

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

type nopParser struct{}

func (nopParser) Parse(*Context, []byte) {}

func newNop() Parser { return nopParser{} }

func TestRegistryRecognise(t *testing.T) {
	modbusLike := &Spec{Name: NameModbus, TCPPorts: []uint16{502}, New: newNop,
		Detect: func(_ Dir, b []byte) bool { return len(b) >= 8 && b[2] == 0 && b[3] == 0 }, AnyPort: true}
	s7Like := &Spec{Name: NameS7comm, TCPPorts: []uint16{102}, New: newNop}
	dnsLike := &Spec{Name: NameDNS, UDPPorts: []uint16{53}, New: newNop}
	lldpLike := &Spec{Name: NameLLDP, EtherTypes: []uint16{0x88cc}, New: newNop}
	r, err := NewRegistry(modbusLike, s7Like, dnsLike, lldpLike)
	if err != nil {
		t.Fatal(err)
	}
	mbap := []byte{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10}
	cases := []struct {
		name    string
		t       Transport
		orig    uint16
		resp    uint16
		payload []byte
		want    *Spec
	}{
		{"port and detect", TCP, 50000, 502, mbap, modbusLike},
		{"port, detect refuses", TCP, 50000, 502, []byte("GET / HTTP/1.1"), nil},
		{"server port on orig side", TCP, 502, 50000, mbap, modbusLike},
		{"heuristic on any port", TCP, 50000, 8502, mbap, modbusLike},
		{"port without detect", TCP, 50000, 102, []byte{3, 0, 0, 22}, s7Like},
		{"udp port", UDP, 50000, 53, []byte{0}, dnsLike},
		{"tcp port is not udp port", UDP, 50000, 102, []byte{3, 0}, nil},
	}
	for _, c := range cases {
		got := r.Recognise(c.t, &Endpoints{OrigP: c.orig, RespP: c.resp}, FromOrig, c.payload)
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if r.ForEther(0x88cc) != lldpLike || r.ForEther(0x0800) != nil {
		t.Error("ForEther")
	}
	if !r.ServerPort(TCP, 102) || r.ServerPort(UDP, 102) {
		t.Error("ServerPort")
	}
	if !r.Candidates(TCP, 1, 2) { // heuristic TCP dissector exists
		t.Error("Candidates TCP")
	}
	if r.Candidates(UDP, 1, 2) || !r.Candidates(UDP, 53, 2) {
		t.Error("Candidates UDP")
	}
}

func TestRegistryRejects(t *testing.T) {
	if _, err := NewRegistry(&Spec{Name: "nonsense", New: newNop}); err == nil {
		t.Error("non-canonical name accepted")
	}
	if _, err := NewRegistry(&Spec{Name: NameDNS, New: newNop}, &Spec{Name: NameDNS, New: newNop}); err == nil {
		t.Error("duplicate accepted")
	}
	if _, err := NewRegistry(&Spec{Name: NameLLDP, EtherTypes: []uint16{1}, New: newNop},
		&Spec{Name: NameCDP, EtherTypes: []uint16{1}, New: newNop}); err == nil {
		t.Error("shared ethertype accepted")
	}
	if _, err := NewRegistry(&Spec{Name: NameDNS}); err == nil {
		t.Error("spec without constructor accepted")
	}
}

// tpkt frames a 4-byte TPKT header (version 3, length big-endian).
func tpkt(payload string) []byte {
	b := []byte{3, 0, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(4+len(payload)))
	return append(b, payload...)
}

func tpktLen(b []byte) int {
	if len(b) < 4 {
		return 0
	}
	if b[0] != 3 {
		return -1
	}
	if n := int(binary.BigEndian.Uint16(b[2:])); n >= 4 {
		return n
	}
	return -1
}

func TestStreamReassembles(t *testing.T) {
	stream := append(append(tpkt("alpha"), tpkt("bravo-charlie")...), tpkt("d")...)
	// Every way of cutting the stream in two, and byte by byte, yields the
	// same three PDUs.
	for cut := 0; cut <= len(stream); cut++ {
		var s Stream
		var got [][]byte
		emit := func(p []byte) { got = append(got, bytes.Clone(p)) }
		s.Feed(stream[:cut], tpktLen, emit)
		s.Feed(stream[cut:], tpktLen, emit)
		if len(got) != 3 || string(got[1][4:]) != "bravo-charlie" || s.Buffered() != 0 {
			t.Fatalf("cut %d: got %q, buffered %d", cut, got, s.Buffered())
		}
	}
	var s Stream
	n := 0
	for i := range stream {
		s.Feed(stream[i:i+1], tpktLen, func([]byte) { n++ })
	}
	if n != 3 {
		t.Fatalf("byte by byte: %d PDUs", n)
	}
}

func TestStreamDesyncAndBound(t *testing.T) {
	s := Stream{Max: 16}
	n := 0
	s.Feed([]byte{9, 9, 9, 9, 9}, tpktLen, func([]byte) { n++ })
	if s.Desyncs != 1 || s.Buffered() != 0 {
		t.Fatalf("desync not noticed: %+v", s)
	}
	s.Feed(tpkt("this PDU is longer than sixteen bytes")[:10], tpktLen, func([]byte) { n++ })
	if s.Desyncs != 2 || s.Buffered() != 0 || n != 0 {
		t.Fatalf("oversized PDU buffered: %+v n=%d", s, n)
	}
	s.Feed(tpkt("ok"), tpktLen, func([]byte) { n++ })
	if n != 1 {
		t.Fatalf("stream did not recover: n=%d", n)
	}
}

func FuzzStream(f *testing.F) {
	f.Add(append(tpkt("abc"), tpkt("defgh")...), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		s := Stream{Max: 1 << 10}
		total := 0
		emit := func(p []byte) {
			if tpktLen(p) != len(p) {
				t.Fatalf("PDU of length %d claims %d", len(p), tpktLen(p))
			}
			total += len(p)
		}
		c := min(int(cut), len(data))
		s.Feed(data[:c], tpktLen, emit)
		s.Feed(data[c:], tpktLen, emit)
		if total+s.Buffered() > len(data) {
			t.Fatalf("emitted %d + buffered %d > input %d", total, s.Buffered(), len(data))
		}
	})
}

func TestRegistrySNAP(t *testing.T) {
	cdpLike := &Spec{Name: NameCDP, SNAP: []SNAPID{{OUI: 0x00000c, PID: 0x2000}}, New: newNop}
	r, err := NewRegistry(cdpLike)
	if err != nil {
		t.Fatal(err)
	}
	if r.ForSNAP(0x00000c, 0x2000) != cdpLike || r.ForSNAP(0x00000c, 0x2004) != nil || r.ForEther(0x2000) != nil {
		t.Error("ForSNAP")
	}
	if _, err := NewRegistry(cdpLike, &Spec{Name: NameLLDP, SNAP: cdpLike.SNAP, New: newNop}); err == nil {
		t.Error("shared SNAP id accepted")
	}
}

func TestRepeats(t *testing.T) {
	var r Repeats
	ep := &Endpoints{OrigMAC: [6]byte{0, 1, 2, 3, 4, 5}, VLAN: 10}
	ctx := func(ts int64) *Context { return &Context{TS: record.Micros(ts), Ep: ep} }
	if !r.First(ctx(61_000_000), []byte("a")) || r.First(ctx(62_000_000), []byte("a")) {
		t.Fatal("repeat within the minute not recognised")
	}
	if !r.First(ctx(62_000_000), []byte("b")) {
		t.Fatal("different announcement taken as a repeat")
	}
	other := *ep
	other.VLAN = 11
	if !r.First(&Context{TS: 63_000_000, Ep: &other}, []byte("a")) {
		t.Fatal("same bytes on another VLAN taken as a repeat")
	}
	if !r.First(ctx(120_000_000), []byte("a")) {
		t.Fatal("announcement of the next minute taken as a repeat")
	}
	c, a := ctx(121_000_000), []byte("a")
	if n := testing.AllocsPerRun(100, func() { r.First(c, a) }); n != 0 {
		t.Fatalf("a repeat allocates %v times", n)
	}
}
