package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

var pnr = storetest.TestPersonalNumbers

func TestFullFlowFromConcernToFollowUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)

		rc := f.Concern(t, s, casework.RoleGroupMember, "Adam", "Ek", pnr[0])
		cd, err := s.CaseDetail(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Case.Step != casework.StepIdentified || cd.IRK.Clear != 3 || cd.Youth.Name() != "Adam Ek" {
			t.Fatalf("after the concern: %+v %+v", cd.Case.Step, cd.IRK)
		}
		clock.Advance(24 * time.Hour)
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		clock.Advance(90 * 24 * time.Hour)
		if _, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}}); err != nil {
			t.Fatal(err)
		}
		t.Run("follow-up cannot finish the case before the 12-month call", func(t *testing.T) {
			_, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActFollowUpDone}})
			if casework.AsError(err).Key != "flow.needs_followup" {
				t.Fatalf("got %v", err)
			}
		})
		clock.Advance(183 * 24 * time.Hour)
		// The closed case's 6-month follow-up is due: it is on the coordinator's deadline list
		// (the start page's reminder), and leaves it once done.
		dueFollowUp := func() bool {
			t.Helper()
			page, err := s.Cases(coord, store.CaseQuery{Mine: true, Deadlines: true, NearDays: 7})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				for _, d := range r.Deadlines {
					if r.CaseID == rc.CaseID && d.Kind == casework.DeadlineFollowUp6 && d.Met.IsZero() {
						return true
					}
				}
			}
			return false
		}
		if !dueFollowUp() {
			t.Fatal("the 6-month follow-up that falls due is not on the deadline list")
		}
		if err := s.RecordFollowUp(coord, rc.CaseID, "6", true, "Går i skolan, ingen ny brottsmisstanke"); err != nil {
			t.Fatal(err)
		}
		if dueFollowUp() {
			t.Fatal("the 6-month follow-up is still due after it was recorded")
		}
		clock.Advance(183 * 24 * time.Hour)
		if err := s.RecordFollowUp(coord, rc.CaseID, "12", true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActFollowUpDone}}); err != nil {
			t.Fatal(err)
		}
		tl, err := s.Timeline(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i, ev := range tl {
			kinds = append(kinds, ev.Kind)
			if i > 0 && ev.At.Before(tl[i-1].At) {
				t.Fatalf("timeline out of order at %d", i)
			}
		}
		want := []string{"concern", "prep_take_on", "assessment", "assessment_done", "decide_start", "parties_identified", "parties_set",
			"consent_drawn_up", "consent_signed", "consent_given", "plan_saved", "plan_set", "close", "followup_6", "followup_12", "followup_done"}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Fatalf("timeline:\n got %v\nwant %v", kinds, want)
		}
		cd, _ = s.CaseDetail(coord, rc.CaseID)
		if cd.Case.Step != casework.StepFollowedUp || cd.Case.ClosureReason != casework.CloseGoalsReached {
			t.Fatalf("end: %s %s", cd.Case.Step, cd.Case.ClosureReason)
		}
	})
}

func TestTheFlowRefusesImpossibleMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc := f.Concern(t, s, casework.RoleCoordinator, "Bea", "Lund", pnr[1])
		move := func(a casework.Action) error {
			_, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: a}})
			return err
		}
		if err := move(casework.ActPlanSet); casework.ErrorCode(err) != casework.EForbidden {
			t.Fatalf("flow work by a coordinator who has not taken the case on: %v", err)
		}
		if err := move(casework.ActPrepTakeOn); err != nil {
			t.Fatal(err)
		}
		if err := move(casework.ActPlanSet); casework.AsError(err).Key != "flow.not_from_step" {
			t.Fatalf("plan before consent: %v", err)
		}
		plan := casework.Plan{OwnGoal: "Gå ut nian", SubGoals: []casework.SubGoal{{Text: "Gå i skolan", Criterion: "90 % närvaro", Responsible: "Skolan", Due: "2026-12-01"}}}
		if _, err := s.SavePlan(coord, rc.CaseID, plan); casework.AsError(err).Key != "plan.before_consent" {
			t.Fatalf("a plan saved before consent: %v", err)
		}
		if err := move(casework.ActAssessmentDone); casework.AsError(err).Key != "flow.needs_assessment" {
			t.Fatalf("decision without assessment: %v", err)
		}
		if err := move(casework.ActClose); casework.AsError(err).Key != "flow.needs_closure_reason" {
			t.Fatalf("closing without a reason: %v", err)
		}
		f.Advance(t, s, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{})
		if err := move(casework.ActConsentGiven); casework.AsError(err).Key != "flow.needs_consent" {
			t.Fatalf("passing consent without one: %v", err)
		}
		cd, _ := s.CaseDetail(coord, rc.CaseID)
		if cd.Case.Step != casework.StepConsent {
			t.Fatalf("a refused move changed the step to %s", cd.Case.Step)
		}
	})
}

