package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

func TestGenCommand(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "s.pcapng")
	truth := filepath.Join(dir, "t.jsonl")
	var out, errb bytes.Buffer
	args := []string{"gen", "--preset", "small", "--duration", "5m", "--start", "2025-03-04T10:00:00Z", "--seed", "2",
		"--out", pcap, "--truth", truth}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(pcap)
	if err != nil || len(data) < 4 || string(data[:4]) != "\x0a\x0d\x0d\x0a" {
		t.Fatalf("no pcapng written: %v", err)
	}
	ev, err := os.ReadFile(truth)
	if err != nil {
		t.Fatal(err)
	}
	// Events of the small preset within 5 minutes: at 2m, 3m, 3m30s, 4m, 4m30s.
	if n := strings.Count(string(ev), "\n"); n != 5 {
		t.Errorf("%d truth events, want 5:\n%s", n, ev)
	}

	spool := filepath.Join(dir, "spool")
	for range 2 { // a second run continues the spool's sequence numbers
		errb.Reset()
		args = []string{"gen", "--preset", "small", "--duration", "3m", "--records", spool}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	}
	sp, err := sensor.OpenSpool(spool)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := sp.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 6 || seqs[0] != 0 || seqs[5] != 5 {
		t.Fatalf("spool holds batches %v, want 0-5", seqs)
	}
	raw, err := sp.Read(3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := record.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if b.Header.SensorID != "gen" || b.Header.Start != 1735689600000000 || b.Header.End-b.Header.Start != 60000000 {
		t.Errorf("batch 3 header %+v", b.Header)
	}

	errb.Reset()
	if code := run([]string{"gen", "--preset", "tiny", "--duration", "1m", "--out", pcap}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), `unknown preset "tiny"`) {
		t.Errorf("unknown preset: exit %d, %q", code, errb.String())
	}
}
