package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestSSPFNetworkMeetingInTheBrowser (issue 14:1): the coordinator plans an SSPF case's
// network meeting; the form offers SSPF's kinds with the network meeting chosen, a mapping
// conversation can be chosen instead, and the meeting page names the kind. The settings page
// with its lists of kinds, and its error when a track has none ticked. Axe reports nothing on
// any of them.
func TestSSPFNetworkMeetingInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(groupsE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := groupsE2EFixture(t, st)
	rc, err := st.RegisterConcern(f.Ctx(t, st, casework.RoleCoordinator), store.ConcernInput{Program: casework.ProgramSSPF,
		Youth:   casework.YouthInput{FirstName: groupsE2EFirst, LastName: groupsE2ELast, PersonalNumber: groupsE2EPnr},
		Ratings: storetest.IRKRatings(3)})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	casePath := srv.URL + "/cases/" + strconv.FormatInt(rc.CaseID, 10)

	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(casePath+"/meetings"))
	waitPage(t, ctx, "meeting_list")
	checkA11y(t, ctx, "an SSPF case's meetings page")
	if got := eval[string](t, ctx, `[...document.querySelectorAll("#f-kind option")].map(o => o.value + (o.selected ? "*" : "")).join(" ")`); got != "mapping_conversation network_meeting* follow_up" {
		t.Fatalf("the kinds offered: %q", got)
	}
	groupsSubmit(t, ctx, "meeting_show", "form[action$='/meetings'] button[type=submit]",
		chromedp.SendKeys(css("#f-place"), "Familjehuset"))
	checkA11y(t, ctx, "the network meeting's page")
	if got := text(t, ctx, ".groups-meeting-facts dd"); got != "Nätverksmöte" {
		t.Fatalf("the meeting page's kind: %q", got)
	}
	ml, err := st.Meetings(f.Ctx(t, st, casework.RoleCoordinator), rc.CaseID)
	if err != nil || len(ml.Meetings) != 1 || ml.Meetings[0].Kind != casework.KindNetworkMeeting {
		t.Fatalf("saved: %+v %v", ml.Meetings, err)
	}

	admin := newBrowser(t)
	login(t, admin, srv.URL, "admin", demo.Password)
	do(t, admin, chromedp.Navigate(srv.URL+"/admin/settings"))
	waitPage(t, admin, "admin_settings")
	checkA11y(t, admin, "settings with the lists of meeting kinds")
	for _, k := range []string{"mapping_conversation", "network_meeting", "follow_up"} {
		do(t, admin, chromedp.Click(css("input[name=sspf_meeting_kinds][value="+k+"]")))
	}
	clickAndWait(t, admin, "form[action='/admin/settings'] button[type=submit]", "admin_settings")
	if msg := text(t, admin, "#e-sspf_meeting_kinds"); msg != "Välj minst en typ av möte." {
		t.Fatalf("no SSPF kind ticked: %q", msg)
	}
	checkA11y(t, admin, "settings with an error at SSPF's meeting kinds")
}
