package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// Capacity rules (docs/mapping.md "Capacity"): the experience rule when a social worker is
// assigned to a case, a social worker's date qualified, and a case's extensions of its
// planned length, each with a reason.

// Warning is something an allowed change warns about: a message key and its arguments.
type Warning struct {
	Key  string
	Args []any
}

// AssignStaffChecked is AssignStaff that also returns what the assignment warns about: the
// experience rule (a heavy case to a social worker with less than the municipality's years,
// when the rule warns rather than refuses) and the coordinator's caseload at or over the cap
// after it. A refusal by the rule is an invalid "user".
func (s *Store) AssignStaffChecked(ctx context.Context, caseID, userID int64, role casework.StaffRole) ([]Warning, error) {
	var warns []Warning
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Detail: "staff " + string(role)}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		warns = nil // a retried transaction starts again
		if role != casework.StaffCoordinator && role != casework.StaffCaseOfficer {
			return casework.Invalid("role", "staff.wrong_role")
		}
		mid := a.User.MunicipalityID
		set, err := tx.capacitySettings(mid)
		if err != nil {
			return err
		}
		qualified, err := tx.qualifiedOn(mid, userID)
		if err != nil {
			return err
		}
		rule := set.ExperienceRule()
		switch rule.Check(lc.Case.RiskLevel, qualified, tx.now) {
		case mapping.AssignRefuse:
			return casework.Invalid("user", "capacity.refuse_inexperienced", rule.Years)
		case mapping.AssignWarn:
			warns = append(warns, Warning{Key: "capacity.warn_inexperienced", Args: []any{rule.Years}})
		}
		if err := tx.assignStaff(mid, caseID, userID, role); err != nil {
			return err
		}
		if role == casework.StaffCoordinator {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM case_staff s JOIN cases c ON c.municipality_id = s.municipality_id AND c.id = s.case_id
				WHERE s.municipality_id = $1 AND s.user_id = $2 AND s.role = 'coordinator' AND c.step NOT IN ('closed', 'followed_up')`,
				mid, userID).Scan(&n); err != nil {
				return casework.Internal(err)
			}
			switch mapping.LoadState(n, set.Cap) {
			case mapping.LoadFull:
				warns = append(warns, Warning{Key: "capacity.warn_full", Args: []any{n, set.Cap}})
			case mapping.LoadOver:
				warns = append(warns, Warning{Key: "capacity.warn_over", Args: []any{n, set.Cap}})
			}
		}
		return tx.addEvent(a, lc.Case, "staff_"+string(role), "", "", "", casework.CatBasic)
	})
	return warns, err
}

func (tx *Tx) qualifiedOn(mid, userID int64) (time.Time, error) {
	var q time.Time
	err := tx.QueryRow(`SELECT qualified_on FROM staff_experience WHERE municipality_id = $1 AND user_id = $2`, mid, userID).Scan(&q)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return q, casework.Internal(err)
	}
	return q, nil
}

// SetQualified records the date a social worker of the municipality qualified (zero: the
// date is removed). An administrator's setting; the date may not be in the future.
func (s *Store) SetQualified(ctx context.Context, userID int64, on time.Time) error {
	w := What{Action: audit.ActionUpdate, Object: "staff_experience", ObjectID: userID}
	if !on.IsZero() {
		w.Detail = "qualified " + on.Format(time.DateOnly)
	} else {
		w.Detail = "qualified removed"
	}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if on.After(s.now()) {
		return casework.Invalid("qualified_on", "capacity.qualified_future")
	}
	return s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE municipality_id = $1 AND id = $2`, mid, userID).Scan(&n); err != nil {
			return casework.Internal(err)
		}
		if n == 0 {
			return casework.NotFound("user")
		}
		if _, err := tx.Exec(`DELETE FROM staff_experience WHERE municipality_id = $1 AND user_id = $2`, mid, userID); err != nil {
			return casework.Internal(err)
		}
		if !on.IsZero() {
			if _, err := tx.Exec(`INSERT INTO staff_experience (municipality_id, user_id, qualified_on, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)`,
				mid, userID, on.UTC(), tx.now, a.User.ID); err != nil {
				return casework.Internal(err)
			}
		}
		return tx.audit(a, w, d)
	})
}

// Extension is an extension of a case's planned length.
type Extension struct {
	Months int
	Reason string
	At     time.Time
	By     string
}

