package csvout_test

import (
	"bytes"
	"encoding/csv"
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

// Only this package imports encoding/csv outside tests: every CSV export goes through it.
func TestEveryCSVExportUsesThisWriter(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.HasPrefix(filepath.ToSlash(path), "../csvout/") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "encoding/csv" {
				t.Errorf("%s writes CSV itself: use internal/csvout", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
