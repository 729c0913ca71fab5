package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

const (
	threatMarker = "Hotad-av-Gängledaren-Örnvik"
	destMarker   = "Skyddsboende-Långtbortby-7"
)

// userOf creates an active user of agency kind k with role r.
func userOf(t *testing.T, s *store.Store, f *storetest.Fixture, username string, k casework.AgencyKind, r casework.Role) casework.Actor {
	t.Helper()
	hash, err := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := casework.User{Username: username, Name: username, AgencyID: f.Agencies[k].ID, Roles: casework.NewRoleSet(r)}
	if err := s.CreateUser(casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test")), &u, hash); err != nil {
		t.Fatal(err)
	}
	a, err := s.Actor(context.Background(), f.Municipality.ID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// securityCase is an active case whose valid consent names the police and the school, with the
// fixture's case officer on it.
func securityCase(t *testing.T, s *store.Store, f *storetest.Fixture, first, last, pn string) int64 {
	t.Helper()
	rc := f.Concern(t, s, casework.RoleCoordinator, first, last, pn)
	f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	if err := s.AssignStaff(f.Ctx(t, s, casework.RoleCoordinator), rc.CaseID, f.Users[casework.RoleCaseOfficer].ID, casework.StaffCaseOfficer); err != nil {
		t.Fatal(err)
	}
	return rc.CaseID
}

// The security assessment: recorded by the police and social services, refused without a
// review date (nothing saved), unseen by a school the consent names, sealed at rest and read
// back through Lots; a raised level alerts the coordinator and the police contact; the review
// alert comes on its date (a fixed clock).
func TestSecurityAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		clock := storetest.NewClock(t0)
		s := openWith(t, dsn, envelope.Ephemeral(), clock.Now)
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		caseID := securityCase(t, s, f, "Saga", "Säkerhet", pnr[4])
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember) // a police officer, named by the consent
		school := storetest.Ctx2(userOf(t, s, f, "skolan", casework.AgencySchool, casework.RoleGroupMember))
		today := t0.In(casework.Stockholm).Format(casework.DateLayout)
		review := t0.In(casework.Stockholm).AddDate(0, 0, 14).Format(casework.DateLayout)

		// Refused with the field named, and nothing half-saved.
		_, err := s.RecordSecurityAssessment(police, caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh,
			Threats: threatMarker})
		if !strings.Contains(fmt.Sprint(err), "review_required") || !hasField(err, "review_on") {
			t.Fatalf("an assessment without a review date: %v", err)
		}
		_, err = s.RecordSecurityAssessment(police, caseID, casework.SecurityInput{Kind: casework.ParticipantSibling, Level: casework.ThreatHigh, ReviewOn: review})
		if !hasField(err, "participant_name") {
			t.Fatalf("a sibling without a name: %v", err)
		}
		if v, err := s.Security(coord, caseID); err != nil || len(v.History) != 0 {
			t.Fatalf("a refused assessment left %d behind (%v)", len(v.History), err)
		}

		// The police record the young person's assessment; the coordinator is alerted (a first
		// assessment above "low" raises the level).
		first, err := s.RecordSecurityAssessment(police, caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatElevated,
			Threats: threatMarker, Linked: "Person X", Escalation: "Hot i sociala medier", Measures: "Skolväg med vuxen", ReviewOn: review})
		if err != nil {
			t.Fatal(err)
		}
		if first.Previous != "" {
			t.Errorf("first assessment has a previous level %q", first.Previous)
		}
		alerts, _, err := s.MySecurityAlerts(coord)
		if err != nil || len(alerts) != 1 || alerts[0].CaseID != caseID || alerts[0].Level != casework.ThreatElevated {
			t.Fatalf("the coordinator's alerts after a first elevated level: %+v %v", alerts, err)
		}
		if mine, _, _ := s.MySecurityAlerts(police); len(mine) != 0 {
			t.Errorf("the author was alerted of their own assessment: %+v", mine)
		}

		clock.Advance(time.Minute)
		// An exit pathway names the police contact; the coordinator raises the level: the police
		// contact is alerted, the school never.
		if err := s.SaveExitPathway(coord, caseID, casework.ExitInput{Stage: casework.ExitWish, WishOn: today,
			PoliceContactID: f.Users[casework.RoleGroupMember].ID, SocialContactID: f.Users[casework.RoleCoordinator].ID}); err != nil {
			t.Fatal(err)
		}
		second, err := s.RecordSecurityAssessment(coord, caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatSevere,
			Threats: threatMarker + " igen", ReviewOn: review})
		if err != nil || second.Previous != casework.ThreatElevated {
			t.Fatalf("raise: %+v %v", second, err)
		}
		if pa, _, err := s.MySecurityAlerts(police); err != nil || len(pa) != 1 || pa[0].Previous != casework.ThreatElevated || pa[0].Level != casework.ThreatSevere {
			t.Fatalf("the police contact's alerts after the raise: %+v %v", pa, err)
		}
		clock.Advance(time.Minute)
		// A lower level alerts nobody.
		if _, err := s.RecordSecurityAssessment(police, caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh, ReviewOn: review}); err != nil {
			t.Fatal(err)
		}
		if ca, _, _ := s.MySecurityAlerts(coord); len(ca) != 1 {
			t.Errorf("a lowered level alerted the coordinator: %d alerts", len(ca))
		}

		// Who sees it: social services staff and the police; not the school the consent names.
		if _, err := s.Security(school, caseID); casework.ErrorCode(err) != casework.ENotFound {
			t.Errorf("the school read the security assessments: %v", err)
		}
		if sa, rv, err := s.MySecurityAlerts(school); err != nil || len(sa)+len(rv) != 0 {
			t.Errorf("the school's alerts: %+v %+v %v", sa, rv, err)
		}
		v, err := s.Security(storetest.Ctx2(f.Actor(t, s, casework.RoleCaseOfficer)), caseID)
		if err != nil || len(v.Current) != 1 || len(v.History) != 3 || v.Current[0].Level != casework.ThreatHigh {
			t.Fatalf("the case officer's view: %+v %v", v, err)
		}
		if v.History[2].Threats != threatMarker || v.History[2].Linked != "Person X" {
			t.Errorf("the texts read back through Lots: %+v", v.History[2])
		}

		// Sealed at rest: the texts are not in the rows, nor in SQLite's files.
		db := rawDB(t, dsn, e)
		var threats, linked string
		if err := db.QueryRow(`SELECT threats, linked FROM security_assessments WHERE id = $1`, first.ID).Scan(&threats, &linked); err != nil {
			t.Fatal(err)
		}
		if !envelope.IsSealedString(threats) || !envelope.IsSealedString(linked) || strings.Contains(threats, "Örnvik") {
			t.Errorf("the stored threats are readable without the key: %q", threats)
		}
		if e == storetest.SQLite {
			if disk := onDisk(t, dsn); bytes.Contains(disk, []byte(threatMarker)) {
				t.Error("the threats are in the database files on disk")
			}
		}

		// The review alert: not before its date, on it.
		if _, due, _ := s.MySecurityAlerts(coord); len(due) != 0 {
			t.Errorf("a review 14 days ahead is due already: %+v", due)
		}
		clock.Advance(14 * 24 * time.Hour)
		_, due, err := s.MySecurityAlerts(coord)
		if err != nil || len(due) != 1 || due[0].CaseID != caseID || due[0].ReviewOn != review {
			t.Fatalf("the review alert on its date: %+v %v", due, err)
		}
		if v, _ := s.Security(coord, caseID); len(v.Due) != 1 {
			t.Errorf("the case's security page shows %d due reviews", len(v.Due))
		}
		if _, due, _ := s.MySecurityAlerts(police); len(due) != 0 {
			t.Errorf("the review list (staff only) reached the police: %+v", due)
		}
	})
}

