package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Security assessments and exit pathways (issue 14:2 and 14:4; docs/security-assessment.md).
// Both are information category casework.CatSecurity, read and written through the case door;
// an exit pathway's destination is casework.CatExitDestination, which only the police and
// social-services staff named on the pathway see (access/security.go). Every free text is
// sealed (sealed.go); the levels and dates stay plain, so the review alert and a rise of the
// level are found by them.

var (
	colSecName       = SealedColumn{Table: "security_assessments", Column: "participant_name", Key: "id"}
	colSecThreats    = SealedColumn{Table: "security_assessments", Column: "threats", Key: "id"}
	colSecLinked     = SealedColumn{Table: "security_assessments", Column: "linked", Key: "id"}
	colSecEscalation = SealedColumn{Table: "security_assessments", Column: "escalation", Key: "id"}
	colSecMeasures   = SealedColumn{Table: "security_assessments", Column: "measures", Key: "id"}
	colExitPolice    = SealedColumn{Table: "exit_pathways", Column: "police_assessment", Key: "case_id"}
	colExitProgramme = SealedColumn{Table: "exit_pathways", Column: "programme", Key: "case_id"}
	colExitDest      = SealedColumn{Table: "exit_pathways", Column: "destination", Key: "case_id"}
)

// exitNamedSQL is the facts query's two columns naming the exit pathway's police and
// social-services contacts (0 when the case has no pathway).
const exitNamedSQL = `COALESCE((SELECT xp.police_contact_id FROM exit_pathways xp WHERE xp.municipality_id = c.municipality_id AND xp.case_id = c.id), 0),
		COALESCE((SELECT xp.social_contact_id FROM exit_pathways xp WHERE xp.municipality_id = c.municipality_id AND xp.case_id = c.id), 0)`

