package store_test

import (
	"slices"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/consentform"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestDeadlinesPerTrack: the dashboard's deadline figures measure each case against its own
// track's deadlines. Six SIG and twelve SSPF cases: the assessment done after 20 days (the SIG
// cases and six SSPF cases) or 30 days (six SSPF cases), the group or network meeting 10 days
// and the plan 19 days after the decision to start. Against SIG's days alone (42, 7, 10) all
// eighteen assessments would be on time and all groups and plans late; against each track's
// own (SSPF: 14, 21, 28) six assessments are on time and twelve late, six groups and plans late
// and twelve on time. A municipality that gives SSPF 25 days for the assessment has twelve on
// time and six late. The release and the national export carry both tracks' days.
func TestDeadlinesPerTrack(t *testing.T) {
	for _, tc := range []struct {
		name           string
		sspfAssessment int // 0: the default
		want           []want
	}{
		{"default deadlines", 0, []want{
			{"deadlines", "assessment", "within", 6, false}, {"deadlines", "assessment", "late", 12, false},
			{"deadlines", "group", "within", 12, false}, {"deadlines", "group", "late", 6, false},
			{"deadlines", "plan", "within", 12, false}, {"deadlines", "plan", "late", 6, false},
		}},
		{"SSPF's assessment within 25 days", 25, []want{
			{"deadlines", "assessment", "within", 12, false}, {"deadlines", "assessment", "late", 6, false},
			{"deadlines", "group", "within", 12, false}, {"deadlines", "plan", "late", 6, false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, e storetest.Engine) {
				s := storetest.Open(t, e, func() time.Time { return dashAt })
				f := storetest.Seed(t, s, "9901", "")
				if tc.sspfAssessment != 0 {
					m := f.Municipality
					m.Settings.SSPF.AssessmentWithinDays = tc.sspfAssessment
					if err := s.UpdateSettings(f.Ctx(t, s, casework.RoleAdmin), m.Settings); err != nil {
						t.Fatal(err)
					}
				}
				var seed []store.SeedCase
				for i := range 18 {
					c := store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderMale, Birth: day("2012-05-05"), Step: casework.StepActive,
						Opened: day("2026-01-28"), TakenOn: day("2026-02-01"), AssessmentDone: day("2026-02-21"), DecidedStart: day("2026-03-05"),
						GroupConvened: day("2026-03-15"), PlanSet: day("2026-03-24"), ConsentSigned: day("2026-03-06")}
					if i%3 != 0 {
						c.Program = casework.ProgramSSPF
					}
					if i%3 == 2 {
						c.AssessmentDone = day("2026-03-03")
					}
					seed = append(seed, c)
				}
				if err := s.SeedCasesForTest(t.Context(), f.Municipality.ID, seed); err != nil {
					t.Fatal(err)
				}
				d, err := s.Dashboard(f.Ctx(t, s, casework.RoleAnalyst), store.DashboardQuery{Period: h1, District: stats.All})
				if err != nil {
					t.Fatal(err)
				}
				all, _ := d.View(stats.All)
				checkCells(t, all, tc.want)
				sspf := casework.DefaultSSPF()
				if tc.sspfAssessment != 0 {
					sspf.AssessmentWithinDays = tc.sspfAssessment
				}
				if d.Deadlines.Assessment != 42 || d.Deadlines.SSPF == nil || d.Deadlines.SSPF.Assessment != sspf.AssessmentWithinDays ||
					d.Deadlines.SSPF.Group != sspf.GroupWithinDays || d.Deadlines.SSPF.Plan != sspf.ActionPlanWithinDays {
					t.Errorf("the release's deadlines: %+v %+v", d.Deadlines, d.Deadlines.SSPF)
				}
				file, err := s.ExportStatsAsOperator(t.Context(), f.Municipality.ID, h1)
				if err != nil {
					t.Fatal(err)
				}
				exp, err := stats.ParseExport(file)
				if err != nil {
					t.Fatal(err)
				}
				if dd := exp.DeadlineDays; dd.Assessment != 42 || dd.SSPF == nil || dd.SSPF.Assessment != sspf.AssessmentWithinDays || dd.SSPF.Plan != sspf.ActionPlanWithinDays {
					t.Errorf("the national export's deadline days: %+v %+v", dd, dd.SSPF)
				}
			})
		})
	}
}

