package osguess

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Estimate is the one answer for a device.
type Estimate struct {
	// Family is the OS family, "" when nothing was learnt.
	Family Family `json:"family,omitempty"`
	// Name is the OS as precisely as the evidence allows: "Windows 10
	// 1809", "Windows 10 1809 / Server 2019", or the family alone.
	Name string `json:"name,omitempty"`
	// Version is the version (or build, kernel series) every remaining
	// product shares, "" when they differ or none is known.
	Version string `json:"version,omitempty"`
	// Products are the alternatives the evidence leaves, for lookups such
	// as end of support; empty when only the family is known.
	Products   []Product `json:"products,omitempty"`
	Confidence float64   `json:"confidence"`
	// Evidence lists every item with what it contributed.
	Evidence []Contribution `json:"evidence,omitempty"`
	// Conflicts describes each item that contradicts the answer.
	Conflicts []string `json:"conflicts,omitempty"`
}

// Contribution is what one Evidence item did to the Estimate.
type Contribution struct {
	Evidence
	// Candidate is the item's strongest candidate, empty when it told
	// nothing.
	Candidate Candidate `json:"candidate"`
	// Role is "family and product", "family", "conflict", "repeat" (a
	// weaker item of the same source and family) or "none".
	Role string `json:"role"`
}

// Roles of a Contribution.
const (
	RoleProduct  = "family and product"
	RoleFamily   = "family"
	RoleConflict = "conflict"
	RoleRepeat   = "repeat"
	RoleNone     = "none"
)

// item is one classified candidate with the evidence it came from.
type item struct {
	ev   int // index into the sorted evidence
	cand Candidate
}

// Combine estimates a device's OS: it combines the device's evidence into
// one answer by the rule in the package documentation. The result does not
// depend on the order of the evidence.
func Combine(evidence []Evidence) Estimate {
	ev := slices.Clone(evidence)
	slices.SortFunc(ev, func(a, b Evidence) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Raw, b.Raw),
			a.Seen.Compare(b.Seen), cmp.Compare(a.Count, b.Count))
	})
	contrib := make([]Contribution, len(ev))
	var items []item
	for i, e := range ev {
		contrib[i] = Contribution{Evidence: e, Role: RoleNone}
		cs := Classify(e)
		for _, c := range cs {
			items = append(items, item{ev: i, cand: c})
		}
		if len(cs) > 0 {
			contrib[i].Candidate = strongest(cs)
		}
	}
	// Step 2: one candidate per source and family.
	slices.SortStableFunc(items, byStrength)
	type key struct {
		src Source
		fam Family
	}
	seen := map[key]bool{}
	kept := items[:0:0]
	for _, it := range items {
		k := key{ev[it.ev].Source, it.cand.Family}
		if seen[k] {
			if contrib[it.ev].Role == RoleNone {
				contrib[it.ev].Role = RoleRepeat
			}
			continue
		}
		seen[k] = true
		kept = append(kept, it)
	}
	if len(kept) == 0 {
		return Estimate{Evidence: contrib}
	}
	// Step 3: family scores by noisy-OR over compatible candidates.
	var fams []Family
	for _, it := range kept {
		if !slices.Contains(fams, it.cand.Family) {
			fams = append(fams, it.cand.Family)
		}
	}
	slices.Sort(fams)
	score := func(f Family) float64 {
		miss := 1.0
		for _, it := range kept {
			if Compatible(f, it.cand.Family) {
				miss *= 1 - it.cand.Confidence
			}
		}
		return 1 - miss
	}
	best := pickFamily(fams, "", score)
	// Then descend while a more specific family has support: Android
	// rather than Linux when both are seen, and Linux or BSD rather than
	// Unix-like, so that those two are weighed against each other.
	for {
		next := pickFamily(fams, best, score)
		if next == "" {
			break
		}
		best = next
	}
	bestScore := score(best)
	rival := 0.0
	var out Estimate
	for _, it := range kept {
		if !Compatible(best, it.cand.Family) {
			rival = max(rival, score(it.cand.Family))
			contrib[it.ev].Role = RoleConflict
			out.Conflicts = append(out.Conflicts, string(ev[it.ev].Source)+" says "+describe(it.cand)+" ("+it.cand.Reason+")")
		}
	}
	conf := bestScore * (1 - rival/2)
	// Step 4: products, strongest and most specific first.
	var prods []Product
	for _, it := range kept {
		if !Compatible(best, it.cand.Family) {
			continue
		}
		if contrib[it.ev].Role == RoleNone {
			contrib[it.ev].Role = RoleFamily
		}
		if len(it.cand.Products) == 0 {
			continue
		}
		if prods == nil {
			prods = slices.Clone(it.cand.Products)
			contrib[it.ev].Role = RoleProduct
			continue
		}
		if both := intersect(prods, it.cand.Products); len(both) > 0 {
			prods = both
			contrib[it.ev].Role = RoleProduct
			continue
		}
		conf *= 1 - it.cand.Confidence/4
		contrib[it.ev].Role = RoleConflict
		out.Conflicts = append(out.Conflicts, string(ev[it.ev].Source)+" says "+describe(it.cand)+", not "+joinProducts(prods)+" ("+it.cand.Reason+")")
	}
	out.Family = best
	out.Products = prods
	out.Confidence = round3(conf)
	out.Name, out.Version = name(best, prods)
	out.Evidence = contrib
	return out
}

