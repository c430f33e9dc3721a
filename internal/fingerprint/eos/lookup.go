package eos

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
)

// State is the answer of Lookup.
type State string

// The states of a Status.
const (
	// Supported: every release the evidence allows gets free security
	// updates on the day asked.
	Supported State = "supported"
	// Unsupported: none does (paid extensions aside; see Phase).
	Unsupported State = "unsupported"
	// Ambiguous: the evidence allows releases or editions on both sides,
	// or some the table does not know.
	Ambiguous State = "ambiguous"
	// Unknown: nothing in the table matches the estimate.
	Unknown State = "unknown"
)

// Phase is where a release stands in its life cycle on a day.
type Phase string

// The phases, in order.
const (
	Mainstream Phase = "mainstream" // mainstream or standard support
	Extended   Phase = "extended"   // security updates only, free
	ESU        Phase = "esu"        // security updates only for paying customers
	Ended      Phase = "ended"      // no updates at all
)

// Candidate is one release that the estimate may be, with its phase.
type Candidate struct {
	Entry
	Phase     Phase `json:"phase"`
	Supported bool  `json:"supported"` // mainstream or extended
}

// Status is Lookup's answer for one device.
type Status struct {
	State      State       `json:"state"`
	Candidates []Candidate `json:"candidates,omitempty"`
	// Unmatched are the estimate's products the table knows nothing of.
	Unmatched []string `json:"unmatched,omitempty"`
	Sentence  string   `json:"sentence"`
}

// Lookup tells whether the OS of an estimate is in vendor support on the
// day of now. Every release and edition the estimate allows is looked up;
// the answer is Supported or Unsupported only when they all agree, and
// Ambiguous with each candidate and its dates otherwise, never the worst
// guess. A product known only by its Linux kernel is looked up by kernel
// series: the kernel.org longterm end of life and the distributions that
// ship that series.
func Lookup(est osguess.Estimate, now time.Time) Status {
	day := dayOf(now)
	if est.Family == "" {
		return Status{State: Unknown, Sentence: "Nothing is known of this device's operating system."}
	}
	if len(est.Products) == 0 {
		return Status{State: Unknown, Sentence: "Only the OS family (" + string(est.Family) + ") is known, not the release."}
	}
	var cands []Candidate
	var unmatched []string
	for _, p := range est.Products {
		es := matchProduct(p)
		if len(es) == 0 && p.Kernel != "" && !strings.HasPrefix(p.Name, "Windows") {
			es = matchKernel(p.Kernel)
		}
		if len(es) == 0 {
			unmatched = append(unmatched, p.String())
			continue
		}
		for _, e := range es {
			if !slices.ContainsFunc(cands, func(c Candidate) bool { return c.Entry.Name() == e.Name() && c.Source == e.Source }) {
				ph := phaseOn(e, day)
				cands = append(cands, Candidate{Entry: e, Phase: ph, Supported: ph == Mainstream || ph == Extended})
			}
		}
	}
	st := Status{Candidates: cands, Unmatched: unmatched}
	supported, unsupported := 0, 0
	for _, c := range cands {
		if c.Supported {
			supported++
		} else {
			unsupported++
		}
	}
	switch {
	case len(cands) == 0:
		st.State = Unknown
		st.Sentence = "No end-of-support data for " + est.Name + "."
	case len(unmatched) > 0:
		st.State = Ambiguous
		st.Sentence = "No end-of-support data for " + strings.Join(unmatched, ", ") + "; the other candidates: " + list(cands, day) + "."
	case unsupported == 0:
		st.State = Supported
		st.Sentence = sentence(cands, day, "supported")
	case supported == 0:
		st.State = Unsupported
		st.Sentence = sentence(cands, day, "unsupported")
	default:
		st.State = Ambiguous
		st.Sentence = "The evidence cannot tell these apart: " + list(cands, day) + "."
	}
	return st
}

// dayOf is the UTC calendar day of t.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// phaseOn returns e's phase on day; each date is the last day of its
// phase.
func phaseOn(e Entry, day time.Time) Phase {
	switch {
	case !e.Mainstream.IsZero() && !day.After(e.Mainstream):
		return Mainstream
	case !day.After(e.Extended):
		return Extended
	case !e.ESU.IsZero() && !day.After(e.ESU):
		return ESU
	}
	return Ended
}

