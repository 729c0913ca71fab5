package store

import (
	"context"
	"errors"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Placements (issue 14:3, docs/placements.md) are social services' information: read in
// CatSocial, recorded as WorkEdit in CatSocial (the staff on the case). Where a young person is
// placed is an address: sealed at rest (colPlacementPlace), opened only for an actor who may
// read the protected details too — everyone who sees placements unless the young person has
// protected identity, then only the roles the municipality designates — and that reading is
// audited in CatProtected, as a protected meeting place is.

var colPlacementPlace = SealedColumn{Table: "placements", Column: "place", Key: "id"}

const placementCols = `p.id, p.case_id, p.form, p.legal_basis, p.waiting, p.requested_on, p.from_date, p.to_date, p.place, p.reason,
	COALESCE(u.name, ''), p.created_at`

const placementFrom = ` FROM placements p LEFT JOIN users u ON u.id = p.created_by AND u.municipality_id = p.municipality_id`

func scanPlacement(sc scanner) (casework.Placement, error) {
	var p casework.Placement
	var form, basis string
	err := sc.Scan(&p.ID, &p.CaseID, &form, &basis, &p.Waiting, &p.RequestedOn, &p.From, &p.To, &p.Place, &p.Reason, &p.CreatedBy, &p.CreatedAt)
	p.Form, p.Basis, p.CreatedAt = casework.PlacementForm(form), casework.LegalBasis(basis), p.CreatedAt.UTC()
	return p, err
}

// casePlacements reads a case's placements in order (waiting ones first, then by from day),
// the place still sealed.
func (tx *Tx) casePlacements(municipalityID, caseID int64) ([]casework.Placement, error) {
	ps, err := queryAll(tx.ctx, tx, `SELECT `+placementCols+placementFrom+` WHERE p.municipality_id = $1 AND p.case_id = $2
		ORDER BY p.waiting DESC, p.from_date, p.requested_on, p.id`, []any{municipalityID, caseID}, scanPlacement)
	if err != nil {
		return nil, casework.Internal(err)
	}
	return ps, nil
}

// PlacementList is a case's placements as one actor sees them.
type PlacementList struct {
	Placements []casework.Placement
	Summary    casework.PlacementSummary
	// FollowUp are the days placed in the half-years the follow-up compares (before the start,
	// after closure).
	FollowUp casework.PlacedFollowUp
	Today    string
	// SeesPlace: the actor sees where the young person is placed (the address rule).
	SeesPlace bool
	// MayPlace: the actor may record where (they may change the protected details).
	MayPlace bool
}

// Placements lists a case's placements with the young person's moves, days placed and any
// wait for a SiS place. The place is blanked for an actor who may not see the address.
func (s *Store) Placements(ctx context.Context, caseID int64) (PlacementList, error) {
	var out PlacementList
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionList, Object: "placement"}, Cat: casework.CatSocial}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		ps, err := tx.casePlacements(a.User.MunicipalityID, caseID)
		if err != nil {
			return err
		}
		out.Today = tx.today()
		if out.SeesPlace, err = tx.seesPlacementPlace(a, lc, len(ps) > 0); err != nil {
			return err
		}
		out.MayPlace = lc.May.Write(access.WorkEdit, casework.CatProtected).Allowed
		for i := range ps {
			if err := s.openPlacementPlace(&ps[i], out.SeesPlace); err != nil {
				return err
			}
		}
		out.Placements = ps
		out.Summary = casework.SummarisePlacements(ps, out.Today)
		out.FollowUp = casework.FollowUpDays(ps, lc.Case.Milestones, out.Today)
		return nil
	})
	return out, err
}

// seesPlacementPlace decides whether the actor sees where the young person is placed: the
// address rule (CatProtected). Reading it when the young person has protected identity is
// recorded as a read of the protected details.
func (tx *Tx) seesPlacementPlace(a casework.Actor, lc *loadedCase, any bool) (bool, error) {
	d := lc.May.Read(casework.CatProtected)
	if !d.Allowed {
		return false, nil
	}
	if !lc.Facts.ProtectedIdentity || !any {
		return true, nil
	}
	return true, tx.audit(a, What{Action: audit.ActionRead, Object: "placement", ObjectID: lc.Case.ID, YouthID: lc.Case.YouthID,
		Category: string(casework.CatProtected), Detail: "placement place"}, d)
}

