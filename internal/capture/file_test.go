package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// TestPcapMagics rewrites a real capture with each of the classic pcap
// magic numbers, in both byte orders, and expects identical frames back.
func TestPcapMagics(t *testing.T) {
	path := pcaptest.Path(t, "enip-cip/enip_cip_example.pcap")
	src, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	// Golden figures for this file: 776 frames, some cut short of their
	// wire length, so CapLen and WireLen must not be mixed up.
	if len(want) != 776 {
		t.Fatalf("%d frames, want 776", len(want))
	}
	for _, c := range []struct {
		name  string
		order endian
		magic uint32
	}{
		{"little-endian µs", binary.LittleEndian, magicMicro},
		{"big-endian µs", binary.BigEndian, magicMicro},
		{"little-endian ns", binary.LittleEndian, magicNano},
		{"big-endian ns", binary.BigEndian, magicNano},
		{"little-endian modified", binary.LittleEndian, magicModified},
		{"big-endian modified", binary.BigEndian, magicModified},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs := make([]rec, len(want))
			for i, f := range want {
				ns := uint32(f.info.TS % 1e9)
				recs[i] = rec{sec: uint32(f.info.TS / 1e9), frac: ns / 1000, wire: uint32(f.info.WireLen), data: f.data}
				if c.magic == magicNano {
					recs[i].frac = ns
				}
			}
			got, err := readBytes(t, buildPcap(c.order, c.magic, 1, recs...))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("frames differ from the original reading")
			}
		})
	}
}

