package sensor

import (
	"fmt"
	"os"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/fingerprint/tcpfp"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

func osfpRows(sink *recordSink) []*record.OSFP {
	var out []*record.OSFP
	for _, r := range sink.recs {
		if o, ok := r.(*record.OSFP); ok {
			out = append(out, o)
		}
	}
	return out
}

// TestOSFPRecords: the os_fp rows of a capture with a Siemens PLC, a
// Windows XP Modbus master and a Linux host: one row per sender, kind and
// signature per minute, counts summing to the SYN and SYN+ACK packets
// tshark counts (tcp.flags.syn==1 && tcp.flags.reset==0: 14 in
// modbus-and-non-modbus-p502.pcap).
func TestOSFPRecords(t *testing.T) {
	_, sink := analyzeWith(t, mbapRegistry(t, 0), "modbus/modbus-and-non-modbus-p502.pcap")
	rows := osfpRows(sink)
	var total uint64
	got := map[string]bool{}
	for _, r := range rows {
		total += r.Count
		got[fmt.Sprintf("%s %s %s %q %s %v/%v d=%d %s %s x%d", r.Sender, r.Kind, r.Signature, r.OSName+" "+r.OSFlavor, r.OSClass,
			r.Generic, r.Fuzzy, r.Distance, r.Confidence, r.Source, r.Count)] = true
	}
	if total != 14 || len(rows) != 13 {
		t.Errorf("%d os_fp rows, counts sum to %d; want 13, 14", len(rows), total)
	}
	for _, w := range []string{
		// Windows XP is p0f.fp's, not in the built-in set: unmatched here.
		`10.0.0.3 syn+ack 4:128+0:0:1460:65535,0:mss,nop,nop,sok:df,id+:0 " "  false/false d=0   x1`,
		`192.168.10.111 syn+ack 4:64+0:0:1460:mss*45,7:mss,sok,ts,nop,ws:df:0 "Linux 4.19 and newer" unix false/false d=0 high otsight x2`,
		`192.168.10.111 syn+ack 4:64+0:0:1460:mss*44,7:mss,nop,nop,sok,nop,ws:df:0 "Linux 4.19 and newer" unix false/false d=0 high otsight x1`,
		`87.236.176.96 syn 4:46+18:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0 "Linux 4.19 and newer" unix false/false d=18 high otsight x1`,
		`10.0.0.9 syn 4:128+0:0:1460:mss*44,0:mss,nop,nop,sok:df,id+:0 "Windows 2000/XP/2003" win false/false d=0 medium otsight x1`,
	} {
		if !got[w] {
			t.Errorf("missing row %s", w)
		}
	}
	if t.Failed() {
		for k := range got {
			t.Log(k)
		}
	}
}

// The SYN path allocates only for a new row; repeats and non-SYN packets
// allocate nothing.
func TestOSFPAllocs(t *testing.T) {
	src, err := capture.OpenFile(pcaptest.Path(t, "s7comm/s7comm_reading_plc_status.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var syn []byte
	var link decode.LinkType
	for syn == nil {
		data, ci, err := src.Next()
		if err != nil {
			t.Fatal("no SYN in capture")
		}
		p, st := dec.Decode(data, ci.Link, ci.TS, ci.WireLen)
		if st == decode.OK && p.Proto == decode.ProtoTCP && p.Flags&decode.TCPSyn != 0 {
			syn, link = append([]byte(nil), data...), ci.Link
		}
	}
	cfg := decode.DefaultConfig()
	cfg.DedupWindow = 0
	d2 := decode.NewDecoder(cfg)
	pkt, _ := d2.Decode(syn, link, 1, len(syn))
	a := newOSFPAggs(16, nil, nil)
	a.add(pkt)
	if n := testing.AllocsPerRun(1000, func() { a.add(pkt) }); n != 0 {
		t.Errorf("repeat SYN: %v allocs", n)
	}
	if a.agg.len() != 1 || a.agg.m[osfpKey{sender: pkt.SrcIP, mac: pkt.SrcMAC, sig: mustSig(t, pkt)}].Count != 1002 {
		t.Errorf("rows %d", a.agg.len())
	}
}

func mustSig(t *testing.T, p *decode.Packet) tcpfp.Signature {
	t.Helper()
	s, ok := tcpfp.Extract(p, 0)
	if !ok {
		t.Fatal("not fingerprintable")
	}
	return s
}

// With a p0f.fp file loaded (--p0f-fp), its specific labels come first and
// the built-in set still names what that file knows only generically.
func TestOSFPWithP0FFile(t *testing.T) {
	const fp = "/etc/p0f/p0f.fp"
	if _, err := os.Stat(fp); err != nil {
		t.Skipf("%s not installed (apt-get install p0f)", fp)
	}
	set, err := tcpfp.ParseFile(fp, tcpfp.SourceP0F)
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenFile(pcaptest.Path(t, "modbus/modbus-and-non-modbus-p502.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sink := &recordSink{}
	cfg := DefaultConfig()
	cfg.P0F = set
	p := NewPipeline(cfg, mbapRegistry(t, 0), sink, nil)
	if err := Drain(src, p); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range osfpRows(sink) {
		got[r.Sender.String()+" "+r.Kind] = fmt.Sprintf("%s|%s|%s|%v|%s|%s", r.OSName, r.OSFlavor, r.OSClass, r.Generic, r.Confidence, r.Source)
	}
	for k, want := range map[string]string{
		"10.0.0.3 syn+ack":       "Windows|XP|win|false|medium|p0f.fp",
		"159.203.208.13 syn":     "Linux|3.11 and newer|unix|false|medium|p0f.fp",
		"87.236.176.96 syn":      "Linux|4.19 and newer|unix|false|high|otsight",
		"198.74.56.135 syn":      "|||false||",
		"62.122.184.123 syn":     "Windows|7 or 8|win|false|medium|p0f.fp",
		"192.168.10.113 syn+ack": "Linux|4.19 and newer|unix|false|high|otsight",
	} {
		if got[k] != want {
			t.Errorf("%s: got %q, want %q", k, got[k], want)
		}
	}
}
