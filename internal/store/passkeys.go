package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Passkeys (docs/passkeys.md): a user's WebAuthn credentials and the ceremonies under way.
// The store keeps what package auth verified; it knows nothing of WebAuthn itself: a
// credential is kept as the library's JSON record (public key, flags, counter) beside the
// columns the store looks it up and shows it by.

// Passkey is one of a user's registered credentials.
type Passkey struct {
	ID             int64
	MunicipalityID int64
	UserID         int64
	CredentialID   []byte
	UserHandle     []byte // the WebAuthn user handle: random, the same for all of a user's passkeys
	Name           string // the user's name for it ("Jobbdatorn")
	Credential     []byte // auth's record of it (JSON)
	SignCount      uint32
	CloneWarning   bool // a signature counter that did not go up was seen: the key may be copied
	CreatedAt      time.Time
	LastUsedAt     time.Time
}

// Purposes of a passkey ceremony: a challenge is taken only for the purpose it was made for.
const (
	PasskeyRegister = "register" // a signed-in user adds a passkey
	PasskeyLogin    = "login"    // passwordless login: any user's discoverable credential
	PasskeyMFA      = "mfa"      // the second factor after the password
	PasskeyStepUp   = "stepup"   // a fresh authentication before an extract
)

// PasskeyChallenge is a ceremony under way: the library's session data (with the challenge),
// for whom and for what. The key is the hash of a random token kept in the browser's cookie.
type PasskeyChallenge struct {
	KeyHash        []byte
	MunicipalityID int64 // 0 for a passwordless login: nobody is known yet
	UserID         int64
	Purpose        string
	Session        []byte
	ExpiresAt      time.Time
}

// ValidatePasskeyName checks the name a user gives a passkey.
func ValidatePasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return name, casework.Invalid("name", "passkey.name_invalid")
	}
	return name, nil
}

const passkeyCols = `id, municipality_id, user_id, credential_id, user_handle, name, credential, sign_count, clone_warning, created_at, last_used_at`

func scanPasskey(sc scanner) (Passkey, error) {
	var p Passkey
	var cred string
	var count int64
	var used sql.NullTime
	if err := sc.Scan(&p.ID, &p.MunicipalityID, &p.UserID, &p.CredentialID, &p.UserHandle, &p.Name, &cred, &count,
		&p.CloneWarning, &p.CreatedAt, &used); err != nil {
		return p, err
	}
	p.Credential, p.SignCount, p.CreatedAt = []byte(cred), uint32(count), p.CreatedAt.UTC()
	if used.Valid {
		p.LastUsedAt = used.Time.UTC()
	}
	return p, nil
}

// PasskeysOf lists a user's passkeys, oldest first.
func (s *Store) PasskeysOf(ctx context.Context, municipalityID, userID int64) ([]Passkey, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE municipality_id = $1 AND user_id = $2
		ORDER BY created_at, id`, municipalityID, userID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		p, err := scanPasskey(rows)
		if err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

// PasskeyByCredential finds a passkey by its credential id (any user's: a passwordless login
// learns the user from it). Unknown is unauthorized.
func (s *Store) PasskeyByCredential(ctx context.Context, credentialID []byte) (Passkey, error) {
	p, err := scanPasskey(s.rd(ctx).QueryRowContext(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE credential_id = $1`, credentialID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, casework.Errorf(casework.EUnauthorized, "passkey.failed", "unknown credential")
	}
	if err != nil {
		return p, casework.Internal(err)
	}
	return p, nil
}

// AddPasskey stores a passkey the actor registered for themselves, audited.
func (s *Store) AddPasskey(ctx context.Context, a casework.Actor, p *Passkey) error {
	name, err := ValidatePasskeyName(p.Name)
	if err != nil {
		return err
	}
	p.Name, p.ID, p.MunicipalityID, p.UserID = name, newID(), a.User.MunicipalityID, a.User.ID
	return s.update(ctx, func(tx *Tx) error {
		p.CreatedAt = tx.now
		_, err := tx.Exec(`INSERT INTO passkeys (id, municipality_id, user_id, credential_id, user_handle, name, credential,
			sign_count, clone_warning, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			p.ID, p.MunicipalityID, p.UserID, p.CredentialID, p.UserHandle, p.Name, string(p.Credential), int64(p.SignCount), false, tx.now)
		if isUniqueViolation(err) {
			return casework.Errorf(casework.EConflict, "passkey.exists", "credential already registered")
		}
		if err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, What{Action: audit.ActionCreate, Object: "passkey", ObjectID: p.ID, Detail: "passkey registered"},
			access.Allow(access.GroundSelf))
	})
}

// RemovePasskey deletes one of the actor's own passkeys; another's is not found.
func (s *Store) RemovePasskey(ctx context.Context, a casework.Actor, id int64) error {
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM passkeys WHERE id = $1 AND municipality_id = $2 AND user_id = $3`, id, a.User.MunicipalityID, a.User.ID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("passkey")
		}
		return tx.audit(a, What{Action: audit.ActionDelete, Object: "passkey", ObjectID: id, Detail: "passkey removed"},
			access.Allow(access.GroundSelf))
	})
}

