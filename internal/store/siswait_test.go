package store_test

import (
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// The start page's SiS waits with a fixed clock (2026-03-02): a wait of eight days is listed, one
// of seven is not (the alert is "longer than a week"), nor a placement that began; only the
// staff on the case see them — the police member of the same consent gets none.
func TestMySiSWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord, police := f.Ctx(t, s, casework.RoleCoordinator), f.Ctx(t, s, casework.RoleGroupMember)
		today := t0.In(casework.Stockholm)
		day := func(n int) string { return today.AddDate(0, 0, -n).Format(casework.DateLayout) }
		var ids []int64
		for i, in := range []casework.PlacementInput{
			{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: day(8), Reason: "Behov av låst vård", Place: "Hemlig plats"},
			{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: day(7), Reason: "Behov av låst vård"},
			{Form: "hvb", Basis: "sol", From: day(30), Reason: "Placerad"},
		} {
			rc := f.Concern(t, s, casework.RoleCoordinator, "Väntar", []string{"Åtta", "Sju", "Placerad"}[i], pnr[i+1])
			f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
			if _, err := s.SavePlacement(coord, rc.CaseID, 0, in); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, rc.CaseID)
		}
		ws, err := s.MySiSWaits(coord)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 1 || ws[0].CaseID != ids[0] || ws[0].Days != 8 || ws[0].RequestedOn != day(8) || ws[0].Name != "Väntar Åtta" {
			t.Fatalf("the coordinator's waits: %+v", ws)
		}
		if ws, err := s.MySiSWaits(police); err != nil || len(ws) != 0 {
			t.Fatalf("the police member's waits: %+v %v", ws, err)
		}
		clock.Advance(24 * time.Hour) // the seven-day wait passes the week
		if ws, err := s.MySiSWaits(coord); err != nil || len(ws) != 2 || ws[0].CaseID != ids[0] || ws[1].CaseID != ids[1] || ws[1].Days != 8 {
			t.Fatalf("a day later: %+v %v", ws, err)
		}
	})
}
