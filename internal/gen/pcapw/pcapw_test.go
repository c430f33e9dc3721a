package pcapw

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/otsight/otsight/internal/capture"
)

// TestRoundTrip writes frames of odd and even lengths in both formats and
// reads them back with the sensor's capture reader: timestamps to the
// nanosecond, lengths and bytes must survive.
func TestRoundTrip(t *testing.T) {
	frames := [][]byte{bytes.Repeat([]byte{0xab}, 60), bytes.Repeat([]byte{0xcd}, 61), bytes.Repeat([]byte{1}, 1514)}
	times := []int64{1735689600_000000001, 1735689600_123456789, 1735776000_999999999}
	for _, name := range []string{"x.pcap", "x.pcapng"} {
		var buf bytes.Buffer
		w, err := New(&buf, name)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range frames {
			if err := w.WriteFrame(times[i], f); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		src, err := capture.OpenReader(name, &buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := 0; ; i++ {
			data, ci, err := src.Next()
			if errors.Is(err, io.EOF) {
				if i != len(frames) {
					t.Errorf("%s: %d frames read, want %d", name, i, len(frames))
				}
				break
			}
			if err != nil {
				t.Fatalf("%s frame %d: %v", name, i, err)
			}
			if ci.TS != times[i] || ci.WireLen != len(frames[i]) || !bytes.Equal(data, frames[i]) {
				t.Errorf("%s frame %d: ts %d len %d, want ts %d len %d", name, i, ci.TS, ci.WireLen, times[i], len(frames[i]))
			}
		}
		src.Close()
	}
}
