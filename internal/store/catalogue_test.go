package store_test

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store/storetest"
)

func TestEachMunicipalityKeepsItsOwnCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		g := storetest.Seed(t, s, "9902", "b_")
		admin := f.Ctx(t, s, casework.RoleAdmin)
		coord := f.Ctx(t, s, casework.RoleCoordinator)

		ms, err := s.Catalogue(coord)
		if err != nil || len(ms) != len(casework.DefaultCatalogue()) {
			t.Fatalf("%d methods, %v", len(ms), err)
		}
		t.Run("a method is available when the resource registry offers it, from the resources offering it", func(t *testing.T) {
			m, err := s.Method(admin, "mst")
			if err != nil {
				t.Fatal(err)
			}
			m.Available, m.Provider, m.Capacity = true, "Ett namn i formuläret", "2 platser per år"
			if err := s.SaveMethod(admin, m, false); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Method(coord, "mst"); got.Available || got.Provider != "" || got.Capacity != "2 platser per år" || !got.Edited {
				t.Fatalf("no resource offers it, yet %+v", got)
			}
			gr, err := s.CreateResource(admin, mapping.Resource{Name: "Grannkommunens öppenvård", Kind: "social_services", AgeFrom: 12, AgeTo: 17,
				Level: "indicated", Capacity: 2, Needs: []string{"family"}, Methods: []string{"mst", "scared-straight"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateResource(admin, mapping.Resource{Name: "Akutteamet", Kind: "social_services", AgeFrom: 12, AgeTo: 20,
				Level: "indicated", Capacity: 3, Methods: []string{"mst", "komet"}}); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Method(coord, "mst")
			if !got.Available || got.Provider != "Akutteamet, Grannkommunens öppenvård" || got.Capacity != "2 platser per år" || !got.Edited || !got.Builtin || got.UpdatedAt.IsZero() {
				t.Fatalf("%+v", got)
			}
			if k, _ := s.Method(coord, "komet"); !k.Available || k.Provider != "Akutteamet" || k.Capacity != "3" {
				t.Errorf("komet, its capacity the resource's places: %+v", k)
			}
			if w, _ := s.Method(coord, "scared-straight"); w.Available || len(w.OfferedBy) != 1 {
				t.Errorf("a method that must not be used is never available: %+v", w)
			}
			other, _ := s.Method(g.Ctx(t, s, casework.RoleCoordinator), "mst")
			if other.Available || other.Edited {
				t.Fatal("another municipality's catalogue changed")
			}
			if err := s.DeleteResource(admin, gr.ID); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Method(coord, "mst"); !got.Available || got.Provider != "Akutteamet" {
				t.Errorf("one resource left: %+v", got)
			}
		})
		t.Run("a municipality adds a method of its own, once", func(t *testing.T) {
			own := casework.Method{Code: "nattvandring", Name: "Nattvandring", Kind: casework.KindOutreach, Evidence: casework.EvidenceLocal,
				Available: true, Needs: []string{"leisure"}, AgeMin: 12, AgeMax: 18}
			if err := s.SaveMethod(admin, own, true); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveMethod(admin, own, true); casework.AsError(err).Key != "catalogue.code_taken" {
				t.Fatalf("twice: %v", err)
			}
			if err := s.SaveMethod(admin, casework.Method{Code: "komet", Name: "Komet 2", Kind: casework.KindParentTraining, Evidence: casework.EvidenceLocal}, true); casework.AsError(err).Key != "catalogue.code_taken" {
				t.Fatalf("a built-in code as new: %v", err)
			}
			ms, _ := s.Catalogue(coord)
			if ms[len(ms)-1].Code != "nattvandring" {
				t.Fatalf("own method not last: %s", ms[len(ms)-1].Code)
			}
		})
		t.Run("a warning cannot be marked available", func(t *testing.T) {
			m, _ := s.Method(admin, "scared-straight")
			m.Available = true
			if err := s.SaveMethod(admin, m, false); casework.AsError(err).Key != "catalogue.warning_not_available" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("only administrators keep the catalogue", func(t *testing.T) {
			m, _ := s.Method(coord, "komet")
			m.Available = true
			if err := s.SaveMethod(coord, m, false); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v", err)
			}
			if _, err := s.Catalogue(f.Ctx(t, s, casework.RoleSteering)); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("steering group reads the catalogue: %v", err)
			}
		})
		t.Run("changes to a built-in method can be reset", func(t *testing.T) {
			if err := s.ResetMethod(admin, "mst"); err != nil {
				t.Fatal(err)
			}
			if m, _ := s.Method(coord, "mst"); m.Capacity != "3" || m.Edited {
				t.Fatalf("%+v", m)
			}
			if err := s.ResetMethod(admin, "mst"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("twice: %v", err)
			}
		})
	})
}
