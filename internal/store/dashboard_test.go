package store_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

var (
	h1     = stats.Period{Year: 2026, Half: 1}
	dashAt = time.Date(2027, 2, 2, 10, 0, 0, 0, time.UTC) // 2026H1 published, with its six-month follow-ups
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, stats.Stockholm)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}

func num(code, part string, n float64) stats.Value {
	return stats.Value{Code: code, Part: part, Number: n, Known: true}
}

func choice(code, v string) stats.Value { return stats.Value{Code: code, Choice: v, Known: true} }

// police returns police_suspect recorded in one crime category (the whole and its parts).
func police(cat string, n float64) []stats.Value {
	out := []stats.Value{num("police_suspect", "", n)}
	for _, c := range stats.CrimeCategories {
		v := 0.0
		if c == cat {
			v = n
		}
		out = append(out, num("police_suspect", c, v))
	}
	return out
}

// handMadeCases is a small municipality with known answers (see TestDashboardKnownAnswers):
//
//   - 12 young people whose SIG started in October 2025 and closed on 15 March 2026, seven in
//     Norra (goals reached) and five in Södra (moved): school attendance 10…70 % → +20 points
//     in Norra, 6 % → 65 % in Södra; police reports as suspected 9 each in Norra and 5,5,5,6,6
//     in Södra before (90 crimes), at six months after closure 0 in Norra and 1,1,0,0,0 in
//     Södra (2); nobody placed at intake, one in Södra in an HVB at closure;
//   - 8 cases opened on 20 January 2026 (six in Norra), started 3 February, group convened 6
//     February, action plan 20 February — active now; six of them have a signed consent, one
//     of those was withdrawn;
//   - 4 cases identified in June (three in Norra), waiting now.
func handMadeCases(f *storetest.Fixture) []store.SeedCase {
	norra, sodra := f.Districts[0].ID, f.Districts[1].ID
	coord := f.Users[casework.RoleCoordinator].ID
	var out []store.SeedCase
	for i := 0; i < 12; i++ {
		c := store.SeedCase{District: norra, Gender: casework.GenderMale, Birth: day("2010-03-01"), Step: casework.StepClosed, Closure: casework.CloseGoalsReached,
			Opened: day("2025-09-01"), TakenOn: day("2025-09-10"), AssessmentDone: day("2025-10-01"), DecidedStart: day("2025-10-05"),
			GroupConvened: day("2025-10-10"), PlanSet: day("2025-10-20"), Closed: day("2026-03-15"), ConsentSigned: day("2025-10-08"),
			SubGoals: 4, Reached: 3}
		attendance := float64(10 * (i + 1))
		before, after := police("violence", 9), police("violence", 0)
		placed := "none"
		if i >= 7 {
			c.District, c.Gender, c.Closure, c.Reached = sodra, casework.GenderFemale, casework.CloseMoved, 1
			attendance = 6
			before = police("theft", []float64{5, 5, 5, 6, 6}[i-7])
			after = police("theft", []float64{1, 1, 0, 0, 0}[i-7])
			if i == 7 {
				placed = "hvb"
			}
		}
		closing := attendance + 20
		if i >= 7 {
			closing = 65
		}
		c.Indicators = map[string][]stats.Value{
			stats.AtIntake:  append([]stats.Value{num("school_attendance", "", attendance), choice("placement", "none")}, before...),
			stats.AtClosure: {num("school_attendance", "", closing), choice("placement", placed)},
			stats.AtFollow6: after,
		}
		closureRating := "some"
		if i >= 7 {
			closureRating = "clear"
		}
		c.IRK = map[string]map[string]string{stats.AtIntake: {"criminal_history": "clear"}, stats.AtClosure: {"criminal_history": closureRating}}
		out = append(out, c)
	}
	for i := 0; i < 8; i++ {
		c := store.SeedCase{District: norra, Gender: casework.GenderMale, Birth: day("2011-05-05"), Step: casework.StepActive, Coordinator: coord,
			Opened: day("2026-01-20"), TakenOn: day("2026-01-22"), AssessmentDone: day("2026-01-30"), DecidedStart: day("2026-02-03"),
			GroupConvened: day("2026-02-06"), PlanSet: day("2026-02-20")}
		if i >= 6 {
			c.District = sodra
		}
		if i < 5 || i == 6 {
			c.ConsentSigned = day("2026-02-10")
		}
		if i == 0 {
			c.ConsentWithdrawn = day("2026-04-01")
		}
		out = append(out, c)
	}
	for i := 0; i < 4; i++ {
		c := store.SeedCase{District: norra, Gender: casework.GenderFemale, Birth: day("2012-01-01"), Step: casework.StepIdentified, Opened: day("2026-06-10")}
		if i == 3 {
			c.District, c.Opened = sodra, day("2026-06-25")
		}
		out = append(out, c)
	}
	return out
}

