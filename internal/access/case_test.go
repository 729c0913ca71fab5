package access_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
)

// The municipality of these tests and its agencies.
const (
	muni         = 7
	otherMuni    = 8
	agencySocial = 10
	agencyPolice = 20
	agencySchool = 30
	agencyLeis   = 40
	agencyBUP    = 50
)

// Users: 101 is the coordinator assigned to the case, 103 the assigned case officer, 109 a BUP
// worker named personally in consents.
const (
	coordID       = 101
	otherCoordID  = 102
	officerID     = 103
	namedMemberID = 109
)

var now = time.Date(2025, 5, 15, 12, 0, 0, 0, time.UTC)

func user(id, agency int64, kind casework.AgencyKind, roles ...casework.Role) casework.Actor {
	return casework.Actor{
		User:       casework.User{ID: id, MunicipalityID: muni, AgencyID: agency, Active: true, Roles: casework.NewRoleSet(roles...)},
		AgencyKind: kind,
		Via:        casework.ViaSession,
	}
}

var (
	staffCoord   = casework.StaffLink{UserID: coordID, Role: casework.StaffCoordinator}
	staffOfficer = casework.StaffLink{UserID: officerID, Role: casework.StaffCaseOfficer}
)

// actorCase is an actor and the staff of the case it is looked at with.
type actorCase struct {
	name  string
	actor casework.Actor
	staff []casework.StaffLink
}

func actorCases() []actorCase {
	inactive := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	inactive.User.Active = false
	foreign := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	foreign.User.MunicipalityID = otherMuni
	return []actorCase{
		{"the coordinator in social services assigned as staff", user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator), []casework.StaffLink{staffCoord}},
		{"a coordinator in social services on an unassigned case", user(otherCoordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator), nil},
		{"a coordinator in social services when another coordinator is assigned", user(otherCoordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator), []casework.StaffLink{staffCoord}},
		{"the case officer assigned as staff", user(officerID, agencySocial, casework.AgencySocial, casework.RoleCaseOfficer), []casework.StaffLink{staffCoord, staffOfficer}},
		{"a case officer not assigned", user(104, agencySocial, casework.AgencySocial, casework.RoleCaseOfficer), []casework.StaffLink{staffCoord, staffOfficer}},
		{"a prep-group member in social services on an unassigned case", user(105, agencySocial, casework.AgencySocial, casework.RolePrepGroup), nil},
		{"a prep-group member in social services when a coordinator is assigned", user(105, agencySocial, casework.AgencySocial, casework.RolePrepGroup), []casework.StaffLink{staffCoord}},
		{"a prep-group member in the police", user(106, agencyPolice, casework.AgencyPolice, casework.RolePrepGroup), nil},
		{"a group member in the police", user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember), []casework.StaffLink{staffCoord}},
		{"a group member in the school", user(108, agencySchool, casework.AgencySchool, casework.RoleGroupMember), []casework.StaffLink{staffCoord}},
		{"a BUP group member named personally in consents", user(namedMemberID, agencyBUP, casework.AgencyBUP, casework.RoleGroupMember), []casework.StaffLink{staffCoord}},
		{"an administrator in social services on an unassigned case", user(110, agencySocial, casework.AgencySocial, casework.RoleAdmin), nil},
		{"a steering-group member in social services on an unassigned case", user(111, agencySocial, casework.AgencySocial, casework.RoleSteering), nil},
		{"an analyst in social services on an unassigned case", user(112, agencySocial, casework.AgencySocial, casework.RoleAnalyst), nil},
		{"the assigned coordinator when inactive", inactive, []casework.StaffLink{staffCoord}},
		{"a coordinator of another municipality with the same user id as the assigned one", foreign, []casework.StaffLink{staffCoord}},
		{"the system actor", casework.SystemActor(muni, "demo"), nil},
		{"a coordinator in the police on an unassigned case", user(113, agencyPolice, casework.AgencyPolice, casework.RoleCoordinator), nil},
	}
}

// consentState is a consent as the rule table sees it: declared, not computed by casework.
type consentState struct {
	name     string
	present  bool
	validNow bool // in force at now
	signed   bool // every required signer has signed
	agencies []int64
	users    []int64
	cats     []casework.Category
	consent  casework.Consent
}

