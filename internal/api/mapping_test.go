package api_test

import (
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/mapping"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The mapping and the capacity view through the API, on both engines: the registry as
// imported, the picture of a published half-year with hidden figures null and labelled, the
// caseloads against the cap; a group member gets 403.
func TestMappingThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
		st := srv.App.Store
		f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleAdmin: "admin"})
		admin := f.Ctx(t, st, casework.RoleAdmin)
		for i := range 3 {
			rc := f.Concern(t, st, casework.RoleCoordinator, "Api", string(rune('A'+i)), storetest.TestPersonalNumbers[i])
			f.Advance(t, st, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{})
		}
		var ds []mapping.District
		for _, d := range f.Districts {
			ds = append(ds, mapping.District{ID: d.ID, Name: d.Name})
		}
		rs, err := mapping.ParseResources([]byte("namn;typ;huvudman;stadsdel;adress;ålder från;ålder till;nivå;kapacitet;årskostnad;betalare;kvällar;helger;behov;insatser\n"+
			"Gården;youth_centre;Fritid;Norra;;13;17;universell;40;1000000;Fritid;ja;nej;leisure;\n"), ds)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.ReplaceResources(admin, rs); err != nil {
			t.Fatal(err)
		}
		if err := st.SetCapacity(admin, func() store.CapacitySettings { c := store.DefaultCapacitySettings(); c.Cap = 3; return c }()); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
		steering, coordinator, police := clientFor(t, srv, "styrgrupp"), clientFor(t, srv, "samordnare"), clientFor(t, srv, "polis")

		var reg api.MappingRegistry
		steering.want(200, "GET", "/api/v1/mapping/registry", nil, &reg)
		if len(reg.Resources) != 1 || reg.Resources[0].YearlyCost != 1000000 || reg.Resources[0].DistrictID == nil || len(reg.Population) != 0 {
			t.Fatalf("registry %+v", reg)
		}
		var pic api.MappingPicture
		steering.want(200, "GET", "/api/v1/mapping?period=2026H1", nil, &pic)
		if pic.Period != "2026H1" || len(pic.Rows) != len(f.Districts)+1 || pic.Rows[len(pic.Rows)-1].DistrictID != nil {
			t.Fatalf("picture %+v", pic)
		}
		for _, r := range pic.Rows {
			for _, c := range r.Cells {
				if c.Open.Value != nil && *c.Open.Value < 5 {
					t.Errorf("%s %s: %v shown", r.Name, c.Band, *c.Open.Value)
				}
				if c.Open.Value == nil && c.Open.Hidden == "" && r.Population > 0 {
					t.Errorf("%s %s: a hidden figure without its label", r.Name, c.Band)
				}
			}
		}
		steering.problem(404, "not_found", "error.not_found", "GET", "/api/v1/mapping?period=2026H2", nil) // not published yet

		var cap api.CapacityView
		coordinator.want(200, "GET", "/api/v1/capacity", nil, &cap)
		found := false
		for _, l := range cap.Caseloads {
			if l.Name == "Sara Lindqvist" {
				found = true
				if l.Active != 3 || l.State != "full" {
					t.Errorf("Sara: %+v", l)
				}
			}
		}
		if !found || cap.Cap != 3 || cap.PlannedMonths != 10 || cap.WaitDays != 7 {
			t.Errorf("capacity %+v", cap)
		}
		police.problem(403, "forbidden", "error.forbidden", "GET", "/api/v1/capacity", nil)
		police.problem(403, "forbidden", "error.forbidden", "GET", "/api/v1/mapping", nil)
	})
}
