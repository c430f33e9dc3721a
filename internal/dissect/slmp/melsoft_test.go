package slmp

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// MELSOFT messages from melsoft_UDP_clean_2.pcap (tshark -e udp.payload):
// the hello and its 14-byte answer, an Open Initial (0121) request and its
// response naming the CPU (FX5U-32MT/ES, model code 4A29), and a response
// with status 8040 (to command 1734).
const (
	melsoftHello    = "5a000001"
	melsoftHelloAns = "da0000011400c0a80365c0a80365"
	melsoftOpenReq  = "57010000001111070000ffff030000fe03000020001c0a161400000000000000000000000000000000000000000121010000000001"
	melsoftOpenResp = "d70100000011117f000000a80300ffff03000038009c0a181400000000000000000000000000000000000000000000012101000000465835552d33324d542f455300000000294a000800000000"
	melsoftErrResp  = "d70100000011117f000000a80300ffff0300002c009c0a181480400000000000000000000000000000000000000000173409000000014817112903254503200331"
)

func TestMELSOFTMessages(t *testing.T) {
	for _, tr := range []dissect.Transport{dissect.UDP, dissect.TCP} {
		c := runParser(t, SpecMELSOFT.New(), tr, []dissect.Dir{dissect.FromOrig, dissect.FromResp},
			melsoftHello, melsoftHelloAns, melsoftOpenReq, melsoftOpenResp, melsoftOpenReq, melsoftErrResp)
		want := []dissect.Message{
			{Code: "5a", Function: "hello", Dir: dissect.Request},
			{Code: "5a", Function: "hello", Dir: dissect.Response},
			{Code: "0121", Function: "Open Initial", Dir: dissect.Request},
			{Code: "0121", Function: "Open Initial", Dir: dissect.Response},
			{Code: "0121", Function: "Open Initial", Dir: dissect.Request},
			{Code: "1734", Function: "unknown", Dir: dissect.Response, Error: true, Detail: "8040"},
		}
		if len(c.msgs) != len(want) {
			t.Fatalf("%v: %d messages %+v", tr, len(c.msgs), c.msgs)
		}
		for i, w := range want {
			w.Protocol = dissect.NameMELSOFT
			if c.msgs[i] != w {
				t.Errorf("%v #%d: got %+v, want %+v", tr, i, c.msgs[i], w)
			}
		}
		if len(c.recs) != 1 {
			t.Fatalf("records %+v", c.recs)
		}
		a := c.recs[0].(*record.AssetID)
		if a.Model != "FX5U-32MT/ES" || a.Message != "Open Initial (model code 4A29)" || a.IP.String() != "10.0.0.2" {
			t.Errorf("identity %+v", a)
		}
	}
}

// TestMELSOFTStream cuts hello, answer and requests out of one TCP segment
// and out of single bytes.
func TestMELSOFTStream(t *testing.T) {
	seg := melsoftHello + melsoftOpenReq
	c := runParser(t, SpecMELSOFT.New(), dissect.TCP, []dissect.Dir{0}, seg)
	if len(c.msgs) != 2 || c.msgs[1].Code != "0121" {
		t.Fatalf("%+v", c.msgs)
	}
	p := SpecMELSOFT.New()
	c = &collector{}
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.TCP}, Out: c}
	for _, b := range unhex(t, seg) {
		p.Parse(ctx, []byte{b})
	}
	if len(c.msgs) != 2 {
		t.Fatalf("bytewise: %+v", c.msgs)
	}
	// Out of sync: one malformed message, then the parser resumes with the
	// next segment.
	c = runParser(t, SpecMELSOFT.New(), dissect.TCP, []dissect.Dir{0}, "0102030405", melsoftOpenReq)
	if len(c.msgs) != 2 || c.msgs[0].Code != "malformed" || c.msgs[1].Code != "0121" {
		t.Fatalf("desync: %+v", c.msgs)
	}
	// A request too short to hold its command code.
	c = runParser(t, SpecMELSOFT.New(), dissect.UDP, []dissect.Dir{0}, "57010000001111070000ffff030000fe0300000200"+"1c0a")
	if len(c.msgs) != 1 || c.msgs[0].Code != "short" || !c.msgs[0].Error {
		t.Fatalf("short: %+v", c.msgs)
	}
}

func TestDetectMELSOFT(t *testing.T) {
	for _, s := range []string{melsoftHello, melsoftHelloAns, melsoftOpenReq, melsoftOpenResp, melsoftHello + melsoftOpenReq} {
		if !detectMELSOFT(0, unhex(t, s)) {
			t.Errorf("not detected: %s", s)
		}
	}
	for _, s := range []string{binRead3E, binReadResp3E, "5a000002", "5a0000", "474554202f20485454502f312e310d0a", melsoftOpenReq[:60]} {
		if detectMELSOFT(0, unhex(t, s)) {
			t.Errorf("detected: %s", s)
		}
	}
}
