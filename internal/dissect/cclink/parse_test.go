package cclink

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// collector records what a parser emits.
type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Payloads taken from the shared captures (tshark -T fields -e udp.payload /
// -e data.data).
const (
	basicReq     = "500000ffff030086000000700e00000100000024000000000000000000000000000000010000002baf8d6881010000808610ac0100d806f40103000b00010000000000818610ac000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	basicResp    = "d00000ffff03007a00000001000000280000000000000000000000000000000000000000000000000000000100000000000000818610ac0100d806000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	ieTransient2 = "2604000013010000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	tsnSLMPResp  = "e8009400000000ffff030000000010000000940e000000000000000001010000"
	tsnSLMPReq   = "68000000000000ffff030000000018000000930e00000000000000000001000040020000ffff0f00"
	tsnTestData  = "1101000000030000020000000000000c29a8c1f00100000000000000000000000000000000000000"
	tsnC1        = "c1000000002028e98e18715828e98e18715801000000c0a803fdffffff0000000000000000000000"
	ptpSync      = "10020036000000000000000000000000000000000000000000000000000000000000000000000000"
)

func run(t testing.TB, ps dissect.Parser, tr dissect.Transport, dir dissect.Dir, data []byte) *collector {
	c := &collector{}
	ep := &dissect.Endpoints{Transport: tr, OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2")}
	ps.Parse(&dissect.Context{TS: 1, Dir: dir, Ep: ep, Out: c}, data)
	return c
}

func TestFieldBasic(t *testing.T) {
	req := unhex(t, basicReq)
	c := run(t, SpecFieldBasic.New(), dissect.UDP, dissect.FromOrig, req)
	if len(c.msgs) != 1 || c.msgs[0].Code != "0e70" || c.msgs[0].Function != "cyclic" || c.msgs[0].Dir != dissect.Request || c.msgs[0].Detail != "stations=1" || c.msgs[0].Error {
		t.Fatalf("request: %+v", c.msgs)
	}
	if a := c.recs[0].(*record.AssetID); a.IP.String() != "172.16.134.128" || a.Role != "master station" {
		t.Errorf("master identity %+v", a)
	}
	resp := unhex(t, basicResp)
	c = run(t, SpecFieldBasic.New(), dissect.UDP, dissect.FromResp, resp)
	if len(c.msgs) != 1 || c.msgs[0].Dir != dissect.Response || c.msgs[0].Error {
		t.Fatalf("response: %+v", c.msgs)
	}
	if a := c.recs[0].(*record.AssetID); a.IP.String() != "172.16.134.129" || a.Role != "slave station" {
		t.Errorf("slave identity %+v", a)
	}
	// End code CF80 (cyclic transmission stopped) at 13–14 → error.
	resp[13], resp[14] = 0x80, 0xCF
	if c = run(t, SpecFieldBasic.New(), dissect.UDP, dissect.FromResp, resp); !c.msgs[0].Error {
		t.Error("end code CF80 not an error")
	}
	// Another command: code is its hex value.
	req[11], req[12] = 0x71, 0x0E
	if c = run(t, SpecFieldBasic.New(), dissect.UDP, dissect.FromOrig, req); c.msgs[0].Code != "0e71" || c.msgs[0].Function != "unknown" {
		t.Errorf("unknown command %+v", c.msgs[0])
	}
	for _, b := range [][]byte{nil, req[:10], unhex(t, "1234000000000000000000000000000000")} {
		if c = run(t, SpecFieldBasic.New(), dissect.UDP, dissect.FromOrig, b); len(c.msgs) != 1 || c.msgs[0].Code != "malformed" || !c.msgs[0].Error {
			t.Errorf("malformed %x: %+v", b, c.msgs)
		}
	}
}

func TestDetectFieldBasic(t *testing.T) {
	if !detectBasic(0, unhex(t, basicReq)) || !detectBasic(1, unhex(t, basicResp)) {
		t.Error("real payloads not detected")
	}
	bad := unhex(t, basicReq)
	bad[7]++ // length mismatch
	for _, p := range [][]byte{bad, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), unhex(t, tsnSLMPReq), nil} {
		if detectBasic(0, p) {
			t.Errorf("detected %x", p)
		}
	}
}

func TestIEFrames(t *testing.T) {
	ps := SpecIE.New()
	cases := []struct {
		in                      string
		proto, code, fn, detail string
		dir                     dissect.MsgDir
		err                     bool
	}{
		{ieTransient2, "cclink_ie", "26", "ipTransient", "field node=0 conn=13", dissect.Indication, false},
		// tokenM with node id 0x0013.
		{"150000130000000001000000000000", "cclink_ie", "15", "tokenM", "field node=19", dissect.Indication, false},
		// myStatus from a master node ('0') on Field.
		{"2000000500300000010000000000", "cclink_ie", "20", "myStatus", "field node=5 master node", dissect.Indication, false},
		// persuasion on Control (version type 0) with node type 0x02.
		{"1000000000020000000000000000", "cclink_ie", "10", "persuasion", "control normal node", dissect.Indication, false},
		// Control-type token frame.
		{"0600000000000000000000000000", "cclink_ie", "06", "token", "control", dissect.Indication, false},
		// transient2 'stop' (command type 09 at byte 36).
		{"25000001000000000100000000000000000000000000000000000000000000000000000009", "cclink_ie", "25", "transient2", "field node=1 conn=00 stop", dissect.Request, false},
		// unknown frame type, unknown version type.
		{"7700000000000000050000000000", "cclink_ie", "77", "unknown", "ver=05", dissect.Indication, false},
		{tsnTestData, "cclink_ie_tsn", "11", "acyclicTestData", "master station", dissect.Request, false},
		{tsnC1, "cclink_ie_tsn", "c1", "acyclicDetection", "ver=0", dissect.Request, false},
		{"c3", "cclink_ie_tsn", "c3", "acyclicData", "", dissect.Indication, false},
		{"1500", "cclink_ie", "malformed", "malformed", "", dissect.Indication, true},
		{"", "cclink_ie", "malformed", "malformed", "", dissect.Indication, true},
	}
	for _, tc := range cases {
		c := run(t, ps, dissect.Ether, 0, unhex(t, tc.in))
		if len(c.msgs) != 1 {
			t.Fatalf("%s: %d messages", tc.in, len(c.msgs))
		}
		m := c.msgs[0]
		if m.Protocol != tc.proto || m.Code != tc.code || m.Function != tc.fn || m.Detail != tc.detail || m.Dir != tc.dir || m.Error != tc.err {
			t.Errorf("%s: got %+v", tc.in, m)
		}
	}
}

func TestTSNDetectionAck(t *testing.T) {
	b := make([]byte, 186)
	b[0], b[2], b[3] = 0xC2, 0x82, 1 // managed switch, version 1
	b[128], b[129] = 0x00, 0x35      // device type: switch
	c := run(t, SpecIE.New(), dissect.Ether, 0, b)
	if c.msgs[0].Code != "c2" || c.msgs[0].Detail != "ver=1" || c.msgs[0].Dir != dissect.Response {
		t.Errorf("message %+v", c.msgs[0])
	}
	if len(c.recs) != 1 || c.recs[0].(*record.AssetID).Role != "switch" || c.recs[0].(*record.AssetID).Message != "acyclicDetectionAck (managed switch)" {
		t.Errorf("identity %+v", c.recs)
	}
	if len(deviceTypes) != 49 {
		t.Errorf("%d device types, want 49", len(deviceTypes))
	}
}

func TestTSNSLMPAndPTP(t *testing.T) {
	ps := SpecTSN.New()
	cases := []struct {
		tr           dissect.Transport
		in, code, fn string
		dir          dissect.MsgDir
		err          bool
	}{
		{dissect.UDP, tsnSLMPReq, "0e93/0000", "slmp-cyclicConfigMain", dissect.Request, false},
		{dissect.UDP, tsnSLMPResp, "0e94/0000", "slmp-notification", dissect.Response, false},
		{dissect.UDP, "68000000000000ffff030000000006000000990e0500", "0e99/0005", "unknown", dissect.Request, false},
		{dissect.UDP, "6800", "malformed", "malformed", dissect.Indication, true},
		{dissect.Ether, ptpSync, "ptp/00", "ptpSync", dissect.Indication, false},
		{dissect.Ether, "1b" + ptpSync[2:], "ptp/0b", "ptpAnnounce", dissect.Indication, false},
		{dissect.Ether, "15" + ptpSync[2:], "ptp/05", "unknown", dissect.Indication, false},
		{dissect.Ether, "1001", "malformed", "malformed", dissect.Indication, true},
	}
	for _, tc := range cases {
		c := run(t, ps, tc.tr, 0, unhex(t, tc.in))
		m := c.msgs[0]
		if len(c.msgs) != 1 || m.Protocol != "cclink_ie_tsn" || m.Code != tc.code || m.Function != tc.fn || m.Dir != tc.dir || m.Error != tc.err {
			t.Errorf("%s: got %+v", tc.in, c.msgs)
		}
	}
	if !detectTSNSLMP(0, unhex(t, tsnSLMPReq)) || detectTSNSLMP(0, unhex(t, basicReq)) || detectTSNSLMP(0, []byte("GET / HTTP/1.1\r\n\r\n")) {
		t.Error("detectTSNSLMP")
	}
}

// TestNoAllocs checks that the per-frame path does not allocate once a
// frame's detail string is known.
func TestNoAllocs(t *testing.T) {
	c := &collector{msgs: make([]dissect.Message, 0, 1)}
	ep := &dissect.Endpoints{Transport: dissect.Ether}
	ctx := &dissect.Context{Ep: ep, Out: discard{}}
	_ = c
	ie := SpecIE.New()
	frame := unhex(t, ieTransient2)
	tsn := SpecTSN.New()
	ptp := unhex(t, ptpSync)
	basic := SpecFieldBasic.New()
	req := unhex(t, basicReq)
	ie.Parse(ctx, frame)
	basic.Parse(ctx, req)
	if n := testing.AllocsPerRun(200, func() {
		ie.Parse(ctx, frame)
		tsn.Parse(ctx, ptp)
		basic.Parse(ctx, req)
	}); n != 0 {
		t.Errorf("%.1f allocations per frame", n)
	}
}

type discard struct{}

func (discard) Message(*dissect.Context, *dissect.Message) {}
func (discard) Record(*dissect.Context, record.Record)     {}
