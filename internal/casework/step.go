package casework

import (
	"strings"
	"unicode/utf8"
)

// Step is where a case stands in the SIG flow (Örebro's SIG:RBM, eleven steps, with the
// variants of other municipalities as settings).
type Step string

const (
	StepIdentified Step = "identified"  // 1–2: concern registered (Check: IRK); awaiting the preparatory group
	StepAssessment Step = "assessment"  // 3: taken on; risk, need and responsivity assessed
	StepDecision   Step = "decision"    // 4: decision whether to start SIG
	StepParties    Step = "parties"     // 5: the parties needed are identified
	StepMotivation Step = "motivation"  // optional motivation phase before enrolment (Hässelby-Vällingby)
	StepConsent    Step = "consent"     // 6: consent is signed
	StepPlanning   Step = "planning"    // 7: planning after consent
	StepActive     Step = "active"      // 8–9: action plan set; interventions and follow-up meetings
	StepClosed     Step = "closed"      // 10: closed; long-term follow-up pending
	StepFollowedUp Step = "followed_up" // 11: long-term follow-up done
)

// Steps lists the steps in flow order.
var Steps = []Step{StepIdentified, StepAssessment, StepDecision, StepParties, StepMotivation, StepConsent,
	StepPlanning, StepActive, StepClosed, StepFollowedUp}

// Valid reports whether s is a known step.
func (s Step) Valid() bool {
	for _, x := range Steps {
		if x == s {
			return true
		}
	}
	return false
}

// Number is the step's number in Örebro's eleven steps, as shown to users ("" for the
// motivation phase, which is not one of them).
func (s Step) Number() string {
	return map[Step]string{StepIdentified: "1–2", StepAssessment: "3", StepDecision: "4", StepParties: "5",
		StepConsent: "6", StepPlanning: "7", StepActive: "8–9", StepClosed: "10", StepFollowedUp: "11"}[s]
}

// Open reports whether the case is still being worked on.
func (s Step) Open() bool { return s != StepClosed && s != StepFollowedUp }

// MayDraftPlan reports whether the action plan may be drafted at this step: from the consent
// step on, while the case is open (the young person's own goal is often drafted with them
// while the signatures are collected). It is set — step 8 — only once there is consent.
func (s Step) MayDraftPlan() bool { return s == StepConsent || (s.Open() && !s.BeforeConsent()) }

// BeforeConsent reports whether the case has not yet passed the consent step.
func (s Step) BeforeConsent() bool {
	switch s {
	case StepIdentified, StepAssessment, StepDecision, StepParties, StepMotivation, StepConsent:
		return true
	}
	return false
}

// Action is a move in the flow.
type Action string

const (
	ActPrepTakeOn       Action = "prep_take_on"       // identified → assessment: the preparatory group takes the case on
	ActPrepNotNow       Action = "prep_not_now"       // identified → closed (not now)
	ActPrepRefer        Action = "prep_refer"         // identified → closed (referred elsewhere)
	ActAssessmentDone   Action = "assessment_done"    // assessment → decision
	ActDecideStart      Action = "decide_start"       // decision → parties
	ActDecideNotStart   Action = "decide_not_start"   // decision → closed (SIG not started)
	ActPartiesSet       Action = "parties_set"        // parties → consent
	ActStartMotivation  Action = "start_motivation"   // parties or consent → motivation
	ActMotivationDone   Action = "motivation_done"    // motivation → consent
	ActConsentGiven     Action = "consent_given"      // consent → planning
	ActPlanSet          Action = "plan_set"           // planning → active
	ActClose            Action = "close"              // any open step → closed
	ActFollowUpDone     Action = "followup_done"      // closed → followed_up
	ActBackToAssessment Action = "back_to_assessment" // decision → assessment
	ActBackToParties    Action = "back_to_parties"    // consent or motivation → parties
	ActBackToPlanning   Action = "back_to_planning"   // active → planning (rework the plan)
)

// RiskLevel is the professional's overall judgement of risk. Lots never sets it; it records it
// with the reason.
type RiskLevel string

const (
	RiskLow      RiskLevel = "low"
	RiskModerate RiskLevel = "moderate"
	RiskHigh     RiskLevel = "high"
	RiskVeryHigh RiskLevel = "very_high"
)

// RiskLevels lists the levels from low to very high.
var RiskLevels = []RiskLevel{RiskLow, RiskModerate, RiskHigh, RiskVeryHigh}

