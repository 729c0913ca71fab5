package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The preparatory group in the browser: the group's member opens the meeting list, is refused
// a schedule of nine weeks at the field and sets every five weeks; opens Tuesday's meeting,
// finds the concern that came in on Monday on its agenda one day from concern to meeting, is
// refused "not now" without a reason at the field — the case stays at intake — and minutes it
// with one, which closes the case. Every page passes axe.
func TestPrepGroupMeetingInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // Monday 10:00
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	rc, err := st.RegisterConcern(caseActor(t, srv, "polis"), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Bera", LastName: "Dningsson", PersonalNumber: storetest.TestPersonalNumbers[5]},
		Ratings: storetest.IRKRatings(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)) // Tuesday 11:00: the 09:00 meeting has begun
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "beredning", demo.Password)

	do(t, ctx, chromedp.Navigate(srv.URL+"/prepgroup"))
	waitPage(t, ctx, "prepgroup_list")
	if s := text(t, ctx, "#prep-schedule"); !strings.Contains(s, "varje vecka på tisdag kl. 09:00") {
		t.Fatalf("schedule %q", s)
	}
	checkA11y(t, ctx, "the preparatory group's meetings")
	do(t, ctx,
		chromedp.SetValue(css("#f-every_weeks"), "9"),
		chromedp.Click(css("form[action='/prepgroup/schedule'] button[type=submit]")),
		chromedp.WaitVisible(css("#e-every_weeks")),
	)
	if msg := text(t, ctx, "#e-every_weeks"); msg != "Skriv ett antal veckor mellan 1 och 8." {
		t.Fatalf("error %q", msg)
	}
	checkA11y(t, ctx, "a refused schedule")
	do(t, ctx,
		chromedp.SetValue(css("#f-every_weeks"), "5"),
		chromedp.SetValue(css("#f-from"), "2026-03-03"),
		chromedp.Click(css("form[action='/prepgroup/schedule'] button[type=submit]")),
		chromedp.WaitVisible(css(".flash")),
	)
	if s := text(t, ctx, "#prep-schedule"); !strings.Contains(s, "var 5:e vecka på tisdag kl. 09:00") {
		t.Fatalf("schedule after saving %q", s)
	}

	clickAndWait(t, ctx, "#prep-meetings a[href='/prepgroup/2026-03-03']", "prepgroup_meeting")
	row := text(t, ctx, "#prep-agenda tbody")
	if !strings.Contains(row, "Bera Dningsson") || !strings.Contains(row, "Inte beslutat") {
		t.Fatalf("agenda %q", row)
	}
	checkA11y(t, ctx, "a meeting's agenda")
	id := strconv.FormatInt(rc.CaseID, 10)
	days := text(t, ctx, "#prep-agenda tr[data-case='/cases/"+id+"'] td:nth-of-type(3)")
	if days != "1" {
		t.Fatalf("days from concern to first meeting %q, want 1", days)
	}
	decide := func(reason string, wait string) {
		t.Helper()
		eval[string](t, ctx, `document.querySelector("#f-reason").value = `+strconv.Quote(reason))
		do(t, ctx,
			chromedp.SetValue(css("#f-case"), id),
			chromedp.Click(css("input[name=decision][value='prep_not_now']")),
			chromedp.Click(css("form[action$='/decide'] button[type=submit]")),
			chromedp.WaitVisible(css(wait)),
		)
	}
	decide("", "#e-reason")
	if msg := text(t, ctx, "#e-reason"); msg != "Skriv varför." {
		t.Fatalf("error %q", msg)
	}
	checkA11y(t, ctx, "a decision refused for want of a reason")
	step := func() casework.Step {
		t.Helper()
		cd, err := st.CaseDetail(caseActor(t, srv, "samordnare"), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		return cd.Case.Step
	}
	if s := step(); s != casework.StepIdentified {
		t.Fatalf("a refused decision moved the case to %s", s)
	}
	decide("Familjen har redan stöd från socialtjänsten", ".flash")
	if row := text(t, ctx, "#prep-agenda tr[data-case='/cases/"+id+"']"); !strings.Contains(row, "Inte nu") {
		t.Fatalf("minuted row %q", row)
	}
	checkA11y(t, ctx, "a meeting with a decision minuted")
	if s := step(); s != casework.StepClosed {
		t.Fatalf("not now left the case at %s", s)
	}
}
