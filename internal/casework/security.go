package casework

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Security assessments and exit pathways (issue 14:2 and 14:4). A security assessment is made
// per participant — the young person, a sibling, a guardian, a witness — and states the threat
// level, the known threats and conflicts (the persons linked to them), the signs of escalation
// and the protective measures, who made it and when, and when it is to be reviewed. An exit
// pathway follows a young person who wants to leave a gang: the wish, the police assessment,
// the hand-off to an exit programme and, when needed, protected housing in another
// municipality or a change of protected identity — whose destination only the police and
// social-services staff named on the pathway ever see.

const (
	// CatSecurity is the security assessments and the exit pathway (without its destination).
	// It is no consent category: the law and the municipality decide who sees it — the social
	// services staff on the case, and the parties a valid consent names whose agency kind the
	// municipality lists (Settings.SecurityAgencyKinds: the police and social services by
	// default).
	CatSecurity Category = "security"
	// CatExitDestination is where a defector is placed: only the police and social-services
	// staff named on the exit pathway see it, and only while they see CatSecurity.
	CatExitDestination Category = "exit_destination"
)

// DefaultSecurityAgencies are the agency kinds whose consented parties see security
// information unless the municipality says otherwise.
var DefaultSecurityAgencies = []AgencyKind{AgencyPolice, AgencySocial}

// SecurityAgencyKinds is the municipality's list of agency kinds whose consented parties see
// security information (the police and social services by default).
func (s Settings) SecurityAgencyKinds() []AgencyKind {
	if len(s.SecurityAgencies) == 0 {
		return DefaultSecurityAgencies
	}
	return s.SecurityAgencies
}

// ValidSecurityAgencies reports whether a municipality's list of security agencies is one it
// may set: empty (the default), or known agency kinds, each once, that include the default's
// police and social services — a municipality widens the circle, it never narrows it below
// the agencies that assess the risk.
func ValidSecurityAgencies(ks []AgencyKind) bool {
	if len(ks) == 0 {
		return true
	}
	seen := map[AgencyKind]bool{}
	for _, k := range ks {
		if !k.Valid() || seen[k] {
			return false
		}
		seen[k] = true
	}
	for _, k := range DefaultSecurityAgencies {
		if !seen[k] {
			return false
		}
	}
	return true
}

// ThreatLevel is an assessed threat level, in rising order.
type ThreatLevel string

const (
	ThreatLow      ThreatLevel = "low"
	ThreatElevated ThreatLevel = "elevated"
	ThreatHigh     ThreatLevel = "high"
	ThreatSevere   ThreatLevel = "severe"
)

// ThreatLevels in rising order.
var ThreatLevels = []ThreatLevel{ThreatLow, ThreatElevated, ThreatHigh, ThreatSevere}

// Rank is the level's place in ThreatLevels (−1 for an unknown level).
func (l ThreatLevel) Rank() int { return slices.Index(ThreatLevels, l) }

// Raised reports whether next is a higher level than prev. A first assessment ("" before)
// raises the level when it is above low.
func Raised(prev, next ThreatLevel) bool {
	if prev == "" {
		return next.Rank() > 0
	}
	return next.Rank() > prev.Rank()
}

// ParticipantKind is who an assessment is about.
type ParticipantKind string

const (
	ParticipantYouth    ParticipantKind = "youth"
	ParticipantSibling  ParticipantKind = "sibling"
	ParticipantGuardian ParticipantKind = "guardian"
	ParticipantWitness  ParticipantKind = "witness"
	ParticipantOther    ParticipantKind = "other"
)

// ParticipantKinds in form order.
var ParticipantKinds = []ParticipantKind{ParticipantYouth, ParticipantSibling, ParticipantGuardian, ParticipantWitness, ParticipantOther}

// SecurityAssessment is one assessment of one participant's safety.
type SecurityAssessment struct {
	ID         int64
	CaseID     int64
	Kind       ParticipantKind
	Name       string // the participant; "" for the young person
	Level      ThreatLevel
	Threats    string // known threats and conflicts
	Linked     string // persons linked to the threats
	Escalation string // signs of escalation
	Measures   string // protective measures
	AssessedOn string // YYYY-MM-DD
	ReviewOn   string // YYYY-MM-DD: the next review
	Previous   ThreatLevel
	Superseded bool // a later assessment of the same participant replaced it
	ByName     string
	ByAgency   string
	CreatedAt  time.Time
}

// Participant is the key of the person assessed: assessments of one participant follow each
// other, and a rise is measured against the one before.
func (a SecurityAssessment) Participant() string {
	return string(a.Kind) + ":" + strings.ToLower(strings.TrimSpace(a.Name))
}

// ReviewDue reports whether the review date is today or past (today YYYY-MM-DD).
func (a SecurityAssessment) ReviewDue(today string) bool {
	return a.ReviewOn != "" && a.ReviewOn <= today
}

// SecurityInput is an assessment as it is entered.
type SecurityInput struct {
	Kind       ParticipantKind
	Name       string
	Level      ThreatLevel
	Threats    string
	Linked     string
	Escalation string
	Measures   string
	AssessedOn string
	ReviewOn   string
}

// MaxSecurityText is the longest free text of an assessment or pathway field.
const MaxSecurityText = 4000

