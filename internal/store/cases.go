package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// ConcernInput is a concern about a young person with the Check: IRK checklist, from police,
// school, social services or leisure.
type ConcernInput struct {
	Youth      casework.YouthInput
	Ratings    []casework.Rating // the eight IRK factors
	Protective string
	Note       string
	Program    casework.Program
}

// ConcernReceipt is what the person who reported gets back.
type ConcernReceipt struct {
	ConcernID int64
	CaseID    int64
	At        time.Time
}

// RegisterConcern records a concern. The young person is registered unless already known by
// personnummer — and the reporter is not told which, so a concern reveals nothing about who
// social services already know. A young person with an open case gets the concern added to it;
// otherwise a new case starts at step 1.
func (s *Store) RegisterConcern(ctx context.Context, in ConcernInput) (ConcernReceipt, error) {
	var r ConcernReceipt
	w := What{Action: audit.ActionCreate, Object: "concern", Category: string(casework.CatBasic)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return r, err
	}
	now := s.now()
	y, err := casework.ParseYouth(in.Youth, now)
	fe := casework.FieldErrorsOf(err)
	irk := casework.IRK()
	as := casework.Assessment{Instrument: irk.Code, Version: irk.Version, TimePoint: casework.TPConcern, Ratings: in.Ratings,
		Protective: strings.TrimSpace(in.Protective), Note: strings.TrimSpace(in.Note)}
	fe = append(fe, casework.FieldErrorsOf(irk.Check(&as))...)
	if in.Program == "" {
		in.Program = casework.ProgramSIG
	}
	if in.Program != casework.ProgramSIG && in.Program != casework.ProgramSSPF {
		fe.Add("program", "concern.program_invalid")
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	person, found := s.lookup(ctx, y.PersonalNumber) // the population register: protected identity
	err = s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		if _, err := tx.insertYouth(mid, &y); err != nil {
			return err
		}
		if !y.PersonalNumber.IsZero() {
			before, err := tx.identityState(mid, y.ID)
			if err != nil {
				return err
			}
			if err := tx.learnIdentity(a, y.ID, before, person, found, "concern"); err != nil {
				return err
			}
		}
		var c casework.Case
		err := tx.QueryRow(`SELECT id, step FROM cases WHERE municipality_id = $1 AND youth_id = $2 AND step NOT IN ('closed', 'followed_up')
			ORDER BY opened_at DESC LIMIT 1`, mid, y.ID).Scan(&c.ID, &c.Step)
		switch {
		case err == sql.ErrNoRows:
			c = casework.Case{ID: newID(), MunicipalityID: mid, YouthID: y.ID, Program: in.Program, Step: casework.StepIdentified, OpenedAt: tx.now}
			if _, err := tx.Exec(`INSERT INTO cases (id, municipality_id, youth_id, program, step, step_since, opened_at, card_id)
				VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, c.ID, mid, y.ID, string(c.Program), string(c.Step), tx.now, newID()); err != nil {
				return casework.Internal(err)
			}
		case err != nil:
			return casework.Internal(err)
		}
		c.MunicipalityID, c.YouthID = mid, y.ID
		as.CaseID, as.YouthID = c.ID, y.ID
		if err := tx.insertAssessment(a, &as); err != nil {
			return err
		}
		sum := casework.SummariseIRK(as.Ratings)
		if _, err := tx.Exec(`UPDATE cases SET irk_clear = $1, irk_some = $2 WHERE id = $3`, sum.Clear, sum.Some, c.ID); err != nil {
			return casework.Internal(err)
		}
		// The reporter's receipt and list show the name they wrote, never the register's. The
		// concern keeps the district the young person lives in now (the mapping's needs).
		if _, err := tx.Exec(`UPDATE assessments SET reported_name = $1,
			district_id = (SELECT district_id FROM youths WHERE municipality_id = $3 AND id = $4) WHERE id = $2`,
			y.FirstName+" "+y.LastName, as.ID, mid, y.ID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.addEvent(a, c, "concern", "", "", a.AgencyName, casework.CatBasic); err != nil {
			return err
		}
		r = ConcernReceipt{ConcernID: as.ID, CaseID: c.ID, At: tx.now}
		w.ObjectID, w.YouthID = as.ID, y.ID
		return tx.audit(a, w, d)
	})
	return r, err
}

// insertAssessment stores an assessment and its ratings.
func (tx *Tx) insertAssessment(a casework.Actor, as *casework.Assessment) error {
	as.ID, as.MunicipalityID, as.AssessorID, as.AssessorName, as.AgencyKind, as.CreatedAt = newID(), a.User.MunicipalityID, a.User.ID, a.User.Name, a.AgencyKind, tx.now
	if as.AssessedAt.IsZero() {
		as.AssessedAt = tx.now
	}
	if _, err := tx.Exec(`INSERT INTO assessments (id, municipality_id, case_id, youth_id, instrument, version, time_point, assessed_at,
		assessor_id, assessor_name, agency_kind, protective, note, risk_level, risk_reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		as.ID, as.MunicipalityID, as.CaseID, as.YouthID, as.Instrument, as.Version, string(as.TimePoint), as.AssessedAt.UTC(),
		as.AssessorID, as.AssessorName, string(as.AgencyKind), as.Protective, as.Note, string(as.RiskLevel), strings.TrimSpace(as.RiskReason), tx.now); err != nil {
		return casework.Internal(err)
	}
	for _, r := range as.Ratings {
		if _, err := tx.Exec(`INSERT INTO assessment_ratings (municipality_id, assessment_id, item, value, note) VALUES ($1, $2, $3, $4, $5)`,
			as.MunicipalityID, as.ID, r.Item, r.Value, strings.TrimSpace(r.Note)); err != nil {
			return casework.Internal(err)
		}
	}
	return nil
}

// MyConcern is a concern as its reporter sees it afterwards.
type MyConcern struct {
	ConcernID int64
	At        time.Time
	YouthName string
	Clear     int
}

// MyConcerns lists the concerns the actor reported (what they wrote themselves), newest first.
func (s *Store) MyConcerns(ctx context.Context) ([]MyConcern, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []MyConcern
	err = s.readAudited(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, `SELECT a.id, a.created_at, a.reported_name,
			(SELECT COUNT(*) FROM assessment_ratings r WHERE r.assessment_id = a.id AND r.value = 'clear')
			FROM assessments a
			WHERE a.municipality_id = $1 AND a.assessor_id = $2 AND a.time_point = 'concern' ORDER BY a.created_at DESC LIMIT 50`,
			[]any{a.User.MunicipalityID, a.User.ID}, func(sc scanner) (MyConcern, error) {
				var m MyConcern
				err := sc.Scan(&m.ConcernID, &m.At, &m.YouthName, &m.Clear)
				return m, err
			})
		if err != nil || len(out) == 0 {
			return err
		}
		return tx.audit(a, What{Action: audit.ActionList, Object: "concern", Detail: "own concerns"}, access.Allow(access.GroundAuthor))
	})
	return out, err
}

// CaseDetail is a case as its overview page shows it.
type CaseDetail struct {
	Case          casework.Case
	Youth         casework.Youth
	Age           int
	District      string
	Staff         []casework.StaffLink
	Parties       []casework.Party
	IRK           casework.IRKSummary
	Deadlines     []casework.Deadline
	Consent       casework.Consent // the one valid now, or the latest
	HasConsent    bool             // Consent is valid now
	ConsentCount  int
	Settings      casework.Settings
	SeesProtected bool
	// Ground is why the actor sees the case (for the page to say so).
	Ground access.Ground
	// May is everything the actor may do with the case, decided once when it was opened.
	May access.May
}

// CaseDetail returns a case's overview: the young person, step, staff, parties, deadlines,
// IRK summary and consent state. Protected details are blanked unless the actor may see them.
func (s *Store) CaseDetail(ctx context.Context, caseID int64) (CaseDetail, error) {
	var cd CaseDetail
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		cd.Case, cd.Staff, cd.Settings, cd.Ground, cd.May = lc.Case, lc.Facts.Staff, lc.Settings, d.Ground, lc.May
		// The risk level is part of the case; the reasoning behind it is social services'
		// assessment.
		if !lc.May.Read(casework.CatSocial).Allowed {
			cd.Case.RiskReason = ""
		}
		var district sql.NullString
		y, err := scanYouth(tx.QueryRow(`SELECT `+youthCols+`, d.name FROM youths y LEFT JOIN districts d ON d.id = y.district_id
			WHERE y.municipality_id = $1 AND y.id = $2`, a.User.MunicipalityID, lc.Case.YouthID), &district)
		if err != nil {
			return casework.Internal(err)
		}
		if y.Address, err = s.openText(colYouthAddress, y.Address); err != nil {
			return err
		}
		cd.District, cd.Age = district.String, y.AgeAt(tx.now)
		cd.SeesProtected = !y.Protected() || lc.May.Read(casework.CatProtected).Allowed
		if !cd.SeesProtected {
			hideProtected(&y)
		} else if y.Protected() {
			if err := tx.audit(a, What{Action: audit.ActionRead, Object: "youth", ObjectID: y.ID, YouthID: y.ID, Category: string(casework.CatProtected)},
				lc.May.Read(casework.CatProtected)); err != nil {
				return err
			}
		}
		cd.Youth = y
		cd.Parties = lc.Parties // read with the facts
		ratings, err := tx.latestIRK(a.User.MunicipalityID, caseID)
		if err != nil {
			return err
		}
		cd.IRK = casework.SummariseIRK(ratings)
		cd.Deadlines = casework.Deadlines(lc.Case.Program, lc.Case.Step, lc.Case.Milestones, lc.Settings)
		cd.ConsentCount = len(lc.Facts.Consents)
		if c, ok := casework.CurrentConsent(lc.Facts.Consents, tx.now); ok {
			cd.Consent, cd.HasConsent = c, true
		} else if n := len(lc.Facts.Consents); n > 0 {
			cd.Consent = lc.Facts.Consents[n-1]
		}
		return nil
	})
	return cd, err
}

