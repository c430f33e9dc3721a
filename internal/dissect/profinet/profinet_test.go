package profinet_test

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/profinet"
	"github.com/otsight/otsight/internal/record"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Frames from profinet/ChangeIPUsingDCP.pcap (ITI/ICS-Security-Tools),
// after the Ethertype, as tshark -x shows them.
const (
	dcpIdentifyReq = "fefe 0500 01000001 0001 0004 ffff0000 000000000000000000000000000000000000"
	dcpIdentifyRes = "feff 0501 01000001 0000 005e" +
		"0205001c0000 0101 0102 0201 0202 0203 0204 0205 033d 0501 0502 0503 0504 ffff" +
		"0201 0005 0000 494e4300" + // DeviceVendorValue "INC" + pad
		"0202 000b 0000 583230382d424f524400" + // NameOfStation "X208-BORD" + pad
		"0203 0006 0000 002a 0a01" + // DeviceID vendor 0x002a device 0x0a01
		"0204 0004 0000 0100" + // DeviceRole IO-Device
		"0102 000e 0001 c0a80006 ffffff00 c0a80001" // IP 192.168.0.6
	dcpSetIPReq = "fefd 0400 01000001 0000 0012 0102 000e 0001 c0a8000a ffffff00 c0a80001 0000000000000000"
	dcpSetRes   = "fefd 0401 01000001 0000 0008 0504 0003 010200 00 0000000000000000000000000000"
)

func TestDCP(t *testing.T) {
	cases := []struct {
		name   string
		frame  string
		code   string
		fn     string
		dir    dissect.MsgDir
		swap   bool
		err    bool
		detail string
	}{
		{"identify request", dcpIdentifyReq, "5/0", "Identify", dissect.Request, false, false, "All"},
		{"identify response", dcpIdentifyRes, "5/1", "Identify", dissect.Response, true, false, ""},
		{"set ip", dcpSetIPReq, "4/0", "Set", dissect.Request, false, false, "IPParameter"},
		{"set response ok", dcpSetRes, "4/1", "Set", dissect.Response, true, false, ""},
		// BlockError 0x03 (suboption not set) in the Control/Response block.
		{"set response error", strings.Replace(dcpSetRes, "010200", "010203", 1), "4/1", "Set", dissect.Response, true, true, ""},
		// Service type 5: response, request not supported.
		{"not supported", "fefd 0405 01000001 0000 0000", "4/5", "Set", dissect.Response, true, true, ""},
		// Set with Control/Start bracket, NameOfStation, Control/Stop.
		{"set name", "fefd 0400 00000002 0000 0018 0501 0002 0000 0202 0008 0000 706c6332 2d31 0502 0002 0000",
			"4/0", "Set", dissect.Request, false, false, "NameOfStation"},
		{"get request", "fefd 0300 00000003 0000 0004 0202 0203", "3/0", "Get", dissect.Request, false, false, "NameOfStation"},
		{"hello", "fefc 0600 00000004 0000 0008 0202 0004 0000 706e", "6/0", "Hello", dissect.Indication, false, false, "NameOfStation"},
		{"unknown service", "fefd 0900 00000005 0000 0000", "9/0", "Reserved", dissect.Request, false, false, ""},
		{"service above 15", "fefd 2000 00000005 0000 0000", "reserved", "Reserved", dissect.Request, false, false, ""},
		{"truncated header", "fefe 0500 0100", "malformed", "malformed", dissect.Indication, false, true, ""},
		{"length past frame", "fefe 0500 01000001 0001 0040 ffff0000", "5/0", "Identify", dissect.Request, false, true, "All"},
		{"truncated block", "fefe 0500 01000001 0001 0004 0202 0009", "5/0", "Identify", dissect.Request, false, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parseAll(profinet.Spec, dissect.Ether, dissect.FromOrig, unhex(t, c.frame))
			if len(s.Msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(s.Msgs))
			}
			m := s.Msgs[0]
			want := dissect.Message{Protocol: dissect.NamePNDCP, Code: c.code, Function: c.fn, Dir: c.dir,
				Swap: c.swap, Error: c.err, Detail: c.detail}
			if m != want {
				t.Errorf("got %+v\nwant %+v", m, want)
			}
		})
	}
}

