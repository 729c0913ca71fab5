package store_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestSSPFCaseRunsItsOwnFlow: an SSPF case goes concern → the coordinator's assessment →
// consent → mapping conversation → network meeting and commitment plan → follow-up, with
// SSPF's deadlines; SIG's moves are refused in it; moving it to SIG keeps the one case, its id
// and its whole history, and from then on it is offered SIG's moves.
func TestSSPFCaseRunsItsOwnFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc := f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleGroupMember, "Saga", "Berg", pnr[2])
		move := func(a casework.Action, reason string) error {
			_, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: a, Reason: reason}})
			return err
		}
		detail := func() store.CaseDetail {
			t.Helper()
			cd, err := s.CaseDetail(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			return cd
		}

		f.Advance(t, s, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{})
		if err := move(casework.ActSSPFApplies, ""); casework.AsError(err).Key != "flow.needs_risk_judgement" {
			t.Fatalf("SSPF applied without the coordinator's risk judgement: %v", err)
		}
		if err := move(casework.ActAssessmentDone, ""); casework.AsError(err).Key != "flow.not_in_track" {
			t.Fatalf("SIG's assessment move in an SSPF case: %v", err)
		}
		clock.Advance(24 * time.Hour)
		f.Advance(t, s, rc.CaseID, casework.StepMapping, storetest.ConsentSpec{})
		cd := detail()
		if cd.Case.Program != casework.ProgramSSPF || cd.Case.Step != casework.StepMapping {
			t.Fatalf("after consent: %s %s", cd.Case.Program, cd.Case.Step)
		}
		if cd.Case.Milestones.DecidedStart.IsZero() || cd.Case.Milestones.AssessmentDone.IsZero() {
			t.Fatalf("finding that SSPF applies is the assessment done and the start: %+v", cd.Case.Milestones)
		}
		due := map[casework.DeadlineKind]time.Time{}
		for _, d := range cd.Deadlines {
			due[d.Kind] = d.Due
		}
		st := casework.DefaultSSPF()
		if want := cd.Case.Milestones.TakenOn.AddDate(0, 0, st.AssessmentWithinDays); !due[casework.DeadlineAssessment].Equal(want) {
			t.Errorf("assessment due %v, want SSPF's %d days: %v", due[casework.DeadlineAssessment], st.AssessmentWithinDays, want)
		}
		if want := cd.Case.Milestones.DecidedStart.AddDate(0, 0, st.ActionPlanWithinDays); !due[casework.DeadlinePlan].Equal(want) {
			t.Errorf("commitment plan due %v, want SSPF's %d days: %v", due[casework.DeadlinePlan], st.ActionPlanWithinDays, want)
		}
		if got := actionsOf(cd.May.Moves); !slices.Equal(got, []casework.Action{casework.ActMappingDone, casework.ActToSIG, casework.ActClose}) {
			t.Errorf("moves offered at the mapping conversation: %v", got)
		}
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		if cd = detail(); cd.Case.Milestones.PlanSet.IsZero() {
			t.Fatal("setting the commitment plan did not record the plan as set")
		}

		t.Run("moving to SIG without a reason is refused and changes nothing", func(t *testing.T) {
			err := move(casework.ActToSIG, "  ")
			if e := casework.AsError(err); e.Key != "flow.needs_reason" || e.Field != "reason" {
				t.Fatalf("got %v", err)
			}
			if cd := detail(); cd.Case.Program != casework.ProgramSSPF || cd.Case.Step != casework.StepActive {
				t.Fatalf("a refused move changed the case to %s %s", cd.Case.Program, cd.Case.Step)
			}
		})

		clock.Advance(30 * 24 * time.Hour)
		before, err := s.Timeline(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if err := move(casework.ActToSIG, "Behoven är större än SSPF kan möta"); err != nil {
			t.Fatal(err)
		}
		cd = detail()
		if cd.Case.ID != rc.CaseID || cd.Case.Program != casework.ProgramSIG || cd.Case.Step != casework.StepAssessment {
			t.Fatalf("after the move to SIG: case %d %s %s", cd.Case.ID, cd.Case.Program, cd.Case.Step)
		}
		if cd.Case.Milestones.DecidedStart.IsZero() || !cd.Case.Milestones.AssessmentDone.IsZero() {
			t.Errorf("SIG assesses afresh; the work's start stays: %+v", cd.Case.Milestones)
		}
		if got := actionsOf(cd.May.Moves); !slices.Contains(got, casework.ActAssessmentDone) || slices.Contains(got, casework.ActToSIG) {
			t.Errorf("the SIG case is offered %v", got)
		}
		after, err := s.Timeline(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 {
			t.Fatalf("timeline had %d events, now %d", len(before), len(after))
		}
		var kinds []string
		for i, ev := range after {
			kinds = append(kinds, ev.Kind)
			if i < len(before) && (ev.ID != before[i].ID || ev.Kind != before[i].Kind) {
				t.Errorf("event %d changed: %+v, was %+v", i, ev, before[i])
			}
		}
		want := []string{"concern", "prep_take_on", "assessment", "sspf_applies", "consent_drawn_up", "consent_signed", "consent_given",
			"mapping_done", "plan_saved", "plan_set", "to_sig"}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Fatalf("timeline:\n got %v\nwant %v", kinds, want)
		}
		last := after[len(after)-1]
		if last.FromStep != casework.StepActive || last.ToStep != casework.StepAssessment || last.Reason != "Behoven är större än SSPF kan möta" {
			t.Errorf("the move to SIG is recorded as %+v", last)
		}
		page, err := s.Cases(coord, store.CaseQuery{Mine: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range page.Rows {
			if r.YouthID == cd.Case.YouthID {
				n++
				if r.Program != casework.ProgramSIG {
					t.Errorf("the list shows the case as %s", r.Program)
				}
			}
		}
		if n != 1 {
			t.Errorf("the young person has %d cases in the list, want the one", n)
		}
	})
}

func actionsOf(ms []access.MoveOption) []casework.Action {
	var out []casework.Action
	for _, m := range ms {
		out = append(out, m.Action)
	}
	return out
}

// TestSIGAndSSPFCountedApart: the dashboard and the national export count SIG and SSPF apart
// and together (breakdown_program), each case in the track it had at the moment counted — an
// SSPF case moved to SIG after the half-year ended is SSPF in that half-year's release.
func TestSIGAndSSPFCountedApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(day("2026-04-01"))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		var seed []store.SeedCase
		for i := 0; i < 14; i++ {
			c := store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderMale, Birth: day("2012-05-05"), Step: casework.StepActive,
				Opened: day("2026-01-20"), TakenOn: day("2026-01-22"), AssessmentDone: day("2026-01-30"), DecidedStart: day("2026-02-03"),
				GroupConvened: day("2026-02-06"), PlanSet: day("2026-02-20"), ConsentSigned: day("2026-02-04")}
			if i >= 8 {
				c.Program = casework.ProgramSSPF // six SSPF cases beside eight SIG cases
			}
			seed = append(seed, c)
		}
		if err := s.SeedCasesForTest(t.Context(), f.Municipality.ID, seed); err != nil {
			t.Fatal(err)
		}
		// A seventh SSPF case, through the flow; it moves to SIG in September, after the
		// half-year.
		rc := f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleGroupMember, "Nils", "Holm", pnr[3])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		clock.Set(day("2026-09-01"))
		if _, err := s.Move(f.Ctx(t, s, casework.RoleCoordinator), rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActToSIG, Reason: "Behöver mer"}}); err != nil {
			t.Fatal(err)
		}
		clock.Set(dashAt)

		d, err := s.Dashboard(f.Ctx(t, s, casework.RoleAnalyst), store.DashboardQuery{Period: h1, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.CheckPublished(); err != nil {
			t.Fatal(err)
		}
		all, _ := d.View(stats.All)
		checkCells(t, all, []want{
			{"breakdown_program", "sig", "open", 8, false},
			{"breakdown_program", "sspf", "open", 7, false},
			{"breakdown_program", "total", "open", 15, false},
			{"breakdown_program", "sig", "opened", 8, false},
			{"breakdown_program", "sspf", "opened", 7, false},
			{"breakdown_program", "total", "opened", 15, false},
			{"active_by_step", "total", "count", 15, false},
		})

		file, err := s.ExportStatsAsOperator(t.Context(), f.Municipality.ID, h1)
		if err != nil {
			t.Fatal(err)
		}
		exp, err := stats.ParseExport(file)
		if err != nil {
			t.Fatal(err)
		}
		figs := stats.FigureMap(exp)
		for key, n := range map[string]float64{"breakdown_program/sig/open": 8, "breakdown_program/sspf/open": 7, "breakdown_program/total/open": 15} {
			if v := figs[key]; v.Suppressed || v.Value == nil || *v.Value != n {
				t.Errorf("the national export's %s: %+v, want %v", key, v, n)
			}
		}
	})
}

