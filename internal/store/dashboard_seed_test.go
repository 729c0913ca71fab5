package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

// SeedCase is a case written straight into the tables, for the dashboard's tests and
// benchmark: the store's own methods would take minutes for twenty thousand young people and
// cannot set a history's dates. Zero times are left NULL.
type SeedCase struct {
	District    int64 // 0: no district
	Gender      casework.Gender
	Birth       time.Time
	Step        casework.Step
	Closure     casework.ClosureReason
	Coordinator int64 // a user id, 0: none

	Opened, TakenOn, AssessmentDone, DecidedStart, GroupConvened, PlanSet, Closed time.Time

	ConsentSigned, ConsentWithdrawn time.Time // zero: no consent / not withdrawn
	SubGoals, Reached               int       // sub-goals in the action plan, and reached ones

	// Indicators by time point: values as stats.ParseForm returns them. Points of intake,
	// closure and the follow-ups only.
	Indicators map[string][]stats.Value
	// IRK ratings by time point ("intake", "closure"): domain → no, some, clear or unknown.
	IRK map[string]map[string]string

	// Program is sig (when empty) or sspf. Interventions go into the action plan (made when
	// there are sub-goals or interventions). Meetings are held group meetings with the
	// professionals (user ids) present.
	Program       casework.Program
	Interventions []casework.Intervention
	Meetings      []SeedMeeting
}

// SeedMeeting is a held meeting of a seeded case.
type SeedMeeting struct {
	Start        time.Time
	Minutes, Pre int
	Present      []int64 // users, professional members of the group, present
	Absent       []int64 // … absent
}

