package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The register extract (GDPR art. 15): a young person's holds all their own data and who read
// it, and nothing identifying about the adults around them; a guardian's holds the guardian's
// own registrations and signatures and never the young person's name or case content. Both
// requests are recorded with their delivery, and only the auditor makes them.
func TestRegisterExtract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord, auditor := f.Ctx(t, s, casework.RoleCoordinator), f.Ctx(t, s, casework.RoleAuditor)
		rc := f.Concern(t, s, casework.RoleGroupMember, "Elin", "Extraktsson", pnr[4])
		if err := s.UpdateYouth(coord, rc.CaseID, casework.YouthInput{FirstName: "Elin", LastName: "Extraktsson", PersonalNumber: pnr[4],
			DistrictID: f.Districts[0].ID, School: "Granskolan", Address: "Egnavägen 4"}); err != nil {
			t.Fatal(err)
		}
		mother := &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Maria Extraktsson", Relation: "mamma", HasCustody: true,
			Phone: "070-111 22 33", Address: "Mammasgatan 8", Note: "Vill bli kontaktad på kvällar"}
		father := &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Peter Extraktsson", Relation: "pappa", HasCustody: true,
			Phone: "070-999 88 77", Address: "Pappasgatan 2"}
		for _, p := range []*casework.RelatedPerson{mother, father} {
			if err := s.SaveRelatedPerson(coord, rc.CaseID, p); err != nil {
				t.Fatal(err)
			}
		}
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		if err := s.AddNote(coord, rc.CaseID, casework.CatSchool, "Närvaron har ökat"); err != nil {
			t.Fatal(err)
		}

		x, err := s.MakeRegisterExtract(auditor, store.RegisterQuery{Subject: store.SubjectYouth, Identity: pnr[4]})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(x)
		js := string(b)
		for _, want := range []string{"Elin Extraktsson", "Egnavägen 4", "Granskolan", "Närvaron har ökat", "Jobba som elektriker", "mamma", "pappa", "irk"} {
			if !strings.Contains(js, want) {
				t.Errorf("the young person's extract lacks %q", want)
			}
		}
		for _, other := range []string{"Maria", "Peter", "070-", "Mammasgatan", "Pappasgatan", "kvällar"} {
			if strings.Contains(js, other) {
				t.Errorf("the young person's extract shows another person's data: %q", other)
			}
		}
		if len(x.Youth.Cases) != 1 || len(x.Youth.Cases[0].Consents) == 0 || len(x.Reads) == 0 {
			t.Fatalf("cases %d, reads %d", len(x.Youth.Cases), len(x.Reads))
		}
		for _, sg := range x.Youth.Cases[0].Consents[0].Signers {
			if !sg.Own && sg.Name != "" {
				t.Errorf("a guardian's signature is named in the young person's extract: %+v", sg)
			}
		}

		cands, err := s.FindAdults(auditor, "  maria   EXTRAKTSSON ")
		if err != nil || len(cands) != 1 || cands[0].ID != mother.ID || cands[0].Phone != "070-111 22 33" {
			t.Fatalf("adults: %+v %v", cands, err)
		}
		g, err := s.MakeRegisterExtract(auditor, store.RegisterQuery{Subject: store.SubjectGuardian, PersonIDs: []int64{mother.ID}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(g)
		js = string(b)
		for _, want := range []string{"Maria Extraktsson", "070-111 22 33", "Mammasgatan 8", "kvällar"} {
			if !strings.Contains(js, want) {
				t.Errorf("the guardian's extract lacks %q", want)
			}
		}
		for _, other := range []string{"Elin", "Egnavägen", "Granskolan", "Närvaron", "elektriker", "Peter", "Pappasgatan", pnr[4]} {
			if strings.Contains(js, other) {
				t.Errorf("the guardian's extract shows someone else's data: %q", other)
			}
		}
		for _, l := range g.Reads {
			if l.Category != "family" && l.Object != "related_person" {
				t.Errorf("the guardian's log extract shows a read of other information: %+v", l.Entry)
			}
		}
		if len(g.Reads) == 0 {
			t.Error("the guardian's log extract is empty: the family list was read when the consent was made")
		}

		reqs, err := s.RegisterRequests(auditor, 10)
		if err != nil || len(reqs) != 2 {
			t.Fatalf("requests %+v %v", reqs, err)
		}
		if err := s.RecordDelivery(auditor, x.RequestID, "carrier pigeon"); casework.AsError(err).Code != casework.EInvalid {
			t.Fatalf("an unknown way of delivery: %v", err)
		}
		if err := s.RecordDelivery(auditor, x.RequestID, "post"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDelivery(auditor, x.RequestID, "post"); casework.AsError(err).Code != casework.EConflict {
			t.Fatalf("delivered twice: %v", err)
		}
		// The request and the delivery are in the young person's access-log extract.
		ax, err := s.AccessExtract(auditor, store.ExtractQuery{Identity: pnr[4]})
		if err != nil {
			t.Fatal(err)
		}
		made, delivered := false, false
		for _, l := range ax.Lines {
			made = made || (l.Object == "register_extract" && l.Action == "export")
			delivered = delivered || (l.Object == "register_extract" && strings.HasPrefix(l.Detail, "delivered"))
		}
		if !made || !delivered {
			t.Errorf("the extract's making (%v) and delivery (%v) are not in the log", made, delivered)
		}
		for _, r := range []casework.Role{casework.RoleCoordinator, casework.RoleAdmin} {
			if _, err := s.MakeRegisterExtract(f.Ctx(t, s, r), store.RegisterQuery{Subject: store.SubjectYouth, Identity: pnr[4]}); casework.AsError(err).Code != casework.EForbidden {
				t.Errorf("%s made a register extract: %v", r, err)
			}
		}
		if _, err := s.MakeRegisterExtract(auditor, store.RegisterQuery{Subject: store.SubjectYouth, Identity: pnr[30]}); casework.AsError(err).Code != casework.ENotFound {
			t.Errorf("nobody by that number: %v", err)
		}
	})
}
