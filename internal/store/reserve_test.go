package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// 20 000 young people without a personnummer in one year and one municipality (twenty times
// the number at which the outside test saw collisions as HTTP 500s) all get a reserve id, each
// a different one.
func TestTwentyThousandReserveIDsInOneYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, storetest.NewClock(t0).Now)
		f := storetest.Seed(t, s, "9901", "")
		start := time.Now()
		ids, err := s.InsertYouthsWithoutNumberForTest(context.Background(), f.Municipality.ID, 20_000)
		if err != nil {
			t.Fatalf("after %d young people: %v", len(ids), err)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !strings.HasPrefix(id, "R2026-") || len(id) != len("R2026-000000") || seen[id] {
				t.Fatalf("reserve id %q (duplicate: %v)", id, seen[id])
			}
			seen[id] = true
		}
		t.Logf("%d reserve ids in %s", len(seen), time.Since(start).Round(time.Millisecond))
	})
}

// Two concerns about young people without a personnummer that draw the same number: the
// second draws again, and both are registered (before, the second was an internal error).
func TestReserveIDCollisionDrawsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, storetest.NewClock(t0).Now)
		f := storetest.Seed(t, s, "9901", "")
		drawn := s.WithReserveDrawsForTest(4711, 4711, 4711, 4712)
		coord := f.Ctx(t, drawn, casework.RoleCoordinator)
		var got []string
		for _, name := range []string{"Först", "Sedan"} {
			rc, err := drawn.RegisterConcern(coord, store.ConcernInput{Youth: casework.YouthInput{FirstName: name, LastName: "Utannummer",
				BirthDate: "2012-05-01", DistrictID: f.Districts[0].ID}, Ratings: storetest.IRKRatings(2)})
			if err != nil {
				t.Fatalf("concern about %s: %v", name, err)
			}
			cd, err := drawn.CaseDetail(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, cd.Youth.ReserveID)
		}
		if got[0] != "R2026-004711" || got[1] != "R2026-004712" {
			t.Fatalf("reserve ids %v", got)
		}
		t.Run("a personnummer taken away: a reserve id that is free", func(t *testing.T) {
			rc := f.Concern(t, drawn, casework.RoleCoordinator, "Med", "Nummer", pnr[12])
			again := drawn.WithReserveDrawsForTest(4711, 4712, 4713)
			if err := again.UpdateYouth(f.Ctx(t, again, casework.RoleCoordinator), rc.CaseID, casework.YouthInput{FirstName: "Med", LastName: "Nummer",
				BirthDate: "2012-05-01", DistrictID: f.Districts[0].ID}); err != nil {
				t.Fatal(err)
			}
			cd, err := again.CaseDetail(coord, rc.CaseID)
			if err != nil || cd.Youth.ReserveID != "R2026-004713" {
				t.Fatalf("reserve id %q, %v", cd.Youth.ReserveID, err)
			}
		})
	})
}

// Constraint violations are known by the driver's code, not by words in a message.
func TestUniqueViolationByDriverCode(t *testing.T) {
	if store.IsUniqueViolationForTest(errors.New("UNIQUE constraint failed: users.username")) ||
		store.IsUniqueViolationForTest(errors.New("ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)")) {
		t.Fatal("a message that only reads like a violation counts as one")
	}
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		admin := f.Ctx(t, s, casework.RoleAdmin)
		u := casework.User{Username: "coordinator", Name: "Dubblett", AgencyID: f.Agencies[casework.AgencySocial].ID,
			Roles: casework.NewRoleSet(casework.RoleCoordinator), Active: true}
		err := s.CreateUser(admin, &u, "x")
		if casework.AsError(err).Key != "user.username_taken" {
			t.Fatalf("a taken username: %v", err)
		}
	})
}
