package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/mapping"
	"lots/internal/stats"
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
				// The release's needs: every one (a district without young people has no view in
				// the release, and no needs), none resting on fewer than five shown.
				if r.DistrictID == nil && (len(c.Needs) != len(stats.NeedsCols) || c.Needs[0].Need != stats.NeedConcerns) {
					t.Fatalf("%s %s: needs %+v", r.Name, c.Band, c.Needs)
				}
				for _, n := range c.Needs {
					if n.Count.Value != nil && *n.Count.Value < 5 || n.Count.Value == nil && n.Count.Hidden == "" {
						t.Errorf("%s %s %s: %+v", r.Name, c.Band, n.Need, n.Count)
					}
				}
			}
			if r.DistrictID == nil && len(r.Needs) != len(stats.NeedsCols) {
				t.Errorf("%s: needs over every age %+v", r.Name, r.Needs)
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

// Writing the resource registry through the API, on both engines: the administrator creates,
// replaces and removes a resource; every fault is a problem naming its field, a duplicate name
// and a district of no municipality's are refused at their fields; another municipality's or
// an unknown id is not found; the coordinator may read but not write (403); each change is
// one audit entry. A case's planned length is extended with a reason.
func TestResourceRegistryThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
		st := srv.App.Store
		f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleAdmin: "admin"})
		admin, coordinator := clientFor(t, srv, "admin"), clientFor(t, srv, "samordnare")
		norra := f.Districts[1].ID

		in := api.ResourceInput{Name: " Gården ", Kind: "youth_centre", Owner: "Fritid", DistrictID: &norra, AgeFrom: 13, AgeTo: 17,
			Level: "universal", Capacity: 40, YearlyCost: 900000, Payer: "Fritidsnämnden", Evenings: true, Needs: []string{"leisure", "peers", "leisure"}}
		var made api.Resource
		admin.want(201, "POST", "/api/v1/mapping/resources", in, &made)
		if made.ID == 0 || made.Name != "Gården" || *made.DistrictID != norra || len(made.Needs) != 2 || !made.Evenings {
			t.Fatalf("created %+v", made)
		}

		bad := api.ResourceInput{Name: "", Kind: "gym", AgeFrom: 17, AgeTo: 13, Level: "maybe", Capacity: -1, YearlyCost: -5, Needs: []string{"luck"}}
		p := admin.problem(422, "invalid", "error.invalid", "POST", "/api/v1/mapping/resources", bad)
		fields := map[string]string{}
		for _, fe := range p.Errors {
			fields[fe.Field] = fe.Key
		}
		for f, k := range map[string]string{"name": "mapping.resource.name_required", "kind": "mapping.resource.kind", "age_to": "mapping.resource.age_to",
			"level": "mapping.resource.level", "capacity": "mapping.resource.negative", "yearly_cost": "mapping.resource.negative", "needs": "mapping.resource.need"} {
			if fields[f] != k {
				t.Errorf("field %s: %q, want %q (all: %v)", f, fields[f], k, fields)
			}
		}
		dup := in
		dup.Name = "Gården"
		admin.problem(422, "invalid", "mapping.resource.duplicate", "POST", "/api/v1/mapping/resources", dup)
		nowhere := int64(4503599627370497)
		dup.Name, dup.DistrictID = "Någonstans", &nowhere
		admin.problem(422, "invalid", "mapping.resource.district", "POST", "/api/v1/mapping/resources", dup)
		admin.problem(422, "invalid", "api.body_unknown_field", "POST", "/api/v1/mapping/resources", `{"name": "X", "colour": "red"}`)

		upd := in
		upd.Name, upd.DistrictID, upd.Weekends = "Gården Norr", nil, true
		var changed api.Resource
		admin.want(200, "PUT", fmt.Sprintf("/api/v1/mapping/resources/%d", made.ID), upd, &changed)
		if changed.ID != made.ID || changed.Name != "Gården Norr" || changed.DistrictID != nil || !changed.Weekends {
			t.Fatalf("replaced %+v", changed)
		}
		var reg api.MappingRegistry
		coordinator.want(200, "GET", "/api/v1/mapping/registry", nil, &reg)
		if len(reg.Resources) != 1 || reg.Resources[0].Name != "Gården Norr" {
			t.Fatalf("registry %+v", reg.Resources)
		}
		coordinator.problem(403, "forbidden", "error.forbidden", "POST", "/api/v1/mapping/resources", in)
		coordinator.problem(403, "forbidden", "error.forbidden", "DELETE", fmt.Sprintf("/api/v1/mapping/resources/%d", made.ID), nil)
		admin.problem(404, "not_found", "error.not_found", "PUT", "/api/v1/mapping/resources/4503599627370497", upd)
		admin.problem(404, "not_found", "error.not_found", "DELETE", "/api/v1/mapping/resources/x", nil)

		// Another municipality's administrator neither sees nor changes it.
		other := storetest.Seed(t, st, "9902", "o")
		octx := other.Ctx(t, st, casework.RoleAdmin)
		if _, err := st.UpdateResource(octx, mapping.Resource{ID: made.ID, Name: "Kapad", Kind: "other", AgeFrom: 0, AgeTo: 20, Level: "universal"}); casework.ErrorCode(err) != casework.ENotFound {
			t.Errorf("another municipality changed it: %v", err)
		}
		if err := st.DeleteResource(octx, made.ID); casework.ErrorCode(err) != casework.ENotFound {
			t.Errorf("another municipality removed it: %v", err)
		}

		admin.want(204, "DELETE", fmt.Sprintf("/api/v1/mapping/resources/%d", made.ID), nil, nil)
		admin.problem(404, "not_found", "error.not_found", "DELETE", fmt.Sprintf("/api/v1/mapping/resources/%d", made.ID), nil)
		coordinator.want(200, "GET", "/api/v1/mapping/registry", nil, &reg)
		if len(reg.Resources) != 0 {
			t.Fatalf("after the removal %+v", reg.Resources)
		}
		var got []string
		if err := st.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(e audit.Entry) error {
			if e.Object == "resource" && e.Allowed {
				got = append(got, e.Action+" "+e.Detail)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if want := []string{"create Gården", "update Gården Norr", "delete Gården Norr"}; !slices.Equal(got, want) {
			t.Errorf("audit %q, want %q", got, want)
		}

		// A case's planned length.
		rc := f.Concern(t, st, casework.RoleCoordinator, "Api", "Förlängd", storetest.TestPersonalNumbers[0])
		f.Advance(t, st, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{}) // taken on, no decision yet
		coordinator.problem(409, "conflict", "capacity.extend_not_started", "POST", casePath(rc.CaseID, "/extensions"), api.ExtensionRequest{Months: 2, Reason: "Skäl"})
		f.Advance(t, st, rc.CaseID, casework.StepParties, storetest.ConsentSpec{})
		coordinator.problem(422, "invalid", "capacity.extend_reason_required", "POST", casePath(rc.CaseID, "/extensions"), api.ExtensionRequest{Months: 2})
		coordinator.want(204, "POST", casePath(rc.CaseID, "/extensions"), api.ExtensionRequest{Months: 2, Reason: "Skolstarten"}, nil)
		var cap api.CapacityView
		coordinator.want(200, "GET", "/api/v1/capacity", nil, &cap)
		if cap.Extended != 1 || cap.ExperienceRule != "warn" || cap.HeavyFrom != "high" || cap.GroupCap != 10 {
			t.Errorf("capacity %+v", cap)
		}
	})
}
