package casework

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Settings are the choices a municipality makes about how it runs SIG. The seven
// municipalities in SKL's booklet all work differently; these are the differences that
// matter to Lots. Defaults name their source.
type Settings struct {
	// Target group age range, inclusive. Default 12–18 (Örebro works with 12–18 and Falköping
	// SSPF 12–18; others use 13–20, 15–25, 18–29). The case page marks a young person outside it
	// (OutsideTargetAge); whether to take them on stays the preparatory group's decision.
	MinAge int `json:"min_age"`
	MaxAge int `json:"max_age"`

	// Deadlines in days.
	GroupWithinDays      int `json:"group_within_days"`       // group convened after decision: 7 (Skellefteå)
	ActionPlanWithinDays int `json:"action_plan_within_days"` // action plan after referral: 10 (Antwerp)
	AssessmentWithinDays int `json:"assessment_within_days"`  // assessment: 42 = six weeks (SAVRY in Örebro)

	// Consent validity in months: 6 (Trollhättan renews every six months).
	ConsentValidityMonths int `json:"consent_validity_months"`
	// Who must sign a consent: the young person from this age (default 0: always), and every
	// guardian with custody while the young person is younger than ConsentGuardiansUntilAge
	// (default 18: from 18 the young person alone). Kinda's SSPF practice, the youth signing
	// from 15, is ConsentYouthSignsFromAge = 15.
	ConsentYouthSignsFromAge int `json:"consent_youth_signs_from_age"`
	ConsentGuardiansUntilAge int `json:"consent_guardians_until_age"`
	// ProtectedRoles may see the address, school and meeting places of a young person with
	// protected identity, when they work on the case. Default: coordinator and case officer.
	ProtectedRoles []Role `json:"protected_roles"`
	// SecurityAgencies are the agency kinds whose parties, named by a valid consent, see the
	// security assessments and exit pathways (CatSecurity); empty means the default, the
	// police and social services (SecurityAgencyKinds, security.go).
	SecurityAgencies []AgencyKind `json:"security_agencies,omitempty"`

	// MotivationPhase enables the optional phase before enrolment (Hässelby-Vällingby).
	MotivationPhase bool `json:"motivation_phase"`
	// MayExcludeForNonParticipation: whether a youth can be excluded for not taking part.
	// Default false: never (Eskilstuna, Växjö).
	MayExcludeForNonParticipation bool `json:"may_exclude_for_non_participation"`

	// SessionIdleMinutes ends a session after this long without activity; SessionMaxHours
	// ends it regardless. Defaults 30 minutes and 10 hours (a working day).
	SessionIdleMinutes int `json:"session_idle_minutes"`
	SessionMaxHours    int `json:"session_max_hours"`
	// MFARoles must log in with a second factor (TOTP, or a single sign-on whose provider says
	// it used one); SSORoles must log in through single sign-on, never with a password. A
	// user holding such a role who does not meet it is sent to set it up and can do nothing
	// else (docs/sso.md). StepUpMinutes: an export of personal data, the register extract
	// and the access-log extract ask for the login again when it is older (default 15).
	MFARoles      []Role `json:"mfa_roles,omitempty"`
	SSORoles      []Role `json:"sso_roles,omitempty"`
	StepUpMinutes int    `json:"step_up_minutes"`

	// MeetingSlots are the municipality's fixed meeting times, so a group can convene within a
	// week of a report (Skellefteå books every Tuesday at 15:00). Several are allowed. Default:
	// Tuesday 15:00, 90 minutes.
	MeetingSlots []MeetingSlot `json:"meeting_slots"`
	// MeetingRhythmWeeks is how often a new group meets: 4 (Växjö meets at least every fourth
	// week; Örebro about every third at first, Eskilstuna every fifth). Each group may change it.
	MeetingRhythmWeeks int `json:"meeting_rhythm_weeks"`
	// PreMeetingMinutes is the length of the professionals' own meeting before each group
	// meeting: 30 (Växjö: "the professionals meet for half an hour on their own first").
	PreMeetingMinutes int `json:"pre_meeting_minutes"`
	// GroupSizeMin and GroupSizeMax are the range of an operative group's size — its
	// professionals and trusted adults — that the group page checks (composition.go): 8–12
	// (Eskilstuna composes each group of 8–12 professionals). A warning, never a refusal.
	GroupSizeMin int `json:"group_size_min"`
	GroupSizeMax int `json:"group_size_max"`
	// TaskReminders turns the e-mail reminders on, when the server has an SMTP relay: to a
	// task's owner ReminderDaysBefore days before it falls due, and to a case's coordinator
	// ConsentSoonDays before its consent ends (unless a renewal is drawn up). One switch
	// for both; the JSON name predates the consent reminders. Default off; 2 days.
	TaskReminders      bool `json:"task_reminders"`
	ReminderDaysBefore int  `json:"reminder_days_before"`

	// PlanName is what the municipality calls SIG's plan ("" : the interface's own word,
	// åtgärdsplan); SSPF's is SSPF.PlanName (default åtagandeplan).
	PlanName string `json:"plan_name,omitempty"`

	// SSPF is the SSPF track's own age range and deadlines (SIG's are the fields above).
	SSPF TrackSettings `json:"sspf"`

	// SIGMeetingKinds and SSPFMeetingKinds are the meeting kinds each track offers when a
	// meeting is planned (OfferedMeetingKinds; nil: DefaultMeetingKinds). Outside
	// TrackSettings, which is compared as a value.
	SIGMeetingKinds  []MeetingKind `json:"sig_meeting_kinds,omitempty"`
	SSPFMeetingKinds []MeetingKind `json:"sspf_meeting_kinds,omitempty"`

	// Retention are the municipality's own retention periods, per kind of record, within the
	// bounds of each rule (retention.go); a kind not set has the rule's default.
	Retention map[RecordKind]int `json:"retention,omitempty"`
}