func (tx *Tx) caseParties(municipalityID, caseID int64) ([]casework.Party, error) {
	return queryAll(tx.ctx, tx, `SELECT p.agency_id, a.name, a.kind, p.reason FROM case_parties p
		JOIN agencies a ON a.id = p.agency_id AND a.municipality_id = p.municipality_id
		WHERE p.municipality_id = $1 AND p.case_id = $2 ORDER BY a.name`, []any{municipalityID, caseID},
		func(sc scanner) (casework.Party, error) {
			var p casework.Party
			var kind string
			err := sc.Scan(&p.AgencyID, &p.AgencyName, &kind, &p.Reason)
			p.AgencyKind = casework.AgencyKind(kind)
			return p, err
		})
}

// latestIRK returns the ratings of the case's latest IRK check.
func (tx *Tx) latestIRK(municipalityID, caseID int64) ([]casework.Rating, error) {
	return queryAll(tx.ctx, tx, `SELECT r.item, r.value, r.note FROM assessment_ratings r WHERE r.assessment_id =
		(SELECT id FROM assessments WHERE municipality_id = $1 AND case_id = $2 AND instrument = 'irk'
		ORDER BY assessed_at DESC, created_at DESC,
		CASE time_point WHEN 'concern' THEN 0 WHEN 'intake' THEN 1 WHEN 'midway' THEN 2 WHEN 'closure' THEN 3 ELSE 4 END DESC
		LIMIT 1) ORDER BY r.item`, []any{municipalityID, caseID}, func(sc scanner) (casework.Rating, error) {
		var r casework.Rating
		return r, sc.Scan(&r.Item, &r.Value, &r.Note)
	})
}

