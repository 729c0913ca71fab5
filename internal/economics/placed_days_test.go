package economics

import "testing"

// Days placed replace the indicator where both points have them; else the indicator counts.
func TestPairPrefersDaysPlaced(t *testing.T) {
	y := Youth{Points: map[string]Recorded{
		AtIntake:  {Placement: "hvb", Days: PlacedDays{"hvb": 73}},
		AtFollow6: {Placement: "none", Days: PlacedDays{"family_home": 36.5}},
	}}
	r := pair(y, Same(AtFollow6)) // PlacementForms: family_home, hvb, sis
	if !r.known[groupPlacement] || r.v[compPlacement+1] != 0.2 || r.v[compPlacement] != -0.1 || r.v[compPlacement+2] != 0 {
		t.Errorf("with days placed: %v", r.v[compPlacement:compPlacement+3])
	}
	y.Points[AtFollow6] = Recorded{Placement: "none"} // no days after: the indicator
	if r = pair(y, Same(AtFollow6)); !r.known[groupPlacement] || r.v[compPlacement+1] != 1 {
		t.Errorf("without days after: %v", r.v[compPlacement:compPlacement+3])
	}
}
