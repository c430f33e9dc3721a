package inventory

import (
	"math"
	"sort"
)

// Importance parameters (see the package documentation for the formula).
const (
	ImportanceDamping    = 0.85
	ImportanceIterations = 50
)

// assignImportance sets Importance on the devices of one sensor, given in
// key order: a weighted PageRank on the undirected communication graph,
// scaled so that the most central device scores 100.
func assignImportance(devs []Device, c *viewCtx) {
	n := len(devs)
	if n == 0 {
		return
	}
	index := make(map[ref]int, n)
	for i := range devs {
		k := devs[i].Key
		index[ref{Seg: k.Segment, Addr: k.Addr, MAC: k.MAC}] = i
	}
	type arc struct {
		to int
		w  float64
	}
	// Directed edges in a fixed order, so that the floating-point sums do
	// not depend on map iteration.
	type wedge struct {
		i, j int
		w    float64
	}
	var es []wedge
	for k, e := range c.s.Edges {
		i, ok1 := index[c.aliasOf(k.From)]
		j, ok2 := index[c.aliasOf(k.To)]
		if !ok1 || !ok2 || i == j {
			continue
		}
		es = append(es, wedge{i, j, e.Weight * (1 + math.Log10(1+float64(e.Count)))})
	}
	sort.Slice(es, func(a, b int) bool {
		if es[a].i != es[b].i {
			return es[a].i < es[b].i
		}
		if es[a].j != es[b].j {
			return es[a].j < es[b].j
		}
		return es[a].w < es[b].w
	})
	adj := make([]map[int]float64, n)
	for _, e := range es {
		for _, p := range [2][2]int{{e.i, e.j}, {e.j, e.i}} {
			if adj[p[0]] == nil {
				adj[p[0]] = make(map[int]float64)
			}
			adj[p[0]][p[1]] += e.w
		}
	}
	arcs := make([][]arc, n)
	total := make([]float64, n)
	for i, m := range adj {
		for j, w := range m {
			arcs[i] = append(arcs[i], arc{j, w})
		}
		sort.Slice(arcs[i], func(a, b int) bool { return arcs[i][a].to < arcs[i][b].to })
		for _, a := range arcs[i] {
			total[i] += a.w
		}
	}
	pr := make([]float64, n)
	next := make([]float64, n)
	for i := range pr {
		pr[i] = 1 / float64(n)
	}
	for range ImportanceIterations {
		var dangling float64
		for i := range pr {
			if total[i] == 0 {
				dangling += pr[i]
			}
		}
		base := (1-ImportanceDamping)/float64(n) + ImportanceDamping*dangling/float64(n)
		for i := range next {
			next[i] = base
		}
		for i, as := range arcs {
			if total[i] == 0 {
				continue
			}
			share := ImportanceDamping * pr[i] / total[i]
			for _, a := range as {
				next[a.to] += share * a.w
			}
		}
		pr, next = next, pr
	}
	top := 0.0
	for _, v := range pr {
		top = max(top, v)
	}
	for i := range devs {
		devs[i].Importance = int(math.Round(100 * pr[i] / top))
	}
}
