package sensor

import (
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/flow"
	"github.com/otsight/otsight/internal/record"
)

// maxRecogniseTries bounds how many payloads of a connection are offered to
// recognition before the sensor stops looking at its payload.
const maxRecogniseTries = 4

// connApp is the dissection state of one connection.
type connApp struct {
	spec   *dissect.Spec
	parser dissect.Parser
	ep     dissect.Endpoints
	tries  uint8
}

// dissection routes payload to dissectors, contains their failures and turns
// their messages into ot rows and summary counts. It implements flow.Handler
// and dissect.Emitter.
type dissection struct {
	reg     *dissect.Registry
	labels  []string
	emit    func(record.Record)
	ot      *minuteAgg[otKey, record.OT]
	assets  *minuteAgg[record.AssetID, record.AssetID]
	summary *Summary
	faults  map[string]uint64
	ether   map[*dissect.Spec]dissect.Parser
	ctx     dissect.Context
	log     *slog.Logger
}

type otKey struct {
	reqMAC, respMAC record.MAC
	reqH, respH     netip.Addr
	respP           uint16
	transport       dissect.Transport
	vlan            uint16
	protocol, code  string
	function        string
	dir             dissect.MsgDir
}

func newDissection(reg *dissect.Registry, labels []string, maxRows int, emit func(record.Record), sum *Summary, log *slog.Logger) *dissection {
	return &dissection{
		reg: reg, labels: labels, emit: emit, summary: sum, log: log,
		ot:     newMinuteAgg[otKey, record.OT](maxRows),
		assets: newMinuteAgg[record.AssetID, record.AssetID](maxRows),
		faults: map[string]uint64{},
		ether:  map[*dissect.Spec]dissect.Parser{},
	}
}

func (d *dissection) label(i int) string {
	if i >= 0 && i < len(d.labels) {
		return d.labels[i]
	}
	return ""
}

func transportOf(proto uint8) dissect.Transport {
	switch proto {
	case decode.ProtoTCP:
		return dissect.TCP
	case decode.ProtoUDP:
		return dissect.UDP
	}
	return 0
}

// Payload implements flow.Handler.
func (d *dissection) Payload(c *flow.Conn, dir flow.Dir, ts int64, data []byte) {
	t := transportOf(c.Proto)
	if t == 0 {
		c.WantPayload = false
		return
	}
	app, _ := c.App.(*connApp)
	if app == nil {
		if !d.reg.Candidates(t, c.OrigP, c.RespP) {
			c.WantPayload = false // no dissector could ever claim it: no state
			return
		}
		app = &connApp{ep: dissect.Endpoints{
			Transport: t, OrigMAC: c.OrigMAC, RespMAC: c.RespMAC, OrigH: c.OrigH, RespH: c.RespH,
			OrigP: c.OrigP, RespP: c.RespP, VLAN: c.VLAN, Iface: d.label(c.Iface),
		}}
		c.App = app
	}
	if app.parser == nil {
		if app.tries >= maxRecogniseTries {
			c.WantPayload = false
			return
		}
		app.tries++
		app.spec = d.reg.Recognise(t, &app.ep, dissect.Dir(dir), data)
		if app.spec == nil {
			c.WantPayload = app.tries < maxRecogniseTries && d.reg.Candidates(t, app.ep.OrigP, app.ep.RespP)
			return
		}
		app.parser = app.spec.New()
		c.Service = app.spec.Name
		c.WantPayload = true
	}
	d.ctx = dissect.Context{TS: micros(ts), Dir: dissect.Dir(dir), Ep: &app.ep, Out: d}
	if !d.parse(app.spec, app.parser, data) {
		app.parser = nil
		app.tries = maxRecogniseTries
		c.WantPayload = false
	}
}

// Gap implements flow.Handler.
func (d *dissection) Gap(c *flow.Conn, dir flow.Dir, n int) {
	app, _ := c.App.(*connApp)
	if app == nil || app.parser == nil {
		return
	}
	if gp, ok := app.parser.(dissect.GapParser); ok {
		d.ctx = dissect.Context{Dir: dissect.Dir(dir), Ep: &app.ep, Out: d}
		d.guard(app.spec, func() { gp.Gap(&d.ctx, n) })
	}
}

// Closed implements flow.Handler: a parser that holds findings (a query
// without its answer yet) gets to emit them, then the state is dropped.
func (d *dissection) Closed(c *flow.Conn) {
	app, _ := c.App.(*connApp)
	c.App = nil
	if app == nil || app.parser == nil {
		return
	}
	if cl, ok := app.parser.(dissect.Closer); ok {
		d.ctx = dissect.Context{TS: micros(c.Last), Dir: dissect.FromOrig, Ep: &app.ep, Out: d}
		d.guard(app.spec, func() { cl.Close(&d.ctx) })
	}
}

