package store

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"

	"lots/internal/store/postgres"
	"lots/internal/store/sqlite"
)

// ReapplyMigrationForTest undoes one migration and applies it again, so the rows made since
// meet its Up as rows made before it would.
func (s *Store) ReapplyMigrationForTest(ctx context.Context, version int64) error {
	migrations, d := sqlite.Migrations, goose.DialectSQLite3
	if s.dialect == Postgres {
		migrations, d = postgres.Migrations, goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d, s.write, sub)
	if err != nil {
		return err
	}
	if _, err := p.ApplyVersion(ctx, version, false); err != nil {
		return err
	}
	_, err = p.ApplyVersion(ctx, version, true)
	return err
}