func hasField(err error, field string) bool {
	var ve *casework.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			if fe.Field == field {
				return true
			}
		}
	}
	var e *casework.Error
	return errors.As(err, &e) && e.Field == field
}

// The exit pathway: the destination only for the named police and social-services staff (not
// the case officer, not the school), sealed at rest; a protected relocation turns on protected
// identity for the whole record at once.
func TestExitPathway(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		clock := storetest.NewClock(t0)
		s := openWith(t, dsn, envelope.Ephemeral(), clock.Now)
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		caseID := securityCase(t, s, f, "Disa", "Avhoppare", pnr[5])
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		officer := f.Ctx(t, s, casework.RoleCaseOfficer)
		police := f.Ctx(t, s, casework.RoleGroupMember)
		otherPolice := storetest.Ctx2(userOf(t, s, f, "polis2", casework.AgencyPolice, casework.RoleGroupMember))
		today := t0.In(casework.Stockholm).Format(casework.DateLayout)
		pid, sid := f.Users[casework.RoleGroupMember].ID, f.Users[casework.RoleCoordinator].ID
		dest := destMarker

		// Refusals name the field and save nothing: a relocation without a destination, a
		// school user as the police contact.
		err := s.SaveExitPathway(coord, caseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: today, PoliceContactID: pid, SocialContactID: sid})
		if !hasField(err, "destination") {
			t.Fatalf("a relocation without a destination: %v", err)
		}
		err = s.SaveExitPathway(coord, caseID, casework.ExitInput{Stage: casework.ExitWish, WishOn: today, PoliceContactID: sid, SocialContactID: sid})
		if !hasField(err, "police_contact") {
			t.Fatalf("a social worker as police contact: %v", err)
		}
		// The case officer, not named, may not set a destination only others would see.
		err = s.SaveExitPathway(officer, caseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: today, PoliceContactID: pid, SocialContactID: sid, Destination: &dest})
		if !hasField(err, "destination") {
			t.Fatalf("the unnamed case officer set the destination: %v", err)
		}
		if v, _ := s.Security(coord, caseID); v.Exit != nil {
			t.Fatalf("a refused pathway was saved: %+v", v.Exit)
		}
		if cd, _ := s.CaseDetail(coord, caseID); cd.Youth.ProtectedIdentity {
			t.Fatal("a refused relocation turned on protected identity")
		}

		// The named coordinator relocates the young person under protection.
		if err := s.SaveExitPathway(coord, caseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: today, PoliceAssessment: "Hög risk i hemkommunen",
			Programme: "Exitprogrammet", PoliceContactID: pid, SocialContactID: sid, Destination: &dest}); err != nil {
			t.Fatal(err)
		}
		for name, ctx := range map[string]context.Context{"named coordinator": coord, "named police": police} {
			v, err := s.Security(ctx, caseID)
			if err != nil || v.Exit == nil || !v.Exit.DestinationShown || v.Exit.Destination != destMarker {
				t.Errorf("%s does not see the destination: %+v %v", name, v.Exit, err)
			}
		}
		for name, ctx := range map[string]context.Context{"case officer": officer, "other police": otherPolice} {
			v, err := s.Security(ctx, caseID)
			if err != nil || v.Exit == nil || v.Exit.DestinationShown || v.Exit.Destination != "" || v.Exit.Programme != "Exitprogrammet" {
				t.Errorf("%s: %+v %v", name, v.Exit, err)
			}
			// Nor may they rename the contacts to see it.
			err = s.SaveExitPathway(ctx, caseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: today,
				PoliceContactID: pid, SocialContactID: f.Users[casework.RoleCaseOfficer].ID})
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("%s renamed the contacts: %v", name, err)
			}
		}
		// Protected identity for the whole record: the police party no longer sees the
		// protected details; the flag is the young person's.
		cd, err := s.CaseDetail(coord, caseID)
		if err != nil || !cd.Youth.ProtectedIdentity {
			t.Fatalf("protected relocation left the identity unprotected: %v", err)
		}

		db := rawDB(t, dsn, e)
		var stored, pa string
		if err := db.QueryRow(`SELECT destination, police_assessment FROM exit_pathways WHERE case_id = $1`, caseID).Scan(&stored, &pa); err != nil {
			t.Fatal(err)
		}
		if !envelope.IsSealedString(stored) || !envelope.IsSealedString(pa) || strings.Contains(stored, "Långtbortby") {
			t.Errorf("the stored destination is readable without the key: %q", stored)
		}
		if e == storetest.SQLite {
			if disk := onDisk(t, dsn); bytes.Contains(disk, []byte(destMarker)) {
				t.Error("the destination is in the database files on disk")
			}
		}
	})
}