// TrackSettings are one track's target age range and deadlines in days.
type TrackSettings struct {
	MinAge               int `json:"min_age"`
	MaxAge               int `json:"max_age"`
	AssessmentWithinDays int `json:"assessment_within_days"`  // the assessment, from taking the case on
	GroupWithinDays      int `json:"group_within_days"`       // the first group (SSPF: network) meeting, from the decision to start
	ActionPlanWithinDays int `json:"action_plan_within_days"` // the plan (SSPF: commitment plan), from the decision to start
	// PlanName is the municipality's own name of the track's plan form ("": the interface's
	// word, åtgärdsplan for SIG and åtagandeplan for SSPF), shown on the plan's page, in the
	// case's menu and on the printed plan. At most MaxPlanName characters, one line.
	PlanName string `json:"plan_name,omitempty"`
}

// MaxPlanName bounds a plan form's own name.
const MaxPlanName = 60

// DefaultSSPF are SSPF's defaults: ages 12–18 (Falköping; Falkenberg works with 10–18,
// Munkfors 6–21); the coordinator's assessment within two weeks, the network meeting within
// three and the commitment plan within four weeks of finding that SSPF applies. The deadlines
// are Lots' choice — the municipalities' pages name none — and each municipality sets its own.
func DefaultSSPF() TrackSettings {
	return TrackSettings{MinAge: 12, MaxAge: 18, AssessmentWithinDays: 14, GroupWithinDays: 21, ActionPlanWithinDays: 28}
}

// Track returns track p's age range and deadlines.
func (s Settings) Track(p Program) TrackSettings {
	if p == ProgramSSPF {
		return s.SSPF
	}
	return TrackSettings{MinAge: s.MinAge, MaxAge: s.MaxAge, AssessmentWithinDays: s.AssessmentWithinDays,
		GroupWithinDays: s.GroupWithinDays, ActionPlanWithinDays: s.ActionPlanWithinDays, PlanName: s.PlanName}
}

// OutsideAge reports whether a young person of age (−1: unknown) is outside the track's age
// range.
func (t TrackSettings) OutsideAge(age int) bool {
	return age >= 0 && (age < t.MinAge || age > t.MaxAge)
}

