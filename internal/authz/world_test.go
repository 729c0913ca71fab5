package authz

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// t0 is the matrix's clock: a Tuesday, 10:00 in Stockholm. It never moves, so a consent that
// is valid, expired or withdrawn stays so for the whole run.
var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// users are Demo kommun's logins (internal/demo), every one an actor of the matrix.
var users = []string{
	"samordnare", "samordnare2", "handlaggare", "polis", "skola", "fritid", "bup",
	"beredning", "styrgrupp", "analytiker", "granskare", "admin",
}

// extraOfficer is a case officer the matrix adds to every case taken on, so that removing a
// case officer (DELETE …/staff/{uid}) has someone to remove who is not an actor.
const extraOfficer = "matris_extra"

// consentState is a consent situation of a case (the list, plus intake).
type consentState struct {
	name string
	code string // part of the young person's surname
	// intake: nobody has taken the case on; it waits for the preparatory group (step 1).
	intake bool
	// closed: the preparatory group closed it ("not now") without taking it on.
	closed bool
	// unidentified: a school concern without personnummer whose reporter typed the address
	// and the school (issue 19:1); the young person is not identified, so the record is
	// handled as protected until someone identifies them.
	unidentified bool
	// consent makes the case's consent, if any, once the case is at the consent step.
	consent func(t *testing.T, w *world, caseID int64)
}

var states = []consentState{
	{name: "none", code: "Ingen"},
	{name: "valid", code: "Giltig", consent: func(t *testing.T, w *world, id int64) {
		// Police and school, for police and school; it ends within 30 days, so it is also on
		// the staff's list of consents to renew.
		w.f.Consent(t, w.st, id, storetest.ConsentSpec{From: t0.AddDate(0, 0, -10), Months: 1})
	}},
	{name: "expired", code: "Utgangen", consent: func(t *testing.T, w *world, id int64) {
		w.f.Consent(t, w.st, id, storetest.ConsentSpec{From: t0.AddDate(0, -7, 0), Months: 6})
	}},
	{name: "withdrawn", code: "Aterkallad", consent: func(t *testing.T, w *world, id int64) {
		c := w.f.Consent(t, w.st, id, storetest.ConsentSpec{})
		if _, err := w.st.WithdrawConsent(w.coord, id, c.ID, "Matris Vårdnadshavare", casework.WithdrawnByPhone, ""); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "other-agency", code: "Fritid", consent: func(t *testing.T, w *world, id int64) {
		w.f.Consent(t, w.st, id, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyLeisure}})
	}},
	{name: "other-categories", code: "Kategori", consent: func(t *testing.T, w *world, id int64) {
		w.f.Consent(t, w.st, id, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyPolice},
			Categories: []casework.Category{casework.CatSchool}})
	}},
	{name: "intake", code: "Intag", intake: true},
	// Closed by the preparatory group without being taken on ("not now"): still intake.
	{name: "closed-at-intake", code: "Stangd", intake: true, closed: true},
	// Protected identity at intake: reported by the school without personnummer, waiting for
	// the preparatory group, which must not see the address and school the reporter typed.
	{name: "unidentified-intake", code: "Oidentifierad", intake: true, unidentified: true},
}

// mcase is one case of the matrix and the objects under it that object-scoped routes need.
type mcase struct {
	state     consentState
	protected bool
	id        int64
	surname   string
	pnr       string // 12 digits; "" for the protected twin, registered by birth date
	address   string // protected details: shown only where access.Case allows "protected"
	school    string
	placement string // where the young person is placed: shown only where access.Case allows both "social" and "protected"
	// markers are texts only one category of this case holds (a note in each category, the
	// guardian's e-mail, the assessment's risk reason): category → text.
	markers map[casework.Category]string
	objects map[string]int64 // placeholder → id: cid, wcid, pid, mid, gm, tid, uid, concern, twin, plan
}

// reporter is who reported the concern that opened the case.
func (c *mcase) reporter() string {
	if c.state.unidentified {
		return "skola"
	}
	return "samordnare"
}

func (c *mcase) name() string {
	p := "open"
	if c.protected {
		p = "protected"
	}
	return c.state.name + "/" + p
}

// actor is a demo user with a session cookie, an API token and the access actor.
type actor struct {
	name    string
	session string // the lots_session cookie
	token   string // a personal API token
	a       casework.Actor
}

