package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// Closure and return in the browser (issue 14:5): a SIG case closed with its goals reached
// asks for its future meeting; bad input is refused at the field; the meeting is recorded with
// who takes over what; the follow-ups show their due dates; the case is put on the watch list
// and shows in the work list's watch tab. Each page passes axe.
func TestClosureInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(consentE2ET0) // 2026-03-10
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := consentE2EFixture(t, srv)
	st := srv.App.Store
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	rc, err := st.RegisterConcern(coord, store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Frida", LastName: "Framtidsson", BirthDate: "2010-04-05", DistrictID: f.Districts[0].ID},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	if _, err := st.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}}); err != nil {
		t.Fatal(err)
	}
	page := srv.URL + "/cases/" + strconv.FormatInt(rc.CaseID, 10) + "/closure"

	c := newBrowser(t)
	login(t, c, srv.URL, "samordnare", demo.Password)
	do(t, c, chromedp.Navigate(page))
	waitPage(t, c, "case_closure")
	if !strings.Contains(text(t, c, "#future-missing"), "inget framtidsmöte") {
		t.Fatalf("the missing future meeting is not asked for: %s", text(t, c, "main"))
	}
	body := text(t, c, "main")
	if !strings.Contains(body, "2026-09-10") || !strings.Contains(body, "2027-03-10") {
		t.Fatalf("the follow-ups' due dates are not shown: %s", body)
	}
	checkA11y(t, c, "closure page")

	t.Run("bad input is refused at the field, nothing saved", func(t *testing.T) {
		do(t, c, chromedp.SetValue(css("#f-held_on"), "2026-03-11"), chromedp.SendKeys(css("#f-handover_1_party"), "Rinkebyskolan"))
		reloadAfterClick(t, c, "main form[action$='/future-meeting'] button[type=submit]", "case_closure")
		if !strings.Contains(text(t, c, "#e-held_on"), "framtiden") || !strings.Contains(text(t, c, "#e-handover_1_takes"), "tas över") {
			t.Fatalf("the errors at the fields: %s", text(t, c, "main"))
		}
		if v := eval[string](t, c, `document.querySelector('#f-handover_1_party').value`); v != "Rinkebyskolan" {
			t.Fatalf("the typed party is lost: %q", v)
		}
		checkA11y(t, c, "future meeting with errors")
		if cl, err := st.CaseClosure(coord, rc.CaseID); err != nil || cl.FutureMeeting != nil {
			t.Fatalf("saved after the refusal: %+v %v", cl.FutureMeeting, err)
		}
	})

	t.Run("the future meeting names who carries on", func(t *testing.T) {
		do(t, c, chromedp.SetValue(css("#f-held_on"), "2026-03-09"),
			chromedp.SetValue(css("#f-handover_1_kind"), "skola"),
			chromedp.SendKeys(css("#f-handover_1_takes"), "Mentorssamtal varje vecka"),
			chromedp.SetValue(css("#f-handover_2_kind"), "fritid"),
			chromedp.SendKeys(css("#f-handover_2_party"), "Fryshuset"),
			chromedp.SendKeys(css("#f-handover_2_takes"), "Fotboll på tisdagar"))
		reloadAfterClick(t, c, "main form[action$='/future-meeting'] button[type=submit]", "case_closure")
		body := text(t, c, "main table.handovers")
		for _, want := range []string{"Rinkebyskolan", "Mentorssamtal varje vecka", "Fryshuset", "Fritid"} {
			if !strings.Contains(body, want) {
				t.Fatalf("%q not in the handovers: %s", want, body)
			}
		}
		if ok := eval[bool](t, c, `document.querySelector('#future-missing') === null`); !ok {
			t.Fatal("still asks for the future meeting")
		}
		checkA11y(t, c, "future meeting recorded")
		// The case's overview shows who carries on.
		do(t, c, chromedp.Navigate(strings.TrimSuffix(page, "/closure")))
		waitPage(t, c, "case_show")
		if body := text(t, c, "main"); !strings.Contains(body, "Fryshuset") || !strings.Contains(body, "Mentorssamtal varje vecka") {
			t.Fatalf("the overview does not show who carries on: %s", body)
		}
		checkA11y(t, c, "closed case overview")
		// And the printed plan.
		do(t, c, chromedp.Navigate(strings.TrimSuffix(page, "/closure")+"/plan/print"))
		waitPage(t, c, "case_plan_print")
		if body := text(t, c, "#h-carries-on + p + ul"); !strings.Contains(body, "Fryshuset") {
			t.Fatalf("the printed plan does not show who carries on: %s", text(t, c, "body"))
		}
		checkA11y(t, c, "printed plan with the future meeting")
		do(t, c, chromedp.Navigate(page))
		waitPage(t, c, "case_closure")
	})

	t.Run("the closed case goes on the watch list", func(t *testing.T) {
		do(t, c, chromedp.SendKeys(css("#f-watch_reason"), "Storebror frigiven i maj"), chromedp.SetValue(css("#f-watch_until"), "2026-06-30"))
		reloadAfterClick(t, c, "main form[action$='/watch'] button[type=submit]", "case_closure")
		if !strings.Contains(text(t, c, "main"), "Storebror frigiven i maj") {
			t.Fatalf("the watch is not listed: %s", text(t, c, "main"))
		}
		checkA11y(t, c, "watch set")
		do(t, c, chromedp.Navigate(srv.URL+"/worklist?tab=watch"))
		waitPage(t, c, "cases_list")
		body := text(t, c, "main")
		if !strings.Contains(body, "Frida Framtidsson") || !strings.Contains(body, "2026-06-30") {
			t.Fatalf("the watch tab: %s", body)
		}
		checkA11y(t, c, "work list's watch tab")
	})
}
