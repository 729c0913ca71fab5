package store_test

import (
	"testing"

	"lots/internal/casework"
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
