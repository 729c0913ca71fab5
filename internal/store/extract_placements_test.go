package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The register extract holds the young person's placements — form, legal basis, the wait for
// a SiS place, the days, the reason of a move, who recorded it — but never where: the place
// is withheld and named, counted, with its ground (docs/data-protection.md).
func TestRegisterExtractPlacements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord, auditor := f.Ctx(t, s, casework.RoleCoordinator), f.Ctx(t, s, casework.RoleAuditor)
		rc := f.Concern(t, s, casework.RoleCoordinator, "Pia", "Placerad", pnr[6])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		extract := func() (store.CaseExtract, string) {
			t.Helper()
			x, err := s.MakeRegisterExtract(auditor, store.RegisterQuery{Subject: store.SubjectYouth, Identity: pnr[6]})
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Youth.Cases) != 1 {
				t.Fatalf("cases %+v", x.Youth.Cases)
			}
			b, _ := json.Marshal(x)
			return x.Youth.Cases[0], string(b)
		}
		if ce, js := extract(); ce.Placements == nil || len(ce.Placements) != 0 || !strings.Contains(js, `"placements":[]`) {
			t.Fatalf("without placements: %+v", ce.Placements)
		}
		const place = "HVB Solgläntan, Skogsvägen 3, Hemby"
		for _, in := range []casework.PlacementInput{
			{Form: "hvb", Basis: "sol", From: "2026-01-05", To: "2026-02-10", Place: place},
			{Form: "family_home", Basis: "lvu", From: "2026-02-11", Reason: "Behövde lugnare miljö", Place: "Familjen Ek, Ekvägen 1"},
		} {
			if _, err := s.SavePlacement(coord, rc.CaseID, 0, in); err != nil {
				t.Fatal(err)
			}
		}
		ce, js := extract()
		if len(ce.Placements) != 2 {
			t.Fatalf("placements %+v", ce.Placements)
		}
		p := ce.Placements[1]
		if p.Form != "family_home" || p.LegalBasis != "lvu" || p.From != "2026-02-11" || p.To != "" || p.Reason != "Behövde lugnare miljö" || p.RecordedBy == "" {
			t.Errorf("the move: %+v", p)
		}
		for _, secret := range []string{"Solgläntan", "Skogsvägen", "Ekvägen", "Familjen Ek"} {
			if strings.Contains(js, secret) {
				t.Errorf("the extract names the place: %q", secret)
			}
		}
		var w *store.Withheld
		for i := range ce.Withheld {
			if ce.Withheld[i].What == store.WithheldPlacementPlace {
				w = &ce.Withheld[i]
			}
		}
		if w == nil || w.Count != 2 || !strings.Contains(w.Ground, "OSL 26 kap. 1 §") {
			t.Errorf("the places withheld: %+v", ce.Withheld)
		}
	})
}