// Validate checks an assessment: a known participant (named unless it is the young person), a
// level, an assessment date not after today and a review date after it (the review is what
// keeps an assessment alive: none is refused), texts within bounds. today is YYYY-MM-DD.
func (in *SecurityInput) Validate(today string) error {
	var fe FieldErrors
	trim := func(s *string, field string) {
		*s = strings.TrimSpace(*s)
		if utf8.RuneCountInString(*s) > MaxSecurityText {
			fe.Add(field, "security.text_too_long", MaxSecurityText)
		}
	}
	trim(&in.Name, "participant_name")
	trim(&in.Threats, "threats")
	trim(&in.Linked, "linked")
	trim(&in.Escalation, "escalation")
	trim(&in.Measures, "measures")
	in.AssessedOn, in.ReviewOn = strings.TrimSpace(in.AssessedOn), strings.TrimSpace(in.ReviewOn)
	switch {
	case !slices.Contains(ParticipantKinds, in.Kind):
		fe.Add("participant", "security.participant_invalid")
	case in.Kind == ParticipantYouth:
		in.Name = ""
	case in.Name == "":
		fe.Add("participant_name", "security.participant_name_required")
	}
	if in.Level.Rank() < 0 {
		fe.Add("level", "security.level_required")
	}
	if in.AssessedOn == "" {
		in.AssessedOn = today
	}
	if _, err := time.Parse(DateLayout, in.AssessedOn); err != nil {
		fe.Add("assessed_on", "security.date_invalid")
	} else if in.AssessedOn > today {
		fe.Add("assessed_on", "security.assessed_future")
	}
	switch {
	case in.ReviewOn == "":
		fe.Add("review_on", "security.review_required")
	default:
		if _, err := time.Parse(DateLayout, in.ReviewOn); err != nil {
			fe.Add("review_on", "security.date_invalid")
		} else if in.ReviewOn <= in.AssessedOn {
			fe.Add("review_on", "security.review_after_assessment")
		}
	}
	return fe.Err()
}

// ExitStage is how far an exit pathway has come.
type ExitStage string

const (
	ExitWish        ExitStage = "wish"      // the young person has said they want to leave
	ExitAssessed    ExitStage = "assessed"  // the police have assessed the risk
	ExitProgramme   ExitStage = "programme" // handed off to an exit programme
	ExitRelocated   ExitStage = "relocated" // moved to protected housing in another municipality
	ExitNewIdentity ExitStage = "identity"  // a change of protected identity
	ExitEnded       ExitStage = "ended"     // the pathway ended
)

// ExitStages in order.
var ExitStages = []ExitStage{ExitWish, ExitAssessed, ExitProgramme, ExitRelocated, ExitNewIdentity, ExitEnded}

// Protective reports whether the stage is a protected relocation: it turns on protected
// identity for the whole record.
func (s ExitStage) Protective() bool { return s == ExitRelocated || s == ExitNewIdentity }

// ExitPathway is a defector's way out.
type ExitPathway struct {
	CaseID           int64
	Stage            ExitStage
	WishOn           string // YYYY-MM-DD the wish to leave was expressed
	PoliceAssessment string
	Programme        string // the exit programme handed off to
	PoliceContactID  int64
	PoliceContact    string
	SocialContactID  int64
	SocialContact    string
	// Destination is where the young person lives now: shown only to the named contacts.
	Destination string
	// DestinationShown: the reader may see Destination (it is "" otherwise, even when set).
	DestinationShown bool
	DestinationSet   bool
	UpdatedAt        time.Time
	UpdatedBy        string
}

// ExitInput is an exit pathway as it is entered.
type ExitInput struct {
	Stage            ExitStage
	WishOn           string
	PoliceAssessment string
	Programme        string
	PoliceContactID  int64
	SocialContactID  int64
	// Destination: nil leaves it as it is (a reader who may not see it sends none).
	Destination *string
}

// Validate checks a pathway: a known stage, the date of the wish (not in the future), both
// named contacts (they are the only ones who will see the destination), an exit programme from
// the hand-off on, a destination for a relocation. today is YYYY-MM-DD.
func (in *ExitInput) Validate(today string, hasDestination bool) error {
	var fe FieldErrors
	in.WishOn, in.PoliceAssessment, in.Programme = strings.TrimSpace(in.WishOn), strings.TrimSpace(in.PoliceAssessment), strings.TrimSpace(in.Programme)
	if !slices.Contains(ExitStages, in.Stage) {
		fe.Add("stage", "security.stage_invalid")
	}
	if in.WishOn == "" {
		fe.Add("wish_on", "security.wish_required")
	} else if _, err := time.Parse(DateLayout, in.WishOn); err != nil {
		fe.Add("wish_on", "security.date_invalid")
	} else if in.WishOn > today {
		fe.Add("wish_on", "security.wish_future")
	}
	for _, t := range []struct{ field, text string }{{"police_assessment", in.PoliceAssessment}, {"programme", in.Programme}} {
		if utf8.RuneCountInString(t.text) > MaxSecurityText {
			fe.Add(t.field, "security.text_too_long", MaxSecurityText)
		}
	}
	if in.PoliceContactID == 0 {
		fe.Add("police_contact", "security.police_contact_required")
	}
	if in.SocialContactID == 0 {
		fe.Add("social_contact", "security.social_contact_required")
	}
	if in.Stage == ExitProgramme && in.Programme == "" {
		fe.Add("programme", "security.programme_required")
	}
	if in.Destination != nil {
		d := strings.TrimSpace(*in.Destination)
		in.Destination = &d
		if utf8.RuneCountInString(d) > MaxSecurityText {
			fe.Add("destination", "security.text_too_long", MaxSecurityText)
		}
		hasDestination = d != ""
	}
	if in.Stage.Protective() && !hasDestination {
		fe.Add("destination", "security.destination_required")
	}
	return fe.Err()
}
