package authz

import (
	"slices"
	"strings"
	"testing"

	"lots/internal/access"
	"lots/internal/api"
	"lots/internal/casework"
)

// securityAlerts: a raised threat level notifies exactly those who may see the case's security
// information. The case officer raises the level on every case taken on; the coordinator (staff)
// and the police officer named on the exit pathway are the recipients — each only where
// access.Case gives them category security now — and every actor's alerts, on the page and in
// the API, name exactly those cases; nobody else is notified of anything.
func (w *world) securityAlerts(t *testing.T) {
	officer := w.userCtx(t, "handlaggare")
	for _, c := range w.cases {
		if c.state.intake {
			continue
		}
		if _, err := w.st.RecordSecurityAssessment(officer, c.id, casework.SecurityInput{Kind: casework.ParticipantYouth,
			Level: casework.ThreatSevere, ReviewOn: "2099-01-01"}); err != nil {
			t.Fatalf("%s: %v", c.name(), err)
		}
	}
	facts := w.allFacts(t)
	notified := 0
	for _, ac := range w.actors {
		t.Run(ac.name, func(t *testing.T) {
			var want []int64
			for _, c := range w.cases {
				if !c.state.intake && slices.Contains([]string{"samordnare", "polis"}, ac.name) &&
					access.Case(ac.a, facts[c], casework.CatSecurity, t0).Allowed {
					want = append(want, c.id)
				}
			}
			notified += len(want)
			page := w.send(t, ac, httpReq{method: "GET", path: "/security/alerts"})
			if !access.Can(ac.a, access.WorkWithCases).Allowed {
				if page.status != 403 {
					t.Errorf("the alerts page: want 403, got %s", page)
				}
				return
			}
			var listed []int64
			for _, c := range w.cases {
				if strings.Contains(page.body, c.surname) {
					listed = append(listed, c.id)
				}
			}
			sameSet(t, "alerted on the page", listed, want)
			var al api.SecurityAlerts
			apiJSON(t, w.send(t, ac, httpReq{method: "GET", path: "/api/v1/security/alerts", api: true}), &al)
			listed = nil
			for _, a := range al.Alerts {
				listed = append(listed, a.CaseID)
			}
			sameSet(t, "alerted in the API", listed, want)
		})
	}
	if notified == 0 {
		t.Error("nobody was notified: the check is blind")
	}
}