// SeedCasesForTest writes cases for young people of a municipality in one transaction.
func (s *Store) SeedCasesForTest(ctx context.Context, municipalityID int64, cases []SeedCase) error {
	return s.update(ctx, func(tx *Tx) error {
		prep := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
		youth, err := prep(`INSERT INTO youths (id, municipality_id, first_name, last_name, sort_key, search_key, birth_date, gender, district_id, created_at, updated_at)
			VALUES ($1, $2, 'Seed', $3, $4, $5, $6, $7, $8, $9, $9)`)
		if err != nil {
			return err
		}
		cs, err := prep(`INSERT INTO cases (id, municipality_id, youth_id, program, step, step_since, closure_reason, opened_at, taken_on_at,
			assessment_done_at, decided_start_at, group_convened_at, plan_set_at, closed_at)
			VALUES ($1, $2, $3, $14, $4, $13, $6, $5, $7, $8, $9, $10, $11, $12)`)
		if err != nil {
			return err
		}
		// The last move, as Move writes it: the dashboard reads a case's step at a period's
		// end from its step_since and its moves.
		move, err := prep(`INSERT INTO case_events (id, municipality_id, case_id, youth_id, seq, at, user_id, user_name, agency_name, kind, from_step, to_step, reason, category)
			VALUES ($1, $2, $3, $4, 1, $5, 0, 'Seed', 'Seed', 'move', $6, $7, '', 'basic')`)
		if err != nil {
			return err
		}
		staff, err := prep(`INSERT INTO case_staff (municipality_id, case_id, user_id, role, since) VALUES ($1, $2, $3, 'coordinator', $4)`)
		if err != nil {
			return err
		}
		consent, err := prep(`INSERT INTO consents (id, municipality_id, case_id, youth_id, valid_from, valid_until, language, created_by, created_at, signed_at, withdrawn_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'sv', 0, $5, $5, $7)`)
		if err != nil {
			return err
		}
		plan, err := prep(`INSERT INTO plan_versions (id, municipality_id, case_id, version, content, created_by, created_by_name, created_at)
			VALUES ($1, $2, $3, 1, $4, 0, 'Seed', $5)`)
		if err != nil {
			return err
		}
		point, err := prep(`INSERT INTO indicator_points (id, municipality_id, case_id, youth_id, time_point, occasion, measured_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, '', $6, $7, $7)`)
		if err != nil {
			return err
		}
		value, err := prep(`INSERT INTO indicator_values (municipality_id, point_id, code, part, category, known, number, choice, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)`)
		if err != nil {
			return err
		}
		assess, err := prep(`INSERT INTO assessments (id, municipality_id, case_id, youth_id, instrument, version, time_point, assessed_at, assessor_id, assessor_name, agency_kind, created_at)
			VALUES ($1, $2, $3, $4, 'irk', '1', $5, $6, 0, 'Seed', 'socialtjanst', $6)`)
		if err != nil {
			return err
		}
		rating, err := prep(`INSERT INTO assessment_ratings (municipality_id, assessment_id, item, value) VALUES ($1, $2, $3, $4)`)
		if err != nil {
			return err
		}
		member, err := prep(`INSERT INTO group_members (id, municipality_id, case_id, kind, user_id, added_at, added_by) VALUES ($1, $2, $3, 'professional', $4, $5, 0)`)
		if err != nil {
			return err
		}
		meeting, err := prep(`INSERT INTO meetings (id, municipality_id, case_id, starts_at, duration_minutes, pre_minutes, status, held_at, created_at, created_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'held', $4, $4, 0, $4)`)
		if err != nil {
			return err
		}
		attend, err := prep(`INSERT INTO meeting_attendance (municipality_id, meeting_id, member_id, present) VALUES ($1, $2, $3, $4)`)
		if err != nil {
			return err
		}
		for _, st := range []*sql.Stmt{youth, cs, move, staff, consent, plan, point, value, assess, rating, member, meeting, attend} {
			defer st.Close()
		}
		for i, c := range cases {
			yid, cid := newID(), newID()
			birth := "0001-01-01"
			if !c.Birth.IsZero() {
				birth = c.Birth.Format(time.DateOnly)
			}
			last := fmt.Sprintf("Nr%06d", i)
			if _, err := youth.Exec(yid, municipalityID, last, casework.SortKey(last, "Seed"), casework.SearchKey("seed "+last), birth,
				string(c.Gender), nullID(c.District), c.Opened.UTC()); err != nil {
				return fmt.Errorf("youth: %w", err)
			}
			program := c.Program
			if program == "" {
				program = casework.ProgramSIG
			}
			since, from := c.Opened, casework.StepIdentified
			for _, m := range []struct {
				at   time.Time
				from casework.Step
			}{{c.TakenOn, casework.StepIdentified}, {c.AssessmentDone, casework.StepAssessment}, {c.DecidedStart, casework.StepDecision},
				{c.PlanSet, casework.StepPlanning}, {c.Closed, casework.StepActive}} {
				if !m.at.IsZero() && m.at.After(since) {
					since, from = m.at, m.from
				}
			}
			if !c.Closed.IsZero() && c.DecidedStart.IsZero() {
				from = casework.StepIdentified
			}
			if _, err := cs.Exec(cid, municipalityID, yid, string(c.Step), c.Opened.UTC(), string(c.Closure), nullTime(c.TakenOn),
				nullTime(c.AssessmentDone), nullTime(c.DecidedStart), nullTime(c.GroupConvened), nullTime(c.PlanSet), nullTime(c.Closed), since.UTC(), string(program)); err != nil {
				return fmt.Errorf("case: %w", err)
			}
			if since.After(c.Opened) && c.Step != from {
				if _, err := move.Exec(newID(), municipalityID, cid, yid, since.UTC(), string(from), string(c.Step)); err != nil {
					return fmt.Errorf("move: %w", err)
				}
			}
			if c.Coordinator != 0 {
				if _, err := staff.Exec(municipalityID, cid, c.Coordinator, c.Opened.UTC()); err != nil {
					return fmt.Errorf("staff: %w", err)
				}
			}
			if !c.ConsentSigned.IsZero() {
				if _, err := consent.Exec(newID(), municipalityID, cid, yid, c.ConsentSigned.UTC(), c.ConsentSigned.AddDate(0, 6, 0).UTC(), nullTime(c.ConsentWithdrawn)); err != nil {
					return fmt.Errorf("consent: %w", err)
				}
			}
			if c.SubGoals > 0 || len(c.Interventions) > 0 {
				p := casework.Plan{OwnGoal: "Ett eget mål", Interventions: c.Interventions}
				for g := 0; g < c.SubGoals; g++ {
					st := casework.GoalOpen
					if g < c.Reached {
						st = casework.GoalReached
					}
					p.SubGoals = append(p.SubGoals, casework.SubGoal{ID: fmt.Sprint(g), Text: "Delmål \"ett\"", Criterion: "Kriterium", Responsible: "Samordnare", Due: "2026-01-01", Status: st})
				}
				b, _ := json.Marshal(p)
				if _, err := plan.Exec(newID(), municipalityID, cid, string(b), c.Opened.UTC()); err != nil {
					return fmt.Errorf("plan: %w", err)
				}
			}
			members := map[int64]int64{}
			for _, m := range c.Meetings {
				mid := newID()
				if _, err := meeting.Exec(mid, municipalityID, cid, m.Start.UTC(), m.Minutes, m.Pre); err != nil {
					return fmt.Errorf("meeting: %w", err)
				}
				for _, who := range []struct {
					users   []int64
					present bool
				}{{m.Present, true}, {m.Absent, false}} {
					for _, u := range who.users {
						if members[u] == 0 {
							members[u] = newID()
							if _, err := member.Exec(members[u], municipalityID, cid, u, c.Opened.UTC()); err != nil {
								return fmt.Errorf("member: %w", err)
							}
						}
						if _, err := attend.Exec(municipalityID, mid, members[u], who.present); err != nil {
							return fmt.Errorf("attendance: %w", err)
						}
					}
				}
			}
			for tp, vs := range c.Indicators {
				on := c.Opened
				switch tp {
				case stats.AtClosure:
					on = c.Closed
				case stats.AtFollow6:
					on = casework.AddMonths(c.Closed, 6)
				case stats.AtFollow12:
					on = casework.AddMonths(c.Closed, 12)
				}
				pid := newID()
				if _, err := point.Exec(pid, municipalityID, cid, yid, tp, on.Format(time.DateOnly), on.UTC()); err != nil {
					return fmt.Errorf("point: %w", err)
				}
				for _, v := range vs {
					in, _ := stats.IndicatorByCode(v.Code)
					var num any
					if v.Known && (in.Numeric() || in.Unit == stats.UnitYesNo) {
						num = v.Number
					}
					if _, err := value.Exec(municipalityID, pid, v.Code, v.Part, string(in.Category), v.Known, num, v.Choice, on.UTC()); err != nil {
						return fmt.Errorf("value: %w", err)
					}
				}
			}
			for tp, ratings := range c.IRK {
				aid := newID()
				at := c.TakenOn
				if tp == stats.AtClosure {
					at = c.Closed
				}
				if _, err := assess.Exec(aid, municipalityID, cid, yid, tp, at.UTC()); err != nil {
					return fmt.Errorf("assessment: %w", err)
				}
				for item, v := range ratings {
					if _, err := rating.Exec(municipalityID, aid, item, v); err != nil {
						return fmt.Errorf("rating: %w", err)
					}
				}
			}
		}
		return nil
	})
}
