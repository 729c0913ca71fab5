package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// This file keeps a case's operative group. The group is part of the case's basic information:
// whoever may see the case sees who is in its group. Joining never gives access — the consent
// does — so a professional the valid consent does not cover is refused, and one whose coverage
// ended is read back as not covered (without valid consent) and left out of invitations.

const memberCols = `g.id, g.case_id, g.kind, COALESCE(g.user_id, 0), COALESCE(g.person_id, 0),
	COALESCE(u.name, g.name), g.relation, g.contact, g.role, g.added_at, COALESCE(u.agency_id, 0),
	COALESCE(a.name, ''), COALESCE(a.kind, '')`

const memberFrom = ` FROM group_members g
	LEFT JOIN users u ON u.id = g.user_id AND u.municipality_id = g.municipality_id
	LEFT JOIN agencies a ON a.id = u.agency_id AND a.municipality_id = u.municipality_id`

func scanMember(sc scanner) (casework.GroupMember, error) {
	var m casework.GroupMember
	var kind, agencyKind string
	err := sc.Scan(&m.ID, &m.CaseID, &kind, &m.UserID, &m.PersonID, &m.Name, &m.Relation, &m.Contact, &m.Role, &m.AddedAt,
		&m.AgencyID, &m.AgencyName, &agencyKind)
	m.Kind, m.AgencyKind, m.AddedAt = casework.MemberKind(kind), casework.AgencyKind(agencyKind), m.AddedAt.UTC()
	return m, err
}

// group loads the case's group: its rhythm (the municipality's default when the group has no
// row yet), its present members in the order they were added, the lead, and each
// professional's consent coverage now.
func (tx *Tx) group(lc *loadedCase) (casework.Group, error) {
	mid, caseID := lc.Case.MunicipalityID, lc.Case.ID
	g := casework.Group{CaseID: caseID, RhythmWeeks: lc.Settings.WithDefaults().MeetingRhythmWeeks}
	var lead sql.NullInt64
	err := tx.QueryRow(`SELECT rhythm_weeks, lead_member_id FROM case_groups WHERE municipality_id = $1 AND case_id = $2`, mid, caseID).Scan(&g.RhythmWeeks, &lead)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return g, casework.Internal(err)
	}
	g.Members, err = queryAll(tx.ctx, tx, `SELECT `+memberCols+memberFrom+`
		WHERE g.municipality_id = $1 AND g.case_id = $2 AND g.removed_at IS NULL ORDER BY g.added_at, g.id`,
		[]any{mid, caseID}, scanMember)
	if err != nil {
		return g, err
	}
	for i := range g.Members {
		m := &g.Members[i]
		m.Lead = lead.Valid && lead.Int64 == m.ID
		if m.Kind != casework.MemberProfessional {
			m.Covered = true
			continue
		}
		ground, err := casework.MemberCoverage(casework.Professional{UserID: m.UserID, AgencyID: m.AgencyID, AgencyName: m.AgencyName},
			lc.Facts.Staff, lc.Facts.Consents, tx.now)
		m.Covered, m.Ground = err == nil, ground
	}
	return g, nil
}

// ensureGroup creates the case's group row with the municipality's rhythm if it has none.
func (tx *Tx) ensureGroup(lc *loadedCase) error {
	_, err := tx.Exec(`INSERT INTO case_groups (municipality_id, case_id, rhythm_weeks, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) DO NOTHING`, lc.Case.MunicipalityID, lc.Case.ID, lc.Settings.WithDefaults().MeetingRhythmWeeks, tx.now)
	if err != nil {
		return casework.Internal(err)
	}
	return nil
}

// Group returns the case's operative group with each professional's consent coverage now.
func (s *Store) Group(ctx context.Context, caseID int64) (casework.Group, error) {
	var g casework.Group
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "group"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		g, err = tx.group(lc)
		return err
	})
	return g, err
}