func exitNamed(police, social int64) []int64 {
	var out []int64
	for _, id := range []int64{police, social} {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}

// SecurityContact is a user who may be named on an exit pathway.
type SecurityContact struct {
	ID     int64
	Name   string
	Agency string
}

// SecurityView is a case's security information as the actor may see it.
type SecurityView struct {
	// Current is the latest assessment of each participant, the highest level first; History
	// every assessment, newest first.
	Current []casework.SecurityAssessment
	History []casework.SecurityAssessment
	// Due are the current assessments whose review date has come (the alert).
	Due  []casework.SecurityAssessment
	Exit *casework.ExitPathway
	// Police and Social are the users who may be named on the pathway: active users of the
	// municipality's police and social-services agencies.
	Police, Social []SecurityContact
	Today          string
}

const secCols = `id, case_id, participant_kind, participant_name, level, previous_level, threats, linked, escalation, measures,
	assessed_on, review_on, superseded, created_by_name, created_by_agency, created_at`

// scanSecurity scans secCols and opens the sealed texts.
func (s *Store) scanSecurity(sc scanner) (casework.SecurityAssessment, error) {
	var a casework.SecurityAssessment
	var kind, level, prev string
	if err := sc.Scan(&a.ID, &a.CaseID, &kind, &a.Name, &level, &prev, &a.Threats, &a.Linked, &a.Escalation, &a.Measures,
		&a.AssessedOn, &a.ReviewOn, &a.Superseded, &a.ByName, &a.ByAgency, &a.CreatedAt); err != nil {
		return a, err
	}
	a.Kind, a.Level, a.Previous, a.CreatedAt = casework.ParticipantKind(kind), casework.ThreatLevel(level), casework.ThreatLevel(prev), a.CreatedAt.UTC()
	for _, f := range []struct {
		col SealedColumn
		v   *string
	}{{colSecName, &a.Name}, {colSecThreats, &a.Threats}, {colSecLinked, &a.Linked}, {colSecEscalation, &a.Escalation}, {colSecMeasures, &a.Measures}} {
		if *f.v == "" {
			continue
		}
		p, err := s.openText(f.col, *f.v)
		if err != nil {
			return a, err
		}
		*f.v = p
	}
	return a, nil
}

// caseSecurity reads every assessment of the case, newest first.
func (tx *Tx) caseSecurity(municipalityID, caseID int64) ([]casework.SecurityAssessment, error) {
	return queryAll(tx.ctx, tx, `SELECT `+secCols+` FROM security_assessments WHERE municipality_id = $1 AND case_id = $2
		ORDER BY created_at DESC, superseded, id`, []any{municipalityID, caseID}, tx.store.scanSecurity)
}

// currentSecurity is the latest assessment of each participant (the ones no later one
// superseded), highest level first.
func currentSecurity(all []casework.SecurityAssessment) []casework.SecurityAssessment {
	var out []casework.SecurityAssessment
	for _, a := range all {
		if !a.Superseded {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y casework.SecurityAssessment) int { return y.Level.Rank() - x.Level.Rank() })
	return out
}

// exitPathway reads the case's exit pathway (nil when none), its destination opened only when
// showDestination.
func (tx *Tx) exitPathway(municipalityID, caseID int64, showDestination bool) (*casework.ExitPathway, error) {
	var p casework.ExitPathway
	var stage, police, programme, dest string
	err := tx.QueryRow(`SELECT x.case_id, x.stage, x.wish_on, x.police_assessment, x.programme, x.police_contact_id, pu.name,
		x.social_contact_id, su.name, x.destination, x.updated_at, x.updated_by_name
		FROM exit_pathways x
		JOIN users pu ON pu.id = x.police_contact_id AND pu.municipality_id = x.municipality_id
		JOIN users su ON su.id = x.social_contact_id AND su.municipality_id = x.municipality_id
		WHERE x.municipality_id = $1 AND x.case_id = $2`, municipalityID, caseID).Scan(&p.CaseID, &stage, &p.WishOn, &police, &programme,
		&p.PoliceContactID, &p.PoliceContact, &p.SocialContactID, &p.SocialContact, &dest, &p.UpdatedAt, &p.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	p.Stage, p.UpdatedAt, p.DestinationSet = casework.ExitStage(stage), p.UpdatedAt.UTC(), dest != ""
	open := func(c SealedColumn, v string) (string, error) {
		if v == "" {
			return "", nil
		}
		return tx.store.openText(c, v)
	}
	if p.PoliceAssessment, err = open(colExitPolice, police); err != nil {
		return nil, err
	}
	if p.Programme, err = open(colExitProgramme, programme); err != nil {
		return nil, err
	}
	if showDestination {
		if p.Destination, err = open(colExitDest, dest); err != nil {
			return nil, err
		}
		p.DestinationShown = true
	}
	return &p, nil
}

// securityContacts lists the active users of the municipality's agencies of kind k.
func (tx *Tx) securityContacts(municipalityID int64, k casework.AgencyKind) ([]SecurityContact, error) {
	return queryAll(tx.ctx, tx, `SELECT u.id, u.name, ag.name FROM users u
		JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
		WHERE u.municipality_id = $1 AND ag.kind = $2 AND u.active ORDER BY u.name, u.id`, []any{municipalityID, string(k)},
		func(sc scanner) (SecurityContact, error) {
			var c SecurityContact
			return c, sc.Scan(&c.ID, &c.Name, &c.Agency)
		})
}

// Security reads a case's security assessments and exit pathway: category security, through
// the door; the pathway's destination only for the staff named on it (the request's one audit
// entry then also names category exit_destination).
func (s *Store) Security(ctx context.Context, caseID int64) (SecurityView, error) {
	var v SecurityView
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "security"}, Cat: casework.CatSecurity},
		func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
			mid := a.User.MunicipalityID
			v.Today = tx.today()
			all, err := tx.caseSecurity(mid, caseID)
			if err != nil {
				return err
			}
			v.History, v.Current = all, currentSecurity(all)
			for _, c := range v.Current {
				if c.ReviewDue(v.Today) {
					v.Due = append(v.Due, c)
				}
			}
			dest := lc.May.Read(casework.CatExitDestination)
			if v.Exit, err = tx.exitPathway(mid, caseID, dest.Allowed); err != nil {
				return err
			}
			if v.Exit != nil && dest.Allowed && v.Exit.DestinationSet {
				if err := tx.audit(a, What{Action: audit.ActionRead, Object: "exit_destination", ObjectID: caseID, YouthID: lc.Case.YouthID,
					Category: string(casework.CatExitDestination)}, dest); err != nil {
					return err
				}
			}
			if lc.May.Write(access.WorkAssess, casework.CatSecurity).Allowed {
				if v.Police, err = tx.securityContacts(mid, casework.AgencyPolice); err != nil {
					return err
				}
				if v.Social, err = tx.securityContacts(mid, casework.AgencySocial); err != nil {
					return err
				}
			}
			return nil
		})
	return v, err
}

