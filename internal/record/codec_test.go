package record

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func sampleBatch() *Batch {
	mac := MAC{0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56}
	recs := []Record{
		&Conn{TS: 1700000000123456, UID: "CabcDEF", OrigH: netip.MustParseAddr("192.168.1.10"), OrigP: 50123,
			RespH: netip.MustParseAddr("192.168.1.20"), RespP: 502, Proto: "tcp", Service: "modbus",
			Duration: 59_000_000, OrigBytes: 1200, RespBytes: 2400, ConnState: "S1", History: "ShADad",
			OrigPkts: 100, OrigIPBytes: 5200, OrigL2Bytes: 6600, RespPkts: 100, RespIPBytes: 6400,
			RespL2Bytes: 7800, OrigMAC: mac, RespMAC: MAC{1, 2, 3, 4, 5, 6}, VLAN: 10, End: "timeout"},
		&ARP{TS: 1, TSEnd: 2, OrigMAC: mac, OrigIP: netip.MustParseAddr("10.0.0.1"), RespIP: netip.MustParseAddr("10.0.0.2"),
			WhoHas: netip.MustParseAddr("10.0.0.2"), Op: "request", Pkts: 3},
		&OT{TS: 60_000_000, ReqMAC: mac, ReqH: netip.MustParseAddr("fe80::1"), Protocol: "modbus", Function: "Read Holding Registers",
			Code: "3", Direction: "request", Count: 60, Transport: "tcp", RespP: 502},
		&Eth{TS: 5, SrcMAC: mac, DstMAC: MAC{0x01, 0x80, 0xc2, 0, 0, 0x0e}, EtherType: 0x88cc, Frames: 2, Bytes: 120},
		&SensorStats{TS: 0, TSEnd: 60_000_000, Frames: 10, DecodeErrors: map[string]uint64{"ipv4_truncated": 1}},
	}
	return &Batch{Header: Header{Schema: SchemaVersion, SensorID: "s1", Seq: 42, Start: 0, End: 60_000_000}, Records: recs}
}

func TestRoundTrip(t *testing.T) {
	in := sampleBatch()
	data, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if out.Header.Seq != 42 || out.Header.SensorID != "s1" || out.Header.Records != len(in.Records) {
		t.Fatalf("header = %+v", out.Header)
	}
	// Records come back grouped by kind (sorted); compare as sets by kind.
	want := map[Kind][]Record{}
	for _, r := range in.Records {
		want[r.RecordKind()] = append(want[r.RecordKind()], r)
	}
	got := map[Kind][]Record{}
	for _, r := range out.Records {
		got[r.RecordKind()] = append(got[r.RecordKind()], r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records differ:\n got %#v\nwant %#v", got, want)
	}
}

func TestMACText(t *testing.T) {
	m := MAC{0, 0x1b, 0x1b, 0xab, 0xcd, 0xef}
	b, _ := m.MarshalText()
	if string(b) != "00:1b:1b:ab:cd:ef" {
		t.Fatalf("text = %s", b)
	}
	var back MAC
	if err := back.UnmarshalText(b); err != nil || back != m {
		t.Fatalf("back = %v, %v", back, err)
	}
	if b, _ := (MAC{}).MarshalText(); len(b) != 0 {
		t.Fatalf("zero mac = %q", b)
	}
	for _, bad := range []string{"00:1b", "00-1b-1b-ab-cd-ef", "zz:1b:1b:ab:cd:ef"} {
		if err := back.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A newer sensor's unknown kind survives decoding byte for byte.
func TestUnknownKindKept(t *testing.T) {
	raw := &Raw{Kind: "future_kind", JSON: json.RawMessage(`{"ts":1,"x":"y"}`)}
	data, err := Marshal(&Batch{Header: Header{Seq: 1}, Records: []Record{raw}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := out.Records[0].(*Raw)
	if !ok || r.Kind != "future_kind" || string(r.JSON) != `{"ts":1,"x":"y"}` {
		t.Fatalf("got %#v", out.Records[0])
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := Marshal(sampleBatch())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":     nil,
		"not batch": []byte("PK\x03\x04 zip file"),
		"version":   append([]byte("OTSB\x09"), good[5:]...),
		"truncated": good[:len(good)/2],
	}
	for name, data := range cases {
		if _, err := Unmarshal(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A header claiming more records than present.
	var buf bytes.Buffer
	b := sampleBatch()
	b.Records = b.Records[:1]
	if err := Encode(&buf, b); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	out, err := Unmarshal(data)
	if err != nil || len(out.Records) != 1 {
		t.Fatalf("one-record batch: %v", err)
	}
}

func TestSchemaVersions(t *testing.T) {
	for _, tc := range []struct {
		schema int
		ok     bool
	}{{SchemaVersion, true}, {SchemaVersion - 1, true}, {SchemaVersion + 1, false}, {SchemaVersion - 2, false}} {
		b := sampleBatch()
		b.Header.Schema = tc.schema
		if tc.schema == 0 {
			continue // 0 means "current" to Encode
		}
		data, err := Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Unmarshal(data)
		if (err == nil) != tc.ok {
			t.Errorf("schema %d: err = %v, want ok=%v", tc.schema, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "schema") {
			t.Errorf("schema %d: error %q does not name the schema", tc.schema, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, err := Marshal(sampleBatch())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte("OTSB\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Unmarshal(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode again to the same records.
		again, err := Marshal(b)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		b2, err := Unmarshal(again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if len(b2.Records) != len(b.Records) {
			t.Fatalf("records %d != %d", len(b2.Records), len(b.Records))
		}
	})
}
