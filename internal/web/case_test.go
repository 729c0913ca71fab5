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

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// caseWorld is the demo municipality as the case tests use it.
type caseWorld struct {
	srv   *apptest.Server
	st    *store.Store
	mid   int64
	clock *storetest.Clock
}

func newCaseWorld(t *testing.T, e storetest.Engine) caseWorld {
	t.Helper()
	clock := storetest.NewClock(time.Now().UTC().Truncate(time.Second))
	srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
	m, err := srv.App.Store.MunicipalityByCode(t.Context(), "9999")
	if err != nil {
		t.Fatal(err)
	}
	return caseWorld{srv: srv, st: srv.App.Store, mid: m.ID, clock: clock}
}

// as returns a context acting as the demo user.
func (w caseWorld) as(t *testing.T, username string) context.Context {
	t.Helper()
	id, err := w.st.UserIDByUsername(t.Context(), w.mid, username)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.st.Actor(t.Context(), w.mid, id, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(t.Context(), a)
}

func (w caseWorld) userID(t *testing.T, username string) int64 {
	t.Helper()
	id, err := w.st.UserIDByUsername(t.Context(), w.mid, username)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// concern registers a concern (Check: IRK) as the police and returns the new case's id.
func (w caseWorld) concern(t *testing.T, first, last, pnr string) int64 {
	t.Helper()
	rc, err := w.st.RegisterConcern(w.as(t, "polis"), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: first, LastName: last, PersonalNumber: pnr},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rc.CaseID
}

var currentStepRE = regexp.MustCompile(`(?s)<li class="current" data-step="[a-z_]+" aria-current="step">.*?<span class="case-step-label">([^<]+)</span>`)

// currentStep is the step the overview's step indicator marks as current.
func currentStep(t *testing.T, body string) string {
	t.Helper()
	m := currentStepRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no current step in the step indicator:\n%s", body)
	}
	return html.UnescapeString(m[1])
}

// The case pages on both engines, on one running Lots each (starting one loads the demo).
func TestCasePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newCaseWorld(t, e)
		t.Run("a coordinator takes a case through every step", func(t *testing.T) { caseThroughEveryStep(t, w) })
		t.Run("the pages hide what the actor may not see", func(t *testing.T) { casePagesHide(t, w) })
	})
}

