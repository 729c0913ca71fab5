package csvout_test

import (
	"bytes"
	"encoding/csv"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lots/internal/csvout"
)

// Every character that starts a formula in a spreadsheet is neutralised at the start of a cell.
func TestCellsStartingAFormulaAreNeutralised(t *testing.T) {
	for _, c := range []string{"=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"} {
		for _, cell := range []string{c + "HYPERLINK(\"http://evil.example\",\"x\")", c + "1+1", c + "cmd|' /C calc'!A0", c} {
			w := csvout.New(';')
			w.Row("Namn", cell)
			b := w.Bytes()
			if !bytes.HasPrefix(b, []byte("\ufeff")) {
				t.Fatal("no byte-order mark")
			}
			r := csv.NewReader(bytes.NewReader(b[3:]))
			r.Comma = ';'
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// (encoding/csv's reader drops a CR inside a field; the apostrophe is what counts.)
			if got := rows[0][1]; got != "'"+strings.ReplaceAll(cell, "\r", "") {
				t.Errorf("cell %q is written as %q", cell, got)
			}
		}
	}
	for _, keep := range []string{"-3", "+4", "12,5", "-0.25", "Åsa Öberg", "a=b", "100 %", "<5", "–"} {
		if got := csvout.Neutralise(keep); got != keep {
			t.Errorf("Neutralise(%q) = %q", keep, got)
		}
	}
}

// Only this package writes CSV with encoding/csv outside tests: every CSV export goes through
// it. (Reading CSV — an import — may use encoding/csv's reader.)
func TestEveryCSVExportUsesThisWriter(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.HasPrefix(filepath.ToSlash(path), "../csvout/") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		name := ""
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "encoding/csv" {
				name = "csv"
				if im.Name != nil {
					name = im.Name.Name
				}
			}
		}
		if name == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewWriter" {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
					t.Errorf("%s writes CSV itself: use internal/csvout", path)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// What Neutralise writes, Restore reads back; a cell that merely starts with an apostrophe
// stays as it is.
func TestRestoreUndoesNeutralise(t *testing.T) {
	for _, c := range []string{"=1+1", "+46 70", "-x", "@summa", "\tflik", "Fältgruppen", "-3", "'citat", ""} {
		if got := csvout.Restore(csvout.Neutralise(c)); got != c {
			t.Errorf("Restore(Neutralise(%q)) = %q", c, got)
		}
	}
}