func signers(signed bool) []casework.Signer {
	g := casework.Signer{Person: "person:1", Role: "guardian", Required: true}
	if signed {
		g.SignedAt = now.Add(-40 * 24 * time.Hour)
	}
	return []casework.Signer{{Person: "youth", Role: "youth", Required: true, SignedAt: now.Add(-40 * 24 * time.Hour)}, g}
}

func mkConsent(id int64, from, until time.Time, signed bool, agencies, users []int64, cats []casework.Category) casework.Consent {
	c := casework.Consent{ID: id, MunicipalityID: muni, CaseID: 1, ValidFrom: from, ValidUntil: until, Categories: cats, Signers: signers(signed)}
	for _, a := range agencies {
		c.Parties = append(c.Parties, casework.ConsentParty{AgencyID: a})
	}
	for _, u := range users {
		c.Parties = append(c.Parties, casework.ConsentParty{UserID: u})
	}
	return c
}

func consentStates() []consentState {
	day := 24 * time.Hour
	ps, named := []int64{agencyPolice, agencySchool}, []int64{namedMemberID}
	policeSchool := []casework.Category{casework.CatBasic, casework.CatPolice, casework.CatSchool}
	otherCats := []casework.Category{casework.CatBasic, casework.CatHealth, casework.CatFamily}
	st := func(name string, id int64, from, until time.Time, signed, valid bool, ag, us []int64, cats []casework.Category) consentState {
		return consentState{name: name, present: true, validNow: valid, signed: signed, agencies: ag, users: us, cats: cats,
			consent: mkConsent(id, from, until, signed, ag, us, cats)}
	}
	withdrawn := st("a consent withdrawn an hour ago", 15, now.Add(-30*day), now.Add(150*day), true, false, ps, named, policeSchool)
	withdrawn.consent.WithdrawnAt = now.Add(-time.Hour)
	return []consentState{
		{name: "no consent"},
		st("a valid consent for the police, the school and the named user on police and school information", 11, now.Add(-30*day), now.Add(150*day), true, true, ps, named, policeSchool),
		st("a valid consent for the leisure agency only", 12, now.Add(-30*day), now.Add(150*day), true, true, []int64{agencyLeis}, nil, policeSchool),
		st("a valid consent for the police, the school and the named user on health and family information", 13, now.Add(-30*day), now.Add(150*day), true, true, ps, named, otherCats),
		st("an expired consent", 14, now.Add(-200*day), now.Add(-10*day), true, false, ps, named, policeSchool),
		withdrawn,
		st("a signed consent starting next week", 16, now.Add(7*day), now.Add(190*day), true, false, ps, named, policeSchool),
		st("an unsigned consent", 17, now.Add(-30*day), now.Add(150*day), false, false, ps, named, policeSchool),
	}
}

var (
	categories = []casework.Category{casework.CatBasic, casework.CatPolice, casework.CatSchool, casework.CatSocial, casework.CatProtected, casework.CatAnonymous}
	steps      = []casework.Step{casework.StepIdentified, casework.StepConsent, casework.StepActive}
)

func facts(ac actorCase, cs consentState, protected bool, step casework.Step) access.CaseFacts {
	f := access.CaseFacts{
		MunicipalityID:    muni,
		Step:              step,
		ProtectedIdentity: protected,
		Staff:             ac.staff,
		PartyAgencies:     []int64{agencyPolice, agencySchool},
		Settings:          casework.DefaultSettings(),
	}
	if cs.present {
		f.Consents = []casework.Consent{cs.consent}
	}
	return f
}

// Grounds the rule table expects.
const (
	gDeny    = ""
	gStaff   = "staff"
	gCoord   = "intake:coordinator"
	gPrep    = "intake:prep_group"
	gConsent = "consent"
	gCard    = "pre_consent_card"
)

