package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Staff accounts hold personal data too (names, e-mail addresses). Reading and changing them
// is an administrator's action and is audited like any other.

const userCols = `u.id, u.municipality_id, u.agency_id, u.unit_id, u.username, u.name, u.email, u.title,
	u.roles, u.locale, u.totp_enabled, u.active, u.created_at`

func scanUser(sc scanner) (casework.User, error) {
	var u casework.User
	var unit sql.NullInt64
	var roles, locale string
	err := sc.Scan(&u.ID, &u.MunicipalityID, &u.AgencyID, &unit, &u.Username, &u.Name, &u.Email, &u.Title,
		&roles, &locale, &u.TOTPEnabled, &u.Active, &u.CreatedAt)
	u.UnitID = unit.Int64
	u.Roles = casework.ParseRoles(roles)
	u.Locale = casework.ParseLocale(locale)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// requireActor returns the actor on ctx or an unauthorized error.
func requireActor(ctx context.Context) (casework.Actor, error) {
	a, ok := casework.ActorFrom(ctx)
	if !ok {
		return a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no actor on context")
	}
	return a, nil
}

// permit checks a role-level permission for the actor on ctx, auditing a refusal.
func (s *Store) permit(ctx context.Context, p access.Permission, w What) (casework.Actor, access.Decision, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return a, access.Decision{}, err
	}
	d := access.Can(a, p)
	if !d.Allowed {
		s.auditDenied(ctx, a, w, d)
		return a, d, casework.Errorf(casework.EForbidden, "error.forbidden", "%s needs %s", w.Action, p)
	}
	return a, d, nil
}

// CreateUser creates an account in the actor's municipality with a password hash made by
// package auth.
func (s *Store) CreateUser(ctx context.Context, u *casework.User, passwordHash string) error {
	w := What{Action: audit.ActionCreate, Object: "user"}
	a, d, err := s.permit(ctx, access.ManageUsers, w)
	if err != nil {
		return err
	}
	u.MunicipalityID = a.User.MunicipalityID
	u.Username = casework.NormaliseUsername(u.Username)
	u.Name = strings.TrimSpace(u.Name)
	u.Email = strings.TrimSpace(u.Email)
	if u.Locale == "" {
		u.Locale = casework.LocaleSv
	}
	if err := u.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		u.ID, u.CreatedAt, u.Active = newID(), tx.now, true
		_, err := tx.Exec(`INSERT INTO users (id, municipality_id, agency_id, unit_id, username, name, email, title,
			roles, locale, password_hash, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			u.ID, u.MunicipalityID, u.AgencyID, nullID(u.UnitID), u.Username, u.Name, u.Email, u.Title,
			u.Roles.String(), string(u.Locale), passwordHash, true, tx.now)
		switch {
		case isUniqueViolation(err):
			return casework.Invalid("username", "user.username_taken")
		case err != nil && isForeignKeyViolation(err):
			return casework.Invalid("agency", "user.agency_required")
		case err != nil:
			return casework.Internal(err)
		}
		w.ObjectID = u.ID
		return tx.audit(a, w, d)
	})
}

// UpdateUser changes an account's name, contact, agency, unit, roles and active flag.
// Deactivating a user ends their sessions.
func (s *Store) UpdateUser(ctx context.Context, u *casework.User) error {
	w := What{Action: audit.ActionUpdate, Object: "user", ObjectID: u.ID}
	a, d, err := s.permit(ctx, access.ManageUsers, w)
	if err != nil {
		return err
	}
	u.Name, u.Email = strings.TrimSpace(u.Name), strings.TrimSpace(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE users SET name = $1, email = $2, title = $3, agency_id = $4, unit_id = $5,
			roles = $6, active = $7, updated_at = $8 WHERE municipality_id = $9 AND id = $10`,
			u.Name, u.Email, u.Title, u.AgencyID, nullID(u.UnitID), u.Roles.String(), u.Active, tx.now,
			a.User.MunicipalityID, u.ID)
		if err != nil {
			if isForeignKeyViolation(err) {
				return casework.Invalid("agency", "user.agency_required")
			}
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("user")
		}
		if !u.Active {
			if _, err := tx.Exec(`DELETE FROM sessions WHERE municipality_id = $1 AND user_id = $2`, a.User.MunicipalityID, u.ID); err != nil {
				return casework.Internal(err)
			}
		}
		return tx.audit(a, w, d)
	})
}

