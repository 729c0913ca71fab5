package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/mapping"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// groupsE2ET0 is Monday 2 March 2026 at 10:00 in Stockholm; the municipality's fixed slot is
// Tuesdays at 15:00.
var groupsE2ET0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// The young person: a Skatteverket test number born 2005, outside the years the demo draws
// its young people from, so the concern starts a case of its own.
const (
	groupsE2EFirst = "Tindra"
	groupsE2ELast  = "Mötesson"
	groupsE2EPnr   = "200511022394"
)

// groupsE2ECase prepares, through the store as the demo coordinator, an active case with a
// consent valid now for the police and the school.
func groupsE2ECase(t *testing.T, srv *apptest.Server) (*storetest.Fixture, int64) {
	t.Helper()
	st := srv.App.Store
	f := groupsE2EFixture(t, st)
	rc, err := st.RegisterConcern(f.Ctx(t, st, casework.RoleCoordinator), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: groupsE2EFirst, LastName: groupsE2ELast, PersonalNumber: groupsE2EPnr},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	return f, rc.CaseID
}

// groupsE2EFixture is the demo municipality as a storetest fixture: its agencies by kind, the
// coordinator "samordnare" and the police officer "polis" as the group member.
func groupsE2EFixture(t *testing.T, st *store.Store) *storetest.Fixture {
	t.Helper()
	return storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleGroupMember: "polis"})
}

// groupsSubmit clicks sel after the other steps and waits for the next page named name: the
// old page is marked first, so a form that answers with the same page is still waited for.
func groupsSubmit(t *testing.T, ctx context.Context, name, sel string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	eval[bool](t, ctx, `document.body.dataset.groupsStale = "1", true`)
	do(t, ctx, append(steps, chromedp.Click(css(sel)))...)
	do(t, ctx, chromedp.WaitVisible(css("body[data-page='"+name+"']:not([data-groups-stale]) main")))
}

