package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// `otsight sensor --read` spools one batch per minute of the capture; a
// second run continues the numbering, so the server never sees a sequence
// number twice.
func TestSensorReadSpools(t *testing.T) {
	capFile := pcaptest.Path(t, goodPcap) // 834 frames over 122.6 s
	spoolDir := filepath.Join(t.TempDir(), "spool")
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"sensor", "--read", capFile, "--spool", spoolDir, "--sensor-id", "line-a"}, &stdout, &stderr); code != 0 {
			t.Fatalf("run %d: exit %d, stderr:\n%s", i, code, stderr.String())
		}
	}
	spool, err := sensor.OpenSpool(spoolDir)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := spool.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 6 { // three minutes touched, twice
		t.Fatalf("spooled %v, want 6 batches", seqs)
	}
	var frames [2]uint64
	for i, seq := range seqs {
		if seq != uint64(i) {
			t.Fatalf("batch %d has sequence %d", i, seq)
		}
		data, err := spool.Read(seq)
		if err != nil {
			t.Fatal(err)
		}
		b, err := record.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if b.Header.SensorID != "line-a" {
			t.Fatalf("sensor id %q", b.Header.SensorID)
		}
		for _, r := range b.Records {
			if st, ok := r.(*record.SensorStats); ok {
				frames[i/3] += st.Frames
			}
		}
	}
	if frames != [2]uint64{834, 834} {
		t.Fatalf("frames per run = %v, want 834 each", frames)
	}
	if next, err := spool.NextSeq(); err != nil || next != 6 {
		t.Fatalf("next sequence %d, %v", next, err)
	}
}

func TestSensorUsage(t *testing.T) {
	for _, args := range [][]string{
		{"sensor"},
		{"sensor", "--read", "x.pcap", "--interface", "eth0"},
		{"sensor", "--interface", "=label"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "usage: otsight sensor") && !strings.Contains(stderr.String(), "empty interface name") {
			t.Errorf("%v: stderr %q", args, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "missing.pcap")
	if code := run([]string{"sensor", "--read", missing, "--spool", t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
	if !strings.Contains(stderr.String(), "missing.pcap") {
		t.Errorf("missing file not named: %q", stderr.String())
	}
}
