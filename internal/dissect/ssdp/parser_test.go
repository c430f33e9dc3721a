package ssdp

import (
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

// notify is the first NOTIFY of it/nttcom_ssdp_test.pcap.
const notify = "NOTIFY * HTTP/1.1\r\n" +
	"Server: Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8\r\n" +
	"Cache-Control: max-age=300\r\n" +
	"Location: http://192.168.1.131:39520/description.xml\r\n" +
	"NTS: ssdp:alive\r\n" +
	"NT: urn:schemas-upnp-org:service:AVTransport:1\r\n" +
	"USN: uuid:4c2b2c0e-5d61-49c0-b45d-88bb4039fe3a::urn:schemas-upnp-org:service:AVTransport:1\r\n" +
	"HOST: 239.255.255.250:1900\r\n\r\n"

const search = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n" +
	"ST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Google Chrome/106.0.5249.119 Linux\r\n\r\n"

const response = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\n" +
	"USN: uuid:1::upnp:rootdevice\r\nEXT:\r\nSERVER: POSIX UPnP/1.0 UPnP Stack/7.14.131.47\r\n" +
	"LOCATION: http://192.168.1.1:5431/dyndev/uuid:1\r\n\r\n"

var (
	dev = netip.MustParseAddr("192.168.1.131")
	ep  = &dissect.Endpoints{Transport: dissect.UDP, OrigH: dev, OrigP: 32876, RespH: netip.MustParseAddr("239.255.255.250"),
		RespP: 1900, OrigMAC: record.MAC{2, 0, 0, 0, 1, 131}}
)

func run(steps ...string) *collector {
	c := &collector{}
	p := Spec.New()
	for i, s := range steps {
		p.Parse(&dissect.Context{TS: record.Micros(i) * 20_000_000, Dir: dissect.FromOrig, Ep: ep, Out: c}, []byte(s))
	}
	return c
}

func TestNotify(t *testing.T) {
	c := run(notify)
	if len(c.msgs) != 1 || c.msgs[0].Code != "NOTIFY" || c.msgs[0].Dir != dissect.Indication || c.msgs[0].Error {
		t.Fatalf("messages %+v", c.msgs)
	}
	r := c.recs[0].(*record.SSDP)
	if r.Method != "NOTIFY" || r.Server != "Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8" || r.NTS != "ssdp:alive" ||
		r.Location != "http://192.168.1.131:39520/description.xml" || r.NT != "urn:schemas-upnp-org:service:AVTransport:1" ||
		r.USN != "uuid:4c2b2c0e-5d61-49c0-b45d-88bb4039fe3a::urn:schemas-upnp-org:service:AVTransport:1" || r.Sender != dev {
		t.Errorf("record %+v", r)
	}
	id := c.recs[1].(*record.AssetID)
	if id.Product != "CyberLinkJava" || id.Firmware != "1.8" || id.IP != dev || id.MAC != ep.OrigMAC {
		t.Errorf("identity %+v", id)
	}
}

func TestSearchAndResponse(t *testing.T) {
	c := run(search)
	if m := c.msgs[0]; m.Code != "M-SEARCH" || m.Dir != dissect.Request || m.Swap {
		t.Errorf("search %+v", m)
	}
	if r := c.recs[0].(*record.SSDP); r.UserAgent != "Google Chrome/106.0.5249.119 Linux" || r.ST != "urn:dial-multiscreen-org:service:dial:1" || len(c.recs) != 1 {
		t.Errorf("search records %+v", c.recs)
	}
	c = run(response)
	if m := c.msgs[0]; m.Code != "RESPONSE" || m.Dir != dissect.Response || !m.Swap || m.Error {
		t.Errorf("response %+v", m)
	}
	if r := c.recs[0].(*record.SSDP); r.Status != 200 || r.ST != "upnp:rootdevice" || r.Server == "" {
		t.Errorf("response record %+v", r)
	}
	if id := c.recs[1].(*record.AssetID); id.Product != "UPnP Stack" || id.Firmware != "7.14.131.47" {
		t.Errorf("identity %+v", id)
	}
	c = run("HTTP/1.1 412 Precondition Failed\r\n\r\n", "garbage\r\n", "SUBSCRIBE * HTTP/1.1\r\n\r\n")
	if c.msgs[0].Code != "RESPONSE" || !c.msgs[0].Error || c.msgs[1].Code != "malformed" || !c.msgs[1].Error ||
		c.msgs[2].Code != "SUBSCRIBE" || c.msgs[2].Error {
		t.Errorf("odd messages %+v", c.msgs)
	}
}

func TestDedup(t *testing.T) {
	// at 0 s, 20 s and 40 s: one minute, so the repeat is written once; the
	// fourth (60 s) starts a new minute
	c := run(notify, notify, search, notify)
	if len(c.msgs) != 4 {
		t.Fatalf("messages %d", len(c.msgs))
	}
	n := 0
	for _, r := range c.recs {
		if _, ok := r.(*record.SSDP); ok {
			n++
		}
	}
	if n != 3 {
		t.Errorf("ssdp records %d, want 3", n)
	}
}

func TestDetect(t *testing.T) {
	for _, s := range []string{notify, search, response} {
		if !Detect(dissect.FromOrig, []byte(s)) {
			t.Errorf("rejects %.20q", s)
		}
	}
	for _, s := range []string{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "\x00\x01\x00\x00", "SSH-2.0-x\r\n"} {
		if Detect(dissect.FromOrig, []byte(s)) {
			t.Errorf("accepts %q", s)
		}
	}
}

// TestRepeatAllocs checks that a repeated announcement, the common case of
// SSDP traffic, costs no allocation: it is counted and de-duplicated only.
func TestRepeatAllocs(t *testing.T) {
	c := &collector{msgs: make([]dissect.Message, 0, 1000)}
	p := Spec.New()
	data := []byte(notify)
	ctx := &dissect.Context{TS: 1, Dir: dissect.FromOrig, Ep: ep, Out: c}
	p.Parse(ctx, data)
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, data) }); n != 0 {
		t.Errorf("%v allocations per repeated message", n)
	}
}
