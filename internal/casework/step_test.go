package casework_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lots/internal/casework"
)

// goodFacts satisfies every guard of the flow, so that only the (step, action) pair decides.
func goodFacts() casework.Facts {
	s := casework.DefaultSettings()
	s.MotivationPhase = true
	s.MayExcludeForNonParticipation = true
	return casework.Facts{
		HasAssessment: true,
		RiskLevel:     casework.RiskHigh,
		RiskReason:    "several clear IRK factors",
		PartyCount:    3,
		ConsentValid:  true,
		HasPlan:       true,
		FollowUp12:    true,
		Settings:      s,
	}
}

// goodMove is a move that satisfies every guard on the move itself.
func goodMove(a casework.Action) casework.Move {
	return casework.Move{Action: a, Reason: "decided at the meeting on Tuesday", ClosureReason: casework.CloseGoalsReached}
}

type target struct {
	step    casework.Step
	closure casework.ClosureReason
}

// allowedMoves is the whole SIG flow, written out by hand from the comments in step.go and
// DOMAIN.md: every (step, action) pair not listed here must be refused. SSPF's own steps can
// only be closed in SIG (a case that came from SSPF there before the move to SIG).
var allowedMoves = map[casework.Step]map[casework.Action]target{
	casework.StepIdentified: {
		casework.ActPrepTakeOn: {casework.StepAssessment, ""},
		casework.ActPrepNotNow: {casework.StepClosed, casework.CloseNotNow},
		casework.ActPrepRefer:  {casework.StepClosed, casework.CloseReferred},
		casework.ActClose:      {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepAssessment: {
		casework.ActAssessmentDone: {casework.StepDecision, ""},
		casework.ActClose:          {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepDecision: {
		casework.ActDecideStart:      {casework.StepParties, ""},
		casework.ActDecideNotStart:   {casework.StepClosed, casework.CloseNotStarted},
		casework.ActBackToAssessment: {casework.StepAssessment, ""},
		casework.ActClose:            {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepParties: {
		casework.ActPartiesSet:      {casework.StepConsent, ""},
		casework.ActStartMotivation: {casework.StepMotivation, ""},
		casework.ActClose:           {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepMotivation: {
		casework.ActMotivationDone: {casework.StepConsent, ""},
		casework.ActBackToParties:  {casework.StepParties, ""},
		casework.ActClose:          {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepConsent: {
		casework.ActConsentGiven:    {casework.StepPlanning, ""},
		casework.ActBackToParties:   {casework.StepParties, ""},
		casework.ActStartMotivation: {casework.StepMotivation, ""},
		casework.ActClose:           {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepMapping: {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepNetwork: {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepPlanning: {
		casework.ActPlanSet: {casework.StepActive, ""},
		casework.ActClose:   {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepActive: {
		casework.ActBackToPlanning: {casework.StepPlanning, ""},
		casework.ActClose:          {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepClosed: {
		casework.ActFollowUpDone: {casework.StepFollowedUp, ""},
		casework.ActReopen:       {casework.StepAssessment, ""},
	},
	casework.StepFollowedUp: {casework.ActReopen: {casework.StepAssessment, ""}},
}

// allowedSSPF is SSPF's flow written out by hand from the issue and the domain notes (concern
// → the coordinator's assessment whether SSPF applies → written consent → mapping conversation
// → network meeting and commitment plan → follow-up), with the move to SIG from every step
// after intake.
var allowedSSPF = map[casework.Step]map[casework.Action]target{
	casework.StepIdentified: allowedMoves[casework.StepIdentified],
	casework.StepAssessment: {
		casework.ActSSPFApplies:       {casework.StepConsent, ""},
		casework.ActSSPFNotApplicable: {casework.StepClosed, casework.CloseNotStarted},
		casework.ActToSIG:             {casework.StepAssessment, ""},
		casework.ActClose:             {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepDecision:   {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepParties:    {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepMotivation: {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepConsent: {
		casework.ActConsentGiven: {casework.StepMapping, ""},
		casework.ActToSIG:        {casework.StepAssessment, ""},
		casework.ActClose:        {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepMapping: {
		casework.ActMappingDone: {casework.StepNetwork, ""},
		casework.ActToSIG:       {casework.StepAssessment, ""},
		casework.ActClose:       {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepNetwork: {
		casework.ActPlanSet: {casework.StepActive, ""},
		casework.ActToSIG:   {casework.StepAssessment, ""},
		casework.ActClose:   {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepPlanning: {casework.ActClose: {casework.StepClosed, casework.CloseGoalsReached}},
	casework.StepActive: {
		casework.ActBackToPlanning: {casework.StepNetwork, ""},
		casework.ActToSIG:          {casework.StepAssessment, ""},
		casework.ActClose:          {casework.StepClosed, casework.CloseGoalsReached},
	},
	casework.StepClosed:     allowedMoves[casework.StepClosed],
	casework.StepFollowedUp: allowedMoves[casework.StepFollowedUp],
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// asError returns err as a domain error or fails the test.
func asError(t *testing.T, err error) *casework.Error {
	t.Helper()
	var e *casework.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *casework.Error", err, err)
	}
	return e
}

// wantRefused checks that Next refused the move: it stays where it was, sets no closure reason
// and says why with an *Error of one of the codes (and the key, when given).
func wantRefused(t *testing.T, from, got casework.Step, closure casework.ClosureReason, err error, key string, codes ...casework.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("move was allowed (→ %s, %q), want it refused", got, closure)
	}
	if got != from || closure != "" {
		t.Errorf("a refused move returned step %s and closure %q, want %s and none", got, closure, from)
	}
	e := asError(t, err)
	if len(codes) == 0 {
		codes = []casework.Code{casework.EConflict, casework.EInvalid}
	}
	if !slices.Contains(codes, e.Code) {
		t.Errorf("code %q, want one of %v", e.Code, codes)
	}
	if key != "" && e.Key != key {
		t.Errorf("key %q, want %q", e.Key, key)
	}
	if e.Key == "" {
		t.Error("a refusal must carry a message key")
	}
}

func TestNextEveryActionFromEveryStep(t *testing.T) {
	for _, track := range []struct {
		program casework.Program
		allowed map[casework.Step]map[casework.Action]target
	}{{casework.ProgramSIG, allowedMoves}, {casework.ProgramSSPF, allowedSSPF}} {
		testTrack(t, track.program, track.allowed)
	}
}

func testTrack(t *testing.T, program casework.Program, allowedMoves map[casework.Step]map[casework.Action]target) {
	if len(allowedMoves) != len(casework.Steps) {
		t.Fatalf("the expected table of %s covers %d steps, the flow has %d", program, len(allowedMoves), len(casework.Steps))
	}
	f := goodFacts()
	f.Program = program
	for _, from := range casework.Steps {
		for _, act := range casework.Actions {
			want, allowed := allowedMoves[from][act]
			verdict := "is refused"
			if allowed {
				verdict = "leads to " + string(want.step)
			}
			t.Run(fmt.Sprintf("%s: %s from %s %s", program, words(string(act)), words(string(from)), verdict), func(t *testing.T) {
				got, closure, err := casework.Next(from, goodMove(act), f)
				if !allowed {
					wantRefused(t, from, got, closure, err, "")
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got != want.step || closure != want.closure {
					t.Fatalf("→ %s (%q), want %s (%q)", got, closure, want.step, want.closure)
				}
			})
		}
	}
}

func TestNextRefusesWithTheRightKey(t *testing.T) {
	tests := []struct {
		name string
		from casework.Step
		act  casework.Action
		key  string
		code casework.Code
	}{
		{"taking on an assessed case is not possible from this step", casework.StepDecision, casework.ActPrepTakeOn, "flow.not_from_step", casework.EConflict},
		{"setting a plan before planning is not possible from this step", casework.StepConsent, casework.ActPlanSet, "flow.not_from_step", casework.EConflict},
		{"a follow-up of an open case is not possible from this step", casework.StepActive, casework.ActFollowUpDone, "flow.not_from_step", casework.EConflict},
		{"closing a closed case says the case is closed", casework.StepClosed, casework.ActClose, "flow.case_closed", casework.EConflict},
		{"reopening a closed case by taking it on says the case is closed", casework.StepClosed, casework.ActPrepTakeOn, "flow.case_closed", casework.EConflict},
		{"going back to planning from a followed-up case says the case is closed", casework.StepFollowedUp, casework.ActBackToPlanning, "flow.case_closed", casework.EConflict},
		{"reopening an open case is not possible from this step", casework.StepActive, casework.ActReopen, "flow.not_from_step", casework.EConflict},
		{"a second follow-up of a followed-up case is not possible from this step", casework.StepFollowedUp, casework.ActFollowUpDone, "flow.not_from_step", casework.EConflict},
		{"an unknown action is invalid", casework.StepActive, casework.Action("jump"), "flow.unknown_action", casework.EInvalid},
		{"reopening an open case is not possible from this step", casework.StepActive, casework.ActReopen, "flow.not_from_step", casework.EConflict},
		{"an unknown action on a closed case says the case is closed", casework.StepClosed, casework.Action("jump"), "flow.case_closed", casework.EConflict},
		{"an empty action is invalid", casework.StepIdentified, casework.Action(""), "flow.unknown_action", casework.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, closure, err := casework.Next(tt.from, goodMove(tt.act), goodFacts())
			wantRefused(t, tt.from, got, closure, err, tt.key, tt.code)
		})
	}
}

func TestNextUnknownStep(t *testing.T) {
	for _, from := range []casework.Step{"", "bogus"} {
		for _, act := range casework.Actions {
			t.Run(fmt.Sprintf("%s from the unknown step %q is refused", words(string(act)), from), func(t *testing.T) {
				if act == casework.ActClose {
				}
				got, closure, err := casework.Next(from, goodMove(act), goodFacts())
				wantRefused(t, from, got, closure, err, "")
			})
		}
	}
}

func TestNextGuards(t *testing.T) {
	mod := func(change func(*casework.Facts)) casework.Facts {
		f := goodFacts()
		change(&f)
		return f
	}
	move := func(a casework.Action, reason string, cr casework.ClosureReason) casework.Move {
		return casework.Move{Action: a, Reason: reason, ClosureReason: cr}
	}
	noExclusion := mod(func(f *casework.Facts) { f.Settings.MayExcludeForNonParticipation = false })
	noMotivation := mod(func(f *casework.Facts) { f.Settings.MotivationPhase = false })
	const why = "the youth asked for it"
	tests := []struct {
		name    string
		from    casework.Step
		move    casework.Move
		facts   casework.Facts
		want    casework.Step // "" when refused
		closure casework.ClosureReason
		key     string
		code    casework.Code
		field   string
	}{
		// assessment_done
		{name: "assessment done with an assessment and a risk judgement is allowed", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: goodFacts(), want: casework.StepDecision},
		{name: "assessment done without an assessment is refused", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.HasAssessment = false }), key: "flow.needs_assessment", code: casework.EConflict},
		{name: "assessment done without a risk level is refused", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskLevel = "" }), key: "flow.needs_risk_judgement", code: casework.EConflict},
		{name: "assessment done with an unknown risk level is refused", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskLevel = "extreme" }), key: "flow.needs_risk_judgement", code: casework.EConflict},
		{name: "assessment done with a risk level but no reason is refused", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskReason = "" }), key: "flow.needs_risk_judgement", code: casework.EConflict},
		{name: "assessment done with a blank risk reason is refused", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskReason = " \t\n" }), key: "flow.needs_risk_judgement", code: casework.EConflict},
		{name: "assessment done with a low risk level is allowed", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskLevel = casework.RiskLow }), want: casework.StepDecision},
		{name: "assessment done with a very high risk level is allowed", from: casework.StepAssessment, move: move(casework.ActAssessmentDone, "", ""), facts: mod(func(f *casework.Facts) { f.RiskLevel = casework.RiskVeryHigh }), want: casework.StepDecision},

		// parties_set
		{name: "parties set with one party is allowed", from: casework.StepParties, move: move(casework.ActPartiesSet, "", ""), facts: mod(func(f *casework.Facts) { f.PartyCount = 1 }), want: casework.StepConsent},
		{name: "parties set without parties is refused", from: casework.StepParties, move: move(casework.ActPartiesSet, "", ""), facts: mod(func(f *casework.Facts) { f.PartyCount = 0 }), key: "flow.needs_parties", code: casework.EConflict},

		// consent_given and plan_set
		{name: "consent given without a valid consent is refused", from: casework.StepConsent, move: move(casework.ActConsentGiven, "", ""), facts: mod(func(f *casework.Facts) { f.ConsentValid = false }), key: "flow.needs_consent", code: casework.EConflict},
		{name: "plan set without a valid consent is refused", from: casework.StepPlanning, move: move(casework.ActPlanSet, "", ""), facts: mod(func(f *casework.Facts) { f.ConsentValid = false }), key: "flow.needs_consent", code: casework.EConflict},
		{name: "plan set without a plan is refused", from: casework.StepPlanning, move: move(casework.ActPlanSet, "", ""), facts: mod(func(f *casework.Facts) { f.HasPlan = false }), key: "flow.needs_plan", code: casework.EConflict},
		{name: "plan set without consent and plan names the consent first", from: casework.StepPlanning, move: move(casework.ActPlanSet, "", ""), facts: mod(func(f *casework.Facts) { f.HasPlan, f.ConsentValid = false, false }), key: "flow.needs_consent", code: casework.EConflict},

		// close
		{name: "close without a closure reason is invalid", from: casework.StepActive, move: move(casework.ActClose, why, ""), facts: goodFacts(), key: "flow.needs_closure_reason", code: casework.EInvalid, field: "closure_reason"},
		{name: "close with an unknown closure reason is invalid", from: casework.StepActive, move: move(casework.ActClose, why, "bored"), facts: goodFacts(), key: "flow.closure_reason_invalid", code: casework.EInvalid, field: "closure_reason"},
		{name: "close with the preparatory outcome not now is invalid", from: casework.StepIdentified, move: move(casework.ActClose, why, casework.CloseNotNow), facts: goodFacts(), key: "flow.closure_reason_invalid", code: casework.EInvalid, field: "closure_reason"},
		{name: "close with the preparatory outcome referred is invalid", from: casework.StepIdentified, move: move(casework.ActClose, why, casework.CloseReferred), facts: goodFacts(), key: "flow.closure_reason_invalid", code: casework.EInvalid, field: "closure_reason"},
		{name: "close with the decision outcome not started is invalid", from: casework.StepDecision, move: move(casework.ActClose, why, casework.CloseNotStarted), facts: goodFacts(), key: "flow.closure_reason_invalid", code: casework.EInvalid, field: "closure_reason"},
		{name: "close as other without a reason is invalid", from: casework.StepActive, move: move(casework.ActClose, "", casework.CloseOther), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "close as other with a blank reason is invalid", from: casework.StepActive, move: move(casework.ActClose, "   ", casework.CloseOther), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "close as other with a reason is allowed", from: casework.StepActive, move: move(casework.ActClose, why, casework.CloseOther), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseOther},
		{name: "close as excluded where the municipality never excludes is refused", from: casework.StepActive, move: move(casework.ActClose, why, casework.CloseExcluded), facts: noExclusion, key: "flow.exclusion_not_allowed", code: casework.EConflict},
		{name: "close as excluded with the default settings is refused", from: casework.StepActive, move: move(casework.ActClose, why, casework.CloseExcluded), facts: mod(func(f *casework.Facts) { f.Settings = casework.DefaultSettings() }), key: "flow.exclusion_not_allowed", code: casework.EConflict},
		{name: "close as excluded where allowed but without a reason is invalid", from: casework.StepActive, move: move(casework.ActClose, "", casework.CloseExcluded), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "close as excluded where allowed and with a reason is allowed", from: casework.StepActive, move: move(casework.ActClose, why, casework.CloseExcluded), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseExcluded},
		{name: "close as goals reached needs no reason", from: casework.StepActive, move: move(casework.ActClose, "", casework.CloseGoalsReached), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseGoalsReached},

		// preparatory and decision outcomes
		{name: "prep not now without a reason is invalid", from: casework.StepIdentified, move: move(casework.ActPrepNotNow, "", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "prep not now with a reason closes as not now", from: casework.StepIdentified, move: move(casework.ActPrepNotNow, why, ""), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseNotNow},
		{name: "prep not now ignores a closure reason given with it", from: casework.StepIdentified, move: move(casework.ActPrepNotNow, why, casework.CloseGoalsReached), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseNotNow},
		{name: "prep refer without a reason is invalid", from: casework.StepIdentified, move: move(casework.ActPrepRefer, " ", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "prep refer with a reason closes as referred", from: casework.StepIdentified, move: move(casework.ActPrepRefer, why, ""), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseReferred},
		{name: "decide not start without a reason is invalid", from: casework.StepDecision, move: move(casework.ActDecideNotStart, "", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "decide not start with a reason closes as not started", from: casework.StepDecision, move: move(casework.ActDecideNotStart, why, ""), facts: goodFacts(), want: casework.StepClosed, closure: casework.CloseNotStarted},
		{name: "prep take on needs no reason", from: casework.StepIdentified, move: move(casework.ActPrepTakeOn, "", ""), facts: goodFacts(), want: casework.StepAssessment},
		{name: "decide start needs no reason", from: casework.StepDecision, move: move(casework.ActDecideStart, "", ""), facts: goodFacts(), want: casework.StepParties},

		// back moves
		{name: "back to assessment without a reason is invalid", from: casework.StepDecision, move: move(casework.ActBackToAssessment, "", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "back to parties from consent without a reason is invalid", from: casework.StepConsent, move: move(casework.ActBackToParties, "", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "back to parties from motivation without a reason is invalid", from: casework.StepMotivation, move: move(casework.ActBackToParties, "\n", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "back to planning without a reason is invalid", from: casework.StepActive, move: move(casework.ActBackToPlanning, "", ""), facts: goodFacts(), key: "flow.needs_reason", code: casework.EInvalid, field: "reason"},
		{name: "back to planning with a reason is allowed", from: casework.StepActive, move: move(casework.ActBackToPlanning, why, ""), facts: goodFacts(), want: casework.StepPlanning},

		// motivation phase
		{name: "start motivation from parties without the motivation phase is refused", from: casework.StepParties, move: move(casework.ActStartMotivation, "", ""), facts: noMotivation, key: "flow.motivation_off", code: casework.EConflict},
		{name: "start motivation from consent without the motivation phase is refused", from: casework.StepConsent, move: move(casework.ActStartMotivation, "", ""), facts: noMotivation, key: "flow.motivation_off", code: casework.EConflict},
		{name: "start motivation from parties with the motivation phase is allowed", from: casework.StepParties, move: move(casework.ActStartMotivation, "", ""), facts: goodFacts(), want: casework.StepMotivation},
		{name: "motivation done after the phase was switched off still leads to consent", from: casework.StepMotivation, move: move(casework.ActMotivationDone, "", ""), facts: noMotivation, want: casework.StepConsent},

		// closed cases and the long-term follow-up
		{name: "followup done without the 12-month follow-up is refused", from: casework.StepClosed, move: move(casework.ActFollowUpDone, "", ""), facts: mod(func(f *casework.Facts) { f.FollowUp12 = false }), key: "flow.needs_followup", code: casework.EConflict},
		{name: "followup done with the 12-month follow-up is allowed", from: casework.StepClosed, move: move(casework.ActFollowUpDone, "", ""), facts: goodFacts(), want: casework.StepFollowedUp},
		{name: "closing a closed case with a valid reason is refused", from: casework.StepClosed, move: move(casework.ActClose, why, casework.CloseMoved), facts: goodFacts(), key: "flow.case_closed", code: casework.EConflict},
		{name: "closing a followed-up case is refused", from: casework.StepFollowedUp, move: move(casework.ActClose, why, casework.CloseMoved), facts: goodFacts(), key: "flow.case_closed", code: casework.EConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, closure, err := casework.Next(tt.from, tt.move, tt.facts)
			if tt.want == "" {
				wantRefused(t, tt.from, got, closure, err, tt.key, tt.code)
				if tt.field != "" {
					if e := asError(t, err); e.Field != tt.field {
						t.Errorf("field %q, want %q", e.Field, tt.field)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got != tt.want || closure != tt.closure {
				t.Fatalf("→ %s (%q), want %s (%q)", got, closure, tt.want, tt.closure)
			}
		})
	}
}

func TestNextNegativePartyCount(t *testing.T) {
	t.Run("parties set with a negative party count is refused", func(t *testing.T) {
		f := goodFacts()
		f.PartyCount = -1
		got, closure, err := casework.Next(casework.StepParties, goodMove(casework.ActPartiesSet), f)
		wantRefused(t, casework.StepParties, got, closure, err, "flow.needs_parties", casework.EConflict)
	})
}

func TestEveryClosureReasonClosesAnOpenCase(t *testing.T) {
	for _, from := range casework.Steps {
		if !from.Open() {
			continue
		}
		for _, cr := range casework.ClosureReasons {
			t.Run(fmt.Sprintf("closing from %s as %s with a reason is allowed", words(string(from)), words(string(cr))), func(t *testing.T) {
				got, closure, err := casework.Next(from, casework.Move{Action: casework.ActClose, Reason: "see the minutes", ClosureReason: cr}, goodFacts())
				if err != nil {
					t.Fatal(err)
				}
				if got != casework.StepClosed || closure != cr {
					t.Fatalf("→ %s (%q), want closed (%q)", got, closure, cr)
				}
			})
		}
	}
}

func TestNextReasonLength(t *testing.T) {
	atLimit := strings.Repeat("å", casework.MaxReasonLength) // 2 bytes a rune: the limit counts runes
	over := atLimit + "ö"
	tests := []struct {
		name   string
		from   casework.Step
		act    casework.Action
		reason string
		ok     bool
	}{
		{"a reason of exactly the maximum length in runes is accepted", casework.StepDecision, casework.ActBackToAssessment, atLimit, true},
		{"a reason at the maximum with surrounding spaces is accepted after trimming", casework.StepDecision, casework.ActBackToAssessment, "  " + atLimit + "\n", true},
		{"a reason one rune over the maximum is refused", casework.StepDecision, casework.ActBackToAssessment, over, false},
		{"an over-long reason is refused even where no reason is needed", casework.StepIdentified, casework.ActPrepTakeOn, over, false},
		{"an over-long reason is refused when closing", casework.StepActive, casework.ActClose, over, false},
		{"an over-long reason is refused on a closed case before anything else", casework.StepClosed, casework.ActFollowUpDone, over, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, closure, err := casework.Next(tt.from, casework.Move{Action: tt.act, Reason: tt.reason, ClosureReason: casework.CloseOther}, goodFacts())
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRefused(t, tt.from, got, closure, err, "flow.reason_too_long", casework.EInvalid)
			if e := asError(t, err); e.Field != "reason" {
				t.Errorf("field %q, want reason", e.Field)
			}
		})
	}
}

func TestActionsFromMatchesNext(t *testing.T) {
	for _, tc := range []struct {
		program    casework.Program
		motivation bool
	}{{casework.ProgramSIG, true}, {casework.ProgramSIG, false}, {casework.ProgramSSPF, false}} {
		f := goodFacts()
		f.Program = tc.program
		f.Settings.MotivationPhase = tc.motivation
		phase := "in " + string(tc.program) + " with the motivation phase"
		if !tc.motivation {
			phase = "in " + string(tc.program) + " without the motivation phase"
		}
		for _, from := range casework.Steps {
			t.Run(fmt.Sprintf("the actions offered from %s %s are exactly those the flow accepts", words(string(from)), phase), func(t *testing.T) {
				offered := casework.ActionsFrom(f.Program, from, f.Settings)
				seen := map[casework.Action]bool{}
				for _, a := range offered {
					if seen[a] {
						t.Errorf("%s is offered twice", a)
					}
					seen[a] = true
					if _, _, err := casework.Next(from, goodMove(a), f); err != nil {
						t.Errorf("%s is offered but refused: %v", a, err)
					}
				}
				for _, a := range casework.Actions {
					if seen[a] {
						continue
					}
					if to, _, err := casework.Next(from, goodMove(a), f); err == nil {
						t.Errorf("%s is accepted (→ %s) but not offered", a, to)
					}
				}
			})
		}
	}
	t.Run("an unknown step offers nothing", func(t *testing.T) {
		if got := casework.ActionsFrom(casework.ProgramSIG, "bogus", goodFacts().Settings); len(got) != 0 {
			t.Fatalf("offered %v", got)
		}
	})
}

func TestStepProperties(t *testing.T) {
	open := map[casework.Step]bool{casework.StepClosed: false, casework.StepFollowedUp: false}
	before := map[casework.Step]bool{casework.StepIdentified: true, casework.StepAssessment: true, casework.StepDecision: true,
		casework.StepParties: true, casework.StepMotivation: true, casework.StepConsent: true}
	for _, s := range casework.Steps {
		t.Run(fmt.Sprintf("%s is a valid step with the right open and before-consent flags", words(string(s))), func(t *testing.T) {
			if !s.Valid() {
				t.Error("not valid")
			}
			wantOpen, listed := open[s]
			if !listed {
				wantOpen = true
			}
			if s.Open() != wantOpen {
				t.Errorf("Open() = %v, want %v", s.Open(), wantOpen)
			}
			if s.BeforeConsent() != before[s] {
				t.Errorf("BeforeConsent() = %v, want %v", s.BeforeConsent(), before[s])
			}
			sspfOwn := s == casework.StepMapping || s == casework.StepNetwork
			if (s.Number() == "") != (s == casework.StepMotivation || sspfOwn) {
				t.Errorf("Number() = %q: only the motivation phase and SSPF's own steps have no SIG number", s.Number())
			}
			if s.InTrack(casework.ProgramSSPF) && s != casework.StepFollowedUp && s.NumberIn(casework.ProgramSSPF) == "" {
				t.Errorf("SSPF step %s has no SSPF number", s)
			}
			if s.InTrack(casework.ProgramSIG) == sspfOwn {
				t.Errorf("%s in SIG's steps: %v", s, s.InTrack(casework.ProgramSIG))
			}
		})
	}
	t.Run("an unknown step is not valid", func(t *testing.T) {
		if casework.Step("bogus").Valid() {
			t.Fatal("valid")
		}
	})
	t.Run("risk levels rank from low to very high and unset ranks zero", func(t *testing.T) {
		for i, r := range casework.RiskLevels {
			if r.Rank() != i+1 || !r.Valid() {
				t.Errorf("%s: rank %d valid %v", r, r.Rank(), r.Valid())
			}
		}
		if casework.RiskLevel("").Rank() != 0 || casework.RiskLevel("").Valid() {
			t.Error("unset risk level ranks or is valid")
		}
	})
}

func TestMayDraftPlan(t *testing.T) {
	want := map[casework.Step]bool{casework.StepConsent: true, casework.StepMapping: true, casework.StepNetwork: true,
		casework.StepPlanning: true, casework.StepActive: true}
	for _, st := range casework.Steps {
		if got := st.MayDraftPlan(); got != want[st] {
			t.Errorf("%s: may draft a plan %v, want %v", st, got, want[st])
		}
	}
}
