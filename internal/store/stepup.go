package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"lots/internal/casework"
)

// Step-up for API tokens (docs/passkeys.md, "Step-up"): a token made in a session carries when
// that session's person last proved who they are. An export of personal data through the API
// accepts a token only while that is within the municipality's step-up time.

// TokenAuthenticated records at on the token with this hash: when its maker last authenticated.
func (s *Store) TokenAuthenticated(ctx context.Context, tokenHash []byte, at time.Time) error {
	if _, err := s.wr(ctx).ExecContext(ctx, `UPDATE api_tokens SET authenticated_at = $1 WHERE token_hash = $2`, at.UTC(), tokenHash); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// TokenAuthenticatedAt returns when the maker of the token with this hash last authenticated
// before making it (zero: unknown, e.g. a token the operator made).
func (s *Store) TokenAuthenticatedAt(ctx context.Context, tokenHash []byte) (time.Time, error) {
	var at sql.NullTime
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT authenticated_at FROM api_tokens WHERE token_hash = $1`, tokenHash).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "unknown token")
	}
	if err != nil {
		return time.Time{}, casework.Internal(err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return at.Time.UTC(), nil
}