// AddGroupMember adds a member to the case's group. A professional must be an active user of
// the municipality who works with cases, and covered now by a valid consent (or social services
// staff on the case); otherwise the refusal names the agency the consent lacks and nothing is
// saved. A trusted adult or guardian may be linked to one of the young person's related persons.
func (s *Store) AddGroupMember(ctx context.Context, caseID int64, in casework.MemberInput) (casework.GroupMember, error) {
	var m casework.GroupMember
	in.Normalise()
	if err := in.Validate(); err != nil {
		return m, err
	}
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "group_member"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		g, err := tx.group(lc)
		if err != nil {
			return err
		}
		m = casework.GroupMember{ID: newID(), CaseID: caseID, Kind: in.Kind, Role: in.Role, Name: in.Name, Relation: in.Relation,
			Contact: in.Contact, AddedAt: tx.now, Covered: true}
		reason := in.Role
		switch in.Kind {
		case casework.MemberProfessional:
			if _, ok := g.MemberByUser(in.UserID); ok {
				return casework.Errorf(casework.EConflict, "group.already_member", "already a member")
			}
			user, err := tx.memberUser(mid, in.UserID)
			if err != nil {
				return err
			}
			ground, err := casework.MemberCoverage(casework.Professional{UserID: user.User.ID, AgencyID: user.User.AgencyID, AgencyName: user.AgencyName},
				lc.Facts.Staff, lc.Facts.Consents, tx.now)
			if err != nil {
				return err
			}
			m.UserID, m.Name, m.AgencyID, m.AgencyName, m.AgencyKind, m.Ground = user.User.ID, user.User.Name, user.User.AgencyID, user.AgencyName, user.AgencyKind, ground
			m.Relation, m.Contact = "", ""
			reason = strings.TrimSpace(user.AgencyName + " " + in.Role)
		case casework.MemberYouth:
			for _, x := range g.Members {
				if x.Kind == casework.MemberYouth {
					return casework.Errorf(casework.EConflict, "group.already_member", "the young person is in the group")
				}
			}
			m.Name, m.Relation, m.Contact = "", "", ""
		case casework.MemberTrustedAdult, casework.MemberGuardian:
			if in.PersonID != 0 {
				for _, x := range g.Members {
					if x.PersonID == in.PersonID {
						return casework.Errorf(casework.EConflict, "group.already_member", "already a member")
					}
				}
				p, err := tx.relatedPerson(mid, lc.Case.YouthID, in.PersonID)
				if err != nil {
					return err
				}
				wantGuardian := in.Kind == casework.MemberGuardian
				if isGuardian := p.Kind == casework.RelGuardian || p.Kind == casework.RelParent; isGuardian != wantGuardian {
					return casework.Invalid("person", "group.person_kind")
				}
				m.PersonID, m.Name = p.ID, p.Name
				if m.Relation == "" {
					m.Relation = p.Relation
				}
			}
			reason = m.Relation
		}
		if err := tx.ensureGroup(lc); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO group_members (id, municipality_id, case_id, kind, user_id, person_id, name, relation, contact, role,
			added_at, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			m.ID, mid, caseID, string(m.Kind), nullID(m.UserID), nullID(m.PersonID), m.Name, m.Relation, m.Contact, m.Role, tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.notify(a, NotifyGroupAdded, caseID, 0, 0, m.UserID); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "group_member_added", "", "", reason, casework.CatBasic)
	})
	return m, err
}

// memberUser loads an active user of the municipality who works with cases, as an actor (the
// user with their agency).
func (tx *Tx) memberUser(municipalityID, userID int64) (casework.Actor, error) {
	var a casework.Actor
	var roles, kind string
	err := tx.QueryRow(`SELECT u.id, u.municipality_id, u.agency_id, u.name, u.email, u.roles, u.active, a.name, a.kind FROM users u
		JOIN agencies a ON a.id = u.agency_id AND a.municipality_id = u.municipality_id
		WHERE u.municipality_id = $1 AND u.id = $2`, municipalityID, userID).Scan(&a.User.ID, &a.User.MunicipalityID, &a.User.AgencyID,
		&a.User.Name, &a.User.Email, &roles, &a.User.Active, &a.AgencyName, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return a, casework.Invalid("user", "staff.user_unknown")
	}
	if err != nil {
		return a, casework.Internal(err)
	}
	a.User.Roles, a.AgencyKind, a.Via = casework.ParseRoles(roles), casework.AgencyKind(kind), casework.ViaSession
	if !a.User.Active {
		return a, casework.Invalid("user", "staff.user_unknown")
	}
	if !access.Can(a, access.WorkWithCases).Allowed {
		return a, casework.Invalid("user", "group.user_no_case_role")
	}
	return a, nil
}

