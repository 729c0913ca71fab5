package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/mapping"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The young person of these tests: born 2005, a Skatteverket test number outside the years the
// demo municipality draws its young people from, so the concern always starts a new case.
const (
	groupsFirst = "Wilma"
	groupsLast  = "Gruppqvist"
	groupsPnr   = "200511012387"
)

// groupsWorld is the demo municipality with one active case prepared through the store, as
// the demo users would have done it.
type groupsWorld struct {
	srv    *apptest.Server
	st     *store.Store
	clock  *storetest.Clock
	f      *storetest.Fixture
	caseID int64
	ids    map[string]int64
}

func newGroupsWorld(t *testing.T, e storetest.Engine) *groupsWorld {
	t.Helper()
	clock := storetest.NewClock(time.Now().UTC().Truncate(time.Second))
	srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
	w := &groupsWorld{srv: srv, st: srv.App.Store, clock: clock, ids: map[string]int64{}}
	w.f = groupsFixture(t, w.st, w.ids)
	rc, err := w.st.RegisterConcern(w.f.Ctx(t, w.st, casework.RoleCoordinator), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: groupsFirst, LastName: groupsLast, PersonalNumber: groupsPnr},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.caseID = rc.CaseID
	clock.Advance(time.Minute)
	w.f.Advance(t, w.st, w.caseID, casework.StepActive, storetest.ConsentSpec{})
	return w
}

// groupsFixture describes the demo municipality as a storetest fixture (its coordinator, its
// police officer as the group member, one agency of each kind), so the fixture's steps work
// on it. ids gets every demo user's id by username.
func groupsFixture(t *testing.T, st *store.Store, ids map[string]int64) *storetest.Fixture {
	t.Helper()
	f := storetest.Existing(t, st, "9999", map[casework.Role]string{
		casework.RoleCoordinator: "samordnare", casework.RoleGroupMember: "polis", casework.RoleAdmin: "admin"})
	for _, u := range []string{"samordnare", "handlaggare", "polis", "skola", "fritid", "bup", "beredning", "styrgrupp", "admin"} {
		id, err := st.UserIDByUsername(context.Background(), f.Municipality.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		ids[u] = id
	}
	return f
}

func (w *groupsWorld) path(sub string) string {
	return "/cases/" + strconv.FormatInt(w.caseID, 10) + sub
}

// post posts a form and wants the status.
func (w *groupsWorld) post(t *testing.T, c *http.Client, path string, v url.Values, want int) (*http.Response, string) {
	t.Helper()
	res, body := w.srv.PostForm(t, c, path, v)
	if res.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d\n%s", path, res.StatusCode, want, body)
	}
	return res, body
}

func (w *groupsWorld) get(t *testing.T, c *http.Client, path string, want int) string {
	t.Helper()
	code, body := w.srv.Get(t, c, path)
	if code != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, code, want, body)
	}
	return body
}

var (
	startRE   = regexp.MustCompile(`name="start" value="([^"]+)"`)
	meetingRE = regexp.MustCompile(`/meetings/(\d+)$`)
)

func TestGroupsMeetingsAndTasksThroughThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newGroupsWorld(t, e)
		srv := w.srv
		coord := srv.Login(t, "samordnare")
		police := srv.Login(t, "polis")

		t.Run("the group page explains that the consent, not the group, gives access", func(t *testing.T) {
			body := w.get(t, coord, w.path("/group"), http.StatusOK)
			if !strings.Contains(body, "Gruppen ger ingen åtkomst till ärendet – det gör samtycket.") || !strings.Contains(body, "Omfattas inte av samtycket") {
				t.Fatalf("group page:\n%s", body)
			}
		})
		t.Run("a leisure worker the consent does not name is refused with the agency named", func(t *testing.T) {
			_, body := w.post(t, coord, w.path("/group/members"), url.Values{"kind": {"professional"}, "user": {strconv.FormatInt(w.ids["fritid"], 10)}, "role": {"fritidsledare"}}, http.StatusUnprocessableEntity)
			if want := "Samtycket omfattar inte Fritidsförvaltningen. Förnya samtycket och lägg till Fritidsförvaltningen som part."; !strings.Contains(html.UnescapeString(body), want) {
				t.Fatalf("no %q in\n%s", want, body)
			}
			if g, _ := w.st.Group(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID); len(g.Members) != 0 {
				t.Fatalf("the refused member was saved: %+v", g.Members)
			}
		})
		w.post(t, coord, w.path("/group/members"), url.Values{"kind": {"professional"}, "user": {strconv.FormatInt(w.ids["polis"], 10)}, "role": {"kontaktpolis"}}, http.StatusSeeOther)
		w.post(t, coord, w.path("/group/members"), url.Values{"kind": {"trusted_adult"}, "name": {"Kalle Tränare"}, "relation": {"fotbollstränare"}}, http.StatusSeeOther)
		w.post(t, coord, w.path("/group/members"), url.Values{"kind": {"youth"}}, http.StatusSeeOther)
		g, err := w.st.Group(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID)
		if err != nil || len(g.Members) != 3 {
			t.Fatalf("%+v %v", g, err)
		}
		pm, _ := g.MemberByUser(w.ids["polis"])
		w.post(t, coord, w.path("/group/lead"), url.Values{"lead": {strconv.FormatInt(pm.ID, 10)}}, http.StatusSeeOther)
		t.Run("the police member sees the group with themselves as lead and the others stepping back", func(t *testing.T) {
			body := w.get(t, police, w.path("/group"), http.StatusOK)
			if !strings.Contains(body, "Huvudkontakt: Erik Nilsson") || !strings.Contains(body, "Kliver tillbaka") || strings.Contains(body, `action="`+w.path("/group/members")+`"`) {
				t.Fatalf("police's group page:\n%s", body)
			}
			if _, body := w.post(t, police, w.path("/group/members"), url.Values{"kind": {"youth"}}, http.StatusForbidden); body == "" {
				t.Fatal("empty refusal")
			}
		})

		var meetingPath string
		t.Run("the coordinator books the proposed fixed slot", func(t *testing.T) {
			body := w.get(t, coord, w.path("/meetings"), http.StatusOK)
			m := startRE.FindStringSubmatch(body)
			if m == nil || !strings.Contains(body, "tisdag kl. 15:00 (90 min)") {
				t.Fatalf("no proposal:\n%s", body)
			}
			start, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				t.Fatal(err)
			}
			if l := start.In(casework.Stockholm); l.Weekday() != time.Tuesday || l.Hour() != 15 || l.Minute() != 0 {
				t.Fatalf("the proposal %v is not Tuesday 15:00", l)
			}
			res, _ := w.post(t, coord, w.path("/meetings"), url.Values{"start": {m[1]}, "duration": {"90"}, "pre_meeting": {"1"}, "place": {"Familjehuset, rum 2"}}, http.StatusSeeOther)
			meetingPath = res.Header.Get("Location")
			if !meetingRE.MatchString(meetingPath) {
				t.Fatalf("location %q", meetingPath)
			}
			page := w.get(t, police, meetingPath, http.StatusOK)
			if !strings.Contains(page, "Familjehuset, rum 2") || !strings.Contains(page, "Yrkespersonernas förmöte 14:30–15:00") || !strings.Contains(page, "Dagordning") {
				t.Fatalf("meeting page:\n%s", page)
			}
		})
		mid, _ := strconv.ParseInt(meetingRE.FindStringSubmatch(meetingPath)[1], 10, 64)

		t.Run("the calendar invitation names neither the young person nor the personnummer", func(t *testing.T) {
			res, err := police.Get(srv.URL + meetingPath + ".ics")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			raw := string(b)
			cal, err := ics.ParseCalendar(strings.NewReader(raw))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/calendar") {
				t.Fatalf("%d %s", res.StatusCode, ct)
			}
			for _, secret := range []string{groupsFirst, groupsLast, groupsPnr, groupsPnr[2:], groupsPnr[2:8] + "-" + groupsPnr[8:], groupsPnr[:8]} {
				if strings.Contains(strings.ToLower(raw), strings.ToLower(secret)) {
					t.Errorf("the calendar file contains %q:\n%s", secret, raw)
				}
			}
			evs := cal.Events()
			if len(evs) != 2 {
				t.Fatalf("%d events:\n%s", len(evs), raw)
			}
			ref := casework.CaseReference(w.caseID)
			main := evs[1]
			if s := main.GetProperty(ics.ComponentPropertySummary).Value; s != "Gruppmöte (ärende "+ref+")" {
				t.Fatalf("summary %q", s)
			}
			if loc := main.GetProperty(ics.ComponentPropertyLocation); loc == nil || loc.Value != "Familjehuset, rum 2" {
				t.Fatalf("location %v", loc)
			}
			if !strings.HasSuffix(main.GetProperty(ics.ComponentPropertyDtStart).Value, "Z") || !strings.Contains(raw, "METHOD:PUBLISH") {
				t.Fatalf("not UTC or no method:\n%s", raw)
			}
			pre, _ := evs[0].GetStartAt()
			start, _ := main.GetStartAt()
			if start.Sub(pre) != 30*time.Minute || evs[0].Id() == main.Id() {
				t.Fatalf("pre-meeting %v, meeting %v", pre, start)
			}
			var exports int
			_ = w.st.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: w.f.Municipality.ID, UserID: w.ids["polis"], AfterSeq: -1}, func(en audit.Entry) error {
				if en.Object == "meeting" && en.Action == audit.ActionExport && en.ObjectID == mid && en.Allowed {
					exports++
				}
				return nil
			})
			if exports != 1 {
				t.Fatalf("%d audited downloads", exports)
			}
		})

		t.Run("a meeting is held only once it has begun", func(t *testing.T) {
			_, body := w.post(t, coord, meetingPath+"/held", url.Values{"present": {strconv.FormatInt(pm.ID, 10)}}, http.StatusConflict)
			if !strings.Contains(body, "Mötet har inte börjat än.") {
				t.Fatalf("%s", body)
			}
		})
		md, _ := w.st.Meeting(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID, mid)
		w.clock.Set(md.Meeting.End())
		coord = srv.Login(t, "samordnare") // the week has passed: new sessions
		police = srv.Login(t, "polis")
		w.post(t, coord, meetingPath+"/held", url.Values{"present": {strconv.FormatInt(pm.ID, 10)}, "minutes": {"Erik berättade om läget."}, "minutes_category": {"basic"}}, http.StatusSeeOther)
		due := w.clock.Now().In(casework.Stockholm).AddDate(0, 0, 7).Format("2006-01-02")
		t.Run("a decision with the police as owner becomes the police's task", func(t *testing.T) {
			_, body := w.post(t, coord, meetingPath+"/decisions", url.Values{"decision_text": {"Erik pratar med Wilma om helgerna"}, "owner": {strconv.FormatInt(w.ids["fritid"], 10)}, "due": {due}}, http.StatusUnprocessableEntity)
			if !strings.Contains(body, "Den ansvariga måste vara en yrkesperson i gruppen.") {
				t.Fatalf("%s", body)
			}
			w.post(t, coord, meetingPath+"/decisions", url.Values{"decision_text": {"Erik pratar med Wilma om helgerna"}, "owner": {strconv.FormatInt(w.ids["polis"], 10)}, "due": {due}}, http.StatusSeeOther)
			body = w.get(t, police, "/tasks", http.StatusOK)
			if !strings.Contains(body, "Erik pratar med Wilma om helgerna") || !strings.Contains(body, groupsFirst+" "+groupsLast) || !strings.Contains(body, due) {
				t.Fatalf("police's tasks:\n%s", body)
			}
			if body := w.get(t, coord, "/tasks", http.StatusOK); strings.Contains(body, "Erik pratar med Wilma") {
				t.Fatal("the coordinator lists the police's task")
			}
			if body := w.get(t, police, "/groups", http.StatusOK); !strings.Contains(body, groupsFirst+" "+groupsLast) || !strings.Contains(body, "kontaktpolis") {
				t.Fatalf("police's groups:\n%s", body)
			}
		})
		t.Run("the police member marks the task done", func(t *testing.T) {
			tasks, _ := w.st.MyTasks(w.f.Ctx(t, w.st, casework.RoleGroupMember), false)
			var tid int64
			for _, r := range tasks {
				if r.Task.CaseID == w.caseID {
					tid = r.Task.ID
				}
			}
			if tid == 0 {
				t.Fatal("no task")
			}
			w.post(t, police, "/tasks/"+strconv.FormatInt(tid, 10)+"/done", nil, http.StatusSeeOther)
			if body := w.get(t, police, "/tasks", http.StatusOK); strings.Contains(body, "Erik pratar med Wilma om helgerna") {
				t.Fatal("a done task is still listed")
			}
		})
		t.Run("the catalogue shows what is missing and only administrators keep it", func(t *testing.T) { catalogueChecks(t, srv) })
		t.Run("after withdrawal the police see neither the meeting, its calendar file nor the group", func(t *testing.T) {
			cs, _ := w.st.Consents(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID)
			if _, err := w.st.WithdrawConsent(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID, cs[0].ID, groupsFirst, casework.WithdrawnInWriting, ""); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{meetingPath, meetingPath + ".ics", w.path("/group"), w.path("/meetings")} {
				w.get(t, police, p, http.StatusNotFound)
			}
			body := w.get(t, coord, meetingPath, http.StatusOK)
			if !strings.Contains(body, "Kallas inte – samtycket omfattar dem inte längre:") || !strings.Contains(body, "Utan giltigt samtycke") {
				t.Fatalf("coordinator's meeting page:\n%s", body)
			}
		})
	})
}

