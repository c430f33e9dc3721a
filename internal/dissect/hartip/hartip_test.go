package hartip_test

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/hartip"
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

// Messages built from HCF_SPEC-085 (header: version, type, id, status,
// sequence, byte count) and HCF_SPEC-081 (HART frame); cmd0Reply is frame
// 4 of hart-ip/hart_ip.pcap (ITI/ICS-Security-Tools) as tshark -x shows it.
const (
	sessInitReq = "01 00 00 00 0001 000d 01 00007530"
	sessInitRes = "01 01 00 00 0001 000d 01 00007530"
	keepAlive   = "01 00 02 00 0002 0008"
	sessClose   = "01 00 01 00 0003 0008"
	cmd0Req     = "01 00 03 00 0004 000d 02 80 00 00 82"
	cmd0Reply   = "01 01 03 00 0003 0029 86 264e 0000d2 00 18 00 d0 fe264e05 0704010e 0c0000d2 05020002 d0002600 2684 e4"
	// Command 48 reply (short address 0) with response code rc.
	cmd48Reply = "01 01 03 00 0005 000f 06 80 30 02 %s 00 aa"
)

func reply48(rc string) string { return strings.Replace(cmd48Reply, "%s", rc, 1) }

func TestMessages(t *testing.T) {
	cases := []struct {
		name  string
		b     string
		dir   dissect.Dir
		code  string
		fn    string
		mdir  dissect.MsgDir
		swap  bool
		isErr bool
	}{
		{"session initiate", sessInitReq, dissect.FromOrig, "0", "Session Initiate", dissect.Request, false, false},
		{"session initiate ok", sessInitRes, dissect.FromResp, "0", "Session Initiate", dissect.Response, false, false},
		// Status 15: all sessions in use.
		{"session refused", "01 01 00 0f 0001 000d 01 00007530", dissect.FromResp, "0", "Session Initiate", dissect.Response, false, true},
		// Status 8: set to nearest possible value (inactivity timer), a warning.
		{"session warning", "01 01 00 08 0001 000d 01 00007530", dissect.FromResp, "0", "Session Initiate", dissect.Response, false, false},
		{"keep alive", keepAlive, dissect.FromOrig, "2", "Keep Alive", dissect.Request, false, false},
		{"session close", sessClose, dissect.FromOrig, "1", "Session Close", dissect.Request, false, false},
		{"read audit log", "02 00 05 00 0006 000a 00ff", dissect.FromOrig, "5", "Read Audit Log", dissect.Request, false, false},
		// Status 8 "set to nearest possible value" is a warning (the
		// icsnpp-hart-ip baseline logs this reply so).
		{"read audit log warning", "02 01 05 08 0006 000a 00ff", dissect.FromResp, "5", "Read Audit Log", dissect.Response, false, false},
		{"discovery", "01 00 80 00 0006 0008", dissect.FromOrig, "128", "Discovery", dissect.Request, false, false},
		{"direct pdu", "02 00 04 00 0006 000c 00 00 00 00", dissect.FromOrig, "4", "Direct PDU", dissect.Request, false, false},
		{"command 0", cmd0Req, dissect.FromOrig, "3/0", "Read Unique Identifier", dissect.Request, false, false},
		{"command 0 reply", cmd0Reply, dissect.FromResp, "3/0", "Read Unique Identifier", dissect.Response, false, false},
		{"reply seen from orig side", cmd0Reply, dissect.FromOrig, "3/0", "Read Unique Identifier", dissect.Response, true, false},
		{"command 48 ok", reply48("00"), dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, false},
		{"command 48 busy", reply48("20"), dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, true},
		{"command 48 warning 24", reply48("18"), dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, false},
		{"command 48 not implemented", reply48("40"), dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, true},
		// 0x84: bit 7 set, a communication error report (as in
		// hart-ip_all_types_and_commands_sent.pcapng).
		{"communication error", reply48("84"), dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, true},
		{"device specific", "01 00 03 00 0007 000d 02 80 c8 00 4a", dissect.FromOrig, "3/c8", "Device-Specific Command", dissect.Request, false, false},
		{"preambles", "01 00 03 00 0007 000f ffff 02 80 00 00 82", dissect.FromOrig, "3/0", "Read Unique Identifier", dissect.Request, false, false},
		{"publish", "01 02 03 00 0008 0011 01 80 03 04 00 00 01 02 00", dissect.FromResp, "3/3", "Read Dynamic Variables And Loop Current", dissect.Indication, false, false},
		{"nak", "01 0f 03 00 0009 0008", dissect.FromResp, "3", "Token-Passing PDU", dissect.Response, false, true},
		{"error type", "01 03 00 0e 0009 0008", dissect.FromResp, "0", "Session Initiate", dissect.Response, false, true},
		{"bad hart frame", "01 00 03 00 000a 000a 07 80", dissect.FromOrig, "3", "Token-Passing PDU", dissect.Request, false, true},
		{"reply without response code", "01 01 03 00 000a 000d 06 80 30 00 00", dissect.FromResp, "3/30", "Read Additional Device Status", dissect.Response, false, true},
		{"unknown id", "01 00 09 00 000b 0008", dissect.FromOrig, "reserved", "Reserved", dissect.Request, false, false},
		{"byte count past datagram", "01 00 02 00 0002 0010", dissect.FromOrig, "malformed", "malformed", dissect.Request, false, true},
		{"version 3", "03 00 02 00 0002 0008", dissect.FromOrig, "malformed", "malformed", dissect.Request, false, true},
		{"short", "01 00 02", dissect.FromResp, "malformed", "malformed", dissect.Request, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parseAll(hartip.Spec, dissect.UDP, c.dir, unhex(t, c.b))
			if len(s.Msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(s.Msgs))
			}
			want := dissect.Message{Protocol: dissect.NameHARTIP, Code: c.code, Function: c.fn, Dir: c.mdir,
				Swap: c.swap, Error: c.isErr}
			if s.Msgs[0] != want {
				t.Errorf("got %+v\nwant %+v", s.Msgs[0], want)
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	s := &sink{}
	p := hartip.Spec.New()
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.MustParseAddr("192.168.0.101"),
		RespH: netip.MustParseAddr("192.168.0.10"), RespMAC: record.MAC{0, 0x26, 0x16, 0, 0, 0xd2}}
	p.Parse(&dissect.Context{TS: 7, Dir: dissect.FromResp, Ep: ep, Out: s}, unhex(t, cmd0Reply))
	if len(s.Recs) != 1 {
		t.Fatalf("got %d records", len(s.Recs))
	}
	// tshark: expanded device type 0x264e, HART 7, device rev 4, software
	// rev 1, hardware/signalling 0x0e, device id 0000d2, manufacturer 38.
	want := record.AssetID{TS: 7, MAC: ep.RespMAC, IP: ep.RespH, Protocol: dissect.NameHARTIP,
		Message: "Command 0 Read Unique Identifier", Vendor: "manufacturer 0x0026",
		Model: "device type 0x264e rev 4", Firmware: "software rev 1 hardware rev 1", Serial: "0000d2"}
	if got := *s.Recs[0].(*record.AssetID); got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// HART 5 layout: manufacturer and device type are one byte each.
	s = parseAll(hartip.Spec, dissect.UDP, dissect.FromResp,
		unhex(t, "01 01 03 00 0003 001a 06 80 00 0e 00 00 fe 26 06 05 05 01 02 08 00 12 34 56"))
	if len(s.Recs) != 1 || s.Recs[0].(*record.AssetID).Vendor != "manufacturer 0x0026" ||
		s.Recs[0].(*record.AssetID).Model != "device type 0x0006 rev 1" || s.Recs[0].(*record.AssetID).Serial != "123456" {
		t.Errorf("HART 5 identity: %+v", s.Recs)
	}
	// A failed Command 0 reveals nothing.
	bad := strings.Replace(cmd0Reply, "00 18 00 d0", "00 18 40 d0", 1)
	if s := parseAll(hartip.Spec, dissect.UDP, dissect.FromResp, unhex(t, bad)); len(s.Recs) != 0 || !s.Msgs[0].Error {
		t.Errorf("failed command 0: %+v %+v", s.Msgs, s.Recs)
	}
}

func TestTCPStream(t *testing.T) {
	s := &sink{}
	p := hartip.Spec.New()
	ep := &dissect.Endpoints{Transport: dissect.TCP}
	orig := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: s}
	resp := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: s}
	two := append(unhex(t, sessInitReq), unhex(t, cmd0Req)...)
	p.Parse(orig, two)
	reply := unhex(t, cmd0Reply)
	p.Parse(resp, reply[:5])
	p.Parse(resp, reply[5:20])
	p.Parse(resp, reply[20:])
	p.Parse(orig, unhex(t, "07 00 00 00 0000 0008")) // not HART-IP: desync
	p.Parse(orig, unhex(t, keepAlive))
	var codes []string
	for _, m := range s.Msgs {
		codes = append(codes, m.Code)
	}
	if got := strings.Join(codes, ","); got != "0,3/0,3/0,malformed,2" {
		t.Errorf("codes %s", got)
	}
	if len(s.Recs) != 1 {
		t.Errorf("got %d identity records from the split reply", len(s.Recs))
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		b    string
		want bool
	}{
		{"session initiate", sessInitReq, true},
		{"session initiate reply", sessInitRes, true},
		{"keep alive", keepAlive, true},
		{"command 0", cmd0Req, true},
		{"command 0 reply", cmd0Reply, true},
		{"length mismatch", "01 00 02 00 0002 0009", false},
		{"two messages", sessInitReq + keepAlive, true},
		{"trailing garbage", keepAlive + "0700", false},
		{"short session initiate", "01 00 00 00 0001 0008", false},
		{"request with status", "01 00 02 05 0002 0008", false},
		{"version 0", "00 00 02 00 0002 0008", false},
		{"type 7", "01 07 02 00 0002 0008", false},
		{"id 9", "01 00 09 00 0002 0008", false},
		{"bad delimiter", "01 00 03 00 0004 000d 0a 80 00 00 82", false},
		{"dns query", "abcd01000001000000000000076578616d706c6503636f6d0000010001", false},
		{"modbus", "000100000006 01 03 0000 000a", false},
	}
	for _, c := range cases {
		if got := hartip.Spec.Detect(dissect.FromOrig, unhex(t, c.b)); got != c.want {
			t.Errorf("%s: Detect = %v, want %v", c.name, got, c.want)
		}
	}
	b := unhex(t, cmd0Reply)
	if n := testing.AllocsPerRun(100, func() { hartip.Spec.Detect(dissect.FromOrig, b) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

func TestAllocs(t *testing.T) {
	msgs := [][]byte{unhex(t, cmd0Req), unhex(t, reply48("00")), unhex(t, keepAlive)}
	out := &nopSink{}
	for _, tr := range []dissect.Transport{dissect.UDP, dissect.TCP} {
		p := hartip.Spec.New()
		ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: &dissect.Endpoints{Transport: tr}, Out: out}
		p.Parse(ctx, msgs[0])
		if n := testing.AllocsPerRun(200, func() {
			for _, m := range msgs {
				p.Parse(ctx, m)
			}
		}); n != 0 {
			t.Errorf("%v: parser allocates %v times per 3 messages", tr, n)
		}
	}
}
