// Package sqlite opens the embedded SQLite store (modernc.org/sqlite, no cgo) and holds its
// migrations. Everything else about storage is engine-neutral and lives in package store.
package sqlite

import (
	"database/sql"
	"embed"
	"fmt"
	"net/url"
	"runtime"

	"modernc.org/sqlite"

	"lots/internal/store/dbcount"
)

// Migrations are the goose migrations for SQLite.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// pragmas are set on every pooled connection through the DSN.
//   - WAL lets readers work while one writer writes.
//   - synchronous=FULL makes a commit durable across a power cut, not only a crash: a
//     committed consent or audit entry must survive both.
//   - busy_timeout lets a second process (e.g. `lots token create` while the server runs)
//     wait for the writer instead of failing.
//   - foreign_keys enforces the composite (municipality_id, id) keys that keep tenants apart.
//   - secure_delete overwrites deleted content with zeros, so a deleted record (retention, a
//     replaced address) does not linger in the file's free pages until they are reused.
var pragmas = []string{
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"busy_timeout(10000)",
	"foreign_keys(1)",
	"secure_delete(1)",
}

// Open opens the database file at path as two pools: one writer connection (SQLite allows
// one writer at a time; a single connection with BEGIN IMMEDIATE avoids busy-lock upgrades)
// and a pool of read-only connections. Both count their calls (package dbcount) into total.
func Open(path string, total *dbcount.Counts) (write, read *sql.DB, err error) {
	dsn := func(txlock string, extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	open := func(dsn string, pool dbcount.Pool) (*sql.DB, error) {
		c, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(dbcount.Wrap(cacheConnector{c}, total, pool)), nil
	}
	write, err = open(dsn("immediate"), dbcount.ReadWrite)
	if err != nil {
		return nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	// Create the file and switch it to WAL before readers open it.
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// Readers begin deferred transactions: BEGIN IMMEDIATE would ask a read-only connection
	// for the write lock.
	read, err = open(dsn("deferred", "query_only(1)", fmt.Sprintf("mmap_size(%d)", readerMmap)), dbcount.ReadOnly)
	if err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return write, read, nil
}

// readerMmap is how much of the database file each reader maps into memory (PRAGMA
// mmap_size). In WAL mode a reader's page cache is emptied at the start of every read
// transaction after any other connection wrote — and the audit log writes after nearly every
// request — so without a mapping every read transaction reads its pages again with a system
// call each. Mapped pages are the kernel's page cache, shared by the readers and not copied.
// SQLite maps at most 2 GB (its SQLITE_MAX_MMAP_SIZE); a larger file is read past it as before.
const readerMmap = 2 << 30
