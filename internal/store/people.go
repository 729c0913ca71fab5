package store

import (
	"context"
	"fmt"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Colleague is a user as other case workers see them when choosing a coordinator, a case
// officer or a person named in a consent: name, title, agency. No contact details.
type Colleague struct {
	ID         int64
	Name       string
	Title      string
	AgencyID   int64
	AgencyName string
	AgencyKind casework.AgencyKind
	Roles      casework.RoleSet
}

// Colleagues lists the active users of the actor's municipality who hold role r (all case
// roles when r is ""), for case workers' choices.
func (s *Store) Colleagues(ctx context.Context, r casework.Role) ([]Colleague, error) {
	a, _, err := s.permit(ctx, access.WorkWithCases, What{Action: audit.ActionList, Object: "user", Detail: "colleagues"})
	if err != nil {
		return nil, err
	}
	rows, err := queryAll(ctx, s.rd(ctx), `SELECT u.id, u.name, u.title, u.agency_id, a.name, a.kind, u.roles FROM users u
		JOIN agencies a ON a.id = u.agency_id AND a.municipality_id = u.municipality_id
		WHERE u.municipality_id = $1 AND u.active = TRUE ORDER BY u.name`, []any{a.User.MunicipalityID},
		func(sc scanner) (Colleague, error) {
			var c Colleague
			var kind, roles string
			err := sc.Scan(&c.ID, &c.Name, &c.Title, &c.AgencyID, &c.AgencyName, &kind, &roles)
			c.AgencyKind, c.Roles = casework.AgencyKind(kind), casework.ParseRoles(roles)
			return c, err
		})
	if err != nil {
		return nil, err
	}
	var out []Colleague
	for _, c := range rows {
		if (r == "" && (c.Roles.Has(casework.RoleCoordinator) || c.Roles.Has(casework.RoleCaseOfficer) || c.Roles.Has(casework.RoleGroupMember) || c.Roles.Has(casework.RolePrepGroup))) || (r != "" && c.Roles.Has(r)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// ExpiringConsent is a case whose valid consent ends soon.
type ExpiringConsent struct {
	CaseID     int64
	YouthID    int64
	Name       string
	ConsentID  int64
	ValidUntil time.Time
	Renewed    bool // a renewal is drawn up (signed or not)
}

// consentExpiringSQL is the condition that the consent k, on the case c, is in force at $2 and
// ends by $3 on an open case: signed, begun, not ended, not withdrawn, the case neither closed
// nor followed up. The start page's list and the consent reminders share it.
const consentExpiringSQL = `k.signed_at IS NOT NULL AND k.valid_from <= $2 AND k.valid_until > $2
	AND k.valid_until <= $3 AND (k.withdrawn_at IS NULL OR k.withdrawn_at > $2)
	AND c.step NOT IN ('closed', 'followed_up')`

// consentRenewedSQL is true when a renewal of the consent k is drawn up (signed or not) and
// not withdrawn: the start page marks the consent, and no reminder is sent about it.
const consentRenewedSQL = `EXISTS (SELECT 1 FROM consents r WHERE r.renews_id = k.id AND r.withdrawn_at IS NULL)`

// ExpiringConsents lists the consents valid now that end within the given time, on cases the
// actor works on as staff (the people who renew them), soonest first. The start page asks for
// casework.ConsentSoon.
func (s *Store) ExpiringConsents(ctx context.Context, within time.Duration) ([]ExpiringConsent, error) {
	w := What{Action: audit.ActionList, Object: "consent", Detail: "expiring"}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	var out []ExpiringConsent
	err = s.readAudited(ctx, func(tx *Tx) error {
		now := tx.now
		out, err = queryAll(ctx, tx, `SELECT c.id, c.youth_id, y.first_name || ' ' || y.last_name, k.id, k.valid_until,
			`+consentRenewedSQL+`
			FROM case_staff s CROSS JOIN consents k
			JOIN cases c ON c.id = k.case_id AND c.municipality_id = k.municipality_id
			JOIN youths y ON y.id = c.youth_id
			WHERE s.municipality_id = $1 AND s.user_id = $4 AND k.municipality_id = $1 AND k.case_id = s.case_id
			AND `+consentExpiringSQL+`
			ORDER BY k.valid_until, k.id`, []any{a.User.MunicipalityID, now, now.Add(within), a.User.ID},
			func(sc scanner) (ExpiringConsent, error) {
				var e ExpiringConsent
				err := sc.Scan(&e.CaseID, &e.YouthID, &e.Name, &e.ConsentID, &e.ValidUntil, &e.Renewed)
				e.ValidUntil = e.ValidUntil.UTC()
				return e, err
			})
		if err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, e := range out {
			ids[i] = e.YouthID
		}
		return tx.auditList(a, w, ids, d)
	})
	if err != nil {
		return nil, fmt.Errorf("expiring consents: %w", err)
	}
	return out, nil
}
