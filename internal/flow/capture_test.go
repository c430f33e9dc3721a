package flow

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

// frame is one captured frame, read into memory.
type frame struct {
	data []byte
	ts   int64
	wire int
	link decode.LinkType
}

// readCapture reads every frame of a pcap or pcapng file (recognised by its
// magic number, whatever its extension).
func readCapture(tb testing.TB, path string) []frame {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open capture: %v", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	magic, err := r.Peek(4)
	if err != nil {
		tb.Fatalf("%s: read magic: %v", path, err)
	}
	var frames []frame
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(r, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		for {
			data, ci, err := ng.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Logf("%s: stopped after %d frames: %v", path, len(frames), err)
				break
			}
			ifc, err := ng.Interface(ci.InterfaceIndex)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			frames = append(frames, frame{data, ci.Timestamp.UnixNano(), ci.Length, decode.LinkType(ifc.LinkType)})
		}
		return frames
	}
	pr, err := pcapgo.NewReader(r)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	link := decode.LinkType(pr.LinkType())
	for {
		data, ci, err := pr.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Logf("%s: stopped after %d frames: %v", path, len(frames), err)
			break
		}
		frames = append(frames, frame{data, ci.Timestamp.UnixNano(), ci.Length, link})
	}
	return frames
}

// replay runs frames through a decoder (duplicate detection off, so every
// frame counts as tshark counts it) and a table, advancing the table's clock
// every second of packet time as the pipeline does, and flushes at the end.
// It returns how many packets the table accepted, or -1 if it refused a
// TCP, UDP, ICMP or ICMPv6 packet or accepted anything else.
func replay(tab *Table, frames []frame) (accepted int) {
	dec := decode.NewDecoder(decode.Config{})
	var last, advanced int64
	refused := false
	for _, f := range frames {
		p, st := dec.Decode(f.data, f.link, f.ts, f.wire)
		if st != decode.OK {
			continue
		}
		if p.TS-advanced >= int64(1e9) {
			tab.Advance(p.TS)
			advanced = p.TS
		}
		ip := p.L3 == decode.L3IPv4 || p.L3 == decode.L3IPv6
		switch p.Proto {
		case decode.ProtoTCP, decode.ProtoUDP, decode.ProtoICMP, decode.ProtoICMPv6:
		default:
			ip = false
		}
		if tab.Packet(p) != ip {
			refused = true
		}
		if ip {
			accepted++
		}
		last = max(last, p.TS)
	}
	tab.Flush(last)
	if refused {
		return -1
	}
	return accepted
}

// tuple names a connection by its endpoints, oriented as logged.
func tuple(c *record.Conn) string {
	return fmt.Sprintf("%s %s:%d>%s:%d", c.Proto, c.OrigH, c.OrigP, c.RespH, c.RespP)
}