// TestReopenKeepsOneCase: a young person who comes back after the case closed gets the same
// case opened again, with a reason — one case, its whole history, a fresh assessment deadline
// — and a concern about them then joins that case instead of starting a new one. A reopening
// without a reason is refused and changes nothing.
func TestReopenKeepsOneCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc := f.Concern(t, s, casework.RoleGroupMember, "Ali", "Sand", pnr[4])
		f.Advance(t, s, rc.CaseID, casework.StepClosed, storetest.ConsentSpec{})
		clock.Advance(200 * 24 * time.Hour)
		if err := s.RecordFollowUp(coord, rc.CaseID, "6", true, "Går i skolan"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(300 * 24 * time.Hour)
		before, err := s.Timeline(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		reopen := func(reason string) error {
			_, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen, Reason: reason}})
			return err
		}
		if err := reopen(""); casework.AsError(err).Key != "flow.needs_reason" {
			t.Fatalf("reopening without a reason: %v", err)
		}
		if cd, _ := s.CaseDetail(coord, rc.CaseID); cd.Case.Step != casework.StepClosed || cd.Case.Milestones.Closed.IsZero() {
			t.Fatalf("a refused reopening changed the case: %s", cd.Case.Step)
		}
		if err := reopen("Ny oro från skolan efter sommaren"); err != nil {
			t.Fatal(err)
		}
		cd, err := s.CaseDetail(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		m := cd.Case.Milestones
		if cd.Case.Step != casework.StepAssessment || cd.Case.ClosureReason != "" || !m.Closed.IsZero() || !m.FollowUp6.IsZero() || !m.TakenOn.Equal(clock.Now()) {
			t.Fatalf("after reopening: %s %q %+v", cd.Case.Step, cd.Case.ClosureReason, m)
		}
		for _, d := range cd.Deadlines {
			if d.Kind == casework.DeadlineAssessment && !d.Due.Equal(clock.Now().AddDate(0, 0, cd.Settings.AssessmentWithinDays)) {
				t.Errorf("the assessment is due %v, not from the reopening", d.Due)
			}
		}
		after, err := s.Timeline(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 || after[len(after)-1].Kind != "reopen" || after[len(after)-1].Reason != "Ny oro från skolan efter sommaren" ||
			after[len(after)-1].FromStep != casework.StepClosed {
			t.Fatalf("timeline after reopening: %d events, was %d; last %+v", len(after), len(before), after[len(after)-1])
		}
		for i := range before {
			if after[i].ID != before[i].ID {
				t.Fatalf("event %d changed", i)
			}
		}
		// A new concern joins the reopened case.
		again := f.Concern(t, s, casework.RoleGroupMember, "Ali", "Sand", pnr[4])
		if again.CaseID != rc.CaseID {
			t.Fatalf("a concern after reopening started case %d beside %d", again.CaseID, rc.CaseID)
		}
		// The case goes through again and closes a second time; the returns are counted by
		// the reopen events.
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		if _, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}}); err != nil {
			t.Fatal(err)
		}
		tl, _ := s.Timeline(coord, rc.CaseID)
		closes, reopens := 0, 0
		for _, ev := range tl {
			switch ev.Kind {
			case "close":
				closes++
			case "reopen":
				reopens++
			}
		}
		if closes != 2 || reopens != 1 {
			t.Fatalf("closed %d times and reopened %d times in one timeline", closes, reopens)
		}
	})
}

