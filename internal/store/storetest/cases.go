package storetest

import (
	"context"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// TestPersonalNumbers are Skatteverket's published test personnummer (they belong to no real
// person), born 2008–2012: teenagers for SIG fixtures.
var TestPersonalNumbers = []string{
	"200803112382", "200904062387", "200904122397", "200906302393", "200910012392",
	"201005102387", "201008302398", "201010032397", "201106072380", "201210122394",
	"200801192394", "200804042398", "200805252384", "200805272382", "200807312392",
	"200810032383", "200810262386", "200901192385", "200902142397", "200907032387",
	"200907142392", "200909062390", "200910042381", "200910142389", "200910272384",
	"200911022390", "201003152384", "201004262380", "201006232381", "201007072380",
	"201011212386", "201012132393", "201103122386", "201105312399", "201109242386",
	"201201112388", "201202022388", "201203172398", "201206022392", "201211092380",
}

// IRKRatings rates every IRK factor: the first clear ones "clear", the rest "some".
func IRKRatings(clear int) []casework.Rating {
	var rs []casework.Rating
	for i, d := range casework.IRK().Domains {
		v := "some"
		if i < clear {
			v = "clear"
		}
		rs = append(rs, casework.Rating{Item: d.Items[0].Code, Value: v})
	}
	return rs
}

// Concern registers a concern about a new young person as the actor with role r.
func (f *Fixture) Concern(t testing.TB, s *store.Store, r casework.Role, first, last, pnr string) store.ConcernReceipt {
	t.Helper()
	return f.ConcernIn(t, s, casework.ProgramSIG, r, first, last, pnr)
}

// ConcernIn is Concern in track p (SIG or SSPF).
func (f *Fixture) ConcernIn(t testing.TB, s *store.Store, p casework.Program, r casework.Role, first, last, pnr string) store.ConcernReceipt {
	t.Helper()
	rc, err := s.RegisterConcern(f.Ctx(t, s, r), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: first, LastName: last, PersonalNumber: pnr, DistrictID: f.Districts[0].ID},
		Ratings: IRKRatings(3), Program: p,
	})
	if err != nil {
		t.Fatalf("concern: %v", err)
	}
	return rc
}

// Advance takes a case from its step to target along its track's main flow, as the fixture's
// coordinator, adding what each step needs: an intake assessment, the police and the school as
// parties, a consent signed by everyone and covering parties and categories, an action plan
// (SSPF: the assessment with the coordinator's risk judgement, the consent, the mapping
// conversation, the commitment plan).
func (f *Fixture) Advance(t testing.TB, s *store.Store, caseID int64, target casework.Step, consent ConsentSpec) {
	t.Helper()
	ctx := f.Ctx(t, s, casework.RoleCoordinator)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("advance to %s: %v", target, err)
		}
	}
	cd, err := s.CaseDetail(ctx, caseID)
	must(err)
	step, sspf := cd.Case.Step, cd.Case.Program == casework.ProgramSSPF
	move := func(a casework.Action, reason string) {
		t.Helper()
		var err error
		step, err = s.Move(ctx, caseID, store.MoveInput{Move: casework.Move{Action: a, Reason: reason}})
		must(err)
	}
	for step != target {
		switch step {
		case casework.StepIdentified:
			move(casework.ActPrepTakeOn, "")
		case casework.StepAssessment:
			as := &casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPIntake, Ratings: IRKRatings(4),
				RiskLevel: casework.RiskHigh, RiskReason: "Flera tydliga riskfaktorer"}
			must(s.RecordAssessment(ctx, caseID, as))
			if sspf {
				move(casework.ActSSPFApplies, "")
				continue
			}
			move(casework.ActAssessmentDone, "")
		case casework.StepDecision:
			move(casework.ActDecideStart, "")
		case casework.StepParties:
			must(s.SetParties(ctx, caseID, []casework.Party{{AgencyID: f.Agencies[casework.AgencyPolice].ID}, {AgencyID: f.Agencies[casework.AgencySchool].ID}}))
			move(casework.ActPartiesSet, "")
		case casework.StepConsent:
			f.Consent(t, s, caseID, consent)
			move(casework.ActConsentGiven, "")
		case casework.StepMapping:
			move(casework.ActMappingDone, "")
		case casework.StepPlanning, casework.StepNetwork:
			_, err := s.SavePlan(ctx, caseID, casework.Plan{OwnGoal: "Jobba som elektriker",
				SubGoals: []casework.SubGoal{{Text: "Gå i skolan", Criterion: "Närvaro över 80 %", Responsible: "Mentor", Due: "2026-06-01"}}})
			must(err)
			move(casework.ActPlanSet, "")
		case casework.StepActive:
			if target == casework.StepClosed {
				_, err := s.Move(ctx, caseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}})
				must(err)
				return
			}
			t.Fatalf("cannot advance from active to %s", target)
		default:
			t.Fatalf("cannot advance from %s to %s", step, target)
		}
	}
}

// ConsentSpec says what a fixture consent covers; the zero value covers the police and the
// school for school and police information, for six months from now.
type ConsentSpec struct {
	Agencies   []casework.AgencyKind
	Users      []int64 // people named personally
	Categories []casework.Category
	From       time.Time
	Months     int
	Unsigned   bool // leave the signatures out
}

// Consent draws up a consent and has every required signer sign it.
func (f *Fixture) Consent(t testing.TB, s *store.Store, caseID int64, spec ConsentSpec) casework.Consent {
	t.Helper()
	ctx := f.Ctx(t, s, casework.RoleCoordinator)
	if spec.Agencies == nil && spec.Users == nil {
		spec.Agencies = []casework.AgencyKind{casework.AgencyPolice, casework.AgencySchool}
	}
	if spec.Categories == nil {
		spec.Categories = []casework.Category{casework.CatPolice, casework.CatSchool}
	}
	if spec.From.IsZero() {
		spec.From = s.Now()
	}
	var ids []int64
	for _, k := range spec.Agencies {
		ids = append(ids, f.Agencies[k].ID)
	}
	c, err := s.CreateConsent(ctx, caseID, casework.ConsentInput{ValidFrom: spec.From, Months: spec.Months, AgencyIDs: ids, UserIDs: spec.Users, Categories: spec.Categories, Language: "sv"})
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	for _, sg := range c.Signers {
		if spec.Unsigned {
			break
		}
		if _, err := s.SignConsent(ctx, caseID, c.ID, sg.ID, "paper", time.Time{}); err != nil {
			t.Fatalf("sign: %v", err)
		}
	}
	cs, err := s.Consents(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range cs {
		if x.ID == c.ID {
			return x
		}
	}
	t.Fatal("consent vanished")
	return c
}

// Ctx2 is Ctx with a background parent, for brevity in table tests.
func Ctx2(a casework.Actor) context.Context { return casework.WithActor(context.Background(), a) }

// CardID is the anonymous card's id of a case (its own, not the case's).
func CardID(t testing.TB, s *store.Store, caseID int64) int64 {
	t.Helper()
	id, err := s.CardIDOfCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