// RecordSecurityAssessment records an assessment of one participant. The participant's
// assessment before it is the one a rise is measured against; a raised level notifies the
// case's coordinators and its police contact (the exit pathway's, else the police members of
// the group) — each only if they may see security information now, and never the author —
// with an in-app alert (MySecurityAlerts). All in one transaction: nothing is half-saved.
func (s *Store) RecordSecurityAssessment(ctx context.Context, caseID int64, in casework.SecurityInput) (casework.SecurityAssessment, error) {
	var out casework.SecurityAssessment
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "security_assessment"}, Cat: casework.CatSecurity, Work: access.WorkAssess},
		func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
			mid := a.User.MunicipalityID
			if err := in.Validate(tx.today()); err != nil {
				return err
			}
			all, err := tx.caseSecurity(mid, caseID)
			if err != nil {
				return err
			}
			out = casework.SecurityAssessment{ID: newID(), CaseID: caseID, Kind: in.Kind, Name: in.Name, Level: in.Level, Threats: in.Threats,
				Linked: in.Linked, Escalation: in.Escalation, Measures: in.Measures, AssessedOn: in.AssessedOn, ReviewOn: in.ReviewOn,
				ByName: a.User.Name, ByAgency: a.AgencyName, CreatedAt: tx.now}
			for _, p := range all {
				if !p.Superseded && p.Participant() == out.Participant() {
					out.Previous = p.Level
					if _, err := tx.Exec(`UPDATE security_assessments SET superseded = TRUE WHERE municipality_id = $1 AND id = $2`, mid, p.ID); err != nil {
						return casework.Internal(err)
					}
					break
				}
			}
			sealed := make([]string, 5)
			for i, f := range []struct {
				col SealedColumn
				v   string
			}{{colSecName, out.Name}, {colSecThreats, out.Threats}, {colSecLinked, out.Linked}, {colSecEscalation, out.Escalation}, {colSecMeasures, out.Measures}} {
				if f.v == "" {
					continue
				}
				if sealed[i], err = tx.sealText(f.col, f.v); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(`INSERT INTO security_assessments (id, municipality_id, case_id, participant_kind, participant_name, level,
				previous_level, threats, linked, escalation, measures, assessed_on, review_on, created_at, created_by, created_by_name, created_by_agency)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
				out.ID, mid, caseID, string(out.Kind), sealed[0], string(out.Level), string(out.Previous), sealed[1], sealed[2], sealed[3], sealed[4],
				out.AssessedOn, out.ReviewOn, tx.now, a.User.ID, a.User.Name, a.AgencyName); err != nil {
				return casework.Internal(err)
			}
			if err := tx.addEvent(a, lc.Case, "security_assessment", "", "", "", casework.CatSecurity); err != nil {
				return err
			}
			if !casework.Raised(out.Previous, out.Level) {
				return nil
			}
			n, err := tx.notifyRaised(a, lc, out.ID)
			if err != nil {
				return err
			}
			return tx.audit(a, What{Action: audit.ActionCreate, Object: "security_alert", ObjectID: out.ID, YouthID: lc.Case.YouthID,
				Category: string(casework.CatSecurity), Detail: "level raised; alerts:" + strconv.Itoa(n)}, d)
		})
	return out, err
}

// notifyRaised records an alert of a raised level for each recipient who may see the case's
// security information now: its coordinators and its police contact.
func (tx *Tx) notifyRaised(author casework.Actor, lc *loadedCase, assessmentID int64) (int, error) {
	mid := author.User.MunicipalityID
	var ids []int64
	for _, st := range lc.Facts.Staff {
		if st.Role == casework.StaffCoordinator {
			ids = append(ids, st.UserID)
		}
	}
	police, err := queryAll(tx.ctx, tx, `SELECT x.police_contact_id FROM exit_pathways x WHERE x.municipality_id = $1 AND x.case_id = $2
		UNION SELECT g.user_id FROM group_members g JOIN users u ON u.id = g.user_id AND u.municipality_id = g.municipality_id
		JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
		WHERE g.municipality_id = $1 AND g.case_id = $2 AND g.removed_at IS NULL AND ag.kind = $3
		AND NOT EXISTS (SELECT 1 FROM exit_pathways x2 WHERE x2.municipality_id = $1 AND x2.case_id = $2)`,
		[]any{mid, lc.Case.ID, string(casework.AgencyPolice)}, func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		})
	if err != nil {
		return 0, err
	}
	ids = append(ids, police...)
	n := 0
	seen := map[int64]bool{author.User.ID: true}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r, err := tx.store.actorIn(tx, mid, id)
		if err != nil {
			return n, err
		}
		if r == nil || !access.Case(*r, lc.Facts, casework.CatSecurity, tx.now).Allowed {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO security_alerts (id, municipality_id, case_id, user_id, assessment_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, newID(), mid, lc.Case.ID, id, assessmentID, tx.now); err != nil {
			return n, casework.Internal(err)
		}
		n++
	}
	return n, nil
}

// actorIn loads a user of the municipality as an actor inside tx (nil when inactive or gone).
func (s *Store) actorIn(tx *Tx, municipalityID, userID int64) (*casework.Actor, error) {
	var a casework.Actor
	var kind, roles, locale string
	var unit sql.NullInt64
	err := tx.QueryRow(`SELECT `+userCols+`, ag.kind, ag.name FROM users u
		JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
		WHERE u.municipality_id = $1 AND u.id = $2`, municipalityID, userID).Scan(&a.User.ID, &a.User.MunicipalityID, &a.User.AgencyID, &unit,
		&a.User.Username, &a.User.Name, &a.User.Email, &a.User.Title, &roles, &locale, &a.User.TOTPEnabled, &a.User.Active, &a.User.CreatedAt,
		&kind, &a.AgencyName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	if !a.User.Active {
		return nil, nil
	}
	a.User.UnitID, a.User.Roles, a.User.Locale = unit.Int64, casework.ParseRoles(roles), casework.ParseLocale(locale)
	a.AgencyKind, a.Via = casework.AgencyKind(kind), casework.ViaSession
	return &a, nil
}

// SaveExitPathway records or changes the case's exit pathway. The named police contact must be
// a user of a police agency and the social-services contact one of social services. The
// destination (in.Destination, nil to leave it) may be set or changed only by someone who sees
// it (a named contact; on a new pathway, the one who names themselves), and once a destination
// is set, only they may change who is named. A protected relocation — protected housing in
// another municipality or a change of protected identity — turns on protected identity for the
// young person's whole record in the same transaction.
func (s *Store) SaveExitPathway(ctx context.Context, caseID int64, in casework.ExitInput) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "exit_pathway"}, Cat: casework.CatSecurity, Work: access.WorkAssess},
		func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
			mid := a.User.MunicipalityID
			old, err := tx.exitPathway(mid, caseID, false)
			if err != nil {
				return err
			}
			if err := in.Validate(tx.today(), old != nil && old.DestinationSet); err != nil {
				return err
			}
			var fe casework.FieldErrors
			for _, c := range []struct {
				field string
				id    int64
				kind  casework.AgencyKind
			}{{"police_contact", in.PoliceContactID, casework.AgencyPolice}, {"social_contact", in.SocialContactID, casework.AgencySocial}} {
				r, err := tx.store.actorIn(tx, mid, c.id)
				if err != nil {
					return err
				}
				if r == nil || r.AgencyKind != c.kind {
					fe.Add(c.field, "security.contact_invalid")
				}
			}
			if err := fe.Err(); err != nil {
				return err
			}
			// Who sees the destination: the named contacts after this change.
			named := lc.Facts
			named.ExitNamed = exitNamed(in.PoliceContactID, in.SocialContactID)
			sees := lc.May.Read(casework.CatExitDestination).Allowed
			if old != nil && old.DestinationSet && !sees && (old.PoliceContactID != in.PoliceContactID || old.SocialContactID != in.SocialContactID) {
				return casework.Errorf(casework.EForbidden, "security.destination_named_only", "only a named contact may rename the contacts")
			}
			dest := ""
			if old != nil {
				if err := tx.QueryRow(`SELECT destination FROM exit_pathways WHERE municipality_id = $1 AND case_id = $2`, mid, caseID).Scan(&dest); err != nil {
					return casework.Internal(err)
				}
			}
			if in.Destination != nil && *in.Destination == "" && (old == nil || !old.DestinationSet) {
				in.Destination = nil // nothing set, nothing to clear
			}
			if in.Destination != nil {
				// Setting it needs seeing it afterwards (a contact naming themselves on a new
				// pathway), and, when one was set, seeing it now.
				if (old != nil && old.DestinationSet && !sees) || !access.Case(a, named, casework.CatExitDestination, tx.now).Allowed {
					return casework.Invalid("destination", "security.destination_named_only")
				}
				dest = ""
				if *in.Destination != "" {
					if dest, err = tx.sealText(colExitDest, *in.Destination); err != nil {
						return err
					}
				}
				if err := tx.audit(a, What{Action: audit.ActionUpdate, Object: "exit_destination", ObjectID: caseID, YouthID: lc.Case.YouthID,
					Category: string(casework.CatExitDestination)}, access.Case(a, named, casework.CatExitDestination, tx.now)); err != nil {
					return err
				}
			}
			seal := func(c SealedColumn, v string) (string, error) {
				if v == "" {
					return "", nil
				}
				return tx.sealText(c, v)
			}
			police, err := seal(colExitPolice, in.PoliceAssessment)
			if err != nil {
				return err
			}
			programme, err := seal(colExitProgramme, in.Programme)
			if err != nil {
				return err
			}
			if old == nil {
				_, err = tx.Exec(`INSERT INTO exit_pathways (case_id, municipality_id, stage, wish_on, police_assessment, programme, police_contact_id,
					social_contact_id, destination, updated_at, updated_by, updated_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
					caseID, mid, string(in.Stage), in.WishOn, police, programme, in.PoliceContactID, in.SocialContactID, dest, tx.now, a.User.ID, a.User.Name)
			} else {
				_, err = tx.Exec(`UPDATE exit_pathways SET stage = $1, wish_on = $2, police_assessment = $3, programme = $4, police_contact_id = $5,
					social_contact_id = $6, destination = $7, updated_at = $8, updated_by = $9, updated_by_name = $10
					WHERE municipality_id = $11 AND case_id = $12`,
					string(in.Stage), in.WishOn, police, programme, in.PoliceContactID, in.SocialContactID, dest, tx.now, a.User.ID, a.User.Name, mid, caseID)
			}
			if err != nil {
				return casework.Internal(err)
			}
			if err := tx.addEvent(a, lc.Case, "exit_pathway", "", "", "", casework.CatSecurity); err != nil {
				return err
			}
			if in.Stage.Protective() && !lc.Facts.ProtectedIdentity {
				return tx.protectRelocated(a, lc)
			}
			return nil
		})
}

