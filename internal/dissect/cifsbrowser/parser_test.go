package cifsbrowser

import (
	"encoding/binary"
	"net/netip"
	"reflect"
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

// encName is the RFC 1001 first-level encoding of a NetBIOS name, with its
// length byte and terminating root label.
func encName(name string, suffix byte) []byte {
	raw := append([]byte(name + "               ")[:15], suffix)
	out := []byte{32}
	for _, c := range raw {
		out = append(out, 'A'+c>>4, 'A'+c&0xf)
	}
	return append(out, 0)
}

// mailslotDatagram builds a NetBIOS direct group datagram carrying an SMB
// Transaction request that writes data to the mailslot (MS-CIFS 2.2.4.33.1,
// MS-MAIL 2.2.1: three setup words, opcode 1 = write).
func mailslotDatagram(slot string, data []byte) []byte {
	smb := make([]byte, smbHeaderLen)
	copy(smb, "\xffSMB")
	smb[4] = smbComTransaction
	const wc = transWords + 3
	smb = append(smb, wc)
	name := append([]byte(slot), 0)
	dataOff := smbHeaderLen + 1 + 2*wc + 2 + len(name)
	w := make([]byte, 2*wc)
	binary.LittleEndian.PutUint16(w[2:], uint16(len(data))) // total data count
	binary.LittleEndian.PutUint16(w[12:], 1000)             // timeout
	binary.LittleEndian.PutUint16(w[22:], uint16(len(data)))
	binary.LittleEndian.PutUint16(w[24:], uint16(dataOff))
	w[26] = 3
	binary.LittleEndian.PutUint16(w[28:], 1) // mailslot write
	binary.LittleEndian.PutUint16(w[32:], 2) // class 2 (unreliable)
	smb = append(smb, w...)
	smb = binary.LittleEndian.AppendUint16(smb, uint16(len(name)+len(data)))
	smb = append(smb, name...)
	smb = append(smb, data...)

	names := append(encName("SNG-WIN2K", 0), encName("WORKGROUP", 0x1d)...)
	hdr := []byte{dgmDirectGroup, 0x02, 0x80, 0x07, 192, 168, 1, 35, 0, 138, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(hdr[10:], uint16(len(names)+len(smb)))
	return append(append(hdr, names...), smb...)
}

// hostAnnouncement is frame 1 of it/nttcom_cifs_browser_test.pcap's first
// host announcement, rebuilt field by field (tshark -V of that frame).
func hostAnnouncement(op byte) []byte {
	b := []byte{op, 0, 0x00, 0x53, 0x07, 0x00}
	b = append(b, []byte("SNG-WIN2K\x00\x00\x00\x00\x00\x00\x00")...)
	b = append(b, 5, 0, 0x03, 0x10, 0x00, 0x00, 15, 1, 0x55, 0xaa)
	return append(b, "file server\x00"...)
}

var ep = &dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.MustParseAddr("192.168.1.35"), OrigP: 138,
	RespH: netip.MustParseAddr("192.168.1.255"), RespP: 138, OrigMAC: record.MAC{8, 0, 0x27, 0xb9, 0xd0, 0x0a},
	RespMAC: record.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}

func parse(data []byte) *collector {
	c := &collector{}
	(&parser{}).Parse(&dissect.Context{TS: 7, Dir: dissect.FromOrig, Ep: ep, Out: c}, data)
	return c
}

func TestHostAnnouncement(t *testing.T) {
	c := parse(mailslotDatagram(`\MAILSLOT\BROWSE`, hostAnnouncement(opHostAnnouncement)))
	if len(c.msgs) != 1 {
		t.Fatalf("messages %d", len(c.msgs))
	}
	if m := c.msgs[0]; m.Code != "1" || m.Function != "host_announcement" || m.Dir != dissect.Indication || m.Error {
		t.Errorf("message %+v", m)
	}
	if len(c.recs) != 2 {
		t.Fatalf("records %d, want browser + asset_id", len(c.recs))
	}
	r := c.recs[0].(*record.CIFSBrowser)
	want := record.CIFSBrowser{TS: 7, OrigH: ep.OrigH, OrigP: 138, RespH: ep.RespH, RespP: 138, OrigMAC: ep.OrigMAC,
		RespMAC: ep.RespMAC, SrcName: "SNG-WIN2K<00>", DstName: "WORKGROUP<1d>", SrcIP: ep.OrigH, Opcode: 1,
		Command: "host_announcement", ServerName: "SNG-WIN2K", OSVersion: "5.0", ServerType: "0x1003",
		BrowserVersion: "15.1", Signature: "0xaa55", Comment: "file server", Periodicity: 480_000_000}
	types := r.ServerTypes
	r.ServerTypes = nil
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("record\n got %+v\nwant %+v", *r, want)
	}
	if len(types) != 3 || types[0] != "workstation" || types[1] != "server" || types[2] != "nt_workstation" {
		t.Errorf("server types %q", types)
	}
	id := c.recs[1].(*record.AssetID)
	if id.Name != "SNG-WIN2K" || id.Role != "workstation" || id.MAC != ep.OrigMAC || id.IP != ep.OrigH {
		t.Errorf("identity %+v", id)
	}
}

