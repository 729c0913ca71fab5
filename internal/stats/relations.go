package stats

import (
	"math"
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

// cellGraph is the groups as indices: each cell once, the groups each is in (in the order of
// the groups, a cell in a group twice listed twice), each group's parts and total. widen walks
// it on every call, so it is built once per Suppress.
type cellGraph struct {
	cells []*Cell
	of    [][]int // cell → groups it is in
	parts [][]int // group → its parts
	total []int   // group → its total, -1 when it has none
	// seen and stamp mark the cells one widen has reached (seen[i] == stamp), gseen and
	// gstamp the groups one layer of it has met, without clearing them between calls.
	seen, gseen   []int
	stamp, gstamp int
}

func newCellGraph(groups []Group) *cellGraph {
	g := &cellGraph{parts: make([][]int, len(groups)), total: make([]int, len(groups))}
	idx := map[*Cell]int{}
	id := func(c *Cell) int {
		i, ok := idx[c]
		if !ok {
			i = len(g.cells)
			idx[c] = i
			g.cells = append(g.cells, c)
			g.of = append(g.of, nil)
		}
		return i
	}
	for gi, gr := range groups {
		g.total[gi] = -1
		if gr.Total != nil {
			t := id(gr.Total)
			g.total[gi] = t
			g.of[t] = append(g.of[t], gi)
		}
		for _, p := range gr.Parts {
			i := id(p)
			g.parts[gi] = append(g.parts[gi], i)
			g.of[i] = append(g.of[i], gi)
		}
	}
	g.seen, g.gseen = make([]int, len(g.cells)), make([]int, len(groups))
	return g
}

// pos is a place in the order widen's search meets candidates: the n-th (cell, group) pair it
// walks, then the part's place in the group.
type pos struct{ pair, part int }

func (a pos) less(b pos) bool { return a.pair < b.pair || a.pair == b.pair && a.part < b.part }

// widen hides one more figure near a narrowed one: in the relations it is part of, the
// smallest shown part large enough to give it its range back (or else the largest), else
// the shown total; failing those, the same one relation further out. It reports whether it
// hid anything.
//
// The search goes out from c one layer of relations at a time. Within a layer, every cell of
// the layer offers the hideable parts of each of its relations except itself (and the
// relation's total unless it is that total); among the offers the choice is: the smallest
// part of MinCell+MinRange or more, the earliest offered among equals; else the largest, the
// latest offered among equals; else the first total offered. A relation is walked once per
// layer however many of the layer's cells it holds, and each part's first and last offer
// worked out from the cells it was met through — the same choice as offering every part
// again for each (the order is what breaks ties), at a cost of the relations' sizes rather
// than their sizes times the cells met in them.
func widen(c *Cell, g *cellGraph, ci int) bool {
	hideable := func(i int) bool { x := g.cells[i]; return !x.Suppressed && !x.fixed && !x.Virtual }
	g.stamp++
	stamp := g.stamp
	g.seen[ci] = stamp
	layer := []int{ci}
	type meeting struct {
		pair, cell int
	}
	for len(layer) > 0 {
		// The relations this layer meets, in the order first met, and the cells met in each
		// (a relation met in an earlier layer too: its cells offer again).
		g.gstamp++
		var met []int
		through := map[int][]meeting{}
		pair := 0
		var next []int
		for _, x := range layer {
			for _, gi := range g.of[x] {
				if g.gseen[gi] != g.gstamp {
					g.gseen[gi] = g.gstamp
					met = append(met, gi)
					for _, p := range g.parts[gi] {
						if g.seen[p] != stamp {
							g.seen[p] = stamp
							next = append(next, p)
						}
					}
					if t := g.total[gi]; t >= 0 && g.seen[t] != stamp {
						g.seen[t] = stamp
						next = append(next, t)
					}
				}
				through[gi] = append(through[gi], meeting{pair, x})
				pair++
			}
		}
		type offer struct {
			cell        int
			first, last pos
		}
		offers := map[int]*offer{}
		var order []int // cells offered, in the order first offered
		bestTotal, bestTotalPair := -1, 0
		for _, gi := range met {
			ms := through[gi]
			for pi, p := range g.parts[gi] {
				if !hideable(p) {
					continue
				}
				// The first and the last meeting through a cell other than p.
				fi, li := 0, len(ms)-1
				for fi < len(ms) && ms[fi].cell == p {
					fi++
				}
				for li >= 0 && ms[li].cell == p {
					li--
				}
				if fi >= len(ms) || li < 0 {
					continue
				}
				first, last := pos{ms[fi].pair, pi}, pos{ms[li].pair, pi}
				o := offers[p]
				if o == nil {
					offers[p] = &offer{p, first, last}
					order = append(order, p)
					continue
				}
				if first.less(o.first) {
					o.first = first
				}
				if o.last.less(last) {
					o.last = last
				}
			}
			if t := g.total[gi]; t >= 0 && hideable(t) {
				for _, m := range ms {
					if m.cell != t {
						if bestTotal < 0 || m.pair < bestTotalPair {
							bestTotal, bestTotalPair = t, m.pair
						}
						break
					}
				}
			}
		}
		var small, large *offer
		for _, p := range order {
			o, v := offers[p], g.cells[p].Value
			if v >= MinCell+MinRange && (small == nil || v < g.cells[small.cell].Value ||
				v == g.cells[small.cell].Value && o.first.less(small.first)) {
				small = o
			}
			if large == nil || v > g.cells[large.cell].Value || v == g.cells[large.cell].Value && large.last.less(o.last) {
				large = o
			}
		}
		switch {
		case small != nil:
			g.cells[small.cell].Suppressed = true
			return true
		case large != nil:
			g.cells[large.cell].Suppressed = true
			return true
		case bestTotal >= 0:
			g.cells[bestTotal].Suppressed = true
			return true
		}
		layer = next
	}
	return false
}
