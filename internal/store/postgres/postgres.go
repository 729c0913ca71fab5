// Package postgres opens the PostgreSQL store (pgx through database/sql) and holds its
// migrations. Everything else about storage is engine-neutral and lives in package store.
package postgres

import (
	"database/sql"
	"embed"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers driver "pgx"
)

// Migrations are the goose migrations for PostgreSQL.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Open opens a pool for the connection string (postgres://… or key=value form).
func Open(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	return db, nil
}
