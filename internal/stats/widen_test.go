package stats

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// widenEach is widen as it was first written: every cell of a layer offers every part of
// each of its relations again. It is the reference the faster widen must agree with.
func widenEach(c *Cell, groups []Group) bool {
	of := map[*Cell][]int{}
	for gi, g := range groups {
		if g.Total != nil {
			of[g.Total] = append(of[g.Total], gi)
		}
		for _, p := range g.Parts {
			of[p] = append(of[p], gi)
		}
	}
	hideable := func(x *Cell) bool { return x != nil && !x.Suppressed && !x.fixed && !x.Virtual }
	visited := map[*Cell]bool{c: true}
	layer := []*Cell{c}
	for len(layer) > 0 {
		var parts, totals, next []*Cell
		for _, x := range layer {
			for _, gi := range of[x] {
				g := groups[gi]
				for _, p := range g.Parts {
					if p != x && hideable(p) {
						parts = append(parts, p)
					}
					if !visited[p] {
						visited[p] = true
						next = append(next, p)
					}
				}
				if g.Total != x && hideable(g.Total) {
					totals = append(totals, g.Total)
				}
				if g.Total != nil && !visited[g.Total] {
					visited[g.Total] = true
					next = append(next, g.Total)
				}
			}
		}
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].Value < parts[j].Value })
		for _, p := range parts {
			if p.Value >= MinCell+MinRange {
				p.Suppressed = true
				return true
			}
		}
		if len(parts) > 0 {
			parts[len(parts)-1].Suppressed = true
			return true
		}
		if len(totals) > 0 {
			totals[0].Suppressed = true
			return true
		}
		layer = next
	}
	return false
}

// TestWidenChoosesAsEveryOfferWould: on random relations — shared cells, hubs, cells twice in
// a relation, ties in value, hidden, fixed and virtual cells — widen hides the same cell as the
// reference, call after call.
func TestWidenChoosesAsEveryOfferWould(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		build := func() ([]*Cell, []Group) {
			r := rand.New(rand.NewPCG(seed, 11))
			cells := make([]*Cell, 5+r.IntN(60))
			for i := range cells {
				cells[i] = &Cell{Value: float64(r.IntN(12)), Suppressed: r.IntN(5) == 0, fixed: r.IntN(12) == 0, Virtual: r.IntN(15) == 0}
			}
			groups := make([]Group, 1+r.IntN(25))
			for gi := range groups {
				if r.IntN(4) > 0 {
					groups[gi].Total = cells[r.IntN(len(cells))]
				}
				n := 1 + r.IntN(4)
				if r.IntN(5) == 0 {
					n = len(cells) / 2 // a hub
				}
				for range n {
					groups[gi].Parts = append(groups[gi].Parts, cells[r.IntN(len(cells))])
				}
			}
			return cells, groups
		}
		a, ga := build()
		b, gb := build()
		graph := newCellGraph(gb)
		index := map[*Cell]int{}
		for i, c := range graph.cells {
			index[c] = i
		}
		for call := range 8 {
			i := r.IntN(len(a))
			if _, ok := index[b[i]]; !ok {
				continue // in no relation: nothing to widen
			}
			wa, wb := widenEach(a[i], ga), widen(b[i], graph, index[b[i]])
			if wa != wb {
				t.Fatalf("seed %d call %d: reference hid %v, widen %v", seed, call, wa, wb)
			}
			for j := range a {
				if a[j].Suppressed != b[j].Suppressed {
					t.Fatalf("seed %d call %d from cell %d: cell %d hidden %v by the reference, %v by widen", seed, call, i, j, a[j].Suppressed, b[j].Suppressed)
				}
			}
		}
	}
}
