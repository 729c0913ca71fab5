package casework

import "testing"

func TestValidSecurityAgencies(t *testing.T) {
	for _, tt := range []struct {
		name string
		ks   []AgencyKind
		ok   bool
	}{
		{"none is the default", nil, true},
		{"the default written out", []AgencyKind{AgencyPolice, AgencySocial}, true},
		{"the school added", []AgencyKind{AgencySocial, AgencyPolice, AgencySchool}, true},
		{"without the police", []AgencyKind{AgencySocial, AgencySchool}, false},
		{"without social services", []AgencyKind{AgencyPolice}, false},
		{"an unknown kind", []AgencyKind{AgencyPolice, AgencySocial, "maffian"}, false},
		{"a kind twice", []AgencyKind{AgencyPolice, AgencySocial, AgencySocial}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSecurityAgencies(tt.ks); got != tt.ok {
				t.Errorf("ValidSecurityAgencies(%q) = %v", tt.ks, got)
			}
			err := Settings{SecurityAgencies: tt.ks}.Validate()
			named := false
			for _, f := range FieldErrorsOf(err) {
				named = named || f.Field == "security_agencies"
			}
			if named == tt.ok {
				t.Errorf("Validate names security_agencies: %v", named)
			}
		})
	}
}