// catalogueChecks reads and keeps the catalogue through the pages: coordinators read it,
// administrators keep it, the steering group does neither.
func catalogueChecks(t *testing.T, srv *apptest.Server) {
	coord := srv.Login(t, "samordnare")
	admin := srv.Login(t, "admin")
	get := func(c *http.Client, p string, want int) string {
		t.Helper()
		code, body := srv.Get(t, c, p)
		if code != want {
			t.Fatalf("GET %s: %d, want %d", p, code, want)
		}
		return html.UnescapeString(body)
	}
	body := get(coord, "/catalogue", http.StatusOK)
	for _, want := range []string{"Komet", "Multisystemisk terapi", "Behov utan tillgänglig insats", "Använd inte", "Scared Straight", "Socialstyrelsen 2021"} {
		if !strings.Contains(body, want) {
			t.Errorf("the catalogue lacks %q", want)
		}
	}
	get(coord, "/admin/catalogue", http.StatusForbidden)
	get(srv.Login(t, "styrgrupp"), "/catalogue", http.StatusForbidden)
	get(admin, "/admin/catalogue", http.StatusOK)
	get(admin, "/admin/catalogue/mst", http.StatusOK)
	// Whether a method is available is the resource registry's answer, not the form's: a
	// ticked "available" of an old form changes nothing until a resource offers the method.
	form := url.Values{"name": {"MST – Multisystemisk terapi"}, "kind": {"family_therapy"}, "evidence": {"recommended"}, "age_min": {"12"}, "age_max": {"17"},
		"risk_high": {"1"}, "need_family": {"1"}, "need_peers": {"1"}, "available": {"1"}, "provider": {"Någon i formuläret"}, "capacity": {"2 platser per år"}}
	res, _ := srv.PostForm(t, admin, "/admin/catalogue/mst", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if body := get(coord, "/catalogue?available=1&age=14", http.StatusOK); strings.Contains(body, "Multisystemisk terapi") || strings.Contains(body, "Någon i formuläret") {
		t.Fatalf("available without a resource offering it:\n%s", body)
	}
	if body := get(admin, "/admin/catalogue/mst", http.StatusOK); strings.Contains(body, `name="available"`) || !strings.Contains(body, "Ingen resurs i resursregistret erbjuder metoden.") {
		t.Fatalf("the method's form:\n%s", body)
	}
	st := srv.App.Store
	m, err := st.MunicipalityByCode(context.Background(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(context.Background(), casework.SystemActor(m.ID, "test"))
	if _, err := st.CreateResource(sys, mapping.Resource{Name: "Grannkommunens öppenvård", Kind: "social_services", AgeFrom: 12, AgeTo: 17,
		Level: "indicated", Needs: []string{"family"}, Methods: []string{"mst"}}); err != nil {
		t.Fatal(err)
	}
	if body := get(admin, "/admin/catalogue/mst", http.StatusOK); !strings.Contains(body, "Erbjuds av Grannkommunens öppenvård (resursregistret).") {
		t.Fatalf("the method's form after the registry offers it:\n%s", body)
	}
	body = get(coord, "/catalogue?available=1&age=14", http.StatusOK)
	if !strings.Contains(body, "Grannkommunens öppenvård") || strings.Contains(body, "Scared Straight") {
		t.Fatalf("available methods for 14-year-olds:\n%s", body)
	}
	if !strings.Contains(body, "Behov utan tillgänglig insats för 14-åringar") || !strings.Contains(body, "Alkohol eller andra droger") {
		t.Fatalf("the missing needs are not shown:\n%s", body)
	}
	res, body = srv.PostForm(t, admin, "/admin/catalogue", url.Values{"code": {"Fel kod!"}, "name": {""}, "kind": {"other"}, "evidence": {"local"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv metodens namn.") {
		t.Fatalf("invalid new method: %d\n%s", res.StatusCode, body)
	}
}