func seedHandMade(t *testing.T, e storetest.Engine) (*store.Store, *storetest.Fixture) {
	t.Helper()
	s := storetest.Open(t, e, func() time.Time { return dashAt })
	f := storetest.Seed(t, s, "9901", "")
	if err := s.SeedCasesForTest(context.Background(), f.Municipality.ID, handMadeCases(f)); err != nil {
		t.Fatal(err)
	}
	return s, f
}

type want struct {
	table, row, col string
	value           float64 // ignored when hidden
	hidden          bool
}

func checkCells(t *testing.T, v *stats.View, wants []want) {
	t.Helper()
	for _, w := range wants {
		tab := v.Table(w.table)
		if tab == nil {
			t.Errorf("no table %s", w.table)
			continue
		}
		c := tab.Cell(w.row, w.col)
		if c == nil {
			t.Errorf("%s/%s/%s: no cell", w.table, w.row, w.col)
			continue
		}
		if c.Suppressed != w.hidden {
			t.Errorf("%s/%s/%s: hidden %v, want %v (value %v, n %d)", w.table, w.row, w.col, c.Suppressed, w.hidden, c.Value, c.N)
			continue
		}
		if !w.hidden && math.Abs(c.Value-w.value) > 1e-9 {
			t.Errorf("%s/%s/%s = %v, want %v", w.table, w.row, w.col, c.Value, w.value)
		}
	}
}

