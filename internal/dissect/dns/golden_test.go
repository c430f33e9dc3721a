package dns_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// family lists the protocols of the package in the golden's code prefixes.
var family = []string{dissect.NameDNS, dissect.NameMDNS, dissect.NameLLMNR, dissect.NameNBNS}

// merged folds the four protocols' summaries into one under the dns name,
// with codes "<protocol>:<opcode>", the shape scripts/protocols/dns.sh gives
// tshark's counts.
func merged(all map[string]*sensortest.Result) map[string]*sensortest.Result {
	out := make(map[string]*sensortest.Result, len(all))
	for path, r := range all {
		m := &sensor.ProtoSummary{Functions: map[string]uint64{}}
		for _, name := range family {
			ps := r.Summary.Protocols[name]
			if ps == nil {
				continue
			}
			m.Messages += ps.Messages
			m.Errors += ps.Errors
			for code, n := range ps.Functions {
				m.Functions[name+":"+code] += n
			}
		}
		sum := *r.Summary
		sum.Protocols = map[string]*sensor.ProtoSummary{}
		if m.Messages > 0 {
			sum.Protocols[dissect.NameDNS] = m
		}
		out[path] = &sensortest.Result{Summary: &sum, Records: r.Records}
	}
	return out
}

func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		"profinet/profinet_io_cm_mixed_1.pcap":  "every frame of this capture is recorded twice, 1-2 µs apart; the sensor drops the second, byte-identical copy as a capture duplicate (decode.Config.DedupWindow, 2 ms), tshark counts both: exactly half",
		"ethercat/rs-example-sii-el2004.pcapng": "28 IPv6 mDNS queries repeat the previous query byte for byte within 2 ms (IPv6 has no IP ID to tell them apart, the IPv4 copies differ); the sensor drops them as capture duplicates (decode.Config.DedupWindow), tshark counts them",
	}
	sensortest.CheckGolden(t, merged(all), dissect.NameDNS, "testdata/tshark.golden", known)

	// The public sensor's NBNS test capture: four broadcast registrations
	// and one query (tshark: nbns.name, nbns.ttl, nbns.nb_flags.group,
	// nbns.addr).
	var regs []string
	var ids []string
	for _, r := range all["it/nttcom_nbns_test.pcap"].Records {
		switch v := r.(type) {
		case *record.NBNS:
			regs = append(regs, fmt.Sprintf("%s %s %s %s %v %v %s %v", v.Op, v.Name, v.Suffix, v.ServiceType, v.TTL, v.Group, v.Addr, v.Broadcast))
		case *record.AssetID:
			ids = append(ids, fmt.Sprintf("%s %s %s %d", v.Name, v.IP, v.MAC, v.Count))
		}
	}
	wantRegs := []string{
		"registration MACBOOKAIR-4351 00 Workstation 900000000 false 192.168.1.215 true",
		"registration MACBOOKAIR-4351 20 Server 900000000 false 192.168.1.215 true",
		"registration MACBOOKAIR-4351 20 Server 900000000 false 192.168.1.215 true",
		"registration WORKGROUP 00 Workstation 900000000 true 192.168.1.215 true",
	}
	if !slices.Equal(regs, wantRegs) {
		t.Errorf("nbns records\n got %q\nwant %q", regs, wantRegs)
	}
	// the host name from the <00> and the two <20> registrations,
	// aggregated per minute by the pipeline (the capture spans two)
	want := []string{"MACBOOKAIR-4351 192.168.1.215 3c:a6:f6:29:43:51 2", "MACBOOKAIR-4351 192.168.1.215 3c:a6:f6:29:43:51 1"}
	if !slices.Equal(ids, want) {
		t.Errorf("asset ids %q, want %q", ids, want)
	}

	// it/wikipedia.pcap: 28 unicast DNS messages make 14 query/response
	// pairs, all answered (tshark: dns.time on every response; 0xa7f4's is
	// 0.000435 s).
	pairs, answered := 0, 0
	for _, r := range all["it/wikipedia.pcap"].Records {
		if d, ok := r.(*record.DNS); ok && d.Protocol == dissect.NameDNS {
			pairs++
			if d.QuerySeen && d.ResponseSeen && d.RTT > 0 {
				answered++
			}
			if d.TransID == 0xa7f4 && (d.RTT != 435 || d.OrigH.String() != "141.142.220.118") {
				t.Errorf("0xa7f4: %+v", d)
			}
		}
	}
	if pairs != 14 || answered != 14 {
		t.Errorf("wikipedia.pcap: %d dns records, %d answered; want 14, 14", pairs, answered)
	}
}
