package fins

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

type discard struct{}

func (discard) Message(*dissect.Context, *dissect.Message) {}
func (discard) Record(*dissect.Context, record.Record)     {}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Payloads from the shared captures (tshark -e udp.payload / tcp.payload).
const (
	// omron.pcap's memory area read header with area 82 (DM word),
	// address 0064 (100), bit 00, 000a (10) items (W227 5-3-2).
	readDM = "8000020000000000007a0101" + "820064" + "00" + "000a"
	// omron.pcap: response to memory area read with end code 0101 (local
	// node not in network).
	readErr = "c100020000000000007a01010101"
	// omron_test.pcap: FINS/TCP node address request and response.
	tcpNodeReq  = "46494e530000000c000000000000000000000000"
	tcpNodeResp = "46494e53000000100000000100000000000000fb000000c8"
	// omron_test.pcap: controller data read response over UDP (shortened
	// after the version fields).
	ctrlResp = "c0000200630000c800ef050100004350314c2d454c323044522d440000002020202030312e3030000000000030312e303600000000000000000000"
	// nttcom_omron_fins_test.pcap: multiple memory area read request.
	multiRead = "800002000100000a000a0104b1000100" + "82000100"
)

func TestFrames(t *testing.T) {
	cases := []struct {
		tr     dissect.Transport
		dir    dissect.Dir
		in     string
		want   dissect.Message
		record bool
	}{
		{dissect.UDP, 0, readDM, dissect.Message{Code: "0101", Function: "memory_area_read", Dir: dissect.Request, Detail: "DM word 100 n=10"}, false},
		{dissect.UDP, 1, readErr, dissect.Message{Code: "0101", Function: "memory_area_read", Dir: dissect.Response, Error: true, Detail: "end=0101 local node error"}, false},
		// End code 0040: non-fatal CPU error flag only, the command succeeded.
		{dissect.UDP, 1, "c100020000000000007a01010040", dissect.Message{Code: "0101", Function: "memory_area_read", Dir: dissect.Response}, false},
		{dissect.UDP, 1, ctrlResp, dissect.Message{Code: "0501", Function: "controller_data_read", Dir: dissect.Response}, true},
		{dissect.UDP, 0, multiRead, dissect.Message{Code: "0104", Function: "multiple_memory_area_read", Dir: dissect.Request, Detail: "WR word 1 n=33280"}, false},
		{dissect.UDP, 0, "80000200000000000000ffff", dissect.Message{Code: "ffff", Function: "unknown", Dir: dissect.Request}, false},
		// Stop sent by the responder side: reported swapped.
		{dissect.UDP, 1, "80000200000000000000" + "0402", dissect.Message{Code: "0402", Function: "stop", Dir: dissect.Request, Swap: true}, false},
		{dissect.UDP, 0, "8000020000", dissect.Message{Code: "malformed", Function: "malformed", Dir: dissect.Indication, Error: true}, false},
		{dissect.UDP, 1, "c0000200000000000000" + "0401", dissect.Message{Code: "0401", Function: "run", Dir: dissect.Response, Error: true, Detail: "no end code"}, false},
		{dissect.TCP, 0, tcpNodeReq, dissect.Message{Code: "tcp/0", Function: "node_address_data_send_client", Dir: dissect.Request}, false},
		{dissect.TCP, 1, tcpNodeResp, dissect.Message{Code: "tcp/1", Function: "node_address_data_send_server", Dir: dissect.Response}, false},
		// FINS/TCP error notification (command 3, error code 1: the header
		// is not "FINS").
		{dissect.TCP, 1, "46494e530000000800000003" + "00000001", dissect.Message{Code: "tcp/3", Function: "frame_send_error_notification", Dir: dissect.Indication, Error: true}, false},
		// Frame send carrying a run command.
		{dissect.TCP, 0, "46494e53000000160000000200000000" + "80000200000000000000" + "0401" + "ffff", dissect.Message{Code: "0401", Function: "run", Dir: dissect.Request}, false},
		{dissect.TCP, 0, "474554202f20485454502f312e310d0a", dissect.Message{Code: "malformed", Function: "malformed", Dir: dissect.Indication, Error: true}, false},
	}
	for _, tc := range cases {
		c := &collector{}
		ep := &dissect.Endpoints{Transport: tc.tr, OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2")}
		Spec.New().Parse(&dissect.Context{Dir: tc.dir, Ep: ep, Out: c}, unhex(t, tc.in))
		tc.want.Protocol = dissect.NameFINS
		if len(c.msgs) != 1 || c.msgs[0] != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.in, c.msgs, tc.want)
		}
		if tc.record != (len(c.recs) == 1) {
			t.Errorf("%s: records %+v", tc.in, c.recs)
		}
	}
}