// A coordinator forms a group for a case with a valid consent, schedules a meeting in the fixed
// slot, downloads the invitation, holds the meeting and records a decision that becomes the
// police member's task, which the police officer then finds on their task list.
func TestGroupMeetingAndTaskInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(groupsE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f, caseID := groupsE2ECase(t, srv)
	st := srv.App.Store
	police := f.Users[casework.RoleGroupMember]
	casePath := srv.URL + "/cases/" + strconv.FormatInt(caseID, 10)
	ctx := newBrowser(t)

	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(casePath+"/group"))
	waitPage(t, ctx, "group_show")
	checkA11y(t, ctx, "group page")

	// The police officer as kontaktpolis.
	groupsSubmit(t, ctx, "group_show", "form:has(input[name=kind][value=professional]) button[type=submit]",
		chromedp.SetValue(css("#f-user"), strconv.FormatInt(police.ID, 10)),
		chromedp.SendKeys(css("#f-role"), "kontaktpolis"),
	)
	if fl := text(t, ctx, ".flash"); fl != "Personen är tillagd i gruppen." {
		t.Fatalf("flash %q", fl)
	}
	// An adult the young person trusts, outside any agency.
	groupsSubmit(t, ctx, "group_show", "form:has(input[name=kind][value=trusted_adult]) button[type=submit]",
		chromedp.SendKeys(css("#f-name"), "Kalle Tränare"),
		chromedp.SendKeys(css("#f-relation"), "fotbollstränare"),
	)
	g, err := st.Group(f.Ctx(t, st, casework.RoleCoordinator), caseID)
	if err != nil || len(g.Members) != 2 {
		t.Fatalf("group %+v %v", g, err)
	}
	pm, _ := g.MemberByUser(police.ID)
	groupsSubmit(t, ctx, "group_show", "form[action$='/group/lead'] button[type=submit]",
		chromedp.SetValue(css("#f-lead"), strconv.FormatInt(pm.ID, 10)),
	)
	if lead := text(t, ctx, ".groups-lead"); !strings.Contains(lead, "Erik Nilsson") {
		t.Fatalf("lead %q", lead)
	}
	checkA11y(t, ctx, "group page with members")

	// The meeting in the fixed slot: the first free Tuesday 15:00 (the demo coordinator's other
	// groups already fill some) is proposed first and chosen by default.
	do(t, ctx, chromedp.Navigate(casePath+"/meetings"))
	waitPage(t, ctx, "meeting_list")
	checkA11y(t, ctx, "meetings page")
	start, err := time.Parse(time.RFC3339, eval[string](t, ctx, `document.querySelector("input[name=start]:checked").value`))
	if err != nil {
		t.Fatal(err)
	}
	if l := start.In(casework.Stockholm); l.Weekday() != time.Tuesday || l.Format("15:04") != "15:00" || !start.After(groupsE2ET0) {
		t.Fatalf("the proposal %v is not a Tuesday at 15:00 ahead", l)
	}
	groupsSubmit(t, ctx, "meeting_show", "form[action$='/meetings'] button[type=submit]",
		chromedp.SendKeys(css("#f-place"), "Familjehuset, rum 2"),
	)
	checkA11y(t, ctx, "meeting page")
	meetingURL := eval[string](t, ctx, `location.pathname`)

	t.Run("the invitation, fetched as the browser would, names no one", func(t *testing.T) {
		raw := eval[string](t, ctx, `fetch(document.querySelector("a[download]").href).then(r => r.text())`)
		cal, err := ics.ParseCalendar(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, raw)
		}
		evs := cal.Events()
		if len(evs) != 2 {
			t.Fatalf("%d events", len(evs))
		}
		if got, _ := evs[1].GetStartAt(); !got.Equal(start) {
			t.Fatalf("start %v, want %v", got, start)
		}
		for _, secret := range []string{groupsE2EFirst, groupsE2ELast, groupsE2EPnr, groupsE2EPnr[2:], groupsE2EPnr[2:8] + "-" + groupsE2EPnr[8:]} {
			if strings.Contains(raw, secret) {
				t.Errorf("the invitation contains %q", secret)
			}
		}
		if !strings.Contains(raw, "Gruppmöte (ärende "+casework.CaseReference(caseID)+")") || !strings.Contains(raw, "LOCATION:Familjehuset\\, rum 2") {
			t.Errorf("invitation:\n%s", raw)
		}
	})

	// The next morning: the meeting was yesterday. A new day, a new login.
	clock.Set(start.Add(18 * time.Hour))
	due := start.In(casework.Stockholm).AddDate(0, 0, 10).Format("2006-01-02")
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+meetingURL))
	waitPage(t, ctx, "meeting_show")
	groupsSubmit(t, ctx, "meeting_show", "form[action$='/held'] button[type=submit]",
		chromedp.Click(css("input[name=present][value='"+strconv.FormatInt(pm.ID, 10)+"']")),
		chromedp.SendKeys(css("#f-minutes"), "Erik berättade att helgerna varit lugnare."),
	)
	if st := text(t, ctx, ".groups-meeting-facts .case-state"); st != "Hållet" {
		t.Fatalf("status %q", st)
	}
	groupsSubmit(t, ctx, "meeting_show", "form[action$='/decisions'] button[type=submit]",
		chromedp.SendKeys(css("#f-decision_text"), "Erik pratar med Tindra om helgerna"),
		chromedp.SetValue(css("#f-owner"), strconv.FormatInt(police.ID, 10)),
		chromedp.SetValue(css("#f-due"), due),
	)
	if fl := text(t, ctx, ".flash"); fl != "Beslutet är antecknat och har blivit en uppgift." {
		t.Fatalf("flash %q", fl)
	}
	if dec := text(t, ctx, ".groups-decisions"); !strings.Contains(dec, "uppgift för Erik Nilsson, klar senast "+due) {
		t.Fatalf("decisions %q", dec)
	}
	checkA11y(t, ctx, "held meeting page")

	// The police officer finds the task.
	clickAndWait(t, ctx, ".user-menu button", "login")
	login(t, ctx, srv.URL, "polis", demo.Password)
	// On the start page, where a group member lands after logging in…
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	waitPage(t, ctx, "home")
	if body := text(t, ctx, "main"); !strings.Contains(body, "Erik pratar med Tindra om helgerna") {
		t.Fatalf("the task is not on the police officer's start page:\n%s", body)
	}
	// …and on the task list.
	do(t, ctx, chromedp.Navigate(srv.URL+"/tasks"))
	waitPage(t, ctx, "task_list")
	if body := text(t, ctx, "main"); !strings.Contains(body, "Erik pratar med Tindra om helgerna") || !strings.Contains(body, groupsE2EFirst+" "+groupsE2ELast) {
		t.Fatalf("police's tasks:\n%s", body)
	}
	checkA11y(t, ctx, "tasks page")
	do(t, ctx, chromedp.Navigate(srv.URL+"/groups"))
	waitPage(t, ctx, "group_list")
	checkA11y(t, ctx, "my groups page")
	do(t, ctx, chromedp.Navigate(srv.URL+"/catalogue?age=14&need=family"))
	waitPage(t, ctx, "catalogue_show")
	if body := text(t, ctx, "main"); !strings.Contains(body, "Behov utan tillgänglig insats för 14-åringar") || !strings.Contains(body, "Funktionell familjeterapi") {
		t.Fatalf("catalogue:\n%s", body)
	}
	checkA11y(t, ctx, "catalogue page")
	do(t, ctx, chromedp.Navigate(srv.URL+"/tasks"))
	waitPage(t, ctx, "task_list")
	groupsSubmit(t, ctx, "task_list", "form[action='/tasks/"+taskID(t, st, f)+"/done'] button")
	if fl := text(t, ctx, ".flash"); fl != "Uppgiften är markerad som klar." {
		t.Fatalf("flash %q", fl)
	}
}

