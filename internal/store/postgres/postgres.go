// Package postgres opens the PostgreSQL store (pgx through database/sql) and holds its
// migrations. Everything else about storage is engine-neutral and lives in package store.
package postgres

import (
	"database/sql"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers driver "pgx"

	"lots/internal/store/dbcount"
)

// Migrations are the goose migrations for PostgreSQL.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Open opens a pool for the connection string (postgres://… or key=value form). It counts its
// calls (package dbcount) into total.
func Open(dsn string, total *dbcount.Counts) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	// The planner's cost of a random page read, for Lots's own sessions: the default (4)
	// models a spinning disk, and with it PostgreSQL answers the start page's lists by reading
	// whole tables (a coordinator's cases, a municipality's staff rows) where a few index
	// look-ups do. 1.1 is the usual value for SSD storage. A connection string that sets it
	// (random_page_cost=…) keeps its own; see docs/operations.md.
	for k, v := range defaultRuntimeParams {
		if _, ok := cfg.RuntimeParams[k]; !ok {
			cfg.RuntimeParams[k] = v
		}
	}
	db := sql.OpenDB(dbcount.Wrap(stdlib.GetConnector(*cfg), total, dbcount.ReadWrite))
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	return db, nil
}

// defaultRuntimeParams are the settings Lots's sessions start with unless the connection
// string sets them.
var defaultRuntimeParams = map[string]string{"random_page_cost": "1.1"}