func TestASecondConcernJoinsTheOpenCaseWithoutTellingTheReporter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		first := f.Concern(t, s, casework.RoleCoordinator, "Cem", "Ada", pnr[2])
		second := f.Concern(t, s, casework.RoleGroupMember, "Cem", "Ada", strings.Replace(pnr[2], "2009", "09", 1))
		if first.CaseID != second.CaseID {
			t.Fatal("the same personnummer got a second case")
		}
		page, err := s.Cases(f.Ctx(t, s, casework.RoleCoordinator), store.CaseQuery{})
		if err != nil || page.Total != 1 {
			t.Fatalf("cases: %d %v", page.Total, err)
		}
		// The police officer who reported sees their own concern and nothing of the case.
		police := f.Ctx(t, s, casework.RoleGroupMember)
		mine, err := s.MyConcerns(police)
		if err != nil || len(mine) != 1 || mine[0].YouthName != "Cem Ada" {
			t.Fatalf("own concerns: %+v %v", mine, err)
		}
		if _, err := s.CaseDetail(police, first.CaseID); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("reporter sees the case: %v", err)
		}
	})
}

func TestConcernWithBadInputSavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		ctx := f.Ctx(t, s, casework.RoleGroupMember)
		ratings := storetest.IRKRatings(2)
		ratings[4].Value = "maybe"
		_, err := s.RegisterConcern(ctx, store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "", LastName: "Berg", PersonalNumber: "200803112383"},
			Ratings: ratings[:7],
		})
		fields := map[string]string{}
		for _, fe := range casework.FieldErrorsOf(err) {
			fields[fe.Field] = fe.Key
		}
		want := map[string]string{"first_name": "youth.first_name_required", "personal_number": "pnr.checksum",
			"item_substances": "assessment.value_invalid", "item_leisure": "assessment.item_missing"}
		for f, k := range want {
			if fields[f] != k {
				t.Errorf("field %s: %q, want %q (all: %v)", f, fields[f], k, fields)
			}
		}
		page, _ := s.Cases(f.Ctx(t, s, casework.RoleCoordinator), store.CaseQuery{})
		if page.Total != 0 {
			t.Fatal("a refused concern left a case behind")
		}
	})
}

// The police officer's view of one case through its consent's life: the card before, the
// covered categories during, nothing after withdrawal.
func TestConsentIsTheAccessRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember) // the fixture's group member is police
		rc := f.Concern(t, s, casework.RoleCoordinator, "Dana", "Berg", pnr[3])
		f.Advance(t, s, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{})

		t.Run("before consent the police see the anonymous card only", func(t *testing.T) {
			if _, err := s.CaseDetail(police, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("detail: %v", err)
			}
			cards, err := s.Cards(police)
			if err != nil || len(cards) != 1 || cards[0].ID != storetest.CardID(t, s, rc.CaseID) || cards[0].AgeBand == "" {
				t.Fatalf("cards: %+v %v", cards, err)
			}
			page, _ := s.Cases(police, store.CaseQuery{})
			if page.Total != 0 {
				t.Fatal("the case is in the police's list before consent")
			}
		})
		c := f.Consent(t, s, rc.CaseID, storetest.ConsentSpec{Months: 6})
		t.Run("with consent the police see the case and the covered categories", func(t *testing.T) {
			if _, err := s.CaseDetail(police, rc.CaseID); err != nil {
				t.Fatal(err)
			}
			if err := s.AddNote(police, rc.CaseID, casework.CatPolice, "Anmäld för snatteri 12/3"); err != nil {
				t.Fatal(err)
			}
			if err := s.AddNote(coord, rc.CaseID, casework.CatHealth, "Utredning på BUP pågår"); err != nil {
				t.Fatal(err)
			}
			tl, err := s.Timeline(police, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range tl {
				if ev.Category == casework.CatHealth || ev.Category == casework.CatSocial {
					t.Fatalf("police sees a %s event", ev.Category)
				}
			}
			if _, err := s.Assessments(police, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("police read social services' assessments: %v", err)
			}
			if cards, _ := s.Cards(police); len(cards) != 0 {
				t.Fatal("card still listed when the case is visible")
			}
		})
		t.Run("a consent ends at its exact end", func(t *testing.T) {
			clock.Set(c.ValidUntil.Add(-time.Nanosecond))
			if _, err := s.CaseDetail(police, rc.CaseID); err != nil {
				t.Fatalf("a nanosecond before the end: %v", err)
			}
			page, _ := s.Cases(police, store.CaseQuery{})
			if page.Total != 1 {
				t.Fatal("list lost the case before the end")
			}
			clock.Set(c.ValidUntil)
			if _, err := s.CaseDetail(police, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("at the end: %v", err)
			}
			page, _ = s.Cases(police, store.CaseQuery{})
			if page.Total != 0 {
				t.Fatal("list shows the case after the end")
			}
		})
		clock.Set(t0.Add(30 * 24 * time.Hour))
		renewed := f.Consent(t, s, rc.CaseID, storetest.ConsentSpec{Months: 6})
		t.Run("withdrawal ends access at once, also in lists and the timeline", func(t *testing.T) {
			if _, err := s.CaseDetail(police, rc.CaseID); err != nil {
				t.Fatal(err)
			}
			for _, old := range []int64{c.ID, renewed.ID} {
				_, err := s.WithdrawConsent(coord, rc.CaseID, old, "Dana Berg", casework.WithdrawnByPhone, "")
				if err != nil && casework.AsError(err).Key != "consent.withdrawn_already" {
					t.Fatal(err)
				}
			}
			for _, read := range []func() error{
				func() error { _, err := s.CaseDetail(police, rc.CaseID); return err },
				func() error { _, err := s.Timeline(police, rc.CaseID); return err },
				func() error { return s.AddNote(police, rc.CaseID, casework.CatPolice, "x") },
			} {
				if err := read(); casework.ErrorCode(err) != casework.ENotFound {
					t.Fatalf("after withdrawal: %v", err)
				}
			}
			if page, _ := s.Cases(police, store.CaseQuery{}); page.Total != 0 {
				t.Fatal("list after withdrawal")
			}
			if cards, _ := s.Cards(police); len(cards) != 0 {
				t.Fatal("the card comes back after withdrawal")
			}
		})
		t.Run("every refusal is in the audit log", func(t *testing.T) {
			var denied int
			_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, UserID: f.Users[casework.RoleGroupMember].ID, AfterSeq: -1},
				func(e audit.Entry) error {
					if !e.Allowed {
						denied++
						if e.YouthID == 0 || e.Ground == "" {
							t.Errorf("denied entry without youth or ground: %+v", e)
						}
					}
					return nil
				})
			if denied < 5 {
				t.Fatalf("only %d denied entries", denied)
			}
		})
	})
}

