package store_test

import (
	"testing"

	"lots/internal/casework"
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
		t.Run("the administrator marks a built-in method available, with provider and capacity", func(t *testing.T) {
			m, err := s.Method(admin, "mst")
			if err != nil {
				t.Fatal(err)
			}
			m.Available, m.Provider, m.Capacity = true, "Grannkommunens öppenvård", "2 platser per år"
			if err := s.SaveMethod(admin, m, false); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Method(coord, "mst")
			if !got.Available || got.Provider != "Grannkommunens öppenvård" || !got.Edited || !got.Builtin || got.UpdatedAt.IsZero() {
				t.Fatalf("%+v", got)
			}
			other, _ := s.Method(g.Ctx(t, s, casework.RoleCoordinator), "mst")
			if other.Available || other.Edited {
				t.Fatal("another municipality's catalogue changed")
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
			if m, _ := s.Method(coord, "mst"); m.Available || m.Edited {
				t.Fatalf("%+v", m)
			}
			if err := s.ResetMethod(admin, "mst"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("twice: %v", err)
			}
		})
	})
}
