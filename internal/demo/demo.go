// Package demo creates "Demo kommun", a realistic, entirely synthetic municipality to try Lots
// with: districts, agencies, users in every role and young people at every step of the case
// flow. Names are invented; personnummer come from Skatteverket's published test numbers,
// which belong to no real person.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// Code is the demo municipality's kommunkod. 9999 is not a real municipality.
const Code = "9999"

// Password is every demo user's password.
const Password = "demo-lots-2026"

// DemoUser is a login the demo prints.
type DemoUser struct {
	Username, Name, Agency, Roles string
}

// Result says what Load did.
type Result struct {
	Created      bool // false when the demo municipality already existed
	Municipality casework.Municipality
	Users        []DemoUser
}

type userSpec struct {
	username, name, title, agency string
	roles                         []casework.Role
}

var agencies = []casework.Agency{
	{Name: "Socialtjänsten, barn och unga", Kind: casework.AgencySocial},
	{Name: "Polisen, lokalpolisområde Demo", Kind: casework.AgencyPolice},
	{Name: "Grundskoleförvaltningen", Kind: casework.AgencySchool},
	{Name: "Gymnasieförvaltningen", Kind: casework.AgencySchool},
	{Name: "Fritidsförvaltningen", Kind: casework.AgencyLeisure},
	{Name: "BUP Demo", Kind: casework.AgencyBUP},
	{Name: "Habiliteringen", Kind: casework.AgencyHabilitation},
	{Name: "Arbetsförmedlingen", Kind: casework.AgencyEmployment},
	{Name: "Frivården Demo", Kind: casework.AgencyProbation},
	{Name: "HVB Solgläntan", Kind: casework.AgencyHVB},
	{Name: "Föreningen Unga Ledare", Kind: casework.AgencyCivilSociety},
	{Name: "Kommunledningskontoret", Kind: casework.AgencyMunicipalMgmt},
}

var units = map[string][]string{
	"Socialtjänsten, barn och unga":  {"SIG-teamet", "Utredningsenheten", "Fältgruppen"},
	"Grundskoleförvaltningen":        {"Norrskolan", "Centrumskolan", "Söderskolan", "Västerskolan"},
	"Gymnasieförvaltningen":          {"Demo gymnasium"},
	"Fritidsförvaltningen":           {"Fritidsgården Norr", "Fritidsgården Söder"},
	"Polisen, lokalpolisområde Demo": {"Områdespolisen", "Ungdomsutredare"},
}

var districts = []string{"Centrum", "Norra", "Södra", "Västra"}

var users = []userSpec{
	{"samordnare", "Sara Lindqvist", "SIG-samordnare", "Socialtjänsten, barn och unga", []casework.Role{casework.RoleCoordinator}},
	{"samordnare2", "Johan Berg", "SIG-samordnare", "Socialtjänsten, barn och unga", []casework.Role{casework.RoleCoordinator}},
	{"handlaggare", "Amira Haddad", "Socialsekreterare", "Socialtjänsten, barn och unga", []casework.Role{casework.RoleCaseOfficer}},
	{"polis", "Erik Nilsson", "Områdespolis", "Polisen, lokalpolisområde Demo", []casework.Role{casework.RoleGroupMember}},
	{"skola", "Maria Svensson", "Kurator", "Grundskoleförvaltningen", []casework.Role{casework.RoleGroupMember}},
	{"fritid", "Ahmed Ali", "Fritidsledare", "Fritidsförvaltningen", []casework.Role{casework.RoleGroupMember}},
	{"bup", "Karin Öberg", "Psykolog", "BUP Demo", []casework.Role{casework.RoleGroupMember}},
	{"beredning", "Lena Åkesson", "Enhetschef", "Socialtjänsten, barn och unga", []casework.Role{casework.RolePrepGroup}},
	{"styrgrupp", "Per Holm", "Förvaltningschef", "Kommunledningskontoret", []casework.Role{casework.RoleSteering}},
	{"analytiker", "Noor Yusuf", "Utvecklingsledare", "Kommunledningskontoret", []casework.Role{casework.RoleAnalyst}},
	{"granskare", "Eva Strand", "Logggranskare, dataskydd", "Kommunledningskontoret", []casework.Role{casework.RoleAuditor}},
	{"admin", "Tomas Ek", "Systemförvaltare", "Kommunledningskontoret", []casework.Role{casework.RoleAdmin}},
}

// completeHistory is fewer audit entries than a complete demo history writes (about 5 300, of
// which the follow-up indicators' recordings are 1 600): a demo municipality with fewer was
// interrupted while it was being built.
const completeHistory = 2000

// demoSeed fixes the demo's random choices: Demo kommun is the same every time it is created
// (the days move with the calendar, the people and their stories do not).
const demoSeed = 20260101