// relatedPerson loads one of the young person's related persons.
func (tx *Tx) relatedPerson(municipalityID, youthID, personID int64) (casework.RelatedPerson, error) {
	p, err := scanRelated(tx.QueryRow(`SELECT id, municipality_id, youth_id, kind, name, relation, has_custody, phone, email, address,
		language, interpreter, note FROM related_persons WHERE municipality_id = $1 AND youth_id = $2 AND id = $3`, municipalityID, youthID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, casework.Invalid("person", "group.person_unknown")
	}
	if err != nil {
		return p, casework.Internal(err)
	}
	if p.Address, err = tx.store.openText(colPersonAddress, p.Address); err != nil {
		return p, err
	}
	return p, nil
}

// RemoveGroupMember takes a member out of the group (the row stays, so past attendance still
// names them). A lead who leaves leaves the lead open.
func (s *Store) RemoveGroupMember(ctx context.Context, caseID, memberID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "group_member", ObjectID: memberID, Detail: "removed"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		res, err := tx.Exec(`UPDATE group_members SET removed_at = $1 WHERE municipality_id = $2 AND case_id = $3 AND id = $4 AND removed_at IS NULL`,
			tx.now, a.User.MunicipalityID, caseID, memberID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("group_member")
		}
		var userID sql.NullInt64
		if err := tx.QueryRow(`SELECT user_id FROM group_members WHERE municipality_id = $1 AND case_id = $2 AND id = $3`,
			a.User.MunicipalityID, caseID, memberID).Scan(&userID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.notify(a, NotifyGroupRemoved, caseID, 0, 0, userID.Int64); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE case_groups SET lead_member_id = NULL, updated_at = $1 WHERE municipality_id = $2 AND case_id = $3 AND lead_member_id = $4`,
			tx.now, a.User.MunicipalityID, caseID, memberID); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "group_member_removed", "", "", "", casework.CatBasic)
	})
}

// SetGroupLead records the one contact the group has chosen to carry the work; the others step
// back (Skellefteå). The lead is a professional with a valid consent or a trusted adult.
func (s *Store) SetGroupLead(ctx context.Context, caseID, memberID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "group", Detail: "lead"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		g, err := tx.group(lc)
		if err != nil {
			return err
		}
		m, ok := g.Member(memberID)
		if !ok {
			return casework.Invalid("lead", "group.lead_unknown")
		}
		if (m.Kind != casework.MemberProfessional && m.Kind != casework.MemberTrustedAdult) || !m.Covered {
			return casework.Invalid("lead", "group.lead_invalid")
		}
		if err := tx.ensureGroup(lc); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE case_groups SET lead_member_id = $1, updated_at = $2 WHERE municipality_id = $3 AND case_id = $4`,
			memberID, tx.now, a.User.MunicipalityID, caseID); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "group_lead_chosen", "", "", m.Name, casework.CatBasic)
	})
}

