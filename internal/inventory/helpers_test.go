package inventory

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

const minute = record.Micros(60e6)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func mac(t testing.TB, s string) record.MAC {
	t.Helper()
	var m record.MAC
	if err := m.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return m
}

// tcpConn is an answered TCP connection between two hosts.
func tcpConn(t testing.TB, ts record.Micros, oh, omac, rh, rmac string, port uint16, svc string) *record.Conn {
	return &record.Conn{
		TS: ts, UID: "C1", OrigH: addr(oh), OrigP: 40000, RespH: addr(rh), RespP: port,
		Proto: "tcp", Service: svc, Duration: 1e6, OrigBytes: 10, RespBytes: 20, ConnState: "SF",
		History: "ShADadFf", OrigPkts: 5, OrigIPBytes: 300, RespPkts: 5, RespIPBytes: 400,
		OrigMAC: mac(t, omac), RespMAC: mac(t, rmac),
	}
}

// otRow is one OT row: n requests or responses of function between two hosts.
func otRow(t testing.TB, ts record.Micros, req, reqMAC, resp, respMAC, protocol, function, dir string, n uint64) *record.OT {
	return &record.OT{
		TS: ts - ts%minute, TSFirst: ts, TSLast: ts, ReqMAC: mac(t, reqMAC), RespMAC: mac(t, respMAC),
		ReqH: addr(req), RespH: addr(resp), RespP: 502, Transport: "tcp",
		Protocol: protocol, Function: function, Direction: dir, Count: n,
	}
}

func find(devs []Device, a string) *Device {
	want := addr(a)
	for i := range devs {
		if devs[i].Key.Addr == want && devs[i].Key.MAC.IsZero() {
			return &devs[i]
		}
	}
	return nil
}

func findMAC(t testing.TB, devs []Device, m string) *Device {
	want := mac(t, m)
	for i := range devs {
		if devs[i].Key.MAC == want {
			return &devs[i]
		}
	}
	return nil
}

func roleOf(d *Device) string {
	if d == nil {
		return "<missing>"
	}
	return d.Role
}

func macsOf(d *Device) []string {
	var out []string
	for _, m := range d.MACs {
		out = append(out, m.MAC.String())
	}
	return out
}

func namesOf(d *Device) []string {
	var out []string
	for _, n := range d.Names {
		out = append(out, n.Name+"/"+n.Source)
	}
	return out
}
