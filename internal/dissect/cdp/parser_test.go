package cdp_test

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/cdp"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

// tlv builds one CDP TLV: 16-bit type, 16-bit length including the header.
func tlv(typ int, v ...byte) []byte {
	n := len(v) + 4
	return append([]byte{byte(typ >> 8), byte(typ), byte(n >> 8), byte(n)}, v...)
}

func pdu(version byte, tlvs ...[]byte) []byte {
	b := []byte{version, 180, 0, 0} // checksum not verified
	for _, t := range tlvs {
		b = append(b, t...)
	}
	return b
}

// addrList: one IPv4 (NLPID 0xCC) and one IPv6 (802.2, Ethertype 0x86DD)
// address and one of an unknown protocol (skipped).
var addrList = []byte{
	0, 0, 0, 3,
	1, 1, 0xcc, 0, 4, 10, 1, 2, 3,
	2, 8, 0xaa, 0xaa, 3, 0, 0, 0, 0x86, 0xdd, 0, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9,
	1, 1, 0x81, 0, 1, 7,
}

var phone = pdu(2,
	tlv(1, []byte("SEP001122334455")...),
	tlv(2, addrList...),
	tlv(3, []byte("Port 1")...),
	tlv(4, 0, 0, 0x04, 0x90), // host, phone, two-port MAC relay
	tlv(5, []byte("SIP75.8-5-3SR1S\n")...),
	tlv(6, []byte("Cisco IP Phone 7975")...),
	tlv(9, []byte("plant")...),
	tlv(0x0a, 0, 20),
	tlv(0x0b, 0),
	tlv(0x16, addrList[:13]...),
	tlv(0x1f, 1), // unknown type: ignored
)

var ep = dissect.Endpoints{Transport: dissect.Ether, OrigMAC: record.MAC{0, 0x11, 0x22, 0x33, 0x44, 0x55}, RespMAC: record.MAC{1, 0, 0xc, 0xcc, 0xcc, 0xcc}}

func TestParsePhone(t *testing.T) {
	c := dissecttest.Feed(cdp.Spec, &ep, dissecttest.Req(phone...), dissecttest.Req(phone...))
	if len(c.Msgs) != 2 || c.Msgs[0].Code != "cdp" || c.Msgs[0].Function != "CDP" || c.Msgs[0].Error || c.Msgs[0].Dir != dissect.Indication {
		t.Fatalf("messages %+v", c.Msgs)
	}
	if len(c.Recs) != 2 {
		t.Fatalf("%d records, want 2 (the repeat in the same minute writes nothing)", len(c.Recs))
	}
	r := c.Recs[0].(*record.CDP)
	want := record.CDP{TS: r.TS, SrcMAC: ep.OrigMAC, DstMAC: ep.RespMAC, Version: 2, TTL: 180, DeviceID: "SEP001122334455",
		Addresses: []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("2001:db8::9")}, PortID: "Port 1",
		Capabilities: []string{"host", "phone", "tpmr"}, Software: "SIP75.8-5-3SR1S", Platform: "Cisco IP Phone 7975",
		NativeVLAN: 20, Duplex: "half", VTPDomain: "plant", MgmtAddrs: []netip.Addr{netip.MustParseAddr("10.1.2.3")}}
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("record\n got %+v\nwant %+v", *r, want)
	}
	a := c.Recs[1].(*record.AssetID)
	if a.Role != "phone" || a.Firmware != "SIP75.8-5-3SR1S" || a.Name != "SEP001122334455" || a.IP != netip.MustParseAddr("10.1.2.3") {
		t.Errorf("identity %+v", a)
	}
}

func TestMinuteDedup(t *testing.T) {
	c := &dissecttest.Collector{}
	p := cdp.NewParser()
	e := ep
	ctx := &dissect.Context{Ep: &e, Out: c}
	for _, ts := range []record.Micros{1, 59_999_999, 60_000_000} {
		ctx.TS = ts
		p.Parse(ctx, phone)
	}
	e.VLAN = 5 // another VLAN is another announcement
	p.Parse(ctx, phone)
	if n := len(c.Recs); n != 6 {
		t.Errorf("%d records, want 6", n)
	}
}

func TestMalformed(t *testing.T) {
	cases := map[string][]byte{
		"empty":         {},
		"short header":  {2, 180, 0},
		"version 3":     pdu(3, tlv(1, 'x')),
		"tlv len < 4":   append(pdu(2), 0, 1, 0, 3),
		"tlv overrun":   append(pdu(2), 0, 1, 0, 9, 'x'),
		"cut header":    append(pdu(2, tlv(1, 'x')), 0, 1),
		"cut phone pdu": phone[:len(phone)-1],
	}
	for name, b := range cases {
		c := dissecttest.Feed(cdp.Spec, &ep, dissecttest.Req(b...))
		if len(c.Msgs) != 1 || c.Msgs[0].Code != "malformed" || !c.Msgs[0].Error || len(c.Recs) != 0 {
			t.Errorf("%s: messages %+v, %d records", name, c.Msgs, len(c.Recs))
		}
	}
	// A header alone is a valid (empty) announcement; short or truncated
	// address lists keep what fits.
	bad := []byte{0, 0, 0, 2, 1, 1, 0xcc, 0, 4, 10, 0, 0, 1, 1, 1, 0xcc, 0, 4, 10}
	c := dissecttest.Feed(cdp.Spec, &ep, dissecttest.Req(pdu(1, tlv(2, bad...), tlv(0x16, 0, 0), tlv(4, 1))...))
	if len(c.Msgs) != 1 || c.Msgs[0].Error {
		t.Fatalf("messages %+v", c.Msgs)
	}
	r := c.Recs[0].(*record.CDP)
	if !reflect.DeepEqual(r.Addresses, []netip.Addr{netip.MustParseAddr("10.0.0.1")}) || r.MgmtAddrs != nil || r.Capabilities != nil {
		t.Errorf("record %+v", r)
	}
}

func TestRole(t *testing.T) {
	for caps, want := range map[string]string{"": "", "router switch igmp": "router", "switch igmp": "switch", "trans_bridge": "switch", "host phone": "phone", "host": "host"} {
		if got := cdp.Role(strings.Fields(caps)); got != want {
			t.Errorf("Role(%q) = %q, want %q", caps, got, want)
		}
	}
}

func TestNoAllocRepeat(t *testing.T) {
	p := cdp.NewParser()
	e := ep
	ctx := &dissect.Context{TS: 5, Ep: &e, Out: dissecttest.Nop{}}
	p.Parse(ctx, phone)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(ctx, phone) }); n != 0 {
		t.Errorf("%v allocs per repeated frame", n)
	}
}

func BenchmarkParse(b *testing.B) {
	frames := cdpFrames(b, capturePath(b, "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap"))
	chunks := make([]dissecttest.Chunk, len(frames))
	for i, f := range frames {
		chunks[i] = dissecttest.Req(f.data...)
	}
	e := ep
	dissecttest.Replay(b, cdp.Spec, &e, chunks)
}

func FuzzParse(f *testing.F) {
	f.Add(phone)
	for _, rel := range []string{"it/cdp-v1.pcap", "attacks/CL5000EIP-Remote_Mode_Change_Attempt.pcap"} {
		for _, fr := range cdpFrames(f, capturePath(f, rel)) {
			f.Add(fr.data)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := cdp.NewParser()
		e := ep
		ctx := &dissect.Context{Ep: &e, Out: dissecttest.Nop{}}
		p.Parse(ctx, b)
		p.Parse(ctx, b)
	})
}