// SetGroupRhythm sets how often the group meets, in weeks.
func (s *Store) SetGroupRhythm(ctx context.Context, caseID int64, weeks int) error {
	if !casework.ValidRhythm(weeks) {
		return casework.Invalid("rhythm", "meeting.rhythm_range")
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "group", Detail: "rhythm"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := tx.ensureGroup(lc); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE case_groups SET rhythm_weeks = $1, updated_at = $2 WHERE municipality_id = $3 AND case_id = $4`,
			weeks, tx.now, a.User.MunicipalityID, caseID)
		if err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// MyGroup is a case whose group the actor belongs to, as the actor's list shows it.
type MyGroup struct {
	CaseID      int64
	YouthID     int64
	Name        string
	Step        casework.Step
	Staff       bool   // the actor is social services staff on the case
	Role        string // the actor's role in the group
	Lead        bool   // the actor is the lead contact
	LeadName    string
	Members     int
	NextMeeting time.Time
}

// MyGroups lists the groups the actor is in — as a member, or as staff on the case — among the
// cases the actor may see now. A member whose consent coverage ended no longer sees the case,
// so it drops off the list. Each young person listed is audited.
func (s *Store) MyGroups(ctx context.Context) ([]MyGroup, error) {
	w := What{Action: audit.ActionList, Object: "group", Category: string(casework.CatBasic)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	var out []MyGroup
	err = s.readAudited(ctx, func(tx *Tx) error {
		args := []any{a.User.MunicipalityID, a.User.ID}
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		rows, err := queryAll(ctx, tx, `SELECT c.id, c.youth_id, y.first_name || ' ' || y.last_name, c.step,
			EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = c.id AND s.user_id = $2),
			COALESCE((SELECT g.role FROM group_members g WHERE g.case_id = c.id AND g.user_id = $2 AND g.removed_at IS NULL), ''),
			COALESCE((SELECT COALESCE(u.name, g.name) FROM case_groups cg JOIN group_members g ON g.id = cg.lead_member_id
				LEFT JOIN users u ON u.id = g.user_id WHERE cg.case_id = c.id), ''),
			COALESCE((SELECT g.user_id FROM case_groups cg JOIN group_members g ON g.id = cg.lead_member_id WHERE cg.case_id = c.id), 0),
			(SELECT COUNT(*) FROM group_members g WHERE g.case_id = c.id AND g.removed_at IS NULL)
			FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			WHERE c.municipality_id = $1 AND y.merged_into IS NULL AND c.step NOT IN ('closed', 'followed_up')
			AND (EXISTS (SELECT 1 FROM group_members g WHERE g.case_id = c.id AND g.user_id = $2 AND g.removed_at IS NULL)
				OR (EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = c.id AND s.user_id = $2)
					AND EXISTS (SELECT 1 FROM group_members g WHERE g.case_id = c.id AND g.removed_at IS NULL)))
			AND `+myCaseSQL(a, arg)+` AND `+visibleEachSQL(a, tx.now, arg)+`
			ORDER BY y.sort_key, c.id`, args, func(sc scanner) (MyGroup, error) {
			var g MyGroup
			var step string
			var leadUser int64
			err := sc.Scan(&g.CaseID, &g.YouthID, &g.Name, &step, &g.Staff, &g.Role, &g.LeadName, &leadUser, &g.Members)
			g.Step, g.Lead = casework.Step(step), leadUser == a.User.ID && leadUser != 0
			return g, err
		})
		if err != nil {
			return err
		}
		out = rows
		caseIDs := make([]int64, len(out))
		for i, g := range out {
			caseIDs[i] = g.CaseID
		}
		next, err := tx.nextMeetings(a.User.MunicipalityID, caseIDs)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].NextMeeting = next[out[i].CaseID]
		}
		ids := make([]int64, len(out))
		for i, g := range out {
			ids[i] = g.YouthID
		}
		return tx.auditList(a, w, ids, d)
	})
	return out, err
}

// nextMeetings maps each of the cases with a planned meeting ahead to the start of
// the first one.
func (tx *Tx) nextMeetings(municipalityID int64, caseIDs []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := []any{municipalityID, tx.now}
	ph := make([]string, len(caseIDs))
	for i, id := range caseIDs {
		args = append(args, id)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	rows, err := tx.Query(`SELECT case_id, starts_at FROM meetings WHERE municipality_id = $1 AND status = 'planned' AND starts_at >= $2
		AND case_id IN (`+strings.Join(ph, ", ")+`) ORDER BY starts_at`, args...)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, casework.Internal(err)
		}
		if _, ok := out[id]; !ok {
			out[id] = at.UTC()
		}
	}
	return out, rows.Err()
}