// world is a running Lots with the demo organisation, the matrix's cases and its actors.
type world struct {
	srv      *apptest.Server
	st       *store.Store
	f        *storetest.Fixture
	mid      int64
	cases    []*mcase
	actors   []*actor
	byName   map[string]*actor
	userIDs  map[string]int64
	agencies map[casework.AgencyKind]int64
	coord    context.Context // the coordinator "samordnare", who builds the cases
	globals  map[string]string
	client   *http.Client
	entries  *entryCounts        // audit entries written per request
	may      mayCache            // what the API says each actor may do with each case
	mu       sync.Mutex          // the fields below: subtests run in parallel
	baseline map[string]response // the answers about records that do not exist, by request
	requests int
	outcomes map[outcome]int           // case-scoped requests by expected outcome
	seen     map[casework.Category]int // answers that showed a category's marker
}

// newWorld starts Lots on engine and builds the cases of states (each without and with
// protected identity).
func newWorld(t *testing.T, engine storetest.Engine, only func(consentState, bool) bool) *world {
	t.Helper()
	clock := storetest.NewClock(t0)
	entries := &entryCounts{m: map[string]int{}}
	srv := apptest.Start(t, engine, apptest.Options{Now: clock.Now, Wrap: entries.wrap})
	w := &world{srv: srv, st: srv.App.Store, entries: entries, byName: map[string]*actor{}, userIDs: map[string]int64{},
		agencies: map[casework.AgencyKind]int64{}, baseline: map[string]response{},
		outcomes: map[outcome]int{}, seen: map[casework.Category]int{},
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	entries.st = srv.App.Store
	w.f = demoFixture(t, srv)
	w.mid = w.f.Municipality.ID
	for k, a := range w.f.Agencies {
		w.agencies[k] = a.ID
	}
	ctx := context.Background()
	for _, u := range users {
		id, err := w.st.UserIDByUsername(ctx, w.mid, u)
		if err != nil {
			t.Fatal(err)
		}
		w.userIDs[u] = id
	}
	w.coord = w.userCtx(t, "samordnare")

	// Only coordinators see protected details (the default adds case officers): the case
	// officer on the cases then works without them, and the matrix sees that rule too.
	admin := w.userCtx(t, "admin")
	m, err := w.st.Municipality(ctx, w.mid)
	if err != nil {
		t.Fatal(err)
	}
	m.Settings.ProtectedRoles = []casework.Role{casework.RoleCoordinator}
	if err := w.st.UpdateSettings(admin, m.Settings); err != nil {
		t.Fatal(err)
	}
	hash, err := srv.App.Hasher.Hash("matris-lösenord-2026")
	if err != nil {
		t.Fatal(err)
	}
	extra := casework.User{Username: extraOfficer, Name: "Matris Extrahandläggare", AgencyID: w.agencies[casework.AgencySocial],
		Roles: casework.NewRoleSet(casework.RoleCaseOfficer)}
	if err := w.st.CreateUser(admin, &extra, hash); err != nil {
		t.Fatal(err)
	}
	w.userIDs[extraOfficer] = extra.ID

	n := 0
	for _, s := range states {
		var twin *mcase
		for _, prot := range []bool{false, true} {
			if only != nil && !only(s, prot) {
				continue
			}
			c := w.buildCase(t, s, prot, n, twin)
			w.cases = append(w.cases, c)
			twin = c
			n++
		}
	}
	for _, u := range users {
		w.login(t, u)
	}
	w.globals = map[string]string{
		"{police}": itoa(w.agencies[casework.AgencyPolice]), "{extra}": itoa(extra.ID),
		"{today}": t0.Format("2006-01-02"), "{pnr}": w.cases[0].pnr,
		"{token}": itoa(nowhere), // an own token is made per actor (ownObjects)
	}
	w.globals["{asset}"] = w.assetVersion(t)
	ms, err := w.st.Catalogue(w.userCtx(t, "admin"))
	if err != nil || len(ms) == 0 {
		t.Fatalf("catalogue: %v %d", err, len(ms))
	}
	w.globals["{method}"] = ms[0].Code
	return w
}

// demoFixture describes Demo kommun as a storetest fixture, so its helpers (Concern, Advance,
// Consent) work on the running app's store as the coordinator "samordnare".
func demoFixture(t *testing.T, srv *apptest.Server) *storetest.Fixture {
	t.Helper()
	return srv.DemoFixture(t, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
}

func (w *world) userCtx(t *testing.T, username string) context.Context {
	t.Helper()
	a, err := w.st.Actor(context.Background(), w.mid, w.userIDs[username], casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(context.Background(), a)
}

// buildCase registers a young person as the coordinator and takes the case where the state
// needs it: the consent step (parties police and school) with the state's consent and every
// object the object-scoped routes need, or left at intake.
//
// The protected case of a state is the open one's twin: the same birth date and a surname one
// letter apart, registered without personnummer, so each is the other's possible duplicate.
func (w *world) buildCase(t *testing.T, s consentState, prot bool, n int, twin *mcase) *mcase {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	c := &mcase{state: s, protected: prot, objects: map[string]int64{}, markers: map[casework.Category]string{}}
	c.surname = "Matris" + s.code + "AB"[boolInt(prot):boolInt(prot)+1]
	c.address = fmt.Sprintf("Gömdgatan %d", 10+n)
	c.school = fmt.Sprintf("Doldaskolan%d", 10+n)
	c.placement = fmt.Sprintf("Placeringsvägen %d", 10+n)
	coord := w.coord
	youth := casework.YouthInput{FirstName: "Ung", LastName: c.surname, DistrictID: w.f.Districts[0].ID}
	reporter := coord
	switch {
	case s.unidentified:
		// The school reports without personnummer, typing the address and the school.
		youth.BirthDate, youth.School, youth.Address = "2010-05-05", c.school, c.address
		reporter = w.userCtx(t, "skola")
	case twin == nil:
		c.pnr = storetest.TestPersonalNumbers[n]
		youth.PersonalNumber = c.pnr
	default:
		youth.BirthDate = twin.pnr[:4] + "-" + twin.pnr[4:6] + "-" + twin.pnr[6:8]
	}
	reported := youth
	if s.unidentified {
		// The reporter's own list shows the name they wrote; the coordinator then corrects it
		// (below), so the matrix's name check is about the register's name only.
		reported.LastName = "Skolanmäld"
	}
	rc, err := w.st.RegisterConcern(reporter, store.ConcernInput{Youth: reported, Ratings: storetest.IRKRatings(3)})
	must(err)
	c.id, c.objects["concern"] = rc.CaseID, rc.ConcernID
	c.objects["card"], err = w.st.CardIDOfCase(context.Background(), rc.CaseID) // the card's own id, not the case's
	must(err)
	if twin != nil {
		c.objects["twin"], twin.objects["twin"] = twin.id, c.id
	}

	c.markers[casework.CatFamily] = fmt.Sprintf("familj%d@matris.example", 10+n)
	guardian := &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Matris Vårdnadshavare", Relation: "mamma", HasCustody: true,
		Email: c.markers[casework.CatFamily]}
	must(w.st.SaveRelatedPerson(coord, c.id, guardian))
	c.objects["pid"] = guardian.ID
	youth.School, youth.Address, youth.ProtectedIdentity = c.school, c.address, prot
	must(w.st.UpdateYouth(coord, c.id, youth))
	if s.intake {
		if s.closed {
			_, err := w.st.Move(coord, c.id, store.MoveInput{Move: casework.Move{Action: casework.ActPrepNotNow, Reason: "Inte nu"}})
			must(err)
		}
		return c
	}

	w.f.Advance(t, w.st, c.id, casework.StepConsent, storetest.ConsentSpec{})
	must(w.st.AssignStaff(coord, c.id, w.userIDs["handlaggare"], casework.StaffCaseOfficer))
	must(w.st.AssignStaff(coord, c.id, w.userIDs[extraOfficer], casework.StaffCaseOfficer))
	c.objects["uid"] = w.userIDs[extraOfficer]
	// What only social services' assessment holds, and a note in every category.
	c.markers[casework.CatSocial] = fmt.Sprintf("Socialbedömning%d", 10+n)
	must(w.st.RecordAssessment(coord, c.id, &casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPMidway,
		Ratings: storetest.IRKRatings(4), RiskLevel: casework.RiskHigh, RiskReason: c.markers[casework.CatSocial]}))
	for _, cat := range []casework.Category{casework.CatPolice, casework.CatSchool, casework.CatHealth, casework.CatLeisure} {
		c.markers[cat] = fmt.Sprintf("Anteckning-%s-%d", cat, 10+n)
		must(w.st.AddNote(coord, c.id, cat, c.markers[cat]))
	}
	// A security assessment (category security) and an exit pathway naming the police officer
	// and the coordinator, with a destination only they may see (category exit_destination).
	c.markers[casework.CatSecurity] = fmt.Sprintf("Hotbild-%d", 10+n)
	c.markers[casework.CatExitDestination] = fmt.Sprintf("Vistelseort-%d", 10+n)
	_, err = w.st.RecordSecurityAssessment(coord, c.id, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh,
		Threats: c.markers[casework.CatSecurity], ReviewOn: "2099-01-01"})
	must(err)
	dest := c.markers[casework.CatExitDestination]
	must(w.st.SaveExitPathway(coord, c.id, casework.ExitInput{Stage: casework.ExitProgramme, WishOn: "2020-01-01", Programme: "Matrisprogrammet",
		PoliceContactID: w.userIDs["polis"], SocialContactID: w.userIDs["samordnare"], Destination: &dest}))
	// An action plan (drawn up early: the matrix reads and compares its version).
	_, err = w.st.SavePlan(coord, c.id, casework.Plan{OwnGoal: "Jobba som elektriker",
		SubGoals: []casework.SubGoal{{Text: "Gå i skolan", Criterion: "Närvaro över 80 %", Responsible: "Mentor", Due: "2026-06-01"}}})
	must(err)
	c.objects["plan"] = 1
	if s.consent != nil {
		s.consent(t, w, c.id)
	}
	// Two drafts nobody signed, so they give nobody anything: one open (to sign, print, attach
	// the signed form to and to open the withdrawal page of) and one withdrawn (whose
	// withdrawal and signing are refused as conflicts — the matrix never withdraws the consent
	// it relies on).
	draft := w.f.Consent(t, w.st, c.id, storetest.ConsentSpec{Unsigned: true})
	c.objects["cid"] = draft.ID
	_, err = w.st.AttachConsentEvidence(coord, c.id, draft.ID, "samtycke.pdf", "application/pdf", []byte(smallPDF))
	must(err)
	withdrawn := w.f.Consent(t, w.st, c.id, storetest.ConsentSpec{Unsigned: true})
	_, err = w.st.WithdrawConsent(coord, c.id, withdrawn.ID, "Matris Vårdnadshavare", casework.WithdrawnByPhone, "")
	must(err)
	c.objects["wcid"] = withdrawn.ID

	// The group: the young person, the coordinator and a trusted adult (the one the matrix
	// removes and puts back), meeting every fourth week.
	_, err = w.st.AddGroupMember(coord, c.id, casework.MemberInput{Kind: casework.MemberYouth})
	must(err)
	_, err = w.st.AddGroupMember(coord, c.id, casework.MemberInput{Kind: casework.MemberProfessional, UserID: w.userIDs["samordnare"], Role: "samordnare"})
	must(err)
	must(w.addTrustedAdult(c))
	must(w.st.SetGroupRhythm(coord, c.id, 4))
	// A meeting with a decision that became the coordinator's task (done), then cancelled.
	m, err := w.st.CreateMeeting(coord, c.id, casework.MeetingInput{Start: t0.AddDate(0, 0, 2).Add(5 * time.Hour), DurationMinutes: 60, Place: c.address})
	must(err)
	c.objects["mid"] = m.ID
	dec, err := w.st.AddDecision(coord, c.id, m.ID, casework.DecisionInput{Text: "Matrisbeslut", OwnerUserID: w.userIDs["samordnare"],
		Due: t0.AddDate(0, 0, 14).Format(casework.DateLayout)})
	must(err)
	c.objects["tid"] = dec.TaskID
	must(w.st.CompleteTask(coord, dec.TaskID))
	must(w.st.CancelMeeting(coord, c.id, m.ID, "Matrisen"))
	must(w.setHold(c)) // a legal hold (nothing is deleted at the matrix's moment anyway)
	pl, err := w.st.SavePlacement(coord, c.id, 0, casework.PlacementInput{Form: "hvb", Basis: "sol", From: "2025-09-01", Place: c.placement})
	must(err)
	c.objects["plid"] = pl.ID
	return c
}

