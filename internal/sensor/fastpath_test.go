package sensor_test

import (
	"encoding/binary"
	"log/slog"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/sensor"
)

// tcpFrame builds an Ethernet/IPv4/TCP frame from 10.0.0.1:40001 to
// 10.0.0.2:40002 (ports no dissector registers) with the given flags,
// sequence numbers and payload. Checksums are left zero: the sensor does
// not verify them (capture offload makes them unreliable).
func tcpFrame(flags uint8, seq, ack uint32, payload []byte, fromServer bool) []byte {
	f := make([]byte, 14+20+20+len(payload))
	src, dst := [6]byte{2, 0, 0, 0, 0, 1}, [6]byte{2, 0, 0, 0, 0, 2}
	sip, dip := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	sp, dp := uint16(40001), uint16(40002)
	if fromServer {
		src, dst, sip, dip, sp, dp = dst, src, dip, sip, dp, sp
	}
	copy(f[0:6], dst[:])
	copy(f[6:12], src[:])
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
	copy(ip[12:16], sip[:])
	copy(ip[16:20], dip[:])
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 5<<4, flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	copy(tcp[20:], payload)
	return f
}

// TestUnclaimedFastPathAllocatesNothing checks the promise of the plant-IT
// issue: with every dissector in the table, a packet of an established
// connection that no dissector claims costs no allocation (its first
// payloads have been offered to the any-port heuristics and refused).
func TestUnclaimedFastPathAllocatesNothing(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	p := sensor.NewPipeline(sensor.DefaultConfig(), reg, &benchSink{}, slog.New(slog.DiscardHandler))
	ts := int64(1_700_000_000_000_000_000)
	ci := func() capture.Info {
		ts += 1000
		return capture.Info{TS: ts, Link: decode.LinkEthernet, WireLen: 0}
	}
	feed := func(f []byte) {
		info := ci()
		info.WireLen = len(f)
		p.Frame(f, info)
	}
	payload := make([]byte, 200)
	for i := range payload {
		payload[i] = byte(i * 7) // no protocol's first bytes
	}
	cseq, sseq := uint32(1000), uint32(5000)
	feed(tcpFrame(decode.TCPSyn, cseq, 0, nil, false))
	feed(tcpFrame(decode.TCPSyn|decode.TCPAck, sseq, cseq+1, nil, true))
	cseq++
	sseq++
	feed(tcpFrame(decode.TCPAck, cseq, sseq, nil, false))
	// Let the recognition tries run out in both directions.
	for range 8 {
		feed(tcpFrame(decode.TCPAck|decode.TCPPsh, cseq, sseq, payload, false))
		cseq += uint32(len(payload))
		feed(tcpFrame(decode.TCPAck|decode.TCPPsh, sseq, cseq, payload, true))
		sseq += uint32(len(payload))
	}
	frames := make([][]byte, 4096)
	for i := range frames {
		frames[i] = tcpFrame(decode.TCPAck|decode.TCPPsh, cseq, sseq, payload, i%2 == 1)
		if i%2 == 0 {
			cseq += uint32(len(payload))
		} else {
			sseq += uint32(len(payload))
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(len(frames)-1, func() {
		feed(frames[i])
		i++
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per unclaimed TCP packet, want 0", allocs)
	}
	if s := p.Summary(); s.Frames != uint64(3+16+len(frames)) {
		t.Errorf("pipeline saw %d frames, want %d", s.Frames, 3+16+len(frames))
	}
}