// expectRead is the rule table, derived from the doc comment on access.Case:
//
//  1. own municipality, active user (the system actor never reads cases);
//  2. administrators, steering groups and analysts never see a case (no case-work role);
//  3. assigned social services staff see everything, the protected details of a youth with
//     protected identity only with a role the municipality designates (default: coordinator,
//     case officer);
//  4. intake, while the case awaits the preparatory group (step identified, no coordinator):
//     coordinators and prep-group members in social services see it (same protected-details
//     rule);
//  5. everyone else sees it only while a valid consent names their agency or them, in the
//     categories it covers (basic always, the anonymous card too); never the protected
//     details of a youth with protected identity;
//  6. before any consent was ever signed, at a step before consent, the prep group and the
//     group members of the parties identified for the case see the anonymous card.
func expectRead(ac actorCase, cs consentState, protected bool, cat casework.Category, step casework.Step) string {
	a := ac.actor
	u := a.User
	if a.Via == casework.ViaSystem || !u.Active || u.MunicipalityID != muni {
		return gDeny
	}
	if !u.Roles.Has(casework.RoleCoordinator) && !u.Roles.Has(casework.RoleCaseOfficer) &&
		!u.Roles.Has(casework.RoleGroupMember) && !u.Roles.Has(casework.RolePrepGroup) {
		return gDeny
	}
	designated := u.Roles.Has(casework.RoleCoordinator) || u.Roles.Has(casework.RoleCaseOfficer)
	protectedDetails := cat == casework.CatProtected && protected
	assigned, hasCoordinator := false, false
	for _, s := range ac.staff {
		assigned = assigned || s.UserID == u.ID
		hasCoordinator = hasCoordinator || s.Role == casework.StaffCoordinator
	}
	if assigned {
		if protectedDetails && !designated {
			return gDeny
		}
		return gStaff
	}
	if a.AgencyKind == casework.AgencySocial && !hasCoordinator && step == casework.StepIdentified {
		if u.Roles.Has(casework.RoleCoordinator) {
			if protectedDetails && !designated {
				return gDeny
			}
			return gCoord
		}
		if u.Roles.Has(casework.RolePrepGroup) && step == casework.StepIdentified {
			if protectedDetails && !designated {
				return gDeny
			}
			return gPrep
		}
	}
	if cs.present && cs.validNow && (slices.Contains(cs.agencies, u.AgencyID) || slices.Contains(cs.users, u.ID)) {
		switch {
		case protectedDetails:
			return gDeny
		case cat == casework.CatAnonymous, cat == casework.CatProtected, cat == casework.CatBasic, slices.Contains(cs.cats, cat):
			return gConsent
		}
		return gDeny
	}
	everSigned := cs.present && cs.signed
	if cat == casework.CatAnonymous && step.BeforeConsent() && !everSigned {
		if u.Roles.Has(casework.RolePrepGroup) || u.Roles.Has(casework.RoleGroupMember) && (u.AgencyID == agencyPolice || u.AgencyID == agencySchool) {
			return gCard
		}
	}
	return gDeny
}

// checkGround checks that a decision agrees with the expected ground.
func checkGround(t *testing.T, d access.Decision, want string, cs consentState) {
	t.Helper()
	if d.Ground.IsZero() {
		t.Fatal("the decision has no ground")
	}
	if want == gDeny {
		if d.Allowed {
			t.Fatalf("allowed on ground %q, want denied", d.Ground)
		}
		if !strings.HasPrefix(d.Ground.String(), "denied:") {
			t.Errorf("a denial's ground %q does not start with denied:", d.Ground)
		}
		return
	}
	if !d.Allowed {
		t.Fatalf("denied (%s), want allowed on ground %s", d.Ground, want)
	}
	switch want {
	case gStaff:
		if !strings.HasPrefix(d.Ground.String(), "staff:") {
			t.Errorf("ground %q, want staff:…", d.Ground)
		}
	case gConsent:
		if d.Ground.String() != "consent:"+strconv.FormatInt(cs.consent.ID, 10) {
			t.Errorf("ground %q, want consent:%d", d.Ground, cs.consent.ID)
		}
	default:
		if d.Ground.String() != want {
			t.Errorf("ground %q, want %q", d.Ground, want)
		}
	}
}

func verdict(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "denied"
}

func identity(protected bool) string {
	if protected {
		return "with protected identity"
	}
	return "without protected identity"
}

