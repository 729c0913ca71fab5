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

// Session is a login. The token itself is never stored: only its SHA-256 hash.
type Session struct {
	TokenHash      []byte
	MunicipalityID int64
	UserID         int64
	AuthMethod     string // "password", "oidc"
	MFAPending     bool   // password accepted, second factor not yet
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time

	// MFA: the login used a second factor (a TOTP code, or a provider's claim that it did).
	MFA bool
	// AuthenticatedAt is when the person last proved who they are (login, or step-up).
	AuthenticatedAt time.Time
	// The identity provider's session (single sign-on): its logout ends this one.
	IdPProvider int64
	IdPSubject  string
	IdPSession  string

	// Needs is what the municipality's policy still asks of this session before anything else
	// ("" nothing; see auth.Needs*). Set by package auth, not stored.
	Needs string
	// Fresh: AuthenticatedAt is within the municipality's step-up time. Set by package auth.
	Fresh bool
}

// CreateSession stores a new session and records the login in the audit log.
func (s *Store) CreateSession(ctx context.Context, a casework.Actor, sess *Session) error {
	return s.update(ctx, func(tx *Tx) error {
		sess.CreatedAt, sess.LastSeenAt = tx.now, tx.now
		sess.AuthenticatedAt = tx.now
		if _, err := tx.Exec(`INSERT INTO sessions (token_hash, municipality_id, user_id, auth_method, mfa_pending,
			created_at, last_seen_at, expires_at, mfa, authenticated_at, idp_provider, idp_subject, idp_session)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $6, $9, $10, $11)`,
			sess.TokenHash, sess.MunicipalityID, sess.UserID, sess.AuthMethod, sess.MFAPending, tx.now, sess.ExpiresAt.UTC(),
			sess.MFA, sess.IdPProvider, sess.IdPSubject, sess.IdPSession); err != nil {
			return casework.Internal(err)
		}
		detail := sess.AuthMethod
		if sess.MFAPending {
			detail += ", second factor pending"
		}
		if sess.MFA {
			detail += ", second factor"
		}
		detail += casework.FromAddr(casework.ClientAddrFrom(ctx))
		return tx.audit(a, What{Action: audit.ActionLogin, Object: "session", ObjectID: a.User.ID, Detail: detail}, access.Allow(access.GroundCredentials))
	})
}

// SessionByToken returns the session with this token hash, live or not: package auth decides
// whether it still is, by the municipality's settings.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte) (Session, error) {
	var sess Session
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT token_hash, municipality_id, user_id, auth_method, mfa_pending,
		created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`, tokenHash).Scan(
		&sess.TokenHash, &sess.MunicipalityID, &sess.UserID, &sess.AuthMethod, &sess.MFAPending,
		&sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no session")
	}
	if err != nil {
		return sess, casework.Internal(err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()
	return sess, nil
}

// SessionWithActor reads a session, its municipality's settings (its idle time) and its
// user with their agency in ONE statement: every request that carries a session cookie asks
// it. The actor is unauthorized when the user is unknown or inactive; the caller decides
// whether the session is still live by the settings.
func (s *Store) SessionWithActor(ctx context.Context, tokenHash []byte) (Session, casework.Settings, casework.Actor, error) {
	var sess Session
	var settings string
	var a casework.Actor
	var uid, aid sql.NullInt64
	var unit sql.NullInt64
	var username, name, email, title, roles, locale, kind, agency sql.NullString
	var totp, active sql.NullBool
	var passkey bool
	var created, authAt sql.NullTime
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT s.token_hash, s.municipality_id, s.user_id, s.auth_method, s.mfa_pending,
		s.created_at, s.last_seen_at, s.expires_at, s.mfa, s.authenticated_at, s.idp_provider, s.idp_subject, s.idp_session, m.settings,
		u.id, u.agency_id, u.unit_id, u.username, u.name, u.email, u.title, u.roles, u.locale, u.totp_enabled, u.active, u.created_at,
		ag.kind, ag.name, EXISTS (SELECT 1 FROM passkeys pk WHERE pk.municipality_id = s.municipality_id AND pk.user_id = s.user_id)
		FROM sessions s JOIN municipalities m ON m.id = s.municipality_id
		LEFT JOIN users u ON u.id = s.user_id AND u.municipality_id = s.municipality_id
		LEFT JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
		WHERE s.token_hash = $1`, tokenHash).Scan(
		&sess.TokenHash, &sess.MunicipalityID, &sess.UserID, &sess.AuthMethod, &sess.MFAPending,
		&sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.MFA, &authAt, &sess.IdPProvider, &sess.IdPSubject, &sess.IdPSession, &settings,
		&uid, &aid, &unit, &username, &name, &email, &title, &roles, &locale, &totp, &active, &created, &kind, &agency, &passkey)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, casework.Settings{}, a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no session")
	}
	if err != nil {
		return sess, casework.Settings{}, a, casework.Internal(err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()
	sess.AuthenticatedAt = sess.CreatedAt
	if authAt.Valid {
		sess.AuthenticatedAt = authAt.Time.UTC()
	}
	st, err := s.settings.parse(settings)
	if err != nil {
		return sess, st, a, casework.Internal(err)
	}
	if !uid.Valid || !aid.Valid || !kind.Valid {
		return sess, st, a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no such user")
	}
	a.User = casework.User{ID: uid.Int64, MunicipalityID: sess.MunicipalityID, AgencyID: aid.Int64, UnitID: unit.Int64,
		Username: username.String, Name: name.String, Email: email.String, Title: title.String,
		Roles: casework.ParseRoles(roles.String), Locale: casework.ParseLocale(locale.String),
		TOTPEnabled: totp.Bool, HasPasskey: passkey, Active: active.Bool, CreatedAt: created.Time.UTC()}
	a.AgencyKind, a.AgencyName, a.Via = casework.AgencyKind(kind.String), agency.String, casework.ViaSession
	if !a.User.Active {
		return sess, st, a, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "user inactive")
	}
	return sess, st, a, nil
}

