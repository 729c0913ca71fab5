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
