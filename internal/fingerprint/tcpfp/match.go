package tcpfp

// Match is the outcome of matching a signature.
type Match struct {
	// Entry is the matching signature; nil when nothing matched.
	Entry *Entry
	// Fuzzy is set when the match needed p0f's tolerances: a TTL out of
	// range, or quirks df/id+ missing or id-/ecn extra.
	Fuzzy bool
	// Dist is the hop distance: from the matched signature's initial TTL,
	// else p0f's guess from the observed TTL.
	Dist uint8
}

// Label returns the matched label, or nil.
func (m Match) Label() *Label {
	if m.Entry == nil {
		return nil
	}
	return m.Entry.Label
}

// Matcher matches signatures against one or more sets.
//
// Within a set it follows p0f: the first specific (s:) signature that
// matches exactly wins; failing that the first generic (g:) one; failing
// that the first fuzzy one, unless that one names an application. Across
// sets the match quality comes first (exact specific, then generic, then
// fuzzy) and the order of the sets breaks ties; the sensor puts a file
// given with --p0f-fp before the built-in set, so at equal quality the
// operator's file wins and the built-in set fills in where that file has
// only a generic, fuzzy or no answer.
type Matcher struct {
	sets []*Set
}

// NewMatcher returns a matcher over sets, in priority order; nil sets are
// skipped.
func NewMatcher(sets ...*Set) *Matcher {
	m := &Matcher{}
	for _, s := range sets {
		if s != nil {
			m.sets = append(m.sets, s)
		}
	}
	return m
}

// Sets returns the matcher's sets in priority order.
func (m *Matcher) Sets() []*Set { return m.sets }

// Match finds the best entry for s. It does not allocate.
func (m *Matcher) Match(s *Signature) Match {
	var gen, fz *Entry
	for _, set := range m.sets {
		exact, g, f := set.find(s)
		if exact != nil {
			return Match{Entry: exact, Dist: exact.ttl - s.TTL}
		}
		if gen == nil {
			gen = g
		}
		if fz == nil && f != nil && !f.Label.IsApp() {
			fz = f
		}
	}
	if gen != nil {
		return Match{Entry: gen, Dist: gen.ttl - s.TTL}
	}
	if fz == nil {
		return Match{Dist: s.Dist()}
	}
	d := s.Dist()
	if fz.ttl >= s.TTL && (fz.badTTL || fz.ttl-s.TTL <= maxDist) {
		d = fz.ttl - s.TTL
	}
	return Match{Entry: fz, Fuzzy: true, Dist: d}
}

// Match matches s against this set alone, exactly as p0f would with this
// file loaded.
func (set *Set) Match(s *Signature) Match {
	m := Matcher{sets: []*Set{set}}
	return m.Match(s)
}

// find returns the first exact specific, first exact generic and first
// fuzzy entry for s, in file order among entries with s's option layout.
func (set *Set) find(s *Signature) (exact, generic, fuzzy *Entry) {
	dir, list := 0, set.Request
	if s.SynAck {
		dir, list = 1, set.Response
	}
	for _, i := range set.idx[dir][s.Opts] {
		e := &list[i]
		isFuzzy := false
		q := e.quirks
		if e.ver == -1 {
			if s.Version == 4 {
				q &^= ipv6Only
			} else {
				q &^= QuirkDF | QuirkNZID | QuirkZeroID
			}
		}
		// Like p0f, the IP version of a 4- or 6-only entry is not compared:
		// its version-specific quirks already keep most entries apart.
		if q != s.Quirks {
			deleted := (q ^ s.Quirks) & q
			added := (q ^ s.Quirks) & s.Quirks
			if fuzzy != nil || deleted&^(QuirkDF|QuirkNZID) != 0 || added&^(QuirkZeroID|QuirkECN) != 0 {
				continue
			}
			isFuzzy = true
		}
		if e.eolPad != s.EOLPad || e.optLen != s.OptLen {
			continue
		}
		if e.badTTL {
			if e.ttl < s.TTL {
				continue
			}
		} else if e.ttl < s.TTL || e.ttl-s.TTL > maxDist {
			isFuzzy = true
		}
		if e.mss != -1 && e.mss != int32(s.MSS) {
			continue
		}
		if e.scale != -1 && e.scale != int16(s.Scale) {
			continue
		}
		if e.payload != -1 && (e.payload == 1) != s.Payload {
			continue
		}
		if !e.windowMatches(s) {
			continue
		}
		switch {
		case isFuzzy:
			if fuzzy == nil {
				fuzzy = e
			}
		case !e.Label.Generic:
			return e, generic, fuzzy
		case generic == nil:
			generic = e
		}
	}
	return nil, generic, fuzzy
}

func (e *Entry) windowMatches(s *Signature) bool {
	switch e.wt {
	case winExact:
		return e.win == s.Win
	case winMod:
		return s.Win%e.win == 0
	case winMSS:
		return !s.WinMTU && s.WinMul == e.win
	case winMTU:
		return s.WinMTU && s.WinMul == e.win
	}
	return true
}
