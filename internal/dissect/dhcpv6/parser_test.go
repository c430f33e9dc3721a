package dhcpv6

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

func opt(code uint16, v ...byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, code)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

func msg(t byte, xid uint32, opts ...[]byte) []byte {
	b := []byte{t, byte(xid >> 16), byte(xid >> 8), byte(xid)}
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

var (
	mac      = record.MAC{0x00, 0x0c, 0x29, 0xc2, 0x25, 0xf9}
	duidLLT  = append([]byte{0, 1, 0, 1, 0x1b, 0x2c, 0x3d, 0x4e}, mac[:]...)
	clientLL = netip.MustParseAddr("fe80::20c:29ff:fec2:25f9")
)

// solicit is a Windows-style Solicit: client id, FQDN, vendor class 311
// (Microsoft) "MSFT 5.0", option request list, and an IA_NA.
func solicit() []byte {
	return msg(1, 0x0a0b0c,
		opt(optClientID, duidLLT...),
		opt(optClientFQDN, append([]byte{0}, "\x0eWIN7-CLIENT-01\x05happy\x05crazy\x00"...)...),
		opt(optVendorClass, append([]byte{0, 0, 1, 0x37, 0, 8}, "MSFT 5.0"...)...),
		opt(optORO, 0, 24, 0, 23, 0, 17, 0, 39),
		opt(optIANA, append(make([]byte, 12), opt(optIAAddr, append(netip.MustParseAddr("2001:db8::5").AsSlice(), make([]byte, 8)...)...)...)...),
		opt(optUserClass, 0, 3, 'a', 'b', 'c'))
}

func parse(dir dissect.Dir, data []byte) *collector {
	c := &collector{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigH: clientLL, OrigP: 546, RespH: netip.MustParseAddr("ff02::1:2"),
		RespP: 547, OrigMAC: mac}
	(&parser{}).Parse(&dissect.Context{TS: 1, Dir: dir, Ep: ep, Out: c}, data)
	return c
}

func TestSolicit(t *testing.T) {
	c := parse(dissect.FromOrig, solicit())
	if len(c.msgs) != 1 || c.msgs[0].Code != "1" || c.msgs[0].Function != "SOLICIT" || c.msgs[0].Dir != dissect.Request ||
		c.msgs[0].Swap || c.msgs[0].Error {
		t.Fatalf("messages %+v", c.msgs)
	}
	r := c.recs[0].(*record.DHCPv6)
	if r.MsgType != "SOLICIT" || r.TransID != 0x0a0b0c || r.MAC != mac || r.ClientDUID != "000100011b2c3d4e000c29c225f9" ||
		r.ClientFQDN != "WIN7-CLIENT-01.happy.crazy" || r.EnterpriseNumber != 311 || r.VendorClass != "MSFT 5.0" ||
		r.OptionRequest != "24,23,17,39" || len(r.Addrs) != 1 || r.Addrs[0] != netip.MustParseAddr("2001:db8::5") ||
		len(r.UserClass) != 1 || r.UserClass[0] != "abc" || r.Relayed {
		t.Errorf("record %+v", r)
	}
	id := c.recs[1].(*record.AssetID)
	if id.MAC != mac || id.Name != "WIN7-CLIENT-01.happy.crazy" || id.IP != clientLL {
		t.Errorf("identity %+v", id)
	}
}

func TestRelayAndReply(t *testing.T) {
	link := netip.MustParseAddr("2001:db8:1::1")
	relay := append([]byte{typeRelayForw, 0}, link.AsSlice()...)
	relay = append(relay, clientLL.AsSlice()...)
	relay = append(relay, opt(optRelayMsg, solicit()...)...)
	c := parse(dissect.FromOrig, relay)
	if len(c.msgs) != 1 || c.msgs[0].Code != "12" || c.msgs[0].Function != "RELAY-FORW" || c.msgs[0].Dir != dissect.Request {
		t.Fatalf("relay message %+v", c.msgs)
	}
	r := c.recs[0].(*record.DHCPv6)
	if !r.Relayed || r.LinkAddr != link || r.MsgType != "SOLICIT" || r.ClientFQDN == "" || len(c.recs) != 1 {
		t.Errorf("relayed record %+v (%d records)", r, len(c.recs))
	}
	c = parse(dissect.FromResp, msg(7, 1, opt(optStatusCode, 0, 2, 'n', 'o')))
	if c.msgs[0].Code != "7" || c.msgs[0].Dir != dissect.Response || c.msgs[0].Swap || c.recs[0].(*record.DHCPv6).StatusCode != 2 {
		t.Errorf("reply %+v %+v", c.msgs, c.recs)
	}
	// relay loops are bounded; an empty relay gives no record
	c = parse(dissect.FromOrig, append([]byte{typeRelayForw}, make([]byte, 40)...))
	if len(c.msgs) != 1 || len(c.recs) != 0 {
		t.Errorf("empty relay %+v %+v", c.msgs, c.recs)
	}
	c = parse(dissect.FromOrig, []byte{1, 2})
	if len(c.msgs) != 1 || c.msgs[0].Code != "malformed" || !c.msgs[0].Error {
		t.Errorf("short %+v", c.msgs)
	}
}

func TestDetect(t *testing.T) {
	if !Detect(dissect.FromOrig, solicit()) || !Detect(dissect.FromOrig, msg(11, 5)) {
		t.Error("rejects DHCPv6")
	}
	for _, p := range [][]byte{
		[]byte("M-SEARCH * HTTP/1.1\r\n"),
		msg(1, 1, []byte{0, 1, 0, 200, 1}), // option overruns
		msg(99, 1),
		{1, 2},
	} {
		if Detect(dissect.FromOrig, p) {
			t.Errorf("accepts %q", p)
		}
	}
}