// addTrustedAdult puts a trusted adult in the case's group and remembers the member's id.
func (w *world) addTrustedAdult(c *mcase) error {
	gm, err := w.st.AddGroupMember(w.coord, c.id, casework.MemberInput{Kind: casework.MemberTrustedAdult, Name: "Matris Vuxen", Relation: "tränare"})
	if err == nil {
		c.objects["gm"] = gm.ID
	}
	return err
}

// setHold puts a legal hold on the case (the one the matrix releases and sets again).
func (w *world) setHold(c *mcase) error {
	h, err := w.st.SetLegalHold(w.coord, c.id, "Matrisbevarande", t0.AddDate(1, 0, 0).Format(casework.DateLayout))
	if err == nil {
		c.objects["hold"] = h.ID
	}
	return err
}

// reassignOfficer makes the extra case officer staff on the case again.
func (w *world) reassignOfficer(c *mcase) error {
	return w.st.AssignStaff(w.coord, c.id, w.userIDs[extraOfficer], casework.StaffCaseOfficer)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// facts are what the access decision knows about a case now, read through the store as the
// coordinator (who is staff on every case but the intake ones, where the intake rule lets
// them read it).
func (w *world) facts(t *testing.T, c *mcase) access.CaseFacts {
	t.Helper()
	ctx := w.coord
	cd, err := w.st.CaseDetail(ctx, c.id)
	if err != nil {
		t.Fatalf("%s: %v", c.name(), err)
	}
	m, err := w.st.Municipality(context.Background(), w.mid)
	if err != nil {
		t.Fatal(err)
	}
	// A young person not yet identified is handled as protected (issue 19:1).
	f := access.CaseFacts{MunicipalityID: w.mid, Step: cd.Case.Step, TakenOn: !cd.Case.Milestones.TakenOn.IsZero(),
		ProtectedIdentity: c.protected || c.state.unidentified, Staff: cd.Staff, Settings: m.Settings.WithDefaults()}
	for _, p := range cd.Parties {
		f.PartyAgencies = append(f.PartyAgencies, p.AgencyID)
	}
	if f.Consents, err = w.st.Consents(ctx, c.id); err != nil {
		t.Fatal(err)
	}
	// The exit pathway's named contacts (the coordinator sees them where they are staff).
	if sv, err := w.st.Security(ctx, c.id); err == nil && sv.Exit != nil {
		f.ExitNamed = []int64{sv.Exit.PoliceContactID, sv.Exit.SocialContactID}
	}
	return f
}

// login starts a session and makes an API token for username.
func (w *world) login(t *testing.T, username string) {
	t.Helper()
	cl := w.srv.Login(t, username)
	u, _ := url.Parse(w.srv.URL)
	ac := &actor{name: username}
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == "lots_session" {
			ac.session = ck.Value
		}
	}
	if ac.session == "" {
		t.Fatalf("%s: no session cookie", username)
	}
	ctx := context.Background()
	sys := casework.WithActor(ctx, casework.SystemActor(w.mid, "matrix"))
	tok, _, err := w.srv.App.Auth.CreateAPIToken(sys, w.userIDs[username], "matris", 0)
	if err != nil {
		t.Fatal(err)
	}
	ac.token = tok
	if ac.a, err = w.st.Actor(ctx, w.mid, w.userIDs[username], casework.ViaSession); err != nil {
		t.Fatal(err)
	}
	w.actors = append(w.actors, ac)
	w.byName[username] = ac
}

// freshSession is a second session of username (for logging out without losing the first).
func (w *world) freshSession(t *testing.T, username string) string {
	t.Helper()
	cl := w.srv.Login(t, username)
	u, _ := url.Parse(w.srv.URL)
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == "lots_session" {
			return ck.Value
		}
	}
	t.Fatalf("%s: no session cookie", username)
	return ""
}

// assetVersion reads the static files' version from a page's stylesheet link.
func (w *world) assetVersion(t *testing.T) string {
	t.Helper()
	res := w.do(t, nil, httpReq{method: "GET", path: "/login"})
	i := strings.Index(res.body, "/static/")
	if i < 0 {
		t.Fatal("no static link on the login page")
	}
	v, _, _ := strings.Cut(res.body[i+len("/static/"):], "/")
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// smallPDF is a real, minimal PDF document (one empty page): the signed form of the drafts.
const smallPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
