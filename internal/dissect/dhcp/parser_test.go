package dhcp

import (
	"encoding/binary"
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

var clientMAC = record.MAC{0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42}

// bootp builds a BOOTP message (RFC 951 layout) with the DHCP options given
// as code, value pairs after the magic cookie; no options means plain BOOTP.
func bootp(op byte, yiaddr [4]byte, opts ...[]byte) []byte {
	b := make([]byte, fixedLen)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], 0x3d1d)
	copy(b[16:], yiaddr[:])
	copy(b[28:], clientMAC[:])
	if len(opts) == 0 {
		return b
	}
	b = binary.BigEndian.AppendUint32(b, magicCookie)
	for _, o := range opts {
		b = append(b, o...)
	}
	return append(b, 255)
}

func opt(code byte, v ...byte) []byte { return append([]byte{code, byte(len(v))}, v...) }

func parse(dir dissect.Dir, data []byte) *collector {
	c := &collector{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.IPv4Unspecified(), OrigP: 68,
		RespH: netip.MustParseAddr("255.255.255.255"), RespP: 67, OrigMAC: clientMAC}
	(&parser{}).Parse(&dissect.Context{TS: 3, Dir: dir, Ep: ep, Out: c}, data)
	return c
}

func TestRequest(t *testing.T) {
	c := parse(dissect.FromOrig, bootp(opRequest, [4]byte{},
		opt(53, 3), opt(61, 1, 0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42), opt(50, 192, 168, 0, 10),
		opt(54, 192, 168, 0, 1), opt(12, 'p', 'l', 'c', '-', '1', 0), opt(60, 'M', 'S', 'F', 'T', ' ', '5', '.', '0'),
		opt(55, 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 121, 249, 252),
		opt(81, 0x05, 0, 0, 3, 'p', 'l', 'c', 3, 'l', 'a', 'b', 0)))
	if len(c.msgs) != 1 {
		t.Fatalf("messages %d", len(c.msgs))
	}
	if m := c.msgs[0]; m.Code != "3" || m.Function != "REQUEST" || m.Dir != dissect.Request || m.Error || m.Swap {
		t.Errorf("message %+v", m)
	}
	r := c.recs[0].(*record.DHCP)
	if r.MsgType != "REQUEST" || r.MAC != clientMAC || r.HostName != "plc-1" || r.VendorClass != "MSFT 5.0" ||
		r.ParamList != "1,3,6,15,31,33,43,44,46,47,121,249,252" || r.RequestedAddr != netip.MustParseAddr("192.168.0.10") ||
		r.ServerAddr != netip.MustParseAddr("192.168.0.1") || r.ClientID != "01000b8201fc42" || r.ClientFQDN != "plc.lab" ||
		r.TransID != 0x3d1d || r.AssignedAddr.IsValid() || r.ClientAddr.IsValid() {
		t.Errorf("record %+v", r)
	}
	id := c.recs[1].(*record.AssetID)
	if id.MAC != clientMAC || id.Name != "plc-1" || id.IP != r.RequestedAddr || id.Message != "host name" {
		t.Errorf("identity %+v", id)
	}
}

func TestReplies(t *testing.T) {
	c := parse(dissect.FromResp, bootp(opReply, [4]byte{192, 168, 0, 10}, opt(53, 5), opt(51, 0, 0, 0x0e, 0x10)))
	if m := c.msgs[0]; m.Code != "5" || m.Function != "ACK" || m.Dir != dissect.Response || m.Error || m.Swap {
		t.Errorf("ack %+v", m)
	}
	r := c.recs[0].(*record.DHCP)
	if r.AssignedAddr != netip.MustParseAddr("192.168.0.10") || r.LeaseTime != 3600_000_000 {
		t.Errorf("ack record %+v", r)
	}
	if id := c.recs[1].(*record.AssetID); id.IP != r.AssignedAddr || id.MAC != clientMAC || id.Message != "ack" {
		t.Errorf("ack identity %+v", id)
	}
	c = parse(dissect.FromOrig, bootp(opReply, [4]byte{}, opt(53, 6), opt(56, 'n', 'o')))
	if m := c.msgs[0]; m.Code != "6" || m.Function != "NAK" || !m.Error || !m.Swap {
		t.Errorf("nak %+v", m)
	}
	if r := c.recs[0].(*record.DHCP); r.Message != "no" || len(c.recs) != 1 {
		t.Errorf("nak records %+v", c.recs)
	}
}

func TestBOOTPAndMalformed(t *testing.T) {
	for _, tc := range []struct {
		data     []byte
		code, fn string
		err      bool
	}{
		{bootp(opRequest, [4]byte{}), "bootp", "BOOTREQUEST", false},
		{bootp(opReply, [4]byte{10, 0, 0, 1}), "bootp", "BOOTREPLY", false},
		{bootp(opRequest, [4]byte{}, opt(53, 200)), "200", "unknown", false},
		{bootp(opRequest, [4]byte{})[:100], "malformed", "malformed", true},
		// an option running past the end is ignored, as is what follows
		{append(bootp(opRequest, [4]byte{}, opt(53, 1))[:fixedLen+4+3], 12, 40, 'x'), "1", "DISCOVER", false},
	} {
		c := parse(dissect.FromOrig, tc.data)
		if len(c.msgs) != 1 || c.msgs[0].Code != tc.code || c.msgs[0].Function != tc.fn || c.msgs[0].Error != tc.err {
			t.Errorf("%s: %+v", tc.fn, c.msgs)
		}
	}
}

func TestDetect(t *testing.T) {
	if !Detect(dissect.FromOrig, bootp(opRequest, [4]byte{}, opt(53, 1))) {
		t.Error("rejects DHCP")
	}
	for _, p := range [][]byte{make([]byte, 300), []byte("GET / HTTP/1.1\r\n"), bootp(3, [4]byte{})} {
		if Detect(dissect.FromOrig, p) {
			t.Errorf("accepts %.16q", p)
		}
	}
}