func TestCaseMatrix(t *testing.T) {
	for _, ac := range actorCases() {
		for _, cs := range consentStates() {
			for _, protected := range []bool{false, true} {
				for _, step := range steps {
					for _, cat := range categories {
						want := expectRead(ac, cs, protected, cat, step)
						name := fmt.Sprintf("%s with %s, youth %s, at step %s, reading %s information is %s",
							ac.name, cs.name, identity(protected), step, cat, verdict(want != gDeny))
						t.Run(name, func(t *testing.T) {
							d := access.Case(ac.actor, facts(ac, cs, protected, step), cat, now)
							checkGround(t, d, want, cs)
						})
					}
				}
			}
		}
	}
}

// policeMember reads police information of an active case under consent c.
func policeRead(c casework.Consent, at time.Time) access.Decision {
	a := user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember)
	f := access.CaseFacts{MunicipalityID: muni, Step: casework.StepActive, Staff: []casework.StaffLink{staffCoord},
		PartyAgencies: []int64{agencyPolice}, Consents: []casework.Consent{c}, Settings: casework.DefaultSettings()}
	return access.Case(a, f, casework.CatPolice, at)
}

func TestCaseExactMoments(t *testing.T) {
	from := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	until := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	withdrawal := time.Date(2025, 6, 3, 13, 45, 12, 500, time.UTC)
	c := mkConsent(21, from, until, true, []int64{agencyPolice}, nil, []casework.Category{casework.CatBasic, casework.CatPolice})
	w := c
	w.WithdrawnAt = withdrawal
	ns := time.Nanosecond
	tests := []struct {
		name string
		c    casework.Consent
		at   time.Time
		want bool
	}{
		{"a police member one nanosecond before the consent starts is denied", c, from.Add(-ns), false},
		{"a police member at the moment the consent starts is allowed", c, from, true},
		{"a police member one nanosecond before the consent ends is allowed", c, until.Add(-ns), true},
		{"a police member at the moment the consent ends is denied", c, until, false},
		{"a police member one nanosecond after the consent ends is denied", c, until.Add(ns), false},
		{"a police member one nanosecond before withdrawal is allowed", w, withdrawal.Add(-ns), true},
		{"a police member at the moment of withdrawal is denied", w, withdrawal, false},
		{"a police member after withdrawal is denied", w, withdrawal.Add(ns), false},
		{"a police member long after withdrawal but inside the period is denied", w, until.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policeRead(tt.c, tt.at)
			if d.Allowed != tt.want {
				t.Fatalf("%+v, want allowed=%v", d, tt.want)
			}
			if d.Ground.IsZero() {
				t.Fatal("no ground")
			}
			if tt.want && d.Ground.String() != "consent:21" {
				t.Errorf("ground %q", d.Ground)
			}
		})
	}
}

func TestCaseSeveralConsents(t *testing.T) {
	police := user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember)
	old := mkConsent(31, now.Add(-150*24*time.Hour), now.Add(30*24*time.Hour), true, []int64{agencyPolice}, nil, []casework.Category{casework.CatBasic, casework.CatPolice})
	renewal := mkConsent(32, now.Add(-10*24*time.Hour), now.Add(170*24*time.Hour), true, []int64{agencyPolice}, nil, []casework.Category{casework.CatBasic, casework.CatPolice, casework.CatSchool})
	expired := mkConsent(33, now.Add(-400*24*time.Hour), now.Add(-200*24*time.Hour), true, []int64{agencyPolice}, nil, casework.ConsentCategories)
	otherAgency := mkConsent(34, now.Add(-10*24*time.Hour), now.Add(170*24*time.Hour), true, []int64{agencySchool}, nil, casework.ConsentCategories)
	tests := []struct {
		name     string
		consents []casework.Consent
		cat      casework.Category
		want     bool
		bug      string
	}{
		{name: "an expired consent before a valid one does not hide the valid one", consents: []casework.Consent{expired, old}, cat: casework.CatPolice, want: true},
		{name: "a valid consent for another agency before the own one does not hide it", consents: []casework.Consent{otherAgency, old}, cat: casework.CatPolice, want: true},
		{name: "school information covered by the renewal is allowed when the renewal comes first", consents: []casework.Consent{renewal, old}, cat: casework.CatSchool, want: true},
		{name: "school information covered by the renewal is allowed when the older consent comes first", consents: []casework.Consent{old, renewal}, cat: casework.CatSchool, want: true,
			bug: "access/case.go Case returns deny(\"consent_category\") at the first valid consent naming the party, so with two overlapping valid consents the answer depends on their order in CaseFacts.Consents: the renewal (later start, covers school) is never consulted; keep looking (or use the union / casework.CurrentConsent)"},
		{name: "health information covered by neither valid consent is denied", consents: []casework.Consent{old, renewal}, cat: casework.CatHealth, want: false},
		{name: "an expired consent covering health does not allow health information", consents: []casework.Consent{expired, renewal}, cat: casework.CatHealth, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := access.CaseFacts{MunicipalityID: muni, Step: casework.StepActive, Staff: []casework.StaffLink{staffCoord},
				PartyAgencies: []int64{agencyPolice}, Consents: tt.consents, Settings: casework.DefaultSettings()}
			d := access.Case(police, f, tt.cat, now)
			if d.Allowed != tt.want || d.Ground.IsZero() {
				t.Fatalf("%+v, want allowed=%v", d, tt.want)
			}
		})
	}
}

