package store

import (
	"testing"

	"lots/internal/casework"
)

// TestSettingsCacheGivesEachCallerItsOwnLists: the cached settings are the parsed text's,
// a new text is parsed anew, a bad text is an error and not kept, and a caller changing the
// lists it got changes nobody else's.
func TestSettingsCacheGivesEachCallerItsOwnLists(t *testing.T) {
	c := &settingsCache{}
	raw := `{"protected_roles":["coordinator"],"security_agencies":["polis"]}`
	a, err := c.parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := parseSettings(raw)
	if len(a.ProtectedRoles) != 1 || a.ProtectedRoles[0] != casework.RoleCoordinator || a.ConsentValidityMonths != want.ConsentValidityMonths || a.ConsentValidityMonths == 0 {
		t.Fatalf("parsed %+v, want %+v", a, want)
	}
	a.ProtectedRoles[0], a.SecurityAgencies[0] = casework.RoleAuditor, casework.AgencySchool
	b, err := c.parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if b.ProtectedRoles[0] != casework.RoleCoordinator || b.SecurityAgencies[0] != casework.AgencyPolice {
		t.Fatalf("a caller's change reached the cache: %+v", b)
	}
	other, err := c.parse(`{"protected_roles":["prep_group"]}`)
	if err != nil || len(other.ProtectedRoles) != 1 || other.ProtectedRoles[0] != casework.RolePrepGroup {
		t.Fatalf("a new text: %+v, %v", other, err)
	}
	if _, err := c.parse(`{"protected_roles":`); err == nil {
		t.Fatal("a bad text parsed")
	}
	if len(c.m) != 2 {
		t.Fatalf("kept %d texts, want the 2 good ones", len(c.m))
	}
}
