package casework_test

import (
	"slices"
	"testing"
	"time"

	"lots/internal/casework"
)

// TestSSPFFlowNeedsWhatItsStepsSay: SSPF's moves are refused with the key of what is missing —
// the coordinator's risk judgement before SSPF applies, a valid consent before the mapping
// conversation, the commitment plan before follow-up, a reason before the move to SIG — and a
// move of one track is refused in the other.
func TestSSPFFlowNeedsWhatItsStepsSay(t *testing.T) {
	sspf := func(change func(*casework.Facts)) casework.Facts {
		f := goodFacts()
		f.Program = casework.ProgramSSPF
		if change != nil {
			change(&f)
		}
		return f
	}
	tests := []struct {
		name  string
		from  casework.Step
		move  casework.Move
		facts casework.Facts
		key   string
	}{
		{"SSPF applies only with the coordinator's risk judgement", casework.StepAssessment, goodMove(casework.ActSSPFApplies),
			sspf(func(f *casework.Facts) { f.RiskLevel = "" }), "flow.needs_risk_judgement"},
		{"a risk judgement without its reason is not one", casework.StepAssessment, goodMove(casework.ActSSPFApplies),
			sspf(func(f *casework.Facts) { f.RiskReason = " " }), "flow.needs_risk_judgement"},
		{"the mapping conversation waits for the signed consent", casework.StepConsent, goodMove(casework.ActConsentGiven),
			sspf(func(f *casework.Facts) { f.ConsentValid = false }), "flow.needs_consent"},
		{"the network meeting does not follow a withdrawn consent", casework.StepMapping, goodMove(casework.ActMappingDone),
			sspf(func(f *casework.Facts) { f.ConsentValid = false }), "flow.needs_consent"},
		{"follow-up waits for the commitment plan", casework.StepNetwork, goodMove(casework.ActPlanSet),
			sspf(func(f *casework.Facts) { f.HasPlan = false }), "flow.needs_plan"},
		{"moving to SIG says why", casework.StepActive, casework.Move{Action: casework.ActToSIG},
			sspf(nil), "flow.needs_reason"},
		{"SSPF not applicable says why", casework.StepAssessment, casework.Move{Action: casework.ActSSPFNotApplicable},
			sspf(nil), "flow.needs_reason"},
		{"reopening a closed case says why", casework.StepClosed, casework.Move{Action: casework.ActReopen},
			goodFacts(), "flow.needs_reason"},
		{"reopening a followed-up SSPF case says why", casework.StepFollowedUp, casework.Move{Action: casework.ActReopen, Reason: " "},
			sspf(nil), "flow.needs_reason"},
		{"an SSPF move is refused in a SIG case", casework.StepAssessment, goodMove(casework.ActSSPFApplies),
			goodFacts(), "flow.not_in_track"},
		{"a SIG case is not moved to SIG", casework.StepActive, goodMove(casework.ActToSIG),
			goodFacts(), "flow.not_in_track"},
		{"a SIG move is refused in an SSPF case", casework.StepAssessment, goodMove(casework.ActAssessmentDone),
			sspf(nil), "flow.not_in_track"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, closure, err := casework.Next(tt.from, tt.move, tt.facts)
			wantRefused(t, tt.from, got, closure, err, tt.key)
		})
	}
	t.Run("the move to SIG switches the track and nothing else does", func(t *testing.T) {
		for _, tr := range casework.Transitions {
			if (tr.Switch != "") != (tr.Action == casework.ActToSIG) {
				t.Errorf("%s switches to %q", tr.Action, tr.Switch)
			}
		}
		if tr, ok := casework.TransitionIn(casework.ProgramSSPF, casework.ActToSIG); !ok || tr.Switch != casework.ProgramSIG || tr.To != casework.StepAssessment {
			t.Errorf("to_sig: %+v", tr)
		}
	})
	t.Run("every move offered in a track starts from and leads to a step of that track", func(t *testing.T) {
		for _, p := range []casework.Program{casework.ProgramSIG, casework.ProgramSSPF} {
			for _, st := range casework.StepsOf(p) {
				for _, tr := range casework.Offered(p, st, goodFacts().Settings) {
					to := tr.To
					if tr.Switch != "" {
						if !to.InTrack(tr.Switch) {
							t.Errorf("%s leads to %s, not a step of %s", tr.Action, to, tr.Switch)
						}
						continue
					}
					if !to.InTrack(p) {
						t.Errorf("%s of %s leads to %s, not a step of the track", tr.Action, p, to)
					}
				}
			}
		}
	})
	t.Run("SSPF's steps are concern, assessment, consent, mapping, network meeting, follow-up, closure", func(t *testing.T) {
		want := []casework.Step{casework.StepIdentified, casework.StepAssessment, casework.StepConsent, casework.StepMapping,
			casework.StepNetwork, casework.StepActive, casework.StepClosed, casework.StepFollowedUp}
		if got := casework.StepsOf(casework.ProgramSSPF); !slices.Equal(got, want) {
			t.Errorf("SSPF steps %v", got)
		}
	})
}

