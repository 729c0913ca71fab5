package casework

import "testing"

func TestPlacementDaysAndOverlap(t *testing.T) {
	hvb := Placement{ID: 1, Form: PlaceHVB, From: "2026-01-01", To: "2026-01-31"}
	open := Placement{ID: 2, Form: PlaceFamilyHome, From: "2026-02-01"}
	for _, c := range []struct {
		name     string
		p        Placement
		from, to string
		today    string
		want     int
	}{
		{"a whole month", hvb, "2025-01-01", "2026-12-31", "2026-06-01", 31},
		{"a window cuts it", hvb, "2026-01-15", "2026-01-20", "2026-06-01", 6},
		{"one day", hvb, "2026-01-31", "2026-01-31", "2026-06-01", 1},
		{"before the window", hvb, "2026-02-01", "2026-03-01", "2026-06-01", 0},
		{"going on counts to today", open, "2026-01-01", "2026-12-31", "2026-02-10", 10},
		{"a wait is no day placed", Placement{Waiting: true, Form: PlaceSiS, RequestedOn: "2026-01-01"}, "2026-01-01", "2026-12-31", "2026-02-10", 0},
	} {
		if got := c.p.DaysIn(c.from, c.to, c.today); got != c.want {
			t.Errorf("%s: %d days, want %d", c.name, got, c.want)
		}
	}
	others := []Placement{hvb, open}
	for _, c := range []struct {
		name  string
		in    PlacementInput
		field string
	}{
		{"starts inside another", PlacementInput{Form: "hvb", Basis: "sol", From: "2026-01-31", To: "2026-01-31", Reason: "x"}, "from"},
		{"ends inside an open one", PlacementInput{Form: "hvb", Basis: "sol", From: "2025-12-01", To: "2026-02-01", Reason: "x"}, "from"},
		{"the first placement needs no reason", PlacementInput{Form: "hvb", Basis: "sol", From: "2025-06-01", To: "2025-06-30"}, ""},
		{"LVM in a family home", PlacementInput{Form: "family_home", Basis: "lvm", From: "2024-01-01", To: "2024-01-02"}, "legal_basis"},
		{"a wait asked for tomorrow", PlacementInput{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: "2026-03-03"}, "requested_on"},
	} {
		_, err := ValidatePlacement(c.in, 0, others, "2026-03-02")
		fe := FieldErrorsOf(err)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		if len(fe) == 0 || fe[0].Field != c.field {
			t.Errorf("%s: want an error at %s, got %v", c.name, c.field, err)
		}
	}
	// The first placement (nothing before it) needs no reason; one after another does.
	_, err := ValidatePlacement(PlacementInput{Form: "sis", Basis: "lvu", From: "2026-03-01"}, 0, []Placement{hvb}, "2026-03-02")
	if fe := FieldErrorsOf(err); len(fe) != 1 || fe[0].Field != "reason" || fe[0].Key != "placement.move_reason_required" {
		t.Errorf("a move after the HVB without a reason: %v", err)
	}
}
