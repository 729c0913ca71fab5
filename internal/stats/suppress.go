// Package stats computes the follow-up figures Lots shows and exports, and protects the young
// people behind them: no published figure may rest on fewer than five young people, neither
// directly, nor by adding and subtracting published figures across tables, views and
// releases, nor by comparing two publications.
//
// The store counts in SQL and hands the counts to this package (Raw); Build turns them into
// tables of cells and suppresses before anything is returned; a half-year is published once,
// as a release (release.go). Nothing outside the store sees an unsuppressed figure.
package stats

import (
	"fmt"
	"sort"
)

// MinCell is the smallest number of young people a published figure may rest on.
const MinCell = 5

// Kinds of figures.
const (
	KindCount  = "count"  // a number of young people (one case is one young person)
	KindSum    = "sum"    // a sum of counted events (crimes) over N young people
	KindMean   = "mean"   // a mean over N young people
	KindMedian = "median" // a median over N young people
	KindShare  = "share"  // a share (0–1) of N young people
)

// Cell is one published figure: its value, the number of young people it rests on, and
// whether it must be hidden.
type Cell struct {
	Value      float64 `json:"v"` // the figure (a count, a share, a mean …)
	N          int     `json:"n"` // young people it rests on (for a count, the count itself)
	Suppressed bool    `json:"s,omitempty"`
	// Primary says why a hidden figure is hidden: it rests on fewer than MinCell young people
	// (shown as "<5"). A hidden figure that is not primary is hidden to protect another
	// (secondary suppression, shown as "–" with a footnote): it rests on MinCell or more.
	Primary bool `json:"p,omitempty"`
	// Pending marks a figure of a release part not yet published (the follow-ups six and
	// twelve months after the period): neither shown nor hidden, it has no value yet.
	Pending bool `json:"pending,omitempty"`
	// Virtual marks a quantity that is never published but ties published figures together
	// (the cases open at the start of a period plus those opened in it). It is hidden and
	// carries no label.
	Virtual bool   `json:"-"`
	Kind    string `json:"k,omitempty"` // KindCount when empty
	// fixed marks a figure already published in an earlier release (Carry): it is a given to
	// protect around, never hidden or shown anew.
	fixed bool
	// Basis are the cells this one is computed from (a share's numerator and the rest, a
	// mean's population): when one of them is hidden, this one is hidden too, or it would let
	// the hidden one be computed back.
	Basis []*Cell `json:"-"`
}

// Show reports whether the figure may be shown.
func (c *Cell) Show() bool { return c != nil && !c.Suppressed && !c.Pending }

// Secondary reports whether a hidden figure is hidden to protect another (it rests on
// MinCell young people or more), shown as "–" with a footnote rather than "<5".
func (c *Cell) Secondary() bool { return c != nil && c.Suppressed && !c.Primary }

// IsCount reports whether the cell counts young people.
func (c *Cell) IsCount() bool { return c.Kind == "" || c.Kind == KindCount }

// Count returns a count cell.
func Count(n int) *Cell { return &Cell{Value: float64(n), N: n, Kind: KindCount} }

// Derived returns a cell of kind computed over n young people from the basis cells.
func Derived(kind string, value float64, n int, basis ...*Cell) *Cell {
	return &Cell{Value: value, N: n, Kind: kind, Basis: basis}
}

// Group is a set of count cells that add up to a published total: the parts of a breakdown (by
// district, by age band, by gender …) and the total they make. If exactly one part were hidden,
// the total minus the others would reveal it — so the group is protected together.
type Group struct {
	Total *Cell
	Parts []*Cell
}