// CaseCapacity is a case's planned length — from its decision to start (zero: not decided),
// the municipality's months plus the extensions, and when it ends — and its weight against its
// coordinator's experience.
type CaseCapacity struct {
	Decided    time.Time
	Base       int
	Extensions []Extension
	Months     int
	Ends       time.Time
	State      string // mapping.PlanState at now
	// Weight is the case's weight (mapping.CaseWeight), Heavy whether it is heavy, and
	// Experience the experience rule's verdict on its coordinator (mapping.AssignOK/Warn/Refuse;
	// OK without a coordinator); Years the experience the rule asks.
	Weight     int
	Heavy      bool
	Experience string
	Years      int
}

// CaseCapacity reads a case's planned length and its extensions, and — for those who read the
// case's social information, where the risk judgement is — its weight and the experience
// rule's verdict on its coordinator, as a read of the case's basic information through the door.
func (s *Store) CaseCapacity(ctx context.Context, caseID int64) (CaseCapacity, error) {
	var pl CaseCapacity
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "planned_length"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		set, err := tx.capacitySettings(mid)
		if err != nil {
			return err
		}
		rule := set.ExperienceRule()
		pl = CaseCapacity{Decided: lc.Case.Milestones.DecidedStart, Base: set.PlannedMonths, Years: rule.Years}
		// The weight is the risk judgement, social information: only for those who read it.
		if lc.May.Sees(casework.CatSocial) {
			pl.Weight, pl.Heavy = mapping.CaseWeight(lc.Case.RiskLevel), mapping.Heavy(lc.Case.RiskLevel, rule.HeavyFrom)
			var coord int64
			err = tx.QueryRow(`SELECT user_id FROM case_staff WHERE municipality_id = $1 AND case_id = $2 AND role = 'coordinator'`, mid, caseID).Scan(&coord)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return casework.Internal(err)
			default:
				q, err := tx.qualifiedOn(mid, coord)
				if err != nil {
					return err
				}
				pl.Experience = rule.Check(lc.Case.RiskLevel, q, tx.now)
			}
		}
		pl.Extensions, err = queryAll(tx.ctx, tx, `SELECT e.months, e.reason, e.extended_at, COALESCE(u.name, '') FROM case_extensions e
			LEFT JOIN users u ON u.id = e.extended_by WHERE e.municipality_id = $1 AND e.case_id = $2 ORDER BY e.extended_at, e.id`,
			[]any{mid, caseID}, func(sc scanner) (Extension, error) {
				var x Extension
				return x, sc.Scan(&x.Months, &x.Reason, &x.At, &x.By)
			})
		if err != nil {
			return err
		}
		ext := 0
		for _, x := range pl.Extensions {
			ext += x.Months
		}
		pl.Months = mapping.PlannedMonths(pl.Base, ext)
		if !pl.Decided.IsZero() {
			pl.Ends = pl.Decided.In(casework.Stockholm).AddDate(0, pl.Months, 0)
			pl.State = mapping.PlanState(pl.Decided, pl.Months, tx.now)
		}
		return nil
	})
	return pl, err
}

// ExtendPlan extends an open case's planned length by months (1–24), with a reason, which
// the timeline shows. A case without a decision to start has no planned length to extend.
func (s *Store) ExtendPlan(ctx context.Context, caseID int64, months int, reason string) error {
	reason = strings.TrimSpace(reason)
	var fe casework.FieldErrors
	if months < 1 || months > mapping.MaxExtensionMonths {
		fe.Add("months", "capacity.extend_months_range", 1, mapping.MaxExtensionMonths)
	}
	switch {
	case reason == "":
		fe.Add("reason", "capacity.extend_reason_required")
	case utf8.RuneCountInString(reason) > 1000:
		fe.Add("reason", "flow.reason_too_long")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	w := What{Action: audit.ActionUpdate, Detail: fmt.Sprintf("planned length extended %d months", months)}
	return s.withCase(ctx, caseID, caseOp{What: w, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		if lc.Case.Milestones.DecidedStart.IsZero() {
			return casework.Errorf(casework.EConflict, "capacity.extend_not_started", "no decision to start")
		}
		if _, err := tx.Exec(`INSERT INTO case_extensions (id, municipality_id, case_id, months, reason, extended_at, extended_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			newID(), a.User.MunicipalityID, caseID, months, reason, tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "plan_extended", "", "", fmt.Sprintf("+%d: %s", months, reason), casework.CatBasic)
	})
}
