package decode

import (
	"bytes"
	"net/netip"
	"testing"
)

// frameCase is one hand-built frame and what Decode must make of it.
type frameCase struct {
	name  string
	link  LinkType
	frame []byte
	wire  int // wire length; 0 means len(frame)
	want  Status
	check func(t *testing.T, p *Packet)
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func eqBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s = % x, want % x", what, got, want)
	}
}

// balanced checks the accounting identity documented on Counters.
func balanced(t *testing.T, c Counters) {
	t.Helper()
	var errs uint64
	for _, n := range c.Errors {
		errs += n
	}
	if c.Frames != c.Delivered+c.Duplicates+c.FragAbsorbed+c.FragPending+errs {
		t.Errorf("unbalanced counters: %+v", c)
	}
	if c.FragHeld != c.FragAbsorbed+c.FragDiscarded+c.FragPending {
		t.Errorf("unbalanced fragment counters: %+v", c)
	}
}

func runCases(t *testing.T, cases []frameCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			wire := tc.wire
			if wire == 0 {
				wire = len(tc.frame)
			}
			p, st := d.Decode(tc.frame, tc.link, 1_700_000_000_000_000_000, wire)
			if st != tc.want {
				t.Fatalf("status = %v, want %v", st, tc.want)
			}
			eq(t, "TS", p.TS, int64(1_700_000_000_000_000_000))
			eq(t, "WireLen", p.WireLen, wire)
			eq(t, "Link", p.Link, tc.link)
			if tc.check != nil {
				tc.check(t, p)
			}
			c := d.Counters()
			eq(t, "Frames", c.Frames, 1)
			if st.IsError() {
				eq(t, "Errors["+st.Cause().String()+"]", c.Errors[st.Cause()], 1)
			} else {
				eq(t, "Delivered", c.Delivered, 1)
			}
			balanced(t, c)
		})
	}
}

func TestStatusNames(t *testing.T) {
	eq(t, "OK", OK.String(), "ok")
	eq(t, "FragmentHeld", FragmentHeld.String(), "fragment_held")
	eq(t, "Duplicate", Duplicate.String(), "duplicate")
	for c := CauseNone + 1; c < NumCauses; c++ {
		st := errStatus(c)
		if !st.IsError() || st.Cause() != c || st.String() != c.String() {
			t.Errorf("cause %d (%s): status %d maps back to %v", c, c, st, st.Cause())
		}
		if c.String() == "" {
			t.Errorf("cause %d has no name", c)
		}
	}
	eq(t, "OK.Cause", OK.Cause(), CauseNone)
	eq(t, "unknown cause", Cause(200).String(), "unknown")
	eq(t, "tcp_truncated", CauseTCPTruncated.String(), "tcp_truncated")
}

func TestEthernetAndTCP(t *testing.T) {
	opts := []byte{2, 4, 0x05, 0xb4, 1, 1, 4, 2}                       // MSS 1460, NOP, NOP, SACK permitted
	data := []byte("\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a") // Modbus read holding registers
	frame := eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPPsh|TCPAck, opts, data)))
	runCases(t, []frameCase{{
		name: "modbus request", link: LinkEthernet, frame: frame, want: OK,
		check: func(t *testing.T, p *Packet) {
			eq(t, "HasEth", p.HasEth, true)
			eq(t, "SrcMAC", p.SrcMAC, macA)
			eq(t, "DstMAC", p.DstMAC, macB)
			eq(t, "EtherType", p.EtherType, 0x0800)
			eq(t, "NVLAN", p.NVLAN, 0)
			eq(t, "L3", p.L3, L3IPv4)
			eq(t, "SrcIP", p.SrcIP, ip4A)
			eq(t, "DstIP", p.DstIP, ip4B)
			eq(t, "Proto", p.Proto, ProtoTCP)
			eq(t, "TTL", p.TTL, 64)
			eq(t, "IPID", p.IPID, 0x1234)
			eq(t, "IPFlags", p.IPFlags, 0x2)
			eq(t, "TOS", p.TOS, 0xb8)
			eq(t, "IPLen", p.IPLen, 20+20+8+12)
			eq(t, "IPHdrLen", p.IPHdrLen, 20)
			eq(t, "IPOptions", len(p.IPOptions), 0)
			eq(t, "SrcPort", p.SrcPort, 502)
			eq(t, "DstPort", p.DstPort, 49152)
			eq(t, "Seq", p.Seq, 0x01020304)
			eq(t, "Ack", p.Ack, 0xa0b0c0d0)
			eq(t, "Flags", p.Flags, TCPPsh|TCPAck)
			eq(t, "Window", p.Window, 8192)
			eq(t, "Urgent", p.Urgent, 7)
			eq(t, "TCPHdrLen", p.TCPHdrLen, 28)
			eqBytes(t, "TCPOpts", p.TCPOpts, opts)
			eqBytes(t, "Payload", p.Payload, data)
			eq(t, "L3Payload", len(p.L3Payload), 40)
			eq(t, "Reassembled", p.Reassembled, false)
		},
	}})
}

// TestPacketIsReset checks that nothing from one frame leaks into the next.
func TestPacketIsReset(t *testing.T) {
	d := NewDecoder(Config{})
	p, st := d.Decode(eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPSyn, nil, []byte("x")))), LinkEthernet, 1, 100)
	eq(t, "first status", st, OK)
	eq(t, "first SrcPort", p.SrcPort, 502)
	p, st = d.Decode(eth(0x0806, arpPkt(2)), LinkEthernet, 2, 42)
	eq(t, "second status", st, OK)
	if p.SrcPort != 0 || p.SrcIP != (netip.Addr{}) || p.Payload != nil || p.Proto != 0 {
		t.Errorf("fields of the previous frame survived: %+v", p)
	}
	eq(t, "ARPOp", p.ARPOp, 2)
}
