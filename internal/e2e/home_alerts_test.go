package e2e

import (
	"strconv"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// The start page's alerts (issue 14) with a fixed clock, 2026-03-10: the coordinator, staff on
// the case, sees the wait for a SiS place that passed the week (requested 2026-02-28: 10
// days) and the sibling's assessment due for review, each linking to its page, and "what to
// do now" counts them; a wait of five days is no alert, and the place is never shown. The
// police officer in the group, whom the consent names, sees the level the coordinator raised
// but no SiS wait (social services' information, not theirs). The school, named by the same
// consent but outside the security category, sees no alert at all. axe finds no violations.
func TestStartPageAlertsInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(consentE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := consentE2EFixture(t, srv)
	coordCtx := f.Ctx(t, st, casework.RoleCoordinator)
	waiting := f.Concern(t, st, casework.RoleCoordinator, "Sixten", "Sisväntan", storetest.TestPersonalNumbers[5])
	f.Advance(t, st, waiting.CaseID, casework.StepActive, storetest.ConsentSpec{})
	recent := f.Concern(t, st, casework.RoleCoordinator, "Fem", "Dagarsson", storetest.TestPersonalNumbers[6])
	f.Advance(t, st, recent.CaseID, casework.StepActive, storetest.ConsentSpec{})
	police := f.Users[casework.RoleGroupMember]
	if _, err := st.AddGroupMember(coordCtx, waiting.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID, Role: "kontaktpolis"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		caseID int64
		on     string
	}{{waiting.CaseID, "2026-02-28"}, {recent.CaseID, "2026-03-05"}} {
		if _, err := st.SavePlacement(coordCtx, p.caseID, 0, casework.PlacementInput{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: p.on,
			Reason: "Behov av låst vård", Place: "Sis-hemmet Hemligt"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []casework.SecurityInput{
		{Kind: "youth", Level: "elevated", Threats: "Hot i skolan", AssessedOn: "2026-02-01", ReviewOn: "2026-04-01"},
		{Kind: "youth", Level: "high", Threats: "Hot efter rån", AssessedOn: "2026-03-09", ReviewOn: "2026-04-09"},
		{Kind: "sibling", Name: "Lillasyster", Level: "low", AssessedOn: "2026-02-01", ReviewOn: "2026-03-01"},
	} {
		if _, err := st.RecordSecurityAssessment(coordCtx, waiting.CaseID, in); err != nil {
			t.Fatal(err)
		}
	}
	id := strconv.FormatInt(waiting.CaseID, 10)

	c := newBrowser(t)
	login(t, c, srv.URL, "samordnare", demo.Password)
	checkA11y(t, c, "the start page with alerts")
	alerts := text(t, c, "section[aria-labelledby='h-alerts']")
	for _, want := range []string{"Väntar på SiS-plats längre än 7 dagar", "Sixten Sisväntan: har väntat i 10 dagar", "(platsen begärd 2026-02-28)",
		"Dags att omvärdera", "Sixten Sisväntan: Syskon, Låg – omvärdering 2026-03-01"} {
		if !strings.Contains(alerts, want) {
			t.Errorf("the alerts lack %q:\n%s", want, alerts)
		}
	}
	if strings.Contains(alerts, "Dagarsson") || strings.Contains(alerts, "Hemligt") || strings.Contains(alerts, "Höjd hotnivå") {
		t.Errorf("a wait of five days, the place or the coordinator's own raise is shown:\n%s", alerts)
	}
	now := text(t, c, "#h-now + ul")
	for _, want := range []string{"1 ung väntar på SiS-plats längre än en vecka", "1 säkerhetsbedömning ska omvärderas"} {
		if !strings.Contains(now, want) {
			t.Errorf("what to do now lacks %q:\n%s", want, now)
		}
	}
	for _, href := range []string{"/cases/" + id + "/placements", "/cases/" + id + "/security"} {
		if n := eval[int](t, c, `document.querySelectorAll("section[aria-labelledby='h-alerts'] a[href='`+href+`']").length`); n == 0 {
			t.Errorf("no link to %s", href)
		}
	}

	p := newBrowser(t)
	login(t, p, srv.URL, "polis", demo.Password)
	checkA11y(t, p, "the police officer's start page with an alert")
	alerts = text(t, p, "section[aria-labelledby='h-alerts']")
	if !strings.Contains(alerts, "Sixten Sisväntan") || strings.Contains(alerts, "SiS") || strings.Contains(alerts, "Dags att omvärdera") {
		t.Errorf("the police officer's alerts:\n%s", alerts)
	}
	if now := text(t, p, "#h-now + ul"); !strings.Contains(now, "2 höjda hotnivåer att se över") || strings.Contains(now, "SiS") {
		t.Errorf("the police officer's what to do now:\n%s", now)
	}
	if n := eval[int](t, p, `document.querySelectorAll("section[aria-labelledby='h-alerts'] a[href='/security/alerts']").length`); n != 1 {
		t.Errorf("no link to all security alerts")
	}

	s := newBrowser(t)
	login(t, s, srv.URL, "skola", demo.Password)
	checkA11y(t, s, "the school's start page")
	if n := eval[int](t, s, `document.querySelectorAll("#h-alerts").length`); n != 0 {
		t.Errorf("the school's start page has an alerts section:\n%s", text(t, s, "main"))
	}
	if body := text(t, s, "main"); strings.Contains(body, "SiS") || strings.Contains(body, "hotnivå") {
		t.Errorf("the school's start page shows an alert:\n%s", body)
	}
}