// protectRelocated turns on protected identity for a young person moved under protection: the
// same flag the population register's protection sets (identity.go), so the address, school
// and meeting places of every case of theirs are hidden at once from everyone the
// municipality's protected roles leave out.
func (tx *Tx) protectRelocated(a casework.Actor, lc *loadedCase) error {
	mid := a.User.MunicipalityID
	if _, err := tx.Exec(`UPDATE youths SET protected_identity = TRUE, updated_at = $1 WHERE municipality_id = $2 AND id = $3`,
		tx.now, mid, lc.Case.YouthID); err != nil {
		return casework.Internal(err)
	}
	if err := tx.addEvent(a, lc.Case, "protected_relocation", "", "", "", casework.CatSecurity); err != nil {
		return err
	}
	return tx.audit(a, What{Action: audit.ActionUpdate, Object: "youth", ObjectID: lc.Case.YouthID, YouthID: lc.Case.YouthID,
		Category: string(casework.CatProtected), Detail: "protected identity on: protected relocation"}, lc.May.Write(access.WorkAssess, casework.CatSecurity))
}

// SecurityAlert is an in-app notice that a threat level was raised on a case the recipient
// may see security information of. It names the case and the level, never the texts.
type SecurityAlert struct {
	ID        int64
	CaseID    int64
	Name      string // the young person
	Level     casework.ThreatLevel
	Previous  casework.ThreatLevel
	CreatedAt time.Time
}

