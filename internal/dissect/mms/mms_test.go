package mms_test

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/mms"
	"github.com/otsight/otsight/internal/record"
)

type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

type nopEmitter struct{}

func (nopEmitter) Message(*dissect.Context, *dissect.Message) {}
func (nopEmitter) Record(*dissect.Context, record.Record)     {}

var testEp = &dissect.Endpoints{
	Transport: dissect.TCP,
	OrigMAC:   record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2},
	OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2"),
	OrigP: 49152, RespP: 102,
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// aarq is the session CONNECT of iec61850_get_name_list.pcap frame 8:
// presentation CP, ACSE AARQ, MMS initiate-Request.
const aarq = "0db20506130100160102140200023302000134020001c19c318199a003800101a28191810400000001820400000001a423300f0201010604520100013004060251013010020103060528ca22020130040602510188020600615a3058020101a053605180020780a107060528ca220203a20606042bce0f02a303020117be35283306025101020103a02aa82880027530810203e8820203e8830105a417800101810305fb00820d03ffffffffffffffffffffff00"

// TestDecode: vectors from the shared captures (named) and hand-made ones
// following ISO 9506-2's MMSpdu ASN.1.
func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		dir  dissect.Dir
		tsdu string
		want dissect.Message
	}{
		{"getNameList request (get_name_list frame 12)", dissect.FromOrig,
			"0100 0100 61173015020103a010a00e020100a109a003800100a1028000",
			dissect.Message{Code: "0/1", Function: "getNameList", Dir: dissect.Request}},
		{"response without service (get_name_list frame 14)", dissect.FromResp,
			"0100 0100 610c300a020103a005a103020100",
			dissect.Message{Code: "1", Function: "confirmed-Response", Dir: dissect.Response}},
		{"conclude-Request (get_name_list frame 16)", dissect.FromOrig,
			"0100 0100 61093007020103a0028b00",
			dissect.Message{Code: "11", Function: "conclude-Request", Dir: dissect.Request}},
		{"initiate-Request in AARQ (get_name_list frame 8)", dissect.FromOrig, aarq,
			dissect.Message{Code: "8", Function: "initiate-Request", Dir: dissect.Request}},
		{"confirmed-Error (Sample_File_MMS_and_GOOSE frame 126)", dissect.FromResp,
			"0100 0100 61153013020103a00ea20c800304a273a205a003870102",
			dissect.Message{Code: "2", Function: "confirmed-Error", Dir: dissect.Response, Error: true}},
		{"bare initiate-Request (mms-initiateDownloadSequence frame 8)", dissect.FromOrig,
			"a8268002001f81010382010383020808a416800101810305e800820c03ffffffffffffffffffffff",
			dissect.Message{Code: "8", Function: "initiate-Request", Dir: dissect.Request}},
		{"bare initiateDownloadSequence with high tag", dissect.FromOrig,
			"a017020101b312a00a80087265736572766564830101860101",
			dissect.Message{Code: "0/19", Function: "takeControl", Dir: dissect.Request}},
		{"fileOpen request, two-octet tag [72]", dissect.FromOrig,
			"a00c 020105 bf4806 a0041902 6162",
			dissect.Message{Code: "0/72", Function: "fileOpen", Dir: dissect.Request}},
		{"read request with listOfModifier", dissect.FromOrig,
			"a00d 020107 3000 a406 a104 a0020000",
			dissect.Message{Code: "0/4", Function: "read", Dir: dissect.Request}},
		{"read request, domain-specific (Sample_File_MMS_and_GOOSE frame 128)", dissect.FromOrig,
			"01000100613b3039020103a034a032020304a274a42ba129a0273025a023a1211a0e41413145315130314650324c44301a0f4c4c4e30244252247263625f423032",
			dissect.Message{Code: "0/4", Function: "read", Dir: dissect.Request, Detail: "AA1E1Q01FP2LD0"}},
		{"read request, VMD-specific (iec61850_read)", dissect.FromOrig,
			"01000100611d301b020103a016a014020100a40f800100a10aa0083006a00480026d75",
			dissect.Message{Code: "0/4", Function: "read", Dir: dissect.Request}},
		{"write request, VMD-specific (iec61850_write)", dissect.FromOrig,
			"01000100611d301b020103a016a014020100a50fa0083006a00480026d75a003850100",
			dissect.Message{Code: "0/5", Function: "write", Dir: dissect.Request}},
		{"write request to a named variable list in LD1", dissect.FromOrig,
			"a015 020109 a510 a109 a107 1a034c4431 1a0076 a003 830101",
			dissect.Message{Code: "0/5", Function: "write", Dir: dissect.Request, Detail: "LD1"}},
		{"reject", dissect.FromResp, "a406 800101 810101",
			dissect.Message{Code: "4", Function: "reject", Dir: dissect.Response, Error: true}},
		{"informationReport", dissect.FromResp, "a305 a003 a10100",
			dissect.Message{Code: "3/0", Function: "informationReport", Dir: dissect.Indication}},
		{"server-initiated identify request (swap)", dissect.FromResp, "a005 020101 8200",
			dissect.Message{Code: "0/2", Function: "identify", Dir: dissect.Request, Swap: true}},
		{"conclude-Error", dissect.FromResp, "ad03 800100",
			dissect.Message{Code: "13", Function: "conclude-Error", Dir: dissect.Response, Error: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &collector{}
			var d mms.Decoder
			n := d.Decode(&dissect.Context{Dir: tc.dir, Ep: testEp, Out: c}, unhex(t, tc.tsdu))
			if n != 1 || len(c.msgs) != 1 {
				t.Fatalf("got %d (%d messages), want 1: %+v", n, len(c.msgs), c.msgs)
			}
			want := tc.want
			want.Protocol = dissect.NameMMS
			if !want.Swap {
				want.Swap = tc.dir == dissect.FromOrig && want.Dir == dissect.Response
			}
			if c.msgs[0] != want {
				t.Errorf("got  %+v\nwant %+v", c.msgs[0], want)
			}
		})
	}
}

