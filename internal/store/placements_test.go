package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestPlacements: a young person's placements on both engines — a first placement, a move
// with its reason, an overlapping one and a move without a reason refused with the field named
// and nothing saved, a SiS wait that turns into an alert after a week (a fixed clock), the
// place sealed at rest, and the place shown only where the address rule allows it.
func TestPlacements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		clock := storetest.NewClock(t0) // 2026-03-02
		s := openWith(t, dsn, envelope.Ephemeral(), clock.Now)
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember) // the police, covered for police and social matters
		rc := f.Concern(t, s, casework.RoleCoordinator, "Placerad", "Ungdom", pnr[3])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyPolice},
			Categories: []casework.Category{casework.CatPolice, casework.CatSocial}})
		const place = "HVB Solgläntan, Skogsvägen 3, Hemby"
		count := func() int {
			t.Helper()
			pl, err := s.Placements(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			return len(pl.Placements)
		}
		field := func(err error, name, key string) {
			t.Helper()
			for _, fe := range casework.FieldErrorsOf(err) {
				if fe.Field == name && fe.Key == key {
					return
				}
			}
			t.Errorf("want %s at %s, got %v", key, name, err)
		}

		first, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "hvb", Basis: "sol", From: "2026-01-05", To: "2026-02-10", Place: place})
		if err != nil {
			t.Fatalf("first placement: %v", err)
		}
		t.Run("two placements at once are refused, the from day named, nothing saved", func(t *testing.T) {
			_, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "family_home", Basis: "sol", From: "2026-02-01", Reason: "Flytt"})
			field(err, "from", "placement.overlap")
			if n := count(); n != 1 {
				t.Errorf("%d placements after the refusal", n)
			}
		})
		t.Run("a move without a reason is refused, the reason named", func(t *testing.T) {
			_, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "family_home", Basis: "sol", From: "2026-02-11"})
			field(err, "reason", "placement.move_reason_required")
			if n := count(); n != 1 {
				t.Errorf("%d placements after the refusal", n)
			}
		})
		t.Run("bad input is refused field by field", func(t *testing.T) {
			_, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "hotel", Basis: "brb", From: "2026-02-30", To: "x"})
			field(err, "form", "placement.form_invalid")
			field(err, "legal_basis", "placement.basis_invalid")
			field(err, "from", "placement.from_invalid")
			_, err = s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "hvb", Basis: "lvu", Waiting: true, RequestedOn: "2026-02-20"})
			field(err, "waiting", "placement.waiting_sis_only")
			_, err = s.SavePlacement(coord, rc.CaseID, first.ID, casework.PlacementInput{Form: "hvb", Basis: "sol", From: "2026-01-05", To: "2026-01-01"})
			field(err, "to", "placement.to_before_from")
		})
		if _, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "family_home", Basis: "lvu", From: "2026-02-11", To: "2026-02-19",
			Reason: "Hemmet kunde inte ta emot längre"}); err != nil {
			t.Fatalf("the move: %v", err)
		}
		wait, err := s.SavePlacement(coord, rc.CaseID, 0, casework.PlacementInput{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: "2026-02-23",
			Reason: "Behov av låst vård"})
		if err != nil {
			t.Fatalf("the SiS wait: %v", err)
		}

		t.Run("the summary counts moves and days, and the wait alerts after a week", func(t *testing.T) {
			clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // 7 days after the request
			pl, err := s.Placements(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			sm := pl.Summary
			if sm.Placements != 2 || sm.Moves != 1 || sm.DaysPlaced != 37+9 || sm.DaysByForm[casework.PlaceHVB] != 37 {
				t.Errorf("summary %+v", sm)
			}
			// The follow-up's half-year before the decision to start (2026-03-02) holds both
			// placements; the case is not closed, so the half-years after closure are not measured.
			if fu := pl.FollowUp; fu.BeforeStart != 37+9 || fu.After6 != -1 || fu.After12 != -1 {
				t.Errorf("follow-up days %+v", fu)
			}
			if sm.Waiting == nil || sm.Waiting.ID != wait.ID || sm.WaitDays != 7 || sm.WaitAlert {
				t.Errorf("after a week: waiting %d days, alert %v", sm.WaitDays, sm.WaitAlert)
			}
			clock.Set(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
			if pl, _ = s.Placements(coord, rc.CaseID); pl.Summary.WaitDays != 8 || !pl.Summary.WaitAlert {
				t.Errorf("after eight days: waiting %d days, alert %v", pl.Summary.WaitDays, pl.Summary.WaitAlert)
			}
			// A place is found: the wait becomes the placement, and the alert ends.
			if _, err := s.SavePlacement(coord, rc.CaseID, wait.ID, casework.PlacementInput{Form: "sis", Basis: "lvu", RequestedOn: "2026-02-23",
				From: "2026-03-03", Place: "SiS Råby", Reason: "Behov av låst vård"}); err != nil {
				t.Fatal(err)
			}
			if pl, _ = s.Placements(coord, rc.CaseID); pl.Summary.Waiting != nil || pl.Summary.Moves != 2 || pl.Summary.Current == nil {
				t.Errorf("after the place was found: %+v", pl.Summary)
			}
		})

		t.Run("the place is sealed at rest", func(t *testing.T) {
			db := rawDB(t, dsn, e)
			var raw string
			if err := db.QueryRow(`SELECT place FROM placements WHERE id = $1`, first.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "Solgläntan") || !envelope.IsSealedString(raw) {
				t.Errorf("stored place readable: %q", raw)
			}
		})

		t.Run("the police covered for social matters see placements and the place; the school sees nothing", func(t *testing.T) {
			pl, err := s.Placements(police, rc.CaseID)
			if err != nil || len(pl.Placements) != 3 || !pl.SeesPlace || !hasPlace(pl, place) {
				t.Fatalf("police: %v %+v", err, pl)
			}
			teacher := schoolCtx(t, s, f)
			if _, err := s.Placements(teacher, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Errorf("the school (no consent) reads placements: %v", err)
			}
			if _, err := s.SavePlacement(police, rc.CaseID, 0, casework.PlacementInput{Form: "hvb", Basis: "sol", From: "2027-01-01", Reason: "x"}); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("the police record a placement: %v", err)
			}
		})

		t.Run("with protected identity only the designated roles see the place", func(t *testing.T) {
			cd, err := s.CaseDetail(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			y := cd.Youth
			if err := s.UpdateYouth(coord, rc.CaseID, casework.YouthInput{FirstName: y.FirstName, LastName: y.LastName,
				PersonalNumber: pnr[3], ProtectedIdentity: true}); err != nil {
				t.Fatal(err)
			}
			pl, err := s.Placements(police, rc.CaseID)
			if err != nil || pl.SeesPlace || hasPlace(pl, place) || !pl.Placements[0].PlaceHidden && !pl.Placements[1].PlaceHidden {
				t.Fatalf("police after protection: %v %+v", err, pl)
			}
			if pl, err = s.Placements(coord, rc.CaseID); err != nil || !pl.SeesPlace || !hasPlace(pl, place) {
				t.Fatalf("the coordinator after protection: %v", err)
			}
		})
	})
}

func hasPlace(pl store.PlacementList, place string) bool {
	for _, p := range pl.Placements {
		if p.Place == place {
			return true
		}
	}
	return false
}

// schoolCtx is a school user of the fixture's municipality, named in no consent.
func schoolCtx(t *testing.T, s *store.Store, f *storetest.Fixture) context.Context {
	t.Helper()
	u := casework.User{AgencyID: f.Agencies[casework.AgencySchool].ID, Username: "larare", Name: "Lärare",
		Roles: casework.NewRoleSet(casework.RoleGroupMember)}
	if err := s.CreateUser(casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test")), &u, ""); err != nil {
		t.Fatal(err)
	}
	a, err := s.Actor(context.Background(), u.MunicipalityID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(context.Background(), a)
}
