package flow

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// zeekConns is what Zeek's own test suite (testing/btest/Baseline in
// zeek/zeek at a13de64fbbdb) logs in conn.log for the captures that came
// from it, one connection per line: proto orig_h orig_p resp_h resp_p
// conn_state history duration(µs) orig_bytes resp_bytes orig_pkts
// orig_ip_bytes resp_pkts resp_ip_bytes. Zeek leaves duration and bytes
// unset ("-") when the duration is zero; this table records them anyway.
var zeekConns = map[string]string{
	"it/wikipedia.pcap": `
		udp 141.142.220.202 5353 224.0.0.251 5353 S0 D - - - 1 73 0 0
		udp fe80::217:f2ff:fed7:cf65 5353 ff02::fb 5353 S0 D - - - 1 199 0 0
		udp 141.142.220.50 5353 224.0.0.251 5353 S0 D - - - 1 179 0 0
		udp 141.142.220.118 43927 141.142.2.2 53 SF Dd 435 38 89 1 66 1 117
		udp 141.142.220.118 37676 141.142.2.2 53 SF Dd 420 52 99 1 80 1 127
		udp 141.142.220.118 40526 141.142.2.2 53 SF Dd 392 38 183 1 66 1 211
		udp 141.142.220.118 32902 141.142.2.2 53 SF Dd 317 38 89 1 66 1 117
		udp 141.142.220.118 59816 141.142.2.2 53 SF Dd 343 52 99 1 80 1 127
		udp 141.142.220.118 59714 141.142.2.2 53 SF Dd 375 38 183 1 66 1 211
		udp 141.142.220.118 58206 141.142.2.2 53 SF Dd 339 38 89 1 66 1 117
		udp 141.142.220.118 38911 141.142.2.2 53 SF Dd 335 52 99 1 80 1 127
		udp 141.142.220.118 59746 141.142.2.2 53 SF Dd 421 38 183 1 66 1 211
		udp 141.142.220.118 45000 141.142.2.2 53 SF Dd 384 38 89 1 66 1 117
		udp 141.142.220.118 48479 141.142.2.2 53 SF Dd 317 52 99 1 80 1 127
		udp 141.142.220.118 48128 141.142.2.2 53 SF Dd 423 38 183 1 66 1 211
		udp 141.142.220.118 56056 141.142.2.2 53 SF Dd 402 36 131 1 64 1 159
		udp 141.142.220.118 55092 141.142.2.2 53 SF Dd 374 36 198 1 64 1 226
		udp 141.142.220.44 5353 224.0.0.251 5353 S0 D - - - 1 85 0 0
		udp 141.142.220.226 137 141.142.220.255 137 S0 D 2613017 350 0 7 546 0 0
		udp fe80::3074:17d5:2052:c324 65373 ff02::1:3 5355 S0 D 100096 66 0 2 162 0 0
		udp 141.142.220.226 55131 224.0.0.252 5355 S0 D 100021 66 0 2 122 0 0
		udp fe80::3074:17d5:2052:c324 54213 ff02::1:3 5355 S0 D 99801 66 0 2 162 0 0
		udp 141.142.220.226 55671 224.0.0.252 5355 S0 D 99849 66 0 2 122 0 0
		udp 141.142.220.238 56641 141.142.220.255 137 S0 D - - - 1 78 0 0
		tcp 141.142.220.118 35634 208.80.152.2 80 OTH DdA 61329 463 350 2 567 1 402
		tcp 141.142.220.118 35642 208.80.152.2 80 S1 ShADad 120041 534 412 4 750 3 576
		tcp 141.142.220.118 49996 208.80.152.3 80 S1 ShADad 218501 1171 733 6 1491 4 949
		tcp 141.142.220.118 49997 208.80.152.3 80 S1 ShADad 219720 1125 734 6 1445 4 950
		tcp 141.142.220.118 49998 208.80.152.3 80 S1 ShADad 215893 1130 734 6 1450 4 950
		tcp 141.142.220.118 49999 208.80.152.3 80 S1 ShADad 220961 1137 733 6 1457 4 949
		tcp 141.142.220.118 50000 208.80.152.3 80 S1 ShADad 229603 1148 734 6 1468 4 950
		tcp 141.142.220.118 50001 208.80.152.3 80 S1 ShADad 227284 1178 734 6 1498 4 950
		tcp 141.142.220.118 48649 208.80.152.118 80 S1 ShADad 119905 525 232 4 741 3 396
		tcp 141.142.220.235 6705 173.192.163.128 80 OTH ^h - - - 0 0 1 48
`,
	"modbus/modbus-and-non-modbus-p502.pcap": `
		tcp 10.0.0.9 3082 10.0.0.3 502 SF ShADdFaf 177095534 72 69 16 720 9 437
		tcp 87.236.176.106 38129 192.168.10.111 502 SF ShADadFf 5102604 72 9 6 392 4 225
		tcp 87.236.176.96 60175 192.168.10.111 502 SF ShADadFf 5052092 44 9 6 364 4 225
		tcp 66.175.213.4 58380 192.168.10.111 502 SF ShADadFf 59999857 138 9 9 610 7 377
		tcp 198.74.56.135 60293 192.168.10.111 502 RSTO ShR 117322 0 0 2 80 1 44
		tcp 198.74.56.135 60293 192.168.10.111 502 RSTRH Dr 54 109 0 1 149 1 40
		tcp 159.203.208.13 33752 192.168.10.113 502 SF ShADadFf 470159 24 9 6 344 4 225
		tcp 62.122.184.123 7488 192.168.10.111 502 SF ShADadFf 30159557 43 9 6 295 4 181
`,
	"modbus/modbus-eit.pcap": `
		tcp 192.168.2.42 54297 192.168.88.100 502 OTH Dd 22532 11 18 1 51 1 58
		tcp 192.168.2.42 54298 192.168.88.100 502 OTH Dd 3019519 11 9 1 51 1 49
`,
	"it/dhcp.pcap": `
		udp 0.0.0.0 68 255.255.255.255 67 S0 D 5099034 1560 0 6 1728 0 0
		udp 128.2.6.97 68 128.2.6.152 67 SHR ^d - - - 0 0 1 395
		udp 128.2.6.189 68 128.2.6.152 67 SHR ^d - - - 0 0 1 395
		udp 128.2.6.152 67 255.255.255.255 68 S0 D - - - 1 328 0 0
`,
	"it/http_get.pcap": `
		tcp 141.142.228.5 59856 192.150.187.43 80 SF ShADadFf 211484 136 5007 7 512 7 5379
`,
}

