package capture

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
)

// bigPcap repeats the records of a real capture after its header until the
// result holds at least size bytes.
func bigPcap(tb testing.TB, rel string, size int) []byte {
	whole := readFile(tb, pcaptest.Path(tb, rel))
	out := bytes.Clone(whole)
	for len(out) < size {
		out = append(out, whole[pcapHeaderLen:]...)
	}
	return out
}

// bigPcapng concatenates a real pcapng capture: every copy is a new section.
func bigPcapng(tb testing.TB, rel string, size int) []byte {
	whole := readFile(tb, pcaptest.Path(tb, rel))
	out := bytes.Clone(whole)
	for len(out) < size {
		out = append(out, whole...)
	}
	return out
}

// TestNextDoesNotAllocate: the per-frame path allocates nothing.
func TestNextDoesNotAllocate(t *testing.T) {
	for name, b := range map[string][]byte{
		"pcap":   bigPcap(t, "enip-cip/EthernetIP-CIP.pcap", 8<<20),
		"pcapng": bigPcapng(t, "melsec-slmp/legitimate_user_addition_plc_stop_test.pcapng", 8<<20),
	} {
		src, err := OpenReader(name, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var failed error
		allocs := testing.AllocsPerRun(5000, func() {
			if _, _, err := src.Next(); err != nil {
				failed = err
			}
		})
		if failed != nil {
			t.Fatal(failed)
		}
		if allocs != 0 {
			t.Errorf("%s: %.2f allocations per frame, want 0", name, allocs)
		}
	}
}

func BenchmarkReadPcap(b *testing.B) {
	benchmarkRead(b, bigPcap(b, "enip-cip/EthernetIP-CIP.pcap", 64<<20))
}

func BenchmarkReadPcapng(b *testing.B) {
	benchmarkRead(b, bigPcapng(b, "melsec-slmp/legitimate_user_addition_plc_stop_test.pcapng", 64<<20))
}

// benchmarkRead reads data through OpenReader, as the sensor reads a file,
// and reports throughput, time per frame and allocations per frame (after
// opening, which allocates the buffer).
func benchmarkRead(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var frames, mallocs uint64
	var ms runtime.MemStats
	for b.Loop() {
		src, err := OpenReader("bench", struct{ io.Reader }{bytes.NewReader(data)})
		if err != nil {
			b.Fatal(err)
		}
		// Opening allocates the buffer once; count what reading costs.
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		for {
			_, _, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			frames++
		}
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - before
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(frames), "ns/frame")
	b.ReportMetric(float64(mallocs)/float64(frames), "allocs/frame")
}