// MySecurityAlerts lists the actor's unseen alerts of raised levels, newest first — only on
// cases where the actor may see security information now (the same grounds as access.Case's
// security rule, in SQL) — and the current assessments whose review date has come on the cases
// the actor is staff on. Each young person listed is audited.
func (s *Store) MySecurityAlerts(ctx context.Context) ([]SecurityAlert, []SecurityReview, error) {
	w := What{Action: audit.ActionList, Object: "security_alert", Category: string(casework.CatSecurity)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, nil, err
	}
	var alerts []SecurityAlert
	var reviews []SecurityReview
	err = s.readAudited(ctx, func(tx *Tx) error {
		settings, err := tx.settings(a.User.MunicipalityID)
		if err != nil {
			return err
		}
		args := []any{a.User.MunicipalityID, a.User.ID}
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		alerts, err = queryAll(ctx, tx, `SELECT al.id, al.case_id, y.first_name || ' ' || y.last_name, sa.level, sa.previous_level, al.created_at
			FROM security_alerts al
			JOIN security_assessments sa ON sa.id = al.assessment_id AND sa.municipality_id = al.municipality_id
			JOIN cases c ON c.id = al.case_id AND c.municipality_id = al.municipality_id
			JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			WHERE al.municipality_id = $1 AND al.user_id = $2 AND al.seen_at IS NULL AND `+securityEachSQL(a, settings, tx.now, arg)+`
			ORDER BY al.created_at DESC, al.id`, args, func(sc scanner) (SecurityAlert, error) {
			var r SecurityAlert
			var level, prev string
			err := sc.Scan(&r.ID, &r.CaseID, &r.Name, &level, &prev, &r.CreatedAt)
			r.Level, r.Previous, r.CreatedAt = casework.ThreatLevel(level), casework.ThreatLevel(prev), r.CreatedAt.UTC()
			return r, err
		})
		if err != nil {
			return err
		}
		if reviews, err = tx.dueReviews(a); err != nil {
			return err
		}
		var ids []int64
		seen := map[int64]bool{}
		add := func(caseID int64) {
			if !seen[caseID] {
				seen[caseID] = true
				ids = append(ids, caseID)
			}
		}
		for _, r := range alerts {
			add(r.CaseID)
		}
		for _, r := range reviews {
			add(r.CaseID)
		}
		youths, err := tx.youthsOfCases(a.User.MunicipalityID, ids)
		if err != nil {
			return err
		}
		return tx.auditList(a, w, youths, d)
	})
	return alerts, reviews, err
}

