package store_test

import (
	"context"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

func values(t *testing.T, form map[string]string, cats ...casework.Category) []stats.Value {
	t.Helper()
	vs, err := stats.ParseForm(func(f string) string { return form[f] }, cats)
	if err != nil {
		t.Fatalf("form: %v", err)
	}
	return vs
}

// Recording indicators inside the case: who may record what follows the information
// categories of the consent, a refused recording saves nothing and is audited, and a new
// recording starts from the lasting values of the last one.
func TestRecordIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		rc := f.Concern(t, s, casework.RoleGroupMember, "Adam", "Ek", storetest.TestPersonalNumbers[0])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		coord, police := f.Ctx(t, s, casework.RoleCoordinator), f.Ctx(t, s, casework.RoleGroupMember)
		today := clock.Now()

		t.Run("coordinator records every category at intake", func(t *testing.T) {
			sh, err := s.IndicatorSheet(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if len(sh.Writable) != 7 {
				t.Fatalf("coordinator may record %v", sh.Writable)
			}
			form := map[string]string{"ind_school_attendance": "6", "ind_occupation": "none", "ind_housing": "guardians", "ind_placement": "none",
				"ind_police_suspect_violence": "3", "ind_police_suspect_theft": "2", "ind_substance_use": "regular", "ind_own_progress": "2"}
			_, err = s.RecordIndicators(coord, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtIntake, MeasuredOn: today, Categories: sh.Writable,
				Values: values(t, form, sh.Writable...)})
			if err != nil {
				t.Fatal(err)
			}
			sh, err = s.IndicatorSheet(coord, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			p, ok := sh.Point(stats.AtIntake, "")
			if !ok {
				t.Fatal("no intake point")
			}
			if v, _ := p.Value("police_suspect", ""); v.Number != 5 {
				t.Fatalf("police reports: the whole is the sum of the categories, got %v", v.Number)
			}
			if v, _ := p.Value("police_suspect", "robbery"); !v.Known || v.Number != 0 {
				t.Fatalf("an empty category beside filled ones is a recorded 0, got %+v", v)
			}
			if v, _ := p.Value("school_attendance", ""); v.Number != 6 {
				t.Fatalf("attendance %v", v.Number)
			}
		})

		t.Run("police member reads and records police information only, as the consent says", func(t *testing.T) {
			sh, err := s.IndicatorSheet(police, rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[casework.Category]bool{casework.CatBasic: true, casework.CatPolice: true, casework.CatSchool: true}
			for _, c := range sh.Writable {
				if !want[c] {
					t.Fatalf("police may record %s (writable %v)", c, sh.Writable)
				}
			}
			p, _ := sh.Point(stats.AtIntake, "")
			if _, ok := p.Value("substance_use", ""); ok {
				t.Fatal("the police read health information the consent does not cover")
			}
			if v, ok := p.Value("police_suspect", ""); !ok || v.Number != 5 {
				t.Fatal("the police do not read the police reports")
			}
		})

		t.Run("a recording with one forbidden category saves nothing and is audited", func(t *testing.T) {
			cats := []casework.Category{casework.CatPolice, casework.CatHealth}
			_, err := s.RecordIndicators(police, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtIntake, MeasuredOn: today, Categories: cats,
				Values: values(t, map[string]string{"ind_police_suspect_violence": "9", "ind_substance_use": "none"}, cats...)})
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v, want forbidden", err)
			}
			sh, _ := s.IndicatorSheet(coord, rc.CaseID)
			p, _ := sh.Point(stats.AtIntake, "")
			if v, _ := p.Value("police_suspect", ""); v.Number != 5 {
				t.Fatalf("half saved: police reports now %v", v.Number)
			}
			denied := false
			_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
				if en.Object == "indicators" && !en.Allowed && en.Category == string(casework.CatHealth) {
					denied = true
				}
				return nil
			})
			if !denied {
				t.Fatal("the refusal is not in the audit log")
			}
		})

		t.Run("police records its own category", func(t *testing.T) {
			cats := []casework.Category{casework.CatPolice}
			_, err := s.RecordIndicators(police, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtIntake, MeasuredOn: today, Categories: cats,
				Values: values(t, map[string]string{"ind_police_suspect_violence": "4", "ind_police_victim": "1"}, cats...)})
			if err != nil {
				t.Fatal(err)
			}
			sh, _ := s.IndicatorSheet(coord, rc.CaseID)
			p, _ := sh.Point(stats.AtIntake, "")
			if v, _ := p.Value("police_suspect", ""); v.Number != 4 {
				t.Fatalf("police reports %v", v.Number)
			}
			if v, _ := p.Value("school_attendance", ""); v.Number != 6 {
				t.Fatal("recording the police category touched the school's")
			}
		})

		t.Run("a follow-up meeting starts from the lasting values of the last recording", func(t *testing.T) {
			clock.Advance(30 * 24 * time.Hour)
			sh, _ := s.IndicatorSheet(coord, rc.CaseID)
			pre, recorded := sh.Prefill(stats.AtMeeting, clock.Now().Format(time.DateOnly))
			if recorded {
				t.Fatal("no meeting recorded yet")
			}
			got := map[string]bool{}
			for _, v := range pre {
				got[v.Code] = true
			}
			if !got["housing"] || !got["placement"] || got["school_attendance"] || got["police_suspect"] {
				t.Fatalf("prefilled %v", got)
			}
			_, err := s.RecordIndicators(coord, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtMeeting, MeasuredOn: clock.Now(),
				Categories: []casework.Category{casework.CatSchool}, Values: values(t, map[string]string{"ind_school_attendance": "40"}, casework.CatSchool)})
			if err != nil {
				t.Fatal(err)
			}
			sh, _ = s.IndicatorSheet(coord, rc.CaseID)
			if _, ok := sh.Point(stats.AtMeeting, clock.Now().Format(time.DateOnly)); !ok {
				t.Fatal("the meeting's point is keyed by its date")
			}
		})

		t.Run("time points follow the flow", func(t *testing.T) {
			_, err := s.RecordIndicators(coord, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtFollow6, MeasuredOn: clock.Now(),
				Categories: []casework.Category{casework.CatSchool}, Values: values(t, map[string]string{"ind_school_attendance": "40"}, casework.CatSchool)})
			if casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("6-month follow-up of an open case: %v", err)
			}
			_, err = s.RecordIndicators(coord, rc.CaseID, store.IndicatorInput{TimePoint: stats.AtIntake, MeasuredOn: clock.Now().AddDate(0, 0, 3),
				Categories: []casework.Category{casework.CatSchool}, Values: values(t, map[string]string{"ind_school_attendance": "40"}, casework.CatSchool)})
			if casework.ErrorCode(err) != casework.EInvalid {
				t.Fatalf("a date in the future: %v", err)
			}
		})

		t.Run("the administrator and an unrelated user see nothing", func(t *testing.T) {
			for _, r := range []casework.Role{casework.RoleAdmin, casework.RoleAnalyst, casework.RoleSteering} {
				if _, err := s.IndicatorSheet(f.Ctx(t, s, r), rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
					t.Errorf("%s: %v, want not found", r, err)
				}
			}
		})
	})
}
