package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// APIToken is a personal token for the JSON API. Only its hash is stored; Prefix (the first
// characters) lets a user tell tokens apart.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// CreateToken stores a token for a user of the actor's municipality. Users create tokens for
// themselves; the system actor (`lots token create`) for anyone.
func (s *Store) CreateToken(ctx context.Context, userID int64, t *APIToken, tokenHash []byte) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	w := What{Action: audit.ActionCreate, Object: "api_token", ObjectID: userID}
	d := access.Allow(access.GroundSelf)
	if a.User.ID != userID {
		if _, d, err = s.permit(ctx, access.ManageUsers, w); err != nil {
			return err
		}
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 100 {
		return casework.Invalid("name", "token.name_required")
	}
	return s.update(ctx, func(tx *Tx) error {
		t.ID, t.UserID, t.CreatedAt = newID(), userID, tx.now
		_, err := tx.Exec(`INSERT INTO api_tokens (id, municipality_id, user_id, name, prefix, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.ID, a.User.MunicipalityID, userID, t.Name, t.Prefix, tokenHash, tx.now, nullTime(t.ExpiresAt))
		if err != nil {
			if isForeignKeyViolation(err) {
				return casework.NotFound("user")
			}
			return casework.Internal(err)
		}
		return tx.audit(a, w, d)
	})
}

// TokenOwner returns who a live token belongs to and marks it used.
func (s *Store) TokenOwner(ctx context.Context, tokenHash []byte) (municipalityID, userID int64, err error) {
	var expires, revoked, lastUsed sql.NullTime
	var id int64
	err = s.rd(ctx).QueryRowContext(ctx, `SELECT id, municipality_id, user_id, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE token_hash = $1`, tokenHash).Scan(&id, &municipalityID, &userID, &expires, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "unknown token")
	}
	if err != nil {
		return 0, 0, casework.Internal(err)
	}
	now := s.now().UTC()
	if revoked.Valid || (expires.Valid && !now.Before(expires.Time)) {
		return 0, 0, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "token revoked or expired")
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > time.Minute {
		if _, err := s.wr(ctx).ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return 0, 0, casework.Internal(err)
		}
	}
	return municipalityID, userID, nil
}

// Tokens lists the actor's own tokens, newest first.
func (s *Store) Tokens(ctx context.Context) ([]APIToken, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, s.rd(ctx), `SELECT id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at
		FROM api_tokens WHERE municipality_id = $1 AND user_id = $2 ORDER BY created_at DESC`,
		[]any{a.User.MunicipalityID, a.User.ID}, func(sc scanner) (APIToken, error) {
			var t APIToken
			var exp, used, rev sql.NullTime
			err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &exp, &used, &rev)
			t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timeOf(exp), timeOf(used), timeOf(rev)
			return t, err
		})
}

// RevokeToken revokes one of the actor's own tokens.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE api_tokens SET revoked_at = $1 WHERE municipality_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL`,
			tx.now, a.User.MunicipalityID, a.User.ID, id)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("api_token")
		}
		return tx.audit(a, What{Action: audit.ActionDelete, Object: "api_token", ObjectID: id}, access.Allow(access.GroundSelf))
	})
}

// UserIDByUsername finds a user of a municipality for operators' commands.
func (s *Store) UserIDByUsername(ctx context.Context, municipalityID int64, username string) (int64, error) {
	var id int64
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT id FROM users WHERE municipality_id = $1 AND username = $2`,
		municipalityID, casework.NormaliseUsername(username)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, casework.NotFound("user")
	}
	if err != nil {
		return 0, casework.Internal(err)
	}
	return id, nil
}