// TouchSession records that the session was used now.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.wr(ctx).ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, s.now().UTC(), tokenHash); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// ExpireSession deletes a session found dead (idle or past its end). Not a logout: not audited.
func (s *Store) ExpireSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// CompleteMFA marks a session's second factor as given.
func (s *Store) CompleteMFA(ctx context.Context, a casework.Actor, tokenHash []byte) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE sessions SET mfa_pending = $1, mfa = $2, authenticated_at = $3 WHERE token_hash = $4 AND user_id = $5`,
			false, true, tx.now, tokenHash, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, What{Action: audit.ActionLogin, Object: "session", ObjectID: a.User.ID, Detail: "second factor given" + casework.FromAddr(casework.ClientAddrFrom(ctx))}, access.Allow(access.GroundTOTP))
	})
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, a casework.Actor, tokenHash []byte) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, What{Action: audit.ActionLogout, Object: "session", ObjectID: a.User.ID}, access.Allow(access.GroundSelf))
	})
}

// PurgeSessions deletes sessions past their absolute expiry or unused for longer than idle
// (the longest idle time any municipality allows).
func (s *Store) PurgeSessions(ctx context.Context, idle time.Duration) (int64, error) {
	now := s.now().UTC()
	res, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-idle))
	if err != nil {
		return 0, casework.Internal(err)
	}
	return res.RowsAffected()
}

// Reauthenticated replaces a session whose person proved who they are again just now (step-up
// before an extract) by a new one under newHash, authenticated now; with a second factor
// given, the new session has one. The old token stops working (ASVS 7.2.4).
func (s *Store) Reauthenticated(ctx context.Context, a casework.Actor, oldHash, newHash []byte, mfa bool) error {
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`INSERT INTO sessions (token_hash, municipality_id, user_id, auth_method, mfa_pending, created_at,
			last_seen_at, expires_at, mfa, authenticated_at, idp_provider, idp_subject, idp_session)
			SELECT $1, municipality_id, user_id, auth_method, mfa_pending, created_at, $2, expires_at, (mfa OR $3), $2,
			idp_provider, idp_subject, idp_session FROM sessions WHERE token_hash = $4 AND user_id = $5 AND municipality_id = $6`,
			newHash, tx.now, mfa, oldHash, a.User.ID, a.User.MunicipalityID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no session to renew")
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = $1`, oldHash); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, What{Action: audit.ActionLogin, Object: "session", ObjectID: a.User.ID,
			Detail: "step-up" + casework.FromAddr(casework.ClientAddrFrom(ctx))}, access.Allow(access.GroundCredentials))
	})
}

// SessionsOf lists the actor's own live-or-not sessions, newest first (their token hashes
// identify them to their owner only).
func (s *Store) SessionsOf(ctx context.Context, a casework.Actor) ([]Session, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT token_hash, auth_method, mfa, created_at, last_seen_at, expires_at, idp_provider
		FROM sessions WHERE municipality_id = $1 AND user_id = $2 AND mfa_pending = $3 ORDER BY created_at DESC`, a.User.MunicipalityID, a.User.ID, false)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess := Session{MunicipalityID: a.User.MunicipalityID, UserID: a.User.ID}
		if err := rows.Scan(&sess.TokenHash, &sess.AuthMethod, &sess.MFA, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.IdPProvider); err != nil {
			return nil, casework.Internal(err)
		}
		sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()
		out = append(out, sess)
	}
	return out, rows.Err()
}

// EndOwnSession ends one of the actor's own sessions; another's is not found.
func (s *Store) EndOwnSession(ctx context.Context, a casework.Actor, tokenHash []byte) error {
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = $1 AND municipality_id = $2 AND user_id = $3`, tokenHash, a.User.MunicipalityID, a.User.ID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("session")
		}
		return tx.audit(a, What{Action: audit.ActionLogout, Object: "session", ObjectID: a.User.ID, Detail: "ended by its owner from another session"}, access.Allow(access.GroundSelf))
	})
}