// TestReopenedCaseStaysClosedInItsHalfYear: twenty cases (SIG and SSPF) opened in January
// 2026; ten closed in May (the first half-year) come back in July and are reopened, then
// closed again in September; ten others stay open throughout, and ten more are opened in
// August. The first half-year's release, made in October after all of that, counts
// the ten as closed in May and not open at the half-year's end, with their closure reason and
// track; the second counts the ten returns and the ten closures again, and the open cases at
// its end are the twenty that never closed. (Before case_reopenings, the first release
// counted the ten open and none closed.)
func TestReopenedCaseStaysClosedInItsHalfYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(day("2026-01-05"))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		var seed []store.SeedCase
		for i := range 20 {
			c := store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderFemale, Birth: day("2011-05-05"),
				Step: casework.StepActive, Coordinator: f.Users[casework.RoleCoordinator].ID,
				Opened: day("2026-01-09"), TakenOn: day("2026-01-12"), AssessmentDone: day("2026-01-20"), DecidedStart: day("2026-01-26"),
				GroupConvened: day("2026-02-02"), PlanSet: day("2026-02-05"), ConsentSigned: day("2026-01-30")}
			if i%2 == 1 {
				c.Program = casework.ProgramSSPF
			}
			if i < 10 {
				c.Step, c.Closure, c.Closed = casework.StepClosed, casework.CloseGoalsReached, day("2026-05-10")
			}
			seed = append(seed, c)
		}
		if err := s.SeedCasesForTest(t.Context(), f.Municipality.ID, seed); err != nil {
			t.Fatal(err)
		}
		page, err := s.Cases(coord, store.CaseQuery{Mine: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var closed []int64
		for _, r := range page.Rows {
			if !r.Step.Open() {
				closed = append(closed, r.CaseID)
			}
		}
		if len(closed) != 10 {
			t.Fatalf("%d closed cases in the coordinator's list", len(closed))
		}
		move := func(id int64, m casework.Move) {
			t.Helper()
			if _, err := s.Move(coord, id, store.MoveInput{Move: m}); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(day("2026-07-10"))
		for _, id := range closed {
			move(id, casework.Move{Action: casework.ActReopen, Reason: "Ny oro"})
		}
		aug := []store.SeedCase{}
		for i := range 10 {
			aug = append(aug, store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderFemale, Birth: day("2011-05-05"),
				Step: casework.StepIdentified, Opened: day("2026-08-10"), Program: []casework.Program{casework.ProgramSIG, casework.ProgramSSPF}[i%2]})
		}
		if err := s.SeedCasesForTest(t.Context(), f.Municipality.ID, aug); err != nil {
			t.Fatal(err)
		}
		clock.Set(day("2026-09-15"))
		for _, id := range closed {
			move(id, casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseMoved})
		}
		clock.Set(day("2026-10-01"))
		analyst := f.Ctx(t, s, casework.RoleAnalyst)
		d, err := s.Dashboard(analyst, store.DashboardQuery{Period: h1, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := d.View(stats.All)
		checkCells(t, all, []want{
			{"flow", "closed", "total", 10, false},
			{"breakdown_program", "sspf", "closed", 5, false},
			{"breakdown_program", "sig", "closed", 5, false},
			{"breakdown_program", "total", "open", 10, false},
			{"breakdown_program", "sspf", "open", 5, false},
			{"breakdown_program", "total", "opened", 20, false},
			{"active_by_step", "total", "count", 10, false},
		})
		shownAs(t, all, "closures", "goals_reached", "started", 10)
		shownAs(t, all, "flow", "closed", "2026-05", 10)
		if c := all.Table("flow").Cell("reopened", "total"); c.Value != 0 && !c.Suppressed {
			t.Errorf("returns counted in the half-year before them: %v", c.Value)
		}

		clock.Set(dashAt)
		d2, err := s.Dashboard(analyst, store.DashboardQuery{Period: stats.Period{Year: 2026, Half: 2}, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		all2, _ := d2.View(stats.All)
		checkCells(t, all2, []want{{"flow", "reopened", "total", 10, false}})
		// The rest of the second half-year may be hidden to protect small cells elsewhere;
		// what is shown must be right.
		shownAs(t, all2, "flow", "closed", "total", 10)
		shownAs(t, all2, "flow", "reopened", "2026-07", 10)
		shownAs(t, all2, "active_by_step", "total", "count", 20)
		shownAs(t, all2, "closures", "moved", "started", 10)
	})
}

// shownAs checks a cell's value when it is shown (a hidden cell passes).
func shownAs(t *testing.T, v *stats.View, table, row, col string, want float64) {
	t.Helper()
	if c := v.Table(table).Cell(row, col); c == nil {
		t.Errorf("%s/%s/%s missing", table, row, col)
	} else if !c.Suppressed && c.Value != want {
		t.Errorf("%s/%s/%s = %v, want %v", table, row, col, c.Value, want)
	}
}

// TestConsentFormNamesTheTrack: the printable consent of an SSPF case is SSPF's own form
// (its subtitle and introduction), of a SIG case the social intervention group's.
func TestConsentFormNamesTheTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		for _, tc := range []struct {
			program casework.Program
			step    casework.Step
			pnr     string
			want    string
		}{
			{casework.ProgramSSPF, casework.StepMapping, pnr[5], "SSPF – skola, socialtjänst, polis och fritid i Testkommun 9901"},
			{casework.ProgramSIG, casework.StepPlanning, pnr[6], "Social insatsgrupp i Testkommun 9901"},
		} {
			rc := f.ConcernIn(t, s, tc.program, casework.RoleGroupMember, "Saga", "Berg", tc.pnr)
			f.Advance(t, s, rc.CaseID, tc.step, storetest.ConsentSpec{})
			cs, err := s.Consents(coord, rc.CaseID)
			if err != nil || len(cs) == 0 {
				t.Fatalf("%s consents: %d, %v", tc.program, len(cs), err)
			}
			cf, err := s.ConsentForm(coord, rc.CaseID, cs[0].ID, "sv")
			if err != nil {
				t.Fatal(err)
			}
			v, err := consentform.Render("sv", cf.Texts, cf.Input, casework.Stockholm)
			if err != nil {
				t.Fatal(err)
			}
			if v.T("subtitle") != tc.want {
				t.Errorf("%s: the form's subtitle is %q, want %q", tc.program, v.T("subtitle"), tc.want)
			}
		}
	})
}

