package record

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// plantConns makes n connection records shaped like a plant's: a /24 of
// devices, a few server ports, Zeek-like histories, mostly short polls.
func plantConns(n int) []Record {
	rng := rand.New(rand.NewPCG(1, 2))
	ports := []uint16{502, 102, 44818, 5007, 9600, 80, 443, 53, 445, 20000}
	states := []string{"SF", "S1", "S0", "REJ", "RSTO", "OTH"}
	hist := []string{"ShADadFf", "ShADad", "S", "Sr", "ShADadR", "Dd"}
	recs := make([]Record, n)
	base := int64(1_735_689_600_000_000)
	for i := range recs {
		o := netip.AddrFrom4([4]byte{192, 168, 10, byte(rng.IntN(254) + 1)})
		r := netip.AddrFrom4([4]byte{192, 168, 10, byte(rng.IntN(254) + 1)})
		pk := uint64(rng.IntN(200) + 1)
		recs[i] = &Conn{
			TS: Micros(base + int64(rng.IntN(60_000_000))), UID: fmt.Sprintf("C%014x", rng.Uint64()>>8),
			OrigH: o, OrigP: uint16(rng.IntN(16000) + 49152), RespH: r, RespP: ports[rng.IntN(len(ports))],
			Proto: "tcp", Duration: Micros(rng.IntN(60_000_000)), OrigBytes: pk * 12, RespBytes: pk * 25,
			ConnState: states[rng.IntN(len(states))], History: hist[rng.IntN(len(hist))],
			OrigPkts: pk, OrigIPBytes: pk * 52, OrigL2Bytes: pk * 66, RespPkts: pk, RespIPBytes: pk * 65, RespL2Bytes: pk * 79,
			OrigMAC: MAC{0, 0x1b, 0x1b, 0, 0, o.As4()[3]}, RespMAC: MAC{0, 0x0e, 0x8c, 0, 0, r.As4()[3]}, End: "closed",
		}
	}
	return recs
}

// BenchmarkEncode reports the compressed size of a connection record and the
// cost of encoding a minute's batch.
func BenchmarkEncode(b *testing.B) {
	const n = 5000
	batch := &Batch{Header: Header{Seq: 1}, Records: plantConns(n)}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		data, err := Marshal(batch)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/n, "bytes/conn")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}

// BenchmarkDecode reports the cost of decoding the same batch.
func BenchmarkDecode(b *testing.B) {
	const n = 5000
	data, err := Marshal(&Batch{Header: Header{Seq: 1}, Records: plantConns(n)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
