package dbcount

import (
	"context"
	"database/sql/driver"
	"errors"
)

// Pool says what kind of transactions a pool begins when the caller does not say.
type Pool int

const (
	// ReadWrite pools begin write transactions unless asked for a read-only one
	// (sql.TxOptions.ReadOnly): PostgreSQL's pool, SQLite's single writer.
	ReadWrite Pool = iota
	// ReadOnly pools only read: SQLite's reader pool (query_only), whose transactions are
	// read transactions whatever the options say.
	ReadOnly
)

// Wrap returns a connector that opens c's connections and counts every call on them into the
// counter on the call's context and into total (which may be nil).
func Wrap(c driver.Connector, total *Counts, pool Pool) driver.Connector {
	return &connector{c: c, total: total, pool: pool}
}

type connector struct {
	c     driver.Connector
	total *Counts
	pool  Pool
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{c: dc, m: c}, nil
}

func (c *connector) Driver() driver.Driver { return c.c.Driver() }

// count adds f to the context's counter (and its parents) and to the total.
func (c *connector) count(ctx context.Context, f func(*Counts)) {
	Of(ctx).add(f)
	if c.total != nil {
		f(c.total)
	}
}

func statement(c *Counts) { c.statements.Add(1) }

// conn forwards every optional interface database/sql looks for, so wrapping changes nothing
// about how the engine's driver is used: what the engine does not implement answers ErrSkip
// (database/sql then does what it would have done) or the neutral value.
type conn struct {
	c driver.Conn
	m *connector
}

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var s driver.Stmt
	var err error
	if p, ok := c.c.(driver.ConnPrepareContext); ok {
		s, err = p.PrepareContext(ctx, query)
	} else {
		s, err = c.c.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &stmt{s: s, c: c.c, m: c.m}, nil
}

func (c *conn) Close() error { return c.c.Close() }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var t driver.Tx
	var err error
	if b, ok := c.c.(driver.ConnBeginTx); ok {
		t, err = b.BeginTx(ctx, opts)
	} else {
		if opts.ReadOnly || opts.Isolation != 0 {
			return nil, errors.New("dbcount: driver cannot begin a read-only transaction or set its isolation")
		}
		//lint:ignore SA1019 the fallback database/sql itself uses for old drivers
		t, err = c.c.Begin() //nolint:staticcheck
	}
	if err != nil {
		return nil, err
	}
	if opts.ReadOnly || c.m.pool == ReadOnly {
		c.m.count(ctx, func(n *Counts) { n.readTx.Add(1) })
	} else {
		c.m.count(ctx, func(n *Counts) { n.writeTx.Add(1) })
	}
	return &tx{t: t, ctx: ctx, m: c.m}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.c.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip // database/sql prepares the statement and counts it there
	}
	r, err := e.ExecContext(ctx, query, args)
	if !errors.Is(err, driver.ErrSkip) {
		c.m.count(ctx, statement)
		Of(ctx).query(query)
	}
	return r, err
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.c.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := q.QueryContext(ctx, query, args)
	if !errors.Is(err, driver.ErrSkip) {
		c.m.count(ctx, statement)
		Of(ctx).query(query)
	}
	return r, err
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.c.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.c.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.c.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.c.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// tx counts its end into the counter of the context it was begun with: database/sql gives
// Commit and Rollback none.
type tx struct {
	t   driver.Tx
	ctx context.Context
	m   *connector
}

func (t *tx) Commit() error {
	t.m.count(t.ctx, func(n *Counts) { n.commits.Add(1) })
	return t.t.Commit()
}

func (t *tx) Rollback() error {
	t.m.count(t.ctx, func(n *Counts) { n.rollbacks.Add(1) })
	return t.t.Rollback()
}

type stmt struct {
	s driver.Stmt
	c driver.Conn // the engine's connection, whose value checker applies to its statements
	m *connector
}

var (
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) Close() error  { return s.s.Close() }
func (s *stmt) NumInput() int { return s.s.NumInput() }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	s.m.count(context.Background(), statement)
	//lint:ignore SA1019 database/sql calls this only for drivers without ExecContext
	return s.s.Exec(args) //nolint:staticcheck
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	s.m.count(context.Background(), statement)
	//lint:ignore SA1019 database/sql calls this only for drivers without QueryContext
	return s.s.Query(args) //nolint:staticcheck
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.m.count(ctx, statement)
	if e, ok := s.s.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vs, err := values(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the engine's statement has no ExecContext
	return s.s.Exec(vs) //nolint:staticcheck
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.m.count(ctx, statement)
	if q, ok := s.s.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vs, err := values(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the engine's statement has no QueryContext
	return s.s.Query(vs) //nolint:staticcheck
}

// CheckNamedValue is the statement's checker, else its connection's: database/sql asks the
// statement only, when it has one.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := s.s.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	if n, ok := s.c.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func values(args []driver.NamedValue) ([]driver.Value, error) {
	vs := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errors.New("dbcount: the driver does not support named arguments")
		}
		vs[i] = a.Value
	}
	return vs, nil
}
