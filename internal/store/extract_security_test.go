package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The register extract and security information (issue 14, docs/data-protection.md): the young
// person's own assessments are in it without the persons linked to the threats; the
// assessments of a sibling and a witness are not, without a trace; the exit pathway is, without
// the police's assessment and the destination; what is withheld is named with its ground.
func TestRegisterExtractSecurity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord, auditor := f.Ctx(t, s, casework.RoleCoordinator), f.Ctx(t, s, casework.RoleAuditor)
		rc := f.Concern(t, s, casework.RoleCoordinator, "Sam", "Säkersson", pnr[5])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})

		extract := func() (store.CaseExtract, string) {
			t.Helper()
			x, err := s.MakeRegisterExtract(auditor, store.RegisterQuery{Subject: store.SubjectYouth, Identity: pnr[5]})
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Youth.Cases) != 1 {
				t.Fatalf("cases %+v", x.Youth.Cases)
			}
			b, _ := json.Marshal(x)
			return x.Youth.Cases[0], string(b)
		}
		ce, js := extract()
		if ce.Security == nil || len(ce.Security) != 0 || ce.Exit != nil || ce.Withheld == nil || len(ce.Withheld) != 0 ||
			!strings.Contains(js, `"security_assessments":[]`) || !strings.Contains(js, `"withheld":[]`) {
			t.Fatalf("without security information: %+v", ce)
		}

		for _, in := range []casework.SecurityInput{
			{Kind: casework.ParticipantYouth, Level: casework.ThreatElevated, Threats: "Hotad i centrum", Linked: "Kalle Hotfull",
				Escalation: "Följd hem", Measures: "Skolskjuts", AssessedOn: "2026-02-20", ReviewOn: "2026-04-20"},
			{Kind: casework.ParticipantSibling, Name: "Lillebror Hemlig", Level: casework.ThreatHigh, Threats: "Hotad för broderns skull", ReviewOn: "2026-04-01"},
			{Kind: casework.ParticipantWitness, Name: "Grannen Vittne", Level: casework.ThreatSevere, Threats: "Vittnade om rånet", ReviewOn: "2026-04-01"},
		} {
			if _, err := s.RecordSecurityAssessment(coord, rc.CaseID, in); err != nil {
				t.Fatal(err)
			}
		}
		dest := "Skyddat boende i Norrby"
		if err := s.SaveExitPathway(coord, rc.CaseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: "2026-02-25",
			PoliceAssessment: "Polisens hemliga bedömning", Programme: "Exitprogrammet", PoliceContactID: f.Users[casework.RoleGroupMember].ID,
			SocialContactID: f.Users[casework.RoleCoordinator].ID, Destination: &dest}); err != nil {
			t.Fatal(err)
		}

		ce, js = extract()
		if len(ce.Security) != 1 {
			t.Fatalf("security in the extract: %+v", ce.Security)
		}
		a := ce.Security[0]
		if a.Level != "elevated" || a.Threats != "Hotad i centrum" || a.Escalation != "Följd hem" || a.Measures != "Skolskjuts" ||
			a.AssessedOn != "2026-02-20" || a.ReviewOn != "2026-04-20" || a.By == "" {
			t.Errorf("the young person's assessment: %+v", a)
		}
		if ce.Exit == nil || ce.Exit.Stage != "relocated" || ce.Exit.WishOn != "2026-02-25" || ce.Exit.Programme != "Exitprogrammet" ||
			ce.Exit.PoliceContact != f.Users[casework.RoleGroupMember].Name || ce.Exit.SocialContact != f.Users[casework.RoleCoordinator].Name {
			t.Errorf("the exit pathway: %+v", ce.Exit)
		}
		for _, secret := range []string{"Kalle Hotfull", "Lillebror", "broderns", "Grannen", "Vittnade", "Polisens hemliga", "Norrby"} {
			if strings.Contains(js, secret) {
				t.Errorf("the extract discloses %q", secret)
			}
		}
		want := []string{store.WithheldLinked, store.WithheldPoliceAssessment, store.WithheldDestination}
		if len(ce.Withheld) != len(want) {
			t.Fatalf("withheld %+v", ce.Withheld)
		}
		for i, w := range ce.Withheld {
			if w.What != want[i] || w.Count != 1 || !strings.Contains(w.Ground, "OSL") {
				t.Errorf("withheld %d: %+v", i, w)
			}
		}
	})
}
