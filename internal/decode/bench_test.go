package decode

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchFrames returns every frame of every shared capture, in file order.
func benchFrames(b *testing.B) []capFrame {
	all := loadAll(b)
	var frames []capFrame
	for _, name := range slices.Sorted(maps.Keys(all)) {
		if !strings.HasPrefix(name, "testdata/") {
			frames = append(frames, all[name]...)
		}
	}
	return frames
}

// benchDecode decodes frames round-robin, one frame per iteration, so that
// ns/op is nanoseconds per packet. Each pass over the frames is an hour
// later than the previous one, so repeated passes are not duplicates.
func benchDecode(b *testing.B, cfg Config, frames []capFrame) {
	d := NewDecoder(cfg)
	var bytes int64
	for _, f := range frames {
		bytes += int64(len(f.data))
	}
	b.SetBytes(bytes / int64(len(frames)))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		j := i % len(frames)
		f := &frames[j]
		d.Decode(f.data, f.link, f.ts+int64(i/len(frames))*int64(time.Hour), f.wire)
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N), "ns/packet")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "packets/s")
	if cpu > 0 {
		// CPU time of the whole process: the benchmark is its only busy goroutine.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/packet")
	}
}

// BenchmarkDecode decodes all frames of all shared captures from memory,
// with the default configuration (duplicate detection on).
func BenchmarkDecode(b *testing.B) {
	benchDecode(b, DefaultConfig(), benchFrames(b))
}

// BenchmarkDecodeNoDedup is BenchmarkDecode without duplicate detection:
// the difference is the cost of hashing every frame.
func BenchmarkDecodeNoDedup(b *testing.B) {
	cfg := DefaultConfig()
	cfg.DedupWindow = 0
	benchDecode(b, cfg, benchFrames(b))
}

// BenchmarkDecodeModbusTCP decodes one typical 66-byte Modbus/TCP frame.
func BenchmarkDecodeModbusTCP(b *testing.B) {
	frame := eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPPsh|TCPAck, nil, []byte("\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a"))))
	benchDecode(b, DefaultConfig(), []capFrame{{data: frame, link: LinkEthernet, ts: t0, wire: len(frame)}})
}

// BenchmarkReassembly decodes a 3-fragment IPv4 UDP datagram per op.
func BenchmarkReassembly(b *testing.B) {
	_, frags := udp4Datagram()
	d := NewDecoder(DefaultConfig())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ts := t0 + int64(i)*int64(time.Second)
		for _, f := range frags {
			d.Decode(f, LinkEthernet, ts, len(f))
		}
	}
	if d.Counters().Reassembled == 0 {
		b.Fatal("nothing reassembled")
	}
}
