package casework_test

import (
	"fmt"
	"testing"
	"time"

	"lots/internal/casework"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// dl is an expected deadline.
type dl struct {
	kind casework.DeadlineKind
	due  time.Time
	met  time.Time
}

func (d dl) String() string {
	s := fmt.Sprintf("%s due %s", d.kind, d.due.Format(time.DateOnly))
	if !d.met.IsZero() {
		s += " met " + d.met.Format(time.DateOnly)
	}
	return s
}

func TestDeadlines(t *testing.T) {
	takenOn := day(2025, 1, 10)
	assessed := day(2025, 2, 14)
	decided := day(2025, 3, 3)
	convened := day(2025, 3, 7)
	planSet := day(2025, 3, 20) // late: due 13 March
	closed := day(2025, 9, 15)
	expires := day(2025, 10, 1)

	// due dates with the default settings
	assessDue := day(2025, 2, 21) // 42 days after 10 January
	groupDue := day(2025, 3, 10)  // 7 days after 3 March
	planDue := day(2025, 3, 13)   // 10 days after 3 March
	fu6Due := day(2026, 3, 15)
	fu12Due := day(2026, 9, 15)

	custom := casework.DefaultSettings()
	custom.AssessmentWithinDays, custom.GroupWithinDays, custom.ActionPlanWithinDays = 14, 3, 30

	tests := []struct {
		name     string
		step     casework.Step
		m        casework.Milestones
		settings casework.Settings
		want     []dl
	}{
		{name: "a case not yet taken on has no deadlines", step: casework.StepIdentified, settings: casework.DefaultSettings()},
		{name: "a case taken on must be assessed within 42 days", step: casework.StepAssessment,
			m: casework.Milestones{TakenOn: takenOn}, settings: casework.DefaultSettings(),
			want: []dl{{casework.DeadlineAssessment, assessDue, time.Time{}}}},
		{name: "a municipality's own assessment time is used", step: casework.StepAssessment,
			m: casework.Milestones{TakenOn: takenOn}, settings: custom,
			want: []dl{{casework.DeadlineAssessment, day(2025, 1, 24), time.Time{}}}},
		{name: "an assessed case awaiting the decision has its assessment deadline met", step: casework.StepDecision,
			m: casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed}, settings: casework.DefaultSettings(),
			want: []dl{{casework.DeadlineAssessment, assessDue, assessed}}},
		{name: "the decision to start sets the group within 7 days and the plan within 10 days", step: casework.StepParties,
			m: casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed, DecidedStart: decided}, settings: casework.DefaultSettings(),
			want: []dl{{casework.DeadlineAssessment, assessDue, assessed}, {casework.DeadlineGroup, groupDue, time.Time{}}, {casework.DeadlinePlan, planDue, time.Time{}}}},
		{name: "a municipality's own group and plan times are used", step: casework.StepParties,
			m: casework.Milestones{DecidedStart: decided}, settings: custom,
			want: []dl{{casework.DeadlineGroup, day(2025, 3, 6), time.Time{}}, {casework.DeadlinePlan, day(2025, 4, 2), time.Time{}}}},
		{name: "an active case with a consent also shows when the consent expires", step: casework.StepActive,
			m:        casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed, DecidedStart: decided, GroupConvened: convened, PlanSet: planSet, ConsentExpires: expires},
			settings: casework.DefaultSettings(),
			want:     []dl{{casework.DeadlineAssessment, assessDue, assessed}, {casework.DeadlineGroup, groupDue, convened}, {casework.DeadlinePlan, planDue, planSet}, {casework.DeadlineConsent, expires, time.Time{}}}},
		{name: "a closed case after a started SIG keeps its met deadlines and gets the 6- and 12-month follow-ups", step: casework.StepClosed,
			m:        casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed, DecidedStart: decided, GroupConvened: convened, PlanSet: planSet, Closed: closed, ConsentExpires: expires},
			settings: casework.DefaultSettings(),
			want: []dl{{casework.DeadlineAssessment, assessDue, assessed}, {casework.DeadlineGroup, groupDue, convened}, {casework.DeadlinePlan, planDue, planSet},
				{casework.DeadlineFollowUp6, fu6Due, time.Time{}}, {casework.DeadlineFollowUp12, fu12Due, time.Time{}}}},
		{name: "a closed case drops the group and plan deadlines it never met", step: casework.StepClosed,
			m:        casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed, DecidedStart: decided, Closed: closed},
			settings: casework.DefaultSettings(),
			want:     []dl{{casework.DeadlineAssessment, assessDue, assessed}, {casework.DeadlineFollowUp6, fu6Due, time.Time{}}, {casework.DeadlineFollowUp12, fu12Due, time.Time{}}}},
		{name: "a closed case drops an assessment it never finished", step: casework.StepClosed,
			m:        casework.Milestones{TakenOn: takenOn, Closed: day(2025, 2, 1)},
			settings: casework.DefaultSettings()},
		{name: "a case closed by the preparatory group has no follow-ups", step: casework.StepClosed,
			m: casework.Milestones{Closed: day(2025, 1, 5)}, settings: casework.DefaultSettings()},
		{name: "a case closed before the decision to start keeps only its met assessment", step: casework.StepClosed,
			m:        casework.Milestones{TakenOn: takenOn, AssessmentDone: assessed, Closed: day(2025, 2, 20)},
			settings: casework.DefaultSettings(),
			want:     []dl{{casework.DeadlineAssessment, assessDue, assessed}}},
		{name: "a followed-up case shows both follow-ups met", step: casework.StepFollowedUp,
			m:        casework.Milestones{DecidedStart: decided, GroupConvened: convened, PlanSet: planSet, Closed: closed, FollowUp6: day(2026, 3, 20), FollowUp12: day(2026, 9, 1)},
			settings: casework.DefaultSettings(),
			want: []dl{{casework.DeadlineGroup, groupDue, convened}, {casework.DeadlinePlan, planDue, planSet},
				{casework.DeadlineFollowUp6, fu6Due, day(2026, 3, 20)}, {casework.DeadlineFollowUp12, fu12Due, day(2026, 9, 1)}}},
		{name: "a closed case has no consent deadline even with a consent still running", step: casework.StepClosed,
			m:        casework.Milestones{DecidedStart: decided, GroupConvened: convened, Closed: closed, ConsentExpires: expires},
			settings: casework.DefaultSettings(),
			want:     []dl{{casework.DeadlineGroup, groupDue, convened}, {casework.DeadlineFollowUp6, fu6Due, time.Time{}}, {casework.DeadlineFollowUp12, fu12Due, time.Time{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := casework.Deadlines(casework.ProgramSIG, tt.step, tt.m, tt.settings)
			var gotS, wantS []string
			for _, d := range got {
				gotS = append(gotS, dl{d.Kind, d.Due, d.Met}.String())
			}
			for _, d := range tt.want {
				wantS = append(wantS, d.String())
			}
			if fmt.Sprint(gotS) != fmt.Sprint(wantS) {
				t.Fatalf("deadlines\n got %v\nwant %v", gotS, wantS)
			}
			for i, d := range got {
				if !d.Due.Equal(tt.want[i].due) || !d.Met.Equal(tt.want[i].met) {
					t.Errorf("%s: due %v met %v, want %v and %v", d.Kind, d.Due, d.Met, tt.want[i].due, tt.want[i].met)
				}
				if d.Open() != d.Met.IsZero() {
					t.Errorf("%s: Open() = %v with Met %v", d.Kind, d.Open(), d.Met)
				}
			}
		})
	}
	t.Run("follow-ups of a case closed on 31 August fall at the end of February and August", func(t *testing.T) {
		got := casework.Deadlines(casework.ProgramSIG, casework.StepClosed, casework.Milestones{DecidedStart: day(2025, 3, 3), Closed: day(2025, 8, 31)}, casework.DefaultSettings())
		if len(got) != 2 || !got[0].Due.Equal(day(2026, 2, 28)) || !got[1].Due.Equal(day(2026, 8, 31)) {
			t.Fatalf("follow-ups %+v, want 2026-02-28 and 2026-08-31", got)
		}
	})
	t.Run("deadlines count calendar days across the change to summer time", func(t *testing.T) {
		stockholm, err := time.LoadLocation("Europe/Stockholm")
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		taken := time.Date(2025, 3, 20, 0, 0, 0, 0, stockholm) // summer time starts 30 March
		got := casework.Deadlines(casework.ProgramSIG, casework.StepAssessment, casework.Milestones{TakenOn: taken}, casework.DefaultSettings())
		want := time.Date(2025, 5, 1, 0, 0, 0, 0, stockholm)
		if len(got) != 1 || !got[0].Due.Equal(want) {
			t.Fatalf("due %v, want %v (42 calendar days, not 42×24 hours)", got, want)
		}
	})
	t.Run("every step open or closed gives the assessment deadline of a case taken on only while it is unmet and open", func(t *testing.T) {
		for _, s := range casework.Steps {
			got := casework.Deadlines(casework.ProgramSIG, s, casework.Milestones{TakenOn: takenOn}, casework.DefaultSettings())
			if s.Open() != (len(got) == 1) {
				t.Errorf("%s: %d deadlines", s, len(got))
			}
		}
	})
}