func (tx *Tx) ratings(assessmentID int64) ([]casework.Rating, error) {
	return queryAll(tx.ctx, tx, `SELECT item, value, note FROM assessment_ratings WHERE assessment_id = $1 ORDER BY item`,
		[]any{assessmentID}, func(sc scanner) (casework.Rating, error) {
			var r casework.Rating
			return r, sc.Scan(&r.Item, &r.Value, &r.Note)
		})
}

// MoveInput is a move of the flow, with what some moves need.
type MoveInput struct {
	casework.Move
	// CoordinatorID is who takes the case on (prep_take_on); the actor when 0.
	CoordinatorID int64
}

// Move takes a step of the flow. The state machine (casework.Next) decides whether the move is
// possible; the facts it needs are read here, in the same transaction.
func (s *Store) Move(ctx context.Context, caseID int64, in MoveInput) (casework.Step, error) {
	return s.move(ctx, caseID, in, nil)
}

// move is Move with then run after the move in the same transaction (nil: nothing): what
// then refuses or fails undoes the move.
func (s *Store) move(ctx context.Context, caseID int64, in MoveInput, then func(tx *Tx, a casework.Actor, lc *loadedCase) error) (casework.Step, error) {
	var to casework.Step
	work := access.WorkOfMove(in.Action)
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Detail: "move " + string(in.Action)}, Work: work}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		var closure casework.ClosureReason
		var err error
		to, closure, err = casework.Next(lc.Case.Step, in.Move, lc.Flow)
		if err != nil {
			return err
		}
		sets := []string{"step = $1", "step_since = $2"}
		args := []any{string(to), tx.now}
		set := func(col string, v any) {
			args = append(args, v)
			sets = append(sets, col+" = $"+strconv.Itoa(len(args)))
		}
		switch in.Action {
		case casework.ActPrepTakeOn:
			set("taken_on_at", tx.now)
			coord := in.CoordinatorID
			if coord == 0 {
				coord = a.User.ID
			}
			if err := tx.assignStaff(mid, caseID, coord, casework.StaffCoordinator); err != nil {
				return err
			}
		case casework.ActAssessmentDone:
			set("assessment_done_at", tx.now)
		case casework.ActDecideStart:
			set("decided_start_at", tx.now)
		case casework.ActPlanSet:
			if lc.Case.Milestones.PlanSet.IsZero() {
				set("plan_set_at", tx.now)
			}
		case casework.ActBackToAssessment:
			set("assessment_done_at", nil)
		case casework.ActSSPFApplies:
			// Finding that SSPF applies is both the assessment done and the decision to start.
			set("assessment_done_at", tx.now)
			set("decided_start_at", tx.now)
		case casework.ActReopen:
			// The young person is back: the same case opens again at the assessment. The closure
			// and its follow-ups stay in the timeline (and the releases); a later closure gets
			// follow-ups of its own.
			// The closure it undoes is kept, so the half-year it fell in still counts the case
			// closed, whenever that half-year's release is made (case_reopenings, dashboard.go).
			if closed := lc.Case.Milestones.Closed; closed.IsZero() {
				// a closed record without its moment (none the flow writes): nothing to keep
			} else if _, err := tx.Exec(`INSERT INTO case_reopenings (id, municipality_id, case_id, closed_at, closure_reason, started, program, reopened_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), mid, caseID, closed, string(lc.Case.ClosureReason),
				!lc.Case.Milestones.DecidedStart.IsZero(), string(lc.Case.Program), tx.now); err != nil {
				return casework.Internal(err)
			}
			set("closed_at", nil)
			set("closure_reason", "")
			set("taken_on_at", tx.now) // taken on again: the assessment's deadline runs from now
			set("assessment_done_at", nil)
			set("followup6_at", nil)
			set("followup12_at", nil)
			if err := tx.endWatches(mid, caseID); err != nil { // back in the flow: off the watch list
				return err
			}
		case casework.ActToSIG:
			// SIG assesses afresh (as back_to_assessment) and decides at its own step 4; the case
			// keeps its id, its history and the moment its work started.
			set("assessment_done_at", nil)
		}
		if t, ok := casework.TransitionIn(lc.Case.Program, in.Action); ok && t.Switch != "" {
			set("program", string(t.Switch))
		}
		if to == casework.StepClosed {
			set("closed_at", tx.now)
			set("closure_reason", string(closure))
		}
		args = append(args, mid, caseID)
		q := `UPDATE cases SET ` + strings.Join(sets, ", ") + ` WHERE municipality_id = $` + strconv.Itoa(len(args)-1) + ` AND id = $` + strconv.Itoa(len(args))
		if _, err := tx.Exec(q, args...); err != nil {
			return casework.Internal(err)
		}
		if err := tx.addEvent(a, lc.Case, string(in.Action), lc.Case.Step, to, in.Reason, casework.CatBasic); err != nil {
			return err
		}
		if then != nil {
			return then(tx, a, lc)
		}
		return nil
	})
	return to, err
}

// assignStaff links a social services user to the case.
func (tx *Tx) assignStaff(municipalityID, caseID, userID int64, role casework.StaffRole) error {
	var kind, roles string
	err := tx.QueryRow(`SELECT a.kind, u.roles FROM users u JOIN agencies a ON a.id = u.agency_id
		WHERE u.municipality_id = $1 AND u.id = $2 AND u.active = TRUE`, municipalityID, userID).Scan(&kind, &roles)
	if err == sql.ErrNoRows {
		return casework.Invalid("user", "staff.user_unknown")
	}
	if err != nil {
		return casework.Internal(err)
	}
	rs := casework.ParseRoles(roles)
	if casework.AgencyKind(kind) != casework.AgencySocial ||
		(role == casework.StaffCoordinator && !rs.Has(casework.RoleCoordinator)) ||
		(role == casework.StaffCaseOfficer && !rs.Has(casework.RoleCaseOfficer)) {
		return casework.Invalid("user", "staff.wrong_role")
	}
	if role == casework.StaffCoordinator {
		if _, err := tx.Exec(`DELETE FROM case_staff WHERE municipality_id = $1 AND case_id = $2 AND role = 'coordinator'`, municipalityID, caseID); err != nil {
			return casework.Internal(err)
		}
	}
	if _, err := tx.Exec(`DELETE FROM case_staff WHERE municipality_id = $1 AND case_id = $2 AND user_id = $3`, municipalityID, caseID, userID); err != nil {
		return casework.Internal(err)
	}
	if _, err := tx.Exec(`INSERT INTO case_staff (municipality_id, case_id, user_id, role, since) VALUES ($1, $2, $3, $4, $5)`,
		municipalityID, caseID, userID, string(role), tx.now); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// AssignStaff makes a coordinator (replacing the present one) or adds a case officer, under
// the experience rule (AssignStaffChecked, which also returns its warnings).
func (s *Store) AssignStaff(ctx context.Context, caseID, userID int64, role casework.StaffRole) error {
	_, err := s.AssignStaffChecked(ctx, caseID, userID, role)
	return err
}

// RemoveStaff removes a case officer from the case (the coordinator is replaced, not removed).
func (s *Store) RemoveStaff(ctx context.Context, caseID, userID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Detail: "staff removed"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		res, err := tx.Exec(`DELETE FROM case_staff WHERE municipality_id = $1 AND case_id = $2 AND user_id = $3 AND role = 'case_officer'`,
			a.User.MunicipalityID, caseID, userID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("staff")
		}
		return tx.addEvent(a, lc.Case, "staff_removed", "", "", "", casework.CatBasic)
	})
}

// SetParties replaces the agencies identified as needed for the case (step 5).
func (s *Store) SetParties(ctx context.Context, caseID int64, parties []casework.Party) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Detail: "parties"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		if _, err := tx.Exec(`DELETE FROM case_parties WHERE municipality_id = $1 AND case_id = $2`, mid, caseID); err != nil {
			return casework.Internal(err)
		}
		seen := map[int64]bool{}
		for _, p := range parties {
			if seen[p.AgencyID] {
				continue
			}
			seen[p.AgencyID] = true
			if utf8.RuneCountInString(p.Reason) > 1000 {
				return casework.Invalid("reason", "flow.reason_too_long")
			}
			_, err := tx.Exec(`INSERT INTO case_parties (municipality_id, case_id, agency_id, reason, added_at) VALUES ($1, $2, $3, $4, $5)`,
				mid, caseID, p.AgencyID, strings.TrimSpace(p.Reason), tx.now)
			if err != nil {
				if isForeignKeyViolation(err) {
					return casework.Invalid("parties", "parties.agency_unknown")
				}
				return casework.Internal(err)
			}
		}
		return tx.addEvent(a, lc.Case, "parties_identified", "", "", "", casework.CatBasic)
	})
}

// RecordAssessment records an administration of an instrument. At intake, the professional's
// overall risk judgement (with its reason) becomes the case's risk level.
func (s *Store) RecordAssessment(ctx context.Context, caseID int64, as *casework.Assessment) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "assessment"}, Cat: casework.CatSocial, Work: access.WorkAssess}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		in, err := tx.instrument(a.User.MunicipalityID, as.Instrument)
		if err != nil {
			return err
		}
		as.Version = in.Version
		if err := in.Check(as); err != nil {
			return err
		}
		if !lc.Case.Step.Open() && as.TimePoint != casework.TPFollowUp {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		if as.AssessedAt.After(tx.now) {
			return casework.Invalid("assessed_at", "assessment.in_future")
		}
		as.CaseID, as.YouthID = caseID, lc.Case.YouthID
		if err := tx.insertAssessment(a, as); err != nil {
			return err
		}
		if as.RiskLevel != "" {
			if _, err := tx.Exec(`UPDATE cases SET risk_level = $1, risk_reason = $2 WHERE id = $3`, string(as.RiskLevel), strings.TrimSpace(as.RiskReason), caseID); err != nil {
				return casework.Internal(err)
			}
		}
		if as.Instrument == casework.IRKCode {
			sum := casework.SummariseIRK(as.Ratings)
			if _, err := tx.Exec(`UPDATE cases SET irk_clear = $1, irk_some = $2 WHERE id = $3`, sum.Clear, sum.Some, caseID); err != nil {
				return casework.Internal(err)
			}
		}
		return tx.addEvent(a, lc.Case, "assessment", "", "", as.Instrument+" "+string(as.TimePoint), casework.CatSocial)
	})
}

// Assessments returns the case's assessments (social services' documentation), oldest first.
func (s *Store) Assessments(ctx context.Context, caseID int64) ([]casework.Assessment, error) {
	var out []casework.Assessment
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "assessment"}, Cat: casework.CatSocial}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		out, err = queryAll(ctx, tx, `SELECT id, municipality_id, case_id, youth_id, instrument, version, time_point, assessed_at,
			assessor_id, assessor_name, agency_kind, protective, note, risk_level, risk_reason, created_at
			FROM assessments WHERE municipality_id = $1 AND case_id = $2 ORDER BY assessed_at, created_at,
			CASE time_point WHEN 'concern' THEN 0 WHEN 'intake' THEN 1 WHEN 'midway' THEN 2 WHEN 'closure' THEN 3 ELSE 4 END, id`,
			[]any{a.User.MunicipalityID, caseID}, func(sc scanner) (casework.Assessment, error) {
				var as casework.Assessment
				var tp, kind, risk string
				err := sc.Scan(&as.ID, &as.MunicipalityID, &as.CaseID, &as.YouthID, &as.Instrument, &as.Version, &tp, &as.AssessedAt,
					&as.AssessorID, &as.AssessorName, &kind, &as.Protective, &as.Note, &risk, &as.RiskReason, &as.CreatedAt)
				as.TimePoint, as.AgencyKind, as.RiskLevel = casework.TimePoint(tp), casework.AgencyKind(kind), casework.RiskLevel(risk)
				as.AssessedAt, as.CreatedAt = as.AssessedAt.UTC(), as.CreatedAt.UTC()
				return as, err
			})
		if err != nil {
			return err
		}
		// Every assessment's ratings in one read.
		idx := map[int64]int{}
		for i, as := range out {
			idx[as.ID] = i
		}
		type rated struct {
			id int64
			r  casework.Rating
		}
		rs, err := queryAll(ctx, tx, `SELECT r.assessment_id, r.item, r.value, r.note FROM assessment_ratings r
			JOIN assessments a ON a.id = r.assessment_id WHERE a.municipality_id = $1 AND a.case_id = $2 ORDER BY r.assessment_id, r.item`,
			[]any{a.User.MunicipalityID, caseID}, func(sc scanner) (rated, error) {
				var x rated
				return x, sc.Scan(&x.id, &x.r.Item, &x.r.Value, &x.r.Note)
			})
		if err != nil {
			return err
		}
		for _, x := range rs {
			if i, ok := idx[x.id]; ok {
				out[i].Ratings = append(out[i].Ratings, x.r)
			}
		}
		return nil
	})
	return out, err
}

// AddNote adds a note to the case's timeline in an information category. Parties under a
// consent may add notes in the categories it covers.
func (s *Store) AddNote(ctx context.Context, caseID int64, cat casework.Category, text string) error {
	if !casework.ValidConsentCategory(cat) {
		return casework.Invalid("category", "note.category_invalid")
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > casework.MaxReasonLength {
		return casework.Invalid("text", "note.text_required")
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "note"}, Cat: cat, Work: access.WorkNote}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		return tx.addEvent(a, lc.Case, "note", "", "", text, cat)
	})
}

// Timeline returns the case's events in order, only those in categories the actor may see.
func (s *Store) Timeline(ctx context.Context, caseID int64) ([]casework.Event, error) {
	var out []casework.Event
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "timeline"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		all, err := queryAll(ctx, tx, `SELECT id, municipality_id, case_id, youth_id, at, user_id, user_name, agency_name, kind,
			from_step, to_step, reason, category FROM case_events WHERE municipality_id = $1 AND case_id = $2 ORDER BY seq`,
			[]any{a.User.MunicipalityID, caseID}, func(sc scanner) (casework.Event, error) {
				var e casework.Event
				var from, to, cat string
				err := sc.Scan(&e.ID, &e.MunicipalityID, &e.CaseID, &e.YouthID, &e.At, &e.UserID, &e.UserName, &e.AgencyName,
					&e.Kind, &from, &to, &e.Reason, &cat)
				e.FromStep, e.ToStep, e.Category, e.At = casework.Step(from), casework.Step(to), casework.Category(cat), e.At.UTC()
				return e, err
			})
		if err != nil {
			return err
		}
		allowed := map[casework.Category]bool{}
		for _, e := range all {
			ok, seen := allowed[e.Category]
			if !seen {
				dc := lc.May.Read(e.Category)
				ok = dc.Allowed
				allowed[e.Category] = ok
				if ok && e.Category != casework.CatBasic {
					if err := tx.audit(a, What{Action: audit.ActionRead, Object: "timeline", ObjectID: caseID, YouthID: lc.Case.YouthID, Category: string(e.Category)}, dc); err != nil {
						return err
					}
				}
			}
			if ok {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// RecordFollowUp records the 6- or 12-month follow-up after closure (Växjö calls every
// participant six months after the end).
func (s *Store) RecordFollowUp(ctx context.Context, caseID int64, kind string, reached bool, note string) error {
	if _, ok := casework.FollowUpOf(kind); !ok {
		return casework.Invalid("kind", "followup.kind_invalid")
	}
	if utf8.RuneCountInString(note) > casework.MaxReasonLength {
		return casework.Invalid("note", "flow.reason_too_long")
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "follow_up"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := casework.CheckFollowUp(kind, lc.Case.Step, lc.Case.Milestones, tx.now); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO follow_ups (id, municipality_id, case_id, youth_id, kind, done_at, done_by, reached, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, newID(), a.User.MunicipalityID, caseID, lc.Case.YouthID, kind, tx.now, a.User.ID, reached, strings.TrimSpace(note))
		if isUniqueViolation(err) {
			return casework.Errorf(casework.EConflict, "followup.done_already", "already recorded")
		}
		if err != nil {
			return casework.Internal(err)
		}
		col := "followup6_at"
		if kind == "12" {
			col = "followup12_at"
		}
		if _, err := tx.Exec(`UPDATE cases SET `+col+` = $1 WHERE id = $2`, tx.now, caseID); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "followup_"+kind, "", "", note, casework.CatBasic)
	})
}
