package stats

import (
	"math"
	"sort"
)

// MinRange is how many values a figure shown as "<5" must still be able to take, less one,
// given everything published. The label already says 0–4; the rule is that no sum across
// tables and views (the municipality against its districts, a total against its parts, a
// shown "within" against its total, one release against the next) may pin it down to fewer
// than four of those five values — unless the labels alone already do, and then the shown
// figures must not narrow it further. (Where a total of five or more has only two parts and
// both are "<5", each part is at least one whatever is hidden: the pattern of labels says so,
// and no amount of hiding changes a label.)
const MinRange = 3

var inf = math.Inf(1)

// labelBounds is what a reader knows about a figure from how it is shown: its value when
// shown; 0–4 when "<5"; five or more when hidden to protect another ("–"); nothing but
// "at least zero" for a quantity never published.
func labelBounds(c *Cell, labelsOnly bool) (lo, hi float64) {
	switch {
	case c.Virtual, c.Pending:
		return 0, inf
	case !c.Suppressed && labelsOnly && !c.fixed:
		return MinCell, inf // a shown count is at least MinCell
	case !c.Suppressed:
		return c.Value, c.Value
	case c.Primary:
		return 0, MinCell - 1
	}
	return MinCell, inf
}

// Bounds propagates the label bounds of every count figure through every relation (each
// group's total is the sum of its parts) until nothing tightens, as a reader with all the
// published figures could, and returns the bounds of a cell. It is interval propagation over
// the relations, the bounds a reader gets by adding and subtracting published figures along
// any chain of tables and views.
func Bounds(groups []Group) func(*Cell) (lo, hi float64) { return bounds(groups, false) }

// bounds is Bounds, or with labelsOnly the bounds the pattern of labels alone gives: every
// shown figure only known to be MinCell or more.
func bounds(groups []Group, labelsOnly bool) func(*Cell) (lo, hi float64) {
	idx := map[*Cell]int{}
	var cells []*Cell
	id := func(c *Cell) int {
		i, ok := idx[c]
		if !ok {
			i = len(cells)
			idx[c] = i
			cells = append(cells, c)
		}
		return i
	}
	type rel struct {
		total int
		parts []int
	}
	var rels []rel
	for _, g := range groups {
		if g.Total == nil || len(g.Parts) == 0 {
			continue
		}
		r := rel{total: id(g.Total)}
		for _, p := range g.Parts {
			r.parts = append(r.parts, id(p))
		}
		rels = append(rels, r)
	}
	lo, hi := make([]float64, len(cells)), make([]float64, len(cells))
	for i, c := range cells {
		lo[i], hi[i] = labelBounds(c, labelsOnly)
	}
	of := make([][]int, len(cells)) // cell → relations it is in
	for ri, r := range rels {
		of[r.total] = append(of[r.total], ri)
		for _, p := range r.parts {
			of[p] = append(of[p], ri)
		}
	}
	queue := make([]int, len(rels))
	queued := make([]bool, len(rels))
	for i := range rels {
		queue[i], queued[i] = i, true
	}
	tighten := func(i int, l, h float64) {
		changed := false
		if l > lo[i] {
			lo[i], changed = l, true
		}
		if h < hi[i] {
			hi[i], changed = h, true
		}
		if changed && lo[i] <= hi[i] {
			for _, ri := range of[i] {
				if !queued[ri] {
					queued[ri] = true
					queue = append(queue, ri)
				}
			}
		}
	}
	for steps := 0; len(queue) > 0 && steps < 200*len(rels)+1000; steps++ {
		ri := queue[0]
		queue = queue[1:]
		queued[ri] = false
		r := rels[ri]
		sumLo, sumHi := 0.0, 0.0
		for _, p := range r.parts {
			sumLo += lo[p]
			sumHi += hi[p]
		}
		tighten(r.total, sumLo, sumHi)
		for _, p := range r.parts {
			// The others' bounds: the sums less this part (infinite upper bounds stay infinite).
			othersHi := sumHi - hi[p]
			if math.IsInf(hi[p], 1) {
				othersHi = 0
				for _, q := range r.parts {
					if q != p {
						othersHi += hi[q]
					}
				}
			}
			tighten(p, lo[r.total]-othersHi, hi[r.total]-(sumLo-lo[p]))
		}
	}
	return func(c *Cell) (float64, float64) {
		i, ok := idx[c]
		if !ok {
			return labelBounds(c, labelsOnly)
		}
		return lo[i], hi[i]
	}
}

// Narrowed returns the figures shown as "<5" that a reader can narrow to fewer than
// MinRange+1 values by adding and subtracting published figures, further than the labels
// alone narrow them.
func Narrowed(groups []Group) []*Cell {
	b, l := bounds(groups, false), bounds(groups, true)
	seen := map[*Cell]bool{}
	var out []*Cell
	check := func(c *Cell) {
		if seen[c] || !c.Suppressed || !c.Primary {
			return
		}
		seen[c] = true
		lo, hi := b(c)
		if llo, lhi := l(c); hi-lo < MinRange && (lo > llo || hi < lhi) {
			out = append(out, c)
		}
	}
	for _, g := range groups {
		if g.Total != nil {
			check(g.Total)
		}
		for _, p := range g.Parts {
			check(p)
		}
	}
	return out
}

// groupsOf indexes the groups each cell is in.
func groupsOf(groups []Group) map[*Cell][]int {
	of := map[*Cell][]int{}
	for gi, g := range groups {
		if g.Total != nil {
			of[g.Total] = append(of[g.Total], gi)
		}
		for _, p := range g.Parts {
			of[p] = append(of[p], gi)
		}
	}
	return of
}

// widen hides one more figure near a narrowed one: in the relations it is part of, the
// smallest shown part large enough to give it its range back (or else the largest), else
// the shown total; failing those, the same one relation further out. It reports whether it
// hid anything.
func widen(c *Cell, groups []Group, of map[*Cell][]int) bool {
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
