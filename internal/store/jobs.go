package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"lots/internal/casework"
)

// Scheduled jobs (publishing the dashboard's releases, retention, reminders, purging sessions,
// refreshing statistics) run once across every Lots instance on one database (issue 18).
//
// On PostgreSQL a job holds a session-level advisory lock on a connection of its own while it
// runs: another instance that asks meanwhile is told the job is taken and skips it. The lock
// goes with the connection, so an instance that dies (or a primary that fails over) frees it at
// once. On SQLite a job takes a lease row in job_leases (a second process may share the file);
// a crashed holder's lease expires after JobLease.
//
// A job must still be safe to run twice in sequence (each checks in the database whether its
// work is due: a release already made, a retention run a day old, a reminder already sent);
// the lock only keeps two instances from doing the same work at the same moment.

// JobLease is how long a SQLite job lease lasts when its holder never gives it up.
const JobLease = 2 * time.Hour

// ErrJobTaken is returned by RunOnce when another instance runs the job.
var ErrJobTaken = errors.New("job runs elsewhere")

// leaseHolder names one run of a job in job_leases.
func leaseHolder() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// jobKey is the advisory-lock key of a job: a stable 64-bit hash of its name.
func jobKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("lots job " + name))
	return int64(h.Sum64())
}

// RunOnce runs fn unless another instance is running the job name at this moment, in which
// case it returns ErrJobTaken without running it.
func (s *Store) RunOnce(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	if s.dialect == Postgres {
		return s.runLocked(ctx, name, fn)
	}
	return s.runLeased(ctx, name, fn)
}

func (s *Store) runLocked(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return casework.Internal(fmt.Errorf("job %s: %w", name, err))
	}
	defer conn.Close()
	key := jobKey(name)
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return casework.Internal(fmt.Errorf("job %s: lock: %w", name, err))
	}
	if !got {
		return ErrJobTaken
	}
	defer func() {
		// Unlock on the same connection; if that fails the connection is broken and is
		// discarded, which frees the lock as well.
		unlock, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(unlock, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(ctx)
}

func (s *Store) runLeased(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	taken, holder := false, leaseHolder()
	err := s.update(ctx, func(tx *Tx) error {
		var until time.Time
		err := tx.QueryRow(`SELECT until FROM job_leases WHERE name = $1`, name).Scan(&until)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return casework.Internal(err)
		case until.After(tx.now):
			taken = true
			return nil
		}
		_, err = tx.Exec(`INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until`, name, holder, tx.now.Add(JobLease))
		if err != nil {
			return casework.Internal(err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("job %s: lease: %w", name, err)
	}
	if taken {
		return ErrJobTaken
	}
	defer func() {
		free, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_, _ = s.write.ExecContext(free, `DELETE FROM job_leases WHERE name = $1 AND holder = $2`, name, holder)
	}()
	return fn(ctx)
}