func TestDCPIdentity(t *testing.T) {
	s := parseAll(profinet.Spec, dissect.Ether, dissect.FromOrig, unhex(t, dcpIdentifyRes))
	if len(s.Recs) != 1 {
		t.Fatalf("got %d records, want 1", len(s.Recs))
	}
	got := *s.Recs[0].(*record.AssetID)
	want := record.AssetID{TS: 1, MAC: record.MAC{0, 1, 2, 3, 4, 5}, IP: netip.MustParseAddr("192.168.0.6"),
		Protocol: dissect.NamePNDCP, Message: "Identify", Product: "INC", Name: "X208-BORD",
		Model: "vendor 0x002a device 0x0a01", Role: "IO-Device"}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Requests reveal nothing about the sender.
	for _, f := range []string{dcpIdentifyReq, dcpSetIPReq} {
		if s := parseAll(profinet.Spec, dissect.Ether, dissect.FromOrig, unhex(t, f)); len(s.Recs) != 0 {
			t.Errorf("%s: got identity %+v", f[:4], s.Recs)
		}
	}
}

func TestRT(t *testing.T) {
	cases := []struct {
		frame, code, fn, detail string
		err                     bool
	}{
		{"c000 0102 0304 3580 00", "rt_class1", "RT_CLASS_1 cyclic", "0xc000", false},
		{"8001 0102 0304 3580 00", "rt_class2", "RT_CLASS_2 cyclic", "0x8001", false},
		{"0100 0102 0304 3580 00", "rt_class3", "RT_CLASS_3 cyclic", "0x0100", false},
		{"0020 0000", "ptcp", "PTCP", "0x0020", false},
		{"ff40 0000", "ptcp", "PTCP", "0xff40", false},
		{"ff80 0000", "fragment", "Fragment", "0xff80", false},
		{"fd00 0000", "reserved", "Reserved", "0xfd00", false},
		{"fe02 0000", "acyclic", "Acyclic", "0xfe02", false},
		// RTA alarm: Dst(2) Src(2) PDUType: 0x11 DATA-RTA v1, 0x14 ERR-RTA v1.
		{"fc01 8001 8001 11 00 0001 fffe 0000", "alarm_high", "Alarm high", "0xfc01", false},
		{"fe01 8001 8001 14 01 ffff fffe 0004 cf81fd0f", "alarm_low", "Alarm low", "0xfe01", true},
		{"fe01 8001", "alarm_low", "Alarm low", "0xfe01", true},
		{"c0", "malformed", "malformed", "", true},
	}
	for _, c := range cases {
		s := parseAll(profinet.Spec, dissect.Ether, dissect.FromOrig, unhex(t, c.frame))
		if len(s.Msgs) != 1 {
			t.Fatalf("%s: got %d messages", c.frame, len(s.Msgs))
		}
		want := dissect.Message{Protocol: dissect.NamePNRT, Code: c.code, Function: c.fn,
			Dir: dissect.Indication, Detail: c.detail, Error: c.err}
		if s.Msgs[0] != want {
			t.Errorf("%s: got %+v, want %+v", c.frame, s.Msgs[0], want)
		}
	}
}

// clPDU builds a connectionless DCE/RPC PDU (C706 chapter 12 header) for
// interface DEA0000<iface>-6C97-11D1-8271-00A02442DF7D.
func clPDU(ptype byte, le bool, tl uint32, opnum uint16, fragNum uint16, body []byte) []byte {
	b := make([]byte, 80+len(body))
	b[0], b[1] = 4, ptype
	var bo binary.ByteOrder = binary.BigEndian
	if le {
		b[4] = 0x10
		bo = binary.LittleEndian
	}
	bo.PutUint32(b[24:], tl)
	bo.PutUint16(b[28:], 0x6C97)
	bo.PutUint16(b[30:], 0x11D1)
	copy(b[32:], []byte{0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D})
	bo.PutUint16(b[68:], opnum)
	bo.PutUint16(b[74:], uint16(len(body)))
	bo.PutUint16(b[76:], fragNum)
	copy(b[80:], body)
	return b
}