// SecurityReview is a current assessment whose review date has come, on a case the actor is
// staff on.
type SecurityReview struct {
	CaseID   int64
	Name     string // the young person
	Kind     casework.ParticipantKind
	Level    casework.ThreatLevel
	ReviewOn string
}

// dueReviews lists the current assessments due for review on the actor's own cases (staff):
// the latest of each participant, found in SQL by "not superseded".
func (tx *Tx) dueReviews(a casework.Actor) ([]SecurityReview, error) {
	args := []any{a.User.MunicipalityID, tx.today()}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	return queryAll(tx.ctx, tx, `SELECT sa.case_id, y.first_name || ' ' || y.last_name, sa.participant_kind, sa.level, sa.review_on
		FROM security_assessments sa
		JOIN cases c ON c.id = sa.case_id AND c.municipality_id = sa.municipality_id
		JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE sa.municipality_id = $1 AND NOT sa.superseded AND sa.review_on <= $2 AND `+staffCaseSQL(a, arg)+`
		ORDER BY sa.review_on, sa.case_id`, args, func(sc scanner) (SecurityReview, error) {
		var r SecurityReview
		var kind, level string
		err := sc.Scan(&r.CaseID, &r.Name, &kind, &level, &r.ReviewOn)
		r.Kind, r.Level = casework.ParticipantKind(kind), casework.ThreatLevel(level)
		return r, err
	})
}

