package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/store/storetest"
)

// Every participant kind, threat level and exit stage has its text in every language, and so do
// the security categories (the timeline names an event's category).
func TestSecurityEnumTexts(t *testing.T) {
	c := i18n.MustLoad()
	keys := []string{"category." + string(casework.CatSecurity), "category." + string(casework.CatExitDestination)}
	for _, k := range casework.ParticipantKinds {
		keys = append(keys, "security.participant_"+string(k))
	}
	for _, l := range casework.ThreatLevels {
		keys = append(keys, "security.level_"+string(l))
	}
	for _, s := range casework.ExitStages {
		keys = append(keys, "security.stage_"+string(s))
	}
	for _, l := range i18n.Locales {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// budgetSecurityPage is the security page's statements: the session, the case's facts once, its
// detail, the assessments, the exit pathway and the two lists of contacts for the forms
// (measured: 8 on both engines).
const budgetSecurityPage = budgetCasePage + 1

// The security page keeps the door: the case opened once, one read transaction, no write —
// for the coordinator (with the forms) and for the police under the consent.
func TestSecurityPageBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newCaseWorld(t, e)
		caseID := w.concern(t, "Säker", "Sigfridsson", storetest.TestPersonalNumbers[9])
		f := storetest.Existing(t, w.st, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
		f.Advance(t, w.st, caseID, casework.StepPlanning, storetest.ConsentSpec{})
		review := w.clock.Now().In(casework.Stockholm).AddDate(0, 0, 30).Format(casework.DateLayout)
		if _, err := w.st.RecordSecurityAssessment(w.as(t, "samordnare"), caseID, casework.SecurityInput{Kind: casework.ParticipantYouth,
			Level: casework.ThreatHigh, Threats: "Budgethotet", ReviewOn: review}); err != nil {
			t.Fatal(err)
		}
		path := "/cases/" + strconv.FormatInt(caseID, 10) + "/security"
		for _, who := range []string{"samordnare", "polis"} {
			status, body, calls := w.srv.CountedGet(t, w.srv.Login(t, who), path)
			if status != http.StatusOK || !strings.Contains(body, "Budgethotet") {
				t.Fatalf("%s: %d", who, status)
			}
			t.Logf("%s security page, %s: %v", e, who, calls)
			if calls.Statements > budgetSecurityPage || calls.ReadTx > 1 || calls.WriteTx != 0 {
				t.Errorf("%s: %v; budget %d statements, one read transaction, no write:\n\t%s", who, calls, budgetSecurityPage, strings.Join(calls.Queries, "\n\t"))
			}
		}
	})
}
