package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// currentPlan returns the latest version of the case's plan (a zero plan and version 0 when
// none).
func (tx *Tx) currentPlan(municipalityID, caseID int64) (casework.Plan, int, error) {
	var p casework.Plan
	var content string
	var version int
	err := tx.QueryRow(`SELECT version, content FROM plan_versions WHERE municipality_id = $1 AND case_id = $2
		ORDER BY version DESC LIMIT 1`, municipalityID, caseID).Scan(&version, &content)
	if err == sql.ErrNoRows {
		return p, 0, nil
	}
	if err != nil {
		return p, 0, casework.Internal(err)
	}
	if err := json.Unmarshal([]byte(content), &p); err != nil {
		return p, 0, casework.Internal(err)
	}
	return p, version, nil
}

// SavePlan saves a new version of the case's action plan; the earlier versions stay.
func (s *Store) SavePlan(ctx context.Context, caseID int64, p casework.Plan) (int, error) {
	return s.savePlan(ctx, caseID, -1, p)
}

// SavePlanFrom saves a new version of the plan made from version base (0: from no plan). If
// someone saved a version after base meanwhile, it saves nothing and reports a conflict, so a
// form made from an old version never overwrites a newer one unseen. The check and the save
// are one transaction.
func (s *Store) SavePlanFrom(ctx context.Context, caseID int64, base int, p casework.Plan) (int, error) {
	if base < 0 {
		return 0, casework.Errorf(casework.EConflict, "plan.saved_meanwhile", "no such base version %d", base)
	}
	return s.savePlan(ctx, caseID, base, p)
}

// savePlan saves a version; base < 0 saves whatever the current version is.
func (s *Store) savePlan(ctx context.Context, caseID int64, base int, p casework.Plan) (int, error) {
	var version int
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "plan"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		p.Normalise()
		if err := p.Validate(); err != nil {
			return err
		}
		// The plan is the group's work, and the group works on consent: drafted from the
		// consent step on, set only after it (casework.Next).
		if !lc.Case.Step.MayDraftPlan() {
			return casework.Errorf(casework.EConflict, "plan.before_consent", "no action plan before the consent step (step %s)", lc.Case.Step)
		}
		_, cur, err := tx.currentPlan(a.User.MunicipalityID, caseID)
		if err != nil {
			return err
		}
		if base >= 0 && cur != base {
			return casework.Errorf(casework.EConflict, "plan.saved_meanwhile", "plan version %d, change made from %d", cur, base)
		}
		version = cur + 1
		b, _ := json.Marshal(p)
		if _, err := tx.Exec(`INSERT INTO plan_versions (id, municipality_id, case_id, version, content, created_by, created_by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), a.User.MunicipalityID, caseID, version, string(b), a.User.ID, a.User.Name, tx.now); err != nil {
			if isUniqueViolation(err) {
				return casework.Errorf(casework.EConflict, "plan.saved_meanwhile", "plan saved by someone else meanwhile")
			}
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "plan_saved", "", "", "", casework.CatBasic)
	})
	return version, err
}

// PlanVersions returns every version of the case's plan, newest first.
func (s *Store) PlanVersions(ctx context.Context, caseID int64) ([]casework.PlanVersion, error) {
	var out []casework.PlanVersion
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "plan"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		out, err = queryAll(ctx, tx, `SELECT version, content, created_by_name, created_at FROM plan_versions
			WHERE municipality_id = $1 AND case_id = $2 ORDER BY version DESC`, []any{a.User.MunicipalityID, caseID},
			func(sc scanner) (casework.PlanVersion, error) {
				var v casework.PlanVersion
				var content string
				if err := sc.Scan(&v.Version, &content, &v.CreatedBy, &v.CreatedAt); err != nil {
					return v, err
				}
				v.CreatedAt = v.CreatedAt.UTC()
				return v, json.Unmarshal([]byte(content), &v.Plan)
			})
		return err
	})
	return out, err
}
