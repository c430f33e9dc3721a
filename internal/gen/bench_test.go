package gen

import (
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
)

// cpuSeconds is the process's user and system CPU time: per-core rates
// from it hold on a loaded machine, where wall time does not.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// benchOptions is a busy working hour of the factory preset.
func benchOptions(b *testing.B, preset string, d time.Duration) Options {
	p, err := Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	return Options{Plant: p, Start: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC), Duration: d, Seed: 1}
}

// BenchmarkPackets measures the packet output (encoding and pcap framing,
// written to io.Discard) on one core.
func BenchmarkPackets(b *testing.B) {
	o := benchOptions(b, "factory", time.Minute)
	b.ReportAllocs()
	var pkts, bytes uint64
	cpu0 := cpuSeconds()
	for b.Loop() {
		st, err := WritePackets(o, io.Discard, "x.pcap")
		if err != nil {
			b.Fatal(err)
		}
		pkts += st.Packets
		bytes += st.Bytes
	}
	sec := cpuSeconds() - cpu0
	b.ReportMetric(float64(pkts)/sec, "pkts/cpu-s")
	b.ReportMetric(float64(bytes)*8/sec/1e9, "Gbit/cpu-s")
}

// BenchmarkRecords measures the record output (without the batch encoding
// and spool) on one core: an hour of the huge preset.
func BenchmarkRecords(b *testing.B) {
	o := benchOptions(b, "huge", time.Hour)
	b.ReportAllocs()
	var recs uint64
	cpu0 := cpuSeconds()
	for b.Loop() {
		st, err := WriteRecords(o, 0, func(*record.Batch) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		recs += st.Records
	}
	sec := cpuSeconds() - cpu0
	b.ReportMetric(float64(recs)/sec, "records/cpu-s")
	b.ReportMetric(float64(time.Hour)*float64(b.N)/sec/1e9, "plant-s/cpu-s")
}