// Suppress marks every cell resting on fewer than MinCell young people (Primary), then
// protects each group against subtraction: when a group has hidden parts whose sum could be recovered (the
// total shown and exactly one part hidden, or the hidden parts summing to fewer than MinCell),
// it hides the next smallest parts until the hidden ones together rest on at least MinCell;
// if that is impossible, it hides the total as well. Groups may share cells (a part of one
// breakdown can be the total of another); Suppress repeats until nothing changes. Then a
// cell whose basis is hidden is hidden. Last, across all groups at once, while a "<5" can be
// narrowed (Narrowed) it hides one more figure near it (widen) and starts over; hiding
// everything reachable always ends it, so it ends.
func Suppress(cells []*Cell, groups []Group) {
	primary := func(c *Cell) {
		switch {
		case c.Virtual:
			c.Suppressed = true
		case c.N < MinCell && !c.fixed:
			c.Suppressed, c.Primary = true, true
		}
	}
	for _, c := range cells {
		primary(c)
	}
	for _, g := range groups {
		if g.Total != nil {
			primary(g.Total)
		}
		for _, p := range g.Parts {
			primary(p)
		}
	}
	graph := newCellGraph(groups)
	index := make(map[*Cell]int, len(graph.cells))
	for i, c := range graph.cells {
		index[c] = i
	}
	for round := 0; ; round++ {
		for changed := true; changed; {
			changed = false
			for _, g := range groups {
				if protect(g) {
					changed = true
				}
			}
		}
		for changed := true; changed; {
			changed = false
			for _, c := range cells {
				if c.Suppressed || c.fixed {
					continue
				}
				for _, b := range c.Basis {
					if b.Suppressed {
						c.Suppressed, changed = true, true
						break
					}
				}
			}
		}
		// Across every relation at once: a "<5" figure must keep its range (see Narrowed).
		narrow := Narrowed(groups)
		if len(narrow) == 0 || round > len(cells)+len(groups) {
			return
		}
		widened := false
		for _, c := range narrow {
			if widen(c, graph, index[c]) {
				widened = true
			}
		}
		if !widened {
			return // nothing left to hide; Verify reports it
		}
	}
}

// protect secures one group and reports whether it hid anything.
func protect(g Group) bool {
	if g.Total != nil && g.Total.Suppressed {
		// Without the total nothing can be subtracted from it; the parts stand on their own.
		return false
	}
	var hidden, shown []*Cell
	hiddenN := 0
	for _, p := range g.Parts {
		if p.Suppressed {
			hidden = append(hidden, p)
			hiddenN += p.N
		} else {
			shown = append(shown, p)
		}
	}
	if len(hidden) == 0 || g.Total == nil {
		return false
	}
	// total − shown parts = the hidden parts' sum. Safe when at least two parts are hidden and
	// their sum rests on MinCell young people or more (the sum reveals no single small cell).
	if len(hidden) >= 2 && hiddenN >= MinCell {
		return false
	}
	sort.SliceStable(shown, func(i, j int) bool { return shown[i].N < shown[j].N })
	changed := false
	for _, p := range shown {
		if p.fixed {
			continue
		}
		p.Suppressed = true
		hidden = append(hidden, p)
		hiddenN += p.N
		changed = true
		if len(hidden) >= 2 && hiddenN >= MinCell {
			return true
		}
	}
	// Not enough parts to protect the hidden ones: hide the total.
	if !g.Total.Suppressed && !g.Total.fixed {
		g.Total.Suppressed = true
		changed = true
	}
	return changed
}

// Verify checks what Suppress promises, for tests and for the export: no shown cell rests on
// fewer than MinCell young people, no shown cell has a hidden basis, and in every group with a
// shown total the hidden parts are none, or at least two resting together on MinCell or more.
func Verify(cells []*Cell, groups []Group) error {
	for i, c := range cells {
		if !c.Show() {
			continue
		}
		if c.N < MinCell {
			return fmt.Errorf("cell %d (%s %v) rests on %d young people and is shown", i, c.Kind, c.Value, c.N)
		}
		for _, b := range c.Basis {
			if b.Suppressed {
				return fmt.Errorf("cell %d (%s %v) is shown but its basis is hidden", i, c.Kind, c.Value)
			}
		}
	}
	for gi, g := range groups {
		if g.Total == nil || g.Total.Suppressed {
			continue
		}
		n, sum := 0, 0
		for _, p := range g.Parts {
			if p.Suppressed {
				n++
				sum += p.N
			}
		}
		if n == 1 || (n > 1 && sum < MinCell) {
			return fmt.Errorf("group %d: %d hidden parts resting on %d young people can be computed from the total", gi, n, sum)
		}
	}
	if narrow := Narrowed(groups); len(narrow) > 0 {
		lo, hi := Bounds(groups)(narrow[0])
		return fmt.Errorf("%d figures shown as \"<5\" can be narrowed across the relations (one to %v–%v)", len(narrow), lo, hi)
	}
	return nil
}
