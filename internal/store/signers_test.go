package store_test

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// Decided in issue 19 (docs/security.md, point 10): the names of a consent's signers are part of
// the consent, which is basic information — every party must be able to show whose consent it
// acts on, and the signers gave their names to the parties the form names. Everything else about
// the guardians (relation, custody, contact details) is family information.
func TestSignerNamesAreBasicTheGuardiansThemselvesFamily(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, storetest.NewClock(t0).Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember)
		rc := f.Concern(t, s, casework.RoleCoordinator, "Mira", "Sten", pnr[14])
		g := &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Petra Sten", Relation: "mamma", HasCustody: true, Phone: "070-1234567"}
		if err := s.SaveRelatedPerson(coord, rc.CaseID, g); err != nil {
			t.Fatal(err)
		}
		f.Advance(t, s, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{})
		f.Consent(t, s, rc.CaseID, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyPolice},
			Categories: []casework.Category{casework.CatBasic, casework.CatPolice}, Months: 6})
		cs, err := s.Consents(police, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		named := false
		for _, c := range cs {
			for _, sg := range c.Signers {
				named = named || (sg.Role == "guardian" && sg.Name == "Petra Sten")
			}
		}
		if !named {
			t.Fatalf("the police, a party without family information, do not see who signed: %+v", cs)
		}
		if _, err := s.RelatedPersons(police, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound && casework.ErrorCode(err) != casework.EForbidden {
			t.Fatalf("the police read the guardians themselves (family information): %v", err)
		}
	})
}