func TestCaseProtectedRoles(t *testing.T) {
	coord := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	officer := user(officerID, agencySocial, casework.AgencySocial, casework.RoleCaseOfficer)
	intakeCoord := user(otherCoordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	police := user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember)
	valid := mkConsent(41, now.Add(-time.Hour), now.Add(time.Hour), true, []int64{agencyPolice}, nil, casework.ConsentCategories)
	settings := func(roles ...casework.Role) casework.Settings {
		s := casework.DefaultSettings()
		s.ProtectedRoles = roles
		return s
	}
	assigned := []casework.StaffLink{staffCoord, staffOfficer}
	tests := []struct {
		name     string
		actor    casework.Actor
		staff    []casework.StaffLink
		settings casework.Settings
		want     bool
	}{
		{"the assigned coordinator sees the protected details with the default roles", coord, assigned, casework.DefaultSettings(), true},
		{"the assigned case officer sees the protected details with the default roles", officer, assigned, casework.DefaultSettings(), true},
		{"the assigned case officer is denied them where only coordinators are designated", officer, assigned, settings(casework.RoleCoordinator), false},
		{"the assigned coordinator is denied them where only case officers are designated", coord, assigned, settings(casework.RoleCaseOfficer), false},
		{"the assigned coordinator is denied them where no role is designated", coord, assigned, settings(), false},
		{"the intake coordinator is denied them where only case officers are designated", intakeCoord, nil, settings(casework.RoleCaseOfficer), false},
		{"the intake coordinator sees them with the default roles", intakeCoord, nil, casework.DefaultSettings(), true},
		{"a consent-covered police member is denied them even where group members are designated", police, []casework.StaffLink{staffCoord}, settings(casework.RoleGroupMember), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step := casework.StepActive
			if tt.staff == nil {
				step = casework.StepIdentified // the intake coordinator's only step
			}
			f := access.CaseFacts{MunicipalityID: muni, Step: step, ProtectedIdentity: true, Staff: tt.staff,
				Consents: []casework.Consent{valid}, Settings: tt.settings}
			d := access.Case(tt.actor, f, casework.CatProtected, now)
			if d.Allowed != tt.want || d.Ground.IsZero() {
				t.Fatalf("%+v, want allowed=%v", d, tt.want)
			}
			// the rest of the case stays visible
			if b := access.Case(tt.actor, f, casework.CatBasic, now); !b.Allowed {
				t.Fatalf("basic information denied: %+v", b)
			}
		})
	}
}

