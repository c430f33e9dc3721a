//go:build unix

package sensor_test

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// benchFrame is one frame of the benchmark replay, held in memory.
type benchFrame struct {
	data    []byte
	wireLen int
	at      int64 // nanoseconds since the start of a pass
	// Offsets in data of the two address bytes a pass flips (see
	// benchAddrBytes); -1 when the frame has none.
	addrA, addrB int
}

// benchReplay is every Ethernet frame of every shared capture, one file
// after another, spaced as scripts/benchcap spaces them: the recorded gaps
// within a file, with steps back made zero and gaps capped, files a second
// apart.
type benchReplay struct {
	frames    []benchFrame
	span      int64 // duration of a pass, end to start of the next
	wireBytes int64
}

const (
	benchMaxGap  = int64(10 * time.Minute)
	benchFileGap = int64(time.Second)
)

func loadBenchReplay(b *testing.B) *benchReplay {
	rp := &benchReplay{}
	var at int64
	for _, path := range pcaptest.Files(b) {
		src, err := capture.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		first, prev := true, int64(0)
		for {
			data, ci, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil { // damaged capture: keep what came before, as analyze does
				break
			}
			if ci.Link != decode.LinkEthernet {
				continue
			}
			switch {
			case len(rp.frames) == 0:
			case first:
				at += benchFileGap
			default:
				at += min(max(ci.TS-prev, 0), benchMaxGap)
			}
			first, prev = false, ci.TS
			f := benchFrame{data: append([]byte(nil), data...), wireLen: ci.WireLen, at: at}
			f.addrA, f.addrB = benchAddrBytes(f.data)
			rp.frames = append(rp.frames, f)
			rp.wireBytes += int64(ci.WireLen)
		}
		src.Close()
	}
	if len(rp.frames) == 0 {
		b.Fatal("no Ethernet frames in the shared captures")
	}
	rp.span = at + benchFileGap
	return rp
}

// benchAddrBytes finds the bytes scripts/benchcap XORs the round number
// into: the third octet of a unicast IPv4 source and destination, byte 12
// of a unicast IPv6 one (the rules are benchcap's, see its package comment).
// It returns -1 for an address that stays as it is.
func benchAddrBytes(b []byte) (int, int) {
	if len(b) < 14 {
		return -1, -1
	}
	typ, off := uint16(b[12])<<8|uint16(b[13]), 14
	for (typ == 0x8100 || typ == 0x88a8 || typ == 0x9100) && len(b) >= off+4 {
		typ, off = uint16(b[off+2])<<8|uint16(b[off+3]), off+4
	}
	ip := b[off:]
	switch {
	case typ == 0x0800 && len(ip) >= 20 && ip[0]>>4 == 4:
		v4 := func(a int) int {
			if ip[a] == 0 || ip[a] == 127 || ip[a] >= 224 {
				return -1
			}
			return off + a + 2
		}
		return v4(12), v4(16)
	case typ == 0x86dd && len(ip) >= 40 && ip[0]>>4 == 6:
		v6 := func(a int) int {
			if ip[a] == 0xff {
				return -1
			}
			for _, c := range ip[a : a+12] {
				if c != 0 {
					return off + a + 12
				}
			}
			return -1
		}
		return v6(8), v6(24)
	}
	return -1, -1
}

// toRound moves the frames' addresses from round from to round to, in
// place.
func (rp *benchReplay) toRound(from, to int) {
	x := byte(from) ^ byte(to)
	for i := range rp.frames {
		f := &rp.frames[i]
		if f.addrA >= 0 {
			f.data[f.addrA] ^= x
		}
		if f.addrB >= 0 {
			f.data[f.addrB] ^= x
		}
	}
}

// benchSink counts records and keeps none, as `otsight analyze --summary`
// does.
type benchSink struct{ records, minutes int }

func (s *benchSink) Record(record.Record) { s.records++ }

func (s *benchSink) EndMinute(_, _ record.Micros, _ *record.SensorStats) { s.minutes++ }

// benchCPUTime is the CPU time the process has used so far (user and
// system): the benchmark's goroutine is the only busy one, and unlike wall
// time it is not inflated by other load on a shared machine. getrusage(2)
// is why this file builds on unix only; scripts/bench.sh, which runs these
// benchmarks, is for Linux anyway.
func benchCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPipeline replays every Ethernet frame of the shared captures
// from memory through one sensor pipeline with the production defaults and
// every dissector of the table, one frame per iteration, so that ns/op is
// nanoseconds per packet. Pass k over the frames happens after pass k-1 has
// ended, between other hosts (scripts/benchcap's round k), so a pass opens
// new connections rather than continuing the previous pass's.
//
// allocs/packet and B/packet include everything the pipeline allocates per
// connection, per record, per protocol message and per minute, spread over
// the packets: an average, not the count of the per-packet fast path (see
// docs/PERFORMANCE.md).
func BenchmarkPipeline(b *testing.B) {
	reg, err := table.Registry()
	if err != nil {
		b.Fatal(err)
	}
	benchPipeline(b, reg)
}

