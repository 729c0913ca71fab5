package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// SeedResult says what Seed did.
type SeedResult struct {
	Youths int           // young people registered
	Calls  int           // store calls the histories made
	Took   time.Duration // how long it took
}

// Seed registers n synthetic young people in municipality m, with histories over the last
// year and a half spread over every step of the flow — simpler than the demo's (fewer notes,
// no second concerns, no SAVRY, no follow-up indicators), but written the same way: through
// the store's methods, as the municipality's own users, with the store's clock set to each
// moment. It is for load tests and for comparing municipalities.
//
// The municipality needs districts, agencies and users to act; what is missing is created
// (users named seed<code>-…, with a random password nobody knows). The same seed gives the
// same people. Personnummer come from the part of Skatteverket's test list the demo does not
// use; past about 5 000 people a municipality gets reserve identities instead. Seed a
// municipality once: a second run would meet its own personnummer again.
func Seed(ctx context.Context, st *store.Store, h *auth.Hasher, m casework.Municipality, n int, seed uint64) (SeedResult, error) {
	start := time.Now()
	res := SeedResult{Youths: n}
	cal := newCalendar(st.Now())
	clk := &clock{t: cal.first.Add(9 * time.Hour)}
	hst := st.WithClock(clk.Now)
	m, err := st.Municipality(ctx, m.ID) // with its settings as stored
	if err != nil {
		return res, err
	}
	if err := ensureOrganisation(ctx, hst, h, m); err != nil {
		return res, fmt.Errorf("seed %s: %w", m.Code, err)
	}
	w, err := newWorld(ctx, hst, m)
	if err != nil {
		return res, err
	}
	specs := seedCast(mrand.New(mrand.NewPCG(seed, 1<<62)), n, m.Settings.MotivationPhase)
	pool := newNumberPool(func(day int) bool { return !demoDays(day) })
	res.Calls, err = populate(w, cal, clk, specs, seed, pool)
	res.Took = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("seed %s (a municipality can be seeded once): %w", m.Code, err)
	}
	// The planner's statistics describe the tables as they were before the bulk load.
	return res, st.Optimize(ctx)
}

// ensureOrganisation gives the municipality what the stories need: districts, a social
// services, police, school and leisure agency, two coordinators, a preparatory group member,
// a case officer, and a police, school and leisure member.
func ensureOrganisation(ctx context.Context, st *store.Store, h *auth.Hasher, m casework.Municipality) error {
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "seed"))
	ds, err := st.Districts(ctx, m.ID)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		for _, name := range districts {
			if err := st.CreateDistrict(sys, &casework.District{Name: name}); err != nil {
				return err
			}
		}
	}
	ags, err := st.Agencies(ctx, m.ID)
	if err != nil {
		return err
	}
	agency := map[casework.AgencyKind]int64{}
	kindOf := map[int64]casework.AgencyKind{}
	for _, a := range ags {
		kindOf[a.ID] = a.Kind
		if agency[a.Kind] == 0 {
			agency[a.Kind] = a.ID
		}
	}
	for _, a := range []casework.Agency{
		{Name: "Socialtjänsten", Kind: casework.AgencySocial}, {Name: "Polisen", Kind: casework.AgencyPolice},
		{Name: "Skolan", Kind: casework.AgencySchool}, {Name: "Fritid", Kind: casework.AgencyLeisure},
	} {
		if agency[a.Kind] == 0 {
			if err := st.CreateAgency(sys, &a); err != nil {
				return err
			}
			agency[a.Kind], kindOf[a.ID] = a.ID, a.Kind
		}
	}
	us, err := st.Users(sys)
	if err != nil {
		return err
	}
	count := func(r casework.Role, k casework.AgencyKind) int {
		n := 0
		for _, u := range us {
			if u.Active && u.Roles.Has(r) && kindOf[u.AgencyID] == k {
				n++
			}
		}
		return n
	}
	type need struct {
		name  string
		title string
		role  casework.Role
		kind  casework.AgencyKind
		want  int
	}
	var hash string
	for _, nd := range []need{
		{"samordnare", "SIG-samordnare", casework.RoleCoordinator, casework.AgencySocial, 2},
		{"beredning", "Enhetschef", casework.RolePrepGroup, casework.AgencySocial, 1},
		{"handlaggare", "Socialsekreterare", casework.RoleCaseOfficer, casework.AgencySocial, 1},
		{"polis", "Områdespolis", casework.RoleGroupMember, casework.AgencyPolice, 1},
		{"skola", "Kurator", casework.RoleGroupMember, casework.AgencySchool, 1},
		{"fritid", "Fritidsledare", casework.RoleGroupMember, casework.AgencyLeisure, 1},
	} {
		for i := count(nd.role, nd.kind); i < nd.want; i++ {
			if hash == "" {
				if h == nil {
					return fmt.Errorf("no %s user and no hasher to create one", nd.role)
				}
				secret := make([]byte, 24)
				_, _ = rand.Read(secret)
				if hash, err = h.Hash(hex.EncodeToString(secret)); err != nil {
					return err
				}
			}
			u := casework.User{Username: fmt.Sprintf("seed%s-%s%d", m.Code, nd.name, i+1), Name: fmt.Sprintf("%s %d (%s)", nd.title, i+1, m.Name),
				Title: nd.title, AgencyID: agency[nd.kind], Roles: casework.NewRoleSet(nd.role)}
			if err := st.CreateUser(sys, &u, hash); err != nil {
				return fmt.Errorf("seed user %s: %w", u.Username, err)
			}
		}
	}
	return nil
}