// Load creates the demo municipality unless it exists, and returns its logins. A new demo
// municipality gets its organisation, its users and about 150 young people with histories
// over the last year and a half, written through the store as the demo users would have
// written them, day by day, with the store's clock set to each moment — the follow-up
// manual's indicators included. Loading again reuses what is there. Either way the export
// files of six invented municipalities for the two whole half-years before the store's clock
// (stats.DemoExports, made now and the same every time) are imported for the national
// comparison, unless they are there already; a load in a later half-year adds its periods.
func Load(ctx context.Context, st *store.Store, h *auth.Hasher) (Result, error) {
	var res Result
	m, err := st.MunicipalityByCode(ctx, Code)
	switch casework.ErrorCode(err) {
	case "":
		res.Municipality = m
		head, err := st.AuditHead(ctx, m.ID)
		if err != nil {
			return res, err
		}
		if head.Size < completeHistory {
			return res, fmt.Errorf("%s in this database is incomplete (its history was interrupted, or made by an older version of Lots): start over with an empty database (lots demo --reset)", m.Name)
		}
	case casework.ENotFound:
		if res.Municipality, err = build(ctx, st, h); err != nil {
			return res, err
		}
		res.Created = true
		// The planner's statistics describe the tables as they were before the history.
		if err := st.Optimize(ctx); err != nil {
			return res, err
		}
	default:
		return res, err
	}
	// The national comparison's invented municipalities, so Demo kommun has others to be
	// compared with in the half-year the dashboard opens on, whenever it starts. Files already
	// there are left as they are.
	if _, err := st.ImportDemoExports(ctx); err != nil {
		return res, fmt.Errorf("demo export files: %w", err)
	}
	res.Users = demoUsers()
	return res, nil
}

func demoUsers() []DemoUser {
	var out []DemoUser
	for _, u := range users {
		var roles []string
		for _, r := range u.roles {
			roles = append(roles, string(r))
		}
		out = append(out, DemoUser{Username: u.username, Name: u.name, Agency: u.agency, Roles: fmt.Sprint(roles)})
	}
	return out
}

// LoadBase creates Demo kommun's organisation and users only — no young people — unless the
// municipality exists. Tests start from it and make the cases they need; it takes a moment
// where Load's history takes many seconds.
func LoadBase(ctx context.Context, st *store.Store, h *auth.Hasher) (Result, error) {
	res := Result{Users: demoUsers()}
	m, err := st.MunicipalityByCode(ctx, Code)
	switch casework.ErrorCode(err) {
	case "":
		res.Municipality = m
		return res, nil
	case casework.ENotFound:
		res.Municipality, err = create(ctx, st, h)
		res.Created = err == nil
		return res, err
	}
	return res, err
}

// build creates Demo kommun as it was 22 months ago and lets its history happen up to now.
func build(ctx context.Context, st *store.Store, h *auth.Hasher) (casework.Municipality, error) {
	cal := newCalendar(st.Now())
	clk := &clock{t: cal.first.Add(9 * time.Hour)}
	hst := st.WithClock(clk.Now)
	m, err := create(ctx, hst, h)
	if err != nil {
		return m, err
	}
	w, err := newWorld(ctx, hst, m)
	if err != nil {
		return m, err
	}
	pool := newNumberPool(demoDays)
	if _, err = populate(w, cal, clk, demoCast(), demoSeed, pool); err != nil {
		return m, err
	}
	return m, mappingData(ctx, st, m) // mapping.go
}

// demoDays are the birth days of the month the demo takes its numbers from; Seed takes the
// others. The test fixtures' numbers (storetest.TestPersonalNumbers) fall on none of these
// days, so a test may register any of them in the demo municipality as a new young person;
// TestFixtureNumbersAreNotTheDemos keeps it so.
func demoDays(day int) bool {
	switch day {
	case 5, 8, 16, 18, 20, 22, 28, 29:
		return true
	}
	return false
}

// populate plans a story for each spec and plays them all on the clock, in time order. It
// returns how many store calls the history made.
func populate(w *world, cal *calendar, clk *clock, specs []spec, seed uint64, pool *numberPool) (int, error) {
	var stories []*story
	for i, sp := range specs {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		s := newStory(w, cal, sp, r, pool, stories)
		s.ri = indicatorRand(seed, i)
		stories = append(stories, s)
	}
	h := &history{end: cal.now}
	for _, s := range stories {
		s.events(h)
	}
	placeDemo(h, stories)   // story_placements.go
	closureDemo(h, stories) // story_closure.go
	return len(h.events), h.play(clk)
}

func create(ctx context.Context, st *store.Store, h *auth.Hasher) (casework.Municipality, error) {
	m := casework.Municipality{Code: Code, Name: "Demo kommun", Settings: casework.DefaultSettings()}
	m.Settings.MotivationPhase = true
	if err := st.CreateMunicipality(ctx, &m); err != nil {
		return m, err
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "demo"))
	for _, name := range districts {
		if err := st.CreateDistrict(sys, &casework.District{Name: name}); err != nil {
			return m, err
		}
	}
	agencyID := map[string]int64{}
	for _, a := range agencies {
		if err := st.CreateAgency(sys, &a); err != nil {
			return m, err
		}
		agencyID[a.Name] = a.ID
		for _, un := range units[a.Name] {
			if err := st.CreateUnit(sys, &casework.Unit{AgencyID: a.ID, Name: un}); err != nil {
				return m, err
			}
		}
	}
	hash, err := h.Hash(Password) // one hash for all: same password, and the demo starts fast
	if err != nil {
		return m, err
	}
	var adminID int64
	for _, spec := range users {
		u := casework.User{Username: spec.username, Name: spec.name, Title: spec.title, AgencyID: agencyID[spec.agency], Roles: casework.NewRoleSet(spec.roles...)}
		if err := st.CreateUser(sys, &u, hash); err != nil {
			return m, fmt.Errorf("demo user %s: %w", spec.username, err)
		}
		if u.Roles.Has(casework.RoleAdmin) {
			adminID = u.ID
		}
	}
	return m, costRegister(ctx, st, m, adminID)
}
