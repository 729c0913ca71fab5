package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store/dbcount"
	"lots/internal/store/storetest"
)

// Statement budgets per page (issue 11): what one request costs the database, counted by the
// driver wrapper on the request's context — the session's lookup included, the group-committed
// audit entry not (it is written for many requests at once, outside any one of them).
const (
	budgetCasePage = 8  // the case page, and the API's case read
	budgetPlanPage = 12 // the action plan
	budgetConsent  = 15 // recording (drawing up) a consent
	// Not issue 11's budgets but what the start page and the work list cost now, so that a
	// change which adds a statement to them is seen: the coordinator's start page (its lists
	// of own cases, deadlines, consents ending, the waiting list, alerts, meetings, tasks and
	// groups) and the work list's own cases (one statement, counted by a window).
	budgetStartPage = 15
	budgetWorkList  = 3
)

// TestStatementBudgets: the case page (as the coordinator and as the police under consent),
// the API's case read, the action plan and drawing up a consent stay within their budgets on
// both engines, each page view in one read transaction and no write transaction of its own,
// and recording a consent in one write transaction.
func TestStatementBudgets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newCaseWorld(t, e)
		caseID := w.concern(t, "Budget", "Bengtsson", storetest.TestPersonalNumbers[9])
		f := storetest.Existing(t, w.st, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
		f.Advance(t, w.st, caseID, casework.StepPlanning, storetest.ConsentSpec{})
		if _, err := w.st.SavePlan(w.as(t, "samordnare"), caseID, casework.Plan{OwnGoal: "Bli snickare",
			SubGoals: []casework.SubGoal{{Text: "Gå i skolan", Criterion: "Närvaro", Responsible: "Mentor", Due: "2027-06-01"}}}); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(caseID, 10)
		coord, police := w.srv.Login(t, "samordnare"), w.srv.Login(t, "polis")
		for _, tt := range []struct {
			name   string
			c      *http.Client
			path   string
			budget int
		}{
			{"case page, coordinator", coord, "/cases/" + id, budgetCasePage},
			{"case page, police under consent", police, "/cases/" + id, budgetCasePage},
			{"action plan, coordinator", coord, "/cases/" + id + "/plan", budgetPlanPage},
		} {
			status, body, calls := w.srv.CountedGet(t, tt.c, tt.path)
			if status != http.StatusOK || !strings.Contains(body, "Bengtsson") {
				t.Fatalf("%s: %d", tt.name, status)
			}
			t.Logf("%s %s: %v", e, tt.name, calls)
			if calls.Statements > int64(tt.budget) || calls.ReadTx > 1 || calls.WriteTx != 0 {
				t.Errorf("%s: %v; budget %d statements, one read transaction, no write:\n\t%s", tt.name, calls, tt.budget, strings.Join(calls.Queries, "\n\t"))
			}
		}
		tok := tokenForCase(t, w, "samordnare")
		apiRead := func() (*http.Response, dbcount.Snapshot) {
			req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/cases/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, _, calls := w.srv.Counted(t, http.DefaultClient, req)
			return res, calls
		}
		apiRead() // a token's first use in a minute records its use
		res, calls := apiRead()
		t.Logf("%s API case read: %v", e, calls)
		if res.StatusCode != http.StatusOK || calls.Statements > budgetCasePage || calls.ReadTx > 1 || calls.WriteTx != 0 {
			t.Errorf("API case read: %d, %v; budget %d statements, no write:\n\t%s", res.StatusCode, calls, budgetCasePage, strings.Join(calls.Queries, "\n\t"))
		}
		for path, budget := range map[string]int{"/": budgetStartPage, "/worklist?tab=mine": budgetWorkList} {
			status, body, calls := w.srv.CountedGet(t, coord, path)
			t.Logf("%s %s: %v", e, path, calls)
			if status != http.StatusOK || !strings.Contains(body, "Bengtsson") {
				t.Fatalf("%s: %d", path, status)
			}
			if calls.Statements > int64(budget) || calls.ReadTx > 1 || calls.WriteTx != 0 {
				t.Errorf("%s: %v; budget %d statements, one read transaction, no write:\n\t%s", path, calls, budget, strings.Join(calls.Queries, "\n\t"))
			}
		}
		form := url.Values{"valid_from": {w.clock.Now().Format("2006-01-02")}, "months": {"6"}, "language": {"sv"},
			"agency": {strconv.FormatInt(f.Agencies[casework.AgencySchool].ID, 10)}, "category": {"school"}}
		req, _ := http.NewRequest("POST", w.srv.URL+"/cases/"+id+"/consents", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, _, calls = w.srv.Counted(t, coord, req)
		t.Logf("%s recording a consent: %v", e, calls)
		if res.StatusCode != http.StatusSeeOther || calls.Statements > budgetConsent || calls.WriteTx != 1 {
			t.Errorf("recording a consent: %d, %v; budget %d statements and one write transaction:\n\t%s", res.StatusCode, calls, budgetConsent, strings.Join(calls.Queries, "\n\t"))
		}
		cs, err := w.st.Consents(w.as(t, "samordnare"), caseID)
		if err != nil || len(cs) != 2 {
			t.Fatalf("the consent was not recorded: %d, %v", len(cs), err)
		}
	})
}

// tokenForCase makes an API token for a demo user.
func tokenForCase(t *testing.T, w caseWorld, username string) string {
	t.Helper()
	sys := casework.WithActor(t.Context(), casework.SystemActor(w.mid, "test"))
	tok, _, err := w.srv.App.Auth.CreateAPIToken(sys, w.userID(t, username), "budget", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