// The dashboard's figures on hand-made data, on both engines: the values, and which are
// hidden — directly (fewer than five) or to protect another by subtraction.
func TestDashboardKnownAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := seedHandMade(t, e)
		ctx := f.Ctx(t, s, casework.RoleAnalyst)
		d, err := s.Dashboard(ctx, store.DashboardQuery{Period: h1, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Verify(); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckPublished(); err != nil {
			t.Fatal(err)
		}
		all, _ := d.View(stats.All)
		norra, _ := d.View(f.Districts[0].ID)
		sodra, _ := d.View(f.Districts[1].ID)
		t.Run("the municipality", func(t *testing.T) {
			checkCells(t, all, []want{
				// 12 open at the end of June: 8 active and 4 identified; every step but active is
				// below five, so active is hidden too. Before the cross-view rule the total
				// showed; now it is hidden as well: with the coordinator's six shown and Södra's
				// "<5", the municipality's 12 would pin Södra's 3 down to 2–4 (the rule keeps
				// four of a "<5" figure's five values). Such totals are "–", not "<5".
				{"active_by_step", "total", "count", 12, true}, // secondary: Norra's 9 beside Södra's 3
				{"active_by_step", "active", "count", 0, true},
				{"active_by_step", "identified", "count", 0, true},
				{"waiting", "identified", "median_days", 0, true},
				// Flow per month: 8 opened in January, 4 in June (hidden), 12 in the half-year.
				// Zero is fewer than five too: the 8 started in February, beside five months of
				// zero under a total of 8, would reveal the zeros, so it is hidden.
				{"flow", "opened", "2026-01", 0, true},
				{"flow", "opened", "total", 12, true},
				{"flow", "started", "2026-02", 0, true},
				{"flow", "started", "total", 8, false},
				{"flow", "closed", "2026-03", 0, true},
				{"flow", "closed", "total", 12, true},
				{"closures", "goals_reached", "all", 7, true},
				{"closures", "moved", "all", 0, true},
				{"closures", "total", "started", 12, true},
				// Times: 14 days from concern to decision, 17 to the group, 31 to the plan.
				{"times", "concern_to_decision", "median_days", 14, false},
				{"times", "concern_to_group", "median_days", 17, false},
				{"times", "concern_to_plan", "median_days", 31, false},
				{"times", "concern_to_plan", "n", 8, false},
				// Deadlines: all 8 assessments and groups in time, all 8 plans late — a zero
				// beside an eight would reveal the zero, so both are hidden.
				{"deadlines", "assessment", "n", 8, false},
				{"deadlines", "assessment", "within", 0, true},
				{"deadlines", "plan", "late", 0, true},
				{"deadlines", "plan", "share_within", 0, true},
				// Consent: 8 proposed, 6 consented (2 did not: hidden, and so the 6 and the share).
				{"consent", "proposed", "value", 8, false},
				{"consent", "consented", "value", 0, true},
				{"consent", "share_consented", "value", 0, true},
				{"consent", "withdrawn", "value", 0, true},
				// Outcomes, paired per young person.
				{"outcome_school_attendance", "closure", "n", 12, false},
				{"outcome_school_attendance", "closure", "before", 310.0 / 12, false},
				{"outcome_school_attendance", "closure", "after", 745.0 / 12, false},
				{"outcome_school_attendance", "followup_6", "n", 0, true},
				{"outcome_police_suspect", "followup_6", "n", 12, false},
				{"outcome_police_suspect", "followup_6", "before", 90, false},
				{"outcome_police_suspect", "followup_6", "after", 2, false},
				{"outcome_police_suspect", "followup_6", "change", -88, false},
				{"outcome_police_suspect_parts", "violence", "followup_6_before", 63, false},
				{"outcome_police_suspect_parts", "theft", "followup_6_after", 2, false},
				// Placement at closure: 11 none and 1 HVB — the one is hidden, and with it the
				// eleven (12 − 11 would give it away); the 12 paired young people show.
				{"outcome_placement", "total", "closure_after", 12, true},
				{"outcome_placement", "none", "closure_before", 0, true},
				{"outcome_placement", "none", "closure_after", 0, true},
				{"outcome_placement", "hvb", "closure_after", 0, true},
				{"outcome_irk", "criminal_history", "before", 2, false},
				{"outcome_irk", "criminal_history", "after", 17.0 / 12, false},
				{"goals", "goals_reached_share", "value", 7.0 / 12, true},
				{"goals", "plans", "value", 12, false},
				{"goals", "sub_goals_reached_share", "value", 26.0 / 48, false},
				{"breakdown_gender", "female", "open", 0, true},
				{"breakdown_age", "16-17", "closed", 0, true},
				{"breakdown_age", "total", "closed", 12, true},
				// Norra has 9 open cases and Södra 3: Södra is hidden, and Norra with it.
				{"breakdown_district", "d" + itoa(f.Districts[0].ID), "open", 0, true},
				{"breakdown_district", "d" + itoa(f.Districts[1].ID), "open", 0, true},
				{"breakdown_district", "total", "open", 12, true},
			})
		})
		t.Run("Norra", func(t *testing.T) {
			checkCells(t, norra, []want{
				{"outcome_school_attendance", "closure", "n", 7, false},
				{"outcome_school_attendance", "closure", "before", 40, false},
				{"outcome_school_attendance", "closure", "after", 60, false},
				{"outcome_police_suspect", "followup_6", "before", 63, false},
				{"outcome_police_suspect", "followup_6", "after", 0, false},
				// Norra's goals_reached 7 beside Södra's 0 under a municipal 7: hidden.
				{"closures", "goals_reached", "started", 0, true},
				{"active_by_step", "total", "count", 0, true}, // the district breakdown hides it
			})
		})
		t.Run("Södra", func(t *testing.T) {
			checkCells(t, sodra, []want{
				{"outcome_school_attendance", "closure", "before", 6, false},
				{"outcome_school_attendance", "closure", "after", 65, false},
				{"active_by_step", "total", "count", 0, true},
			})
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Who may see the dashboard: coordinators, steering group and analysts (aggregates); not the
// administrator nor a group member. Steering and analysts, who may open no case, see the same
// figures as a coordinator: the aggregates do not pass through per-case access. The view is
// audited as an aggregate read naming no young person.
func TestDashboardAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := seedHandMade(t, e)
		var totals []float64
		for _, r := range []casework.Role{casework.RoleCoordinator, casework.RoleSteering, casework.RoleAnalyst} {
			d, err := s.Dashboard(f.Ctx(t, s, r), store.DashboardQuery{Period: h1, District: stats.All})
			if err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			v, _ := d.View(stats.All)
			totals = append(totals, v.Table("flow").Cell("started", "total").Value)
		}
		if totals[0] != 8 || totals[1] != 8 || totals[2] != 8 {
			t.Fatalf("started in the half-year per role: %v", totals)
		}
		for _, r := range []casework.Role{casework.RoleAdmin, casework.RoleGroupMember, casework.RoleCaseOfficer} {
			if _, err := s.Dashboard(f.Ctx(t, s, r), store.DashboardQuery{Period: h1, District: stats.All}); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("%s: %v, want forbidden", r, err)
			}
		}
		var entries []audit.Entry
		if err := s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
			entries = append(entries, en)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		views, refusals := 0, 0
		for _, en := range entries {
			if en.Object != "dashboard" {
				continue
			}
			if en.YouthID != 0 {
				t.Errorf("a dashboard entry names a young person: %+v", en)
			}
			if en.Allowed && en.Action == audit.ActionList {
				views++
			}
			if !en.Allowed {
				refusals++
			}
		}
		if views != 3 || refusals != 3 {
			t.Fatalf("dashboard audit entries: %d views, %d refusals", views, refusals)
		}
	})
}

