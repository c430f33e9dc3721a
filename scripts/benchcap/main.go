// Command benchcap builds the capture that scripts/bench.sh replays through
// otsight, tshark and Suricata: every shared capture, one file after another,
// round after round, until the output reaches a target size.
//
// Each round is the same traffic later in time and between other hosts:
//
//   - Time only moves forward, across files and rounds. Inside a file the
//     recorded gaps between frames are kept, except that a step backwards
//     becomes zero and a gap longer than -max-gap is shortened to it (a few
//     shared captures jump by years, which would overflow 64-bit nanoseconds
//     after a few dozen rounds). -max-gap defaults to above every default
//     inactivity timeout, so a shortened gap still expires what it expired.
//     Files follow each other -file-gap apart.
//   - Round r XORs r (mod 256) into the third octet of every unicast IPv4
//     address and into byte 12 of every unicast IPv6 address. Both directions
//     of a connection change alike, so round r's connections are new ones, not
//     continuations of round r-1's that a flow table would find hot in cache.
//     Subnet-broadcast last octets, IPv6 solicited-node low 24 bits, multicast,
//     loopback and unspecified addresses are left alone, as is everything
//     else in the frame: IP and transport checksums are now wrong. otsight
//     never verifies checksums, tshark does not by default, and bench.sh runs
//     Suricata with -k none.
//
// The output is pcapng with nanosecond timestamps. By default it holds the
// Ethernet captures only (140 files, 76,630 of the 78,533 shared frames):
// libpcap, through which Suricata reads files, accepts a pcapng file only if
// all its interfaces have one link type. -all-links keeps every capture,
// with one interface description block per link type; otsight and tshark
// read that file, Suricata does not. The output depends only on the inputs
// and the flags. A one-line JSON description of what was written goes to
// standard output.
//
// Usage:
//
//	go run ./scripts/benchcap -pcaps ../shared/pcaps -size 1073741824 -o bench-out/bench.pcapng
//
// benchcap is a development tool, not part of the product binary.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
)

// startTime is where the output's clock begins: a fixed instant, so that
// the output does not depend on when it was built, and a recent one, so that
// no tool takes the capture for a damaged file.
var startTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "benchcap: %v\n", err)
		os.Exit(1)
	}
}

// options are benchcap's flags.
type options struct {
	pcaps    string
	out      string
	size     int64
	maxGap   time.Duration
	fileGap  time.Duration
	allLinks bool
}

// run is benchcap: the description goes to stdout, warnings about the
// inputs (skipped files and frames, damaged captures) to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	var o options
	fl := flag.NewFlagSet("benchcap", flag.ContinueOnError)
	fl.StringVar(&o.pcaps, "pcaps", "../shared/pcaps", "`DIR` holding the shared captures (searched recursively)")
	fl.StringVar(&o.out, "o", "", "write the benchmark capture to `FILE` (required)")
	fl.Int64Var(&o.size, "size", 1<<30, "stop at the first frame that brings the output to `BYTES` or more (one frame at least)")
	fl.DurationVar(&o.maxGap, "max-gap", 10*time.Minute, "shorten longer gaps between consecutive frames of a file to this")
	fl.BoolVar(&o.allLinks, "all-links", false, "keep captures of every link type, not only Ethernet (Suricata cannot read the result)")
	fl.DurationVar(&o.fileGap, "file-gap", time.Second, "time between the last frame of a file and the first of the next")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if o.out == "" || fl.NArg() != 0 || o.size <= 0 || o.maxGap < 0 || o.fileGap < 0 {
		fl.Usage()
		return errors.New("bad usage")
	}
	in, err := load(o.pcaps, o.allLinks, stderr)
	if err != nil {
		return err
	}
	if len(in.frames) == 0 {
		return fmt.Errorf("no frames in the captures under %s", o.pcaps)
	}
	in.space(o.maxGap, o.fileGap)
	desc, err := write(o.out, in, o.size)
	if err != nil {
		return err
	}
	desc.MaxGap, desc.FileGap = o.maxGap.String(), o.fileGap.String()
	return json.NewEncoder(stdout).Encode(desc)
}

// frame is one input frame: where its bytes are in inputs.arena, and how
// long after the previous frame of the round it comes once spaced.
type frame struct {
	off, capLen int
	wireLen     int
	link        decode.LinkType
	ts          int64 // as recorded
	delta       int64 // after space: nanoseconds since the previous frame
	first       bool  // first frame of its file
}

// inputs holds every frame of every capture, in file order.
type inputs struct {
	files  int
	arena  []byte
	frames []frame
}

