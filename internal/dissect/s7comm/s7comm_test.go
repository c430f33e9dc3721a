package s7comm_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/s7comm"
	"github.com/otsight/otsight/internal/record"
)

// parseAll feeds each chunk in its direction to one parser and returns the
// messages.
func parseAll(t *testing.T, chunks ...chunk) *collector {
	t.Helper()
	c := &collector{}
	p := s7comm.NewParser()
	for _, ch := range chunks {
		ctx := &dissect.Context{Dir: ch.dir, Ep: testEp, Out: c}
		p.Parse(ctx, ch.data)
	}
	return c
}

type chunk struct {
	dir  dissect.Dir
	data []byte
}

func orig(b []byte) chunk { return chunk{dissect.FromOrig, b} }
func resp(b []byte) chunk { return chunk{dissect.FromResp, b} }

// Vectors follow the S7comm layout as Wireshark's packet-s7comm.c documents
// it; the read/setup/userdata ones are taken from frames of the shared
// captures (named per case).
func TestS7Messages(t *testing.T) {
	cases := []struct {
		name string
		in   chunk
		want dissect.Message
	}{
		{"setup job (s7ident.pcap)", orig(tpkt(t, "32 01 0000 0000 0008 0000 f0 00 0001 0001 01e0")),
			dissect.Message{Code: "1/f0", Function: "Setup communication", Dir: dissect.Request}},
		{"setup ack-data", resp(tpkt(t, "32 03 0000 0000 0008 0000 0000 f0 00 0001 0001 00f0")),
			dissect.Message{Code: "3/f0", Function: "Setup communication", Dir: dissect.Response}},
		{"read var DB1", orig(tpkt(t, "32 01 0000 0100 000e 0000 04 01 12 0a 10 02 0004 0001 84 000000")),
			dissect.Message{Code: "1/04", Function: "Read Var", Dir: dissect.Request, Detail: "DB 1"}},
		{"write var M", orig(tpkt(t, "32 01 0000 0200 000e 0009 05 01 12 0a 10 02 0001 0000 83 000010 00 04 0008 ff")),
			dissect.Message{Code: "1/05", Function: "Write Var", Dir: dissect.Request, Detail: "M"}},
		{"read var ack-data", resp(tpkt(t, "32 03 0000 0100 0002 0008 0000 04 01 ff 04 0020 01020304")),
			dissect.Message{Code: "3/04", Function: "Read Var", Dir: dissect.Response}},
		{"ack-data with error class", resp(tpkt(t, "32 03 0000 0100 0002 0000 8104 04 00")),
			dissect.Message{Code: "3/04", Function: "Read Var", Dir: dissect.Response, Error: true}},
		{"ack error, no parameter (s7ident.pcap)", resp(tpkt(t, "32 02 0000 0600 0000 0000 d2 41")),
			dissect.Message{Code: "2", Function: "Ack", Dir: dissect.Response, Error: true}},
		{"PLC control _INSE", orig(tpkt(t, "32 01 0000 0300 0014 0000 28 000000000000fd 0004 0a 000001 05 5f494e5345")),
			dissect.Message{Code: "1/28", Function: "PLC Control", Dir: dissect.Request, Detail: "_INSE"}},
		{"PLC stop P_PROGRAM", orig(tpkt(t, "32 01 0000 0400 0010 0000 29 0000000000 09 505f50524f4752414d")),
			dissect.Message{Code: "1/29", Function: "PLC Stop", Dir: dissect.Request, Detail: "P_PROGRAM"}},
		{"start upload", orig(tpkt(t, "32 01 0000 0500 0012 0000 1d 00 0000 0000 0000 0000 09 5f3041303030303150")),
			dissect.Message{Code: "1/1d", Function: "Start upload", Dir: dissect.Request}},
		{"userdata read SZL request", orig(tpkt(t, "32 07 0000 0700 0008 0008 0001 12 04 11 44 01 00 ff 09 0004 0011 0000")),
			dissect.Message{Code: "7/4/01", Function: "Read SZL", Dir: dissect.Request, Detail: "SZL 0x0011"}},
		{"userdata read SZL error response", resp(tpkt(t, "32 07 0000 0700 000c 0004 0001 12 08 12 84 01 01 00 00 d4 02 0a 00 0000")),
			dissect.Message{Code: "7/4/01", Function: "Read SZL", Dir: dissect.Response, Error: true}},
		{"userdata PLC password", orig(tpkt(t, "32 07 0000 0800 0008 000c 0001 12 04 11 45 01 00 ff 09 0008 0102030405060708")),
			dissect.Message{Code: "7/5/01", Function: "PLC password", Dir: dissect.Request}},
		{"userdata set clock", orig(tpkt(t, "32 07 0000 0900 0008 0004 0001 12 04 11 47 02 00 ff 09 0000")),
			dissect.Message{Code: "7/7/02", Function: "Set clock", Dir: dissect.Request}},
		{"mode transition push (step7_s300_stop)", resp(tpkt(t, "32 07 0000 0000 0008 0000 0100 1010 0000 0000")),
			dissect.Message{Code: "7/0/00", Function: "Mode-transition", Dir: dissect.Indication}},
		{"truncated header", orig(tpkt(t, "32 01 0000")),
			dissect.Message{Code: "malformed", Dir: dissect.Request, Error: true}},
		{"parameter beyond PDU", orig(tpkt(t, "32 01 0000 0000 00ff 0000 04")),
			dissect.Message{Code: "malformed", Dir: dissect.Request, Error: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := parseAll(t, tc.in)
			if len(c.Msgs) != 1 {
				t.Fatalf("got %d messages, want 1: %+v", len(c.Msgs), c.Msgs)
			}
			want := tc.want
			want.Protocol = dissect.NameS7comm
			want.Swap = tc.in.dir == dissect.FromResp && want.Dir == dissect.Request ||
				tc.in.dir == dissect.FromOrig && want.Dir == dissect.Response
			if c.Msgs[0] != want {
				t.Errorf("got  %+v\nwant %+v", c.Msgs[0], want)
			}
		})
	}
}

