package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// cellDiffs lists the published cells that differ between two dashboards of the same period:
// their value, whether hidden, how labelled, or pending.
func cellDiffs(a, b *stats.Dashboard) []string {
	var out []string
	ids := []int64{stats.All}
	for _, d := range a.Districts {
		ids = append(ids, d.ID)
	}
	for _, id := range ids {
		va, oka := a.View(id)
		vb, okb := b.View(id)
		if oka != okb {
			out = append(out, fmt.Sprintf("view %d present %v/%v", id, oka, okb))
			continue
		}
		if !oka {
			continue
		}
		for _, ta := range va.Tables {
			tb := vb.Table(ta.ID)
			if tb == nil || len(tb.Rows) != len(ta.Rows) {
				out = append(out, fmt.Sprintf("view %d table %s", id, ta.ID))
				continue
			}
			for i, r := range ta.Rows {
				for j, c := range r.Cells {
					d := tb.Rows[i].Cells[j]
					if (c == nil) != (d == nil) || c != nil && (c.Value != d.Value || c.N != d.N || c.Suppressed != d.Suppressed || c.Primary != d.Primary || c.Pending != d.Pending) {
						out = append(out, fmt.Sprintf("view %d %s/%s/%s: %+v → %+v", id, ta.ID, r.Code, ta.Cols[j].Code, c, d))
					}
				}
			}
		}
	}
	return out
}

// Issue 19 (5): two dashboard loads around one new concern differed in 28 cells and together
// isolated one young person. Now a half-year is published once it is over, as a release that
// never changes: two loads (and two national exports) of every published half-year around a
// new concern are the same figures, so their difference isolates nobody — no single cell, and
// no difference of a total and its parts, of the municipality and its districts. The running
// half-year, where the concern lands, is not published at all; when it is, it is published
// once, and stays the same around the concerns that follow.
func TestDashboardReleaseDifference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(dashAt)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		if err := s.SeedCasesForTest(context.Background(), f.Municipality.ID, handMadeCases(f)); err != nil {
			t.Fatal(err)
		}
		analyst := f.Ctx(t, s, casework.RoleAnalyst)
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		n := 0
		concern := func() {
			t.Helper()
			n++
			if _, err := s.RegisterConcern(coord, store.ConcernInput{
				Youth: casework.YouthInput{FirstName: "Ny", LastName: fmt.Sprintf("Person%d", n), BirthDate: "2010-02-03", Gender: "female",
					DistrictID: f.Districts[1].ID},
				Ratings: storetest.IRKRatings(1),
			}); err != nil {
				t.Fatal(err)
			}
		}
		type published struct {
			dash   *stats.Dashboard
			export []byte
		}
		load := func() map[stats.Period]published {
			t.Helper()
			periods, err := s.DashboardPeriods(analyst)
			if err != nil {
				t.Fatal(err)
			}
			out := map[stats.Period]published{}
			for _, p := range periods {
				d, err := s.Dashboard(analyst, store.DashboardQuery{Period: p, District: stats.All})
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if err := d.CheckPublished(); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				x, err := s.ExportStats(analyst, p)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				out[p] = published{d, x}
			}
			return out
		}
		same := func(before, after map[stats.Period]published) {
			t.Helper()
			if len(before) != len(after) || len(before) == 0 {
				t.Fatalf("published half-years: %d before, %d after", len(before), len(after))
			}
			for p, b := range before {
				a := after[p]
				if diffs := cellDiffs(b.dash, a.dash); len(diffs) > 0 {
					t.Errorf("%s: %d cells differ around one concern, e.g. %s", p, len(diffs), diffs[0])
				}
				if !bytes.Equal(b.export, a.export) {
					t.Errorf("%s: the national export differs around one concern", p)
				}
			}
		}

		before := load()
		concern()
		clock.Advance(24 * time.Hour)
		same(before, load())

		running := stats.PeriodOf(clock.Now())
		if _, err := s.Dashboard(analyst, store.DashboardQuery{Period: running, District: stats.All}); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("the running half-year %s is shown: %v", running, err)
		}
		if _, err := s.ExportStats(analyst, running); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("the running half-year %s is exported: %v", running, err)
		}

		// The concern's half-year is published a month after it ends — once.
		clock.Set(stats.DueAt(running, stats.PartMain).Add(time.Hour))
		before = load()
		if _, ok := before[running]; !ok {
			t.Fatalf("%s is not published at %v", running, clock.Now())
		}
		concern()
		clock.Advance(30 * 24 * time.Hour)
		same(before, load())
	})
}

// A release is counted once and then read: the second view runs no count.
func TestDashboardReleaseIsStoredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := seedHandMade(t, e)
		analyst := f.Ctx(t, s, casework.RoleAnalyst)
		if _, err := s.Dashboard(analyst, store.DashboardQuery{Period: h1, District: stats.All}); err != nil {
			t.Fatal(err)
		}
		// Change the data under the release: a view still shows the release as made.
		if err := s.SeedCasesForTest(context.Background(), f.Municipality.ID, handMadeCases(f)); err != nil {
			t.Fatal(err)
		}
		d, err := s.Dashboard(analyst, store.DashboardQuery{Period: h1, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := d.View(stats.All)
		if c := v.Table("times").Cell("concern_to_decision", "n"); !c.Show() || c.Value != 8 {
			t.Fatalf("the release changed with the data: %+v", c)
		}
		if n, err := s.PublishDueReleases(context.Background()); err != nil || n == 0 {
			t.Fatalf("publish due releases: %d %v", n, err)
		}
	})
}
