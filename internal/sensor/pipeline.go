// Package sensor wires the sensor's pipeline: frames from a capture source are
// decoded, de-duplicated, tracked as connections, dissected and aggregated into
// records, which are cut into one batch per UTC minute of packet time and
// written to a disk spool for upload.
package sensor

import (
	"log/slog"
	"math"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/fingerprint/tcpfp"
	"github.com/otsight/otsight/internal/flow"
	"github.com/otsight/otsight/internal/record"
)

// Config configures a Pipeline.
type Config struct {
	Decode decode.Config
	Flow   flow.Config
	// MaxMinuteRows bounds each per-minute aggregation (arp, ndp, eth, flow,
	// ot): distinct keys beyond it within one minute are refused and counted.
	MaxMinuteRows int
	// Labels names the capture interfaces by index.
	Labels []string
	// UIDSeed makes connection UIDs distinct between sensors and runs while
	// keeping one run reproducible.
	UIDSeed uint64
	// P0F is a p0f.fp signature set (--p0f-fp) tried before the built-in
	// TCP fingerprints; nil for the built-in set alone.
	P0F *tcpfp.Set
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Decode:        decode.DefaultConfig(),
		Flow:          flow.DefaultConfig(),
		MaxMinuteRows: 1 << 18,
	}
}

// Sink receives the pipeline's output. Records arrive in emission order;
// EndMinute closes the window [start, end) to which every record since the
// previous EndMinute belongs, with the sensor's statistics for it.
type Sink interface {
	Record(r record.Record)
	EndMinute(start, end record.Micros, stats *record.SensorStats)
}

// Pipeline turns frames into records. It is single-threaded: call Frame,
// Tick and Close from one goroutine.
type Pipeline struct {
	cfg   Config
	sink  Sink
	log   *slog.Logger
	dec   *decode.Decoder
	flows *flow.Table
	l2    *l2Aggs
	osfp  *osfpAggs
	dis   *dissection
	sum   *Summary

	now         int64 // latest packet time (ns); time never runs backwards
	started     bool  // a frame has been seen (captures may start at the epoch)
	minute      int64 // start of the current minute (ns)
	nextAdvance int64
	window      windowCounters
	source      capture.Source
}

// windowCounters are the statistics of the current batch window; decoder
// statistics are the difference of its counters since the window began.
type windowCounters struct {
	frames, bytes uint64
	refused       uint64
	dec           decode.Counters
}

const (
	minuteNS  = int64(time.Minute)
	advanceNS = int64(time.Second)
)

// NewPipeline builds a pipeline over the dissectors of reg, writing to sink.
func NewPipeline(cfg Config, reg *dissect.Registry, sink Sink, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.Default()
	}
	p := &Pipeline{cfg: cfg, sink: sink, log: log, sum: newSummary("")}
	p.dec = decode.NewDecoder(cfg.Decode)
	p.l2 = newL2Aggs(cfg.MaxMinuteRows, cfg.Labels)
	p.osfp = newOSFPAggs(cfg.MaxMinuteRows, cfg.Labels, cfg.P0F)
	p.dis = newDissection(reg, cfg.Labels, cfg.MaxMinuteRows, p.emit, p.sum, log)
	fc := cfg.Flow
	fc.IfaceLabels = cfg.Labels
	if fc.LikelyServerPort == nil {
		fc.LikelyServerPort = func(proto uint8, port uint16) bool {
			return reg.ServerPort(transportOf(proto), port) || flow.DefaultLikelyServerPort(proto, port)
		}
	}
	p.flows = flow.New(fc, p.dis, p.emit, cfg.UIDSeed)
	return p
}

// AttachSource lets the pipeline report the source's interface counters
// (kernel drops) in each window's statistics.
func (p *Pipeline) AttachSource(s capture.Source) { p.source = s }

// Summary returns the running totals (complete after Close).
func (p *Pipeline) Summary() *Summary { return p.sum }

func (p *Pipeline) emit(r record.Record) {
	p.sum.record(r)
	p.sink.Record(r)
}

// Frame processes one captured frame.
func (p *Pipeline) Frame(data []byte, ci capture.Info) {
	ts := ci.TS
	if ts < p.now {
		ts = p.now // out-of-order input: keep time monotonic for the minute logic
	}
	p.advance(ts)
	p.sum.Frames++
	p.sum.Bytes += uint64(ci.WireLen)
	p.window.frames++
	p.window.bytes += uint64(ci.WireLen)

	// Fragments, duplicates and decode errors are counted by the decoder;
	// the summary and window statistics read its counters.
	pkt, st := p.dec.Decode(data, ci.Link, ts, ci.WireLen)
	if st != decode.OK {
		return
	}
	pkt.Iface = ci.Iface
	p.route(pkt)
}