// TestReturnsAreCounted: reopenings show in the dashboard's flow as their own row, month by
// month, apart from the new cases opened, and in the national export.
func TestReturnsAreCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(day("2026-01-05"))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		var seed []store.SeedCase
		for i := 0; i < 30; i++ {
			seed = append(seed, store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderFemale, Birth: day("2011-05-05"),
				Step: casework.StepClosed, Closure: casework.CloseGoalsReached, Coordinator: f.Users[casework.RoleCoordinator].ID,
				Opened: day("2025-01-20"), TakenOn: day("2025-01-22"), AssessmentDone: day("2025-01-30"), DecidedStart: day("2025-02-03"),
				PlanSet: day("2025-02-20"), Closed: day("2025-10-01")})
		}
		if err := s.SeedCasesForTest(t.Context(), f.Municipality.ID, seed); err != nil {
			t.Fatal(err)
		}
		page, err := s.Cases(coord, store.CaseQuery{Mine: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Rows) != 30 {
			t.Fatalf("%d seeded cases in the coordinator's list", len(page.Rows))
		}
		for i, r := range page.Rows { // five young people come back each month
			clock.Set(day("2026-0" + strconv.Itoa(1+i/5) + "-10"))
			if _, err := s.Move(coord, r.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen, Reason: "Tillbaka"}}); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(dashAt)
		d, err := s.Dashboard(f.Ctx(t, s, casework.RoleAnalyst), store.DashboardQuery{Period: h1, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := d.View(stats.All)
		checkCells(t, all, []want{
			{"flow", "reopened", "total", 30, false},
			{"flow", "reopened", "2026-01", 5, false},
			{"flow", "reopened", "2026-06", 5, false},
		})
		if c := all.Table("flow").Cell("opened", "total"); c.Value != 0 && !c.Suppressed {
			t.Errorf("reopened cases counted as opened: %v", c.Value)
		}
		file, err := s.ExportStatsAsOperator(t.Context(), f.Municipality.ID, h1)
		if err != nil {
			t.Fatal(err)
		}
		exp, err := stats.ParseExport(file)
		if err != nil {
			t.Fatal(err)
		}
		if v := stats.FigureMap(exp)["flow/reopened/total"]; v.Suppressed || v.Value == nil || *v.Value != 30 {
			t.Errorf("the national export's returns: %+v", v)
		}
	})
}
