package tcpfp

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// synFrames returns the SYN and SYN+ACK frames of a capture with their
// link types, for fuzz seeds and benchmarks.
func synFrames(tb testing.TB, rel string, max int) (frames [][]byte, links []decode.LinkType) {
	tb.Helper()
	src, err := capture.OpenFile(pcaptest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	for len(frames) < max {
		data, ci, err := src.Next()
		if errors.Is(err, io.EOF) || err != nil {
			break
		}
		if p, st := dec.Decode(data, ci.Link, ci.TS, ci.WireLen); st == decode.OK && IsFingerprintable(p) {
			frames = append(frames, append([]byte(nil), data...))
			links = append(links, ci.Link)
		}
	}
	return frames, links
}

var seedCaptures = []string{
	"s7comm/s7comm_reading_plc_status.pcap",
	"modbus/modbus-and-non-modbus-p502.pcap",
	"opcua/open62541_client-server_minimal.pcap",
	"it/var-services-std-ports.pcap",
}

// FuzzSignature: extraction from arbitrary frames never panics, and a
// signature written back as a file entry parses and matches its packet
// exactly (not fuzzy).
func FuzzSignature(f *testing.F) {
	for _, c := range seedCaptures {
		frames, links := synFrames(f, c, 8)
		for i := range frames {
			f.Add(frames[i], uint16(links[i]), uint16(1460))
		}
	}
	f.Add([]byte{0x45, 0, 0, 44, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x22, 0xff}, uint16(decode.LinkIPv4), uint16(0))
	cfg := decode.DefaultConfig()
	cfg.DedupWindow = 0
	dec := decode.NewDecoder(cfg)
	f.Fuzz(func(t *testing.T, frame []byte, link, synMSS uint16) {
		p, st := dec.Decode(frame, decode.LinkType(link), 1, len(frame))
		if st != decode.OK {
			return
		}
		s, ok := Extract(p, synMSS)
		if !ok {
			return
		}
		raw := s.String()
		if s.Dist() > maxDist || s.TTL == 0 {
			// "+?" asks a human for the distance, and p0f's own parser
			// rejects an initial TTL of 0 ("0+32"): neither is an entry.
			return
		}
		sec := "[tcp:request]"
		if s.SynAck {
			sec = "[tcp:response]"
		}
		set, err := Parse("fuzz", []byte(sec+"\nlabel = s:unix:Self:\nsig = "+raw+"\n"), "t")
		if err != nil {
			t.Fatalf("raw signature %s does not parse: %v", raw, err)
		}
		if m := set.Match(&s); m.Label() == nil || m.Fuzzy {
			t.Fatalf("raw signature %s does not match its own packet: %+v", raw, m)
		}
	})
}

// FuzzParseFile: the signature file parser never panics, and whatever it
// accepts re-parses from the entries' own text.
func FuzzParseFile(f *testing.F) {
	// Small seeds: the fuzzer slows to a crawl on inputs of tens of KiB, so
	// the files are cut into sections rather than added whole.
	seeds := [][]byte{builtinFP}
	if b, err := os.ReadFile(p0fFile); err == nil {
		seeds = append(seeds, b)
	}
	for _, b := range seeds {
		for _, sec := range strings.SplitAfter(string(b), "\n[") {
			if len(sec) > 4096 {
				sec = sec[:4096]
			}
			f.Add([]byte("classes = win,unix,other\n[" + sec))
		}
	}
	f.Add([]byte("[tcp:request]\nlabel = s:unix:L:\nsig = *:64+3:0:*:%8192,*:mss,?9,eol+2:df,id+,ts2+:*\n"))
	f.Add([]byte("classes = win\n[tcp:response]\nlabel = g:win:W:x\n;@conf low\nsig = 6:128-:0:1460:mtu*3,8::flow:+\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse("fuzz", data, "t")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "tcpfp: fuzz") {
				t.Fatalf("error without file name: %v", err)
			}
			return
		}
		for _, list := range [][]Entry{set.Request, set.Response} {
			for _, e := range list {
				if _, err := parseSig(e.Text); err != nil {
					t.Fatalf("accepted %q but it does not re-parse: %v", e.Text, err)
				}
			}
		}
	})
}