// TestTCPStream feeds two FINS/TCP messages byte by byte.
func TestTCPStream(t *testing.T) {
	c := &collector{}
	p := Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.TCP}, Out: c}
	for _, b := range unhex(t, tcpNodeReq+tcpNodeReq) {
		p.Parse(ctx, []byte{b})
	}
	if len(c.msgs) != 2 || c.msgs[1].Code != "tcp/0" {
		t.Fatalf("%+v", c.msgs)
	}
}

func TestIdentityFields(t *testing.T) {
	c := &collector{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.1.1.164")}
	Spec.New().Parse(&dissect.Context{Dir: 1, Ep: ep, Out: c}, unhex(t, ctrlResp))
	a := c.recs[0].(*record.AssetID)
	if a.Model != "CP1L-EL20DR-D" || a.Firmware != "01.00" || a.Vendor != "OMRON" || a.IP.String() != "10.1.1.164" {
		t.Errorf("%+v", a)
	}
}

func TestDetect(t *testing.T) {
	for _, s := range []string{readDM, readErr, tcpNodeReq, tcpNodeResp, ctrlResp, multiRead} {
		if !detect(0, unhex(t, s)) {
			t.Errorf("not detected: %s", s)
		}
	}
	for _, s := range []string{
		"474554202f20485454502f312e310d0a", // HTTP
		"80000200000000000000ffff",         // unknown command
		"80010200000000000000" + "0101",    // RSV not zero
		"80000900000000000000" + "0101",    // gateway count 9
		"46494e5300000004",                 // FINS/TCP length too short
		"12340100000100000000000003777777", // DNS query header
		"",                                 // empty
	} {
		if detect(0, unhex(t, s)) {
			t.Errorf("detected: %s", s)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	p := Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: discard{}}
	req, resp := unhex(t, readDM), unhex(t, readErr)
	p.Parse(ctx, req)
	p.Parse(ctx, resp)
	if n := testing.AllocsPerRun(200, func() {
		p.Parse(ctx, req)
		p.Parse(ctx, resp)
	}); n != 0 {
		t.Errorf("%.1f allocations", n)
	}
}

// FuzzParse feeds arbitrary bytes as UDP datagrams and as TCP chunks (split
// in two) in both directions, and to the heuristic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{readDM, readErr, tcpNodeReq, tcpNodeResp, ctrlResp, multiRead} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		detect(0, data)
		for _, tr := range []dissect.Transport{dissect.UDP, dissect.TCP} {
			p := Spec.New()
			ep := &dissect.Endpoints{Transport: tr}
			half := len(data) / 2
			for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
				ctx := &dissect.Context{Dir: dir, Ep: ep, Out: discard{}}
				p.Parse(ctx, data[:half])
				p.Parse(ctx, data[half:])
			}
		}
	})
}

// BenchmarkParse measures one memory area read request and its response
// over UDP per iteration (two messages).
func BenchmarkParse(b *testing.B) {
	p := Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: discard{}}
	req, resp := unhex(b, readDM), unhex(b, readErr)
	b.ReportAllocs()
	for b.Loop() {
		p.Parse(ctx, req)
		p.Parse(ctx, resp)
	}
}
