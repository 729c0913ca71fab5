// Package dbcount counts what a request costs the database: statements (Exec and Query calls,
// prepared or not), transactions begun (read or write) and their commits and rollbacks. It is a
// database/sql driver.Connector wrapped around the engine's own (modernc's SQLite, pgx), so
// every call through a *sql.DB opened with it is seen, whichever package makes it.
//
// Attribution is by context: Start puts a counter on a context, and every driver call made
// with that context or a child of it adds to that counter (and to the counters it was started
// under). Every call adds to the database's Total, counter or not. A call made without a
// context (sql.Tx.Exec, which uses context.Background) is counted in the Total only.
package dbcount

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Counts is a live counter: safe for concurrent use, read with Snapshot.
type Counts struct {
	statements, readTx, writeTx, commits, rollbacks atomic.Int64
	parent                                          *Counts

	// traced: the statements' texts, kept when the counter was started with Trace (tests that
	// hold a budget say what went over it).
	traced  atomic.Bool
	mu      sync.Mutex
	queries []string
}

// Trace returns a context whose new counter also keeps the text of each statement.
func Trace(ctx context.Context) (context.Context, *Counts) {
	ctx, c := Start(ctx)
	c.traced.Store(true)
	return ctx, c
}

// Queries are the statements a tracing counter (and the tracing counters below it) saw, each
// shortened to its first line.
func (c *Counts) Queries() []string {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.queries...)
}

// query records a statement's text in every tracing counter c was started under.
func (c *Counts) query(q string) {
	for ; c != nil; c = c.parent {
		if c.traced.Load() {
			line, _, _ := strings.Cut(strings.TrimSpace(q), "\n")
			if len(line) > 120 {
				line = line[:120] + "…"
			}
			c.mu.Lock()
			c.queries = append(c.queries, line)
			c.mu.Unlock()
		}
	}
}

// Snapshot is what a counter has counted so far.
type Snapshot struct {
	Statements int64 // Exec and Query calls, in or out of a transaction
	ReadTx     int64 // read-only transactions begun (SQLite's reader pool, PostgreSQL READ ONLY)
	WriteTx    int64 // read-write transactions begun
	Commits    int64
	Rollbacks  int64
	// Queries are the statements' first lines, when the counter traces (Trace).
	Queries []string
}

// Tx is the number of transactions begun, read and write.
func (s Snapshot) Tx() int64 { return s.ReadTx + s.WriteTx }

// Sub is s less an earlier snapshot of the same counter.
func (s Snapshot) Sub(o Snapshot) Snapshot {
	return Snapshot{s.Statements - o.Statements, s.ReadTx - o.ReadTx, s.WriteTx - o.WriteTx, s.Commits - o.Commits, s.Rollbacks - o.Rollbacks, nil}
}

func (s Snapshot) String() string {
	return fmt.Sprintf("%d statements, %d transactions (%d write, %d read), %d commits, %d rollbacks",
		s.Statements, s.Tx(), s.WriteTx, s.ReadTx, s.Commits, s.Rollbacks)
}

// Snapshot reads the counter.
func (c *Counts) Snapshot() Snapshot {
	if c == nil {
		return Snapshot{}
	}
	return Snapshot{c.statements.Load(), c.readTx.Load(), c.writeTx.Load(), c.commits.Load(), c.rollbacks.Load(), c.Queries()}
}

// add applies f to c and every counter c was started under.
func (c *Counts) add(f func(*Counts)) {
	for ; c != nil; c = c.parent {
		f(c)
	}
}

type key struct{}

// Start returns a context that counts into a new counter, and the counter. A counter already
// on ctx keeps counting what the new one counts.
func Start(ctx context.Context) (context.Context, *Counts) {
	c := &Counts{parent: Of(ctx)}
	return context.WithValue(ctx, key{}, c), c
}

// Of is the counter on ctx, or nil. A nil *Counts snapshots as zero.
func Of(ctx context.Context) *Counts {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(key{}).(*Counts)
	return c
}

// Middleware counts each request's database calls and, when the handler has returned, hands
// the request (its Pattern set by the router, if one routed it) and the counts to done.
func Middleware(next http.Handler, done func(r *http.Request, s Snapshot)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := Start(r.Context())
		r = r.WithContext(ctx)
		next.ServeHTTP(w, r)
		done(r, c.Snapshot())
	})
}
