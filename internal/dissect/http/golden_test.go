package http_test

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/http"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	// No known differences: the only HTTP on a port tshark does not decode
	// as HTTP (modbus/modbus-and-non-modbus-p502.pcap, a zgrab GET to TCP
	// 502) is found by tshark's own heuristic too, and no other capture
	// holds HTTP/1.x that either side misses.
	sensortest.CheckGolden(t, all, dissect.NameHTTP, "testdata/tshark.golden", map[string]string{})

	var hs []*record.HTTP
	var ids []*record.AssetID
	for _, r := range all["it/http_get.pcap"].Records {
		switch v := r.(type) {
		case *record.HTTP:
			hs = append(hs, v)
		case *record.AssetID:
			ids = append(ids, v)
		}
	}
	// Zeek's http record for the same trace (Zeek's testing trace
	// http/get.trace, printed in Zeek's "Writing Scripts" documentation,
	// connection_record_02 run with base/protocols/http): ts
	// 1362692526.939527, 141.142.228.5:59856 -> 192.150.187.43:80,
	// trans_depth 1, GET, host bro.org, uri /download/CHANGES.bro-aux.txt,
	// version 1.1, user_agent "Wget/1.14 (darwin12.2.0)", request_body_len
	// 0, response_body_len 4705, status 200 OK; MACs c8:bc:c8:96:d2:a0 and
	// 00:10:db:88:d2:ef from the same printout. Server and Content-Type as
	// tshark shows them (frame 6, http.server and http.content_type).
	if len(hs) != 1 {
		t.Fatalf("http records %d, want 1", len(hs))
	}
	want := record.HTTP{TS: 1362692526939527, OrigH: netip.MustParseAddr("141.142.228.5"), OrigP: 59856,
		RespH: netip.MustParseAddr("192.150.187.43"), RespP: 80,
		OrigMAC: record.MAC{0xc8, 0xbc, 0xc8, 0x96, 0xd2, 0xa0}, RespMAC: record.MAC{0x00, 0x10, 0xdb, 0x88, 0xd2, 0xef},
		TransDepth: 1, Method: "GET", Host: "bro.org", URI: "/download/CHANGES.bro-aux.txt", Version: "1.1",
		UserAgent: "Wget/1.14 (darwin12.2.0)", ResponseBodyLen: 4705, StatusCode: 200, StatusMsg: "OK",
		Server: "Apache/2.4.3 (Fedora)", ResponseContentType: "text/plain; charset=UTF-8",
		RequestSeen: true, ResponseSeen: true}
	if *hs[0] != want {
		t.Errorf("http record\n%+v\nwant (Zeek)\n%+v", *hs[0], want)
	}
	if len(ids) != 1 || ids[0].Product != "Apache" || ids[0].Firmware != "2.4.3" || ids[0].IP != want.RespH ||
		ids[0].MAC != want.RespMAC {
		t.Errorf("identity %+v", ids)
	}

	// it/var-services-std-ports.pcap: four transactions on two connections;
	// tshark shows the servers Apache/2.2.17 (Ubuntu), gws and Golfe.
	n, servers := 0, map[string]bool{}
	for _, r := range all["it/var-services-std-ports.pcap"].Records {
		switch v := r.(type) {
		case *record.HTTP:
			n++
		case *record.AssetID:
			servers[v.IP.String()+" "+v.Product+" "+v.Firmware] = true
		}
	}
	if n != 4 || len(servers) != 3 || !servers["172.16.238.131 Apache 2.2.17"] || !servers["74.125.225.81 gws "] ||
		!servers["74.125.225.81 Golfe "] {
		t.Errorf("var-services: %d records, identities %v", n, servers)
	}
}

func payloads(tb testing.TB) []dissecttest.Chunk {
	var out []dissecttest.Chunk
	for _, rel := range []string{"it/var-services-std-ports.pcap", "it/wikipedia.pcap"} {
		out = append(out, sensortest.Payloads(tb, http.Spec, rel)...)
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, c := range payloads(f) {
		f.Add(c.Data, uint8(c.Dir))
	}
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"), uint8(0))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), uint8(1))
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 80}
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		p := http.Spec.New()
		out := &dissecttest.Counter{}
		cut := 0
		if len(data) > 0 {
			cut = int(split) % (len(data) + 1)
		}
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			p.Parse(ctx, data[:cut])
			if split&0x80 != 0 {
				p.(dissect.GapParser).Gap(ctx, int(split&0x3f))
			}
			p.Parse(ctx, data[cut:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
		http.Detect(dissect.FromResp, data)
	})
}

func BenchmarkParse(b *testing.B) {
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 80}
	dissecttest.Replay(b, http.Spec, ep, payloads(b))
}
