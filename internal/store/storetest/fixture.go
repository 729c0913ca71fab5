package storetest

import (
	"context"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// Password is every fixture user's password.
const Password = "testlösenord-123"

// Fixture is a small municipality: four agencies, two districts and one user per role.
type Fixture struct {
	Municipality casework.Municipality
	Districts    []casework.District
	Agencies     map[casework.AgencyKind]casework.Agency
	Users        map[casework.Role]casework.User // username: <prefix><role>, e.g. "coordinator"
}

// Actor returns the actor for the fixture's user with role r.
func (f *Fixture) Actor(t testing.TB, s *store.Store, r casework.Role) casework.Actor {
	t.Helper()
	u := f.Users[r]
	a, err := s.Actor(context.Background(), u.MunicipalityID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatalf("actor %s: %v", r, err)
	}
	return a
}

// Ctx returns a context carrying the actor with role r.
func (f *Fixture) Ctx(t testing.TB, s *store.Store, r casework.Role) context.Context {
	return casework.WithActor(context.Background(), f.Actor(t, s, r))
}

// Seed creates a fixture municipality. code is the kommunkod ("9901"); prefix is put before
// every username so two fixtures can share a database.
func Seed(t testing.TB, s *store.Store, code, prefix string) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{Agencies: map[casework.AgencyKind]casework.Agency{}, Users: map[casework.Role]casework.User{}}
	f.Municipality = casework.Municipality{Code: code, Name: "Testkommun " + code}
	must(t, s.CreateMunicipality(ctx, &f.Municipality))
	sys := casework.WithActor(ctx, casework.SystemActor(f.Municipality.ID, "fixture"))
	for _, n := range []string{"Norra", "Södra"} {
		d := casework.District{MunicipalityID: f.Municipality.ID, Name: n}
		must(t, s.CreateDistrict(sys, &d))
		f.Districts = append(f.Districts, d)
	}
	for _, k := range []casework.AgencyKind{casework.AgencySocial, casework.AgencyPolice, casework.AgencySchool, casework.AgencyLeisure} {
		a := casework.Agency{MunicipalityID: f.Municipality.ID, Name: string(k) + " " + code, Kind: k}
		must(t, s.CreateAgency(sys, &a))
		f.Agencies[k] = a
	}
	agencyOf := map[casework.Role]casework.AgencyKind{
		casework.RoleCoordinator: casework.AgencySocial, casework.RoleCaseOfficer: casework.AgencySocial,
		casework.RoleGroupMember: casework.AgencyPolice, casework.RolePrepGroup: casework.AgencySocial,
		casework.RoleSteering: casework.AgencySocial, casework.RoleAnalyst: casework.AgencySocial,
		casework.RoleAuditor: casework.AgencySocial, casework.RoleAdmin: casework.AgencySocial,
	}
	hash, err := auth.NewHasher(auth.FastParams).Hash(Password)
	must(t, err)
	for _, r := range casework.Roles {
		u := casework.User{
			Username: prefix + string(r), Name: "Test " + string(r), AgencyID: f.Agencies[agencyOf[r]].ID,
			Roles: casework.NewRoleSet(r),
		}
		must(t, s.CreateUser(sys, &u, hash))
		f.Users[r] = u
	}
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Existing describes a municipality already in the store (e.g. Demo kommun, loaded by the
// app) as a fixture, so the fixture's helpers (Concern, Advance, Consent) work on it: its
// districts, its first agency of each kind by name, and the users named by users under their
// roles (e.g. RoleCoordinator: "samordnare").
func Existing(t testing.TB, st *store.Store, code string, users map[casework.Role]string) *Fixture {
	t.Helper()
	ctx := context.Background()
	m, err := st.MunicipalityByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Municipality: m, Agencies: map[casework.AgencyKind]casework.Agency{}, Users: map[casework.Role]casework.User{}}
	if f.Districts, err = st.Districts(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	ags, err := st.Agencies(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags { // by name: "Grundskoleförvaltningen" before "Gymnasieförvaltningen"
		if _, ok := f.Agencies[a.Kind]; !ok {
			f.Agencies[a.Kind] = a
		}
	}
	for role, username := range users {
		id, err := st.UserIDByUsername(ctx, m.ID, username)
		if err != nil {
			t.Fatal(err)
		}
		f.Users[role] = casework.User{ID: id, MunicipalityID: m.ID}
	}
	return f
}
