package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// collect is a sensor sink that keeps every record.
type collect struct{ recs []record.Record }

func (c *collect) Record(r record.Record)                               { c.recs = append(c.recs, r) }
func (c *collect) EndMinute(_, _ record.Micros, st *record.SensorStats) { c.recs = append(c.recs, st) }

// analyze runs a capture through the sensor pipeline as otsight analyze does.
func analyze(t testing.TB, pcap []byte) []record.Record {
	t.Helper()
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenReader("gen.pcap", bytes.NewReader(pcap))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sink := &collect{}
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	p := sensor.NewPipeline(cfg, reg, sink, slog.New(slog.DiscardHandler))
	if err := sensor.Drain(src, p); err != nil {
		t.Fatal(err)
	}
	return sink.recs
}

func genBoth(t testing.TB, o Options) (pcap []byte, batches []*record.Batch) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := WritePackets(o, &buf, "x.pcap"); err != nil {
		t.Fatal(err)
	}
	_, err := WriteRecords(o, 0, func(b *record.Batch) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), batches
}

// key renders the fields of a record that both outputs must agree on.
func key(r record.Record) string {
	switch r := r.(type) {
	case *record.Conn:
		return fmt.Sprintf("conn %v:%d>%v:%d %s svc=%s vlan=%d %s %s ob=%d rb=%d op=%d rp=%d oip=%d rip=%d ol2=%d rl2=%d dur=%d mac=%v>%v end=%s",
			r.OrigH, r.OrigP, r.RespH, r.RespP, r.Proto, r.Service, r.VLAN, r.ConnState, r.History, r.OrigBytes, r.RespBytes,
			r.OrigPkts, r.RespPkts, r.OrigIPBytes, r.RespIPBytes, r.OrigL2Bytes, r.RespL2Bytes, r.Duration, r.OrigMAC, r.RespMAC, r.End)
	case *record.ConnInterval:
		return fmt.Sprintf("ival %d %v:%d>%v:%d %s svc=%s vlan=%d ob=%d rb=%d op=%d rp=%d oip=%d rip=%d ol2=%d rl2=%d",
			r.TS, r.OrigH, r.OrigP, r.RespH, r.RespP, r.Proto, r.Service, r.VLAN, r.OrigBytes, r.RespBytes, r.OrigPkts, r.RespPkts,
			r.OrigIPBytes, r.RespIPBytes, r.OrigL2Bytes, r.RespL2Bytes)
	case *record.OT:
		return fmt.Sprintf("ot %d %v>%v %v>%v:%d %s vlan=%d %s %s %q %s n=%d first=%d last=%d",
			r.TS, r.ReqMAC, r.RespMAC, r.ReqH, r.RespH, r.RespP, r.Transport, r.VLAN, r.Protocol, r.Code, r.Function,
			r.Direction, r.Count, r.TSFirst, r.TSLast)
	case *record.ARP:
		return fmt.Sprintf("arp %d-%d %v %v %v %v %v %s vlan=%d n=%d", r.TS, r.TSEnd, r.OrigMAC, r.OrigIP, r.RespMAC,
			r.RespIP, r.WhoHas, r.Op, r.VLAN, r.Pkts)
	case *record.Eth:
		return fmt.Sprintf("eth %d-%d %v>%v %04x vlan=%d n=%d b=%d", r.TS, r.TSEnd, r.SrcMAC, r.DstMAC, r.EtherType, r.VLAN, r.Frames, r.Bytes)
	case *record.SensorStats:
		return fmt.Sprintf("stats %d frames=%d bytes=%d", r.TS, r.Frames, r.Bytes)
	}
	// Every other kind must agree field by field.
	b, _ := json.Marshal(r)
	return string(r.RecordKind()) + " " + string(b)
}

// compareKind lists the differences between two multisets of record keys.
func compareKind(t *testing.T, kind record.Kind, want, got []string) {
	t.Helper()
	slices.Sort(want)
	slices.Sort(got)
	if slices.Equal(want, got) {
		t.Logf("%s: %d records agree", kind, len(want))
		return
	}
	var miss, extra []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j == len(got) || i < len(want) && want[i] < got[j]:
			miss = append(miss, want[i])
			i++
		case i == len(want) || got[j] < want[i]:
			extra = append(extra, got[j])
			j++
		default:
			i++
			j++
		}
	}
	t.Errorf("%s: sensor wrote %d, generator %d; %d only from the sensor, %d only from the generator:\nsensor:\n  %s\ngenerator:\n  %s",
		kind, len(want), len(got), len(miss), len(extra), strings.Join(head(miss, 12), "\n  "), strings.Join(head(extra, 12), "\n  "))
}

func head(s []string, n int) []string { return s[:min(n, len(s))] }

// TestAgreement runs the packet output through the sensor pipeline (as
// otsight analyze does) and compares what the sensor writes with the record
// output for the same options: every record kind, every record.
func TestAgreement(t *testing.T) {
	for _, c := range []struct {
		name, preset string
		start        time.Time
		dur          time.Duration
		seed         uint64
		eventEvery   time.Duration // moves the preset's events this close together
	}{
		// A working morning of the small plant with every event of the preset.
		{"small-morning", "small", time.Date(2025, 3, 4, 9, 55, 0, 0, time.UTC), 10 * time.Minute, 7, 0},
		// Saturday midnight: quiet office, cyclic OT traffic across a day boundary.
		{"small-weekend-night", "small", time.Date(2025, 3, 8, 23, 57, 30, 0, time.UTC), 5 * time.Minute, 8, 0},
		// The factory's afternoon, its events every 15 s.
		{"factory-afternoon", "factory", time.Date(2025, 3, 5, 13, 58, 0, 0, time.UTC), 4 * time.Minute, 99, 15 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Preset(c.preset)
			if err != nil {
				t.Fatal(err)
			}
			if c.eventEvery > 0 {
				for i := range p.Events {
					p.Events[i].At = Duration(time.Duration(i+1) * c.eventEvery)
				}
			}
			agree(t, Options{Plant: p, Start: c.start, Duration: c.dur, Seed: c.seed})
		})
	}
}

func agree(t *testing.T, o Options) {
	pcap, batches := genBoth(t, o)
	sensorRecs := analyze(t, pcap)
	byKind := func(recs []record.Record) map[record.Kind][]string {
		m := map[record.Kind][]string{}
		for _, r := range recs {
			m[r.RecordKind()] = append(m[r.RecordKind()], key(r))
		}
		return m
	}
	want := byKind(sensorRecs)
	var genRecs []record.Record
	for i, b := range batches {
		if b.Header.Seq != uint64(i) || b.Header.SensorID != SensorID || b.Header.End-b.Header.Start != 60_000_000 {
			t.Errorf("batch %d header %+v", i, b.Header)
		}
		genRecs = append(genRecs, b.Records...)
	}
	got := byKind(genRecs)
	kinds := slices.Sorted(mapKeys(want))
	for k := range got {
		if _, ok := want[k]; !ok {
			kinds = append(kinds, k)
		}
	}
	for _, k := range kinds {
		compareKind(t, k, want[k], got[k])
	}
	if n := len(want[record.KindSensorStats]); n != len(batches) {
		t.Errorf("sensor cut %d minute windows, generator %d batches", n, len(batches))
	}
}
