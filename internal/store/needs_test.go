package store_test

import (
	"fmt"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The release's needs per district and age band (issue 13:3) on a hand-built municipality
// where every count is known: each young person once per column, a concern in the district it
// was received in and only its latest in the half-year, the latest Check: IRK in the half-year
// and only the factors marked some or clear, cases open in SIG or SSPF some moment of the
// half-year (one moved from SSPF to SIG in it in both), placements in force or begun in it —
// and every figure suppressed as the rest of the release: a shown figure is the true count and
// at least five, "<5" exactly where the count is under five, the release passes the checks.
// The picture reads the same figures per 1 000 young people.
func TestReleaseCountsNeedsPerDistrictAndAgeBand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		sys := f.Ctx(t, s, casework.RoleAdmin)
		n, so := f.Districts[0].ID, f.Districts[1].ID // Norra, Södra
		at := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 10, 0, 0, 0, time.UTC) }
		b14, b17 := time.Date(2012, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2009, 3, 1, 0, 0, 0, 0, time.UTC) // 14 and 17 at the half-year's end
		var ys []store.SeedNeedYouth
		add := func(k int, y store.SeedNeedYouth) {
			for range k {
				ys = append(ys, y)
			}
		}
		concern := func(d int64, at time.Time) []store.SeedConcern { return []store.SeedConcern{{At: at, District: d}} }
		// Norra 13–15: eight young people with a concern in the half-year.
		peers := func(v string) map[string]string {
			return map[string]string{"peers": v, "criminal_history": "unknown", "leisure": "no"}
		}
		add(3, store.SeedNeedYouth{District: n, Birth: b14, Concerns: concern(n, at(3, 10)), IRK: []store.SeedIRK{{At: at(3, 11), Ratings: peers("clear")}}})
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: concern(n, at(3, 10)), IRK: []store.SeedIRK{{At: at(3, 11), Ratings: peers("some")}}})
		// … one whose earlier checklist in the half-year marked family, the latest not
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: concern(n, at(3, 10)), IRK: []store.SeedIRK{
			{At: at(2, 1), Ratings: map[string]string{"family": "clear"}}, {At: at(4, 1), Ratings: peers("some")}}})
		// … one whose peers are no risk, and whose family was marked in the half-year before
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: []store.SeedConcern{{At: at(1, 20), District: n}, {At: at(5, 2), District: n}},
			IRK: []store.SeedIRK{{At: time.Date(2025, 11, 1, 9, 0, 0, 0, time.UTC), Ratings: map[string]string{"family": "clear"}}, {At: at(5, 3), Ratings: peers("no")}}})
		add(1, store.SeedNeedYouth{District: so, Birth: b14, Concerns: concern(n, at(2, 2))}) // received in Norra, lives in Södra now
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: []store.SeedConcern{{At: at(2, 1), District: so}, {At: at(5, 1), District: n}}})
		// Not in the half-year: a concern before it, one after it.
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: concern(n, time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC))}) // 31 Dec 23:00 in Stockholm
		add(1, store.SeedNeedYouth{District: n, Birth: b14, Concerns: concern(n, time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC))})  // 1 Jul 00:00 in Stockholm
		// Södra: five 13–15, two 16–17.
		add(5, store.SeedNeedYouth{District: so, Birth: b14, Concerns: concern(so, at(4, 4))})
		add(2, store.SeedNeedYouth{District: so, Birth: b17, Concerns: concern(so, at(4, 4))})
		// Norra 16–17: six with a concern, all placed in the half-year, four of them from a day in it.
		add(3, store.SeedNeedYouth{District: n, Birth: b17, Concerns: concern(n, at(1, 5)), Placements: []store.SeedPlacement{{From: "2026-02-01"}}})
		add(2, store.SeedNeedYouth{District: n, Birth: b17, Concerns: concern(n, at(1, 5)), Placements: []store.SeedPlacement{{From: "2025-10-01", To: "2026-03-01"}}})
		add(1, store.SeedNeedYouth{District: n, Birth: b17, Concerns: concern(n, at(1, 5)), Placements: []store.SeedPlacement{{From: "2026-06-30"}, {From: "2026-01-01", To: "2026-02-01"}}})
		// Not placed in the half-year: from the day after it, ended the day before it, waiting for a SiS place.
		add(1, store.SeedNeedYouth{District: n, Birth: b17, Placements: []store.SeedPlacement{{From: "2026-07-01"}}})
		add(1, store.SeedNeedYouth{District: n, Birth: b17, Placements: []store.SeedPlacement{{From: "2025-01-01", To: "2025-12-31"}, {Waiting: true}}})
		// Every young person above has a SIG case open since June 2025. Södra 16–17: young
		// people in SSPF, and cases open in the half-year or not.
		track := func(program string, opened, closed, toSIG time.Time) store.SeedNeedYouth {
			return store.SeedNeedYouth{District: so, Birth: b17, Program: program, Opened: opened, Closed: closed, ToSIG: toSIG}
		}
		var never time.Time
		add(4, track("sspf", at(2, 1), never, never))
		// … one moved from SSPF to SIG in the half-year: in both, once in each
		add(1, track("sig", at(1, 10), never, at(4, 1)))
		add(1, track("sig", time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC), never, time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC))) // SIG all the half-year
		add(1, track("sig", at(3, 1), never, time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)))                                      // SSPF all the half-year
		add(1, track("sspf", time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC), at(1, 10), never))                                    // closed in it
		// Not in the half-year: closed on 31 December at 22:00, opened on 1 July at 00:00 (Stockholm).
		add(1, track("sspf", time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 21, 0, 0, 0, time.UTC), never))
		add(1, track("sig", time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), never, never))
		if err := s.SeedNeedsForTest(sys, f.Municipality.ID, ys); err != nil {
			t.Fatal(err)
		}
		// A concern is a Check: IRK checklist too (at the time point "concern"): the checklists
		// counted are each young person's latest in the half-year, in the district they live in.
		want := map[int64]map[string]map[string]int{
			n: {stats.NeedConcerns: {"13-15": 8, "16-17": 6}, stats.NeedIRKAssessed: {"13-15": 7, "16-17": 6}, "irk.peers": {"13-15": 5},
				stats.NeedPlaced: {"16-17": 6}, stats.NeedPlacedBegan: {"16-17": 4}, stats.NeedSIG: {"13-15": 9, "16-17": 8}},
			so: {stats.NeedConcerns: {"13-15": 5, "16-17": 2}, stats.NeedIRKAssessed: {"13-15": 6, "16-17": 2},
				stats.NeedSIG: {"13-15": 6, "16-17": 2 + 1 + 1}, stats.NeedSSPF: {"16-17": 4 + 1 + 1 + 1}},
		}
		wantOf := func(view int64, col, band string) int {
			sum := 0
			for d, cols := range want {
				if view != stats.All && view != d {
					continue
				}
				for b, x := range cols[col] {
					if band == "total" || b == band {
						sum += x
					}
				}
			}
			return sum
		}
		raw, err := s.NeedsRawForTest(sys, f.Municipality.ID, stats.Period{Year: 2026, Half: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []int64{n, so} {
			for _, col := range stats.NeedsCols {
				for _, band := range stats.AgeBands {
					if got, w := raw.Need(d, col, band), wantOf(d, col, band); got != w {
						t.Errorf("district %d %s %s: counted %d, want %d", d, col, band, got, w)
					}
				}
			}
		}

		clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
		analyst := f.Ctx(t, s, casework.RoleAnalyst)
		p := stats.Period{Year: 2026, Half: 1}
		dash, err := s.Dashboard(analyst, store.DashboardQuery{Period: p, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		if err := dash.CheckPublished(); err != nil {
			t.Fatalf("the release's published figures: %v", err)
		}
		shown, primary, secondary := 0, 0, 0
		for _, view := range []int64{stats.All, n, so} {
			v, ok := dash.View(view)
			if !ok {
				t.Fatalf("no view %d", view)
			}
			tb := v.Table(stats.NeedsTable)
			if tb == nil {
				t.Fatal("the release has no needs table")
			}
			for _, r := range tb.Rows {
				for j, col := range tb.Cols {
					c, w := r.Cells[j], wantOf(view, col.Code, r.Code)
					switch {
					case c.Show() && (c.Value != float64(w) || w < stats.MinCell):
						t.Errorf("view %d %s %s shows %v, want %d", view, col.Code, r.Code, c.Value, w)
					case !c.Show() && c.Primary != (w < stats.MinCell):
						t.Errorf("view %d %s %s hidden (primary %v), the count is %d", view, col.Code, r.Code, c.Primary, w)
					case c.Show():
						shown++
					case c.Primary:
						primary++
					default:
						secondary++
					}
				}
			}
		}
		// Some figures are shown, and the two-person group of Södra 16–17 takes others with it.
		if shown == 0 || secondary == 0 || primary == 0 {
			t.Errorf("%d shown, %d hidden as <5, %d hidden to protect them", shown, primary, secondary)
		}
		// The picture: the same figures per 1 000 young people of the band.
		rows, err := mapping.ParsePopulation([]byte(popFile(2025, 50, 30)), districtsOf(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ImportPopulation(sys, rows); err != nil {
			t.Fatal(err)
		}
		pic, err := s.MappingPicture(analyst, p, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range pic.Rows {
			v, _ := dash.View(row.ID)
			tb := v.Table(stats.NeedsTable)
			for _, c := range row.Cells {
				for _, col := range stats.NeedsCols {
					rc := tb.Cell(c.Band, col)
					count, rate := c.Measure(col)
					if count.Shown != rc.Show() || (rc.Show() && count.Value != rc.Value) || (!rc.Show() && count.Primary != rc.Primary) {
						t.Errorf("%s %s %s: picture %+v, release %+v", row.Name, c.Band, col, count, rc)
					}
					switch {
					case c.Population == 0:
						if !rate.None {
							t.Errorf("%s %s %s: a rate %+v without population", row.Name, c.Band, col, rate)
						}
					case rate.Shown != rc.Show() || (rc.Show() && rate.Value != rc.Value*1000/float64(c.Population)) || (!rc.Show() && rate.Primary != rc.Primary):
						t.Errorf("%s %s %s: rate %+v, release %+v", row.Name, c.Band, col, rate, rc)
					}
				}
			}
		}
		m := pic.Export()
		if m == nil || len(m.Bands) != 6 || len(m.Bands[1].Needs) != len(stats.NeedsCols) || m.Bands[1].Needs[0].Need != stats.NeedConcerns {
			t.Fatalf("export %+v", m)
		}
	})
}

// A concern registered through the store keeps the district the young person lived in when it
// came in: moved afterwards, the young person's case counts in the new district and the
// concern in the old.
func TestConcernKeepsItsDistrict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		for i := 0; i < 6; i++ {
			f.Concern(t, s, casework.RoleCoordinator, "Ung", fmt.Sprintf("Nr%d", i), storetest.TestPersonalNumbers[i])
		}
		n, so := f.Districts[0].ID, f.Districts[1].ID
		if err := s.MoveYouthForTest(f.Ctx(t, s, casework.RoleAdmin), f.Municipality.ID, n, so); err != nil {
			t.Fatal(err)
		}
		raw, err := s.NeedsRawForTest(f.Ctx(t, s, casework.RoleAdmin), f.Municipality.ID, stats.Period{Year: 2026, Half: 1})
		if err != nil {
			t.Fatal(err)
		}
		sum := func(d int64, col string) int {
			x := 0
			for _, b := range stats.AgeBands {
				x += raw.Need(d, col, b)
			}
			return x
		}
		if got := sum(n, stats.NeedConcerns); got != 6 {
			t.Errorf("Norra's concerns %d, want 6", got)
		}
		if got := sum(so, stats.NeedConcerns); got != 0 {
			t.Errorf("Södra's concerns %d, want none", got)
		}
		if got := sum(so, stats.NeedIRKAssessed); got != 6 {
			t.Errorf("Södra's IRK checklists %d, want 6 (the concern's checklist, where the young person lives)", got)
		}
		if len(raw.Districts) != 2 || raw.Districts[0].ID != n || raw.Districts[1].ID != so {
			t.Errorf("slices %+v: Norra, where no young person lives now, is a slice for its concerns", raw.Districts)
		}
		// And the release of the half-year is made with it, passing its checks.
		clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
		dash, err := s.Dashboard(f.Ctx(t, s, casework.RoleAnalyst), store.DashboardQuery{Period: stats.Period{Year: 2026, Half: 1}, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := dash.View(n); !ok {
			t.Error("the release has no view of Norra")
		}
	})
}
