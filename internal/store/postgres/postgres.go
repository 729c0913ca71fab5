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
	db := sql.OpenDB(dbcount.Wrap(stdlib.GetConnector(*cfg), total, dbcount.ReadWrite))
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	return db, nil
}
