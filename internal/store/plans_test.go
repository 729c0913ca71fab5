package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// planFixture is a case in planning with a consent covering the police, and a plan to save.
func planFixture(t *testing.T, e storetest.Engine) (*store.Store, *storetest.Fixture, *storetest.Clock, int64) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2025, 3, 3, 9, 0, 0, 123456000, time.UTC))
	s := storetest.Open(t, e, clock.Now)
	f := storetest.Seed(t, s, "9901", "")
	rc := f.Concern(t, s, casework.RoleCoordinator, "Plan", "Versionsson", storetest.TestPersonalNumbers[5])
	clock.Advance(time.Hour)
	f.Advance(t, s, rc.CaseID, casework.StepPlanning, storetest.ConsentSpec{})
	return s, f, clock, rc.CaseID
}

func planV1() casework.Plan {
	return casework.Plan{
		OwnGoal:       "Jobba som elektriker",
		SubGoals:      []casework.SubGoal{{Text: "Gå i skolan", Criterion: "Närvaro över 80 %", Responsible: "Mentor", Due: "2025-06-01"}},
		Interventions: []casework.Intervention{{Method: "komet", Need: "family", Provider: "Familjeenheten", Start: "2025-03-10"}},
		Agreements:    []casework.Agreement{{Text: "Hemma kl. 21 på vardagar"}},
		TriedBefore:   []string{"Kontaktperson 2024"},
	}
}

func TestPlanVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f, clock, caseID := planFixture(t, e)
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember)
		count := func(t *testing.T) int {
			t.Helper()
			vs, err := s.PlanVersions(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			return len(vs)
		}

		t.Run("a case without a plan has no versions", func(t *testing.T) {
			if n := count(t); n != 0 {
				t.Fatalf("%d versions", n)
			}
		})
		t.Run("the first save from no plan is version 1, normalised", func(t *testing.T) {
			v, err := s.SavePlanFrom(coord, caseID, 0, planV1())
			if err != nil || v != 1 {
				t.Fatalf("version %d, %v", v, err)
			}
			vs, _ := s.PlanVersions(coord, caseID)
			got := vs[0]
			if got.Version != 1 || got.CreatedBy != "Test coordinator" || !got.CreatedAt.Equal(clock.Now()) || got.CreatedAt.Location() != time.UTC {
				t.Fatalf("%+v", got)
			}
			p := got.Plan
			if p.SubGoals[0].Status != casework.GoalOpen || p.SubGoals[0].ID == "" || p.Interventions[0].Status != "planned" || p.Interventions[0].ID == "" || p.Agreements[0].ID == "" {
				t.Fatalf("not normalised: %+v", p)
			}
		})
		var v1 casework.Plan
		t.Run("a change keeps the earlier version as it was, newest first", func(t *testing.T) {
			vs, _ := s.PlanVersions(coord, caseID)
			v1 = vs[0].Plan
			p := v1
			p.SubGoals = append([]casework.SubGoal(nil), v1.SubGoals...)
			p.SubGoals[0].Status = casework.GoalReached
			p.OwnGoal = "Jobba som elektriker och ha en egen lägenhet"
			clock.Advance(24 * time.Hour)
			if v, err := s.SavePlanFrom(coord, caseID, 1, p); err != nil || v != 2 {
				t.Fatalf("version %d, %v", v, err)
			}
			vs, _ = s.PlanVersions(coord, caseID)
			if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
				t.Fatalf("%d versions", len(vs))
			}
			if vs[1].Plan.OwnGoal != "Jobba som elektriker" || vs[1].Plan.SubGoals[0].Status != casework.GoalOpen {
				t.Fatalf("version 1 changed: %+v", vs[1].Plan)
			}
			if !vs[0].CreatedAt.After(vs[1].CreatedAt) {
				t.Fatal("times not kept per version")
			}
			d := casework.DiffPlans(vs[1].Plan, vs[0].Plan)
			if d.OwnGoal == nil || len(d.SubGoals) != 1 || d.SubGoals[0].Kind != casework.ItemChanged || d.Count() != 2 {
				t.Fatalf("diff of stored versions: %+v", d)
			}
		})
		t.Run("a change made from an older version is a conflict and saves nothing", func(t *testing.T) {
			for _, base := range []int{0, 1, 3, -1} {
				_, err := s.SavePlanFrom(coord, caseID, base, v1)
				if casework.ErrorCode(err) != casework.EConflict || casework.AsError(err).Key != "plan.saved_meanwhile" {
					t.Fatalf("from %d: %v", base, err)
				}
			}
			if n := count(t); n != 2 {
				t.Fatalf("%d versions", n)
			}
		})
		t.Run("an invalid plan names its fields and saves nothing", func(t *testing.T) {
			p := v1
			p.Interventions = []casework.Intervention{{Provider: "BUP", Start: "2025-05-01", End: "2025-04-01"}}
			_, err := s.SavePlanFrom(coord, caseID, 2, p)
			fields := map[string]bool{}
			for _, fe := range casework.FieldErrorsOf(err) {
				fields[fe.Field] = true
			}
			if !fields["intervention_1_method"] || !fields["intervention_1_end"] {
				t.Fatalf("%v", err)
			}
			if n := count(t); n != 2 {
				t.Fatalf("%d versions", n)
			}
		})
		t.Run("SavePlan without a base still adds a version", func(t *testing.T) {
			if v, err := s.SavePlan(coord, caseID, v1); err != nil || v != 3 {
				t.Fatalf("version %d, %v", v, err)
			}
		})
		t.Run("a police member under the consent reads the plan but may not change it", func(t *testing.T) {
			vs, err := s.PlanVersions(police, caseID)
			if err != nil || len(vs) != 3 {
				t.Fatalf("%d versions, %v", len(vs), err)
			}
			_, err = s.SavePlanFrom(police, caseID, 3, v1)
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("police saves: %v", err)
			}
			if n := count(t); n != 3 {
				t.Fatalf("%d versions", n)
			}
		})
		t.Run("without access the plan does not exist", func(t *testing.T) {
			other := storetest.Seed(t, s, "9902", "b_")
			if _, err := s.PlanVersions(other.Ctx(t, s, casework.RoleCoordinator), caseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("another municipality reads: %v", err)
			}
			if _, err := s.SavePlanFrom(other.Ctx(t, s, casework.RoleCoordinator), caseID, 3, v1); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("another municipality saves: %v", err)
			}
			if _, err := s.PlanVersions(f.Ctx(t, s, casework.RoleSteering), caseID); err == nil {
				t.Fatal("the steering group reads an individual plan")
			}
		})
		t.Run("reads, saves and refusals are in the audit log", func(t *testing.T) {
			var reads, saves, refused, notDone int
			_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
				if en.Object != "plan" {
					return nil
				}
				switch {
				case !en.Allowed:
					refused++
				case en.Action == audit.ActionRead:
					reads++
				case en.Action == audit.ActionUpdate && strings.Contains(en.Detail, "not done:"):
					notDone++ // let in, but the save was refused on its merits (a stale version, invalid input)
				case en.Action == audit.ActionUpdate:
					saves++
				}
				if en.ObjectID != caseID || en.YouthID == 0 {
					t.Errorf("plan entry without case or youth: %+v", en)
				}
				return nil
			})
			if saves != 3 || reads < 6 || refused < 2 || notDone < 1 {
				t.Fatalf("%d saves, %d reads, %d refused, %d not done", saves, reads, refused, notDone)
			}
		})
	})
}

func TestPlanOfAClosedCaseCannotChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f, _, caseID := planFixture(t, e)
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		f.Advance(t, s, caseID, casework.StepClosed, storetest.ConsentSpec{})
		vs, err := s.PlanVersions(coord, caseID)
		if err != nil || len(vs) != 1 {
			t.Fatalf("%d versions, %v", len(vs), err)
		}
		_, err = s.SavePlanFrom(coord, caseID, 1, vs[0].Plan)
		if casework.ErrorCode(err) != casework.EConflict || casework.AsError(err).Key != "flow.case_closed" {
			t.Fatalf("got %v", err)
		}
	})
}
