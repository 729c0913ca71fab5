package casework

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Step is where a case stands in its track's flow: SIG (Örebro's SIG:RBM, eleven steps, with
// the variants of other municipalities as settings) or SSPF (concern, the coordinator's
// assessment, consent, mapping conversation, network meeting, commitment plan, follow-up).
// The two tracks share the steps that mean the same; mapping and network are SSPF's own.
type Step string

const (
	StepIdentified Step = "identified"  // 1–2: concern registered (Check: IRK); awaiting the preparatory group
	StepAssessment Step = "assessment"  // 3: taken on; risk, need and responsivity assessed
	StepDecision   Step = "decision"    // 4: decision whether to start SIG
	StepParties    Step = "parties"     // 5: the parties needed are identified
	StepMotivation Step = "motivation"  // optional motivation phase before enrolment (Hässelby-Vällingby)
	StepConsent    Step = "consent"     // 6: consent is signed
	StepMapping    Step = "mapping"     // SSPF: the mapping conversation with the young person and the guardians
	StepNetwork    Step = "network"     // SSPF: the network meeting (school, social services, police, leisure) and the commitment plan
	StepPlanning   Step = "planning"    // 7: planning after consent
	StepActive     Step = "active"      // 8–9: action plan set; interventions and follow-up meetings
	StepClosed     Step = "closed"      // 10: closed; long-term follow-up pending
	StepFollowedUp Step = "followed_up" // 11: long-term follow-up done
)

// Steps lists the steps of every track in flow order.
var Steps = []Step{StepIdentified, StepAssessment, StepDecision, StepParties, StepMotivation, StepConsent,
	StepMapping, StepNetwork, StepPlanning, StepActive, StepClosed, StepFollowedUp}

// sspfSteps are the steps of the SSPF track, in flow order.
var sspfSteps = []Step{StepIdentified, StepAssessment, StepConsent, StepMapping, StepNetwork, StepActive, StepClosed, StepFollowedUp}

// StepsOf lists the steps of a track in flow order (SIG's include the motivation phase, which
// only some municipalities use).
func StepsOf(p Program) []Step {
	if p == ProgramSSPF {
		return sspfSteps
	}
	return slices.DeleteFunc(slices.Clone(Steps), func(s Step) bool { return s == StepMapping || s == StepNetwork })
}

// InTrack reports whether step s belongs to track p.
func (s Step) InTrack(p Program) bool { return slices.Contains(StepsOf(p), s) }

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
// motivation phase and SSPF's own steps, which are not among them).
func (s Step) Number() string { return s.NumberIn(ProgramSIG) }

