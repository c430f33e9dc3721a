package dissect

import "github.com/otsight/otsight/internal/record"

// maxRepeats bounds a Repeats set; when full it starts over, so a flood of
// distinct announcements costs memory, not correctness (some repeats are then
// written twice in a minute).
const maxRepeats = 4096

const minuteMicros = record.Micros(60_000_000)

// Repeats tells an announcement's first appearance in a UTC minute from its
// repeats. Devices announce themselves periodically (LLDP, CDP, SSDP, …):
// one record per minute and announcement says all there is to say.
// The zero value is ready to use.
type Repeats struct {
	seen   map[string]struct{}
	minute record.Micros
	key    []byte
}

// First reports whether the announcement b from ctx's sender (source MAC,
// VLAN and interface) is new in the minute of ctx.TS, and remembers it.
// Repeats are looked up without allocating.
func (r *Repeats) First(ctx *Context, b []byte) bool {
	if min := ctx.TS - ctx.TS%minuteMicros; min != r.minute || len(r.seen) >= maxRepeats || r.seen == nil {
		r.minute = min
		if r.seen == nil {
			r.seen = make(map[string]struct{})
		}
		clear(r.seen)
	}
	ep := ctx.Ep
	k := append(r.key[:0], ep.OrigMAC[:]...)
	k = append(k, byte(ep.VLAN>>8), byte(ep.VLAN))
	k = append(k, ep.Iface...)
	k = append(k, 0)
	k = append(k, b...)
	r.key = k
	if _, dup := r.seen[string(k)]; dup {
		return false
	}
	r.seen[string(k)] = struct{}{}
	return true
}
