package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// planForm is the editor's form as a browser sends it: the rows with their count fields.
type planForm struct {
	version       int
	ownGoal       string
	goals         [][5]string // text, criterion, responsible, due, status
	interventions []map[string]string
	agreements    []string
	tried         []string
}

func (f planForm) values() url.Values {
	v := url.Values{"version": {strconv.Itoa(f.version)}, "own_goal": {f.ownGoal},
		"goals": {strconv.Itoa(len(f.goals) + 1)}, "interventions": {strconv.Itoa(len(f.interventions) + 1)},
		"agreements": {strconv.Itoa(len(f.agreements) + 1)}, "tried": {strconv.Itoa(len(f.tried) + 1)}}
	for i, g := range f.goals {
		pre := "sub_goal_" + strconv.Itoa(i+1) + "_"
		for j, name := range []string{"text", "criterion", "responsible", "due", "status"} {
			v.Set(pre+name, g[j])
		}
	}
	for i, in := range f.interventions {
		pre := "intervention_" + strconv.Itoa(i+1) + "_"
		v.Set(pre+"status", "planned") // the select always sends a status
		for k, val := range in {
			v.Set(pre+k, val)
		}
	}
	// The empty rows the editor offers send their selects too.
	v.Set("intervention_"+strconv.Itoa(len(f.interventions)+1)+"_status", "planned")
	v.Set("sub_goal_"+strconv.Itoa(len(f.goals)+1)+"_status", "open")
	for i, a := range f.agreements {
		v.Set("agreement_"+strconv.Itoa(i+1)+"_text", a)
	}
	for i, t := range f.tried {
		v.Set("tried_"+strconv.Itoa(i+1), t)
	}
	return v
}

// goodPlanForm is a complete plan made from version.
func goodPlanForm(version int) planForm {
	return planForm{
		version: version,
		ownGoal: "Jag vill jobba som elektriker och ha en egen lägenhet",
		goals: [][5]string{
			{"Gå i skolan varje dag", "Närvaro över 80 % i fyra veckor", "Mentor", "2027-06-01", "open"},
			{"Träna fotboll två gånger i veckan", "Tränaren ser honom på träningarna", "Tränaren", "2027-05-01", "open"},
		},
		interventions: []map[string]string{
			{"need": "family", "method": "komet", "provider": "Familjeenheten", "start": "2027-01-10", "end": "2027-04-01", "reason": "Bråk hemma om tider"},
			{"need": "leisure", "name": "Kontaktperson", "provider": "Socialtjänsten", "status": "ongoing"},
		},
		agreements: []string{"Hemma senast kl. 21 på vardagar"},
		tried:      []string{"Kontaktperson 2024, avbröts efter tre månader"},
	}
}

var planVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// The action plan's pages on both engines: the editor's errors and conflicts, versions and
// their comparison, the print view and the young person's version, and what a police member
// in the group may do.
func TestPlanPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newGroupsWorld(t, e) // an active case with a consent covering the police, plan version 1
		srv := w.srv
		coord := srv.Login(t, "samordnare")
		path := w.path("/plan")
		versions := func(t *testing.T) []casework.PlanVersion {
			t.Helper()
			vs, err := w.st.PlanVersions(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID)
			if err != nil {
				t.Fatal(err)
			}
			return vs
		}

		t.Run("the editor shows what was tried, the needs without an answer and a row for each part", func(t *testing.T) {
			body := w.get(t, coord, path, http.StatusOK)
			for _, want := range []string{"Det här har prövats tidigare", "Behov och insatser", "Varje behov ska ha ett svar och varje insats ett skäl.",
				"Negativa familjerelationer", "Ingen insats ännu", "Tydlig risk", "Viss risk", `name="intervention_1_need"`, `name="intervention_1_method"`,
				`<option value="komet">Komet (finns inte i kommunen)</option>`, `name="agreement_1_text"`, `name="tried_1"`, `name="version" value="1"`,
				`href="/cases/` + strconv.FormatInt(w.caseID, 10) + `/plan/print"`} {
				if !strings.Contains(body, want) {
					t.Errorf("editor lacks %q", want)
				}
			}
		})

		t.Run("bad input is refused at each field in Swedish, the values kept and nothing saved", func(t *testing.T) {
			f := goodPlanForm(1)
			f.goals[1][3] = "1 juni"
			f.interventions = []map[string]string{
				{"need": "family", "provider": "Familjeenheten"}, // no method
				{"need": "leisure", "method": "mi", "start": "2027-03-01", "end": "2027-02-01"},
				{"need": "peers", "name": "Fältassistent", "status": "stopped"},
				{"need": "gangs", "name": "Något"},
			}
			f.agreements = []string{"Ringer om han blir sen", strings.Repeat("å", 1001)}
			res, body := srv.PostForm(t, coord, path, f.values())
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			for field, msg := range map[string]string{
				"sub_goal_2_due":        "Ange ett datum (ÅÅÅÅ-MM-DD).",
				"intervention_1_method": "Välj en metod ur katalogen eller skriv vilken insats det är.",
				"intervention_2_end":    "Kontrollera datumen (ÅÅÅÅ-MM-DD, slut efter start).",
				"intervention_3_reason": "Skriv varför insatsen avbröts.",
				"intervention_4_need":   "Välj ett av behoven i listan.",
				"agreement_2_text":      "Texten är för lång.",
			} {
				if !strings.Contains(body, `<span class="error" id="e-`+field+`">`+html.EscapeString(msg)+`</span>`) {
					t.Errorf("no %q at %s", msg, field)
				}
				if !strings.Contains(body, `href="#f-`+field+`"`) {
					t.Errorf("the summary does not link %s", field)
				}
			}
			for _, want := range []string{`value="Familjeenheten"`, `value="1 juni"`, `value="Ringer om han blir sen"`, `<option value="mi" selected>`,
				`<option value="stopped" selected>`, `value="Kontaktperson 2024, avbröts efter tre månader"`} {
				if !strings.Contains(body, want) {
					t.Errorf("value not kept: %q", want)
				}
			}
			if n := len(versions(t)); n != 1 {
				t.Fatalf("%d versions after refused input", n)
			}
		})

		t.Run("a complete plan is saved as version 2 and answers the needs", func(t *testing.T) {
			res, body := srv.PostForm(t, coord, path, goodPlanForm(1).values())
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
				t.Fatalf("status %d\n%s", res.StatusCode, body)
			}
			body = w.get(t, coord, path, http.StatusOK)
			for _, want := range []string{"Version 2, sparad av Sara Lindqvist", "Jag vill jobba som elektriker", "Komet", "Familjeenheten", "Hemma senast kl. 21 på vardagar",
				"Liknar något som prövats tidigare: ”Kontaktperson 2024, avbröts efter tre månader”", `name="version" value="2"`, "Versioner (2)"} {
				if !strings.Contains(body, html.EscapeString(want)) && !strings.Contains(body, want) {
					t.Errorf("plan page lacks %q", want)
				}
			}
			vs := versions(t)
			if len(vs) != 2 || len(vs[0].Plan.Interventions) != 2 || vs[0].Plan.Interventions[1].Status != "ongoing" || vs[0].Plan.TriedBefore[0] == "" {
				t.Fatalf("%+v", vs[0].Plan)
			}
		})

		t.Run("a form made from an older version is refused with 409 and saves nothing", func(t *testing.T) {
			f := goodPlanForm(1)
			f.ownGoal = "Ett gammalt formulär"
			res, body := srv.PostForm(t, coord, path, f.values())
			if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Någon annan sparade planen samtidigt") || !strings.Contains(body, "Ett gammalt formulär") {
				t.Fatalf("status %d", res.StatusCode)
			}
			if n := len(versions(t)); n != 2 {
				t.Fatalf("%d versions", n)
			}
			res, _ = srv.PostForm(t, coord, path, url.Values{"version": {"två"}, "own_goal": {"x"}})
			if res.StatusCode != http.StatusConflict {
				t.Fatalf("a version that is not a number: %d", res.StatusCode)
			}
		})

		t.Run("compare shows a changed goal", func(t *testing.T) {
			body := w.get(t, coord, path, http.StatusOK)
			if m := planVersionRE.FindStringSubmatch(body); m == nil || m[1] != "2" {
				t.Fatalf("the form is not made from version 2: %v", m)
			}
			f := goodPlanForm(2)
			f.goals[0] = [5]string{"Gå i skolan varje dag och komma i tid", "Närvaro över 80 % i fyra veckor", "Mentor", "2027-06-01", "reached"}
			// The items' ids, from the form, keep them the same items across versions.
			id := func(field string) string {
				m := regexp.MustCompile(`name="` + field + `" value="([0-9a-f]+)"`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("no %s on the form", field)
				}
				return m[1]
			}
			v := f.values()
			for _, field := range []string{"sub_goal_1_id", "sub_goal_2_id", "intervention_1_id", "intervention_2_id", "agreement_1_id"} {
				v.Set(field, id(field))
			}
			res, _ := srv.PostForm(t, coord, path, v)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save version 3: %d", res.StatusCode)
			}
			cmp := w.get(t, coord, path+"/compare?from=2&to=3", http.StatusOK)
			for _, want := range []string{"Ändringar från version 2 till version 3", "1 ändring.", "Ändrat:", "Gå i skolan varje dag och komma i tid",
				"<del>Gå i skolan varje dag</del>", "<ins>Gå i skolan varje dag och komma i tid</ins>", "<del>Pågår</del>", "<ins>Nått</ins>"} {
				if !strings.Contains(cmp, want) {
					t.Errorf("comparison lacks %q", want)
				}
			}
			if strings.Contains(cmp, "Tillagt:") || strings.Contains(cmp, "Borttaget:") {
				t.Error("the items kept their ids, so nothing is added or removed")
			}
			if def := w.get(t, coord, path+"/compare", http.StatusOK); !strings.Contains(def, "Ändringar från version 2 till version 3") {
				t.Error("compare without versions does not compare the newest with the one before")
			}
			first := w.get(t, coord, path+"/compare?from=1&to=2", http.StatusOK)
			for _, want := range []string{"Tillagt:", "Komet", "Kontaktperson", "Hemma senast kl. 21 på vardagar"} {
				if !strings.Contains(first, want) {
					t.Errorf("comparison of versions 1 and 2 lacks %q", want)
				}
			}
			for _, bad := range []string{"?from=9&to=3", "?from=x", "?to=0"} {
				if code, _ := srv.Get(t, coord, path+"/compare"+bad); code != http.StatusNotFound {
					t.Errorf("compare%s: %d", bad, code)
				}
			}
			list := w.get(t, coord, path+"/versions", http.StatusOK)
			for _, want := range []string{"Åtgärdsplanens versioner", "gäller nu", "compare?from=2&amp;to=3", "1 ändring sedan version 2", "print?version=1", "Delmål: 2, insatser: 2, överenskommelser: 1"} {
				if !strings.Contains(list, want) {
					t.Errorf("versions page lacks %q", want)
				}
			}
		})

		t.Run("the print view is a document of its own with the case's details", func(t *testing.T) {
			body := w.get(t, coord, path+"/print", http.StatusOK)
			for _, want := range []string{`data-page="case_plan_print"`, "Åtgärdsplan för " + groupsFirst + " " + groupsLast, "20051101-2387", "Version 3, sparad",
				"Delmål 1: Gå i skolan varje dag och komma i tid", "Insats 1: Komet", "Hemma senast kl. 21", "Kontaktperson 2024", "Samordnare", "Gäller till och med"} {
				if !strings.Contains(body, want) {
					t.Errorf("print view lacks %q", want)
				}
			}
			for _, unwanted := range []string{`class="site-header"`, `class="case-nav`, "<form", `action="/logout"`} {
				if strings.Contains(body, unwanted) {
					t.Errorf("print view has %q", unwanted)
				}
			}
			old := w.get(t, coord, path+"/print?version=1", http.StatusOK)
			if !strings.Contains(old, "Version 1, sparad") || !strings.Contains(old, "version 3 är nyare") {
				t.Error("an older version does not say so")
			}
			if code, _ := srv.Get(t, coord, path+"/print?version=7"); code != http.StatusNotFound {
				t.Errorf("a version that does not exist: %d", code)
			}
		})

		t.Run("the young person's version is short, plain and without risk or assessment", func(t *testing.T) {
			body := w.get(t, coord, path+"/youth", http.StatusOK)
			for _, want := range []string{`lang="sv"`, "Min plan – " + groupsFirst, "Mitt mål", "Det här ska vi göra", "Vem hjälper mig", "Det här har vi kommit överens om",
				"Jag vill jobba som elektriker", "Klart!", "Klart senast 1 juni 2027", "Dina föräldrar träffar någon", "Familjeenheten", "Hemma senast kl. 21 på vardagar"} {
				if !strings.Contains(body, want) {
					t.Errorf("the young person's version lacks %q", want)
				}
			}
			for _, unwanted := range []string{"risk", "Risk", "Negativa familjerelationer", "Komet", "IRK", "20051101", "prövats", "Bråk hemma om tider", `class="site-header"`} {
				if strings.Contains(body, unwanted) {
					t.Errorf("the young person's version has %q", unwanted)
				}
			}
			if en := w.get(t, coord, path+"/youth?lang=en", http.StatusOK); !strings.Contains(en, `lang="en"`) || !strings.Contains(en, "My goal") {
				t.Error("no English version on request")
			}
		})

		t.Run("a police member in the group reads the plan but gets no editor, and may not save", func(t *testing.T) {
			police := srv.Login(t, "polis")
			body := w.get(t, police, path, http.StatusOK)
			if !strings.Contains(body, "Jag vill jobba som elektriker") || !strings.Contains(body, "Komet") {
				t.Fatal("the police member does not see the plan")
			}
			for _, unwanted := range []string{`action="/cases/` + strconv.FormatInt(w.caseID, 10) + `/plan"`, `name="own_goal"`, "Ändra åtgärdsplanen", "Behov och insatser"} {
				if strings.Contains(body, unwanted) {
					t.Errorf("the police member's page has %q", unwanted)
				}
			}
			for _, sub := range []string{"/print", "/versions", "/compare?from=1&to=3", "/youth"} {
				w.get(t, police, path+sub, http.StatusOK)
			}
			res, _ := srv.PostForm(t, police, path, goodPlanForm(3).values())
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("police save: %d", res.StatusCode)
			}
			if n := len(versions(t)); n != 3 {
				t.Fatalf("%d versions after the police member's save", n)
			}
		})

		t.Run("without consent every plan page is 404", func(t *testing.T) {
			rc, err := w.st.RegisterConcern(w.f.Ctx(t, w.st, casework.RoleCoordinator), store.ConcernInput{
				Youth: casework.YouthInput{FirstName: "Ingen", LastName: "Samtyckesson", PersonalNumber: "200511052383"}, Ratings: storetest.IRKRatings(1)})
			if err != nil {
				t.Fatal(err)
			}
			police := srv.Login(t, "polis")
			other := "/cases/" + strconv.FormatInt(rc.CaseID, 10) + "/plan"
			for _, sub := range []string{"", "/versions", "/compare", "/print", "/youth"} {
				if code, body := srv.Get(t, police, other+sub); code != http.StatusNotFound || strings.Contains(body, "Samtyckesson") {
					t.Errorf("%s: %d", sub, code)
				}
			}
			if code, _ := srv.Get(t, coord, "/cases/abc/plan/print"); code != http.StatusNotFound {
				t.Errorf("a bad id: %d", code)
			}
		})
	})
}

// Every value the plan pages translate has its text in both languages.
func TestPlanEnumsHaveTexts(t *testing.T) {
	c := i18n.MustLoad()
	var keys []string
	for _, st := range casework.InterventionStatuses {
		keys = append(keys, "plan.istatus_"+st, "plan.youth_istatus_"+st)
	}
	for _, st := range casework.GoalStatuses {
		keys = append(keys, "case.goal."+st, "plan.youth_goal_"+st)
	}
	for _, k := range casework.MethodKinds {
		keys = append(keys, "plan.youth_kind_"+string(k))
	}
	for _, k := range []string{casework.ItemAdded, casework.ItemRemoved, casework.ItemChanged} {
		keys = append(keys, "plan.diff_"+k)
	}
	for _, f := range []string{"own_goal", "text", "criterion", "responsible", "due", "status", "method", "name", "need", "provider", "start", "end", "reason"} {
		keys = append(keys, "plan.field_"+f)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "plan.month_"+strconv.Itoa(m))
	}
	for _, k := range keys {
		for _, l := range i18n.Locales {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
