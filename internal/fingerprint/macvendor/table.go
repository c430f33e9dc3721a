package macvendor

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed vendors.tsv.gz
var vendorsGz []byte

// entry is one distinct registered prefix.
type entry struct {
	vendor string
	prefix string
}

// level holds all prefixes of one length, sorted by key for binary search.
// Keys and entries are kept in parallel slices so the search touches only
// the dense key array.
type level struct {
	bits    int
	keys    []uint64
	entries []entry
}

func (l *level) find(key uint64) (entry, bool) {
	i, ok := slices.BinarySearch(l.keys, key)
	if !ok {
		return entry{}, false
	}
	return l.entries[i], true
}

// table is the decoded registry. levels is ordered longest prefix first.
type table struct {
	version string
	levels  [3]level
	// rows counts the registry records per registry name as generated,
	// before duplicate prefixes were merged.
	rows map[string]int
}

var (
	tableOnce sync.Once
	theTable  *table
)

// loadTable decodes the embedded table on first use. The table is produced
// by our own generator and embedded at build time, so a decoding failure is
// a build defect and panics rather than degrading silently.
func loadTable() *table {
	tableOnce.Do(func() {
		t, err := parseTable(vendorsGz)
		if err != nil {
			panic(fmt.Sprintf("macvendor: embedded vendors.tsv.gz: %v", err))
		}
		theTable = t
	})
	return theTable
}

func parseTable(gz []byte) (*table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	// One string for the whole text: vendor names below are substrings of
	// it, so the table costs a single allocation for all names.
	text := string(raw)

	header, body, ok := strings.Cut(text, "\n")
	if !ok || !strings.HasPrefix(header, "# otsight macvendor; ieee-data ") {
		return nil, fmt.Errorf("bad header %q", header)
	}
	version, _, _ := strings.Cut(strings.TrimPrefix(header, "# otsight macvendor; ieee-data "), ";")

	t := &table{version: version, rows: make(map[string]int)}
	t.levels[0].bits, t.levels[1].bits, t.levels[2].bits = 36, 28, 24
	var prefixes strings.Builder
	type span struct{ lvl, idx, off, n int }
	var spans []span

	for lineNo := 2; body != ""; lineNo++ {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		f, ok := splitFields(line)
		if !ok {
			return nil, fmt.Errorf("line %d: want 4 tab-separated fields: %q", lineNo, line)
		}
		bits, err := strconv.Atoi(f[1])
		if err != nil || len(f[2])*4 != bits {
			return nil, fmt.Errorf("line %d: bad prefix %q/%q", lineNo, f[2], f[1])
		}
		key, err := strconv.ParseUint(f[2], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad prefix %q: %w", lineNo, f[2], err)
		}
		li := slices.IndexFunc(t.levels[:], func(l level) bool { return l.bits == bits })
		if li < 0 {
			return nil, fmt.Errorf("line %d: unsupported prefix length %d", lineNo, bits)
		}
		t.rows[f[0]]++
		l := &t.levels[li]
		n := len(l.keys)
		switch {
		case n > 0 && l.keys[n-1] == key:
			// The registry reassigned a few early prefixes; keep every
			// holder rather than guess which one built the device.
			l.entries[n-1].vendor += "; " + f[3]
			continue
		case n > 0 && l.keys[n-1] > key:
			return nil, fmt.Errorf("line %d: prefix %s out of order", lineNo, f[2])
		}
		l.keys = append(l.keys, key)
		l.entries = append(l.entries, entry{vendor: f[3]})
		off := prefixes.Len()
		writeColonHex(&prefixes, f[2])
		spans = append(spans, span{li, n, off, prefixes.Len() - off})
	}
	all := prefixes.String()
	for _, s := range spans {
		t.levels[s.lvl].entries[s.idx].prefix = all[s.off : s.off+s.n]
	}
	for i := range t.levels {
		t.levels[i].keys = slices.Clip(t.levels[i].keys)
		t.levels[i].entries = slices.Clip(t.levels[i].entries)
	}
	return t, nil
}

// writeColonHex writes hex digits in MAC notation: "70B3D5719" becomes
// "70:B3:D5:71:9".
func writeColonHex(b *strings.Builder, hex string) {
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i:min(i+2, len(hex))])
	}
}

// splitFields splits a record into its four tab-separated fields without
// allocating (strings.SplitN would cost one slice per line at startup).
func splitFields(line string) (f [4]string, ok bool) {
	rest := line
	for i := range 3 {
		if f[i], rest, ok = strings.Cut(rest, "\t"); !ok {
			return f, false
		}
	}
	f[3] = rest
	return f, true
}