// PasskeyUsed records a verified signature: the counter the authenticator reported and the
// updated record. A counter that did not go up (clone) sets the warning for good; the entry
// in the access log says so.
func (s *Store) PasskeyUsed(ctx context.Context, a casework.Actor, p Passkey) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE passkeys SET sign_count = $1, clone_warning = (clone_warning OR $2), credential = $3,
			last_used_at = $4 WHERE id = $5 AND municipality_id = $6 AND user_id = $7`,
			int64(p.SignCount), p.CloneWarning, string(p.Credential), tx.now, p.ID, a.User.MunicipalityID, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		if !p.CloneWarning {
			return nil
		}
		return tx.audit(a, What{Action: audit.ActionUpdate, Object: "passkey", ObjectID: p.ID,
			Detail: fmt.Sprintf("clone warning: signature counter %d did not go up", p.SignCount)}, access.Allow(access.GroundPasskey))
	})
}

// BeginPasskey stores a ceremony's challenge (and deletes those past their time).
func (s *Store) BeginPasskey(ctx context.Context, c PasskeyChallenge) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM passkey_challenges WHERE expires_at <= $1`, tx.now); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO passkey_challenges (key_hash, municipality_id, user_id, purpose, session, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.KeyHash, c.MunicipalityID, c.UserID, c.Purpose, string(c.Session), c.ExpiresAt.UTC()); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// TakePasskey returns and deletes the ceremony with this key, so its challenge is used at
// most once. One unknown, already taken, of another purpose or past its time is unauthorized
// (and still deleted).
func (s *Store) TakePasskey(ctx context.Context, keyHash []byte, purpose string) (PasskeyChallenge, error) {
	var c PasskeyChallenge
	err := s.update(ctx, func(tx *Tx) error {
		var sess string
		err := tx.QueryRow(`SELECT key_hash, municipality_id, user_id, purpose, session, expires_at FROM passkey_challenges
			WHERE key_hash = $1`, keyHash).Scan(&c.KeyHash, &c.MunicipalityID, &c.UserID, &c.Purpose, &sess, &c.ExpiresAt)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.Errorf(casework.EUnauthorized, "passkey.challenge", "unknown or used challenge")
		}
		if err != nil {
			return casework.Internal(err)
		}
		c.Session, c.ExpiresAt = []byte(sess), c.ExpiresAt.UTC()
		if _, err := tx.Exec(`DELETE FROM passkey_challenges WHERE key_hash = $1`, keyHash); err != nil {
			return casework.Internal(err)
		}
		if c.Purpose != purpose {
			return casework.Errorf(casework.EUnauthorized, "passkey.challenge", "challenge of another purpose")
		}
		if !tx.now.Before(c.ExpiresAt) {
			return casework.Errorf(casework.EUnauthorized, "passkey.challenge", "challenge expired")
		}
		return nil
	})
	return c, err
}

// PasskeySecondFactor marks a session's second factor as given by a passkey (the login's
// pending factor, or the policy's), audited.
func (s *Store) PasskeySecondFactor(ctx context.Context, a casework.Actor, tokenHash []byte) error {
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE sessions SET mfa_pending = $1, mfa = $2, authenticated_at = $3 WHERE token_hash = $4 AND user_id = $5
			AND municipality_id = $6`, false, true, tx.now, tokenHash, a.User.ID, a.User.MunicipalityID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no session")
		}
		return tx.audit(a, What{Action: audit.ActionLogin, Object: "session", ObjectID: a.User.ID,
			Detail: "second factor given: passkey" + casework.FromAddr(casework.ClientAddrFrom(ctx))}, access.Allow(access.GroundPasskey))
	})
}
