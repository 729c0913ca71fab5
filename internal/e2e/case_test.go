package e2e

import (
	"context"
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

// caseActor returns a context acting as a demo user, for what the test does through the store.
func caseActor(t *testing.T, srv *apptest.Server, username string) context.Context {
	t.Helper()
	st := srv.App.Store
	m, err := st.MunicipalityByCode(t.Context(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	uid, err := st.UserIDByUsername(t.Context(), m.ID, username)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Actor(t.Context(), m.ID, uid, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(t.Context(), a)
}

// caseMove submits a move's form on the overview and waits for the step indicator to mark
// the step the move leads to.
func caseMove(t *testing.T, ctx context.Context, action string, to casework.Step) {
	t.Helper()
	do(t, ctx,
		chromedp.Click(css("#move-"+action+" button[type=submit]")),
		chromedp.WaitVisible(css(".case-steps li[aria-current='step'][data-step='"+string(to)+"']")),
	)
	if got := text(t, ctx, ".case-steps li[aria-current='step'] .case-step-label"); got != caseStepLabel(to) {
		t.Fatalf("after %s the current step reads %q", action, got)
	}
}

// caseNextSays checks the overview's next step for action: its texts, and a button exactly
// when the move is possible (the server's May answer).
func caseNextSays(t *testing.T, ctx context.Context, action string, possible bool, texts ...string) {
	t.Helper()
	sel := ".case-next-move[data-next='" + action + "']"
	got := text(t, ctx, sel)
	for _, want := range texts {
		if !strings.Contains(got, want) {
			t.Errorf("the next step %s lacks %q:\n%s", action, want, got)
		}
	}
	button := eval[bool](t, ctx, `!!document.querySelector("`+sel+` button[type=submit]")`)
	if button != possible {
		t.Fatalf("next step %s: button %v, possible %v", action, button, possible)
	}
}

// caseStepLabel is a step's Swedish name, as the step indicator shows it.
func caseStepLabel(s casework.Step) string {
	return map[casework.Step]string{
		casework.StepIdentified: "Identifierad, väntar på beredning", casework.StepAssessment: "Bedömning",
		casework.StepDecision: "Beslut", casework.StepParties: "Parter identifieras", casework.StepConsent: "Samtycke",
		casework.StepPlanning: "Planering", casework.StepActive: "Insatser och uppföljningsmöten",
	}[s]
}

// A coordinator takes a young person from a registered Check: IRK concern to an active case
// with an action plan, through the case pages.
func TestCoordinatorTakesAConcernToAnActionPlan(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	rc, err := srv.App.Store.RegisterConcern(caseActor(t, srv, "polis"), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Liam", LastName: "Vägvisare", PersonalNumber: storetest.TestPersonalNumbers[4]},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	path := srv.URL + "/cases/" + strconv.FormatInt(rc.CaseID, 10)
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)

	do(t, ctx, chromedp.Navigate(path))
	waitPage(t, ctx, "case_show")
	if h := text(t, ctx, "main h1"); h != "Ärende – Liam Vägvisare" {
		t.Fatalf("overview heading %q", h)
	}
	if got := text(t, ctx, ".case-steps li[aria-current='step'] .case-step-label"); got != caseStepLabel(casework.StepIdentified) {
		t.Fatalf("first step %q", got)
	}
	if irk := text(t, ctx, "section[aria-labelledby='h-irk']"); !strings.Contains(irk, "Tydlig risk: 3 faktorer") {
		t.Fatalf("IRK summary %q", irk)
	}
	checkA11y(t, ctx, "case overview at intake")

	caseMove(t, ctx, "prep_take_on", casework.StepAssessment)

	// A move the case is not ready for is not offered: the next step says what is missing
	// (each with the page where it is done) and who may take it.
	caseNextSays(t, ctx, "assessment_done", false, "Registrera en bedömning vid inskrivning", "Ange den samlade risknivån", "Sara Lindqvist")
	checkA11y(t, ctx, "case overview with the next step not yet possible")

	// The intake assessment, with the professional's risk judgement.
	clickAndWait(t, ctx, ".case-nav a[href$='/assessments']", "case_assessments")
	do(t, ctx, chromedp.SetValue(css("#f-instrument"), "irk"), chromedp.SetValue(css("#f-tp"), "intake"))
	clickAndWait(t, ctx, "form[action$='/assessments/new'] button[type=submit]", "case_assessment_form")
	checkA11y(t, ctx, "assessment form")
	for _, d := range casework.IRK().Domains {
		do(t, ctx, chromedp.Click(css("#f-item_"+d.Items[0].Code+"-2"))) // "Tydlig risk"
	}
	do(t, ctx,
		chromedp.Click(css("input[name=risk_level][value=high]")),
		chromedp.SendKeys(css("#f-risk_reason"), "Fyra tydliga riskfaktorer, kamrater i gängmiljö"),
		chromedp.SendKeys(css("#f-protective"), "Tränar fotboll, bra kontakt med morbror"),
	)
	clickAndWait(t, ctx, "form.case-assessment-form button[type=submit]", "case_assessments")
	if list := text(t, ctx, "main"); !strings.Contains(list, "Inskrivning") || !strings.Contains(list, "Sämre") {
		t.Fatalf("assessment list:\n%s", list)
	}

	clickAndWait(t, ctx, ".case-nav a[href$='"+strconv.FormatInt(rc.CaseID, 10)+"']", "case_show")
	if risk := text(t, ctx, "section[aria-labelledby='h-case']"); !strings.Contains(risk, "Hög") {
		t.Fatalf("the risk level is not on the overview: %q", risk)
	}
	caseMove(t, ctx, "assessment_done", casework.StepDecision)
	caseMove(t, ctx, "decide_start", casework.StepParties)

	// Parties: the usual ones for the age are ticked; the police get a reason.
	clickAndWait(t, ctx, ".case-nav a[href$='/parties']", "case_parties")
	checkA11y(t, ctx, "parties")
	police := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("input[name=agency]")].find(b => b.parentElement.textContent.includes("Polisen")).value`))
	if !get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("f-agency-`+police+`").checked`)) {
		t.Fatal("the police are not suggested as a party")
	}
	do(t, ctx, chromedp.SendKeys(css("#f-reason-"+police), "Områdespolisen känner honom"))
	clickAndWait(t, ctx, "form[action$='/parties'] button[type=submit]", "case_show")
	if parties := text(t, ctx, "section[aria-labelledby='h-parties']"); !strings.Contains(parties, "Områdespolisen känner honom") {
		t.Fatalf("parties on the overview: %q", parties)
	}
	caseMove(t, ctx, "parties_set", casework.StepConsent)
	// No "consent exists – go to planning" while the consent is not signed.
	caseNextSays(t, ctx, "consent_given", false, "Det finns inget giltigt samtycke")
	if href := eval[string](t, ctx, `document.querySelector(".case-next-missing a").getAttribute("href")`); !strings.HasSuffix(href, "/consents") {
		t.Fatalf("the missing consent links to %q", href)
	}
	checkA11y(t, ctx, "case overview at the consent step")

	// Consent, on the consent pages: drawn up for the police and signed on paper by the young
	// person (no guardian is registered, so the young person alone signs).
	clickAndWait(t, ctx, "section[aria-labelledby='h-consent'] a[href$='/consents']", "consent_list")
	clickAndWait(t, ctx, "main a.button[href$='/consents/new']", "consent_new")
	do(t, ctx, chromedp.SetValue(css("#f-months"), "6"))
	eval[bool](t, ctx, `(() => {
		document.querySelector("form.consent-new input[name=agency][value='`+police+`']").checked = true;
		document.querySelector("form.consent-new input[name=category][value=police]").checked = true;
		return true })()`)
	clickAndWait(t, ctx, "form.consent-new button[type=submit]", "consent_list")
	do(t, ctx, chromedp.Click(css("form.consent-sign button[type=submit]")), chromedp.WaitVisible(css(".consent-status-valid")))
	do(t, ctx, chromedp.Navigate(path))
	waitPage(t, ctx, "case_show")
	if consent := text(t, ctx, "section[aria-labelledby='h-consent']"); !strings.Contains(consent, "Gäller") {
		t.Fatalf("consent state %q", consent)
	}
	caseMove(t, ctx, "consent_given", casework.StepPlanning)

	// The action plan: the young person's own goal and a sub-goal.
	clickAndWait(t, ctx, ".case-nav a[href$='/plan']", "case_plan")
	checkA11y(t, ctx, "action plan editor")
	do(t, ctx,
		chromedp.SendKeys(css("#f-own_goal"), "Jag vill jobba som elektriker och ha en egen lägenhet"),
		chromedp.SendKeys(css("#f-sub_goal_1_text"), "Gå i skolan varje dag"),
		chromedp.SendKeys(css("#f-sub_goal_1_criterion"), "Närvaro över 80 % i fyra veckor"),
		chromedp.SendKeys(css("#f-sub_goal_1_responsible"), "Mentor och samordnare"),
		chromedp.SetValue(css("#f-sub_goal_1_due"), time.Now().AddDate(0, 2, 0).Format("2006-01-02")),
		chromedp.Click(css("form[action$='/plan'] button[type=submit]")),
		chromedp.WaitVisible(css(".flash")),
	)
	if cur := text(t, ctx, ".case-plan-current"); !strings.Contains(cur, "Version 1, sparad av Sara Lindqvist") || !strings.Contains(cur, "egen lägenhet") {
		t.Fatalf("saved plan:\n%s", cur)
	}
	checkA11y(t, ctx, "action plan with a version")

	clickAndWait(t, ctx, ".case-nav a[href$='"+strconv.FormatInt(rc.CaseID, 10)+"']", "case_show")
	caseMove(t, ctx, "plan_set", casework.StepActive)
	checkA11y(t, ctx, "case overview of an active case")

	clickAndWait(t, ctx, ".case-nav a[href$='/timeline']", "case_timeline")
	if tl := text(t, ctx, "table.case-timeline"); !strings.Contains(tl, "Oro anmäld") || !strings.Contains(tl, "Fastställ åtgärdsplanen") {
		t.Fatalf("timeline:\n%s", tl)
	}
	checkA11y(t, ctx, "timeline")
}
