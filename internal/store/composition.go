package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// GroupComposition advises on the case's operative group (issue 14:7, casework/composition.go):
// the parties its young person's age and assessed needs call for, the plan's needs no member
// can meet, and the group's size against the municipality's range. It is read for those who
// work the case; the assessed needs come from the latest IRK check, social services'
// information, and are used only when the actor may read it.
func (s *Store) GroupComposition(ctx context.Context, caseID int64) (casework.Composition, error) {
	var out casework.Composition
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "group", Detail: "composition"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		g, err := tx.group(lc)
		if err != nil {
			return err
		}
		var birth string
		if err := tx.QueryRow(`SELECT birth_date FROM youths WHERE municipality_id = $1 AND id = $2`, a.User.MunicipalityID, lc.Case.YouthID).Scan(&birth); err != nil {
			return casework.Internal(err)
		}
		age := -1
		if b, err := time.Parse(casework.DateLayout, birth); err == nil {
			age = casework.Age(b, tx.now)
		}
		var assessed []string
		if lc.May.Sees(casework.CatSocial) {
			if assessed, err = tx.assessedNeeds(a.User.MunicipalityID, caseID); err != nil {
				return err
			}
			if err := tx.audit(a, What{Action: audit.ActionRead, Object: "assessment", ObjectID: caseID, YouthID: lc.Case.YouthID,
				Category: string(casework.CatSocial), Detail: "assessed needs"}, lc.May.Read(casework.CatSocial)); err != nil {
				return err
			}
		}
		plan, _, err := tx.currentPlan(a.User.MunicipalityID, caseID)
		if err != nil {
			return err
		}
		var needs []string
		for _, in := range plan.Interventions {
			if in.Status != "done" && in.Status != "stopped" {
				needs = append(needs, in.Need)
			}
		}
		out = casework.Compose(age, assessed, needs, g.Members, lc.Settings)
		return nil
	})
	return out, err
}

// assessedNeeds are the IRK domains the case's latest IRK check rated at some or clear risk.
func (tx *Tx) assessedNeeds(municipalityID, caseID int64) ([]string, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM assessments WHERE municipality_id = $1 AND case_id = $2 AND instrument = $3
		ORDER BY assessed_at DESC, id DESC LIMIT 1`, municipalityID, caseID, casework.IRKCode).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	risk := map[string]bool{}
	rows, err := queryAll(tx.ctx, tx, `SELECT item FROM assessment_ratings WHERE municipality_id = $1 AND assessment_id = $2 AND value IN ('clear', 'some')`,
		[]any{municipalityID, id}, func(sc scanner) (string, error) {
			var item string
			return item, sc.Scan(&item)
		})
	if err != nil {
		return nil, casework.Internal(err)
	}
	for _, it := range rows {
		risk[it] = true
	}
	var out []string
	for _, dom := range casework.IRK().Domains {
		for _, it := range dom.Items {
			if risk[it.Code] {
				out = append(out, dom.Code)
				break
			}
		}
	}
	return out, nil
}