// Valid reports whether r is a known level.
func (r RiskLevel) Valid() bool {
	for _, x := range RiskLevels {
		if x == r {
			return true
		}
	}
	return false
}

// Rank orders levels for sorting (0 when unset).
func (r RiskLevel) Rank() int {
	for i, x := range RiskLevels {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// ClosureReason says why a case ended.
type ClosureReason string

const (
	CloseGoalsReached     ClosureReason = "goals_reached"
	CloseMoved            ClosureReason = "moved"
	ClosePlaced           ClosureReason = "placed"
	CloseDeclined         ClosureReason = "declined"
	CloseConsentWithdrawn ClosureReason = "consent_withdrawn"
	CloseAgedOut          ClosureReason = "aged_out"
	CloseNotNow           ClosureReason = "not_now"     // preparatory group: not now
	CloseReferred         ClosureReason = "referred"    // preparatory group: refer elsewhere
	CloseNotStarted       ClosureReason = "not_started" // decision: SIG not started
	CloseExcluded         ClosureReason = "excluded"    // only where the municipality allows it
	CloseOther            ClosureReason = "other"
)

// ClosureReasons are the reasons a user can choose when closing (the preparatory and decision
// outcomes are set by their own actions).
var ClosureReasons = []ClosureReason{CloseGoalsReached, CloseMoved, ClosePlaced, CloseDeclined,
	CloseConsentWithdrawn, CloseAgedOut, CloseExcluded, CloseOther}

// Facts are what the flow needs to know about a case to allow a move.
type Facts struct {
	HasAssessment bool      // an intake assessment is recorded
	RiskLevel     RiskLevel // the professional's judgement
	RiskReason    string
	PartyCount    int  // agencies identified as parties
	ConsentValid  bool // a consent is valid now
	HasPlan       bool // an action plan with the youth's goal and at least one sub-goal
	FollowUp12    bool // the 12-month follow-up is recorded
	Settings      Settings
}

// Move is a requested move: the action, the reason given, and the closure reason when closing.
type Move struct {
	Action        Action
	Reason        string
	ClosureReason ClosureReason
}

// MaxReasonLength bounds the reason text of a move.
const MaxReasonLength = 4000

// Next returns the step after the move, or an error that says in the user's language why the
// move is impossible. It is the whole state machine.
func Next(from Step, m Move, f Facts) (Step, ClosureReason, error) {
	reason := strings.TrimSpace(m.Reason)
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		return from, "", Invalid("reason", "flow.reason_too_long")
	}
	needReason := func() error {
		if reason == "" {
			return Invalid("reason", "flow.needs_reason")
		}
		return nil
	}
	refuse := func(key string) (Step, ClosureReason, error) {
		return from, "", &Error{Code: EConflict, Key: key, Detail: string(m.Action) + " not possible from " + string(from)}
	}
	if !from.Valid() {
		return refuse("flow.not_from_step")
	}
	if !from.Open() && m.Action != ActFollowUpDone {
		return refuse("flow.case_closed")
	}
	switch m.Action {
	case ActPrepTakeOn:
		if from != StepIdentified {
			return refuse("flow.not_from_step")
		}
		return StepAssessment, "", nil
	case ActPrepNotNow, ActPrepRefer:
		if from != StepIdentified {
			return refuse("flow.not_from_step")
		}
		if err := needReason(); err != nil {
			return from, "", err
		}
		if m.Action == ActPrepNotNow {
			return StepClosed, CloseNotNow, nil
		}
		return StepClosed, CloseReferred, nil
	case ActAssessmentDone:
		if from != StepAssessment {
			return refuse("flow.not_from_step")
		}
		if !f.HasAssessment {
			return refuse("flow.needs_assessment")
		}
		if !f.RiskLevel.Valid() || strings.TrimSpace(f.RiskReason) == "" {
			return refuse("flow.needs_risk_judgement")
		}
		return StepDecision, "", nil
	case ActDecideStart:
		if from != StepDecision {
			return refuse("flow.not_from_step")
		}
		return StepParties, "", nil
	case ActDecideNotStart:
		if from != StepDecision {
			return refuse("flow.not_from_step")
		}
		if err := needReason(); err != nil {
			return from, "", err
		}
		return StepClosed, CloseNotStarted, nil
	case ActPartiesSet:
		if from != StepParties {
			return refuse("flow.not_from_step")
		}
		if f.PartyCount <= 0 {
			return refuse("flow.needs_parties")
		}
		return StepConsent, "", nil
	case ActStartMotivation:
		if from != StepParties && from != StepConsent {
			return refuse("flow.not_from_step")
		}
		if !f.Settings.MotivationPhase {
			return refuse("flow.motivation_off")
		}
		return StepMotivation, "", nil
	case ActMotivationDone:
		if from != StepMotivation {
			return refuse("flow.not_from_step")
		}
		return StepConsent, "", nil
	case ActConsentGiven:
		if from != StepConsent {
			return refuse("flow.not_from_step")
		}
		if !f.ConsentValid {
			return refuse("flow.needs_consent")
		}
		return StepPlanning, "", nil
	case ActPlanSet:
		if from != StepPlanning {
			return refuse("flow.not_from_step")
		}
		if !f.ConsentValid {
			return refuse("flow.needs_consent")
		}
		if !f.HasPlan {
			return refuse("flow.needs_plan")
		}
		return StepActive, "", nil
	case ActClose:
		if m.ClosureReason == "" {
			return from, "", Invalid("closure_reason", "flow.needs_closure_reason")
		}
		valid := false
		for _, r := range ClosureReasons {
			valid = valid || r == m.ClosureReason
		}
		if !valid {
			return from, "", Invalid("closure_reason", "flow.closure_reason_invalid")
		}
		if m.ClosureReason == CloseExcluded && !f.Settings.MayExcludeForNonParticipation {
			return refuse("flow.exclusion_not_allowed")
		}
		if m.ClosureReason == CloseOther || m.ClosureReason == CloseExcluded {
			if err := needReason(); err != nil {
				return from, "", err
			}
		}
		return StepClosed, m.ClosureReason, nil
	case ActFollowUpDone:
		if from != StepClosed {
			return refuse("flow.not_from_step")
		}
		if !f.FollowUp12 {
			return refuse("flow.needs_followup")
		}
		return StepFollowedUp, "", nil
	case ActBackToAssessment:
		if from != StepDecision {
			return refuse("flow.not_from_step")
		}
		if err := needReason(); err != nil {
			return from, "", err
		}
		return StepAssessment, "", nil
	case ActBackToParties:
		if from != StepConsent && from != StepMotivation {
			return refuse("flow.not_from_step")
		}
		if err := needReason(); err != nil {
			return from, "", err
		}
		return StepParties, "", nil
	case ActBackToPlanning:
		if from != StepActive {
			return refuse("flow.not_from_step")
		}
		if err := needReason(); err != nil {
			return from, "", err
		}
		return StepPlanning, "", nil
	}
	return from, "", Invalid("action", "flow.unknown_action")
}

// Actions lists every action, for forms and tests.
var Actions = []Action{ActPrepTakeOn, ActPrepNotNow, ActPrepRefer, ActAssessmentDone, ActDecideStart,
	ActDecideNotStart, ActPartiesSet, ActStartMotivation, ActMotivationDone, ActConsentGiven, ActPlanSet,
	ActClose, ActFollowUpDone, ActBackToAssessment, ActBackToParties, ActBackToPlanning}

// ActionsFrom lists the actions the flow offers from a step (whether their conditions hold is
// checked when they are taken, so the form can say why one is refused).
func ActionsFrom(s Step, settings Settings) []Action {
	var out []Action
	switch s {
	case StepIdentified:
		out = []Action{ActPrepTakeOn, ActPrepNotNow, ActPrepRefer}
	case StepAssessment:
		out = []Action{ActAssessmentDone}
	case StepDecision:
		out = []Action{ActDecideStart, ActDecideNotStart, ActBackToAssessment}
	case StepParties:
		out = []Action{ActPartiesSet}
		if settings.MotivationPhase {
			out = append(out, ActStartMotivation)
		}
	case StepMotivation:
		out = []Action{ActMotivationDone, ActBackToParties}
	case StepConsent:
		out = []Action{ActConsentGiven, ActBackToParties}
		if settings.MotivationPhase {
			out = append(out, ActStartMotivation)
		}
	case StepPlanning:
		out = []Action{ActPlanSet}
	case StepActive:
		out = []Action{ActBackToPlanning}
	case StepClosed:
		return []Action{ActFollowUpDone}
	default:
		return nil
	}
	return append(out, ActClose)
}
