package decode

import (
	"strings"
	"testing"
	"time"
)

// TestDecodeAllocatesNothing checks the fast path: ordinary frames of every
// kind, hand-built and from every shared capture, decode without a single
// allocation, with duplicate detection on.
func TestDecodeAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	built := []capFrame{
		{data: eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, seq(1, 12), []byte("modbus")))), link: LinkEthernet},
		{data: cat(macB[:], macA[:], vlanTag(0x8100, 10, 0x0800), ipv4Pkt(ProtoUDP, udpDgram([]byte("cip")))), link: LinkEthernet},
		{data: eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(ProtoTCP, 8), tcpSeg(TCPSyn, nil, nil)))), link: LinkEthernet},
		{data: eth(0x0806, arpPkt(1)), link: LinkEthernet},
		{data: cat(be32(2), ipv4Pkt(ProtoUDP, udpDgram(nil))), link: LinkLoop},
	}
	var frames []capFrame
	frames = append(frames, built...)
	for name, fs := range loadAll(t) {
		if !strings.HasPrefix(name, "testdata/") { // fragments allocate the pool, once
			frames = append(frames, fs...)
		}
	}
	d := NewDecoder(DefaultConfig())
	pass := int64(0)
	allocs := testing.AllocsPerRun(3, func() {
		pass++
		for _, f := range frames {
			// Each pass is an hour later, so no frame is a duplicate of the
			// previous pass and every frame takes the full path.
			d.Decode(f.data, f.link, f.ts+pass*int64(time.Hour), len(f.data))
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per pass over %d frames, want 0", allocs, len(frames))
	}
	if c := d.Counters(); c.Delivered < uint64(len(frames)) {
		t.Errorf("only %d of %d×passes frames delivered: the test does not exercise the fast path", c.Delivered, len(frames))
	}
}
