package store_test

import (
	"context"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/popreg"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// A concern without a personnummer (issue 19, point 1): the reporter typed an address and a
// school. Until the young person is identified the record is handled as protected: the
// preparatory group, which is not a role designated for protected identities, must not see
// them; the coordinator (a designated role by default) does.
func TestUnidentifiedConcernIsHeldAsProtected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, storetest.NewClock(t0).Now)
		f := storetest.Seed(t, s, "9901", "")
		rc, err := s.RegisterConcern(f.Ctx(t, s, casework.RoleGroupMember), store.ConcernInput{
			Youth: casework.YouthInput{FirstName: "Ida", LastName: "Okänd", BirthDate: "2010-04-01", DistrictID: f.Districts[0].ID,
				School: "Hemligaskolan", Address: "Gömdvägen 7"},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		prep, err := s.CaseDetail(f.Ctx(t, s, casework.RolePrepGroup), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if prep.Youth.Address != "" || prep.Youth.School != "" || prep.SeesProtected {
			t.Errorf("the preparatory group sees an unidentified young person's address %q and school %q", prep.Youth.Address, prep.Youth.School)
		}
		if !prep.Youth.Unidentified || !prep.Youth.Protected() {
			t.Errorf("a concern without personnummer is not held as unidentified: %+v", prep.Youth)
		}
		coord, err := s.CaseDetail(f.Ctx(t, s, casework.RoleCoordinator), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if coord.Youth.Address != "Gömdvägen 7" || coord.Youth.School != "Hemligaskolan" {
			t.Errorf("the coordinator (a designated role) does not see the details: %+v", coord.Youth)
		}
		// A concern with a personnummer is identified: nothing is hidden unless protected.
		rc2, err := s.RegisterConcern(f.Ctx(t, s, casework.RoleGroupMember), store.ConcernInput{
			Youth: casework.YouthInput{FirstName: "Olle", LastName: "Känd", PersonalNumber: pnr[1], DistrictID: f.Districts[0].ID,
				School: "Öppnaskolan"},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		known, err := s.CaseDetail(f.Ctx(t, s, casework.RolePrepGroup), rc2.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if known.Youth.School != "Öppnaskolan" || known.Youth.Unidentified {
			t.Errorf("an identified young person's school is hidden from the preparatory group: %+v", known.Youth)
		}
	})
}

// register is a population register file: an unprotected person, two with protected
// registration (skyddad folkbokföring), one with an address.
func register(t *testing.T) *popreg.File {
	t.Helper()
	f, err := popreg.ParseFile([]byte(`[
		{"personal_number": "` + pnr[5] + `", "name": "Öppen Person"},
		{"personal_number": "` + pnr[6] + `", "name": "Skyddad Person", "protection": "skyddad_folkbokforing"},
		{"personal_number": "` + pnr[8] + `", "name": "Nora Skyddad", "protection": "sekretessmarkering",
		 "guardians": [{"name": "Vårdnadshavare Skyddad"}]},
		{"personal_number": "` + pnr[7] + `", "name": "Adress Person", "address": "Registervägen 3"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func openWithRegister(t *testing.T, e storetest.Engine, clock *storetest.Clock, reg popreg.Registry) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{DSN: storetest.DSN(t, e), Keys: envelope.Ephemeral(), Now: clock.Now, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Identity at intake with the population register: a protected identity the register reports
// applies at once — at the concern, and retroactively when an unidentified young person is
// identified — and the reads made in between are opened for the auditor's review.
func TestIdentityFromThePopulationRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := openWithRegister(t, e, clock, register(t))
		f := storetest.Seed(t, s, "9901", "")
		reporter, prep, coord := f.Ctx(t, s, casework.RoleGroupMember), f.Ctx(t, s, casework.RolePrepGroup), f.Ctx(t, s, casework.RoleCoordinator)
		auditor := f.Ctx(t, s, casework.RoleAuditor)
		concern := func(in casework.YouthInput) int64 {
			t.Helper()
			in.DistrictID = f.Districts[0].ID
			rc, err := s.RegisterConcern(reporter, store.ConcernInput{Youth: in, Ratings: storetest.IRKRatings(3)})
			if err != nil {
				t.Fatal(err)
			}
			return rc.CaseID
		}
		detail := func(ctx context.Context, id int64) store.CaseDetail {
			t.Helper()
			cd, err := s.CaseDetail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return cd
		}

		t.Run("a concern with the number of a protected person is protected from the start", func(t *testing.T) {
			id := concern(casework.YouthInput{FirstName: "Sara", LastName: "Skydd", PersonalNumber: pnr[6], School: "Lönnskolan"})
			if cd := detail(prep, id); !cd.Youth.ProtectedIdentity || cd.Youth.School != "" {
				t.Fatalf("the register's protection was not applied: %+v", cd.Youth)
			}
		})
		t.Run("an unprotected number lifts the intake protection", func(t *testing.T) {
			id := concern(casework.YouthInput{FirstName: "Olle", LastName: "Öppen", PersonalNumber: pnr[5], School: "Ekskolan"})
			if cd := detail(prep, id); cd.Youth.ProtectedIdentity || cd.Youth.School != "Ekskolan" {
				t.Fatalf("%+v", cd.Youth)
			}
		})
		t.Run("identified as protected: the protection covers what was recorded, the reads in between are listed", func(t *testing.T) {
			girl := concern(casework.YouthInput{FirstName: "Nora", LastName: "Namnlös", BirthDate: "2009-04-06", School: "Björkskolan", Address: "Okänd väg 1"})
			clock.Advance(time.Hour)
			detail(prep, girl) // the preparatory group reads the case while it is unidentified
			clock.Advance(time.Hour)
			if err := s.IdentifyYouth(coord, girl, store.IdentifyInput{PersonalNumber: pnr[6]}); casework.AsError(err).Key != "identify.number_taken" {
				t.Fatalf("a number another young person has: %v", err)
			}
			if err := s.IdentifyYouth(coord, girl, store.IdentifyInput{}); casework.AsError(err).Code != casework.EInvalid {
				t.Fatalf("neither number nor confirmation: %v", err)
			}
			if err := s.IdentifyYouth(coord, girl, store.IdentifyInput{PersonalNumber: pnr[8]}); err != nil {
				t.Fatal(err)
			}
			cd := detail(prep, girl)
			if cd.Youth.Unidentified || !cd.Youth.ProtectedIdentity || cd.Youth.School != "" || cd.Youth.Address != "" {
				t.Fatalf("after identification the preparatory group sees %+v", cd.Youth)
			}
			if cd := detail(coord, girl); cd.Youth.Address != "Okänd väg 1" || cd.Youth.PersonalNumber.String() != pnr[8] {
				t.Fatalf("the coordinator: %+v", cd.Youth)
			}
			if err := s.IdentifyYouth(coord, girl, store.IdentifyInput{PersonalNumber: pnr[9]}); casework.AsError(err).Key != "identify.already" {
				t.Fatalf("identified twice: %v", err)
			}
			rs, err := s.IdentityReviews(auditor, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Youth.Name != "Nora Namnlös" || rs[0].Protection != "register:sekretessmarkering" || rs[0].How != "personal_number" {
				t.Fatalf("reviews %+v", rs)
			}
			prepUser := f.Users[casework.RolePrepGroup].ID
			sawPrep := false
			for _, l := range rs[0].Reads {
				if l.UserID == prepUser && l.Action == "read" {
					sawPrep = true
				}
				if l.At.After(rs[0].IdentifiedAt) {
					t.Errorf("a read after the identification is listed: %+v", l)
				}
			}
			if !sawPrep {
				t.Fatalf("the preparatory group's read is not listed: %+v", rs[0].Reads)
			}
			if err := s.CloseIdentityReview(auditor, rs[0].ID, ""); casework.AsError(err).Code != casework.EInvalid {
				t.Fatalf("closed without a note: %v", err)
			}
			if err := s.CloseIdentityReview(auditor, rs[0].ID, "Beredningsgruppens läsning var i tjänsten; inga adressuppgifter visades."); err != nil {
				t.Fatal(err)
			}
			if rs, _ := s.IdentityReviews(auditor, false); len(rs) != 0 {
				t.Fatal("the review is still open")
			}
			if _, err := s.IdentityReviews(coord, false); casework.AsError(err).Code != casework.EForbidden {
				t.Fatalf("a coordinator reads the reviews: %v", err)
			}
		})
		t.Run("confirmed without a number, not protected: the intake protection lifts", func(t *testing.T) {
			id := concern(casework.YouthInput{FirstName: "Ali", LastName: "Nyanländ", BirthDate: "2010-02-02", School: "Almskolan"})
			if err := s.IdentifyYouth(coord, id, store.IdentifyInput{Confirm: true}); casework.AsError(err).Code != casework.EInvalid {
				t.Fatalf("confirmed without a basis: %v", err)
			}
			if err := s.IdentifyYouth(coord, id, store.IdentifyInput{Confirm: true, Basis: "LMA-kort kontrollerat"}); err != nil {
				t.Fatal(err)
			}
			if cd := detail(prep, id); cd.Youth.Unidentified || cd.Youth.School != "Almskolan" {
				t.Fatalf("%+v", cd.Youth)
			}
		})
		t.Run("a protection recorded by hand on a young person read before opens a review too", func(t *testing.T) {
			id := concern(casework.YouthInput{FirstName: "Kim", LastName: "Känd", PersonalNumber: pnr[7]})
			if cd := detail(coord, id); cd.Youth.Address != "" {
				t.Fatalf("the register's address was filled in at the concern: %q", cd.Youth.Address)
			}
			clock.Advance(time.Hour)
			detail(prep, id)
			clock.Advance(time.Hour)
			if err := s.UpdateYouth(coord, id, casework.YouthInput{FirstName: "Kim", LastName: "Känd", PersonalNumber: pnr[7], ProtectedIdentity: true,
				DistrictID: f.Districts[0].ID}); err != nil {
				t.Fatal(err)
			}
			rs, err := s.IdentityReviews(auditor, false)
			if err != nil || len(rs) != 1 || rs[0].Protection != "recorded" || rs[0].How != "correction" {
				t.Fatalf("%+v %v", rs, err)
			}
		})
	})
}
