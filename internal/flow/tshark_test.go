package flow

import (
	"fmt"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
)

// TCP packet counts per conversation agree with tshark 4.0's
// `tshark -r FILE -q -z conv,tcp`. tshark has one conversation per address
// and port pair for the whole capture; the table splits a pair into several
// connections (reuse, timeouts), so counts are summed per pair and
// direction. These files were checked conversation by conversation; a few
// conversations of each are pinned here.
func TestTCPCountsMatchTshark(t *testing.T) {
	type conv struct {
		a, b       string // "addr:port" as tshark prints them
		aToB, bToA uint64
	}
	cases := []struct {
		file         string
		pairs        int    // tshark conversations
		frames       uint64 // TCP frames in them
		conns        int    // connections the table logs for them
		conversation []conv
	}{
		{"modbus/mb2.pcap", 80, 13393, 82, []conv{
			{"141.81.0.10:60673", "141.81.0.146:102", 403, 609},
			{"141.81.0.10:60674", "141.81.0.166:102", 387, 585},
			{"141.81.0.10:62717", "141.81.0.23:44818", 332, 384},
			{"141.81.0.10:52593", "141.81.0.63:44818", 309, 350},
		}},
		{"enip-cip/EthernetIP-CIP.pcap", 4, 10880, 4, []conv{
			{"141.81.0.10:62717", "141.81.0.23:44818", 1291, 1539},
			{"141.81.0.63:44818", "141.81.0.10:52593", 1499, 1269},
			{"141.81.0.10:52594", "141.81.0.43:44818", 1244, 1496},
			{"141.81.0.10:50275", "141.81.0.83:44818", 1102, 1440},
		}},
		{"s7comm/s7comm_reading_plc_status.pcap", 3, 238, 5, []conv{
			{"192.168.1.10:4305", "192.168.1.40:102", 148, 86},
			{"192.168.1.40:49196", "192.168.1.10:102", 2, 0},
			{"192.168.1.40:49197", "192.168.1.10:102", 2, 0},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s := newSink(t)
			replay(New(Config{}, nil, s.emit, 1), readCapture(t, pcaptest.Path(t, tc.file)))
			sent := map[string]uint64{} // "src>dst" → packets
			pairs := map[string]bool{}
			conns := 0
			var frames uint64
			for _, c := range s.conns {
				if c.Proto != "tcp" {
					continue
				}
				conns++
				frames += c.OrigPkts + c.RespPkts
				o, r := fmt.Sprintf("%s:%d", c.OrigH, c.OrigP), fmt.Sprintf("%s:%d", c.RespH, c.RespP)
				sent[o+">"+r] += c.OrigPkts
				sent[r+">"+o] += c.RespPkts
				pairs[min(o, r)+" "+max(o, r)] = true
			}
			if len(pairs) != tc.pairs || frames != tc.frames || conns != tc.conns {
				t.Errorf("%d pairs, %d frames, %d connections; want %d, %d, %d", len(pairs), frames, conns, tc.pairs, tc.frames, tc.conns)
			}
			for _, cv := range tc.conversation {
				if ab, ba := sent[cv.a+">"+cv.b], sent[cv.b+">"+cv.a]; ab != cv.aToB || ba != cv.bToA {
					t.Errorf("%s <-> %s: %d/%d packets, tshark %d/%d", cv.a, cv.b, ab, ba, cv.aToB, cv.bToA)
				}
			}
		})
	}
}