// SetPassword replaces a user's password hash: administrators for anyone in their
// municipality, every user for themselves. All the user's sessions end, and so do their API
// tokens: a new password is what someone does who fears the old one is known, and whoever knew
// it could have made a token with it (docs/security.md, issue 19).
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	w := What{Action: audit.ActionUpdate, Object: "user", ObjectID: userID, Detail: "password"}
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	d := access.Allow(access.GroundSelf)
	if a.User.ID != userID {
		if _, d, err = s.permit(ctx, access.ManageUsers, w); err != nil {
			return err
		}
	}
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE users SET password_hash = $1, updated_at = $2 WHERE municipality_id = $3 AND id = $4`,
			passwordHash, tx.now, a.User.MunicipalityID, userID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("user")
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE municipality_id = $1 AND user_id = $2`, a.User.MunicipalityID, userID); err != nil {
			return casework.Internal(err)
		}
		res, err = tx.Exec(`UPDATE api_tokens SET revoked_at = $1 WHERE municipality_id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			tx.now, a.User.MunicipalityID, userID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			w.Detail += fmt.Sprintf(", %d API tokens revoked", n)
		}
		return tx.audit(a, w, d)
	})
}

// User returns one account of the actor's municipality: administrators may read any, every
// user their own.
func (s *Store) User(ctx context.Context, id int64) (casework.User, error) {
	w := What{Action: audit.ActionRead, Object: "user", ObjectID: id}
	a, err := requireActor(ctx)
	if err != nil {
		return casework.User{}, err
	}
	d := access.Allow(access.GroundSelf)
	if a.User.ID != id {
		if _, d, err = s.permit(ctx, access.ManageUsers, w); err != nil {
			return casework.User{}, err
		}
	}
	var u casework.User
	err = s.update(ctx, func(tx *Tx) error {
		u, err = scanUser(tx.QueryRow(`SELECT `+userCols+` FROM users u WHERE u.municipality_id = $1 AND u.id = $2`, a.User.MunicipalityID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return casework.NotFound("user")
		}
		if err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, w, d)
	})
	return u, err
}

// Users lists the accounts of the actor's municipality, for administrators.
func (s *Store) Users(ctx context.Context) ([]casework.User, error) {
	w := What{Action: audit.ActionList, Object: "user"}
	a, d, err := s.permit(ctx, access.ManageUsers, w)
	if err != nil {
		return nil, err
	}
	var out []casework.User
	err = s.update(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, `SELECT `+userCols+` FROM users u WHERE u.municipality_id = $1 ORDER BY u.name`,
			[]any{a.User.MunicipalityID}, scanUser)
		if err != nil {
			return err
		}
		return tx.audit(a, w, d)
	})
	return out, err
}

// SetLocale changes the actor's own interface language.
func (s *Store) SetLocale(ctx context.Context, l casework.Locale) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE users SET locale = $1, updated_at = $2 WHERE municipality_id = $3 AND id = $4`,
			string(l), tx.now, a.User.MunicipalityID, a.User.ID)
		if err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// Credentials is what authentication needs of a user; it never leaves package auth's hands.
type Credentials struct {
	User         casework.User
	PasswordHash string
	TOTPSecret   string
}

// CredentialsByUsername looks up a user for login. Not audited here: the login attempt itself
// is (see auth).
func (s *Store) CredentialsByUsername(ctx context.Context, username string) (Credentials, error) {
	var c Credentials
	var unit sql.NullInt64
	var roles, locale string
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT u.id, u.municipality_id, u.agency_id, u.unit_id, u.username, u.name,
		u.email, u.title, u.roles, u.locale, u.totp_enabled, u.active, u.created_at, u.password_hash, u.totp_secret
		FROM users u WHERE u.username = $1`, casework.NormaliseUsername(username)).Scan(
		&c.User.ID, &c.User.MunicipalityID, &c.User.AgencyID, &unit, &c.User.Username, &c.User.Name, &c.User.Email,
		&c.User.Title, &roles, &locale, &c.User.TOTPEnabled, &c.User.Active, &c.User.CreatedAt, &c.PasswordHash, &c.TOTPSecret)
	if errors.Is(err, sql.ErrNoRows) {
		return c, casework.NotFound("user")
	}
	if err != nil {
		return c, casework.Internal(err)
	}
	c.User.UnitID = unit.Int64
	c.User.Roles = casework.ParseRoles(roles)
	c.User.Locale = casework.ParseLocale(locale)
	return c, nil
}

// Actor loads the actor for an authenticated user: the user with their agency. An inactive
// or unknown user yields unauthorized.
func (s *Store) Actor(ctx context.Context, municipalityID, userID int64, via string) (casework.Actor, error) {
	var a casework.Actor
	var kind string
	row := s.rd(ctx).QueryRowContext(ctx, `SELECT `+userCols+`, ag.kind, ag.name FROM users u
		JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
		WHERE u.municipality_id = $1 AND u.id = $2`, municipalityID, userID)
	var unit sql.NullInt64
	var roles, locale string
	err := row.Scan(&a.User.ID, &a.User.MunicipalityID, &a.User.AgencyID, &unit, &a.User.Username, &a.User.Name,
		&a.User.Email, &a.User.Title, &roles, &locale, &a.User.TOTPEnabled, &a.User.Active, &a.User.CreatedAt, &kind, &a.AgencyName)
	if errors.Is(err, sql.ErrNoRows) {
		return a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no such user")
	}
	if err != nil {
		return a, casework.Internal(err)
	}
	if !a.User.Active {
		return a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "user inactive")
	}
	a.User.UnitID = unit.Int64
	a.User.Roles = casework.ParseRoles(roles)
	a.User.Locale = casework.ParseLocale(locale)
	a.AgencyKind = casework.AgencyKind(kind)
	a.Via = via
	return a, nil
}

// SetTOTP stores (enabled) or clears (disabled) the actor's own second factor.
func (s *Store) SetTOTP(ctx context.Context, secret string, enabled bool) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = 0, updated_at = $3 WHERE municipality_id = $4 AND id = $5`,
			secret, enabled, tx.now, a.User.MunicipalityID, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		detail := "totp disabled"
		if enabled {
			detail = "totp enabled"
		}
		return tx.audit(a, What{Action: audit.ActionUpdate, Object: "user", ObjectID: a.User.ID, Detail: detail}, access.Allow(access.GroundSelf))
	})
}

// UseTOTPStep records that the user gave the second-factor code of TOTP time step step, and
// reports false when a code of that step or a later one was used already: each code logs in
// once (RFC 6238 §5.2). The check and the record are one statement, so two requests racing
// with the same code cannot both pass.
func (s *Store) UseTOTPStep(ctx context.Context, municipalityID, userID, step int64) (bool, error) {
	var used bool
	err := s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE users SET totp_last_step = $1 WHERE municipality_id = $2 AND id = $3 AND totp_last_step < $1`,
			step, municipalityID, userID)
		if err != nil {
			return casework.Internal(err)
		}
		n, err := res.RowsAffected()
		used = err == nil && n == 1
		return nil
	})
	return used, err
}