// youthsOfCases returns the young people of the cases, for an audit entry.
func (tx *Tx) youthsOfCases(municipalityID int64, caseIDs []int64) ([]int64, error) {
	var out []int64
	for _, id := range caseIDs {
		var y int64
		if err := tx.QueryRow(`SELECT youth_id FROM cases WHERE municipality_id = $1 AND id = $2`, municipalityID, id).Scan(&y); err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, y)
	}
	return out, nil
}

// securityEachSQL is access.Case's security rule as a probe per case (c): staff on the case,
// or — for an actor whose agency kind the municipality lists — a valid consent naming their
// agency or them.
func securityEachSQL(a casework.Actor, st casework.Settings, now time.Time, arg func(any) string) string {
	if !listsCases(a) {
		return "1 = 0"
	}
	u := arg(a.User.ID)
	staff := `EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = c.id AND s.user_id = ` + u + `)`
	if !slices.Contains(st.SecurityAgencyKinds(), a.AgencyKind) {
		return staff
	}
	m, ag, n := arg(a.User.MunicipalityID), arg(a.User.AgencyID), arg(now.UTC())
	return `(` + staff + ` OR EXISTS (SELECT 1 FROM consents k JOIN consent_parties p ON p.consent_id = k.id
			WHERE k.case_id = c.id AND k.municipality_id = ` + m + ` AND (p.agency_id = ` + ag + ` OR p.user_id = ` + u + `)
			AND k.signed_at IS NOT NULL AND k.valid_from <= ` + n + ` AND k.valid_until > ` + n + `
			AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ` + n + `)))`
}

// MarkSecurityAlertsSeen marks the actor's alerts on a case seen. It goes through the door
// (category security): an actor who may no longer see the case's security information finds
// no case, like everyone else.
func (s *Store) MarkSecurityAlertsSeen(ctx context.Context, caseID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "security_alert", Detail: "seen"}, Cat: casework.CatSecurity},
		func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
			_, err := tx.Exec(`UPDATE security_alerts SET seen_at = $1 WHERE municipality_id = $2 AND user_id = $3 AND case_id = $4 AND seen_at IS NULL`,
				tx.now, a.User.MunicipalityID, a.User.ID, caseID)
			if err != nil {
				return casework.Internal(err)
			}
			return nil
		})
}
