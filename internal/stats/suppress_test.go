package stats

import (
	"math/rand/v2"
	"testing"
)

func cells(ns ...int) []*Cell {
	out := make([]*Cell, len(ns))
	for i, n := range ns {
		out[i] = &Cell{Value: float64(n), N: n}
	}
	return out
}

func total(parts []*Cell) *Cell {
	n := 0
	for _, p := range parts {
		n += p.N
	}
	return &Cell{Value: float64(n), N: n}
}

func hidden(cs []*Cell) []bool {
	out := make([]bool, len(cs))
	for i, c := range cs {
		out[i] = c.Suppressed
	}
	return out
}

func TestSuppression(t *testing.T) {
	tests := []struct {
		name        string
		parts       []int
		wantHidden  []bool
		totalHidden bool
	}{
		{"no small cell hides nothing", []int{12, 7, 30}, []bool{false, false, false}, false},
		{"a single small cell takes the next smallest with it", []int{12, 3, 30, 8}, []bool{false, true, false, true}, false},
		{"two small cells that together reach five are enough", []int{20, 2, 3, 40}, []bool{false, true, true, false}, false},
		{"two small cells below five together take a third", []int{20, 1, 2, 40}, []bool{true, true, true, false}, false},
		{"zero is fewer than five too", []int{0, 9, 14}, []bool{true, true, false}, false},
		{"a lone part equal to the total is protected with the total", []int{3}, []bool{true}, true},
		{"two parts, one small: both hidden and total shown", []int{3, 40}, []bool{true, true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := cells(tt.parts...)
			tot := total(parts)
			Suppress(append([]*Cell{tot}, parts...), []Group{{Total: tot, Parts: parts}})
			got := hidden(parts)
			for i := range got {
				if got[i] != tt.wantHidden[i] {
					t.Fatalf("hidden %v, want %v", got, tt.wantHidden)
				}
			}
			if tot.Suppressed != tt.totalHidden {
				t.Fatalf("total hidden %v, want %v", tot.Suppressed, tt.totalHidden)
			}
		})
	}
}

// No published set of figures lets anyone compute a hidden cell below five by subtraction:
// for random breakdowns with a shared total (district × gender and their margins), every
// hidden part that could be recovered as total − shown parts must rest on five or more.
func TestNoSmallCellCanBeRecoveredBySubtraction(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		rows, cols := 2+r.IntN(4), 2+r.IntN(3)
		grid := make([][]*Cell, rows)
		var all []*Cell
		for i := range grid {
			grid[i] = make([]*Cell, cols)
			for j := range grid[i] {
				n := r.IntN(12)
				grid[i][j] = &Cell{Value: float64(n), N: n}
				all = append(all, grid[i][j])
			}
		}
		var groups []Group
		rowTotals := make([]*Cell, rows)
		for i := range grid {
			rowTotals[i] = total(grid[i])
			groups = append(groups, Group{Total: rowTotals[i], Parts: grid[i]})
		}
		colTotals := make([]*Cell, cols)
		for j := 0; j < cols; j++ {
			var col []*Cell
			for i := range grid {
				col = append(col, grid[i][j])
			}
			colTotals[j] = total(col)
			groups = append(groups, Group{Total: colTotals[j], Parts: col})
		}
		grand := total(rowTotals)
		groups = append(groups, Group{Total: grand, Parts: rowTotals}, Group{Total: grand, Parts: colTotals})
		all = append(append(append(all, rowTotals...), colTotals...), grand)
		Suppress(all, groups)

		for _, c := range all {
			if !c.Suppressed && c.N < MinCell {
				t.Fatalf("trial %d: a cell of %d is shown", trial, c.N)
			}
		}
		// Subtraction within any one group: if the total is shown and exactly one part is hidden,
		// that part is recoverable; if several are hidden, their sum is, and must be >= MinCell.
		for gi, g := range groups {
			if g.Total.Suppressed {
				continue
			}
			var h []*Cell
			sum := 0
			for _, p := range g.Parts {
				if p.Suppressed {
					h = append(h, p)
					sum += p.N
				}
			}
			if len(h) == 1 {
				t.Fatalf("trial %d group %d: one hidden part (%d) is total minus the others", trial, gi, h[0].N)
			}
			if len(h) > 1 && sum < MinCell {
				t.Fatalf("trial %d group %d: hidden parts sum to %d", trial, gi, sum)
			}
		}
	}
}

