package flow

import (
	"testing"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// benchPackets decodes a mix of real captures (Modbus, S7, EtherNet/IP,
// DNS, HTTP) into owned packets, in capture order one file after another.
func benchPackets(b *testing.B) []decode.Packet {
	var out []decode.Packet
	var shift int64
	for _, name := range []string{"modbus/mb2.pcap", "enip-cip/EthernetIP-CIP.pcap", "it/wikipedia.pcap", "s7comm/s7comm_clean.pcap"} {
		dec := decode.NewDecoder(decode.Config{})
		var first, last int64
		for _, f := range readCapture(b, pcaptest.Path(b, name)) {
			p, st := dec.Decode(f.data, f.link, f.ts, f.wire)
			if st != decode.OK || (p.Proto != decode.ProtoTCP && p.Proto != decode.ProtoUDP && p.Proto != decode.ProtoICMP && p.Proto != decode.ProtoICMPv6) {
				continue
			}
			q := *p
			q.Payload = append([]byte(nil), p.Payload...)
			q.L3Payload, q.TCPOpts, q.IPOptions = nil, nil, nil
			if first == 0 {
				first = q.TS
			}
			// Files follow each other in time.
			q.TS = q.TS - first + shift
			last = q.TS
			out = append(out, q)
		}
		shift = last + int64(1e9)
	}
	return out
}

func benchTable(b *testing.B, h Handler) {
	pkts := benchPackets(b)
	span := pkts[len(pkts)-1].TS + 10*minute // replays never overlap
	tab := New(Config{}, h, discard, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var advanced int64
	for i := range b.N {
		round := int64(i / len(pkts))
		p := &pkts[i%len(pkts)]
		ts := p.TS
		p.TS += round * span
		if p.TS-advanced >= int64(1e9) {
			tab.Advance(p.TS)
			advanced = p.TS
		}
		tab.Packet(p)
		p.TS = ts
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}

// BenchmarkTable replays real traffic through the table without a handler:
// connection tracking, intervals and records only.
func BenchmarkTable(b *testing.B) { benchTable(b, nil) }

// BenchmarkTablePayload replays the same traffic with a handler that wants
// every payload, so TCP is reassembled and delivered in order.
func BenchmarkTablePayload(b *testing.B) { benchTable(b, &countingHandler{want: true}) }