// pickFamily returns the family of fams with the highest score, the deeper
// one on a tie, then the first by name; with under set, only under's strict
// descendants are considered, and "" is returned when there are none.
func pickFamily(fams []Family, under Family, score func(Family) float64) Family {
	best, bestScore := Family(""), -1.0
	for _, f := range fams {
		if under != "" && (f == under || !isAncestor(under, f)) {
			continue
		}
		s := score(f)
		if s > bestScore+1e-9 || (math.Abs(s-bestScore) <= 1e-9 && depth(f) > depth(best)) {
			best, bestScore = f, s
		}
	}
	return best
}

// byStrength orders candidates by confidence, then by specificity (fewer
// alternatives, but some), then by family and reason for determinism.
func byStrength(a, b item) int {
	return cmp.Or(
		cmp.Compare(b.cand.Confidence, a.cand.Confidence),
		cmp.Compare(specificity(a.cand), specificity(b.cand)),
		cmp.Compare(a.cand.Family, b.cand.Family),
		cmp.Compare(a.cand.Reason, b.cand.Reason),
		cmp.Compare(a.ev, b.ev),
	)
}

// specificity is the number of alternatives, with "any product" last.
func specificity(c Candidate) int {
	if len(c.Products) == 0 {
		return math.MaxInt
	}
	return len(c.Products)
}

// mergeSameFamily merges the candidates one observation gives for the same
// family (a DHCP vendor class and parameter list, say) into one: the
// higher confidence, the products both allow, both reasons. Candidates
// whose products share nothing stay apart.
func mergeSameFamily(cs []Candidate) []Candidate {
	if len(cs) < 2 {
		return cs
	}
	out := make([]Candidate, 0, len(cs))
next:
	for _, c := range cs {
		for i, o := range out {
			if o.Family != c.Family {
				continue
			}
			ps := o.Products
			switch {
			case len(o.Products) == 0:
				ps = c.Products
			case len(c.Products) > 0:
				if ps = intersect(o.Products, c.Products); len(ps) == 0 {
					continue
				}
			}
			out[i] = Candidate{Family: o.Family, Products: ps, Confidence: max(o.Confidence, c.Confidence), Reason: o.Reason + "; " + c.Reason}
			continue next
		}
		out = append(out, c)
	}
	return out
}

func strongest(cs []Candidate) Candidate {
	best := cs[0]
	for _, c := range cs[1:] {
		if c.Confidence > best.Confidence {
			best = c
		}
	}
	return best
}

// intersect returns every agreeing pair of a and b, merged, without
// duplicates, in a's order.
func intersect(a, b []Product) []Product {
	var out []Product
	for _, p := range a {
		for _, q := range b {
			if r, ok := agree(p, q); ok && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// anyAgree reports whether some product of a agrees with some of b.
func anyAgree(a, b []Product) bool {
	for _, p := range a {
		for _, q := range b {
			if _, ok := agree(p, q); ok {
				return true
			}
		}
	}
	return false
}

// joinProducts names products for a person: "Windows 10 1809 / Server
// 2019" (a shared leading "Windows " is said once).
func joinProducts(ps []Product) string {
	var b strings.Builder
	for i, p := range ps {
		s := p.String()
		if i > 0 {
			b.WriteString(" / ")
			if strings.HasPrefix(s, "Windows ") && strings.HasPrefix(ps[0].Name, "Windows") {
				s = strings.TrimPrefix(s, "Windows ")
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// describe names a candidate for a conflict message.
func describe(c Candidate) string {
	if len(c.Products) == 0 {
		return string(c.Family)
	}
	if c.Products[0].Name == "" {
		return string(c.Family) + " " + joinProducts(c.Products)
	}
	return joinProducts(c.Products)
}

// name returns the display name and the shared version of an answer.
func name(f Family, ps []Product) (string, string) {
	if len(ps) == 0 {
		return string(f), ""
	}
	n := joinProducts(ps)
	if ps[0].Name == "" {
		n = string(f) + " " + n
	}
	v := ps[0].Version
	if v == "" {
		v = ps[0].Kernel
	}
	for _, p := range ps[1:] {
		if p.Version != ps[0].Version || p.Kernel != ps[0].Kernel {
			v = ""
		}
	}
	return n, v
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