// A hidden figure says why it is hidden: "<5" when it rests on fewer than five young people
// (primary), "–" when it is hidden to protect another (secondary, five or more). Issue 19 (5)
// found 20 figures labelled "<5" that were provably five or more.
func TestSecondarySuppressionIsLabelled(t *testing.T) {
	parts := cells(3, 9, 40)
	tot := total(parts)
	Suppress(append([]*Cell{tot}, parts...), []Group{{Total: tot, Parts: parts}})
	if !parts[0].Suppressed || !parts[0].Primary {
		t.Fatalf("the 3: hidden %v, primary %v", parts[0].Suppressed, parts[0].Primary)
	}
	if !parts[1].Suppressed || parts[1].Primary || !parts[1].Secondary() {
		t.Fatalf("the 9 protecting the 3: hidden %v, primary %v", parts[1].Suppressed, parts[1].Primary)
	}
	if parts[2].Suppressed || tot.Suppressed {
		t.Fatal("the 40 and the total need no hiding")
	}
}

// Relations across views, not only within one: on random district × category grids with every
// margin published (the districts against the municipality, the categories against their
// total, as the dashboard's tables and views are), no figure shown as "<5" can be narrowed by
// adding and subtracting published figures — the four hidden cells of issue 19 that a
// municipality total less the shown districts, with one district's shown "within", pinned to
// 0–1 — and none labelled "<5" is five or more.
func TestNoHiddenCellIsNarrowedAcrossViews(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 1500; trial++ {
		rows, cols := 2+r.IntN(4), 2+r.IntN(3)
		grid := make([][]*Cell, rows)
		var all []*Cell
		truth := map[*Cell]int{}
		for i := range grid {
			grid[i] = make([]*Cell, cols)
			for j := range grid[i] {
				n := r.IntN(14)
				grid[i][j] = &Cell{Value: float64(n), N: n}
				all = append(all, grid[i][j])
			}
		}
		var groups []Group
		rowTotals := make([]*Cell, rows)
		for i := range grid {
			rowTotals[i] = total(grid[i])
			groups = append(groups, Group{Total: rowTotals[i], Parts: grid[i]})
		}
		colTotals := make([]*Cell, cols)
		for j := 0; j < cols; j++ {
			var col []*Cell
			for i := range grid {
				col = append(col, grid[i][j])
			}
			colTotals[j] = total(col)
			groups = append(groups, Group{Total: colTotals[j], Parts: col})
		}
		grand := total(rowTotals)
		groups = append(groups, Group{Total: grand, Parts: rowTotals}, Group{Total: grand, Parts: colTotals})
		all = append(append(append(all, rowTotals...), colTotals...), grand)
		for _, c := range all {
			truth[c] = c.N
		}
		Suppress(all, groups)
		for _, c := range all {
			if c.Suppressed && c.Primary != (truth[c] < MinCell) {
				t.Fatalf("trial %d: a hidden %d labelled primary %v", trial, truth[c], c.Primary)
			}
		}
		bounds, labels := bounds(groups, false), bounds(groups, true)
		for _, c := range all {
			if !c.Primary {
				continue
			}
			lo, hi := bounds(c)
			if float64(truth[c]) < lo || float64(truth[c]) > hi {
				t.Fatalf("trial %d: bounds %v–%v miss the true %d", trial, lo, hi, truth[c])
			}
			if llo, lhi := labels(c); hi-lo < MinRange && (lo > llo || hi < lhi) {
				t.Fatalf("trial %d: a \"<5\" (%d) narrowed to %v–%v", trial, truth[c], lo, hi)
			}
		}
	}
}