// matchProduct returns the rows for p: same product name, the same
// release (or a row for every release), and p's edition where it names one
// the table knows; rows for every edition otherwise.
func matchProduct(p osguess.Product) []Entry {
	if p.Name == "" {
		return nil
	}
	var byName []Entry
	for _, e := range table {
		if e.Product != p.Name || !versionMatch(e.Version, p.Version) {
			continue
		}
		if p.Kernel != "" && e.Kernel != "" && !kernelMatch(e.Kernel, p.Kernel) {
			continue
		}
		byName = append(byName, e)
	}
	if p.Edition == "" {
		return byName
	}
	var exact, general []Entry
	for _, e := range byName {
		switch {
		case len(e.Edition) == 0:
			general = append(general, e)
		case slices.ContainsFunc(e.Edition, func(ed string) bool { return editionMatch(ed, p.Edition) }):
			exact = append(exact, e)
		}
	}
	switch {
	case len(exact) > 0:
		return exact
	case len(general) > 0:
		return general
	}
	return byName
}

// versionMatch reports whether a row's version covers an estimate's:
// an empty side matches all, "12" covers "12.5".
func versionMatch(row, est string) bool {
	return row == "" || est == "" || row == est || strings.HasPrefix(est, row+".")
}

// editionMatch compares edition names, "Professional" being "Pro".
func editionMatch(row, est string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "professional" {
			return "pro"
		}
		return s
	}
	return norm(row) == norm(est)
}

// kernelMatch reports whether two kernel versions are one series or one
// is a release of the other: "2.6" and "2.6.32", "4.14" and "4.14.76".
func kernelMatch(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || strings.HasPrefix(b, a+".")
}

// matchKernel returns the rows for a Linux kernel: the kernel.org row of
// its series and the distribution releases that ship it. A series the
// table lacks that is older than the newest longterm row has ended (every
// non-longterm series ends within weeks of its successor's release, and
// every longterm series older than the table's did so before the oldest
// row): it gets a row whose end is the next listed series' end, an upper
// bound.
func matchKernel(k string) []Entry {
	series := seriesOf(k)
	var out []Entry
	var upstream bool
	for _, e := range table {
		switch {
		case e.Product == kernelProduct && e.Version == series:
			out = append(out, e)
			upstream = true
		case e.Product != kernelProduct && e.Kernel != "" && kernelMatch(e.Kernel, k):
			out = append(out, e)
		}
	}
	if upstream || series == "" {
		return out
	}
	var next *Entry
	for i, e := range table {
		if e.Product == kernelProduct && lessSeries(series, e.Version) && (next == nil || lessSeries(e.Version, next.Version)) {
			next = &table[i]
		}
	}
	if next != nil {
		out = append(out, Entry{Product: kernelProduct, Version: series, Extended: next.Extended,
			Source: "KO: series " + series + " is not longterm or ended before " + next.Version + " did; the date is an upper bound"})
	}
	return out
}

// kernelProduct is the product name of the kernel.org rows.
const kernelProduct = "Linux kernel"

// seriesOf returns "major.minor" of a kernel version; a 2.6 kernel's
// series is "2.6" (its third number is the release).
func seriesOf(k string) string {
	f := strings.SplitN(k, ".", 3)
	if len(f) < 2 {
		return ""
	}
	return f[0] + "." + f[1]
}

// lessSeries orders "major.minor" numerically.
func lessSeries(a, b string) bool {
	am, an := splitSeries(a)
	bm, bn := splitSeries(b)
	return am < bm || am == bm && an < bn
}

func splitSeries(s string) (int, int) {
	a, b, _ := strings.Cut(s, ".")
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x, y
}

// sentence describes candidates that all share one state.
func sentence(cs []Candidate, day time.Time, state string) string {
	if len(cs) == 1 {
		c := cs[0]
		switch c.Phase {
		case Mainstream, Extended:
			return c.Name() + " is supported until " + date(c.Extended) + " (" + string(c.Phase) + " support)."
		case ESU:
			return c.Name() + " left free support on " + date(c.Extended) + "; paid Extended Security Updates run until " + date(c.ESU) + "."
		}
		s := c.Name() + " left support on " + date(c.Extended)
		if !c.ESU.IsZero() {
			s += "; paid extended updates ended on " + date(c.ESU)
		}
		return s + "."
	}
	return "Every candidate is " + state + ": " + list(cs, day) + "."
}

// list names each candidate with its state and date.
func list(cs []Candidate, day time.Time) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		switch c.Phase {
		case Mainstream, Extended:
			parts[i] = c.Name() + " (supported until " + date(c.Extended) + ")"
		case ESU:
			parts[i] = c.Name() + " (ended " + date(c.Extended) + ", paid updates until " + date(c.ESU) + ")"
		default:
			parts[i] = c.Name() + " (ended " + date(c.Extended) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func date(t time.Time) string { return t.Format(time.DateOnly) }
