package flow

import (
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

func micros(ns int64) record.Micros { return record.Micros(ns / 1000) }

// emitInterval writes the connection's traffic since its last interval
// record as the record of the current minute.
func (t *Table) emitInterval(c *conn) {
	o, r := &c.dirs[FromOrig], &c.dirs[FromResp]
	t.emit(&record.ConnInterval{
		TS:          micros(t.minuteStart),
		UID:         c.UID,
		OrigH:       c.OrigH,
		OrigP:       c.OrigP,
		RespH:       c.RespH,
		RespP:       c.RespP,
		Proto:       protoName(c.Proto),
		Service:     c.Service,
		VLAN:        c.VLAN,
		OrigBytes:   o.bytes - o.repBytes,
		RespBytes:   r.bytes - r.repBytes,
		OrigPkts:    o.pkts - o.repPkts,
		OrigIPBytes: o.ipBytes - o.repIPBytes,
		OrigL2Bytes: o.l2Bytes - o.repL2Bytes,
		RespPkts:    r.pkts - r.repPkts,
		RespIPBytes: r.ipBytes - r.repIPBytes,
		RespL2Bytes: r.l2Bytes - r.repL2Bytes,
	})
	for i := range c.dirs {
		d := &c.dirs[i]
		d.repPkts, d.repIPBytes, d.repL2Bytes, d.repBytes = d.pkts, d.ipBytes, d.l2Bytes, d.bytes
	}
}

// emitFinal writes the connection's conn record.
func (t *Table) emitFinal(c *conn, end string) {
	o, r := &c.dirs[FromOrig], &c.dirs[FromResp]
	t.emit(&record.Conn{
		TS:          micros(c.Start),
		UID:         c.UID,
		OrigH:       c.OrigH,
		OrigP:       c.OrigP,
		RespH:       c.RespH,
		RespP:       c.RespP,
		Proto:       protoName(c.Proto),
		Service:     c.Service,
		Duration:    micros(max(c.durEnd-c.Start, 0)),
		OrigBytes:   o.bytes,
		RespBytes:   r.bytes,
		ConnState:   c.connState(),
		MissedBytes: c.missed,
		History:     string(c.hist),
		OrigPkts:    o.pkts,
		OrigIPBytes: o.ipBytes,
		OrigL2Bytes: o.l2Bytes,
		RespPkts:    r.pkts,
		RespIPBytes: r.ipBytes,
		RespL2Bytes: r.l2Bytes,
		OrigMAC:     c.OrigMAC,
		RespMAC:     c.RespMAC,
		VLAN:        c.VLAN,
		InnerVLAN:   c.Inner,
		Iface:       t.ifaceLabel(c.Iface),
		End:         end,
	})
}

func (t *Table) ifaceLabel(i int) string {
	if i >= 0 && i < len(t.cfg.IfaceLabels) {
		return t.cfg.IfaceLabels[i]
	}
	return ""
}

// connState is Zeek's conn_state: from the TCP endpoint states, for UDP
// from which sides sent anything, and OTH for ICMP.
func (c *conn) connState() string {
	switch c.Proto {
	case decode.ProtoTCP:
		return c.tcpConnState()
	case decode.ProtoUDP:
		orig, resp := c.dirs[FromOrig].pkts > 0, c.dirs[FromResp].pkts > 0
		switch {
		case orig && resp:
			return "SF"
		case orig:
			return "S0"
		case resp:
			return "SHR"
		}
	}
	return "OTH"
}
