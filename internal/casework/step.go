package casework

import (
	"slices"
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
	ActReopen           Action = "reopen"             // closed → assessment (issue 17:3): reopened with a reason, assessed anew
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

// ReasonRule says whether a move's form asks for a reason.
type ReasonRule string

const (
	ReasonNone     ReasonRule = ""
	ReasonOptional ReasonRule = "optional" // closing: required only for "other" and "excluded"
	ReasonRequired ReasonRule = "required" // moves away from the main path must say why
)

// Requirement is a condition a move needs, with the message key of its refusal.
type Requirement struct {
	Key   string
	Holds func(Facts) bool
}

// Transition is one move of the flow: the steps it starts from, where it leads, and what it
// needs. The table Transitions is the whole state machine: Next, Offered and every form or
// API answer about moves are read from it.
type Transition struct {
	Action Action
	From   []Step // empty: every open step
	To     Step
	// Closure is the closure reason a preparatory or decision outcome records.
	Closure ClosureReason
	Reason  ReasonRule
	// Secondary: a move away from the main path (shown apart from the next step's button).
	Secondary bool
	// Prep: the preparatory group's decision — a kind of work of its own in the access rule.
	Prep bool
	// Setting: offered only where the municipality uses it (nil: always).
	Setting func(Settings) bool
	// SettingKey is the refusal when Setting does not hold.
	SettingKey string
	Requires   []Requirement
}

var (
	needsAssessment = Requirement{"flow.needs_assessment", func(f Facts) bool { return f.HasAssessment }}
	needsRisk       = Requirement{"flow.needs_risk_judgement", func(f Facts) bool {
		return f.RiskLevel.Valid() && strings.TrimSpace(f.RiskReason) != ""
	}}
	needsParties  = Requirement{"flow.needs_parties", func(f Facts) bool { return f.PartyCount > 0 }}
	needsConsent  = Requirement{"flow.needs_consent", func(f Facts) bool { return f.ConsentValid }}
	needsPlan     = Requirement{"flow.needs_plan", func(f Facts) bool { return f.HasPlan }}
	needsFollowUp = Requirement{"flow.needs_followup", func(f Facts) bool { return f.FollowUp12 }}
	motivationOn  = func(s Settings) bool { return s.MotivationPhase }
)

// Transitions is Örebro's flow with the motivation phase, in the order a step offers its moves.
var Transitions = []Transition{
	{Action: ActPrepTakeOn, From: []Step{StepIdentified}, To: StepAssessment, Prep: true},
	{Action: ActPrepNotNow, From: []Step{StepIdentified}, To: StepClosed, Closure: CloseNotNow, Reason: ReasonRequired, Secondary: true, Prep: true},
	{Action: ActPrepRefer, From: []Step{StepIdentified}, To: StepClosed, Closure: CloseReferred, Reason: ReasonRequired, Secondary: true, Prep: true},
	{Action: ActAssessmentDone, From: []Step{StepAssessment}, To: StepDecision, Requires: []Requirement{needsAssessment, needsRisk}},
	{Action: ActDecideStart, From: []Step{StepDecision}, To: StepParties},
	{Action: ActDecideNotStart, From: []Step{StepDecision}, To: StepClosed, Closure: CloseNotStarted, Reason: ReasonRequired, Secondary: true},
	{Action: ActBackToAssessment, From: []Step{StepDecision}, To: StepAssessment, Reason: ReasonRequired, Secondary: true},
	{Action: ActPartiesSet, From: []Step{StepParties}, To: StepConsent, Requires: []Requirement{needsParties}},
	{Action: ActMotivationDone, From: []Step{StepMotivation}, To: StepConsent},
	{Action: ActConsentGiven, From: []Step{StepConsent}, To: StepPlanning, Requires: []Requirement{needsConsent}},
	{Action: ActBackToParties, From: []Step{StepConsent, StepMotivation}, To: StepParties, Reason: ReasonRequired, Secondary: true},
	{Action: ActStartMotivation, From: []Step{StepParties, StepConsent}, To: StepMotivation, Setting: motivationOn, SettingKey: "flow.motivation_off"},
	{Action: ActPlanSet, From: []Step{StepPlanning}, To: StepActive, Requires: []Requirement{needsConsent, needsPlan}},
	{Action: ActBackToPlanning, From: []Step{StepActive}, To: StepPlanning, Reason: ReasonRequired, Secondary: true},
	{Action: ActClose, To: StepClosed, Reason: ReasonOptional, Secondary: true},
	{Action: ActFollowUpDone, From: []Step{StepClosed}, To: StepFollowedUp, Requires: []Requirement{needsFollowUp}},
	// A case closed by mistake, or whose young person needs SIG again soon after, is reopened
	// rather than reported anew: with a reason, back to the assessment — the situation is
	// assessed anew before the flow goes on. A case closed at intake (never taken on) is not
	// reopened: its young person comes back as a new concern to the preparatory group.
	{Action: ActReopen, From: []Step{StepClosed}, To: StepAssessment, Reason: ReasonRequired, Secondary: true},
}

// TransitionOf returns the transition of an action.
func TransitionOf(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// startsFrom reports whether the transition may be taken from step s.
func (t Transition) startsFrom(s Step) bool {
	if len(t.From) == 0 {
		return s.Valid() && s.Open()
	}
	for _, f := range t.From {
		if f == s {
			return true
		}
	}
	return false
}

// Blocked returns the message key of the first requirement (or setting) of the move that the
// facts do not meet, or "".
func (t Transition) Blocked(f Facts) string {
	if t.Setting != nil && !t.Setting(f.Settings) {
		return t.SettingKey
	}
	for _, r := range t.Requires {
		if !r.Holds(f) {
			return r.Key
		}
	}
	return ""
}

// Next returns the step after the move, or an error that says in the user's language why the
// move is impossible. It reads the table Transitions.
func Next(from Step, m Move, f Facts) (Step, ClosureReason, error) {
	reason := strings.TrimSpace(m.Reason)
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		return from, "", Invalid("reason", "flow.reason_too_long")
	}
	refuse := func(key string) (Step, ClosureReason, error) {
		return from, "", &Error{Code: EConflict, Key: key, Detail: string(m.Action) + " not possible from " + string(from)}
	}
	if !from.Valid() {
		return refuse("flow.not_from_step")
	}
	if !from.Open() && m.Action != ActFollowUpDone && m.Action != ActReopen {
		return refuse("flow.case_closed")
	}
	t, ok := TransitionOf(m.Action)
	if !ok {
		return from, "", Invalid("action", "flow.unknown_action")
	}
	if t.Action == ActClose {
		return closeMove(from, m, reason, f)
	}
	if !t.startsFrom(from) {
		return refuse("flow.not_from_step")
	}
	if key := t.Blocked(f); key != "" {
		return refuse(key)
	}
	if t.Reason == ReasonRequired && reason == "" {
		return from, "", Invalid("reason", "flow.needs_reason")
	}
	return t.To, t.Closure, nil
}

// closeMove is closing: the reason must be one a user may choose, exclusion only where the
// municipality allows it, and "other" or "excluded" must say why.
func closeMove(from Step, m Move, reason string, f Facts) (Step, ClosureReason, error) {
	if m.ClosureReason == "" {
		return from, "", Invalid("closure_reason", "flow.needs_closure_reason")
	}
	if !slices.Contains(ClosureReasons, m.ClosureReason) {
		return from, "", Invalid("closure_reason", "flow.closure_reason_invalid")
	}
	if m.ClosureReason == CloseExcluded && !f.Settings.MayExcludeForNonParticipation {
		return from, "", &Error{Code: EConflict, Key: "flow.exclusion_not_allowed", Detail: "close not possible from " + string(from)}
	}
	if (m.ClosureReason == CloseOther || m.ClosureReason == CloseExcluded) && reason == "" {
		return from, "", Invalid("reason", "flow.needs_reason")
	}
	return StepClosed, m.ClosureReason, nil
}

// Actions lists every action, for forms and tests.
var Actions = func() []Action {
	out := make([]Action, len(Transitions))
	for i, t := range Transitions {
		out[i] = t.Action
	}
	return out
}()

// Offered lists the moves the flow offers from a step, in the table's order: those that start
// from it and whose municipal setting is on. Whether their conditions hold is a separate
// question (Blocked), so a form can say why a move is not yet possible.
func Offered(s Step, settings Settings) []Transition {
	var out []Transition
	for _, t := range Transitions {
		if t.startsFrom(s) && (t.Setting == nil || t.Setting(settings)) {
			out = append(out, t)
		}
	}
	return out
}

// ActionsFrom lists the actions of Offered.
func ActionsFrom(s Step, settings Settings) []Action {
	var out []Action
	for _, t := range Offered(s, settings) {
		out = append(out, t.Action)
	}
	return out
}
