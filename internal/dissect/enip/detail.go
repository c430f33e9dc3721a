package enip

import (
	"strconv"
	"strings"
)

// maxCached bounds each detail cache; a peer that sends ever new paths only
// makes the caches start over.
const maxCached = 512

// details builds Detail strings once and caches them, so that the steady
// state of a connection (the same few paths polled again and again) does not
// allocate.
type details struct {
	paths map[uint64]string
	tags  map[string]string
	svcs  map[uint64]string
}

func pathKey(m *cipMsg) uint64 {
	k := uint64(m.class)<<34 | uint64(m.inst)
	if m.hasClass {
		k |= 1 << 32
	}
	if m.hasInst {
		k |= 1 << 33
	}
	if m.routed {
		k |= 1<<63 | uint64(m.route&0x0fff)<<50
	}
	return k
}

// path returns "class=0x6b inst=1", "tag=Name" or "" for a request path,
// with " route=1/2" (port/link of the first hop) for a request that
// arrived through Unconnected_Send.
func (d *details) path(m *cipMsg) string {
	if m.tag != nil {
		if s, ok := d.tags[string(m.tag)]; ok {
			return s
		}
		if d.tags == nil || len(d.tags) >= maxCached {
			d.tags = map[string]string{}
		}
		s := "tag=" + printable(m.tag, 40)
		d.tags[string(m.tag)] = s
		return s
	}
	if !m.hasClass && !m.hasInst && !m.routed {
		return ""
	}
	k := pathKey(m)
	if s, ok := d.paths[k]; ok {
		return s
	}
	if d.paths == nil || len(d.paths) >= maxCached {
		d.paths = map[uint64]string{}
	}
	var b strings.Builder
	if m.hasClass {
		b.WriteString("class=0x")
		if m.class > 0xff {
			b.WriteString(hexCodes[m.class>>8])
		}
		b.WriteString(hexCodes[m.class&0xff])
	}
	if m.hasInst {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("inst=")
		b.WriteString(strconv.FormatUint(uint64(m.inst), 10))
	}
	if m.routed {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("route=")
		b.WriteString(routeText(m.route))
	}
	s := b.String()
	d.paths[k] = s
	return s
}

// maxListed bounds the embedded services listed for a
// Multiple_Service_Packet.
const maxListed = 6

// serviceList collects the distinct embedded services of a
// Multiple_Service_Packet in order of first appearance.
type serviceList struct {
	n    int
	svcs [maxListed]uint8
	more bool
}

func (l *serviceList) add(svc uint8) {
	for _, s := range l.svcs[:l.n] {
		if s == svc {
			return
		}
	}
	if l.n == maxListed {
		l.more = true
		return
	}
	l.svcs[l.n] = svc
	l.n++
}

// services returns "svc=4c,4d" for the embedded services.
func (d *details) services(l *serviceList) string {
	if l.n == 0 {
		return ""
	}
	var k uint64
	for _, s := range l.svcs[:l.n] {
		k = k<<8 | uint64(s)
	}
	k |= uint64(l.n) << 56
	if l.more {
		k |= 1 << 55
	}
	if s, ok := d.svcs[k]; ok {
		return s
	}
	if d.svcs == nil || len(d.svcs) >= maxCached {
		d.svcs = map[uint64]string{}
	}
	var b strings.Builder
	b.WriteString("svc=")
	for i, s := range l.svcs[:l.n] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(hexCodes[s])
	}
	if l.more {
		b.WriteString(",…")
	}
	str := b.String()
	d.svcs[k] = str
	return str
}

// printable returns b as text with at most n bytes, non-printable bytes
// replaced by '.', so that names from the wire cannot inject control
// characters into records.
func printable(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}

// routeText returns "port/link" for a route hop.
func routeText(r uint16) string {
	return strconv.Itoa(int(r>>8)) + "/" + strconv.Itoa(int(r&0xff))
}
