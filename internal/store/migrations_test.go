package store_test

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lots/internal/store/postgres"
	"lots/internal/store/sqlite"
)

// schemaNames are the objects a migration creates, alters or drops, as "kind name" (tables,
// indexes, columns added or dropped), in order. Triggers are left out: the engines need
// different ones for the same rule (SQLite one per statement kind, PostgreSQL one function).
var schemaNames = regexp.MustCompile(`(?i)\b(CREATE\s+(?:UNIQUE\s+)?INDEX|CREATE\s+TABLE|DROP\s+TABLE|DROP\s+INDEX|ADD\s+COLUMN|DROP\s+COLUMN|ALTER\s+TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?([a-z_][a-z0-9_]*)`)

// columnLine is a column definition inside CREATE TABLE: its name first.
var columnLine = regexp.MustCompile(`(?im)^\s+([a-z_][a-z0-9_]*)\s+[a-z]`)

// tableBodies are CREATE TABLE statements, name and body.
var tableBodies = regexp.MustCompile(`(?is)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)\s*\((.*?)\n\);`)

var notColumns = map[string]bool{"primary": true, "unique": true, "foreign": true, "check": true, "constraint": true}

func migrationNames(t *testing.T, fsys fs.FS) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		var names []string
		for _, m := range schemaNames.FindAllStringSubmatch(string(b), -1) {
			kind := strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
			names = append(names, kind+" "+strings.ToLower(m[2]))
		}
		for _, tb := range tableBodies.FindAllStringSubmatch(string(b), -1) {
			for _, c := range columnLine.FindAllStringSubmatch(tb[2], -1) {
				if col := strings.ToLower(c[1]); !notColumns[col] {
					names = append(names, "COLUMN "+strings.ToLower(tb[1])+"."+col)
				}
			}
		}
		out[path[strings.LastIndex(path, "/")+1:]] = names
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The two engines' migrations are kept in step: the same files, and in each the same tables
// with the same columns, indexes and columns created, altered and dropped, in the same order. (The SQL
// differs by dialect; what it makes must not.)
func TestMigrationSetsAreInStep(t *testing.T) {
	lite, pg := migrationNames(t, sqlite.Migrations), migrationNames(t, postgres.Migrations)
	var files []string
	for f := range lite {
		files = append(files, f)
	}
	for f := range pg {
		if _, ok := lite[f]; !ok {
			t.Errorf("%s is a PostgreSQL migration without a SQLite one", f)
		}
	}
	slices.Sort(files)
	if len(files) < 7 {
		t.Fatalf("only %d migrations found: is the embed broken?", len(files))
	}
	for _, f := range files {
		p, ok := pg[f]
		if !ok {
			t.Errorf("%s is a SQLite migration without a PostgreSQL one", f)
			continue
		}
		if !slices.Equal(lite[f], p) {
			t.Errorf("%s makes different things:\n  sqlite:   %v\n  postgres: %v", f, lite[f], p)
		}
	}
}
