package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// BulkResult says what SeedBulk did.
type BulkResult struct {
	Youths       int
	Areas        int
	Coordinators int
	Users        int
	Rows         int
	Took         time.Duration
	// Coordinator is a seeded coordinator with a caseload of about ten open cases, Police a
	// police member in the same area (both log in with Password): what lots bench measures as.
	Coordinator, Police string
}

// bulkAreaYouths is how many young people one area (lokalpolisområde) has over the history:
// each area has its own police, school, leisure and child psychiatry agencies and their
// professionals, and enough coordinators for about ten open cases each.
const bulkAreaYouths = 1000

// bulkYears is how far back the history goes.
const bulkYears = 10

// bulkChunk is how many young people are written per transaction.
const bulkChunk = 1000

// SeedBulk writes n synthetic young people with ten years of history into municipality m,
// straight into the tables in large transactions (store.BulkLoad) — about a hundred thousand
// in minutes, where Seed's store calls manage one every few milliseconds. The shape is a
// municipality's: areas of about a thousand young people (over the years), each with its own
// police, school, leisure and BUP agencies and professionals; coordinators with about ten
// open cases each; cases through every step — a sixth closed at intake, most started, with
// consents signed by the young person and the guardians and renewed while the work goes on,
// groups of eight to twelve professionals meeting every four to six weeks with minutes,
// decisions and tasks, action plans and their revisions, Check: IRK at concern, intake and
// closure, the follow-up indicators, and the 6- and 12-month follow-ups. SIG and SSPF.
//
// Nothing is audited (the rows were "always there"); every rule the pages rely on holds:
// staff links, parties, signed consents naming the parties, group members from the parties.
// Users get the demo password. Personnummer come from Skatteverket's test list (the part
// the demo does not use) while they last, then reserve identities numbered per year, unique
// by construction; ids are unique by construction too. A municipality is bulk-seeded once.
func SeedBulk(ctx context.Context, st *store.Store, h *auth.Hasher, m casework.Municipality, n int, seed uint64) (res BulkResult, err error) {
	start := time.Now()
	res = BulkResult{Youths: n}
	m, err = st.Municipality(ctx, m.ID)
	if err != nil {
		return res, err
	}
	b, err := newBulkWorld(ctx, st, m, n, seed)
	if err != nil {
		return res, err
	}
	if b.hash, err = h.Hash(Password); err != nil {
		return res, err
	}
	b.plan()
	org := store.NewBulk()
	if err := b.organisation(org); err != nil {
		return res, err
	}
	if err := st.WriteBulk(ctx, org); err != nil {
		return res, fmt.Errorf("bulk organisation: %w", err)
	}
	res.Rows = org.Rows()
	// The tables' indexes are built once after the load, not kept up through it.
	var tables []string
	for t := range bulkCols {
		if t != "youths" { // the personnummer and reserve id indexes keep registrations apart
			tables = append(tables, t)
		}
	}
	slices.Sort(tables)
	restore, err := st.DropIndexesForBulk(ctx, tables)
	defer func() {
		if restore != nil {
			if rerr := restore(context.WithoutCancel(ctx)); rerr != nil && err == nil {
				err = rerr
			}
		}
	}()
	if err != nil {
		return res, err
	}
	// The rows of the next chunk are made while the last is written.
	chunks := make(chan *store.Bulk, 1)
	made := make(chan error, 1)
	gctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		defer close(chunks)
		for from := 0; from < len(b.youths) && gctx.Err() == nil; from += bulkChunk {
			b.ids.chunk(1 + from/bulkChunk)
			bl := store.NewBulk()
			for _, y := range b.youths[from:min(from+bulkChunk, len(b.youths))] {
				if err := b.write(bl, y); err != nil {
					made <- err
					return
				}
			}
			select {
			case chunks <- bl:
			case <-gctx.Done():
				return
			}
		}
		made <- nil
	}()
	for bl := range chunks {
		if err := st.WriteBulk(ctx, bl); err != nil {
			return res, fmt.Errorf("bulk young people: %w", err)
		}
		res.Rows += bl.Rows()
	}
	if err := <-made; err != nil {
		return res, err
	}
	if err := restore(ctx); err != nil {
		return res, err
	}
	restore = nil
	res.Areas, res.Users = len(b.areas), b.users
	for _, a := range b.areas {
		res.Coordinators += len(a.coordinators)
	}
	res.Coordinator, res.Police = b.areas[0].coordinators[0].username, b.areas[0].staff[casework.AgencyPolice][0].username
	// The planner's statistics describe the tables as they were before the load.
	if err := st.Optimize(ctx); err != nil {
		return res, err
	}
	// Ten years of history have ten years of published half-years, as a Lots that ran through
	// them would have made: the dashboard's releases.
	if _, err := st.PublishDueReleases(ctx); err != nil {
		return res, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// bulkUser is a seeded professional.
type bulkUser struct {
	id                    int64
	username, name, title string
	agency                int64
	kind                  casework.AgencyKind
}

// bulkArea is one area's agencies and people.
type bulkArea struct {
	n            int
	district     int64
	agency       map[casework.AgencyKind]int64
	agencyName   map[casework.AgencyKind]string
	coordinators []bulkUser
	officers     []bulkUser
	staff        map[casework.AgencyKind][]bulkUser // group members by agency kind
	open         int                                // cases open now that have a coordinator
}

// bulkYouth is one young person's planned history.
type bulkYouth struct {
	i        int
	area     *bulkArea
	r        *rand.Rand
	prof     *profile
	male     bool
	bg       *background
	first    string
	last     string
	pnr      string
	reserve  string
	birth    time.Time
	program  casework.Program
	people   []casework.RelatedPerson
	reporter casework.AgencyKind
	coord    *bulkUser
	officer  *bulkUser

	// the moments of the flow; zero when not reached (by now)
	// (SSPF: assessed and decided are both the coordinator's finding that SSPF applies; mapped
	// the mapping conversation; convened the network meeting; parties stay zero)
	opened, takenOn, assessed, decided, parties, consent, mapped, convened, planSet, closed, follow6, follow12 time.Time
	step                                                                                                       casework.Step
	closure                                                                                                    casework.ClosureReason
	withdrawn                                                                                                  time.Time
}

type bulkWorld struct {
	st        *store.Store
	m         casework.Municipality
	now       time.Time
	seed      uint64
	social    int64
	socName   string
	districts []casework.District
	areas     []*bulkArea
	youths    []*bulkYouth
	hash      string
	irk       casework.Instrument
	ids       bulkIDs
	pool      *numberPool
	reserves  map[int]int // next reserve number per year
	users     int
}

// bulkIDs hands out ids that are unique by construction and look random. The 53 bits are a
// bucket (10 bits) and a place in it (43 bits): each chunk of young people gets a bucket of its
// own, and within it a counter times an odd constant, modulo 2^43, xor a salt — a bijection.
// A chunk's rows thus land in one region of each table and index, as appends to it: with ids
// random over the whole range every chunk would touch nearly every page of every table, and a
// load's writes would grow with the square of its size. (Within the region, a case's rows are
// as scattered as the store's random ids leave them.)
type bulkIDs struct {
	bucket, next, salt uint64
}

const (
	bulkPlaceBits = 43
	bulkBuckets   = 1 << (53 - bulkPlaceBits)
)

// chunk starts the ids of chunk i (the organisation is chunk 0).
func (g *bulkIDs) chunk(i int) {
	g.bucket, g.next = (uint64(i)*0x2F5+g.salt>>bulkPlaceBits)%bulkBuckets, 0
}

func (g *bulkIDs) id() int64 {
	g.next++
	const mask = 1<<bulkPlaceBits - 1
	v := g.bucket<<bulkPlaceBits | ((g.next*0x9E3779B97F4A7C15)&mask^g.salt)&mask
	if v == 0 { // 0 means "none" in the store; the bijection maps one counter here
		return g.id()
	}
	return int64(v)
}

func newBulkWorld(ctx context.Context, st *store.Store, m casework.Municipality, n int, seed uint64) (*bulkWorld, error) {
	w := &bulkWorld{st: st, m: m, now: st.Now().UTC(), seed: seed, reserves: map[int]int{}, irk: casework.IRK(),
		pool: newNumberPool(func(day int) bool { return !demoDays(day) })}
	if n/bulkChunk+2 > bulkBuckets {
		return nil, fmt.Errorf("at most %d young people in one bulk seed", (bulkBuckets-2)*bulkChunk)
	}
	w.ids.salt = rand.New(rand.NewPCG(seed, uint64(st.Now().UnixNano()))).Uint64() & (1<<53 - 1)
	w.ids.chunk(0)
	var err error
	if w.districts, err = st.Districts(ctx, m.ID); err != nil {
		return nil, err
	}
	if len(w.districts) == 0 {
		return nil, fmt.Errorf("municipality %s has no districts", m.Code)
	}
	ags, err := st.Agencies(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range ags {
		if a.Kind == casework.AgencySocial {
			w.social, w.socName = a.ID, a.Name
			break
		}
	}
	if w.social == 0 {
		return nil, fmt.Errorf("municipality %s has no social services agency", m.Code)
	}
	nAreas := max(1, (n+bulkAreaYouths/2)/bulkAreaYouths)
	for i := range nAreas {
		w.areas = append(w.areas, &bulkArea{n: i + 1, district: w.districts[i%len(w.districts)].ID,
			agency: map[casework.AgencyKind]int64{}, agencyName: map[casework.AgencyKind]string{}, staff: map[casework.AgencyKind][]bulkUser{}})
	}
	for i := range n {
		r := rand.New(rand.NewPCG(seed, uint64(i)|1<<40))
		y := &bulkYouth{i: i, area: w.areas[i%nAreas], r: r}
		w.youths = append(w.youths, y)
	}
	return w, nil
}

// bulkKinds are the agencies of an area whose professionals sit in the groups, and how many
// professionals each has.
var bulkKinds = []struct {
	kind        casework.AgencyKind
	name, title string
	people      int
}{
	{casework.AgencyPolice, "Polisen, lokalpolisområde %s", "Områdespolis", 4},
	{casework.AgencySchool, "Skolförvaltningen, område %s", "Kurator", 8},
	{casework.AgencyLeisure, "Fritidsförvaltningen, område %s", "Fritidsledare", 3},
	{casework.AgencyBUP, "BUP, område %s", "Psykolog", 2},
}

// plan draws every young person's history and sizes each area's coordinators to it.
func (w *bulkWorld) plan() {
	for _, y := range w.youths {
		w.history(y)
		if y.step.Open() && !y.takenOn.IsZero() {
			y.area.open++
		}
	}
	for _, a := range w.areas {
		code := fmt.Sprintf("s%03d", a.n)
		for _, k := range bulkKinds {
			a.agency[k.kind] = w.ids.id()
			a.agencyName[k.kind] = fmt.Sprintf(k.name, fmt.Sprintf("S%03d", a.n))
			for j := range k.people {
				a.staff[k.kind] = append(a.staff[k.kind], w.user(a, k.kind, a.agency[k.kind], k.title, fmt.Sprintf("%s-%s%d", code, k.kind, j+1)))
			}
		}
		for j := range max(1, (a.open+9)/10) {
			a.coordinators = append(a.coordinators, w.user(a, casework.AgencySocial, w.social, "SIG-samordnare", fmt.Sprintf("%s-samordnare%d", code, j+1)))
		}
		for j := range 2 {
			a.officers = append(a.officers, w.user(a, casework.AgencySocial, w.social, "Socialsekreterare", fmt.Sprintf("%s-handlaggare%d", code, j+1)))
		}
		for j := range 2 {
			a.staff[casework.AgencySocial] = append(a.staff[casework.AgencySocial], w.user(a, casework.AgencySocial, w.social, "Fältsekreterare", fmt.Sprintf("%s-falt%d", code, j+1)))
		}
	}
	// Open cases go round the area's coordinators (about ten each); closed ones to anyone.
	next := map[*bulkArea]int{}
	for _, y := range w.youths {
		if y.takenOn.IsZero() {
			continue
		}
		a := y.area
		if y.step.Open() {
			y.coord = &a.coordinators[next[a]%len(a.coordinators)]
			next[a]++
		} else {
			y.coord = &a.coordinators[y.r.IntN(len(a.coordinators))]
		}
		y.officer = &a.officers[y.r.IntN(len(a.officers))]
	}
}

func (w *bulkWorld) user(a *bulkArea, kind casework.AgencyKind, agency int64, title, name string) bulkUser {
	w.users++
	r := rand.New(rand.NewPCG(w.seed, uint64(w.users)|1<<50))
	bg := pickBackground(r)
	first, last := pick(r, bg.women), pick(r, bg.surnames)
	if chance(r, 0.4) {
		first = pick(r, bg.men)
	}
	return bulkUser{id: w.ids.id(), username: fmt.Sprintf("s%s-%s", w.m.Code, name), name: first + " " + last, title: title, agency: agency, kind: kind}
}

// organisation writes the areas' agencies and users.
func (w *bulkWorld) organisation(b *store.Bulk) error {
	mid := w.m.ID
	for _, a := range w.areas {
		for _, k := range bulkKinds {
			if err := b.Add("agencies", "id, municipality_id, name, kind", a.agency[k.kind], mid, a.agencyName[k.kind], string(k.kind)); err != nil {
				return err
			}
		}
	}
	add := func(u bulkUser, role casework.Role) error {
		return b.Add("users", "id, municipality_id, agency_id, username, name, title, roles, locale, password_hash, active, created_at, updated_at",
			u.id, mid, u.agency, u.username, u.name, u.title, string(role), "sv", w.hash, true, w.now, w.now)
	}
	for _, a := range w.areas {
		for _, u := range a.coordinators {
			if err := add(u, casework.RoleCoordinator); err != nil {
				return err
			}
		}
		for _, u := range a.officers {
			if err := add(u, casework.RoleCaseOfficer); err != nil {
				return err
			}
		}
		for _, us := range a.staff {
			for _, u := range us {
				if err := add(u, casework.RoleGroupMember); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// day is a weekday moment: the day d at a working hour in UTC (Swedish office hours).
func workday(r *rand.Rand, d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 7+r.IntN(8), r.IntN(60), 0, 0, time.UTC)
}

// history draws the young person and where the case stands: the moments of the flow up to
// now, in order, each a few days or weeks after the last.
func (w *bulkWorld) history(y *bulkYouth) {
	r := y.r
	day := func(t time.Time, lo, hi int) time.Time { return workday(r, t.AddDate(0, 0, between(r, lo, hi))) }
	y.prof = pickProfile(r)
	y.reporter = pick(r, y.prof.reporters)
	y.bg = pickBackground(r)
	y.male = chance(r, 0.78)
	y.first, y.last = youthName(r, y.bg, y.male, map[string]bool{})
	span := bulkYears * 365
	y.opened = workday(r, w.now.AddDate(0, 0, -1-r.IntN(span)))
	age := ageAtConcern(r, y.prof)
	y.birth = time.Date(y.opened.Year()-age, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	if y.birth.AddDate(age, 0, 0).After(y.opened) {
		y.birth = y.birth.AddDate(-1, 0, 0)
	}
	if !chance(r, 0.03) { // a few have no known personnummer
		if n := w.pool.take(y.birth.Year(), y.male, r.IntN(1000), func(b time.Time) bool {
			return casework.Age(b, y.opened) >= 11 && casework.Age(b, y.opened) <= 18
		}); n != "" {
			y.pnr, y.birth = n, birthOf(n)
		}
	}
	if y.pnr == "" {
		year := y.opened.Year()
		w.reserves[year]++
		// Seven digits where the store's reserve ids have six: never one of theirs.
		y.reserve = fmt.Sprintf("R%d-%07d", year, 1000000+w.reserves[year])
	}
	y.program = casework.ProgramSIG
	if age <= 13 && chance(r, 0.35) {
		y.program = casework.ProgramSSPF
	}
	y.people = relatives(r, y.bg, y.last, false)

	// The flow. Each moment is reached only if it is in the past.
	y.step = casework.StepIdentified
	past := func(t time.Time) bool { return t.Before(w.now) }
	closeAt := func(t time.Time, why casework.ClosureReason) {
		y.closed, y.closure, y.step = t, why, casework.StepClosed
	}
	if chance(r, 0.16) { // the preparatory group says not now, or refers elsewhere
		if t := day(y.opened, 7, 30); past(t) {
			closeAt(t, pick(r, []casework.ClosureReason{casework.CloseNotNow, casework.CloseNotNow, casework.CloseReferred}))
		}
		return
	}
	// reach sets *t to a day lo–hi days after from if that day is in the past, and says so.
	reach := func(t *time.Time, from time.Time, lo, hi int) bool {
		if d := day(from, lo, hi); past(d) {
			*t = d
			return true
		}
		return false
	}
	if !reach(&y.takenOn, y.opened, 3, 14) {
		return
	}
	y.step = casework.StepAssessment
	if y.program == casework.ProgramSSPF {
		w.sspfHistory(y, reach, closeAt, past)
		return
	}
	if !reach(&y.assessed, y.takenOn, 14, 42) {
		return
	}
	y.step = casework.StepDecision
	var decided time.Time
	if !reach(&decided, y.assessed, 2, 10) {
		return
	}
	if chance(r, 0.1) { // SIG not started
		closeAt(decided, casework.CloseNotStarted)
		return
	}
	y.decided, y.step = decided, casework.StepParties
	if !reach(&y.parties, y.decided, 2, 10) {
		return
	}
	y.step = casework.StepConsent
	if !reach(&y.consent, y.parties, 5, 25) {
		return
	}
	y.step = casework.StepPlanning
	convened := day(y.consent, 5, 14)
	if !reach(&y.planSet, convened, 7, 21) {
		if past(convened) {
			y.convened = convened
		}
		return
	}
	y.convened, y.step = convened, casework.StepActive
	end := day(y.planSet, 150, 540)
	why := pick(r, []casework.ClosureReason{casework.CloseGoalsReached, casework.CloseGoalsReached, casework.CloseGoalsReached,
		casework.CloseMoved, casework.ClosePlaced, casework.CloseDeclined, casework.CloseAgedOut})
	if chance(r, 0.05) {
		why, end = casework.CloseConsentWithdrawn, day(y.planSet, 30, 200)
		if past(end) {
			y.withdrawn = end
		}
	}
	if !past(end) {
		return
	}
	w.ending(y, end, why, reach, closeAt, past)
}

// ending draws how an active case ends: closed at end (when that is past) for why, then the
// 6- and 12-month follow-ups.
func (w *bulkWorld) ending(y *bulkYouth, end time.Time, why casework.ClosureReason, reach func(*time.Time, time.Time, int, int) bool,
	closeAt func(time.Time, casework.ClosureReason), past func(time.Time) bool) {
	if !past(end) {
		return
	}
	closeAt(end, why)
	if !reach(&y.follow6, end, 183, 200) || !reach(&y.follow12, end, 365, 380) {
		return
	}
	y.step = casework.StepFollowedUp
}

// sspfHistory draws an SSPF case after intake along SSPF's own steps: the coordinator's
// assessment whether SSPF applies (which is also the decision to start), consent, the mapping
// conversation, the network meeting with the commitment plan, follow-up — the moves
// casework.Transitions offers SSPF, so the events are a history Lots itself could have written.
func (w *bulkWorld) sspfHistory(y *bulkYouth, reach func(*time.Time, time.Time, int, int) bool,
	closeAt func(time.Time, casework.ClosureReason), past func(time.Time) bool) {
	r := y.r
	var found time.Time
	if !reach(&found, y.takenOn, 3, 14) { // SSPF's assessment is lighter: days, not weeks
		return
	}
	if chance(r, 0.15) { // SSPF not applicable
		closeAt(found, casework.CloseNotStarted)
		return
	}
	y.assessed, y.decided, y.step = found, found, casework.StepConsent
	if !reach(&y.consent, y.decided, 3, 14) {
		return
	}
	y.step = casework.StepMapping
	if !reach(&y.mapped, y.consent, 3, 14) {
		return
	}
	y.step = casework.StepNetwork
	if !reach(&y.convened, y.mapped, 5, 14) {
		return
	}
	if !reach(&y.planSet, y.convened, 1, 7) {
		return
	}
	y.step = casework.StepActive
	end := workday(r, y.planSet.AddDate(0, 0, between(r, 90, 360)))
	why := pick(r, []casework.ClosureReason{casework.CloseGoalsReached, casework.CloseGoalsReached, casework.CloseGoalsReached,
		casework.CloseMoved, casework.CloseDeclined})
	w.ending(y, end, why, reach, closeAt, past)
}