// The parts of a release are made at different times (stats/release.go), so no relation may
// tie a figure of one part to a figure of another: each part is protected on its own.
func TestStagesAreSeparate(t *testing.T) {
	raw := NewRaw(Period{Year: 2026, Half: 1}, Period{Year: 2026, Half: 1}.End())
	raw.Districts = []Named{{ID: 1, Name: "A"}, {ID: 2, Name: "B"}}
	for d := int64(1); d <= 2; d++ {
		for _, later := range LaterPoints {
			raw.AddNumbers(d, "school_attendance", later, PairSum{N: 7, Before: 100, After: 300})
			raw.AddChoices(d, "placement", later, "none", "hvb", 3)
		}
		raw.AddStep(d, "active", 6)
	}
	_, b := build(raw)
	part := map[*Cell]string{}
	for k, c := range b.cells {
		p := PartOf(k.table, k.row, k.col)
		if q, ok := part[c]; ok && q != p {
			t.Fatalf("%v is in parts %s and %s", k, p, q)
		}
		part[c] = p
	}
	for gi, g := range b.groups {
		want := part[g.Total]
		for _, p := range g.Parts {
			if part[p] != want {
				t.Fatalf("group %d ties part %q to part %q", gi, want, part[p])
			}
		}
	}
	for c, p := range part {
		for _, x := range c.Basis {
			if part[x] != p {
				t.Fatalf("a figure of part %q rests on one of part %q", p, part[x])
			}
		}
	}
}

// One release against the next: the young people open at the end of the previous half-year
// and those opened in this one are those open at its end and those closed in it. With 12 open
// before, 6 opened and 15 closed all shown, a district's 3 open now would be exact; the
// release is protected together with the one before, so it is not.
func TestConsecutiveReleasesProtectTheOpenCases(t *testing.T) {
	p1 := Period{Year: 2025, Half: 2}
	raw1 := NewRaw(p1, p1.End())
	raw1.Districts = []Named{{ID: 1, Name: "A"}, {ID: 2, Name: "B"}}
	open := func(r *Raw, d int64, n int) {
		r.AddStep(d, "active", n)
		r.AddCaseload(d, 0, n)
		r.AddAge(d, "13-15", ColOpen, n)
		r.AddGender(d, "male", ColOpen, n)
		r.AddProgram(d, "sig", ColOpen, n)
	}
	flow := func(r *Raw, d int64, opened, closed int) {
		r.AddFlow(d, "opened", 0, opened)
		r.AddAge(d, "13-15", ColOpened, opened)
		r.AddGender(d, "male", ColOpened, opened)
		r.AddProgram(d, "sig", ColOpened, opened)
		r.AddFlow(d, "closed", 1, closed)
		r.AddClosure(d, "moved", true, closed)
		r.AddAge(d, "13-15", ColClosed, closed)
		r.AddGender(d, "male", ColClosed, closed)
		r.AddProgram(d, "sig", ColClosed, closed)
	}
	open(raw1, 1, 12)
	open(raw1, 2, 20)
	b1, err := MarshalPart(Build(raw1), PartMain, p1.End())
	if err != nil {
		t.Fatal(err)
	}
	prev, err := LoadRelease(b1)
	if err != nil {
		t.Fatal(err)
	}
	p2 := p1.Next()
	raw2 := func() *Raw {
		r := NewRaw(p2, p2.End())
		r.Districts = raw1.Districts
		open(r, 1, 3)
		flow(r, 1, 6, 15)
		open(r, 2, 20)
		flow(r, 2, 10, 10)
		r.AddPreviousOpen(1, "male", 12)
		r.AddPreviousOpen(2, "male", 20)
		return r
	}
	r := raw2()
	r.Previous = prev
	d := Build(r)
	if err := d.Verify(); err != nil {
		t.Fatal(err)
	}
	if len(d.carried) == 0 {
		t.Fatal("no relation to the previous release was made")
	}
	if err := d.CheckPublished(); err != nil {
		t.Fatalf("with the release before: %v", err)
	}
	v, _ := d.View(1)
	g := v.Table("breakdown_gender")
	if g.Cell("male", "open").Show() || g.Cell("male", "opened").Show() && g.Cell("male", "closed").Show() {
		t.Fatal("the 3 open can be computed from the 12 before, the 6 opened and the 15 closed")
	}
	// The same figures protected without the release before let the 3 be computed.
	alone := Build(raw2())
	alone.previous, alone.carried = prev, d.carried
	if err := alone.CheckPublished(); err == nil {
		t.Fatal("without the release before, the check should find the 3")
	}
}
