package casework

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The operative group (operativ grupp) is composed per young person (Eskilstuna): the
// professionals the young person's needs call for, adults the young person already trusts —
// a football coach, a woodwork teacher — and the young person and the guardians themselves.
// Membership never gives access to the case: the consent does. A professional joins only while
// a valid consent covers their agency (or them by name), and one whose coverage has ended stays
// on the list marked as without valid consent, and is left out of invitations.

// MemberKind says who a group member is.
type MemberKind string

const (
	// MemberProfessional is a user of the municipality, acting for their agency.
	MemberProfessional MemberKind = "professional"
	// MemberTrustedAdult is an adult the young person trusts, possibly outside any agency.
	MemberTrustedAdult MemberKind = "trusted_adult"
	// MemberYouth is the young person.
	MemberYouth MemberKind = "youth"
	// MemberGuardian is a guardian (or another parent) taking part.
	MemberGuardian MemberKind = "guardian"
)

// MemberKinds lists the kinds in form order.
var MemberKinds = []MemberKind{MemberProfessional, MemberTrustedAdult, MemberYouth, MemberGuardian}

// Valid reports whether k is a known kind.
func (k MemberKind) Valid() bool {
	for _, x := range MemberKinds {
		if x == k {
			return true
		}
	}
	return false
}

// SuggestedGroupRoles are roles in a group that municipalities name; the form offers them,
// any other text is allowed.
var SuggestedGroupRoles = []string{"kontaktpolis", "mentor", "kurator", "fältare", "fritidsledare", "BUP-kontakt", "handläggare", "elevhälsa"}

// GroupMember is one person in a case's operative group.
type GroupMember struct {
	ID     int64
	CaseID int64
	Kind   MemberKind
	// Professionals: the user and their agency.
	UserID     int64
	AgencyID   int64
	AgencyName string
	AgencyKind AgencyKind
	// Others: the person (a related person of the young person, when linked).
	PersonID int64
	Name     string
	Relation string // trusted adult: "fotbollstränare", "morbror" …
	Contact  string // trusted adult: phone or e-mail
	// Role in the group: "mentor", "kontaktpolis" …
	Role    string
	Lead    bool
	AddedAt time.Time
	// Covered is set when the group is read: a professional is covered while social services
	// staff on the case or named by a valid consent; the others are always "covered" (they
	// never get access to Lots). Ground says on what (for the page and the log).
	Covered bool
	Ground  string
}

// IsUser reports whether the member is a user of Lots (a professional).
func (m GroupMember) IsUser() bool { return m.Kind == MemberProfessional && m.UserID != 0 }

// Group is a case's operative group.
type Group struct {
	CaseID      int64
	RhythmWeeks int // how often the group meets
	Members     []GroupMember
}

// Lead returns the lead contact, if one is chosen.
func (g Group) Lead() (GroupMember, bool) {
	for _, m := range g.Members {
		if m.Lead {
			return m, true
		}
	}
	return GroupMember{}, false
}

// Member returns the member with id.
func (g Group) Member(id int64) (GroupMember, bool) {
	for _, m := range g.Members {
		if m.ID == id {
			return m, true
		}
	}
	return GroupMember{}, false
}

// MemberByUser returns the professional member who is the user.
func (g Group) MemberByUser(userID int64) (GroupMember, bool) {
	for _, m := range g.Members {
		if m.IsUser() && m.UserID == userID {
			return m, true
		}
	}
	return GroupMember{}, false
}

// Invited are the members a meeting is sent to: everyone but professionals without a valid
// consent. With professionalsOnly, the professionals' pre-meeting (Växjö): covered
// professionals only.
func (g Group) Invited(professionalsOnly bool) []GroupMember {
	var out []GroupMember
	for _, m := range g.Members {
		if m.Kind == MemberProfessional && !m.Covered {
			continue
		}
		if professionalsOnly && m.Kind != MemberProfessional {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Uncovered are the professionals whose consent coverage has ended.
func (g Group) Uncovered() []GroupMember {
	var out []GroupMember
	for _, m := range g.Members {
		if m.Kind == MemberProfessional && !m.Covered {
			out = append(out, m)
		}
	}
	return out
}

// MemberInput is what the coordinator fills in to add a member.
type MemberInput struct {
	Kind     MemberKind
	UserID   int64 // professional
	PersonID int64 // trusted adult or guardian from the young person's related persons
	Name     string
	Relation string
	Contact  string
	Role     string
}

// Normalise trims the texts.
func (in *MemberInput) Normalise() {
	in.Name, in.Relation, in.Contact, in.Role = clean(in.Name), clean(in.Relation), clean(in.Contact), clean(in.Role)
}

// Validate checks a normalised member input.
func (in MemberInput) Validate() error {
	var fe FieldErrors
	if !in.Kind.Valid() {
		fe.Add("kind", "group.kind_invalid")
		return fe.Err()
	}
	switch in.Kind {
	case MemberProfessional:
		if in.UserID == 0 {
			fe.Add("user", "group.user_required")
		}
	case MemberTrustedAdult, MemberGuardian:
		if in.PersonID == 0 && in.Name == "" {
			fe.Add("name", "group.name_required")
		}
	}
	if utf8.RuneCountInString(in.Name) > 200 || utf8.RuneCountInString(in.Relation) > 200 || utf8.RuneCountInString(in.Contact) > 200 {
		fe.Add("name", "group.too_long")
	}
	if utf8.RuneCountInString(in.Role) > 100 {
		fe.Add("role", "group.too_long")
	}
	return fe.Err()
}

// Professional is what the consent check needs to know about a user joining a group.
type Professional struct {
	UserID     int64
	AgencyID   int64
	AgencyName string
}

// MemberCoverage decides whether professional p may take part in the case's group at t, and
// on which ground: social services staff assigned to the case always ("staff"); anyone else
// only while a valid consent names their agency or them ("consent:<id>"). A refusal names what
// the consent lacks, so the coordinator knows what to renew: "Samtycket omfattar inte Polisen.
// Förnya samtycket och lägg till Polisen som part."
//
// It is the same rule as access.Case for the case's basic information, stated for one person
// who is not yet acting: a member the consent does not cover could not see the group's work.
func MemberCoverage(p Professional, staff []StaffLink, consents []Consent, t time.Time) (string, error) {
	for _, s := range staff {
		if s.UserID == p.UserID {
			return "staff", nil
		}
	}
	valid := false
	for _, c := range consents {
		if !c.ValidAt(t) {
			continue
		}
		valid = true
		if c.CoversParty(p.AgencyID, p.UserID) {
			return "consent:" + strconv.FormatInt(c.ID, 10), nil
		}
	}
	name := strings.TrimSpace(p.AgencyName)
	if !valid {
		return "", Invalid("user", "group.consent_none", name)
	}
	return "", Invalid("user", "group.consent_missing_agency", name, name)
}

// ValidRhythm reports whether a group may meet every weeks weeks. Groups meet every 3–5 weeks
// (Örebro about every third week at first, Växjö at least every fourth, Eskilstuna's
// management group every fifth); 1–8 leaves room for a tight start and a calm end.
func ValidRhythm(weeks int) bool { return weeks >= 1 && weeks <= 8 }