// close ends the Ethernet parsers at the end of input.
func (d *dissection) close(now int64) {
	for s, ps := range d.ether {
		if cl, ok := ps.(dissect.Closer); ok {
			ep := dissect.Endpoints{Transport: dissect.Ether}
			d.ctx = dissect.Context{TS: micros(now), Dir: dissect.FromOrig, Ep: &ep, Out: d}
			d.guard(s, func() { cl.Close(&d.ctx) })
		}
	}
}

// frame dissects a non-IP Ethernet frame whose Ethertype (or, for LLC/SNAP
// frames of a vendor OUI, whose SNAP protocol id) has a dissector.
// Ethernet dissectors get one parser for all frames of their Ethertype.
func (d *dissection) frame(p *decode.Packet) {
	var s *dissect.Spec
	if p.EtherType == 0 && p.LLC && p.SNAPOUI != 0 {
		s = d.reg.ForSNAP(p.SNAPOUI, p.SNAPPID)
	} else {
		s = d.reg.ForEther(p.EtherType)
	}
	if s == nil {
		return
	}
	ps := d.ether[s]
	if ps == nil {
		ps = s.New()
		d.ether[s] = ps
	}
	ep := dissect.Endpoints{Transport: dissect.Ether, OrigMAC: p.SrcMAC, RespMAC: p.DstMAC,
		VLAN: p.VLANs[0], Iface: d.label(p.Iface)}
	d.ctx = dissect.Context{TS: micros(p.TS), Dir: dissect.FromOrig, Ep: &ep, Out: d}
	if !d.parse(s, ps, p.Payload) {
		delete(d.ether, s)
	}
}

// parse runs one parser call, recovering a panic so that one dissector's bug
// costs only its own flow. It reports false after a fault.
func (d *dissection) parse(s *dissect.Spec, ps dissect.Parser, data []byte) bool {
	return d.guard(s, func() { ps.Parse(&d.ctx, data) })
}

func (d *dissection) guard(s *dissect.Spec, f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
			d.faults[s.Name]++
			if d.faults[s.Name] <= 3 {
				d.log.Error("dissector fault: parser disabled for this flow", "protocol", s.Name, "panic", fmt.Sprint(r))
			}
		}
	}()
	f()
	return true
}

// Message implements dissect.Emitter. One ot row per minute and (requester,
// responder, responder port, protocol, function, direction); the detail is an
// attribute, the first one seen in the minute, so a poller walking through
// address ranges does not multiply the rows.
func (d *dissection) Message(ctx *dissect.Context, m *dissect.Message) {
	d.summary.message(m)
	if !dissect.IsOT(m.Protocol) {
		return
	}
	ep := ctx.Ep
	k := otKey{
		reqMAC: ep.OrigMAC, respMAC: ep.RespMAC, reqH: ep.OrigH, respH: ep.RespH, respP: ep.RespP,
		transport: ep.Transport, vlan: ep.VLAN, protocol: m.Protocol, code: m.Code,
		function: m.Function, dir: m.Dir,
	}
	if m.Swap {
		k.reqMAC, k.respMAC, k.reqH, k.respH, k.respP = ep.RespMAC, ep.OrigMAC, ep.RespH, ep.OrigH, ep.OrigP
	}
	r := d.ot.get(k, func(r *record.OT) {
		*r = record.OT{TSFirst: ctx.TS, ReqMAC: k.reqMAC, RespMAC: k.respMAC, ReqH: k.reqH, RespH: k.respH,
			RespP: k.respP, Transport: k.transport.String(), VLAN: k.vlan, Protocol: k.protocol,
			Function: k.function, Code: k.code, Direction: k.dir.String(), Detail: truncate(m.Detail, 96), Iface: ep.Iface}
	})
	if r == nil {
		return
	}
	r.Count++
	if m.Error {
		r.Errors++
	}
	r.TSLast = ctx.TS
}

// Record implements dissect.Emitter. Identity reports repeat with every
// poll or broadcast, so identical asset_id records within a minute become one
// with a count; other kinds pass through.
func (d *dissection) Record(_ *dissect.Context, r record.Record) {
	a, ok := r.(*record.AssetID)
	if !ok {
		d.emit(r)
		return
	}
	k := *a
	k.TS, k.Count = 0, 0
	v := d.assets.get(k, func(v *record.AssetID) { *v = *a; v.Count = 0 })
	if v != nil {
		v.Count++
	}
}

// drain emits the minute's ot rows, stamped with the minute's start, and its
// identity reports.
func (d *dissection) drain(minute record.Micros) {
	d.ot.drain(func(r *record.OT) {
		r.TS = minute
		d.emit(r)
	})
	d.assets.drain(func(r *record.AssetID) { d.emit(r) })
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
