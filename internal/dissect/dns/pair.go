package dns

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Query/response matching, and its limits.
//
// A query waits in its flow's pending table until the response with the same
// transaction id arrives; the pair becomes one dns record with the RTT. A
// query sent to a group address (multicast, broadcast) is written at once:
// its answers come back on other flows (mDNS, LLMNR, NBNS broadcast lookups)
// and are written as response-only records. A response without a pending
// query is written alone. Retransmissions of a pending query are not written
// again.
//
// A query still waiting is written as query-only when the flow carries
// another message more than pendingTimeout later, when the table is full (its
// oldest entry goes out), or when the flow ends (parser.Close).
const (
	pendingTimeout = 60 * 1_000_000 // record.Micros
	maxPending     = 16
)

type pendingQuery struct {
	id  uint16
	ts  record.Micros
	rec *record.DNS
}

// pendingQueries is a small FIFO of queries waiting for their response.
type pendingQueries struct {
	q []pendingQuery
}

func (t *pendingQueries) find(id uint16) int {
	for i := range t.q {
		if t.q[i].id == id {
			return i
		}
	}
	return -1
}

func (t *pendingQueries) remove(i int) *record.DNS {
	r := t.q[i].rec
	copy(t.q[i:], t.q[i+1:])
	t.q[len(t.q)-1] = pendingQuery{}
	t.q = t.q[:len(t.q)-1]
	return r
}

// add queues a query, writing out the oldest when the table is full.
func (t *pendingQueries) add(ctx *dissect.Context, id uint16, rec *record.DNS) {
	if len(t.q) >= maxPending {
		ctx.Out.Record(ctx, t.remove(0))
	}
	t.q = append(t.q, pendingQuery{id: id, ts: rec.TS, rec: rec})
}

// expire writes out queries that have waited longer than pendingTimeout.
func (t *pendingQueries) expire(ctx *dissect.Context) {
	for len(t.q) > 0 && ctx.TS-t.q[0].ts > pendingTimeout {
		ctx.Out.Record(ctx, t.remove(0))
	}
}

// toGroup reports whether the flow's responder is a group address, so that
// replies to its queries come back on other flows: a multicast or broadcast
// MAC, a multicast IP, 255.255.255.255, or (for captures without MACs) an
// IPv4 address ending in .255, taken as a subnet broadcast. A wrong guess
// only splits one exchange into a query-only and a response-only record.
func toGroup(ep *dissect.Endpoints) bool {
	if ep.RespMAC[0]&1 != 0 {
		return true
	}
	a := ep.RespH
	if a.IsMulticast() {
		return true
	}
	if a.Is4() {
		b := a.As4()
		return b == [4]byte{255, 255, 255, 255} || b[3] == 255
	}
	return false
}
