package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"lots/internal/casework"
)

// Failover (issue 18). Behind HAProxy and Patroni the primary can die under Lots: open
// connections break, new ones are refused until a standby is promoted, and a connection that
// reaches a standby is read-only. Lots then:
//
//   - retries a write transaction that failed before its COMMIT was sent, on a new connection,
//     for up to Config.FailoverWait: nothing of it was committed (PostgreSQL rolls back a
//     transaction whose connection is gone), so running it again is running it once;
//   - answers "unavailable — try again" (503) when the wait runs out, and for reads;
//   - answers "not known whether it was saved" (503) when the connection broke while COMMIT
//     was under way: the commit may or may not have reached the cluster, and Lots never reports
//     success for a write it cannot show was committed. With synchronous replication a commit
//     PostgreSQL acknowledged survives the primary's loss (docs/operations.md).

// DefaultFailoverWait is how long a write waits for a new primary when Config.FailoverWait is 0:
// Patroni's default loop_wait and ttl promote a standby within about 30 seconds of a crash, and
// most within 10–15.
const DefaultFailoverWait = 20 * time.Second

// connectionLost reports whether err says the database connection was lost, refused, or
// reached a server that cannot take writes now (a standby, one shutting down or starting):
// the transaction did not commit, and another connection may succeed.
func connectionLost(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08": // connection_exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case pe.Code == "25006": // read_only_sql_transaction: a standby
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ce) || errors.As(err, &oe) || errors.As(err, &ne) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.SafeToRetry(err)
}

// errUnavailable is the answer while no primary can be reached.
func errUnavailable(err error) error {
	return &casework.Error{Code: casework.EUnavailable, Key: "error.unavailable", Detail: "the database is unreachable; try again", Err: err}
}

// errOutcomeUnknown is the answer when the connection broke while COMMIT was under way.
func errOutcomeUnknown(err error) error {
	return &casework.Error{Code: casework.EUnavailable, Key: "error.outcome_unknown",
		Detail: "the connection to the database broke while the change was being committed; it may or may not have been saved", Err: err}
}

// Classify turns an internal error that is a lost database connection into "unavailable"
// (503, try again); any other error is returned as it is. The web pages and the API call it
// before answering an error.
func Classify(err error) error {
	if casework.ErrorCode(err) == casework.EInternal && connectionLost(err) {
		return errUnavailable(err)
	}
	return err
}

// update runs fn in a write transaction, committing when fn returns nil. The audit entries
// fn records are written as one entry in the same transaction — with what the request read
// before, when it has a visit — so the change and its record commit or fail together. A
// transaction that lost its connection before COMMIT is run again on a new one (failover).
func (s *Store) update(ctx context.Context, fn func(tx *Tx) error) error {
	wait := s.failoverWait
	if wait == 0 {
		wait = DefaultFailoverWait
	}
	deadline := time.Now().Add(wait)
	pause := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err, committing := s.updateOnce(ctx, fn)
		switch {
		case err == nil:
			if attempt > 1 {
				s.log.Info("write committed after reconnecting", "attempts", attempt)
			}
			return nil
		case s.dialect != Postgres || !connectionLost(err):
			return err
		case committing:
			s.log.Error("connection lost during commit: outcome unknown", "err", err)
			return errOutcomeUnknown(err)
		case ctx.Err() != nil || time.Now().Add(pause).After(deadline):
			s.log.Warn("no primary reachable; write refused", "attempts", attempt, "err", err)
			return errUnavailable(err)
		}
		s.log.Warn("connection lost before commit; retrying the transaction", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return errUnavailable(errors.Join(err, ctx.Err()))
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// updateOnce is one attempt of update; committing says the error came from COMMIT itself.
func (s *Store) updateOnce(ctx context.Context, fn func(tx *Tx) error) (err error, committing bool) {
	tx, err := s.begin(ctx, s.wr(ctx), false)
	if err != nil {
		return err, false
	}
	// The request's idempotency key first: a second request with the key waits here for the
	// first to end, and fails with a conflict if it committed.
	if err := tx.claimIdempotencyKey(); err != nil {
		_ = tx.Rollback()
		return err, false
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err, false
	}
	if err := tx.flushAudit(); err != nil {
		_ = tx.Rollback()
		tx.settle(false)
		return err, false
	}
	if err := tx.Commit(); err != nil {
		tx.settle(false)
		// A commit after the request was cancelled fails with "transaction has already been
		// committed or rolled back": say why.
		return casework.Internal(fmt.Errorf("commit: %w", errors.Join(err, context.Cause(ctx)))), true
	}
	tx.settle(true)
	for _, f := range tx.committed {
		f()
	}
	return nil, false
}

// Role is what the database answers about itself, for /readyz: "primary" when it takes
// writes, "standby" when it is read-only (a replica, or a primary demoted by Patroni).
func (s *Store) Role(ctx context.Context) (string, error) {
	if s.dialect != Postgres {
		return "primary", s.Ping(ctx)
	}
	var ro string
	if err := s.write.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro); err != nil {
		return "", err
	}
	if ro == "on" {
		return "standby", nil
	}
	return "primary", nil
}
