package cdp_test

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/cdp"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// cdpFrame is one CDP frame of a capture: the payload after the SNAP
// header, as the sensor would hand it to the parser, and its addressing.
type cdpFrame struct {
	ts       record.Micros
	src, dst record.MAC
	vlan     uint16
	data     []byte
}

// cdpFrames decodes a capture with the sensor's decoder and keeps the
// 802.3 LLC/SNAP frames with OUI 00:00:0c and PID 0x2000: what the sensor
// will route to CDP once it looks dissectors up by SNAP OUI and PID.
func cdpFrames(tb testing.TB, path string) []cdpFrame {
	tb.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var out []cdpFrame
	for {
		data, info, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Logf("%s: %v", path, err)
			break
		}
		p, _ := dec.Decode(data, info.Link, info.TS, info.WireLen)
		if p == nil || !p.LLC || p.SNAPOUI != cdp.SNAPOUI || p.SNAPPID != cdp.SNAPPID {
			continue
		}
		out = append(out, cdpFrame{ts: record.Micros(info.TS / 1000), src: p.SrcMAC, dst: p.DstMAC, vlan: p.VLANs[0],
			data: append([]byte(nil), p.Payload...)})
	}
	return out
}

// run feeds frames to one parser as the sensor does (one parser for all
// frames) and collects what it reports.
func run(frames []cdpFrame) *collector {
	c := &collector{}
	p := cdp.NewParser()
	for _, f := range frames {
		ep := dissect.Endpoints{Transport: dissect.Ether, OrigMAC: f.src, RespMAC: f.dst, VLAN: f.vlan}
		p.Parse(&dissect.Context{TS: f.ts, Ep: &ep, Out: c}, f.data)
	}
	return c
}

type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

func capturePath(t testing.TB, rel string) string { return filepath.Join(pcaptest.Dir(t), rel) }