func caseThroughEveryStep(t *testing.T, w caseWorld) {
	srv := w.srv
	id := w.concern(t, "Elias", "Stegström", storetest.TestPersonalNumbers[0])
	path := "/cases/" + strconv.FormatInt(id, 10)
	w.clock.Advance(time.Hour) // the intake assessment comes after the concern
	coord := srv.Login(t, "samordnare")
	move := func(t *testing.T, action string, extra url.Values, wantStep string) {
		t.Helper()
		v := url.Values{"action": {action}}
		for k, vs := range extra {
			v[k] = vs
		}
		res, body := srv.PostForm(t, coord, path+"/move", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d\n%s", action, res.StatusCode, body)
		}
		_, page := srv.Get(t, coord, path)
		if got := currentStep(t, page); got != wantStep {
			t.Fatalf("after %s the step is %q, want %q", action, got, wantStep)
		}
	}
	post := func(t *testing.T, sub string, v url.Values) {
		t.Helper()
		res, body := srv.PostForm(t, coord, path+sub, v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: status %d\n%s", sub, res.StatusCode, body)
		}
	}

	t.Run("the overview shows the young person, the IRK and the first step", func(t *testing.T) {
		code, body := srv.Get(t, coord, path)
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		for _, want := range []string{"Elias Stegström", "20080311-2382", "Tydlig risk: 3 faktorer", "Kriminell historik", "Inget samtycke", path + "/consents", "Ta emot ärendet"} {
			if !strings.Contains(body, want) {
				t.Errorf("overview lacks %q", want)
			}
		}
		if got := currentStep(t, body); got != "Identifierad, väntar på beredning" {
			t.Fatalf("step %q", got)
		}
	})
	t.Run("take on", func(t *testing.T) {
		move(t, "prep_take_on", url.Values{"coordinator": {strconv.FormatInt(w.userID(t, "samordnare"), 10)}}, "Bedömning")
	})
	t.Run("a refused move shows the Swedish reason and changes nothing", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/move", url.Values{"action": {"assessment_done"}})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("status %d", res.StatusCode)
		}
		if !strings.Contains(body, "Registrera en bedömning vid inskrivning innan ärendet går till beslut.") {
			t.Fatal("no reason shown")
		}
		if !strings.Contains(body, `id="e-move-assessment_done"`) {
			t.Fatal("the reason is not shown at the action")
		}
		if got := currentStep(t, body); got != "Bedömning" {
			t.Fatalf("step %q", got)
		}
		cd, err := w.st.CaseDetail(w.as(t, "samordnare"), id)
		if err != nil || cd.Case.Step != casework.StepAssessment {
			t.Fatalf("step in the store %q, %v", cd.Case.Step, err)
		}
	})
	t.Run("an assessment with errors keeps the values and names every error", func(t *testing.T) {
		code, form := srv.Get(t, coord, path+"/assessments/new?instrument=irk&tp=intake")
		if code != http.StatusOK || !strings.Contains(form, `name="item_criminal_history"`) {
			t.Fatalf("form %d", code)
		}
		res, body := srv.PostForm(t, coord, path+"/assessments", url.Values{
			"instrument": {"irk"}, "time_point": {"intake"}, "item_family": {"clear"}, "risk_level": {"high"}, "note": {"Anteckning kvar"},
		})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{"Motivera risknivån", "Bedöm den här faktorn", "Anteckning kvar", `aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
		}
		if !regexp.MustCompile(`name="item_family" value="clear" checked`).MatchString(body) {
			t.Error("the rating given is not kept")
		}
	})
	t.Run("assessment with the professional's risk judgement", func(t *testing.T) {
		v := url.Values{"instrument": {"irk"}, "time_point": {"intake"},
			"risk_level": {"high"}, "risk_reason": {"Flera tydliga riskfaktorer"}, "protective": {"Tränar fotboll"}}
		for _, d := range casework.IRK().Domains {
			v.Set("item_"+d.Items[0].Code, "clear")
		}
		post(t, "/assessments", v)
		_, list := srv.Get(t, coord, path+"/assessments")
		for _, want := range []string{"Orosanmälan", "Inskrivning", "Sämre", `role="img" aria-label="Poängen har stigit"`, "Flera tydliga riskfaktorer"} {
			if !strings.Contains(list, want) {
				t.Errorf("assessment list lacks %q", want)
			}
		}
		move(t, "assessment_done", nil, "Beslut")
	})
	t.Run("decide", func(t *testing.T) { move(t, "decide_start", nil, "Parter identifieras") })
	var police, school string
	t.Run("parties", func(t *testing.T) {
		_, form := srv.Get(t, coord, path+"/parties")
		police = agencyBox(t, form, "Polisen")
		school = agencyBox(t, form, "Grundskoleförvaltningen")
		post(t, "/parties", url.Values{"agency": {police, school}, "reason_" + police: {"Känd av områdespolisen"}})
		_, body := srv.Get(t, coord, path)
		if !strings.Contains(body, "Känd av områdespolisen") {
			t.Fatal("party reason not on the overview")
		}
		move(t, "parties_set", nil, "Samtycke")
	})
	t.Run("without a consent the plan cannot start", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/move", url.Values{"action": {"consent_given"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Det finns inget giltigt samtycke") {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("guardian and consent", func(t *testing.T) {
		post(t, "/persons", url.Values{"kind": {"guardian"}, "name": {"Mona Stegström"}, "relation": {"mamma"}, "has_custody": {"on"}})
		_, persons := srv.Get(t, coord, path+"/persons")
		if !strings.Contains(persons, "Mona Stegström") {
			t.Fatal("guardian not listed")
		}
		ctx := w.as(t, "samordnare")
		pid, _ := strconv.ParseInt(police, 10, 64)
		sid, _ := strconv.ParseInt(school, 10, 64)
		c, err := w.st.CreateConsent(ctx, id, casework.ConsentInput{ValidFrom: w.st.Now(), AgencyIDs: []int64{pid, sid},
			Categories: []casework.Category{casework.CatPolice, casework.CatSchool}, Language: "sv"})
		if err != nil {
			t.Fatal(err)
		}
		for _, sg := range c.Signers {
			if _, err := w.st.SignConsent(ctx, id, c.ID, sg.ID, "paper", time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		_, body := srv.Get(t, coord, path)
		if !strings.Contains(body, "Gäller</span> till och med") {
			t.Fatal("the overview does not show the valid consent")
		}
		move(t, "consent_given", nil, "Planering")
	})
	t.Run("the police party sees the case but not the moves, and may not make one", func(t *testing.T) {
		police := srv.Login(t, "polis")
		code, body := srv.Get(t, police, path)
		if code != http.StatusOK || strings.Contains(body, "Nästa steg i ärendet") || strings.Contains(body, `action="`+path+`/move"`) {
			t.Fatalf("police overview %d", code)
		}
		res, body := srv.PostForm(t, police, path+"/move", url.Values{"action": {"consent_given"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Du kan se ärendet men inte göra detta i det.") {
			t.Fatalf("a move by the police: %d", res.StatusCode)
		}
		if got := currentStep(t, body); got != "Planering" {
			t.Fatalf("step %q", got)
		}
	})
	t.Run("plan", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/plan", url.Values{"version": {"0"}, "goals": {"3"}, "own_goal": {"Jobba som elektriker"},
			"sub_goal_2_text": {"Gå i skolan"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv hur ni ser att delmålet är nått.") ||
			!strings.Contains(body, `id="f-sub_goal_1_criterion"`) || !strings.Contains(body, `value="Gå i skolan"`) {
			t.Fatalf("an incomplete sub-goal: %d", res.StatusCode)
		}
		post(t, "/plan", url.Values{"version": {"0"}, "goals": {"3"}, "own_goal": {"Jobba som elektriker"},
			"sub_goal_1_text": {"Gå i skolan"}, "sub_goal_1_criterion": {"Närvaro över 80 %"}, "sub_goal_1_responsible": {"Mentor"},
			"sub_goal_1_due": {"2027-06-01"}, "sub_goal_1_status": {"open"}})
		_, page := srv.Get(t, coord, path+"/plan")
		for _, want := range []string{"Version 1, sparad av Sara Lindqvist", "Jobba som elektriker", "Närvaro över 80 %"} {
			if !strings.Contains(page, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		res, _ = srv.PostForm(t, coord, path+"/plan", url.Values{"version": {"0"}, "goals": {"0"}, "own_goal": {"Ett gammalt formulär"}})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("a form made from an old version: %d", res.StatusCode)
		}
		move(t, "plan_set", nil, "Insatser och uppföljningsmöten")
	})
	t.Run("closing needs a reason", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/move", url.Values{"action": {"close"}, "closure_reason": {"other"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv varför.") {
			t.Fatalf("status %d", res.StatusCode)
		}
		move(t, "close", url.Values{"closure_reason": {"goals_reached"}}, "Avslutat, långsiktig uppföljning väntar")
	})
	t.Run("follow-ups after closure", func(t *testing.T) {
		_, body := srv.Get(t, coord, path)
		if !strings.Contains(body, "Uppföljning efter avslut") {
			t.Fatal("no follow-up on the overview of a closed case")
		}
		res, body := srv.PostForm(t, coord, path+"/followups", url.Values{"kind": {"6"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="e-followup"`) {
			t.Fatalf("a follow-up the day after closing: %d", res.StatusCode)
		}
		w.clock.Advance(6 * 31 * 24 * time.Hour)
		coord = srv.Login(t, "samordnare") // the session ended meanwhile
		post(t, "/followups", url.Values{"kind": {"6"}, "reached": {"on"}, "note": {"Går i skolan"}})
		res, _ = srv.PostForm(t, coord, path+"/followups", url.Values{"kind": {"6"}})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("the same follow-up twice: %d", res.StatusCode)
		}
		w.clock.Advance(6 * 31 * 24 * time.Hour)
		coord = srv.Login(t, "samordnare")
		post(t, "/followups", url.Values{"kind": {"12"}})
		move(t, "followup_done", nil, "Avslutat och uppföljt")
	})
	t.Run("the timeline has every step in order", func(t *testing.T) {
		_, body := srv.Get(t, coord, path+"/timeline")
		last := -1
		for _, want := range []string{"Oro anmäld", "Ta emot ärendet", "Bedömning registrerad", "Besluta att starta SIG", "Parter valda",
			"Samtycket underskrivet av alla", "Åtgärdsplanen sparad", "Fastställ åtgärdsplanen", "Avsluta ärendet", "Uppföljning efter 12 månader"} {
			i := strings.Index(body, want)
			if i < 0 || i < last {
				t.Fatalf("timeline: %q missing or out of order", want)
			}
			last = i
		}
	})
}