// NumberIn is the step's number in its track as shown to users: Örebro's eleven steps for
// SIG, SSPF's seven (concern 1, assessment 2, consent 3, mapping 4, network meeting and
// commitment plan 5, follow-up 6, closure 7).
func (s Step) NumberIn(p Program) string {
	if p == ProgramSSPF {
		return map[Step]string{StepIdentified: "1", StepAssessment: "2", StepConsent: "3", StepMapping: "4",
			StepNetwork: "5", StepActive: "6", StepClosed: "7"}[s]
	}
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
	ActBackToPlanning   Action = "back_to_planning"   // active → planning (SSPF: network; rework the plan)

	// SSPF's own moves.
	ActSSPFApplies       Action = "sspf_applies"        // assessment → consent: the coordinator finds that SSPF applies
	ActSSPFNotApplicable Action = "sspf_not_applicable" // assessment → closed (SSPF not started)
	ActMappingDone       Action = "mapping_done"        // mapping → network
	ActToSIG             Action = "to_sig"              // any open SSPF step after intake → SIG's assessment; the case and its history stay

	// ActReopen: a young person who comes back after months or years: the closed case opens
	// again at the assessment, with a reason, instead of a new case.
	ActReopen Action = "reopen" // closed or followed_up → assessment
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
	Program       Program   // the case's track ("" reads as SIG)
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
	// Programs are the tracks the move belongs to (empty: every track). An action may have a
	// row per track when it leads elsewhere in each (consent_given: SIG's planning, SSPF's
	// mapping conversation).
	Programs []Program
	From     []Step // empty: every open step
	To       Step
	// Switch is the track the case continues in after the move ("" : the same). The case,
	// its id and its history stay.
	Switch Program
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

var (
	sig  = []Program{ProgramSIG}
	sspf = []Program{ProgramSSPF}
)

// Transitions are both tracks' flows — Örebro's SIG with the motivation phase, and SSPF — in
// the order a step offers its moves. A row without Programs is every track's.
var Transitions = []Transition{
	{Action: ActPrepTakeOn, From: []Step{StepIdentified}, To: StepAssessment, Prep: true},
	{Action: ActPrepNotNow, From: []Step{StepIdentified}, To: StepClosed, Closure: CloseNotNow, Reason: ReasonRequired, Secondary: true, Prep: true},
	{Action: ActPrepRefer, From: []Step{StepIdentified}, To: StepClosed, Closure: CloseReferred, Reason: ReasonRequired, Secondary: true, Prep: true},
	{Action: ActAssessmentDone, Programs: sig, From: []Step{StepAssessment}, To: StepDecision, Requires: []Requirement{needsAssessment, needsRisk}},
	// SSPF: the coordinator's risk assessment before the young person is raised in the SSPF
	// forum (Kungälv) decides whether SSPF applies; no instrument is required, a judgement is.
	{Action: ActSSPFApplies, Programs: sspf, From: []Step{StepAssessment}, To: StepConsent, Requires: []Requirement{needsRisk}},
	{Action: ActSSPFNotApplicable, Programs: sspf, From: []Step{StepAssessment}, To: StepClosed, Closure: CloseNotStarted, Reason: ReasonRequired, Secondary: true},
	{Action: ActDecideStart, Programs: sig, From: []Step{StepDecision}, To: StepParties},
	{Action: ActDecideNotStart, Programs: sig, From: []Step{StepDecision}, To: StepClosed, Closure: CloseNotStarted, Reason: ReasonRequired, Secondary: true},
	{Action: ActBackToAssessment, Programs: sig, From: []Step{StepDecision}, To: StepAssessment, Reason: ReasonRequired, Secondary: true},
	{Action: ActPartiesSet, Programs: sig, From: []Step{StepParties}, To: StepConsent, Requires: []Requirement{needsParties}},
	{Action: ActMotivationDone, Programs: sig, From: []Step{StepMotivation}, To: StepConsent},
	{Action: ActConsentGiven, Programs: sig, From: []Step{StepConsent}, To: StepPlanning, Requires: []Requirement{needsConsent}},
	{Action: ActConsentGiven, Programs: sspf, From: []Step{StepConsent}, To: StepMapping, Requires: []Requirement{needsConsent}},
	{Action: ActBackToParties, Programs: sig, From: []Step{StepConsent, StepMotivation}, To: StepParties, Reason: ReasonRequired, Secondary: true},
	{Action: ActStartMotivation, Programs: sig, From: []Step{StepParties, StepConsent}, To: StepMotivation, Setting: motivationOn, SettingKey: "flow.motivation_off"},
	{Action: ActMappingDone, Programs: sspf, From: []Step{StepMapping}, To: StepNetwork, Requires: []Requirement{needsConsent}},
	{Action: ActPlanSet, Programs: sig, From: []Step{StepPlanning}, To: StepActive, Requires: []Requirement{needsConsent, needsPlan}},
	{Action: ActPlanSet, Programs: sspf, From: []Step{StepNetwork}, To: StepActive, Requires: []Requirement{needsConsent, needsPlan}},
	{Action: ActBackToPlanning, Programs: sig, From: []Step{StepActive}, To: StepPlanning, Reason: ReasonRequired, Secondary: true},
	{Action: ActBackToPlanning, Programs: sspf, From: []Step{StepActive}, To: StepNetwork, Reason: ReasonRequired, Secondary: true},
	// An SSPF case that needs more continues as SIG from the systematic assessment (step 3):
	// it was taken on already, so the preparatory group's intake is not repeated.
	{Action: ActToSIG, Programs: sspf, From: []Step{StepAssessment, StepConsent, StepMapping, StepNetwork, StepActive}, To: StepAssessment,
		Switch: ProgramSIG, Reason: ReasonRequired, Secondary: true},
	{Action: ActClose, To: StepClosed, Reason: ReasonOptional, Secondary: true},
	{Action: ActFollowUpDone, From: []Step{StepClosed}, To: StepFollowedUp, Requires: []Requirement{needsFollowUp}},
	{Action: ActReopen, From: []Step{StepClosed, StepFollowedUp}, To: StepAssessment, Reason: ReasonRequired, Secondary: true},
}

// TransitionOf returns the first transition of an action in any track (what does not differ
// between an action's rows: whether it is the preparatory group's, whether it needs a reason).
func TransitionOf(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// TransitionIn returns the transition of an action in track p.
func TransitionIn(p Program, a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a && t.inTrack(p) {
			return t, true
		}
	}
	return Transition{}, false
}

// inTrack reports whether the transition belongs to track p ("" reads as SIG).
func (t Transition) inTrack(p Program) bool {
	if p == "" {
		p = ProgramSIG
	}
	return len(t.Programs) == 0 || slices.Contains(t.Programs, p)
}

// fromClosed reports whether the transition starts from a closed step (the follow-up after
// closure, reopening); every other move of a closed case is refused as "the case is closed".
func (t Transition) fromClosed() bool {
	return slices.ContainsFunc(t.From, func(s Step) bool { return !s.Open() })
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
	if m := t.Missing(f); len(m) > 0 {
		return m[0]
	}
	return ""
}

// Missing returns the message keys of every requirement (or the setting) of the move that the
// facts do not meet, in the table's order: what is missing before the move can be taken. Empty
// when the move is possible.
func (t Transition) Missing(f Facts) []string {
	if t.Setting != nil && !t.Setting(f.Settings) {
		return []string{t.SettingKey}
	}
	var out []string
	for _, r := range t.Requires {
		if !r.Holds(f) {
			out = append(out, r.Key)
		}
	}
	return out
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
	if first, ok := TransitionOf(m.Action); !from.Open() && (!ok || !first.fromClosed()) {
		return refuse("flow.case_closed")
	} else if !ok {
		return from, "", Invalid("action", "flow.unknown_action")
	}
	t, ok := TransitionIn(f.Program, m.Action)
	if !ok {
		return refuse("flow.not_in_track")
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

// Actions lists every action once, for forms and tests.
var Actions = func() []Action {
	var out []Action
	for _, t := range Transitions {
		if !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}()

// Offered lists the moves track p's flow offers from a step, in the table's order: those that
// start from it and whose municipal setting is on. Whether their conditions hold is a separate
// question (Blocked), so a form can say why a move is not yet possible.
func Offered(p Program, s Step, settings Settings) []Transition {
	var out []Transition
	for _, t := range Transitions {
		if t.inTrack(p) && t.startsFrom(s) && (t.Setting == nil || t.Setting(settings)) {
			out = append(out, t)
		}
	}
	return out
}

// ActionsFrom lists the actions of Offered.
func ActionsFrom(p Program, s Step, settings Settings) []Action {
	var out []Action
	for _, t := range Offered(p, s, settings) {
		out = append(out, t.Action)
	}
	return out
}