func TestCM(t *testing.T) {
	ok := make([]byte, 20)
	bad := append([]byte{0xDB, 0x81, 0x3C, 0x01}, make([]byte, 16)...) // PNIO: connect, faulty AR block
	cases := []struct {
		name   string
		pdu    []byte
		dir    dissect.Dir
		code   string
		fn     string
		mdir   dissect.MsgDir
		swap   bool
		err    bool
		detail string
	}{
		{"connect request", clPDU(0, true, 0xDEA00001, 0, 0, ok), dissect.FromOrig, "0", "Connect", dissect.Request, false, false, "device"},
		{"connect response", clPDU(2, true, 0xDEA00001, 0, 0, ok), dissect.FromResp, "0", "Connect", dissect.Response, false, false, "device"},
		{"connect refused", clPDU(2, false, 0xDEA00001, 0, 0, bad), dissect.FromResp, "0", "Connect", dissect.Response, false, true, "device"},
		{"later fragment not a status", clPDU(2, true, 0xDEA00001, 2, 1, bad), dissect.FromResp, "2", "Read", dissect.Response, false, false, "device"},
		{"release", clPDU(0, true, 0xDEA00001, 1, 0, ok), dissect.FromOrig, "1", "Release", dissect.Request, false, false, "device"},
		{"write", clPDU(0, true, 0xDEA00001, 3, 0, ok), dissect.FromOrig, "3", "Write", dissect.Request, false, false, "device"},
		{"read implicit", clPDU(0, true, 0xDEA00001, 5, 0, ok), dissect.FromOrig, "5", "ReadImplicit", dissect.Request, false, false, "device"},
		// ApplicationReady: the device calls the controller interface; seen
		// from the responder side of the flow it is a swapped request.
		{"application ready", clPDU(0, true, 0xDEA00002, 4, 0, ok), dissect.FromResp, "4", "Control", dissect.Request, true, false, "controller"},
		{"supervisor", clPDU(0, true, 0xDEA00003, 2, 0, ok), dissect.FromOrig, "2", "Read", dissect.Request, false, false, "supervisor"},
		{"parameter server", clPDU(0, true, 0xDEA00004, 2, 0, ok), dissect.FromOrig, "2", "Read", dissect.Request, false, false, "parameter_server"},
		{"fault", clPDU(3, true, 0xDEA00001, 2, 0, ok), dissect.FromResp, "2", "Read", dissect.Response, false, true, "device fault"},
		{"reject", clPDU(6, true, 0xDEA00001, 2, 0, ok), dissect.FromResp, "2", "Read", dissect.Response, false, true, "device reject"},
		{"ping", clPDU(1, true, 0xDEA00001, 0, 0, nil), dissect.FromOrig, "0", "Connect", dissect.Request, false, false, "device ping"},
		{"nocall", clPDU(5, true, 0xDEA00001, 0, 0, nil), dissect.FromResp, "0", "Connect", dissect.Response, false, false, "device nocall"},
		{"fack from orig", clPDU(9, true, 0xDEA00001, 3, 0, nil), dissect.FromOrig, "3", "Write", dissect.Response, true, false, "device fack"},
		{"opnum 7", clPDU(0, true, 0xDEA00001, 7, 0, ok), dissect.FromOrig, "7", "Reserved", dissect.Request, false, false, "device"},
		{"opnum 300", clPDU(0, true, 0xDEA00001, 300, 0, ok), dissect.FromOrig, "reserved", "Reserved", dissect.Request, false, false, "device"},
		{"short", []byte{4, 0, 0, 0}, dissect.FromOrig, "malformed", "malformed", dissect.Request, false, true, ""},
		{"fraglen past datagram", clPDU(0, true, 0xDEA00001, 0, 0, ok)[:90], dissect.FromOrig, "malformed", "malformed", dissect.Request, false, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parseAll(profinet.SpecCM, dissect.UDP, c.dir, c.pdu)
			if len(s.Msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(s.Msgs))
			}
			want := dissect.Message{Protocol: dissect.NamePNCM, Code: c.code, Function: c.fn, Dir: c.mdir,
				Swap: c.swap, Error: c.err, Detail: c.detail}
			if s.Msgs[0] != want {
				t.Errorf("got %+v\nwant %+v", s.Msgs[0], want)
			}
		})
	}
	// The endpoint mapper (e1af8308-5d1f-11c9-91a4-08002b14a0fa) on 34964
	// is DCE/RPC but not PROFINET IO: no message.
	epm := clPDU(0, true, 0xE1AF8308, 2, 0, ok)
	binary.LittleEndian.PutUint16(epm[28:], 0x5D1F)
	if s := parseAll(profinet.SpecCM, dissect.UDP, dissect.FromOrig, epm); len(s.Msgs) != 0 {
		t.Errorf("endpoint mapper PDU reported: %+v", s.Msgs)
	}
}