func TestOpcodes(t *testing.T) {
	for _, tc := range []struct {
		data     []byte
		code, fn string
		dir      dissect.MsgDir
		name     string
	}{
		{[]byte("\x02\x00REQUESTER\x00"), "2", "announcement_request", dissect.Request, "REQUESTER"},
		{append([]byte{8, 1, 0x03, 0x10, 0x00, 0x20, 0x10, 0x27, 0, 0, 0, 0, 0, 0}, "CANDIDATE\x00"...), "8", "request_election", dissect.Indication, "CANDIDATE"},
		{[]byte{9, 4, 1, 0, 0, 0}, "9", "get_backup_list_request", dissect.Request, ""},
		{[]byte("\x0bBACKUP\x00"), "11", "become_backup", dissect.Request, "BACKUP"},
		{[]byte("\x0dMASTER\x00"), "13", "master_announcement", dissect.Indication, "MASTER"},
		{[]byte{0x42}, "66", "unknown", dissect.Indication, ""},
	} {
		c := parse(mailslotDatagram(`\MAILSLOT\BROWSE`, tc.data))
		if len(c.msgs) != 1 || c.msgs[0].Code != tc.code || c.msgs[0].Function != tc.fn || c.msgs[0].Dir != tc.dir {
			t.Errorf("%x: %+v", tc.data, c.msgs)
			continue
		}
		if r := c.recs[0].(*record.CIFSBrowser); r.Name != tc.name {
			t.Errorf("%x: name %q, want %q", tc.data, r.Name, tc.name)
		}
	}
	c := parse(mailslotDatagram(`\MAILSLOT\BROWSE`, append([]byte{8, 1, 0x03, 0x10, 0x00, 0x20, 0x10, 0x27, 0, 0, 0, 0, 0, 0}, "C\x00"...)))
	if r := c.recs[0].(*record.CIFSBrowser); r.ElectionVersion != 1 || r.ElectionCriteria != "0x20001003" || r.Uptime != 10_000_000 {
		t.Errorf("election %+v", r)
	}
	// domain announcement: no browser version or signature; the comment is
	// the master browser's name
	dom := hostAnnouncement(opDomainAnnouncement)
	copy(dom[6:], "WORKGROUP\x00\x00\x00\x00\x00\x00\x00")
	c = parse(mailslotDatagram(`\MAILSLOT\BROWSE`, dom))
	if r := c.recs[0].(*record.CIFSBrowser); r.ServerName != "WORKGROUP" || r.BrowserVersion != "" || r.Signature != "" || len(c.recs) != 1 {
		t.Errorf("domain announcement %+v (%d records)", r, len(c.recs))
	}
}

func TestNotBrowser(t *testing.T) {
	full := mailslotDatagram(`\MAILSLOT\BROWSE`, hostAnnouncement(1))
	for name, data := range map[string][]byte{
		"netlogon mailslot": mailslotDatagram(`\MAILSLOT\NET\NETLOGON`, []byte{0x12, 0}),
		"datagram error":    {0x13, 0x02, 0, 1, 192, 168, 1, 1, 0, 138, 0x82},
		"truncated":         full[:100],
		"not smb":           append(full[:82:82], make([]byte, 60)...),
		"later fragment":    append(append(append([]byte{}, full[:12]...), 0, 10), full[14:]...),
	} {
		if c := parse(data); len(c.msgs) != 0 || len(c.recs) != 0 {
			t.Errorf("%s: %+v", name, c.msgs)
		}
	}
	c := parse(mailslotDatagram(`\MAILSLOT\BROWSE`, nil))
	if len(c.msgs) != 1 || c.msgs[0].Code != "malformed" || !c.msgs[0].Error {
		t.Errorf("empty browser data: %+v", c.msgs)
	}
	c = parse(mailslotDatagram(`\MAILSLOT\BROWSE`, hostAnnouncement(1)[:20]))
	if len(c.msgs) != 1 || c.msgs[0].Code != "1" || len(c.recs) != 1 || c.recs[0].(*record.CIFSBrowser).ServerName != "" {
		t.Errorf("short announcement: %+v %+v", c.msgs, c.recs)
	}
}

func TestDetect(t *testing.T) {
	if !Detect(dissect.FromOrig, mailslotDatagram(`\MAILSLOT\BROWSE`, []byte{1})) {
		t.Error("rejects a datagram")
	}
	for _, p := range [][]byte{[]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), {0x11, 2, 3}, make([]byte, 40)} {
		if Detect(dissect.FromOrig, p) {
			t.Errorf("accepts %q", p)
		}
	}
}
