package capture

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// golden is one line of testdata/frames.golden: what Wireshark's readers
// found in a shared capture (see scripts/golden-capture.sh).
type golden struct {
	format          string
	links           []decode.LinkType
	frames          int
	wireBytes       int64
	capBytes        int64
	firstTS, lastTS int64
	truncated       bool
	misnamed        bool
}

func loadGolden(t *testing.T) map[string]golden {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "frames.golden"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]golden{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 9 {
			t.Fatalf("frames.golden: %d columns in %q", len(c), line)
		}
		var g golden
		g.format = c[1]
		for _, l := range strings.Split(c[2], ",") {
			g.links = append(g.links, decode.LinkType(atoi(t, l)))
		}
		g.frames = int(atoi(t, c[3]))
		g.wireBytes, g.capBytes = atoi(t, c[4]), atoi(t, c[5])
		g.firstTS, g.lastTS = atoi(t, c[6]), atoi(t, c[7])
		g.truncated = strings.Contains(c[8], "truncated")
		g.misnamed = strings.Contains(c[8], "ext=")
		out[c[0]] = g
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("frames.golden: %v", err)
	}
	return v
}

// TestGoldenFiles reads every shared capture and compares what it found with
// Wireshark's reading of the same file.
func TestGoldenFiles(t *testing.T) {
	want := loadGolden(t)
	dir := pcaptest.Dir(t)
	files := pcaptest.Files(t)
	seen := map[string]bool{}
	var misnamed, truncated, pcapng int
	for _, path := range files {
		rel := filepath.ToSlash(must(filepath.Rel(dir, path)))
		seen[rel] = true
		g, ok := want[rel]
		if !ok {
			t.Errorf("%s: not in testdata/frames.golden; run scripts/golden-capture.sh", rel)
			continue
		}
		if g.misnamed {
			misnamed++
		}
		if g.truncated {
			truncated++
		}
		if g.format == "pcapng" {
			pcapng++
		}
		t.Run(rel, func(t *testing.T) {
			src, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			format := "pcap"
			if _, ok := src.(*pcapngReader); ok {
				format = "pcapng"
			}
			if format != g.format {
				t.Errorf("format %s, want %s", format, g.format)
			}
			var (
				n              int
				wire, capBytes int64
				first, last    int64
				links          []decode.LinkType
				readErr        error
			)
			for {
				data, info, err := src.Next()
				if err != nil {
					if err != io.EOF {
						readErr = err
					}
					break
				}
				if len(data) != info.CapLen || info.Iface != 0 {
					t.Fatalf("frame %d: len %d, CapLen %d, Iface %d", n+1, len(data), info.CapLen, info.Iface)
				}
				if n == 0 {
					first = info.TS
				}
				last = info.TS
				n++
				wire += int64(info.WireLen)
				capBytes += int64(info.CapLen)
				if !slices.Contains(links, info.Link) {
					links = append(links, info.Link)
				}
			}
			if n != g.frames || wire != g.wireBytes || capBytes != g.capBytes {
				t.Errorf("frames %d, wire bytes %d, captured bytes %d; want %d, %d, %d", n, wire, capBytes, g.frames, g.wireBytes, g.capBytes)
			}
			if first != g.firstTS || last != g.lastTS {
				t.Errorf("first/last timestamp %d/%d, want %d/%d", first, last, g.firstTS, g.lastTS)
			}
			if !slices.Equal(links, g.links) {
				t.Errorf("link types %v, want %v", links, g.links)
			}
			switch {
			case g.truncated && !errors.Is(readErr, io.ErrUnexpectedEOF):
				t.Errorf("want a truncation error after the last frame, got %v", readErr)
			case !g.truncated && readErr != nil:
				t.Errorf("unexpected error: %v", readErr)
			}
			if _, _, err := src.Next(); err != io.EOF {
				t.Errorf("Next after the end: %v, want io.EOF", err)
			}
			if st := src.Stats(); len(st) != 1 || st[0].Packets != uint64(g.frames) || st[0].Label != path {
				t.Errorf("Stats %+v, want one interface %q with %d packets", st, path, g.frames)
			}
		})
	}
	for rel := range want {
		if !seen[rel] {
			t.Errorf("%s is in testdata/frames.golden but not among the shared captures", rel)
		}
	}
	// The golden file must keep exercising what matters: if the shared set
	// changes, these figures say what was lost.
	if len(files) != 153 || pcapng != 18 || misnamed != 18 || truncated != 1 {
		t.Errorf("shared set: %d files, %d pcapng, %d misnamed, %d truncated; want 153, 18, 18, 1", len(files), pcapng, misnamed, truncated)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