// TestCOTPNotCounted: connection requests/confirms and disconnects are not
// application messages.
func TestCOTPNotCounted(t *testing.T) {
	cr := unhex(t, "0300001611e00000000100c0010ac1020100c2020102")
	cc := unhex(t, "0300001611d00001000100c0010ac1020100c2020102")
	dr := unhex(t, "0300000b06800001000100")
	if c := parseAll(t, orig(cr), resp(cc), orig(dr)); len(c.Msgs) != 0 {
		t.Errorf("COTP management produced %d messages", len(c.Msgs))
	}
}

// TestFraming: TPKT split across segments, two PDUs in one segment and a
// TSDU spread over two COTP DTs (EOT clear in the first) each give the
// right number of messages.
func TestFraming(t *testing.T) {
	pdu := tpkt(t, "32 01 0000 0100 000e 0000 04 01 12 0a 10 02 0004 0001 84 000000")
	two := append(append([]byte{}, pdu...), pdu...)
	c := parseAll(t, orig(pdu[:3]), orig(pdu[3:9]), orig(pdu[9:]), orig(two))
	if len(c.Msgs) != 3 {
		t.Fatalf("split/concatenated: got %d messages, want 3", len(c.Msgs))
	}
	body := pdu[7:]
	first := append([]byte{3, 0, 0, byte(7 + 5), 2, 0xf0, 0x00}, body[:5]...)
	rest := append([]byte{3, 0, 0, byte(7 + len(body) - 5), 2, 0xf0, 0x80}, body[5:]...)
	c = parseAll(t, orig(first), orig(rest))
	if len(c.Msgs) != 1 || c.Msgs[0].Detail != "DB 1" {
		t.Fatalf("COTP reassembly: got %+v", c.Msgs)
	}
}

// TestSZLIdentity checks identity from a read-SZL 0x001c response built
// like the one in s7ident.pcap (34-octet records: index, 32 characters).
func TestSZLIdentity(t *testing.T) {
	rec := func(idx byte, s string) string {
		b := make([]byte, 34)
		b[1] = idx
		copy(b[2:], s)
		const digits = "0123456789abcdef"
		out := make([]byte, 0, 68)
		for _, c := range b {
			out = append(out, digits[c>>4], digits[c&15])
		}
		return string(out)
	}
	data := "ff 09 0090 001c 0000 0022 0004" + rec(1, "PLC-A") + rec(2, "CPU 315-2 PN/DP") + rec(3, "plant 7") + rec(5, "S C-X1")
	pdu := "32 07 0000 0700 000c 0094 0001 12 08 12 84 01 01 00 00 00 00" + data
	c := parseAll(t, resp(tpkt(t, pdu)))
	if len(c.Msgs) != 1 || c.Msgs[0].Error {
		t.Fatalf("messages %+v", c.Msgs)
	}
	if len(c.Recs) != 1 {
		t.Fatalf("got %d records, want 1", len(c.Recs))
	}
	got := *c.Recs[0].(*record.AssetID)
	want := record.AssetID{MAC: testEp.RespMAC, IP: testEp.RespH, Protocol: dissect.NameS7comm,
		Message: "read SZL 0x001c", Vendor: "Siemens", Product: "CPU 315-2 PN/DP", Serial: "S C-X1",
		Name: "PLC-A", Role: "PLC"}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want bool
	}{
		{"COTP CR with TSAPs", unhex(t, "0300001611e00000000100c0010ac1020100c2020102"), true},
		{"S7 job in DT", tpkt(t, "32 01 0000 0000 0008 0000 f0 00 0001 0001 01e0"), true},
		{"S7comm-plus in DT", tpkt(t, "72 01 0004 31 000004ca"), true},
		{"MMS session DT", tpkt(t, "0100 0100 61 09 3007 020103 a002 8b00"), true},
		{"TPKT header alone", unhex(t, "03000016"), true},
		{"RDP X.224 CR (cookie, no TSAP)", unhex(t, "0300002a25e00000000000436f6f6b69653a206d737473686173683d757365720d0a0100080003000000"), false},
		{"RDP MCS connect-initial in DT", tpkt(t, "7f 65 82 01 94 04 01 01"), false},
		{"HTTP", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), false},
		{"Modbus/TCP", unhex(t, "000100000006010300000001"), false},
		{"TLS client hello", unhex(t, "160301020001000200"), false},
		{"DT with wrong LI", unhex(t, "0300000b03f08032010000"), false},
	}
	for _, tc := range cases {
		if got := s7comm.Detect(dissect.FromOrig, tc.in); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
		if n := testing.AllocsPerRun(10, func() { s7comm.Detect(dissect.FromOrig, tc.in) }); n != 0 {
			t.Errorf("%s: Detect allocates %v", tc.name, n)
		}
	}
}