// TestPcapNanoseconds checks that nanosecond fractions survive, which a
// rewritten microsecond capture cannot show.
func TestPcapNanoseconds(t *testing.T) {
	b := buildPcap(binary.BigEndian, magicNano, 101, rec{sec: 1700000000, frac: 123456789, wire: 60, data: []byte{0x45, 0}})
	got, err := readBytes(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []frame{{[]byte{0x45, 0}, Info{TS: 1700000000123456789, CapLen: 2, WireLen: 60, Link: decode.LinkRaw}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestLinkTypeMapping(t *testing.T) {
	for in, want := range map[uint32]decode.LinkType{
		0: decode.LinkNull, 1: decode.LinkEthernet, 9: decode.LinkPPP, 50: decode.LinkPPPHDLC,
		101: decode.LinkRaw, 12: decode.LinkRaw, 14: decode.LinkRaw, 108: decode.LinkLoop,
		113: decode.LinkSLL, 228: decode.LinkIPv4, 229: decode.LinkIPv6, 276: decode.LinkSLL2,
		// FCS length 4 with the F bit, as in the upper bits of a pcap
		// header's link-type field.
		0x1<<28 | 0x1<<26 | 1: decode.LinkEthernet,
		// Unsupported link types pass through for the decoder to count.
		147: 147, 127: 127,
	} {
		if got := linkTypeOf(in); got != want {
			t.Errorf("linkTypeOf(%#x) = %d, want %d", in, got, want)
		}
	}
	// An unsupported link type is not a file error.
	got, err := readBytes(t, buildPcap(binary.LittleEndian, magicMicro, 147, rec{sec: 1, wire: 3, data: []byte{1, 2, 3}}))
	if err != nil || len(got) != 1 || got[0].info.Link != 147 {
		t.Fatalf("got %+v, %v; want one frame with link type 147", got, err)
	}
}

// syntheticPcapng builds a file with two sections of opposite byte order,
// five interfaces with different link types and timestamp resolutions, all
// three packet block types and blocks a reader must skip. Wireshark 4.0
// reads the same seven frames from it, with the same timestamps, except
// that it gives the simple packet block none.
func syntheticPcapng() []byte {
	le, be := binary.LittleEndian, binary.BigEndian
	w := (&ngBuilder{}).section(le).
		iface(1, 64).                                                                          // 0: Ethernet, µs, snaplen 64
		iface(113, 0, optTSResol, []byte{9}, optTSOffset, le.AppendUint64(nil, 100)).          // 1: SLL, ns, +100 s
		block(4, []byte{1, 0, 9, 0, 10, 0, 0, 1, 'h', 'o', 's', 't', 0, 0, 0, 0, 0, 0, 0, 0}). // name resolution
		iface(101, 0, optTSResol, []byte{0x80 | 20}).                                          // 2: raw IP, 2^-20 s
		epb(0, rec{units: 1_700_000_000_123_456, wire: 60, data: []byte("eth0")}).
		block(0x80000001, []byte("local use")).
		epb(1, rec{units: 1_700_000_000_123_456_789, wire: 80, data: []byte("sll-frame")}).
		epb(2, rec{units: 1_700_000_000<<20 | 1<<19, wire: 20, data: []byte("raw")}).
		opb(1, rec{units: 1_700_000_001_000_000_001, wire: 7, data: []byte("obsolete")}).
		spb(100, bytes.Repeat([]byte{0xee}, 64)).      // interface 0 has snaplen 64
		block(5, le.AppendUint32(make([]byte, 8), 0)). // interface statistics
		block(0x0000000a, append(le.AppendUint32(le.AppendUint32(nil, 0x544c534b), 7), "secrets"...)).
		section(be).
		iface(0, 0, optTSResol, []byte{3}). // 0: BSD loopback, ms
		iface(1, 0).                        // 1: Ethernet, µs
		epb(1, rec{units: 1_800_000_000_000_001, wire: 14, data: []byte("be-eth")}).
		epb(0, rec{units: 1_800_000_000_002, wire: 4, data: []byte{0, 0, 0, 2}})
	return w.b
}

// TestPcapngSections reads syntheticPcapng.
func TestPcapngSections(t *testing.T) {
	got, err := readBytes(t, syntheticPcapng())
	if err != nil {
		t.Fatal(err)
	}
	want := []frame{
		{[]byte("eth0"), Info{TS: 1_700_000_000_123_456_000, CapLen: 4, WireLen: 60, Link: decode.LinkEthernet}},
		{[]byte("sll-frame"), Info{TS: 1_700_000_100_123_456_789, CapLen: 9, WireLen: 80, Link: decode.LinkSLL}},
		{[]byte("raw"), Info{TS: 1_700_000_000_500_000_000, CapLen: 3, WireLen: 20, Link: decode.LinkRaw}},
		{[]byte("obsolete"), Info{TS: 1_700_000_101_000_000_001, CapLen: 8, WireLen: 7, Link: decode.LinkSLL}},
		// A simple packet block has no timestamp: the previous one is kept.
		{bytes.Repeat([]byte{0xee}, 64), Info{TS: 1_700_000_101_000_000_001, CapLen: 64, WireLen: 100, Link: decode.LinkEthernet}},
		{[]byte("be-eth"), Info{TS: 1_800_000_000_000_001_000, CapLen: 6, WireLen: 14, Link: decode.LinkEthernet}},
		{[]byte{0, 0, 0, 2}, Info{TS: 1_800_000_000_002_000_000, CapLen: 4, WireLen: 4, Link: decode.LinkNull}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", dump(got), dump(want))
	}
}

func dump(fs []frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%q %+v\n", f.data, f.info)
	}
	return b.String()
}

// TestTimestampResolutions covers the arithmetic of if_tsresol.
func TestTimestampResolutions(t *testing.T) {
	for _, c := range []struct {
		resol uint8
		units uint64
		want  int64
	}{
		{0, 1_700_000_000, 1_700_000_000_000_000_000},
		{6, 1_700_000_000_000_001, 1_700_000_000_000_001_000},
		{9, 1_700_000_000_000_000_001, 1_700_000_000_000_000_001},
		{12, 12_345_678_901_234_567, 12_345_678_901_234}, // picoseconds
		{0x80 | 10, 1 << 10, 1e9},
		{0x80 | 30, 1_700_000_000<<30 | 1<<29, 1_700_000_000_500_000_000},
		{0x80, 3, 3e9},
	} {
		s, err := newTSScale(c.resol)
		if err != nil {
			t.Fatalf("resol %#x: %v", c.resol, err)
		}
		if got := s.nanos(c.units); got != c.want {
			t.Errorf("resol %#x, %d units: %d ns, want %d", c.resol, c.units, got, c.want)
		}
	}
	for _, resol := range []uint8{20, 0x80 | 64} {
		if _, err := newTSScale(resol); err == nil {
			t.Errorf("resol %#x accepted", resol)
		}
	}
}

// span is where one record or block lies in a file.
type span struct {
	start, end int
	packet     bool
}

// pcapSpans lists the file header and the records of a little-endian pcap
// file, walked independently of the reader.
func pcapSpans(b []byte) []span {
	out := []span{{0, pcapHeaderLen, false}}
	for off := pcapHeaderLen; off+16 <= len(b); {
		end := off + 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
		out = append(out, span{off, end, true})
		off = end
	}
	return out
}

// pcapngSpans lists the blocks of a little-endian pcapng file.
func pcapngSpans(b []byte) []span {
	var out []span
	for off := 0; off+8 <= len(b); {
		typ := binary.LittleEndian.Uint32(b[off:])
		end := off + int(binary.LittleEndian.Uint32(b[off+4:]))
		out = append(out, span{off, end, typ == blockEPB})
		off = end
	}
	return out
}

// TestTruncation cuts real captures at every byte offset: the reader must
// return exactly the frames wholly before the cut, then (unless the cut falls
// between two records) an error that wraps io.ErrUnexpectedEOF and points at
// the record the cut went through.
func TestTruncation(t *testing.T) {
	for _, c := range []struct {
		rel    string
		spans  func([]byte) []span
		frames int
	}{
		{"bacnet/bacnet_test.pcap", pcapSpans, 26},
		{"profinet/profinet_io_cm_read.pcapng", pcapngSpans, 18}, // two interfaces
		{"hart-ip/hart_ip.pcap", pcapngSpans, 116},               // pcapng despite its name, with a name resolution block
	} {
		t.Run(c.rel, func(t *testing.T) {
			whole := readFile(t, pcaptest.Path(t, c.rel))
			spans := c.spans(whole)
			if last := spans[len(spans)-1]; last.end != len(whole) {
				t.Fatalf("independent walk ends at %d of %d bytes", last.end, len(whole))
			}
			for cut := 0; cut <= len(whole); cut++ {
				checkCut(t, whole, spans, cut)
			}
			got, _ := readBytes(t, whole)
			if len(got) != c.frames {
				t.Fatalf("whole file: %d frames, want %d", len(got), c.frames)
			}
		})
	}
}

func checkCut(t *testing.T, whole []byte, spans []span, cut int) {
	t.Helper()
	var (
		frames   int
		boundary = cut == 0
		damaged  = -1 // start of the record the cut goes through
	)
	for _, s := range spans {
		switch {
		case s.end <= cut:
			if s.packet {
				frames++
			}
			boundary = s.end == cut
		case s.start < cut:
			damaged = s.start
		}
	}
	got, err := readBytes(t, whole[:cut])
	switch {
	case cut < 4:
		if !errors.Is(err, ErrNotCapture) {
			t.Fatalf("cut at %d: %v, want ErrNotCapture", cut, err)
		}
	case cut < spans[0].end:
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, io.ErrUnexpectedEOF) || fe.Offset != 0 {
			t.Fatalf("cut at %d, inside the file header: %v, want a truncation error at offset 0", cut, err)
		}
	case len(got) != frames:
		t.Fatalf("cut at %d: %d frames, want %d", cut, len(got), frames)
	case boundary && err != nil:
		t.Fatalf("cut at %d, between records: %v", cut, err)
	case !boundary:
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, io.ErrUnexpectedEOF) || fe.Offset != int64(damaged) || fe.Name != "test" {
			t.Fatalf("cut at %d: %v, want a truncation error in %q at offset %d", cut, err, "test", damaged)
		}
	}
}

// TestTruncatedFiles cuts a capture on disk, as a killed writer leaves it,
// and checks the message a user sees.
func TestTruncatedFiles(t *testing.T) {
	whole := readFile(t, pcaptest.Path(t, "bacnet/bacnet_test.pcap"))
	spans := pcapSpans(whole)
	dir := t.TempDir()
	for _, c := range []struct {
		cut     int
		frames  int
		message string
	}{
		{20, 0, "offset 0: truncated pcap file header: unexpected EOF"},
		{spans[1].start + 7, 0, "offset 24: truncated record header: unexpected EOF"},
		{spans[3].start + 20, 2, fmt.Sprintf("offset %d: truncated frame record (%d captured bytes announced): unexpected EOF", spans[3].start, spans[3].end-spans[3].start-16)},
		{spans[26].end - 1, 25, fmt.Sprintf("offset %d: truncated frame record", spans[26].start)},
		{spans[26].end, 26, ""},
	} {
		path := filepath.Join(dir, fmt.Sprintf("cut%d.pcap", c.cut))
		if err := os.WriteFile(path, whole[:c.cut], 0o600); err != nil {
			t.Fatal(err)
		}
		var got []frame
		src, err := OpenFile(path)
		if err == nil {
			got, err = readAll(t, src)
			src.Close()
		}
		switch {
		case len(got) != c.frames:
			t.Errorf("cut at %d: %d frames, want %d", c.cut, len(got), c.frames)
		case c.message == "" && err != nil:
			t.Errorf("cut at %d: %v", c.cut, err)
		case c.message != "" && (err == nil || !strings.HasPrefix(err.Error(), "capture: "+path+": "+c.message)):
			t.Errorf("cut at %d: error %v, want it to start with %q", c.cut, err, "capture: "+path+": "+c.message)
		}
	}
}

// TestCorrupt feeds damaged files: each must yield the frames before the
// damage, then a FileError at the damaged record with a clear reason.
func TestCorrupt(t *testing.T) {
	le := binary.LittleEndian
	good := rec{sec: 1, units: 1, wire: 4, data: []byte{1, 2, 3, 4}}
	huge := make([]byte, maxFrameLen+1)
	ng := func() *ngBuilder { return (&ngBuilder{}).section(le).iface(1, 0) }
	shbLen := len((&ngBuilder{}).section(le).b)
	idbLen := len(ng().b) - shbLen
	epbLen := len(ng().epb(0, good).b) - shbLen - idbLen // 56: a comment option included
	for _, c := range []struct {
		name   string
		file   []byte
		frames int
		offset int
		reason string
	}{
		{"pcap version", func() []byte { b := buildPcap(le, magicMicro, 1); b[4] = 3; return b }(), 0, 0, "unsupported pcap version 3.4"},
		{"pcap absurd caplen", buildPcap(le, magicMicro, 1, good, rec{data: huge}), 1, 44, "captured length 262145 exceeds the 262144-byte limit"},
		{"pcapng bad byte-order magic", func() []byte { b := ng().b; b[8] = 0; return b }(), 0, 0, "section header has no byte-order magic (found 00 3c 2b 1a)"},
		{"pcapng version", func() []byte { b := ng().b; b[12] = 2; return b }(), 0, 0, "unsupported pcapng version 2.0"},
		{"pcapng block length not a multiple of 4", append(ng().epb(0, good).b, 6, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0), 1, shbLen + idbLen + epbLen, "invalid length 13 in block of type 0x6"},
		{"pcapng absurd block length", append(ng().b, 6, 0, 0, 0, 0, 0, 0, 0x7f, 0, 0, 0, 0), 0, shbLen + idbLen, "invalid length 2130706432 in block of type 0x6"},
		{"pcapng absurd caplen", ng().epb(0, good).epb(0, rec{data: huge}).b, 1, shbLen + idbLen + epbLen, "captured length 262145 exceeds the 262144-byte limit"},
		{"pcapng trailer mismatch", func() []byte { b := ng().epb(0, good).b; b[len(b)-4]++; return b }(), 0, shbLen + idbLen, "block trailer says 57 bytes, header says 56"},
		{"pcapng skipped block trailer mismatch", func() []byte { b := ng().block(0xbad, []byte("xxxx")).b; b[len(b)-1] = 1; return b }(), 0, shbLen + idbLen, "block trailer says 16777232 bytes, header says 16"},
		{"pcapng unknown interface", ng().epb(0, good).epb(1, good).b, 1, shbLen + idbLen + epbLen, "packet on interface 1, but the section describes 1"},
		{"pcapng interfaces end with their section", ng().epb(0, good).section(le).epb(0, good).b, 1, shbLen + idbLen + epbLen + shbLen, "packet on interface 0, but the section describes 0"},
		{"pcapng caplen beyond block", func() []byte { b := ng().epb(0, good).b; le.PutUint32(b[shbLen+idbLen+20:], 40); return b }(), 0, shbLen + idbLen, "captured length 40 does not fit in a 56-byte block"},
		{"pcapng packet block shorter than its fixed fields", (&ngBuilder{}).section(le).iface(1, 0).block(blockEPB, make([]byte, 4)).b, 0, shbLen + idbLen, "packet block too short (16 bytes)"}, // found by FuzzOpenReader
		{"pcapng short packet block", (&ngBuilder{}).section(le).iface(1, 0).block(blockEPB, make([]byte, 16)).b, 0, shbLen + idbLen, "packet block too short (28 bytes)"},
		{"pcapng option overrun", (&ngBuilder{}).section(le).iface(1, 0, optTSResol, []byte{6}).b[:shbLen+idbLen-4], 0, 0, ""},
		{"pcapng bad tsresol", (&ngBuilder{}).section(le).iface(1, 0, optTSResol, []byte{30}).b, 0, shbLen, "interface 0: if_tsresol 10^-30 is finer than this reader supports"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readBytes(t, c.file)
			var fe *FileError
			if c.reason == "" {
				// Only that it fails cleanly.
				if err == nil {
					t.Fatalf("no error")
				}
				return
			}
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FileError", err, err)
			}
			if len(got) != c.frames || fe.Offset != int64(c.offset) || fe.Name != "test" || !strings.HasPrefix(err.Error(), fmt.Sprintf("capture: test: offset %d: %s", c.offset, c.reason)) {
				t.Fatalf("%d frames, error %q; want %d frames, then %q at offset %d", len(got), err, c.frames, c.reason, c.offset)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("corruption reported as truncation: %v", err)
			}
		})
	}
}

