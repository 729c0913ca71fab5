package store

import (
	"context"
	"time"

	"lots/internal/casework"
)

// The login brake's memory (package auth decides what it means): failed attempts per key —
// "u:" a username, "t:" a user's second-factor codes, "a:" a client address — kept in the
// database, so that every Lots instance on one database brakes together (issue 18): five
// wrong passwords spread over three instances still block the sixth.

// LoginFailures returns up to limit of key's failures after since, oldest first.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT at FROM login_failures WHERE key = $1 AND at > $2 ORDER BY at LIMIT $3`,
		key, since.UTC(), limit)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, at.UTC())
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

// RecordLoginFailure records a failure for key at at, and forgets the key's failures at or
// before forget (they have left the brake's window).
func (s *Store) RecordLoginFailure(ctx context.Context, key string, at, forget time.Time) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM login_failures WHERE key = $1 AND at <= $2`, key, forget.UTC()); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, at.UTC().Truncate(time.Microsecond)); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// ForgetLoginFailures forgets every failure of key (after a successful login).
func (s *Store) ForgetLoginFailures(ctx context.Context, key string) error {
	if _, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// PurgeLoginFailures deletes every failure at or before before (housekeeping: the brake's
// window has passed, and the usernames and addresses are personal data kept no longer than
// the brake needs them).
func (s *Store) PurgeLoginFailures(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM login_failures WHERE at <= $1`, before.UTC())
	if err != nil {
		return 0, casework.Internal(err)
	}
	return res.RowsAffected()
}