func TestDetectCM(t *testing.T) {
	ok := make([]byte, 20)
	epm := clPDU(0, true, 0xE1AF8308, 2, 0, ok)
	wrongTail := clPDU(0, true, 0xDEA00001, 0, 0, ok)
	wrongTail[39] ^= 1
	v5 := clPDU(0, true, 0xDEA00001, 0, 0, ok)
	v5[0] = 5
	cases := []struct {
		name string
		b    []byte
		want bool
	}{
		{"device LE", clPDU(0, true, 0xDEA00001, 0, 0, ok), true},
		{"controller BE", clPDU(0, false, 0xDEA00002, 4, 0, ok), true},
		{"parameter server", clPDU(2, true, 0xDEA00004, 2, 0, ok), true},
		{"interface 5", clPDU(0, true, 0xDEA00005, 0, 0, ok), false},
		{"interface 0", clPDU(0, true, 0xDEA00000, 0, 0, ok), false},
		{"endpoint mapper", epm, false},
		{"uuid tail", wrongTail, false},
		{"connection-oriented version", v5, false},
		{"truncated body", clPDU(0, true, 0xDEA00001, 0, 0, ok)[:95], false},
		{"short", clPDU(0, true, 0xDEA00001, 0, 0, nil)[:79], false},
		// A DNS query for example.com.
		{"dns", unhex(t, "abcd01000001000000000000076578616d706c6503636f6d0000010001"), false},
		{"ssdp", []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n" + strings.Repeat("x", 40)), false},
	}
	for _, c := range cases {
		if got := profinet.SpecCM.Detect(dissect.FromOrig, c.b); got != c.want {
			t.Errorf("%s: Detect = %v, want %v", c.name, got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { profinet.SpecCM.Detect(dissect.FromOrig, cases[0].b) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

func TestAllocs(t *testing.T) {
	frames := [][]byte{unhex(t, "c000 0102 0304 3580 00"), unhex(t, dcpIdentifyReq), unhex(t, dcpSetIPReq)}
	p := profinet.Spec.New()
	out := &nopSink{}
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether}, Out: out}
	for _, f := range frames {
		p.Parse(ctx, f) // warm the FrameID detail cache
	}
	if n := testing.AllocsPerRun(200, func() {
		for _, f := range frames {
			p.Parse(ctx, f)
		}
	}); n != 0 {
		t.Errorf("ether parser allocates %v times per 3 frames", n)
	}
	cm := profinet.SpecCM.New()
	pdu := clPDU(2, true, 0xDEA00001, 3, 0, make([]byte, 20))
	uctx := &dissect.Context{Dir: dissect.FromResp, Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: out}
	if n := testing.AllocsPerRun(200, func() { cm.Parse(uctx, pdu) }); n != 0 {
		t.Errorf("cm parser allocates %v times per PDU", n)
	}
}
