// Package eos knows when operating systems leave vendor support, at
// edition granularity, and tells whether an osguess.Estimate is still
// supported on a given day (detection D1-2, vulnerable device).
//
// The knowledge is the embedded table eos.tsv, dated in its header and
// naming the source of every row. Lookup never picks the worst case
// among editions the evidence cannot tell apart: "Windows 10 1809" is
// Ambiguous between Pro (ended 2020) and LTSC 2019 (supported to 2029).
package eos

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"time"
)

//go:embed eos.tsv
var tableText string

// Entry is one row of the table: a release, the editions it covers and its
// support dates. A zero date means the phase does not exist.
type Entry struct {
	Product string   `json:"product"`
	Edition []string `json:"edition,omitempty"` // empty: every edition
	Version string   `json:"version,omitempty"` // empty: every release
	Kernel  string   `json:"kernel,omitempty"`  // Linux kernel series the release ships
	// Mainstream is the last day of mainstream (standard, full) support.
	Mainstream time.Time `json:"mainstream,omitzero"`
	// Extended is the last day of free security updates.
	Extended time.Time `json:"extended"`
	// ESU is the last day of paid extended security updates.
	ESU    time.Time `json:"esu,omitzero"`
	Source string    `json:"source"`
}

// Name is the entry as a person reads it: "Windows 10 1809 Enterprise
// LTSC 2019/IoT Enterprise LTSC 2019".
func (e Entry) Name() string {
	parts := []string{e.Product}
	if e.Version != "" {
		parts = append(parts, e.Version)
	}
	if len(e.Edition) > 0 {
		parts = append(parts, strings.Join(e.Edition, "/"))
	}
	return strings.Join(parts, " ")
}

// AsOf is the date the table was last checked against its sources.
var AsOf time.Time

// table is the parsed eos.tsv.
var table []Entry

func init() {
	var err error
	AsOf, table, err = parseTable(tableText)
	if err != nil {
		panic("eos: embedded eos.tsv: " + err.Error())
	}
}

// Entries returns a copy of the table.
func Entries() []Entry { return append([]Entry(nil), table...) }

// parseTable reads the tab-separated table and its "# as of" date.
func parseTable(text string) (time.Time, []Entry, error) {
	var asOf time.Time
	var out []Entry
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if d, ok := strings.CutPrefix(l, "# as of "); ok {
			t, err := time.Parse(time.DateOnly, strings.TrimSpace(d))
			if err != nil {
				return asOf, nil, fmt.Errorf("line %d: as-of date: %w", line, err)
			}
			asOf = t
			continue
		}
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 8 {
			return asOf, nil, fmt.Errorf("line %d: %d fields, want 8", line, len(f))
		}
		e := Entry{Product: f[0], Version: dash(f[2]), Kernel: dash(f[3]), Source: f[7]}
		if ed := dash(f[1]); ed != "" {
			e.Edition = strings.Split(ed, "/")
		}
		var err error
		for i, d := range []*time.Time{&e.Mainstream, &e.Extended, &e.ESU} {
			if *d, err = parseDate(f[4+i]); err != nil {
				return asOf, nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		if e.Extended.IsZero() {
			return asOf, nil, fmt.Errorf("line %d: no end of support", line)
		}
		out = append(out, e)
	}
	if asOf.IsZero() {
		return asOf, nil, fmt.Errorf("no \"# as of\" line")
	}
	return asOf, out, sc.Err()
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// parseDate reads YYYY-MM-DD, or YYYY-MM as the month's last day; "-" is
// the zero time.
func parseDate(s string) (time.Time, error) {
	switch len(s) {
	case 1:
		if s == "-" {
			return time.Time{}, nil
		}
	case len("2006-01"):
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return t, fmt.Errorf("date %q: %w", s, err)
		}
		return t.AddDate(0, 1, -1), nil
	case len(time.DateOnly):
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return t, fmt.Errorf("date %q: %w", s, err)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD, YYYY-MM or -", s)
}