// openPlacementPlace opens the sealed place, or blanks it for an actor who may not see it.
func (s *Store) openPlacementPlace(p *casework.Placement, sees bool) error {
	if !sees {
		p.PlaceHidden = p.Place != ""
		p.Place = ""
		return nil
	}
	var err error
	p.Place, err = s.openText(colPlacementPlace, p.Place)
	return err
}

// SavePlacement records a placement (id 0) or changes one: ending it, a SiS place found for a
// waiting one, a correction. Every field is checked against the case's other placements in the
// same transaction (no two at once; a move needs its reason), all errors at once, nothing
// saved on any. An actor who may not change the protected details may not record where; a
// change by them keeps the place as it was.
func (s *Store) SavePlacement(ctx context.Context, caseID, id int64, in casework.PlacementInput) (casework.Placement, error) {
	var out casework.Placement
	op := caseOp{What: What{Action: audit.ActionCreate, Object: "placement"}, Cat: casework.CatSocial, Work: access.WorkEdit}
	if id != 0 {
		op.What = What{Action: audit.ActionUpdate, Object: "placement", ObjectID: id}
	}
	err := s.withCase(ctx, caseID, op, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		others, err := tx.casePlacements(mid, caseID)
		if err != nil {
			return err
		}
		var old *casework.Placement
		for i := range others {
			if others[i].ID == id {
				old = &others[i]
			}
		}
		if id != 0 && old == nil {
			return casework.NotFound("placement")
		}
		mayPlace := lc.May.Write(access.WorkEdit, casework.CatProtected).Allowed
		var fe casework.FieldErrors
		if !mayPlace {
			if in.Place != "" {
				fe.Add("place", "placement.place_not_allowed")
			}
		}
		p, verr := casework.ValidatePlacement(in, id, others, tx.today())
		if verr != nil {
			var ve *casework.ValidationError
			if !errors.As(verr, &ve) {
				return verr
			}
			fe = append(fe, ve.Fields...)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var place string
		if !mayPlace && old != nil {
			place = old.Place // still sealed: kept as it was
		} else if place, err = tx.sealText(colPlacementPlace, p.Place); err != nil {
			return err
		}
		if id == 0 {
			p.ID = newID()
			_, err = tx.Exec(`INSERT INTO placements (id, municipality_id, case_id, youth_id, form, legal_basis, waiting, requested_on,
				from_date, to_date, place, reason, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
				p.ID, mid, caseID, lc.Case.YouthID, string(p.Form), string(p.Basis), p.Waiting, p.RequestedOn, p.From, p.To,
				place, p.Reason, a.User.ID, tx.now)
			p.CreatedBy, p.CreatedAt = a.User.Name, tx.now
		} else {
			_, err = tx.Exec(`UPDATE placements SET form = $1, legal_basis = $2, waiting = $3, requested_on = $4, from_date = $5,
				to_date = $6, place = $7, reason = $8, updated_at = $9 WHERE municipality_id = $10 AND case_id = $11 AND id = $12`,
				string(p.Form), string(p.Basis), p.Waiting, p.RequestedOn, p.From, p.To, place, p.Reason, tx.now, mid, caseID, id)
			p.CreatedBy, p.CreatedAt = old.CreatedBy, old.CreatedAt
		}
		if err != nil {
			return casework.Internal(err)
		}
		p.CaseID = caseID
		if !mayPlace {
			p.Place, p.PlaceHidden = "", place != ""
		}
		out = p
		kind := "placement"
		switch {
		case id != 0:
			kind = "placement_changed"
		case p.Waiting:
			kind = "placement_waiting"
		}
		// The timeline names the form and the basis, never the place; the reason is social
		// services' information like the placement.
		return tx.addEvent(a, lc.Case, kind, "", "", string(p.Form)+" "+string(p.Basis)+placementReasonSuffix(p.Reason), casework.CatSocial)
	})
	return out, err
}

func placementReasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return ": " + r
}