// validate adds the track's field errors, the fields named with prefix ("sspf_").
func (t TrackSettings) validate(fe *FieldErrors, prefix string) {
	if t.MinAge < 0 || t.MinAge > 30 {
		fe.Add(prefix+"min_age", "settings.age_range")
	}
	if t.MaxAge < t.MinAge || t.MaxAge > 30 {
		fe.Add(prefix+"max_age", "settings.age_range")
	}
	for _, d := range []struct {
		field string
		v     int
	}{{"group_within_days", t.GroupWithinDays}, {"action_plan_within_days", t.ActionPlanWithinDays}, {"assessment_within_days", t.AssessmentWithinDays}} {
		if d.v < 1 || d.v > 365 {
			fe.Add(prefix+d.field, "settings.days_range")
		}
	}
	if n := t.PlanName; utf8.RuneCountInString(n) > MaxPlanName || strings.ContainsAny(n, "\r\n\t") || n != strings.TrimSpace(n) {
		fe.Add(prefix+"plan_name", "track14.plan_name_invalid")
	}
}

// DefaultSettings returns the defaults described on Settings.
func DefaultSettings() Settings {
	return Settings{
		MinAge: 12, MaxAge: 18,
		GroupWithinDays: 7, ActionPlanWithinDays: 10, AssessmentWithinDays: 42,
		ConsentValidityMonths: 6, ConsentGuardiansUntilAge: 18,
		ProtectedRoles:     []Role{RoleCoordinator, RoleCaseOfficer},
		SessionIdleMinutes: 30, SessionMaxHours: 10, StepUpMinutes: 15,
		MeetingSlots:       []MeetingSlot{{Weekday: 2, Start: "15:00", Minutes: 90}},
		MeetingRhythmWeeks: 4, PreMeetingMinutes: 30, ReminderDaysBefore: 2,
		GroupSizeMin: 8, GroupSizeMax: 12,
		SSPF: DefaultSSPF(),
	}
}

// OutsideTargetAge reports whether a young person of age (−1: unknown) is outside SIG's target
// group's age range (OutsideAge of Track for another track). Lots only says so — the
// preparatory group decides whether to take them on.
func (s Settings) OutsideTargetAge(age int) bool { return s.Track(ProgramSIG).OutsideAge(age) }

// WithDefaults fills zero fields with defaults (settings stored by an older version).
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	fill := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&s.MinAge, d.MinAge)
	fill(&s.MaxAge, d.MaxAge)
	fill(&s.GroupWithinDays, d.GroupWithinDays)
	fill(&s.ActionPlanWithinDays, d.ActionPlanWithinDays)
	fill(&s.AssessmentWithinDays, d.AssessmentWithinDays)
	fill(&s.ConsentValidityMonths, d.ConsentValidityMonths)
	fill(&s.ConsentGuardiansUntilAge, d.ConsentGuardiansUntilAge)
	if s.ProtectedRoles == nil {
		s.ProtectedRoles = d.ProtectedRoles
	}
	fill(&s.SessionIdleMinutes, d.SessionIdleMinutes)
	fill(&s.SessionMaxHours, d.SessionMaxHours)
	fill(&s.StepUpMinutes, d.StepUpMinutes)
	if s.MeetingSlots == nil {
		s.MeetingSlots = d.MeetingSlots
	}
	fill(&s.MeetingRhythmWeeks, d.MeetingRhythmWeeks)
	fill(&s.PreMeetingMinutes, d.PreMeetingMinutes)
	fill(&s.GroupSizeMin, d.GroupSizeMin)
	fill(&s.GroupSizeMax, d.GroupSizeMax)
	fill(&s.ReminderDaysBefore, d.ReminderDaysBefore)
	if s.SSPF == (TrackSettings{}) {
		s.SSPF = d.SSPF
	}
	fill(&s.SSPF.MaxAge, d.SSPF.MaxAge)
	fill(&s.SSPF.AssessmentWithinDays, d.SSPF.AssessmentWithinDays)
	fill(&s.SSPF.GroupWithinDays, d.SSPF.GroupWithinDays)
	fill(&s.SSPF.ActionPlanWithinDays, d.SSPF.ActionPlanWithinDays)
	return s
}

