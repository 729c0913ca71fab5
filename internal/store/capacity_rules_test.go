package store_test

import (
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The capacity rules on both engines: the experience rule when a social worker is assigned a
// heavy case (warn, then refuse), the cap warning at assignment, a case's extensions with
// their reasons carried into the planned length, and the professionals' load in groups.
func TestCapacityRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		admin, coord := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleCoordinator)
		coordID, officerID := f.Users[casework.RoleCoordinator].ID, f.Users[casework.RoleCaseOfficer].ID

		heavy := f.Concern(t, s, casework.RoleCoordinator, "Tung", "Ung", storetest.TestPersonalNumbers[0]).CaseID
		f.Advance(t, s, heavy, casework.StepParties, storetest.ConsentSpec{}) // risk judged high, start decided today
		light := f.Concern(t, s, casework.RoleCoordinator, "Lätt", "Ung", storetest.TestPersonalNumbers[1]).CaseID
		f.Advance(t, s, light, casework.StepAssessment, storetest.ConsentSpec{}) // not yet assessed

		capacity := func() *store.Capacity {
			t.Helper()
			c, err := s.Capacity(coord)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		coordLoad := func() mapping.Caseload {
			t.Helper()
			for _, l := range capacity().Caseloads {
				if l.UserID == coordID {
					return l
				}
			}
			t.Fatal("no coordinator")
			return mapping.Caseload{}
		}
		staffOf := func(caseID int64) map[int64]casework.StaffRole {
			t.Helper()
			cd, err := s.CaseDetail(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]casework.StaffRole{}
			for _, l := range cd.Staff {
				out[l.UserID] = l.Role
			}
			return out
		}

		t.Run("a heavy case with a coordinator without a recorded date is counted", func(t *testing.T) {
			if l := coordLoad(); l.Active != 2 || l.Heavy != 1 || l.Mismatched != 1 || !l.Qualified.IsZero() {
				t.Errorf("%+v", l)
			}
			cc, err := s.CaseCapacity(coord, heavy)
			if err != nil {
				t.Fatal(err)
			}
			if !cc.Heavy || cc.Weight != 3 || cc.Experience != mapping.AssignWarn || cc.Years != 2 {
				t.Errorf("case capacity %+v", cc)
			}
			// The police, covered by the consent for basic information only, see the planned
			// length but not the weight (the risk judgement is social information).
			f.Consent(t, s, heavy, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyPolice}, Categories: []casework.Category{casework.CatBasic}})
			pc, err := s.CaseCapacity(f.Ctx(t, s, casework.RoleGroupMember), heavy)
			if err != nil {
				t.Fatal(err)
			}
			if pc.Weight != 0 || pc.Heavy || pc.Experience != "" || pc.Base != 10 {
				t.Errorf("the police read %+v", pc)
			}
		})
		t.Run("assigning a heavy case to someone newly qualified warns and saves", func(t *testing.T) {
			if err := s.SetQualified(admin, officerID, time.Date(2025, 6, 1, 0, 0, 0, 0, casework.Stockholm)); err != nil {
				t.Fatal(err)
			}
			warns, err := s.AssignStaffChecked(coord, heavy, officerID, casework.StaffCaseOfficer)
			if err != nil || len(warns) != 1 || warns[0].Key != "capacity.warn_inexperienced" {
				t.Fatalf("warns %+v, %v", warns, err)
			}
			if staffOf(heavy)[officerID] != casework.StaffCaseOfficer {
				t.Error("the warned assignment was not saved")
			}
		})
		t.Run("a light case never warns", func(t *testing.T) {
			if warns, err := s.AssignStaffChecked(coord, light, officerID, casework.StaffCaseOfficer); err != nil || len(warns) != 0 {
				t.Errorf("warns %+v, %v", warns, err)
			}
		})
		t.Run("with the rule set to refuse the assignment is refused and nothing changes", func(t *testing.T) {
			set := store.DefaultCapacitySettings()
			set.Rule = mapping.RuleRefuse
			if err := s.SetCapacity(admin, set); err != nil {
				t.Fatal(err)
			}
			if err := s.RemoveStaff(coord, heavy, officerID); err != nil {
				t.Fatal(err)
			}
			_, err := s.AssignStaffChecked(coord, heavy, officerID, casework.StaffCaseOfficer)
			if fe := casework.FieldErrorsOf(err); len(fe) != 1 || fe[0].Field != "user" || fe[0].Key != "capacity.refuse_inexperienced" {
				t.Fatalf("refusal %v", err)
			}
			if _, on := staffOf(heavy)[officerID]; on {
				t.Error("the refused assignment was saved")
			}
			// Two years to the day later, they have the experience.
			clock.Set(time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC))
			if warns, err := s.AssignStaffChecked(coord, heavy, officerID, casework.StaffCaseOfficer); err != nil || len(warns) != 0 {
				t.Errorf("two years after qualifying: %+v, %v", warns, err)
			}
			clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		})
		t.Run("a qualified coordinator's heavy case is no longer flagged", func(t *testing.T) {
			if err := s.SetQualified(admin, coordID, time.Date(2015, 1, 15, 0, 0, 0, 0, casework.Stockholm)); err != nil {
				t.Fatal(err)
			}
			if l := coordLoad(); l.Heavy != 1 || l.Mismatched != 0 || l.Qualified.In(casework.Stockholm).Format(time.DateOnly) != "2015-01-15" {
				t.Errorf("%+v", l)
			}
			if err := s.SetQualified(admin, coordID, clock.Now().Add(48*time.Hour)); casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("a date in the future: %v", err)
			}
			if err := s.SetQualified(coord, coordID, time.Date(2015, 1, 15, 0, 0, 0, 0, casework.Stockholm)); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("a coordinator set their own date: %v", err)
			}
		})
		t.Run("assigning a coordinator at or over the cap warns", func(t *testing.T) {
			set := store.DefaultCapacitySettings()
			set.Cap = 2
			if err := s.SetCapacity(admin, set); err != nil {
				t.Fatal(err)
			}
			warns, err := s.AssignStaffChecked(coord, light, coordID, casework.StaffCoordinator)
			if err != nil || len(warns) != 1 || warns[0].Key != "capacity.warn_full" || warns[0].Args[0] != 2 {
				t.Errorf("at the cap: %+v, %v", warns, err)
			}
			set.Cap = 1
			if err := s.SetCapacity(admin, set); err != nil {
				t.Fatal(err)
			}
			if warns, err = s.AssignStaffChecked(coord, light, coordID, casework.StaffCoordinator); err != nil || len(warns) != 1 || warns[0].Key != "capacity.warn_over" {
				t.Errorf("over the cap: %+v, %v", warns, err)
			}
		})
		t.Run("an extension needs a reason and moves the planned end", func(t *testing.T) {
			err := s.ExtendPlan(coord, heavy, 0, " ")
			if fe := casework.FieldErrorsOf(err); len(fe) != 2 || fe[0].Field != "months" || fe[1].Field != "reason" || fe[1].Key != "capacity.extend_reason_required" {
				t.Fatalf("no months and no reason: %v", err)
			}
			if err := s.ExtendPlan(coord, light, 2, "Behöver mer tid"); casework.ErrorCode(err) != casework.EConflict {
				t.Errorf("a case without a decision: %v", err)
			}
			// Ten months from the decision on 2 March: ends 2 January; three weeks before, ending.
			clock.Set(time.Date(2026, 12, 12, 9, 0, 0, 0, time.UTC))
			if l := coordLoad(); l.Ending != 1 || l.Overrun != 0 {
				t.Errorf("before the extension: %+v", l)
			}
			if err := s.ExtendPlan(coord, heavy, 3, "Skolstarten i januari behöver stöd"); err != nil {
				t.Fatal(err)
			}
			c := capacity()
			if c.Extended != 1 {
				t.Errorf("extended %d", c.Extended)
			}
			if l := coordLoad(); l.Ending != 0 || l.Overrun != 0 {
				t.Errorf("after three more months: %+v", l)
			}
			cc, err := s.CaseCapacity(coord, heavy)
			if err != nil {
				t.Fatal(err)
			}
			if cc.Months != 13 || len(cc.Extensions) != 1 || cc.Extensions[0].Reason != "Skolstarten i januari behöver stöd" ||
				cc.Ends.In(casework.Stockholm).Format(time.DateOnly) != "2027-04-02" || cc.State != mapping.PlanRunning {
				t.Errorf("planned length %+v", cc)
			}
			tl, err := s.Timeline(coord, heavy)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ev := range tl {
				found = found || (ev.Kind == "plan_extended" && ev.Reason == "+3: Skolstarten i januari behöver stöd")
			}
			if !found {
				t.Error("no plan_extended event with the reason in the timeline")
			}
			if err := s.ExtendPlan(f.Ctx(t, s, casework.RoleAnalyst), heavy, 1, "x"); casework.ErrorCode(err) != casework.ENotFound {
				t.Errorf("an analyst extended a case: %v", err)
			}
		})
		t.Run("the professionals in open groups are counted against the group cap", func(t *testing.T) {
			for _, id := range []int64{heavy, light} {
				if _, err := s.AddGroupMember(coord, id, casework.MemberInput{Kind: casework.MemberProfessional, UserID: coordID}); err != nil {
					t.Fatal(err)
				}
			}
			set := store.DefaultCapacitySettings()
			set.GroupCap = 2
			if err := s.SetCapacity(admin, set); err != nil {
				t.Fatal(err)
			}
			c := capacity()
			if len(c.Members) != 1 || c.Members[0].UserID != coordID || c.Members[0].Active != 2 || c.Members[0].State != mapping.LoadFull {
				t.Errorf("members %+v", c.Members)
			}
		})
	})
}