// TestNotMMS: TSDUs without an MMS PDU are not counted.
func TestNotMMS(t *testing.T) {
	for name, s := range map[string]string{
		"ACSE release request (Sample_File frame 139)": "0910c10e610c300a020101a0056203800101",
		"garbage":                 "001122334455",
		"truncated confirmed-Req": "a0100201",
		"session DT without PPDU": "01000100",
		"PDU longer than TSDU":    "a20c300a",
	} {
		c := &collector{}
		var d mms.Decoder
		if n := d.Decode(&dissect.Context{Ep: testEp, Out: c}, unhex(t, s)); n != 0 {
			t.Errorf("%s: got %d messages", name, n)
		}
	}
}

// TestIdentify checks the identity of an identify response (vendorName [0],
// modelName [1], revision [2]) sent by the server.
func TestIdentify(t *testing.T) {
	c := &collector{}
	var d mms.Decoder
	d.Decode(&dissect.Context{Dir: dissect.FromResp, Ep: testEp, Out: c},
		unhex(t, "a117 020101 a212 8004 41434d45 8105 4d6f64656c 8203 312e30"))
	if len(c.msgs) != 1 || c.msgs[0].Code != "1/2" {
		t.Fatalf("messages %+v", c.msgs)
	}
	if len(c.recs) != 1 {
		t.Fatalf("got %d records", len(c.recs))
	}
	got := *c.recs[0].(*record.AssetID)
	want := record.AssetID{MAC: testEp.RespMAC, IP: testEp.RespH, Protocol: dissect.NameMMS,
		Message: "identify", Vendor: "ACME", Model: "Model", Firmware: "1.0"}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestIsPDUTag(t *testing.T) {
	for b := range 256 {
		want := b&0xc0 == 0x80 && b&0x1f < 14
		if mms.IsPDUTag(byte(b)) != want {
			t.Errorf("IsPDUTag(%#x) = %v", b, !want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{aarq, "0100010061173015020103a010a00e020100a109a003800100a1028000",
		"a8268002001f81010382010383020808a416800101810305e800820c03ffffffffffffffffffffff",
		"a117020101a212800441434d4581054d6f64656c8203312e30", "bf4806a0041902", "a080", "a0850102"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d mms.Decoder
		ctx := &dissect.Context{Ep: testEp, Out: nopEmitter{}}
		d.Decode(ctx, b)
		ctx.Dir = dissect.FromResp
		d.Decode(ctx, b)
	})
}

// BenchmarkDecode: one read request (with its domain detail) in
// session/presentation framing per iteration.
func BenchmarkDecode(b *testing.B) {
	tsdu := unhex(b, "01000100613b3039020103a034a032020304a274a42ba129a0273025a023a1211a0e41413145315130314650324c44301a0f4c4c4e30244252247263625f423032")
	var d mms.Decoder
	ctx := &dissect.Context{Ep: testEp, Out: nopEmitter{}}
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(ctx, tsdu)
	}
}