// load reads every capture under dir, in path order. Files that are not
// captures are skipped; a damaged capture contributes the frames before the
// damage, as it does to `otsight analyze`.
func load(dir string, allLinks bool, warn io.Writer) (*inputs, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list captures: %w", err)
	}
	slices.Sort(paths)
	in := &inputs{}
	for _, p := range paths {
		if err := in.add(p, allLinks, warn); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// add appends the frames of the capture at path.
func (in *inputs) add(path string, allLinks bool, warn io.Writer) error {
	src, err := capture.OpenFile(path)
	if errors.Is(err, capture.ErrNotCapture) {
		fmt.Fprintf(warn, "benchcap: skipping %v\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	defer src.Close()
	first, skipped := true, 0
	defer func() {
		if skipped > 0 {
			fmt.Fprintf(warn, "benchcap: %s: skipped %d frames that are not Ethernet\n", path, skipped)
		}
	}()
	for {
		data, ci, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			fmt.Fprintf(warn, "benchcap: %v (keeping the frames before it)\n", err)
			return nil
		}
		if !allLinks && ci.Link != decode.LinkEthernet {
			skipped++
			continue
		}
		if first {
			in.files++
		}
		in.frames = append(in.frames, frame{
			off: len(in.arena), capLen: len(data), wireLen: ci.WireLen,
			link: ci.Link, ts: ci.TS, first: first,
		})
		in.arena = append(in.arena, data...)
		first = false
	}
}

// space sets every frame's delta: fileGap before the first frame of a file,
// otherwise the recorded gap clamped to [0, maxGap].
func (in *inputs) space(maxGap, fileGap time.Duration) {
	var prev int64
	for i := range in.frames {
		f := &in.frames[i]
		if f.first {
			f.delta = int64(fileGap)
		} else {
			f.delta = min(max(f.ts-prev, 0), int64(maxGap))
		}
		prev = f.ts
	}
}

// description is what benchcap prints once the capture is written.
type description struct {
	File           string         `json:"file"`
	FileBytes      int64          `json:"file_bytes"`
	Frames         int64          `json:"frames"`
	WireBytes      int64          `json:"wire_bytes"`
	CapturedBytes  int64          `json:"captured_bytes"`
	InputFiles     int            `json:"input_files"`
	FramesPerRound int            `json:"frames_per_round"`
	Rounds         float64        `json:"rounds"`
	FirstTS        string         `json:"first_ts"`
	LastTS         string         `json:"last_ts"`
	LinkTypes      map[string]int `json:"link_types"` // frames per round by link type
	MaxGap         string         `json:"max_gap"`
	FileGap        string         `json:"file_gap"`
}

// write replays the inputs round after round into path until size bytes
// are written. The file is written under a temporary name and renamed, so a
// run that fails leaves no truncated capture for bench.sh to reuse.
func write(path string, in *inputs, size int64) (*description, error) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	defer os.Remove(tmp) // after a successful rename this finds nothing
	bw := bufio.NewWriterSize(f, 1<<20)
	w := &ngWriter{w: bw}

	// One interface per link type, in link-type order.
	byLink := map[decode.LinkType]int{}
	for _, fr := range in.frames {
		byLink[fr.link]++
	}
	links := slices.Sorted(maps.Keys(byLink))
	ifaceOf := map[decode.LinkType]uint32{}
	w.sectionHeader()
	for i, l := range links {
		w.interfaceDescription(uint16(l))
		ifaceOf[l] = uint32(i)
	}

	d := &description{File: path, InputFiles: in.files, FramesPerRound: len(in.frames), LinkTypes: map[string]int{}}
	for l, n := range byLink {
		d.LinkTypes[fmt.Sprint(uint16(l))] = n
	}
	scratch := make([]byte, 0, 1<<16)
	clock := startTime
	round := 0
	i := 0
	for (d.Frames == 0 || w.n < size) && w.err == nil {
		fr := &in.frames[i]
		if d.Frames > 0 { // the output starts at startTime exactly
			clock += fr.delta
		}
		scratch = append(scratch[:0], in.arena[fr.off:fr.off+fr.capLen]...)
		vary(scratch, fr.link, uint8(round))
		w.enhancedPacket(ifaceOf[fr.link], clock, scratch, fr.wireLen)
		if d.Frames == 0 {
			d.FirstTS = time.Unix(0, clock).UTC().Format(time.RFC3339Nano)
		}
		d.Frames++
		d.WireBytes += int64(fr.wireLen)
		d.CapturedBytes += int64(fr.capLen)
		if i++; i == len(in.frames) {
			i = 0
			round++
		}
	}
	d.LastTS = time.Unix(0, clock).UTC().Format(time.RFC3339Nano)
	d.Rounds = float64(round) + float64(i)/float64(len(in.frames))
	d.FileBytes = w.n
	if w.err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", tmp, w.err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("rename output: %w", err)
	}
	return d, nil
}