// benchCases invents a municipality's history: n young people over ten years before now, in
// six districts, most of them closed; those started and closed have their indicators recorded
// at intake, closure and the follow-ups, and an action plan.
func benchCases(r *rand.Rand, n int, now time.Time, districts, coordinators []int64) []store.SeedCase {
	out := make([]store.SeedCase, 0, n)
	steps := []casework.Step{casework.StepIdentified, casework.StepAssessment, casework.StepDecision, casework.StepParties,
		casework.StepConsent, casework.StepPlanning, casework.StepActive, casework.StepActive, casework.StepActive}
	reasons := []casework.ClosureReason{casework.CloseGoalsReached, casework.CloseGoalsReached, casework.CloseMoved, casework.ClosePlaced,
		casework.CloseDeclined, casework.CloseAgedOut, casework.CloseOther}
	choices := func(code string) stats.Value {
		in, _ := stats.IndicatorByCode(code)
		return choice(code, in.Values[r.IntN(len(in.Values))])
	}
	values := func(crimes float64) []stats.Value {
		vs := []stats.Value{num("school_attendance", "", float64(r.IntN(101))), num("passed_subjects", "", float64(r.IntN(17))),
			num("graded_subjects", "", 16), choices("occupation"), choices("housing"), choices("income"), choices("substance_use"),
			choices("placement"), choices("organised_leisure"), num("own_progress", "", float64(1+r.IntN(10))), num("police_victim", "", float64(r.IntN(3)))}
		return append(vs, police(stats.CrimeCategories[r.IntN(len(stats.CrimeCategories))], crimes)...)
	}
	day := 24 * time.Hour
	for i := 0; i < n; i++ {
		opened := now.Add(-time.Duration(r.Int64N(int64(3650 * day))))
		c := store.SeedCase{District: districts[r.IntN(len(districts))], Gender: []casework.Gender{casework.GenderMale, casework.GenderFemale}[r.IntN(2)],
			Birth: opened.AddDate(-12-r.IntN(7), 0, -r.IntN(365)), Opened: opened, Coordinator: coordinators[r.IntN(len(coordinators))]}
		age := now.Sub(opened)
		started := r.IntN(10) < 6
		if started {
			c.TakenOn, c.AssessmentDone = opened.Add(5*day), opened.Add(time.Duration(20+r.IntN(40))*day)
			c.DecidedStart = c.AssessmentDone.Add(3 * day)
			c.GroupConvened, c.PlanSet = c.DecidedStart.Add(time.Duration(2+r.IntN(12))*day), c.DecidedStart.Add(time.Duration(5+r.IntN(20))*day)
			c.ConsentSigned = c.DecidedStart.Add(2 * day)
			if r.IntN(12) == 0 {
				c.ConsentWithdrawn = c.ConsentSigned.Add(60 * day)
			}
		}
		switch {
		case age < 300*day && started && c.PlanSet.Before(now):
			c.Step = steps[r.IntN(len(steps))]
		case age < 60*day:
			c.Step, c.TakenOn, c.AssessmentDone, c.DecidedStart, c.GroupConvened, c.PlanSet, c.ConsentSigned = casework.StepIdentified, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
			c.ConsentWithdrawn, c.Coordinator = time.Time{}, 0
		case started:
			c.Step, c.Closed, c.Closure = casework.StepClosed, c.DecidedStart.Add(time.Duration(200+r.IntN(200))*day), reasons[r.IntN(len(reasons))]
			if c.Closed.After(now) {
				c.Closed = now.Add(-day)
			}
			c.Coordinator = 0
			c.SubGoals, c.Reached = 3+r.IntN(4), r.IntN(4)
			before := float64(r.IntN(12))
			c.Indicators = map[string][]stats.Value{stats.AtIntake: values(before), stats.AtClosure: values(before / 2)}
			if now.Sub(c.Closed) > 183*day {
				c.Indicators[stats.AtFollow6] = values(float64(r.IntN(3)))
			}
			if now.Sub(c.Closed) > 365*day {
				c.Indicators[stats.AtFollow12] = values(float64(r.IntN(3)))
			}
			rate := func() string { return []string{"no", "some", "clear", "unknown"}[r.IntN(4)] }
			c.IRK = map[string]map[string]string{stats.AtIntake: {}, stats.AtClosure: {}}
			for _, d := range stats.IRKDomains {
				c.IRK[stats.AtIntake][d], c.IRK[stats.AtClosure][d] = rate(), rate()
			}
		default:
			c.Step, c.Closed, c.Closure, c.Coordinator = casework.StepClosed, opened.Add(20*day), casework.CloseNotNow, 0
		}
		out = append(out, c)
	}
	return out
}