func TestNotCapture(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		content, message string
	}{
		{"GIF89a...", "not a pcap or pcapng file (magic 0x47494638)"},
		{"", "empty file: not a pcap or pcapng file"},
		{"\xd4\xc3", "not a pcap or pcapng file (only 2 bytes)"},
		{"\x1f\x8b\x08\x08...", "not a pcap or pcapng file (magic 0x1f8b0808: gzip-compressed; decompress it first)"},
		{"\x28\xb5\x2f\xfd...", "not a pcap or pcapng file (magic 0x28b52ffd: zstd-compressed; decompress it first)"},
	} {
		path := filepath.Join(dir, "capture.pcap")
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := OpenFile(path)
		if !errors.Is(err, ErrNotCapture) || err.Error() != "capture: "+path+": "+c.message {
			t.Errorf("%q: error %q, want %q wrapping ErrNotCapture", c.content, err, "capture: "+path+": "+c.message)
		}
	}
	if _, err := OpenFile(filepath.Join(dir, "missing.pcap")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

// TestReaders reads through readers that return little at a time or fail,
// which exercises the buffer's refill and growth paths.
func TestReaders(t *testing.T) {
	for _, rel := range []string{"profinet/profinet_io_cm.pcap", "dnp3/dnp3_example.pcap"} {
		whole := readFile(t, pcaptest.Path(t, rel))
		want, err := readBytes(t, whole)
		if err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]io.Reader{
			"one byte":      iotest.OneByteReader(bytes.NewReader(whole)),
			"half":          iotest.HalfReader(bytes.NewReader(whole)),
			"data with EOF": iotest.DataErrReader(bytes.NewReader(whole)),
		} {
			src, err := OpenReader(rel, r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, src)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s reader: %d frames, %v; want %d frames", rel, name, len(got), err, len(want))
			}
		}
		// A failing reader: the frames before the failure, then the
		// failure, named and placed.
		errDisk := errors.New("disk on fire")
		half := len(whole) / 2
		src, err := OpenReader(rel, io.MultiReader(bytes.NewReader(whole[:half]), iotest.ErrReader(errDisk)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, src)
		var fe *FileError
		if !errors.Is(err, errDisk) || !errors.As(err, &fe) || fe.Offset > int64(half) || len(got) == 0 || !reflect.DeepEqual(got, want[:len(got)]) {
			t.Errorf("%s, failing reader: %d frames, %v", rel, len(got), err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: a read error reported as truncation: %v", rel, err)
		}
	}
}

// TestLargeBlocks: blocks larger than the buffer, skipped or held.
func TestLargeBlocks(t *testing.T) {
	le := binary.LittleEndian
	big := bytes.Repeat([]byte("x"), 3<<20)
	w := (&ngBuilder{}).section(le).
		block(0x40000bad, big).                             // skipped without being held
		iface(1, 0, 1, big[:60000], optTSResol, []byte{9}). // held: a long comment
		epb(0, rec{units: 5, wire: 9, data: bytes.Repeat([]byte{7}, maxFrameLen)})
	// A reader without Len gets the full 1 MiB buffer and must cope.
	src, err := OpenReader("big", struct{ io.Reader }{bytes.NewReader(w.b)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, src)
	if err != nil || len(got) != 1 || got[0].info.CapLen != maxFrameLen || got[0].info.TS != 5 {
		t.Fatalf("got %d frames, %v", len(got), err)
	}
}

// TestFileClose: Stats runs alongside Next, and after Close, Next returns
// io.EOF and Stats the final count.
func TestFileClose(t *testing.T) {
	src, err := OpenFile(pcaptest.Path(t, "dnp3/dnp3_example.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	watched := make(chan uint64)
	go func() {
		var last uint64
		for {
			select {
			case <-stop:
				watched <- last
				return
			default:
				last = src.Stats()[0].Packets
			}
		}
	}()
	for range 100 {
		if _, _, err := src.Next(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if last := <-watched; last > 100 {
		t.Errorf("Stats saw %d frames of 100", last)
	}
	for range 2 {
		if err := src.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := src.Next(); err != io.EOF {
		t.Errorf("Next after Close: %v, want io.EOF", err)
	}
	if st := src.Stats(); st[0].Packets != 100 {
		t.Errorf("Stats after Close: %+v, want 100 packets", st)
	}
}