// TestTrackSettings: SSPF has its own age range and deadlines; a municipality's settings from
// before the tracks read SSPF's defaults; bad values are refused at their own field.
func TestTrackSettings(t *testing.T) {
	s := casework.Settings{}.WithDefaults()
	if s.SSPF != casework.DefaultSSPF() {
		t.Fatalf("settings stored before the tracks read SSPF %+v", s.SSPF)
	}
	s.SSPF.MinAge, s.SSPF.MaxAge = 10, 18 // Falkenberg
	if s.Track(casework.ProgramSSPF).OutsideAge(10) || !s.Track(casework.ProgramSIG).OutsideAge(10) {
		t.Error("a ten-year-old is inside Falkenberg's SSPF and outside SIG's 12–18")
	}
	if s.OutsideTargetAge(10) != s.Track(casework.ProgramSIG).OutsideAge(10) {
		t.Error("OutsideTargetAge is SIG's range")
	}
	for name, mutate := range map[string]func(*casework.Settings){
		"sspf_min_age":                 func(s *casework.Settings) { s.SSPF.MinAge = -1 },
		"sspf_max_age":                 func(s *casework.Settings) { s.SSPF.MaxAge = 9 },
		"sspf_assessment_within_days":  func(s *casework.Settings) { s.SSPF.AssessmentWithinDays = 0 },
		"sspf_group_within_days":       func(s *casework.Settings) { s.SSPF.GroupWithinDays = 400 },
		"sspf_action_plan_within_days": func(s *casework.Settings) { s.SSPF.ActionPlanWithinDays = -3 },
	} {
		s := casework.DefaultSettings()
		s.SSPF.MinAge = 10
		mutate(&s)
		fe := casework.FieldErrorsOf(s.Validate())
		if len(fe) != 1 || fe[0].Field != name {
			t.Errorf("%s: %v", name, fe)
		}
	}
	t.Run("an SSPF case's deadlines are SSPF's days", func(t *testing.T) {
		st := casework.DefaultSettings()
		taken, started := day(2026, 3, 2), day(2026, 3, 9)
		m := casework.Milestones{TakenOn: taken, DecidedStart: started}
		due := map[casework.DeadlineKind]time.Time{}
		for _, d := range casework.Deadlines(casework.ProgramSSPF, casework.StepConsent, m, st) {
			due[d.Kind] = d.Due
		}
		if !due[casework.DeadlineAssessment].Equal(day(2026, 3, 16)) || !due[casework.DeadlineGroup].Equal(day(2026, 3, 30)) ||
			!due[casework.DeadlinePlan].Equal(day(2026, 4, 6)) {
			t.Errorf("SSPF deadlines %v", due)
		}
		for _, d := range casework.Deadlines(casework.ProgramSIG, casework.StepConsent, m, st) {
			if d.Kind == casework.DeadlineAssessment && !d.Due.Equal(day(2026, 4, 13)) {
				t.Errorf("SIG's assessment due %v, want six weeks", d.Due)
			}
		}
	})
}
