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

// sspfStepLabel is an SSPF step's Swedish name, as the step indicator shows it.
func sspfStepLabel(s casework.Step) string {
	return map[casework.Step]string{
		casework.StepIdentified: "Oro inkommen", casework.StepAssessment: "Samordnarens bedömning: är SSPF aktuellt?",
		casework.StepConsent: "Skriftligt samtycke", casework.StepMapping: "Kartläggande samtal med den unga och vårdnadshavarna",
		casework.StepNetwork: "Nätverksmöte och åtagandeplan", casework.StepActive: "Åtagandeplan och uppföljning",
	}[s]
}

// sspfMove submits a move's form on an SSPF case's overview and waits for the step indicator
// to mark the SSPF step it leads to.
func sspfMove(t *testing.T, ctx context.Context, action string, to casework.Step) {
	t.Helper()
	do(t, ctx,
		chromedp.Click(css("#move-"+action+" button[type=submit]")),
		chromedp.WaitVisible(css(".case-steps li[aria-current='step'][data-step='"+string(to)+"']")),
	)
	if got := text(t, ctx, ".case-steps li[aria-current='step'] .case-step-label"); got != sspfStepLabel(to) {
		t.Fatalf("after %s the current step reads %q", action, got)
	}
}

// An SSPF case end to end: a concern, the coordinator's assessment
// whether SSPF applies, written consent, the mapping conversation, the network meeting and its
// commitment plan, follow-up — SSPF's own steps and words — and then the move to SIG, which
// keeps the case and its history. The administrator sets SSPF's own age range.
func TestSSPFCaseInTheBrowser(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	rc, err := srv.App.Store.RegisterConcern(caseActor(t, srv, "polis"), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Elsa", LastName: "Strand", PersonalNumber: storetest.TestPersonalNumbers[6]},
		Ratings: storetest.IRKRatings(2), Program: casework.ProgramSSPF,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(rc.CaseID, 10)
	path := srv.URL + "/cases/" + id
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)

	do(t, ctx, chromedp.Navigate(path))
	waitPage(t, ctx, "case_show")
	labels := eval[[]string](t, ctx, `[...document.querySelectorAll(".case-steps .case-step-label")].map(e => e.textContent.trim())`)
	want := []string{"Oro inkommen", "Samordnarens bedömning: är SSPF aktuellt?", "Skriftligt samtycke",
		"Kartläggande samtal med den unga och vårdnadshavarna", "Nätverksmöte och åtagandeplan", "Åtagandeplan och uppföljning",
		"Avslutat, uppföljning väntar", "Avslutat och uppföljt"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Fatalf("SSPF's step indicator:\n got %q\nwant %q", labels, want)
	}
	if status := text(t, ctx, ".case-status"); !strings.Contains(status, "Steg 1") || !strings.Contains(status, "SSPF") {
		t.Fatalf("case status %q", status)
	}
	checkA11y(t, ctx, "SSPF case at the concern")

	sspfMove(t, ctx, "prep_take_on", casework.StepAssessment)
	if exists := eval[bool](t, ctx, `!!document.getElementById("move-assessment_done") || !!document.getElementById("move-decide_start")`); exists {
		t.Fatal("an SSPF case is offered SIG's moves")
	}
	// SSPF applies only with the coordinator's risk judgement.
	caseNextSays(t, ctx, "sspf_applies", false, "Ange den samlade risknivån")
	checkA11y(t, ctx, "SSPF case with the next step not yet possible")

	clickAndWait(t, ctx, ".case-nav a[href$='/assessments']", "case_assessments")
	do(t, ctx, chromedp.SetValue(css("#f-instrument"), "irk"), chromedp.SetValue(css("#f-tp"), "intake"))
	clickAndWait(t, ctx, "form[action$='/assessments/new'] button[type=submit]", "case_assessment_form")
	for _, d := range casework.IRK().Domains {
		do(t, ctx, chromedp.Click(css("#f-item_"+d.Items[0].Code+"-1")))
	}
	do(t, ctx,
		chromedp.Click(css("input[name=risk_level][value=moderate]")),
		chromedp.SendKeys(css("#f-risk_reason"), "Skolfrånvaro och nya kamrater; föräldrarna oroliga"),
	)
	clickAndWait(t, ctx, "form.case-assessment-form button[type=submit]", "case_assessments")
	clickAndWait(t, ctx, ".case-nav a[href$='/cases/"+id+"']", "case_show")
	sspfMove(t, ctx, "sspf_applies", casework.StepConsent)

	// Written consent for the school, signed on paper.
	clickAndWait(t, ctx, "section[aria-labelledby='h-consent'] a[href$='/consents']", "consent_list")
	clickAndWait(t, ctx, "main a.button[href$='/consents/new']", "consent_new")
	school := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("form.consent-new input[name=agency]")].find(b => b.parentElement.textContent.includes("Grundskole")).value`))
	do(t, ctx, chromedp.SetValue(css("#f-months"), "6"))
	eval[bool](t, ctx, `(() => {
		document.querySelector("form.consent-new input[name=agency][value='`+school+`']").checked = true;
		document.querySelector("form.consent-new input[name=category][value=school]").checked = true;
		return true })()`)
	clickAndWait(t, ctx, "form.consent-new button[type=submit]", "consent_list")
	do(t, ctx, chromedp.Click(css("form.consent-sign button[type=submit]")), chromedp.WaitVisible(css(".consent-status-valid")))
	do(t, ctx, chromedp.Navigate(path))
	waitPage(t, ctx, "case_show")
	caseNextSays(t, ctx, "consent_given", true, "Allt som behövs finns")
	if label := text(t, ctx, "#move-consent_given button[type=submit]"); label != "Samtycket finns – till kartläggande samtal" {
		t.Fatalf("the consent move reads %q", label)
	}
	sspfMove(t, ctx, "consent_given", casework.StepMapping)
	checkA11y(t, ctx, "SSPF case at the mapping conversation")
	sspfMove(t, ctx, "mapping_done", casework.StepNetwork)

	// The commitment plan.
	if nav := text(t, ctx, ".case-nav a[href$='/plan']"); nav != "Åtagandeplan" {
		t.Fatalf("the plan's link reads %q", nav)
	}
	clickAndWait(t, ctx, ".case-nav a[href$='/plan']", "case_plan")
	if h := text(t, ctx, "main h1"); h != "Åtagandeplan – Elsa Strand" {
		t.Fatalf("plan heading %q", h)
	}
	do(t, ctx,
		chromedp.SendKeys(css("#f-own_goal"), "Jag vill gå till skolan och spela fotboll igen"),
		chromedp.SendKeys(css("#f-sub_goal_1_text"), "Gå i skolan varje dag"),
		chromedp.SendKeys(css("#f-sub_goal_1_criterion"), "Närvaro över 90 % i fyra veckor"),
		chromedp.SendKeys(css("#f-sub_goal_1_responsible"), "Mentor och fritidsgården"),
		chromedp.SetValue(css("#f-sub_goal_1_due"), time.Now().AddDate(0, 2, 0).Format("2006-01-02")),
		chromedp.Click(css("form[action$='/plan'] button[type=submit]")),
		chromedp.WaitVisible(css(".flash")),
	)
	checkA11y(t, ctx, "commitment plan")
	clickAndWait(t, ctx, ".case-nav a[href$='/cases/"+id+"']", "case_show")
	sspfMove(t, ctx, "plan_set", casework.StepActive)
	checkA11y(t, ctx, "SSPF case in follow-up")

	// The work list carries the track.
	do(t, ctx, chromedp.Navigate(srv.URL+"/worklist?tab=mine"))
	waitPage(t, ctx, "cases_list")
	row := eval[string](t, ctx, `[...document.querySelectorAll("#worklist tbody tr")].map(r => r.textContent).find(t => t.includes("Elsa Strand")) || ""`)
	if !strings.Contains(row, "SSPF") {
		t.Fatalf("the work list's row does not say SSPF: %q", row)
	}
	checkA11y(t, ctx, "work list with an SSPF case")
	do(t, ctx, chromedp.Navigate(path))
	waitPage(t, ctx, "case_show")

	// More is needed: the case continues as SIG from the systematic assessment, with a reason.
	do(t, ctx,
		chromedp.SendKeys(css("#move-to_sig textarea[name=reason], #move-to_sig input[name=reason]"), "Behoven är större än SSPF kan möta"),
		chromedp.Click(css("#move-to_sig button[type=submit]")),
		chromedp.WaitVisible(css(".case-steps li[aria-current='step'][data-step='assessment']")),
	)
	if got := text(t, ctx, ".case-steps li[aria-current='step'] .case-step-label"); got != "Bedömning" {
		t.Fatalf("after the move to SIG the step reads %q", got)
	}
	if status := text(t, ctx, ".case-status"); !strings.Contains(status, "Steg 3") || !strings.Contains(status, "SIG") {
		t.Fatalf("case status after the move to SIG %q", status)
	}
	if !strings.HasSuffix(get(t, ctx, chromedp.Location()), "/cases/"+id) {
		t.Fatal("the move to SIG left the case")
	}
	checkA11y(t, ctx, "the case moved to SIG")
	clickAndWait(t, ctx, ".case-nav a[href$='/timeline']", "case_timeline")
	tl := text(t, ctx, "table.case-timeline")
	for _, s := range []string{"Oro anmäld", "SSPF är aktuellt – till samtycke", "Det kartläggande samtalet är hållet", "Fortsätt som SIG", "Behoven är större än SSPF kan möta"} {
		if !strings.Contains(tl, s) {
			t.Errorf("the timeline lacks %q:\n%s", s, tl)
		}
	}

	// The case closes; when the young person comes back it is reopened — the same case — with
	// a reason, which a reopening without one is refused for at the field.
	clickAndWait(t, ctx, ".case-nav a[href$='/cases/"+id+"']", "case_show")
	do(t, ctx,
		chromedp.SetValue(css("#f-closure-close"), "moved"),
		chromedp.Click(css("#move-close button[type=submit]")),
		chromedp.WaitVisible(css("#confirm-dialog[open] [data-confirm-yes]")), // closing asks first
		chromedp.Click(css("[data-confirm-yes]")),
		chromedp.WaitVisible(css(".case-steps li[aria-current='step'][data-step='closed']")),
	)
	do(t, ctx, chromedp.Click(css("#move-reopen button[type=submit]")), chromedp.WaitVisible(css("#e-move-reopen")))
	checkA11y(t, ctx, "closed case with a refused reopening")
	do(t, ctx,
		chromedp.SendKeys(css("#f-reason-reopen"), "Familjen flyttade tillbaka; ny oro från skolan"),
		chromedp.Click(css("#move-reopen button[type=submit]")),
		chromedp.WaitVisible(css(".case-steps li[aria-current='step'][data-step='assessment']")),
	)
	if !strings.HasSuffix(get(t, ctx, chromedp.Location()), "/cases/"+id) {
		t.Fatal("reopening left the case")
	}
	checkA11y(t, ctx, "reopened case")
	clickAndWait(t, ctx, ".case-nav a[href$='/timeline']", "case_timeline")
	if tl := text(t, ctx, "table.case-timeline"); !strings.Contains(tl, "Ärendet öppnat igen") || !strings.Contains(tl, "Familjen flyttade tillbaka") ||
		!strings.Contains(tl, "SSPF är aktuellt") {
		t.Errorf("the reopened case's timeline:\n%s", tl)
	}

	// The administrator sets SSPF's own age range; a ten-year-old is then inside it.
	admin := newBrowser(t)
	login(t, admin, srv.URL, "admin", demo.Password)
	do(t, admin, chromedp.Navigate(srv.URL+"/admin/settings"))
	waitPage(t, admin, "admin_settings")
	checkA11y(t, admin, "settings with SSPF's fields")
	do(t, admin, chromedp.SetValue(css("#f-sspf_min_age"), "-1"))
	clickAndWait(t, admin, "form[action='/admin/settings'] button[type=submit]", "admin_settings")
	if msg := text(t, admin, "#e-sspf_min_age"); msg == "" {
		t.Fatal("a bad SSPF age has no error at its field")
	}
	checkA11y(t, admin, "settings with an error at an SSPF field")
	do(t, admin, chromedp.SetValue(css("#f-sspf_min_age"), "10"))
	clickAndWait(t, admin, "form[action='/admin/settings'] button[type=submit]", "admin_settings")
	if v := get(t, admin, chromedp.Evaluate[string](`document.getElementById("f-sspf_min_age").value`)); v != "10" {
		t.Fatalf("SSPF's lowest age reads %q after saving", v)
	}
}
