package access_test

import (
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
)

// The security rule (access/security.go) as a table: who sees a case's security assessments
// and who the exit pathway's destination, in every consent state and with protected identity.
func TestSecurityCategories(t *testing.T) {
	day := 24 * time.Hour
	valid := mkConsent(1, now.Add(-30*day), now.Add(150*day), true, []int64{agencyPolice, agencySchool}, nil, []casework.Category{casework.CatBasic, casework.CatSchool})
	expired := mkConsent(2, now.Add(-200*day), now.Add(-20*day), true, []int64{agencyPolice, agencySchool}, nil, []casework.Category{casework.CatPolice})
	unsigned := mkConsent(3, now.Add(-30*day), now.Add(150*day), false, []int64{agencyPolice, agencySchool}, nil, []casework.Category{casework.CatPolice})
	withdrawn := valid
	withdrawn.WithdrawnAt = now.Add(-day)
	coord := user(coordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	officer := user(officerID, agencySocial, casework.AgencySocial, casework.RoleCaseOfficer)
	police := user(107, agencyPolice, casework.AgencyPolice, casework.RoleGroupMember)
	school := user(108, agencySchool, casework.AgencySchool, casework.RoleGroupMember)
	prep := user(105, agencySocial, casework.AgencySocial, casework.RolePrepGroup)
	otherCoord := user(otherCoordID, agencySocial, casework.AgencySocial, casework.RoleCoordinator)
	admin := user(110, agencySocial, casework.AgencySocial, casework.RoleAdmin, casework.RoleSteering)
	schoolToo := casework.DefaultSettings()
	schoolToo.SecurityAgencies = []casework.AgencyKind{casework.AgencyPolice, casework.AgencySocial, casework.AgencySchool}
	noPolice := casework.DefaultSettings()
	noPolice.SecurityAgencies = []casework.AgencyKind{casework.AgencySocial}

	tests := []struct {
		name      string
		actor     casework.Actor
		consents  []casework.Consent
		protected bool
		intake    bool
		settings  *casework.Settings
		named     []int64
		security  bool
		dest      bool
	}{
		{name: "the assigned coordinator sees the assessments, not the destination unless named", actor: coord, security: true},
		{name: "the assigned coordinator named on the pathway sees the destination", actor: coord, named: []int64{coordID, 107}, security: true, dest: true},
		{name: "the assigned coordinator with protected identity sees both when named", actor: coord, protected: true, named: []int64{coordID}, security: true, dest: true},
		{name: "the assigned case officer not named does not see the destination", actor: officer, named: []int64{coordID, 107}, security: true},
		{name: "the police under a valid consent see the assessments whatever its categories", actor: police, consents: []casework.Consent{valid}, security: true},
		{name: "the named police officer under a valid consent sees the destination", actor: police, consents: []casework.Consent{valid}, named: []int64{107}, security: true, dest: true},
		{name: "the named police officer with protected identity sees the destination", actor: police, consents: []casework.Consent{valid}, protected: true, named: []int64{107}, security: true, dest: true},
		{name: "the named police officer after the consent expired sees nothing", actor: police, consents: []casework.Consent{expired}, named: []int64{107}},
		{name: "the named police officer after withdrawal sees nothing", actor: police, consents: []casework.Consent{withdrawn}, named: []int64{107}},
		{name: "the police under an unsigned consent see nothing", actor: police, consents: []casework.Consent{unsigned}},
		{name: "the police when the municipality lists only social services see nothing", actor: police, consents: []casework.Consent{valid}, settings: &noPolice, named: []int64{107}},
		{name: "the school under a valid consent does not see the assessments", actor: school, consents: []casework.Consent{valid}},
		{name: "the school named on the pathway still sees no destination", actor: school, consents: []casework.Consent{valid}, named: []int64{108}},
		{name: "the school when the municipality lists schools sees the assessments", actor: school, consents: []casework.Consent{valid}, settings: &schoolToo, security: true},
		{name: "the preparatory group at intake sees none of it", actor: prep, intake: true},
		{name: "a coordinator at intake sees none of it", actor: otherCoord, intake: true},
		{name: "a coordinator not assigned sees none of it", actor: otherCoord, consents: []casework.Consent{valid}},
		{name: "an administrator and steering-group member sees none of it", actor: admin, consents: []casework.Consent{valid}, named: []int64{110}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := access.CaseFacts{MunicipalityID: muni, Step: casework.StepActive, TakenOn: true, ProtectedIdentity: tt.protected,
				Staff: []casework.StaffLink{staffCoord, staffOfficer}, Consents: tt.consents, Settings: casework.DefaultSettings(), ExitNamed: tt.named}
			if tt.intake {
				f.Step, f.TakenOn, f.Staff = casework.StepIdentified, false, nil
			}
			if tt.settings != nil {
				f.Settings = *tt.settings
			}
			if got := access.Case(tt.actor, f, casework.CatSecurity, now); got.Allowed != tt.security {
				t.Errorf("security: %v (%s), want %v", got.Allowed, got.Ground, tt.security)
			}
			if got := access.Case(tt.actor, f, casework.CatExitDestination, now); got.Allowed != tt.dest {
				t.Errorf("destination: %v (%s), want %v", got.Allowed, got.Ground, tt.dest)
			}
			m := access.Decide(tt.actor, f, casework.Facts{}, now)
			if m.Sees(casework.CatSecurity) != tt.security || m.Sees(casework.CatExitDestination) != tt.dest {
				t.Error("Decide disagrees with Case")
			}
			// Whoever sees the assessments may record one; nobody else.
			if w := m.Write(access.WorkAssess, casework.CatSecurity).Allowed; w != tt.security {
				t.Errorf("may assess security: %v, want %v", w, tt.security)
			}
		})
	}
}

func TestRaisedLevel(t *testing.T) {
	for _, tt := range []struct {
		prev, next casework.ThreatLevel
		want       bool
	}{
		{"", casework.ThreatLow, false}, {"", casework.ThreatElevated, true}, {casework.ThreatElevated, casework.ThreatHigh, true},
		{casework.ThreatHigh, casework.ThreatHigh, false}, {casework.ThreatSevere, casework.ThreatLow, false},
	} {
		if got := casework.Raised(tt.prev, tt.next); got != tt.want {
			t.Errorf("Raised(%q, %q) = %v", tt.prev, tt.next, got)
		}
	}
}