func (p *Pipeline) route(pkt *decode.Packet) {
	ok := true
	switch pkt.L3 {
	case decode.L3ARP:
		ok = p.l2.addARP(pkt)
	case decode.L3IPv4, decode.L3IPv6:
		if pkt.Proto == decode.ProtoTCP && pkt.Flags&(decode.TCPSyn|decode.TCPRst) == decode.TCPSyn {
			p.osfp.add(pkt) // a full os_fp table loses the row, not the frame
		}
		if p.flows.Packet(pkt) {
			if pkt.Proto == decode.ProtoICMPv6 && (pkt.ICMPType == icmp6NS || pkt.ICMPType == icmp6NA) {
				p.l2.addNDP(pkt)
			}
			return
		}
		ok = p.l2.addIPFlow(pkt)
	default: // L3Other: non-IP Ethernet
		ok = p.l2.addEth(pkt)
		p.dis.frame(pkt)
	}
	if !ok {
		p.sum.Accounting.Refused++
		p.window.refused++
	}
}

// Tick advances time without a frame, for live capture on a quiet network:
// minutes still end and idle connections still expire.
func (p *Pipeline) Tick(now int64) {
	if !p.started || now < p.now {
		return
	}
	p.advance(now)
}

func (p *Pipeline) advance(ts int64) {
	p.now = ts
	if !p.started {
		p.started = true
		p.minute = ts - ts%minuteNS
		p.nextAdvance = ts + advanceNS
		return
	}
	if ts >= p.minute+minuteNS {
		next := ts - ts%minuteNS
		p.flows.Advance(p.minute + minuteNS)
		p.endMinute(p.minute, p.minute+minuteNS)
		p.minute = next
	}
	if ts >= p.nextAdvance {
		p.flows.Advance(ts)
		p.nextAdvance = ts + advanceNS
	}
}

// endMinute emits the aggregated rows of the minute and closes its window.
func (p *Pipeline) endMinute(start, end int64) {
	p.l2.drain(p.emit)
	p.osfp.drain(p.emit)
	p.dis.drain(micros(start))
	st := p.windowStats(start, end)
	p.sum.record(st)
	p.sink.EndMinute(micros(start), micros(end), st)
}

func (p *Pipeline) windowStats(start, end int64) *record.SensorStats {
	fs := p.flows.Stats()
	w := &p.window
	dc := p.dec.Counters()
	st := &record.SensorStats{
		TS: micros(start), TSEnd: micros(end),
		Frames: w.frames, Bytes: w.bytes, Duplicates: dc.Duplicates - w.dec.Duplicates,
		FragmentsHeld: dc.FragHeld - w.dec.FragHeld, ActiveConns: uint64(fs.Active),
	}
	for c := decode.Cause(1); c < decode.NumCauses; c++ {
		if n := dc.Errors[c] - w.dec.Errors[c]; n > 0 {
			if st.DecodeErrors == nil {
				st.DecodeErrors = map[string]uint64{}
			}
			st.DecodeErrors[c.String()] = n
		}
	}
	if w.refused > 0 {
		st.Drops = map[string]uint64{"aggregation_full": w.refused}
	}
	if len(p.dis.faults) > 0 {
		st.DissectorFault = map[string]uint64{}
		for k, v := range p.dis.faults {
			st.DissectorFault[k] = v
		}
	}
	if p.source != nil {
		for _, s := range p.source.Stats() {
			st.Interfaces = append(st.Interfaces, record.IfaceStats{Label: s.Label, Packets: s.Packets, KernelDrops: s.KernelDrops, FreezeQueues: s.Freezes})
		}
	}
	*w = windowCounters{dec: dc}
	return st
}

// Close ends the input: every open connection, pending interval and
// aggregated row is emitted and the last window is closed.
func (p *Pipeline) Close() {
	if !p.started {
		return
	}
	p.dec.Expire(math.MaxInt64) // fragments of datagrams that never completed
	p.flows.Flush(p.now)
	p.dis.close(p.now)
	p.endMinute(p.minute, p.minute+minuteNS)
	dc := p.dec.Counters()
	a := &p.sum.Accounting
	a.Duplicates = dc.Duplicates
	a.FragmentsHeld = dc.FragAbsorbed
	a.FragmentsDiscarded = dc.FragDiscarded
	a.DecodeErrors = 0
	for c := decode.Cause(1); c < decode.NumCauses; c++ {
		if n := dc.Errors[c]; n > 0 {
			p.sum.DecodeErrors[c.String()] = n
			a.DecodeErrors += n
		}
	}
	for k, v := range p.dis.faults {
		p.sum.Faults[k] = v
	}
	p.started = false
}