func TestCaseClosedAndOtherSteps(t *testing.T) {
	coord := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	intakeCoord := user(otherCoordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	prep := user(105, agencySocial, casework.AgencySocial, casework.RolePrepGroup)
	police := user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember)
	valid := mkConsent(51, now.Add(-time.Hour), now.Add(time.Hour), true, []int64{agencyPolice}, nil, []casework.Category{casework.CatBasic, casework.CatPolice})
	tests := []struct {
		name    string
		actor   casework.Actor
		staff   []casework.StaffLink
		step    casework.Step
		consent bool
		cat     casework.Category
		want    bool
		takenOn bool
	}{
		{"the assigned coordinator still reads a closed case", coord, []casework.StaffLink{staffCoord}, casework.StepClosed, false, casework.CatSocial, true, false},
		{"the assigned coordinator still reads a followed-up case", coord, []casework.StaffLink{staffCoord}, casework.StepFollowedUp, false, casework.CatBasic, true, false},
		{"an intake coordinator reads a case the preparatory group closed without taking it on", intakeCoord, nil, casework.StepClosed, false, casework.CatBasic, true, false},
		{"an intake coordinator does not read a closed case that was once taken on", intakeCoord, nil, casework.StepClosed, false, casework.CatBasic, false, true},
		{"an intake coordinator does not read a followed-up unassigned case", intakeCoord, nil, casework.StepFollowedUp, false, casework.CatBasic, false, false},
		{"a social services prep-group member does not read an unassigned case in assessment", prep, nil, casework.StepAssessment, false, casework.CatBasic, false, false},
		{"a social services prep-group member still sees the card of an unassigned case in assessment", prep, nil, casework.StepAssessment, false, casework.CatAnonymous, true, false},
		{"a prep-group member sees a case the preparatory group closed without taking it on", prep, nil, casework.StepClosed, false, casework.CatBasic, true, false},
		{"a prep-group member does not see the card of a closed case that was taken on", prep, nil, casework.StepClosed, false, casework.CatAnonymous, false, true},
		{"a police party does not see the card of a case in planning", police, []casework.StaffLink{staffCoord}, casework.StepPlanning, false, casework.CatAnonymous, false, false},
		{"a police party sees the card of a case in the motivation phase", police, []casework.StaffLink{staffCoord}, casework.StepMotivation, false, casework.CatAnonymous, true, false},
		{"a consent-covered police member reads a closed case while the consent is valid", police, []casework.StaffLink{staffCoord}, casework.StepClosed, true, casework.CatPolice, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := access.CaseFacts{MunicipalityID: muni, Step: tt.step, TakenOn: tt.takenOn || tt.staff != nil, Staff: tt.staff, PartyAgencies: []int64{agencyPolice}, Settings: casework.DefaultSettings()}
			if tt.consent {
				f.Consents = []casework.Consent{valid}
			}
			d := access.Case(tt.actor, f, tt.cat, now)
			if d.Allowed != tt.want || d.Ground.IsZero() {
				t.Fatalf("%+v, want allowed=%v", d, tt.want)
			}
		})
	}
}

func TestSeesAndSeesCard(t *testing.T) {
	prep := user(106, agencyPolice, casework.AgencyPolice, casework.RolePrepGroup)
	coord := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	f := access.CaseFacts{MunicipalityID: muni, Step: casework.StepIdentified, Settings: casework.DefaultSettings()}
	t.Run("a police prep-group member sees the card of a new case but not the case", func(t *testing.T) {
		if access.Sees(prep, f, now) || !access.SeesCard(prep, f, now) {
			t.Fatal("wrong")
		}
	})
	t.Run("an intake coordinator sees both the case and its card", func(t *testing.T) {
		if !access.Sees(coord, f, now) || !access.SeesCard(coord, f, now) {
			t.Fatal("wrong")
		}
	})
	t.Run("a case that was once consented to is ever consented", func(t *testing.T) {
		g := f
		g.Consents = []casework.Consent{mkConsent(1, now.Add(-400*24*time.Hour), now.Add(-200*24*time.Hour), true, []int64{agencyPolice}, nil, nil)}
		if !g.EverConsented() || f.EverConsented() {
			t.Fatal("wrong")
		}
		u := f
		u.Consents = []casework.Consent{mkConsent(1, now, now.Add(time.Hour), false, []int64{agencyPolice}, nil, nil)}
		if u.EverConsented() {
			t.Fatal("an unsigned consent counts")
		}
	})
}