// Validate checks settings an administrator enters.
func (s Settings) Validate() error {
	var fe FieldErrors
	s.Track(ProgramSIG).validate(&fe, "")
	s.SSPF.validate(&fe, "sspf_")
	validateMeetingKinds(&fe, "sig_meeting_kinds", s.SIGMeetingKinds)
	validateMeetingKinds(&fe, "sspf_meeting_kinds", s.SSPFMeetingKinds)
	if s.ConsentValidityMonths < 1 || s.ConsentValidityMonths > 24 {
		fe.Add("consent_validity_months", "settings.consent_months_range")
	}
	if s.ConsentYouthSignsFromAge < 0 || s.ConsentYouthSignsFromAge > 18 {
		fe.Add("consent_youth_signs_from_age", "settings.signs_age_range")
	}
	if s.ConsentGuardiansUntilAge < 1 || s.ConsentGuardiansUntilAge > 18 {
		fe.Add("consent_guardians_until_age", "settings.signs_age_range")
	}
	if s.SessionIdleMinutes < 5 || s.SessionIdleMinutes > 240 {
		fe.Add("session_idle_minutes", "settings.session_idle_range")
	}
	if s.SessionMaxHours < 1 || s.SessionMaxHours > 24 {
		fe.Add("session_max_hours", "settings.session_max_range")
	}
	if s.StepUpMinutes < 1 || s.StepUpMinutes > 240 {
		fe.Add("step_up_minutes", "settings.step_up_range")
	}
	for _, rs := range [][]Role{s.MFARoles, s.SSORoles} {
		for _, r := range rs {
			if !r.Valid() {
				fe.Add("mfa_roles", "user.roles_required")
			}
		}
	}
	if len(s.MeetingSlots) > MaxMeetingSlots {
		fe.Add("meeting_slots", "meeting.slots_too_many")
	}
	for _, sl := range s.MeetingSlots {
		if !sl.Valid() {
			fe.Add("meeting_slots", "meeting.slot_invalid")
			break
		}
	}
	if !ValidRhythm(s.MeetingRhythmWeeks) {
		fe.Add("meeting_rhythm_weeks", "meeting.rhythm_range")
	}
	if s.PreMeetingMinutes < 10 || s.PreMeetingMinutes > 120 {
		fe.Add("pre_meeting_minutes", "meeting.pre_minutes_range")
	}
	if s.GroupSizeMin < 1 || s.GroupSizeMin > 40 {
		fe.Add("group_size_min", "composition.size_range")
	}
	if s.GroupSizeMax < s.GroupSizeMin || s.GroupSizeMax > 40 {
		fe.Add("group_size_max", "composition.size_range")
	}
	if s.ReminderDaysBefore < 1 || s.ReminderDaysBefore > 30 {
		fe.Add("reminder_days_before", "reminder.days_range")
	}
	if !ValidSecurityAgencies(s.SecurityAgencies) {
		fe.Add("security_agencies", "settings.security_agencies_invalid")
	}
	return fe.Err()
}

// Clone is a copy of s that shares no list or map with it: a caller may change it without
// changing the settings another caller holds (the store keeps parsed settings for reuse).
func (s Settings) Clone() Settings {
	s.ProtectedRoles = slices.Clone(s.ProtectedRoles)
	s.SecurityAgencies = slices.Clone(s.SecurityAgencies)
	s.MFARoles = slices.Clone(s.MFARoles)
	s.SSORoles = slices.Clone(s.SSORoles)
	s.MeetingSlots = slices.Clone(s.MeetingSlots)
	s.SIGMeetingKinds = slices.Clone(s.SIGMeetingKinds)
	s.SSPFMeetingKinds = slices.Clone(s.SSPFMeetingKinds)
	s.Retention = maps.Clone(s.Retention)
	return s
}