// agencyBox finds an agency's checkbox value on the parties page by the agency's name.
func agencyBox(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="agency" value="(\d+)"[^>]*> ` + regexp.QuoteMeta(name)).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no agency %q on the parties page", name)
	}
	return m[1]
}

func casePagesHide(t *testing.T, w caseWorld) {
	srv := w.srv
	id := w.concern(t, "Nora", "Utanför", storetest.TestPersonalNumbers[1])
	path := "/cases/" + strconv.FormatInt(id, 10)
	police := srv.Login(t, "polis")

	// The other municipality's case.
	other := casework.Municipality{Code: "9998", Name: "Grannkommun"}
	if err := w.st.CreateMunicipality(t.Context(), &other); err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(t.Context(), casework.SystemActor(other.ID, "test"))
	ag := casework.Agency{Name: "Socialtjänsten", Kind: casework.AgencySocial}
	if err := w.st.CreateAgency(sys, &ag); err != nil {
		t.Fatal(err)
	}
	u := casework.User{Username: "granne", Name: "Greta Granne", AgencyID: ag.ID, Roles: casework.NewRoleSet(casework.RoleCoordinator)}
	if err := w.st.CreateUser(sys, &u, "not-a-hash"); err != nil {
		t.Fatal(err)
	}
	ga, err := w.st.Actor(t.Context(), other.ID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := w.st.RegisterConcern(casework.WithActor(t.Context(), ga), store.ConcernInput{
		Youth: casework.YouthInput{FirstName: "Grann", LastName: "Ungdom", PersonalNumber: storetest.TestPersonalNumbers[2]}, Ratings: storetest.IRKRatings(2)})
	if err != nil {
		t.Fatal(err)
	}
	otherPath := "/cases/" + strconv.FormatInt(rc.CaseID, 10)

	// The path is in the page as written and, in the session dialog's login link, escaped.
	normalise := func(body, p string) string {
		return strings.ReplaceAll(strings.ReplaceAll(body, p, "PATH"), strings.ReplaceAll(p, "/", "%2f"), "PATH")
	}
	_, madeUp := srv.Get(t, police, "/cases/4503599627370")
	t.Run("police without consent get the same 404 as for a made-up id", func(t *testing.T) {
		code, body := srv.Get(t, police, path)
		if code != http.StatusNotFound {
			t.Fatalf("status %d", code)
		}
		if normalise(body, path) != normalise(madeUp, "/cases/4503599627370") {
			t.Fatal("the 404 for a case without consent differs from the one for a made-up id")
		}
		if strings.Contains(body, "Utanför") {
			t.Fatal("the name leaked")
		}
	})
	t.Run("every case page is 404 for the police without consent", func(t *testing.T) {
		for _, sub := range []string{"/youth", "/persons", "/staff", "/parties", "/assessments", "/assessments/new?instrument=irk", "/timeline", "/plan", "/duplicates"} {
			if code, _ := srv.Get(t, police, path+sub); code != http.StatusNotFound {
				t.Errorf("%s: %d", sub, code)
			}
		}
		res, _ := srv.PostForm(t, police, path+"/notes", url.Values{"category": {"police"}, "text": {"Ska inte sparas"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("note: %d", res.StatusCode)
		}
	})
	t.Run("bad ids are 404", func(t *testing.T) {
		coord := srv.Login(t, "samordnare")
		for _, p := range []string{"/cases/abc", "/cases/-5", "/cases/0", "/cases/99999999999999999999", path + "/persons?edit=12"} {
			if code, _ := srv.Get(t, coord, p); code != http.StatusNotFound {
				t.Errorf("%s: %d", p, code)
			}
		}
	})
	t.Run("another municipality's case is 404, to read and to move", func(t *testing.T) {
		coord := srv.Login(t, "samordnare")
		code, body := srv.Get(t, coord, otherPath)
		if code != http.StatusNotFound || strings.Contains(body, "Ungdom") {
			t.Fatalf("status %d", code)
		}
		res, _ := srv.PostForm(t, coord, otherPath+"/move", url.Values{"action": {"prep_take_on"}})
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("move: %d", res.StatusCode)
		}
		if code, _ := srv.Get(t, coord, path+"/duplicates?other="+strconv.FormatInt(rc.CaseID, 10)); code != http.StatusNotFound {
			t.Fatalf("merge confirmation with another municipality's case: %d", code)
		}
	})
	t.Run("the case list sends to the worklist", func(t *testing.T) {
		res, err := srv.Login(t, "samordnare").Get(srv.URL + "/cases")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/worklist" {
			t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestCaseForms(t *testing.T) {
	w := newCaseWorld(t, storetest.SQLite)
	srv := w.srv
	coord := srv.Login(t, "samordnare")
	id := w.concern(t, "Ida", "Formulär", storetest.TestPersonalNumbers[3])
	path := "/cases/" + strconv.FormatInt(id, 10)

	t.Run("the young person's form shows every error at once and keeps the values", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/youth", url.Values{"first_name": {""}, "last_name": {"Formulär"},
			"personal_number": {"20080311-2383"}, "gender": {"alien"}, "school": {"Norrskolan"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{"Skriv förnamnet.", "Kontrollsiffran stämmer inte", "Välj kön.", `value="Norrskolan"`, `href="#f-first_name"`} {
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
		}
	})
	t.Run("a protected identity is marked and the details are kept for those who may see them", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/youth", url.Values{"first_name": {"Ida"}, "last_name": {"Formulär"},
			"personal_number": {storetest.TestPersonalNumbers[3]}, "school": {"Hemliga skolan"}, "protected_identity": {"on"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		_, page := srv.Get(t, coord, path)
		if !strings.Contains(page, "Skyddade personuppgifter") || !strings.Contains(page, "Hemliga skolan") {
			t.Fatal("the coordinator (a designated role) should see the protected school, marked")
		}
	})
	t.Run("a person with custody must be a guardian", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/persons", url.Values{"kind": {"trusted_adult"}, "name": {"Tränaren"}, "has_custody": {"on"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Bara en vårdnadshavare har vårdnad.") || !strings.Contains(body, `value="Tränaren"`) {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("a note needs text", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, path+"/notes", url.Values{"category": {"basic"}, "text": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv anteckningen") {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("the preparatory group takes the case for a coordinator and goes back to the list", func(t *testing.T) {
		prep := srv.Login(t, "beredning")
		code, body := srv.Get(t, prep, path)
		if code != http.StatusOK || !strings.Contains(body, "Samordnare som tar ärendet") {
			t.Fatalf("prep group overview %d", code)
		}
		res, _ := srv.PostForm(t, prep, path+"/move", url.Values{"action": {"prep_take_on"}, "coordinator": {strconv.FormatInt(w.userID(t, "samordnare2"), 10)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/worklist" {
			t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if code, _ := srv.Get(t, prep, path); code != http.StatusNotFound {
			t.Fatalf("the preparatory group still sees the taken case: %d", code)
		}
		if code, _ := srv.Get(t, srv.Login(t, "samordnare2"), path); code != http.StatusOK {
			t.Fatalf("the new coordinator does not see the case: %d", code)
		}
	})
	t.Run("the coordinator adds and removes a case officer", func(t *testing.T) {
		c2 := srv.Login(t, "samordnare2")
		officer := strconv.FormatInt(w.userID(t, "handlaggare"), 10)
		res, _ := srv.PostForm(t, c2, path+"/staff", url.Values{"role": {"case_officer"}, "case_officer": {officer}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", res.StatusCode)
		}
		if code, _ := srv.Get(t, srv.Login(t, "handlaggare"), path); code != http.StatusOK {
			t.Fatalf("the case officer does not see the case: %d", code)
		}
		res, _ = srv.PostForm(t, c2, path+"/staff", url.Values{"role": {"coordinator"}, "coordinator": {officer}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a case officer as coordinator: %d", res.StatusCode)
		}
		res, _ = srv.PostForm(t, c2, path+"/staff", url.Values{"remove": {officer}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
	})
	t.Run("the administrator loads instrument definitions", func(t *testing.T) { caseAdministratorLoadsInstruments(t, srv) })
	t.Run("duplicates are merged only after confirmation", func(t *testing.T) {
		c2 := srv.Login(t, "samordnare2")
		// The same person registered again without a personnummer.
		rc, err := w.st.RegisterConcern(w.as(t, "polis"), store.ConcernInput{
			Youth: casework.YouthInput{FirstName: "Ida", LastName: "Formular", BirthDate: "2009-06-30"}, Ratings: storetest.IRKRatings(1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.st.Move(w.as(t, "samordnare2"), rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
			t.Fatal(err)
		}
		_, list := srv.Get(t, c2, path+"/duplicates")
		other := strconv.FormatInt(rc.CaseID, 10)
		if !strings.Contains(list, "duplicates?other="+other) {
			t.Fatalf("the duplicate is not listed:\n%s", list)
		}
		res, body := srv.PostForm(t, c2, path+"/merge", url.Values{"other": {other}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Bekräfta att du har kontrollerat") {
			t.Fatalf("merge without confirmation: %d", res.StatusCode)
		}
		res, _ = srv.PostForm(t, c2, path+"/merge", url.Values{"other": {other}, "confirm": {"on"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("merge: %d", res.StatusCode)
		}
		if _, list := srv.Get(t, c2, path+"/duplicates"); strings.Contains(list, "duplicates?other="+other) {
			t.Fatal("the merged record is still a candidate")
		}
	})
}

func caseAdministratorLoadsInstruments(t *testing.T, srv *apptest.Server) {
	admin := srv.Login(t, "admin")
	code, body := srv.Get(t, admin, "/admin/instruments")
	if code != http.StatusOK || !strings.Contains(body, "SAVRY-struktur") || !strings.Contains(body, "bara struktur") {
		t.Fatalf("list %d", code)
	}
	if code, _ := srv.Get(t, srv.Login(t, "samordnare"), "/admin/instruments"); code != http.StatusForbidden {
		t.Fatalf("a coordinator reaches the instruments: %d", code)
	}
	upload := func(content string) (*http.Response, string) {
		t.Helper()
		return postFile(t, srv, admin, "/admin/instruments", "definition", "def.json", content)
	}
	t.Run("a bad file gets the store's precise reason", func(t *testing.T) {
		res, body := upload(`{"code":"Bad Code","version":"1","name":{"sv":"X"},"licence":"x","time_points":["intake"],"scales":{},"domains":[]}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `Definitionen är felaktig: code "Bad Code" must be`) {
			t.Fatalf("%d", res.StatusCode)
		}
		res, body = upload(`{"code": "x", "unknown": 1}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), `Definitionen är felaktig: json: unknown field "unknown"`) {
			t.Fatalf("%d", res.StatusCode)
		}
		res, body = upload(``)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Välj en definitionsfil") {
			t.Fatalf("%d", res.StatusCode)
		}
	})
	t.Run("a good file is listed", func(t *testing.T) {
		def := `{"code":"ester-test","version":"2026","name":{"sv":"ESTER-test","en":"ESTER test"},"licence":"test","structure_only":true,
			"time_points":["intake","closure"],"scales":{"yn":{"values":[{"code":"no","label":{"sv":"Nej"},"score":0},{"code":"yes","label":{"sv":"Ja"},"score":1}]}},
			"domains":[{"code":"d1","name":{"sv":"Område 1"},"kind":"risk","summary":"sum","items":[{"code":"e1","scale":"yn"},{"code":"e2","scale":"yn"}]}]}`
		res, _ := upload(def)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%d", res.StatusCode)
		}
		if _, body := srv.Get(t, admin, "/admin/instruments"); !strings.Contains(body, "ESTER-test") || !strings.Contains(body, "1 områden, 2 faktorer") {
			t.Fatal("the loaded instrument is not listed")
		}
		res, body := upload(def)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Den versionen av instrumentet finns redan.") {
			t.Fatalf("the same version twice: %d", res.StatusCode)
		}
	})
}

// postFile posts one file as multipart/form-data, same-origin.
func postFile(t *testing.T, srv *apptest.Server, c *http.Client, path, field, name, content string) (*http.Response, string) {
	t.Helper()
	var b strings.Builder
	const boundary = "lotsboundary"
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\nContent-Type: application/json\r\n\r\n")
	b.WriteString(content + "\r\n--" + boundary + "--\r\n")
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// Every enumerated value the case pages translate has a text in both languages.
func TestCaseEnumTexts(t *testing.T) {
	c := i18n.MustLoad()
	var keys []string
	for _, tp := range casework.TimePoints {
		keys = append(keys, "assessment.tp_"+string(tp))
	}
	for _, a := range casework.Actions {
		keys = append(keys, "flow.act_"+string(a))
	}
	for _, s := range []casework.ConsentStatus{casework.ConsentUnsigned, casework.ConsentFuture, casework.ConsentValid, casework.ConsentExpired, casework.ConsentWithdrawn} {
		keys = append(keys, "consent.status_"+string(s))
	}
	for _, s := range []string{"met", "met_late", "overdue", "near", "pending"} {
		keys = append(keys, "deadline.state_"+s)
	}
	for _, k := range []string{"6", "12"} {
		keys = append(keys, "timeline.followup_"+k)
	}
	for _, d := range []string{"better", "worse", "same"} {
		keys = append(keys, "case.change."+d)
	}
	for _, k := range []string{"risk", "protective"} {
		keys = append(keys, "case.domain."+k)
	}
	for _, s := range []string{casework.GoalOpen, casework.GoalReached, casework.GoalNotReached} {
		keys = append(keys, "case.goal."+s)
	}
	for _, l := range i18n.Locales {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// The case page says when the young person is outside the municipality's target age range
// (Demo kommun: 12–18), and only then.
func TestCasePageMarksAgeOutsideTheTargetGroup(t *testing.T) {
	w := newCaseWorld(t, storetest.SQLite)
	now := w.clock.Now()
	birth := func(age int) string { return now.AddDate(-age, -1, 0).Format(time.DateOnly) }
	coord := w.srv.Login(t, "samordnare")
	for _, tt := range []struct {
		age     int
		outside bool
	}{{11, true}, {12, false}, {18, false}, {19, true}, {22, true}} {
		rc, err := w.st.RegisterConcern(w.as(t, "polis"), store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Åldersprov", LastName: "Nr" + strconv.Itoa(tt.age), BirthDate: birth(tt.age)},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		code, body := w.srv.Get(t, coord, "/cases/"+strconv.FormatInt(rc.CaseID, 10))
		if code != http.StatusOK {
			t.Fatalf("age %d: %d", tt.age, code)
		}
		if got := strings.Contains(body, "Utanför målgruppen (12–18 år)"); got != tt.outside {
			t.Errorf("age %d: marked outside the target group %v, want %v", tt.age, got, tt.outside)
		}
	}
}

// Before the consent step the plan page says why there is no plan editor, and a posted plan is
// refused.
func TestNoActionPlanBeforeConsent(t *testing.T) {
	w := newCaseWorld(t, storetest.SQLite)
	caseID := w.concern(t, "Plan", "Förtidig", storetest.TestPersonalNumbers[7])
	if _, err := w.st.Move(w.as(t, "samordnare"), caseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(caseID, 10)
	coord := w.srv.Login(t, "samordnare")
	code, body := w.srv.Get(t, coord, "/cases/"+id+"/plan")
	if code != http.StatusOK || !strings.Contains(body, `id="plan-before-consent"`) || strings.Contains(body, `action="/cases/`+id+`/plan"`) {
		t.Fatalf("plan page before consent: %d, note %v, editor %v", code, strings.Contains(body, "plan-before-consent"), strings.Contains(body, `action="/cases/`+id+`/plan"`))
	}
	res, body := w.srv.PostForm(t, coord, "/cases/"+id+"/plan", url.Values{"version": {"0"}, "own_goal": {"Gå ut nian"}})
	if res.StatusCode < 400 || !strings.Contains(body, "Åtgärdsplanen påbörjas när ärendet har kommit till samtyckessteget") {
		t.Fatalf("a plan posted before consent: %d", res.StatusCode)
	}
}

// TestCasePageOffersWhatTheServerAllows: the overview's move forms come from the same "may"
// answer the server applies: at the assessment step with nothing recorded the coordinator is
// offered "assessment done" with the flow's reason why it is not possible yet — the reason the
// server then gives — and the preparatory-group member, who may only take the preparatory
// decision, is offered nothing at that step.
func TestCasePageOffersWhatTheServerAllows(t *testing.T) {
	w := newCaseWorld(t, storetest.SQLite)
	caseID := w.concern(t, "Moa", "Möjlig", storetest.TestPersonalNumbers[8])
	id := strconv.FormatInt(caseID, 10)
	prep := w.srv.Login(t, "beredning")
	if _, body := w.srv.Get(t, prep, "/cases/"+id); !strings.Contains(body, `id="move-prep_take_on"`) {
		t.Fatal("the preparatory group is not offered the preparatory decision")
	}
	if _, err := w.st.Move(w.as(t, "samordnare"), caseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
		t.Fatal(err)
	}
	coord := w.srv.Login(t, "samordnare")
	code, body := w.srv.Get(t, coord, "/cases/"+id)
	// The next step says what is missing — both requirements, each with the page where it is
	// done — and who may take it; it offers no button while the server would refuse.
	next := between(t, body, `<section class="case-next"`, `</section>`)
	for _, want := range []string{`id="b-move-assessment_done"`, "Registrera en bedömning vid inskrivning",
		"Ange den samlade risknivån", `href="/cases/` + id + `/assessments/new"`, "Sara Lindqvist, samordnare"} {
		if !strings.Contains(next, want) {
			t.Errorf("the next step lacks %q:\n%s", want, next)
		}
	}
	if code != http.StatusOK || strings.Contains(body, `id="move-assessment_done"`) || strings.Contains(next, "<button") {
		t.Fatalf("coordinator's overview at assessment: %d, a form for a move the server refuses", code)
	}
	res, posted := w.srv.PostForm(t, coord, "/cases/"+id+"/move", url.Values{"action": {"assessment_done"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(posted, "bedömning") {
		t.Fatalf("the server's answer to the move: %d", res.StatusCode)
	}
	if _, body := w.srv.Get(t, prep, "/cases/"+id); strings.Contains(body, `class="case-action`) {
		t.Error("the preparatory group is offered moves after the case was taken on")
	}
}

// between returns the part of body from the first start up to the next end.
func between(t *testing.T, body, start, end string) string {
	t.Helper()
	i := strings.Index(body, start)
	if i < 0 {
		t.Fatalf("no %q on the page", start)
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return body[i : i+j]
}