func TestDeadlineState(t *testing.T) {
	due := time.Date(2025, 3, 13, 0, 0, 0, 0, time.UTC)
	near := 72 * time.Hour
	ns := time.Nanosecond
	tests := []struct {
		name string
		d    casework.Deadline
		now  time.Time
		near time.Duration
		want string
	}{
		{"a deadline met before it is due is met", casework.Deadline{Due: due, Met: due.Add(-24 * time.Hour)}, due.Add(30 * 24 * time.Hour), near, "met"},
		{"a deadline met at the moment it is due is met", casework.Deadline{Due: due, Met: due}, due.Add(time.Hour), near, "met"},
		{"a deadline met one nanosecond after it was due is met late", casework.Deadline{Due: due, Met: due.Add(ns)}, due.Add(time.Hour), near, "met_late"},
		{"a deadline met late stays met late whenever it is looked at", casework.Deadline{Due: due, Met: due.Add(48 * time.Hour)}, due.Add(-time.Hour), near, "met_late"},
		{"an unmet deadline one nanosecond past due is overdue", casework.Deadline{Due: due}, due.Add(ns), near, "overdue"},
		{"an unmet deadline at the moment it is due is near", casework.Deadline{Due: due}, due, near, "near"},
		{"an unmet deadline exactly the near distance away is near", casework.Deadline{Due: due}, due.Add(-near), near, "near"},
		{"an unmet deadline one nanosecond further than the near distance is pending", casework.Deadline{Due: due}, due.Add(-near - ns), near, "pending"},
		{"an unmet deadline a month away is pending", casework.Deadline{Due: due}, due.Add(-30 * 24 * time.Hour), near, "pending"},
		{"with no near distance an unmet deadline before it is due is pending", casework.Deadline{Due: due}, due.Add(-ns), 0, "pending"},
		{"with no near distance an unmet deadline at the moment it is due is near", casework.Deadline{Due: due}, due, 0, "near"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.State(tt.now, tt.near); got != tt.want {
				t.Fatalf("State = %s, want %s", got, tt.want)
			}
		})
	}
}
