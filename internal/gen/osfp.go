package gen

import (
	"fmt"
	"strings"

	"github.com/otsight/otsight/internal/gen/wire"
	"github.com/otsight/otsight/internal/record"
)

// The sensor fingerprints every SYN and SYN+ACK (p0f v3 raw signatures,
// matched against its signature set) and writes one os_fp row per minute,
// sender and signature. The generator knows which stack sent each, so it
// writes the signature from the stack's parameters and the label of the
// operating system it emulates.

// osLabel is what the sensor's signature set answers for a signature.
type osLabel struct {
	class, name, flavor string
	generic, fuzzy      bool
	confidence          string
}

var (
	windows10 = osLabel{class: "win", name: "Windows", flavor: "10/11/Server 2016+", confidence: "high"}
	linuxNew  = osLabel{class: "unix", name: "Linux", flavor: "4.19 and newer", confidence: "high"}
	rtos      = osLabel{class: "other", name: "VxWorks", flavor: "or similar embedded RTOS", generic: true, confidence: "low"}
)

// sigLabels are the labels of the signatures the generator's stacks send,
// by kind and signature. Signatures missing here are written as unmatched
// (a Linux SYN+ACK, which the signature set does not label).
var sigLabels = map[string]osLabel{
	"syn 4:128+0:0:1460:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0": windows10,
	"syn 4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0":       linuxNew,
	"syn 4:64+0:0:1460:8192,0:mss::0":                             rtos,
	"syn 4:255+0:0:1460:8192,0:mss::0":                            rtos,
	"syn+ack 4:64+0:0:1460:8192,0:mss::0":                         rtos,
	"syn+ack 4:255+0:0:1460:8192,0:mss::0":                        rtos,
	// A Linux server answering a client that offers neither timestamps nor
	// window scaling (Windows XP) looks like XP itself to p0f.
	"syn+ack 4:64+0:0:1460:mss*44,0:mss,nop,nop,sok:df,id+:0": {class: "win", name: "Windows", flavor: "2000/XP/2003",
		fuzzy: true, confidence: "medium"},
}

// p0fSignature is the raw signature of a SYN (peer nil) or SYN+ACK sent by
// s: version, initial TTL+distance, IP options length, MSS, window (as a
// multiple of the MSS when it is one) and scale, option layout, quirks,
// payload class.
func p0fSignature(s, peer *wire.Stack) string {
	var b strings.Builder
	fmt.Fprintf(&b, "4:%d+0:0:%d:", s.TTL, s.MSS)
	mss := s.MSS
	if peer != nil {
		mss = peer.MSS
	}
	if s.Window%mss == 0 {
		fmt.Fprintf(&b, "mss*%d", s.Window/mss)
	} else {
		fmt.Fprintf(&b, "%d", s.Window)
	}
	opts := wire.SynOptions(nil, s, peer, 1, 0)
	scale := 0
	var layout []string
	for i := 0; i < len(opts); {
		switch opts[i] {
		case 0:
			layout = append(layout, fmt.Sprintf("eol+%d", len(opts)-i-1))
			i = len(opts)
			continue
		case 1:
			layout = append(layout, "nop")
			i++
			continue
		case 2:
			layout = append(layout, "mss")
		case 3:
			layout = append(layout, "ws")
			scale = int(opts[i+2])
		case 4:
			layout = append(layout, "sok")
		case 8:
			layout = append(layout, "ts")
		}
		i += int(opts[i+1])
	}
	fmt.Fprintf(&b, ",%d:%s:", scale, strings.Join(layout, ","))
	if s.DF {
		b.WriteString("df,id+") // the generator's IP IDs are never zero
	}
	b.WriteString(":0")
	return b.String()
}

type osfpKey struct {
	sender wire.IPv4
	mac    wire.MAC
	vlan   uint16
	sig    string
}

// osfp counts a SYN or SYN+ACK in the minute's os_fp rows.
func (s *recordSink) osfp(p *pkt, src, dst *Iface) {
	kind, peer := "syn", (*wire.Stack)(nil)
	if p.flags&wire.ACK != 0 {
		kind, peer = "syn+ack", dst.Dev.Stack
	}
	st := src.Dev.Stack
	sig := s.sigs[[2]*wire.Stack{st, peer}]
	if sig == "" {
		sig = p0fSignature(st, peer)
		s.sigs[[2]*wire.Stack{st, peer}] = sig
	}
	k := osfpKey{sender: src.IP, mac: src.MAC, vlan: p.c.vlan(), sig: sig}
	r := s.osfps[k]
	if r == nil {
		port := p.c.sport
		if p.dir == 1 {
			port = p.c.dport
		}
		r = &record.OSFP{TS: micros(p.ts), Sender: addr(src.IP), SendMAC: mac(src.MAC), Port: port, VLAN: k.vlan,
			Kind: kind, Signature: sig}
		if l, ok := sigLabels[kind+" "+sig]; ok {
			r.Matched, r.OSClass, r.OSName, r.OSFlavor = true, l.class, l.name, l.flavor
			r.Generic, r.Fuzzy, r.Confidence, r.Source = l.generic, l.fuzzy, l.confidence, "otsight"
		}
		s.osfps[k] = r
		s.osfpOrder = append(s.osfpOrder, r)
	}
	r.Count++
}
