package sqlite

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// A statement cache per connection. database/sql hands a query's text to the driver on every
// call, and the driver compiles it each time: at 10 000 young people, parsing and planning the
// case door's one large facts query was about a fifth of a case page's CPU (lots bench
// --cpuprofile: sqlite3RunParser and yy_reduce). SQLite can run a compiled statement again after
// a reset, and modernc.org/sqlite does so for a statement that holds one compiled program, so
// each connection keeps its most recently used statements by text and runs a query on the one
// it already has. A statement is used by one query at a time: while its rows are open (a query
// inside the loop of the same query), the call goes to the driver as before. SQLite itself
// recompiles a cached statement whose tables changed (sqlite3_prepare_v2's SQLITE_SCHEMA
// handling), so migrations need nothing from here.

// stmtCacheSize is how many statements a connection keeps: more than the distinct texts of a
// page's work, fewer than the texts with a varying number of placeholders (IN lists).
const stmtCacheSize = 128

// cacheConnector opens connections with a statement cache.
type cacheConnector struct{ driver.Connector }

func (c cacheConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(dc), nil
}

// cachingConn is the driver's connection with its statements kept. database/sql uses a
// connection from one goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	driver.Conn
	entries map[string]*list.Element // of *cached, by text
	order   *list.List               // most recently used first
}

type cached struct {
	text string
	stmt driver.Stmt
	busy bool // its rows are open
}

func newCachingConn(c driver.Conn) *cachingConn {
	return &cachingConn{Conn: c, entries: map[string]*list.Element{}, order: list.New()}
}

var (
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.NamedValueChecker  = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)

// statement returns the cached statement of text, compiling and keeping it when it is new;
// nil when the statement is in use or cannot be compiled alone (the caller then goes to the
// driver, which reports any error itself).
func (c *cachingConn) statement(ctx context.Context, text string) *cached {
	if e, ok := c.entries[text]; ok {
		s := e.Value.(*cached)
		if s.busy {
			return nil
		}
		c.order.MoveToFront(e)
		return s
	}
	p, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil
	}
	st, err := p.PrepareContext(ctx, text)
	if err != nil {
		return nil
	}
	s := &cached{text: text, stmt: st}
	c.entries[text] = c.order.PushFront(s)
	for c.order.Len() > stmtCacheSize {
		if !c.evict() {
			break
		}
	}
	return s
}

// evict closes the least recently used statement that is not in use.
func (c *cachingConn) evict() bool {
	for e := c.order.Back(); e != nil; e = e.Prev() {
		s := e.Value.(*cached)
		if s.busy {
			continue
		}
		c.order.Remove(e)
		delete(c.entries, s.text)
		s.stmt.Close()
		return true
	}
	return false
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if s := c.statement(ctx, query); s != nil {
		if q, ok := s.stmt.(driver.StmtQueryContext); ok {
			s.busy = true
			r, err := q.QueryContext(ctx, args)
			if err != nil {
				s.busy = false
				return nil, err
			}
			return &cachedRows{Rows: r, s: s}, nil
		}
	}
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return q.QueryContext(ctx, query, args)
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.statement(ctx, query); s != nil {
		if x, ok := s.stmt.(driver.StmtExecContext); ok {
			s.busy = true
			defer func() { s.busy = false }()
			return x.ExecContext(ctx, args)
		}
	}
	x, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return x.ExecContext(ctx, query, args)
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for e := c.order.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cached).stmt.Close())
	}
	c.entries, c.order = nil, list.New()
	return errors.Join(append(errs, c.Conn.Close())...)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errors.New("sqlite: the driver cannot begin a transaction with options")
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	s *cached
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}

// The driver's rows report their columns' types; database/sql asks for them through these.

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
