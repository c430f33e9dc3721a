package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/sensor"
)

// Captures the command is run on, with what tshark reads in them (frames and
// the sum of frame.len; see internal/sensor/testdata/conns.golden).
const (
	goodPcap     = "dnp3/dnp3_example.pcap"                           // 834 frames, 102035 bytes
	goodKinds    = "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap" // 4154 frames, 2011990 bytes
	damagedPcap  = "melsec-slmp/melsoft_129_clean.pcap"               // 2041 whole frames, 298985 bytes, then cut
	damagedError = "capture: %s: offset 331665: truncated frame record (157 captured bytes announced): unexpected EOF"
)

// analyze runs `otsight analyze ARGS…` and returns its exit status, the
// summaries it printed and its standard error.
func analyze(t *testing.T, args ...string) (int, []sensor.Summary, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"analyze", "--quiet"}, args...), &stdout, &stderr)
	var sums []sensor.Summary
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s sensor.Summary
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("summary line %q: %v", sc.Text(), err)
		}
		sums = append(sums, s)
	}
	return code, sums, stderr.String()
}

// checkSummary checks one printed summary against tshark's frame and byte
// totals and the accounting balance.
func checkSummary(t *testing.T, s sensor.Summary, path string, frames, bytes uint64, errText string) {
	t.Helper()
	if s.File != path || s.Frames != frames || s.Bytes != bytes || s.Error != errText {
		t.Errorf("summary of %s: file %q, %d frames, %d bytes, error %q; want %q, %d, %d, %q",
			path, s.File, s.Frames, s.Bytes, s.Error, path, frames, bytes, errText)
	}
	if !s.Balanced() {
		t.Errorf("summary of %s not balanced: %d frames, %+v", path, s.Frames, s.Accounting)
	}
}

func TestAnalyzeGoodFiles(t *testing.T) {
	a, b := pcaptest.Path(t, goodPcap), pcaptest.Path(t, goodKinds)
	code, sums, stderr := analyze(t, "--summary", a, b)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2", len(sums))
	}
	checkSummary(t, sums[0], a, 834, 102035, "")
	checkSummary(t, sums[1], b, 4154, 2011990, "")
}

func TestAnalyzeNotACapture(t *testing.T) {
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("hello, not a capture\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, sums, stderr := analyze(t, "--summary", notes)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if len(sums) != 0 {
		t.Errorf("printed %d summaries for a file that is no capture", len(sums))
	}
	prefix := fmt.Sprintf("otsight analyze: %s: ", notes)
	if !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, "not a pcap or pcapng file") ||
		strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q; want one line starting %q and saying it is not a pcap or pcapng file", stderr, prefix)
	}
}

func TestAnalyzeDamagedCapture(t *testing.T) {
	damaged := pcaptest.Path(t, damagedPcap)
	errText := fmt.Sprintf(damagedError, damaged)
	code, sums, stderr := analyze(t, "--summary", damaged)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if want := fmt.Sprintf("otsight analyze: %s: %s\n", damaged, errText); stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want the one of the frames before the damage", len(sums))
	}
	checkSummary(t, sums[0], damaged, 2041, 298985, errText)
}

// A damaged file among good ones fails the run but not the other files.
func TestAnalyzeDamageDoesNotStopTheRun(t *testing.T) {
	good, damaged := pcaptest.Path(t, goodPcap), pcaptest.Path(t, damagedPcap)
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("hello, not a capture\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, sums, stderr := analyze(t, "--summary", damaged, notes, good)
	if code != 2 || strings.Count(stderr, "\n") != 2 {
		t.Errorf("exit %d, stderr %q; want 2 and one line for each bad file", code, stderr)
	}
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2 (the damaged file's and the good one's)", len(sums))
	}
	checkSummary(t, sums[0], damaged, 2041, 298985, fmt.Sprintf(damagedError, damaged))
	checkSummary(t, sums[1], good, 834, 102035, "")
}

func TestAnalyzeUsage(t *testing.T) {
	code, sums, stderr := analyze(t)
	if code != 2 || len(sums) != 0 || !strings.HasPrefix(stderr, "usage: otsight analyze") {
		t.Errorf("no file: exit %d, %d summaries, stderr %q; want 2, none, the usage", code, len(sums), stderr)
	}
}

// TestAnalyzeOut checks that --out writes one NDJSON file per record kind
// the capture produced, each holding as many records as the summary counts.
func TestAnalyzeOut(t *testing.T) {
	in := pcaptest.Path(t, goodKinds)
	out := t.TempDir()
	code, sums, stderr := analyze(t, "--summary", "--out", out, in)
	if code != 0 || stderr != "" || len(sums) != 1 {
		t.Fatalf("exit %d, stderr %q, %d summaries; want 0, nothing, 1", code, stderr, len(sums))
	}
	dir := filepath.Join(out, filepath.Base(in))
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	// One file per kind the summary counts, and at least the kinds tshark's
	// reading implies: ARP, IGMP (flow), CDP/LLDP/STP (eth), TCP and UDP,
	// DHCP, NBNS and browser announcements (dhcp, dns, cifs_browser, with the
	// host names they reveal as asset_id); every run ends with at least one
	// minute's statistics.
	var want []string
	for kind := range sums[0].Records {
		want = append(want, kind+".ndjson")
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("%s holds %v, the summary counts %v", dir, names, want)
	}
	for _, k := range []string{"arp", "asset_id", "cifs_browser", "conn", "conn_interval", "dhcp", "dns", "eth", "flow", "sensor_stats"} {
		if !slices.Contains(names, k+".ndjson") {
			t.Errorf("no %s records", k)
		}
	}
	for kind, n := range sums[0].Records {
		lines := readNDJSON(t, filepath.Join(dir, kind+".ndjson"))
		if uint64(lines) != n {
			t.Errorf("%s.ndjson holds %d records, the summary counts %d", kind, lines, n)
		}
	}
}

// readNDJSON counts the lines of an NDJSON file, failing on a line that is
// not one JSON object.
func readNDJSON(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("%s:%d: %v", path, n+1, err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
