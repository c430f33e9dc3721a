package portal

import (
	"math"
	"slices"
	"strings"
)

// Layout of the maps, computed here rather than in the browser.
//
// Measured with TestBrowserMap1500 (headless Chromium on 2 cores, 1,500
// devices, 2,976 links, 1366 px): with the positions given, ECharts draws
// in 0.27-0.36 s after the JSON arrived (0.5-0.7 s from navigation); its
// force layout took 6.2-6.6 s with the page frozen meanwhile, and its
// result differs on every load, so a plant's map would move each time it
// is opened. Positions computed here are the same on every load and leave
// ECharts only the drawing (layout "none"). Cytoscape was not measured: with
// the layout done here the drawing is already well under a second, and it
// would add a second graph library to the bundle.
//
// Devices are grouped (by sensor and subnet on the device map; services
// form their own group on the service map); groups sit on a grid in their
// sorted order, and the members of a group lie on a sunflower spiral
// around the group's centre, which packs any number of nodes evenly.

// mapSpacing is the distance between neighbouring nodes of a group.
const mapSpacing = 14.0

// goldenAngle spreads the spiral's points without lining them up.
var goldenAngle = math.Pi * (3 - math.Sqrt(5))

// layoutGroups sets X and Y of every node and returns the group frames.
func layoutGroups(nodes []mapNode) []mapGroup {
	byGroup := map[string][]int{}
	for i := range nodes {
		byGroup[nodes[i].Group] = append(byGroup[nodes[i].Group], i)
	}
	names := make([]string, 0, len(byGroup))
	largest := 0
	for g, members := range byGroup {
		names = append(names, g)
		largest = max(largest, len(members))
	}
	slices.SortFunc(names, compareGroups)
	if len(names) == 0 {
		return []mapGroup{}
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(names)))))
	radius := mapSpacing*math.Sqrt(float64(largest)) + mapSpacing
	cell := 2*radius + 3*mapSpacing // room for the group's label
	groups := make([]mapGroup, 0, len(names))
	for gi, g := range names {
		cx := float64(gi%cols)*cell + cell/2
		cy := float64(gi/cols)*cell + cell/2
		members := byGroup[g]
		slices.SortFunc(members, func(a, b int) int { return compareNodes(&nodes[a], &nodes[b]) })
		r := mapSpacing * math.Sqrt(float64(len(members)))
		for k, i := range members {
			d := mapSpacing * math.Sqrt(float64(k)+0.5)
			nodes[i].X = round1(cx + d*math.Cos(float64(k)*goldenAngle))
			nodes[i].Y = round1(cy + d*math.Sin(float64(k)*goldenAngle))
		}
		groups = append(groups, mapGroup{Name: g, X: round1(cx), Y: round1(cy - r - mapSpacing), Nodes: len(members)})
	}
	return groups
}

// compareGroups puts the services group first, then sorts by name.
func compareGroups(a, b string) int {
	if (a == serviceGroup) != (b == serviceGroup) {
		if a == serviceGroup {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// compareNodes orders a group's members: the busiest at the centre, ties
// by address or name so the layout never depends on map order.
func compareNodes(a, b *mapNode) int {
	if a.Bytes != b.Bytes {
		if a.Bytes > b.Bytes {
			return -1
		}
		return 1
	}
	if a.ip.IsValid() && b.ip.IsValid() {
		if c := a.ip.Compare(b.ip); c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID, b.ID)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
