package store_test

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// Where placements are recorded, the avoided cost is priced from the days placed in the
// half-year before each time point, not from "placed on the date, counted a whole year": six young people each 92 days in an HVB in the half-year before the decision to start
// and 31 days in a family home in the half-year before the six-month follow-up.
func TestEconomicsPricesDaysPlaced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := economicsSetup(t, e, 6)
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		page, err := s.Cases(coord, store.CaseQuery{Step: casework.StepClosed, Limit: 50})
		if err != nil || len(page.Rows) != 6 {
			t.Fatalf("closed cases: %d %v", len(page.Rows), err)
		}
		for _, row := range page.Rows {
			for _, in := range []casework.PlacementInput{
				{Form: "hvb", Basis: "sol", From: "2025-07-01", To: "2025-09-30"},
				{Form: "family_home", Basis: "sol", From: "2026-05-01", To: "2026-05-31", Reason: "Tillbaka efter avslut"},
			} {
				if _, err := s.SavePlacement(coord, row.CaseID, 0, in); err != nil {
					t.Fatal(err)
				}
			}
		}
		out, err := s.Economics(f.Ctx(t, s, casework.RoleSteering), store.EconomicsQuery{Period: h1})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Report
		if r.Paired[1] != 6 {
			t.Fatalf("placements paired: %v", r.Paired)
		}
		kpi := func(from int) float64 {
			return 403.70 / map[int]float64{2012: 314.20, 2014: 313.49}[from]
		}
		// Per young person a year: 2 robberies at 226 000 (2012); 92 HVB days in the half-year
		// before the start ended and 31 family-home days in the half-year after closure begun,
		// each half-year's days times 365/183 — at 3 001 (2014) and 599.54 (2023) a day; half of
		// it SIG's, six young people.
		perYear := 2*226_000*kpi(2012) + (92*3001*kpi(2014)-31*599.54)*365/183
		near(t, "benefit", r.Point.Benefit, 6*0.5*perYear, 1e-3)
	})
}