// TestCaseListByTrack: a case list can be narrowed to one track; an unknown track is refused
// with the field named.
func TestCaseListByTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		sig := f.ConcernIn(t, s, casework.ProgramSIG, casework.RoleGroupMember, "Sigge", "Berg", pnr[7])
		sspf := f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleGroupMember, "Siri", "Berg", pnr[8])
		for _, tc := range []struct {
			program casework.Program
			want    []int64
		}{{"", []int64{sig.CaseID, sspf.CaseID}}, {casework.ProgramSIG, []int64{sig.CaseID}}, {casework.ProgramSSPF, []int64{sspf.CaseID}}} {
			page, err := s.Cases(coord, store.CaseQuery{Program: tc.program, Waiting: true, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range page.Rows {
				got = append(got, r.CaseID)
				if tc.program != "" && r.Program != tc.program {
					t.Errorf("%q list shows a %s case", tc.program, r.Program)
				}
			}
			if len(got) != len(tc.want) || page.Total != len(tc.want) {
				t.Errorf("%q: cases %v (total %d), want %v", tc.program, got, page.Total, tc.want)
			}
		}
		_, err := s.Cases(coord, store.CaseQuery{Program: "ssp"})
		if e := casework.AsError(err); e == nil || e.Code != casework.EInvalid || e.Field != "program" {
			t.Fatalf("an unknown track: %v", err)
		}
	})
}

// TestStepCountsPerTrack: the steps tab counts each track's cases at its own steps, SIG's then
// SSPF's, and one track's alone when asked; the counts add up to the cases.
func TestStepCountsPerTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		f.ConcernIn(t, s, casework.ProgramSIG, casework.RoleGroupMember, "Sigge", "Berg", pnr[7])
		f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleGroupMember, "Siri", "Berg", pnr[8])
		f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleGroupMember, "Sune", "Berg", pnr[9])
		all, err := s.StepCounts(coord, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		var order []string
		for _, c := range all {
			k := string(c.Program) + "/" + string(c.Step)
			got[k] += c.Count
			order = append(order, k)
			if !c.Step.InTrack(c.Program) && c.Count == 0 {
				t.Errorf("%s is listed, not a step of its track", k)
			}
		}
		if got["sig/identified"] != 1 || got["sspf/identified"] != 2 {
			t.Errorf("counts %v, want one SIG and two SSPF cases at the concern", got)
		}
		if _, ok := got["sig/mapping"]; ok {
			t.Error("SIG is listed with SSPF's mapping conversation")
		}
		if _, ok := got["sspf/decision"]; ok {
			t.Error("SSPF is listed with SIG's decision")
		}
		if order[0] != "sig/identified" || !slices.Contains(order, "sspf/mapping") || slices.Index(order, "sspf/identified") < slices.Index(order, "sig/followed_up") {
			t.Errorf("order %v: SIG's steps first, then SSPF's", order)
		}
		only, err := s.StepCounts(coord, casework.ProgramSSPF)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range only {
			if c.Program != casework.ProgramSSPF {
				t.Errorf("SSPF's counts list %s/%s", c.Program, c.Step)
			}
			total += c.Count
		}
		if total != 2 {
			t.Errorf("SSPF's counts add up to %d, want 2", total)
		}
	})
}
