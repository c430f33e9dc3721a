package sensor

// minuteAgg aggregates events of one UTC minute by key and emits one record
// per key when the minute ends. It is bounded: once it holds max keys, new
// keys are refused and counted (existing keys keep counting), so a flood of
// distinct events costs memory proportional to max, not to the flood.
type minuteAgg[K comparable, V any] struct {
	m       map[K]*V
	order   []K // emission order = first-seen order, for reproducible output
	max     int
	Refused uint64
}

func newMinuteAgg[K comparable, V any](max int) *minuteAgg[K, V] {
	return &minuteAgg[K, V]{m: make(map[K]*V), max: max}
}

// get returns the entry for k, creating it with init on first use; nil when
// the aggregator is full.
func (a *minuteAgg[K, V]) get(k K, init func(*V)) *V {
	if v, ok := a.m[k]; ok {
		return v
	}
	if len(a.m) >= a.max {
		a.Refused++
		return nil
	}
	v := new(V)
	init(v)
	a.m[k] = v
	a.order = append(a.order, k)
	return v
}

// drain hands every entry to emit in first-seen order and empties the
// aggregator for the next minute.
func (a *minuteAgg[K, V]) drain(emit func(*V)) {
	for _, k := range a.order {
		emit(a.m[k])
	}
	clear(a.m)
	a.order = a.order[:0]
}

func (a *minuteAgg[K, V]) len() int { return len(a.m) }