// BenchmarkPipelineNoDissectors is BenchmarkPipeline with an empty
// registry: decoding, de-duplication, connection tracking and the
// per-minute aggregations only, the part of the sensor that the 1.5 Mpps
// per core target is about.
func BenchmarkPipelineNoDissectors(b *testing.B) {
	reg, err := dissect.NewRegistry()
	if err != nil {
		b.Fatal(err)
	}
	benchPipeline(b, reg)
}

func benchPipeline(b *testing.B, reg *dissect.Registry) {
	rp := loadBenchReplay(b)
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	sink := &benchSink{}
	p := sensor.NewPipeline(cfg, reg, sink, slog.New(slog.DiscardHandler))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	n := len(rp.frames)
	b.SetBytes(rp.wireBytes / int64(n))
	b.ReportAllocs()

	round := 0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs, allocBytes := ms.Mallocs, ms.TotalAlloc
	b.ResetTimer()
	cpu := benchCPUTime()
	for i := 0; i < b.N; i++ {
		j := i % n
		if j == 0 && i > 0 {
			b.StopTimer()
			c := benchCPUTime()
			rp.toRound(round, round+1)
			round++
			cpu += benchCPUTime() - c // not the pipeline's
			b.StartTimer()
		}
		f := &rp.frames[j]
		p.Frame(f.data, capture.Info{
			TS:      start + int64(round)*rp.span + f.at,
			CapLen:  len(f.data),
			WireLen: f.wireLen,
			Link:    decode.LinkEthernet,
		})
	}
	cpuUsed := benchCPUTime() - cpu
	b.StopTimer()
	elapsed := b.Elapsed()
	runtime.ReadMemStats(&ms)
	rp.toRound(round, 0)
	p.Close()

	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N), "ns/packet")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "packets/s")
	if cpuUsed > 0 {
		b.ReportMetric(float64(b.N)/cpuUsed.Seconds(), "packets/cpu-s")
	}
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(b.N), "allocs/packet")
	b.ReportMetric(float64(ms.TotalAlloc-allocBytes)/float64(b.N), "B/packet")
}

// BenchmarkFile runs the capture file named by $OTSIGHT_BENCH_FILE through
// the pipeline as `otsight analyze --summary` does, once per iteration:
// "all" with every dissector, "none" with an empty registry (decoding,
// connection tracking and aggregations only). scripts/bench.sh runs
// BenchmarkFile/none on its benchmark capture, pinned to one CPU, to set the
// decode + connection tracking part of otsight beside Suricata's flow-only
// run on the same file; without the variable the benchmark is skipped.
func BenchmarkFile(b *testing.B) {
	path := os.Getenv("OTSIGHT_BENCH_FILE")
	if path == "" {
		b.Skip("OTSIGHT_BENCH_FILE names no capture (scripts/bench.sh sets it)")
	}
	all, err := table.Registry()
	if err != nil {
		b.Fatal(err)
	}
	none, err := dissect.NewRegistry()
	if err != nil {
		b.Fatal(err)
	}
	// "no-it-tcp": every dissector but the plant-IT ones over TCP (HTTP,
	// SMB, TLS, SSH, FTP, Telnet), to price them (docs/PERFORMANCE.md).
	var specs []*dissect.Spec
	for _, s := range table.Specs() {
		switch s.Name {
		case dissect.NameHTTP, dissect.NameSMB, dissect.NameTLS, dissect.NameSSH, dissect.NameFTP, dissect.NameTelnet:
			continue
		}
		specs = append(specs, s)
	}
	noIT, err := dissect.NewRegistry(specs...)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		reg  *dissect.Registry
	}{{"all", all}, {"no-it-tcp", noIT}, {"none", none}} {
		b.Run(c.name, func(b *testing.B) { benchFile(b, path, c.reg) })
	}
}

func benchFile(b *testing.B, path string, reg *dissect.Registry) {
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	var frames uint64
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	b.ReportAllocs()
	cpu := benchCPUTime()
	for b.Loop() {
		src, err := capture.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		p := sensor.NewPipeline(cfg, reg, &benchSink{}, slog.New(slog.DiscardHandler))
		if err := sensor.Drain(src, p); err != nil {
			b.Fatal(err)
		}
		src.Close()
		frames += p.Summary().Frames
	}
	cpuUsed := benchCPUTime() - cpu
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(frames)/float64(b.N), "frames/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(frames), "ns/packet")
	if cpuUsed > 0 {
		b.ReportMetric(float64(frames)/cpuUsed.Seconds(), "packets/cpu-s")
	}
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(frames), "allocs/packet")
}