// taskID is the police's open task's id.
func taskID(t *testing.T, st *store.Store, f *storetest.Fixture) string {
	t.Helper()
	rows, err := st.MyTasks(casework.WithActor(context.Background(), f.Actor(t, st, casework.RoleGroupMember)), false)
	if err != nil || len(rows) == 0 {
		t.Fatalf("police's tasks %+v %v", rows, err)
	}
	return strconv.FormatInt(rows[0].Task.ID, 10)
}

// The administrator's catalogue pages are accessible too.
func TestCatalogueAdminInTheBrowser(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: storetest.NewClock(groupsE2ET0).Now})
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "admin", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/catalogue"))
	waitPage(t, ctx, "catalogue_admin")
	checkA11y(t, ctx, "catalogue administration")
	// Whether Komet is available here is the resource registry's answer.
	st := srv.App.Store
	m, err := st.MunicipalityByCode(context.Background(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateResource(casework.WithActor(context.Background(), casework.SystemActor(m.ID, "test")), mapping.Resource{Name: "Öppenvården",
		Kind: "social_services", AgeFrom: 3, AgeTo: 12, Level: "indicated", Needs: []string{"family"}, Methods: []string{"komet"}}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/catalogue/komet"))
	waitPage(t, ctx, "catalogue_form")
	checkA11y(t, ctx, "catalogue method form")
	if n := eval[int](t, ctx, `document.querySelectorAll('input[name=available]').length`); n != 0 {
		t.Error("the form still has a checkbox for availability")
	}
	if got := text(t, ctx, "#availability"); !strings.Contains(got, "Erbjuds av Öppenvården") {
		t.Errorf("availability %q", got)
	}
	groupsSubmit(t, ctx, "catalogue_admin", "form[action='/admin/catalogue/komet'] button[type=submit]",
		chromedp.SendKeys(css("#f-capacity"), "12 familjer per år"),
	)
	if row := text(t, ctx, "tr[data-method=komet]"); !strings.Contains(row, "Finns i kommunen") || !strings.Contains(row, "Öppenvården") || !strings.Contains(row, "12 familjer per år") {
		t.Fatalf("row %q", row)
	}
	if row := text(t, ctx, "tr[data-method=pmto]"); !strings.Contains(row, "Finns inte") {
		t.Errorf("a method no resource offers: %q", row)
	}
}