// zeekLine formats a record as a zeekConns line.
func zeekLine(c *record.Conn) string {
	dur, ob, rb := "-", "-", "-"
	if c.Duration > 0 {
		dur, ob, rb = fmt.Sprint(int64(c.Duration)), fmt.Sprint(c.OrigBytes), fmt.Sprint(c.RespBytes)
	}
	return fmt.Sprintf("%s %s %d %s %d %s %s %s %s %s %d %d %d %d", c.Proto, c.OrigH, c.OrigP, c.RespH, c.RespP,
		c.ConnState, c.History, dur, ob, rb, c.OrigPkts, c.OrigIPBytes, c.RespPkts, c.RespIPBytes)
}

// The connections of captures from Zeek's test suite match Zeek's conn.log
// field for field: orientation, conn_state, history, duration, bytes from
// sequence numbers, packets and IP bytes.
func TestMatchesZeekConnLog(t *testing.T) {
	for name, table := range zeekConns {
		t.Run(name, func(t *testing.T) {
			s := newSink(t)
			replay(New(Config{}, nil, s.emit, 1), readCapture(t, pcaptest.Path(t, name)))
			var got, want []string
			for _, c := range s.conns {
				got = append(got, zeekLine(c))
			}
			for _, l := range strings.Split(strings.TrimSpace(table), "\n") {
				want = append(want, strings.TrimSpace(l))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