func TestProtectedIdentityHidesAddressAndSchool(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc, err := s.RegisterConcern(coord, store.ConcernInput{
			Youth: casework.YouthInput{FirstName: "Eli", LastName: "Sand", PersonalNumber: pnr[4], School: "Hemliga skolan",
				Address: "Gömd gata 1", ProtectedIdentity: true},
			Ratings: storetest.IRKRatings(1),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Advance(t, s, rc.CaseID, casework.StepPlanning, storetest.ConsentSpec{})
		cd, err := s.CaseDetail(coord, rc.CaseID)
		if err != nil || cd.Youth.Address != "Gömd gata 1" {
			t.Fatalf("the coordinator should see the address: %q %v", cd.Youth.Address, err)
		}
		cd, err = s.CaseDetail(f.Ctx(t, s, casework.RoleGroupMember), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Youth.Address != "" || cd.Youth.School != "" || cd.SeesProtected {
			t.Fatalf("police sees protected details: %+v", cd.Youth)
		}
	})
}

func TestSwedishNameOrderAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		for i, n := range []string{"Öberg", "Zetterlund", "Åkesson", "Ahlström", "Ärlig", "andersson"} {
			f.Concern(t, s, casework.RoleCoordinator, "Kim", n, pnr[i])
		}
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		page, err := s.Cases(coord, store.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Rows {
			got = append(got, strings.TrimPrefix(r.Name, "Kim "))
		}
		if want := "Ahlström andersson Zetterlund Åkesson Ärlig Öberg"; strings.Join(got, " ") != want {
			t.Fatalf("order %v, want %s", got, want)
		}
		for term, want := range map[string]int{"ärlig": 1, "ÄRLIG": 1, "kim": 6, "KIM Ö": 1, pnr[0][2:8]: 1, "nobody": 0} {
			page, err := s.Cases(coord, store.CaseQuery{Search: term})
			if err != nil || page.Total != want {
				t.Errorf("search %q: %d, want %d (%v)", term, page.Total, want, err)
			}
		}
	})
}

func TestMergeLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		a := f.Concern(t, s, casework.RoleCoordinator, "Fia", "Nord", pnr[5])
		b, err := s.RegisterConcern(coord, store.ConcernInput{
			Youth: casework.YouthInput{FirstName: "Fia", LastName: "Nordh", BirthDate: "2010-05-10",
				School: "Norrskolan", Languages: "arabiska", Interpreter: true, ProtectedIdentity: true},
			Ratings: storetest.IRKRatings(5),
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveRelatedPerson(coord, b.CaseID, &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Mona Nordh", HasCustody: true}); err != nil {
			t.Fatal(err)
		}
		dups, err := s.PossibleDuplicates(coord, a.CaseID)
		if err != nil || len(dups) != 1 || dups[0].CaseID != b.CaseID {
			t.Fatalf("duplicates: %+v %v", dups, err)
		}
		if err := s.MergeYouth(coord, a.CaseID, b.CaseID); err != nil {
			t.Fatal(err)
		}
		persons, err := s.RelatedPersons(coord, a.CaseID)
		if err != nil || len(persons) != 1 {
			t.Fatalf("the guardian did not follow: %v %v", persons, err)
		}
		cdb, err := s.CaseDetail(coord, b.CaseID)
		if err != nil || cdb.Youth.ID != persons[0].YouthID {
			t.Fatalf("the second case should now belong to the kept young person: %v", err)
		}
		// What only the merged record knew holds for the person: the protection above all.
		cda, err := s.CaseDetail(coord, a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if y := cda.Youth; !y.ProtectedIdentity || !y.Interpreter || y.School != "Norrskolan" || len(y.Languages) != 1 || y.Languages[0] != "arabiska" ||
			y.PersonalNumber.IsZero() {
			t.Fatalf("the kept record after the merge: %+v", y)
		}
		page, _ := s.Cases(coord, store.CaseQuery{})
		if page.Total != 2 {
			t.Fatalf("cases after merge: %d, want both kept", page.Total)
		}
	})
}

// TestKeysetPagesWalkTheWholeList: paging a list by its cursors, forwards and then backwards,
// visits every case exactly once in the list's order — the name order and the waiting list's
// — and a cursor that does not parse is invalid input.
func TestKeysetPagesWalkTheWholeList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		names := []string{"Öberg", "Zetterlund", "Åkesson", "Ahlström", "Ärlig", "andersson", "Berg", "Berg", "Ceder", "Dahl", "Ek", "Falk", "Gran"}
		for i, n := range names {
			f.Concern(t, s, casework.RoleCoordinator, "Kim", n, storetest.TestPersonalNumbers[i])
		}
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		for _, waiting := range []bool{false, true} {
			all, err := s.Cases(coord, store.CaseQuery{Waiting: waiting})
			if err != nil || len(all.Rows) != len(names) {
				t.Fatalf("the whole list: %d rows, %v", len(all.Rows), err)
			}
			var want []int64
			for _, r := range all.Rows {
				want = append(want, r.CaseID)
			}
			var fwd []int64
			q := store.CaseQuery{Waiting: waiting, Limit: 4}
			var last store.CasePage
			for pages := 0; ; pages++ {
				p, err := s.Cases(coord, q)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != len(names) {
					t.Fatalf("total %d on a page", p.Total)
				}
				for _, r := range p.Rows {
					fwd = append(fwd, r.CaseID)
				}
				last = p
				if p.Next == "" {
					break
				}
				if pages > len(names) {
					t.Fatal("the cursors never end")
				}
				q.After = p.Next
			}
			if !slices.Equal(fwd, want) {
				t.Fatalf("waiting %v: forwards %v, want %v", waiting, fwd, want)
			}
			var back []int64
			for p := last; p.Prev != ""; {
				var err error
				p, err = s.Cases(coord, store.CaseQuery{Waiting: waiting, Limit: 4, Before: p.Prev})
				if err != nil {
					t.Fatal(err)
				}
				ids := make([]int64, len(p.Rows))
				for i, r := range p.Rows {
					ids[i] = r.CaseID
				}
				back = append(ids, back...)
			}
			if n := len(last.Rows); !slices.Equal(append(back, want[len(want)-n:]...), want) {
				t.Fatalf("waiting %v: backwards %v, want %v", waiting, back, want[:len(want)-n])
			}
		}
		for _, bad := range []string{"x", "n.!!.1.2", "w.1.2.3.4.5", "n.AA.x.1"} {
			if _, err := s.Cases(coord, store.CaseQuery{After: bad, Limit: 4}); casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
	})
}

// The deadline list (the start page's, the work list's tab) is ordered by urgency: the earliest
// deadline near or passed first, not by name.
func TestDeadlinesMostUrgentFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		var order []int64
		for i, last := range []string{"Ceder", "Björk", "Alm"} { // taken on ten days apart
			rc := f.Concern(t, s, casework.RoleCoordinator, "Ung", last, pnr[30+i])
			f.Advance(t, s, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{})
			order = append(order, rc.CaseID)
			clock.Advance(10 * 24 * time.Hour)
		}
		clock.Advance(40 * 24 * time.Hour) // every assessment is due or overdue
		page, err := s.Cases(coord, store.CaseQuery{Mine: true, Deadlines: true, NearDays: 7})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range page.Rows {
			got = append(got, r.CaseID)
		}
		if !slices.Equal(got, order) {
			t.Fatalf("deadline list %v, want the most urgent first %v", got, order)
		}
	})
}
