package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// This file is the door to case data: every read or change of a case goes through readCase
// or writeCase, which load the facts the access decision needs, ask package access, and audit
// the answer — in the same transaction as the work when allowed, in its own when refused.

const caseCols = `c.id, c.municipality_id, c.youth_id, c.program, c.step, c.step_since, c.risk_level, c.risk_reason,
	c.closure_reason, c.opened_at, c.taken_on_at, c.assessment_done_at, c.decided_start_at, c.group_convened_at,
	c.plan_set_at, c.closed_at, c.followup6_at, c.followup12_at`

// scanCase scans caseCols, then extra columns into extra.
func scanCase(sc scanner, extra ...any) (casework.Case, error) {
	var c casework.Case
	var program, step, risk, closure string
	var takenOn, assessed, decided, convened, planSet, closed, f6, f12 sql.NullTime
	dest := []any{&c.ID, &c.MunicipalityID, &c.YouthID, &program, &step, &c.StepSince, &risk, &c.RiskReason,
		&closure, &c.OpenedAt, &takenOn, &assessed, &decided, &convened, &planSet, &closed, &f6, &f12}
	err := sc.Scan(append(dest, extra...)...)
	c.Program, c.Step, c.RiskLevel, c.ClosureReason = casework.Program(program), casework.Step(step), casework.RiskLevel(risk), casework.ClosureReason(closure)
	c.StepSince, c.OpenedAt = c.StepSince.UTC(), c.OpenedAt.UTC()
	c.Milestones = casework.Milestones{
		TakenOn: timeOf(takenOn), AssessmentDone: timeOf(assessed), DecidedStart: timeOf(decided),
		GroupConvened: timeOf(convened), PlanSet: timeOf(planSet), Closed: timeOf(closed),
		FollowUp6: timeOf(f6), FollowUp12: timeOf(f12),
	}
	return c, err
}

// caseOp describes one access to a case: what is done, in which category, and whether it is
// work (a change) or a read.
type caseOp struct {
	What What
	Cat  casework.Category
	Work access.Work // "" for a read
}

// withCase runs fn on a case if the actor may do op, auditing the decision. A refused or
// unknown case is reported as not found, indistinguishable from a case that does not exist.
//
// A read opens the case in the request's visit: its facts are read once per request and what
// the actor may do is decided once (access.Decide); every read of the request shares the
// visit's read transaction and its one audit entry. A change reads the facts again inside
// its writing transaction, locked, and decides again with the same function.
func (s *Store) withCase(ctx context.Context, caseID int64, op caseOp, fn func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if op.Cat == "" {
		op.Cat = casework.CatBasic
	}
	w := op.What
	w.Category = string(op.Cat)
	w.Object, w.ObjectID = defaultString(w.Object, "case"), defaultID(w.ObjectID, caseID)
	if op.Work == "" && (op.What.Action == audit.ActionRead || op.What.Action == audit.ActionList) {
		return s.readCase(ctx, a, caseID, op, w, fn)
	}
	var refused *access.Decision
	var attempted *audit.Entry // allowed in, so recorded even if the work is not done
	err = s.update(ctx, func(tx *Tx) error {
		lc, err := tx.loadCaseLocked(a.User.MunicipalityID, caseID, true)
		if err != nil {
			if casework.ErrorCode(err) == casework.ENotFound {
				d := access.Denied("not_found")
				refused = &d
			}
			return err
		}
		lc.May = access.Decide(a, lc.Facts, lc.Flow, tx.now)
		w.YouthID = lc.Case.YouthID
		d := lc.May.Read(op.Cat)
		if !d.Allowed {
			refused = &d
			return casework.NotFound("case")
		}
		// The actor sees the case, so refusing the work reveals nothing: say so plainly.
		if op.Work != "" {
			if d = lc.May.Write(op.Work, op.Cat); !d.Allowed {
				refused = &d
				return casework.Errorf(casework.EForbidden, "error.forbidden_case_work", "%s not allowed", op.Work)
			}
		}
		e := entryFor(a, w, d)
		attempted = &e
		if err := fn(tx, a, &lc, d); err != nil {
			return err
		}
		return tx.audit(a, w, d)
	})
	if err == nil {
		if v := visitOf(ctx); v != nil {
			v.changed(caseID)
		}
	}
	switch {
	case refused != nil:
		s.auditDenied(ctx, a, w, *refused)
	case err != nil && attempted != nil:
		// The actor was let in and the case read, but the work was not done (invalid input, a
		// conflict with the case's state): the access is recorded all the same.
		e := *attempted
		e.Detail = strings.TrimSpace(e.Detail + " not done: " + notDoneReason(err))
		s.auditEntry(ctx, e)
	}
	return err
}

// notDoneReason names why work was not done, for the log: the error's key, never its text.
func notDoneReason(err error) string {
	if e := casework.AsError(err); e != nil && e.Key != "" {
		return e.Key
	}
	return string(casework.ErrorCode(err))
}

// readCase is withCase for a read.
func (s *Store) readCase(ctx context.Context, a casework.Actor, caseID int64, op caseOp, w What, fn func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error) error {
	v, own := visitOf(ctx), false
	if v == nil && visitOver(ctx) {
		return casework.Internal(errVisitOver)
	}
	if v == nil {
		ctx, v = s.Visit(ctx)
		own = true
	}
	var refused *access.Decision
	err := v.read(ctx, true, func(tx *Tx) error {
		oc, ok := v.opened(caseID, a.User.ID)
		if !ok {
			lc, err := tx.loadCase(a.User.MunicipalityID, caseID)
			switch {
			case casework.ErrorCode(err) == casework.ENotFound:
				// A case that does not exist is decided like one the actor may not see, on
				// empty facts, so both answers take the same path.
				lc = loadedCase{Facts: access.CaseFacts{Settings: casework.DefaultSettings()}}
				lc.May = access.Decide(a, lc.Facts, lc.Flow, tx.now)
				d := access.Denied("not_found")
				refused = &d
				return err
			case err != nil:
				return err
			}
			lc.May = access.Decide(a, lc.Facts, lc.Flow, tx.now)
			oc = &openCase{lc: lc, actorID: a.User.ID}
			v.remember(caseID, oc)
		}
		w.YouthID = oc.lc.Case.YouthID
		d := oc.lc.May.Read(op.Cat)
		if !d.Allowed {
			refused = &d
			return casework.NotFound("case")
		}
		lc := oc.lc
		if err := fn(tx, a, &lc, d); err != nil {
			return err
		}
		return tx.audit(a, w, d)
	})
	if refused != nil {
		v.refused(entryFor(a, w, *refused))
	}
	if own {
		if ferr := v.Finish(ctx); ferr != nil {
			return ferr
		}
	}
	return err
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func defaultID(id, def int64) int64 {
	if id == 0 {
		return def
	}
	return id
}

// addEvent writes a timeline entry.
func (tx *Tx) addEvent(a casework.Actor, c casework.Case, kind string, from, to casework.Step, reason string, cat casework.Category) error {
	if cat == "" {
		cat = casework.CatBasic
	}
	_, err := tx.Exec(`INSERT INTO case_events (id, municipality_id, case_id, youth_id, seq, at, user_id, user_name, agency_name,
		kind, from_step, to_step, reason, category) VALUES ($1, $2, $3, $4,
		(SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $3), $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		newID(), c.MunicipalityID, c.ID, c.YouthID, tx.now, a.User.ID, a.User.Name, a.AgencyName, kind,
		string(from), string(to), strings.TrimSpace(reason), string(cat))
	if err != nil {
		return casework.Internal(fmt.Errorf("event: %w", err))
	}
	return nil
}