// BenchmarkDashboard views the dashboard of a municipality with 20 000 young people and ten
// years of history — a stored release, made once for each half-year — against a trivial query
// on the same store, and logs how long making the twenty releases took. See docs/performance.md
// ("Dashboard"). PostgreSQL only with LOTS_BENCH_POSTGRES=1: seeding it row by row takes
// twenty minutes.
func BenchmarkDashboard(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			if e == storetest.Postgres && os.Getenv("LOTS_BENCH_POSTGRES") == "" {
				b.Skip("set LOTS_BENCH_POSTGRES=1 to seed PostgreSQL too (about twenty minutes)")
			}
			benchmarkDashboard(b, e)
		})
	}
}

func benchmarkDashboard(b *testing.B, e storetest.Engine) {
	now := time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)
	s := storetest.Open(b, e, func() time.Time { return now })
	f := storetest.Seed(b, s, "9901", "")
	ctx := context.Background()
	sys := casework.WithActor(ctx, casework.SystemActor(f.Municipality.ID, "bench"))
	districts := []int64{f.Districts[0].ID, f.Districts[1].ID}
	for _, n := range []string{"Centrum", "Västra", "Östra", "Hamnen"} {
		d := casework.District{Name: n}
		if err := s.CreateDistrict(sys, &d); err != nil {
			b.Fatal(err)
		}
		districts = append(districts, d.ID)
	}
	coords := []int64{f.Users[casework.RoleCoordinator].ID}
	start := time.Now()
	cases := benchCases(rand.New(rand.NewPCG(1, 1)), 20000, now, districts, coords)
	for i := 0; i < len(cases); i += 2000 {
		if err := s.SeedCasesForTest(ctx, f.Municipality.ID, cases[i:min(i+2000, len(cases))]); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded 20 000 young people in %v", e, time.Since(start).Round(time.Millisecond))
	// As lots serve does every hour: the planner's statistics of the grown tables.
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	analyst := f.Ctx(b, s, casework.RoleAnalyst)
	q := store.DashboardQuery{Period: h1, District: stats.All}
	// The releases: every half-year of the ten years counted, suppressed, verified and stored
	// once, oldest first, as lots serve's housekeeping does when they fall due.
	start = time.Now()
	n, err := s.PublishDueReleases(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: made the releases of %d half-years in %v", e, n, time.Since(start).Round(time.Millisecond))
	d, err := s.Dashboard(analyst, q)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.CheckPublished(); err != nil {
		b.Fatal(err)
	}
	v, _ := d.View(stats.All)
	b.Logf("started in 2026H1: %v, school attendance at intake/closure: %.1f/%.1f", v.Table("flow").Cell("started", "total").Value,
		v.Table("outcome_school_attendance").Cell("closure", "before").Value, v.Table("outcome_school_attendance").Cell("closure", "after").Value)
	b.Run("trivial query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Ping(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dashboard", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Dashboard(analyst, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A view's cost as a share of the trivial query's, measured in the same run (timed by hand:
	// testing.Benchmark cannot run inside a benchmark).
	timed := func(n int, f func()) time.Duration {
		start := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		return time.Since(start) / time.Duration(n)
	}
	trivial := timed(2000, func() { _ = s.Ping(ctx) })
	view := timed(50, func() { _, _ = s.Dashboard(analyst, q) })
	b.Logf("%s: trivial query %v, dashboard view %v, view ÷ trivial ≈ %.0f", e, trivial, view, float64(view)/float64(trivial))
}
