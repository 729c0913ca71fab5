package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"lots/internal/app"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

const statsUsage = "usage: lots stats export --period 2026H1 [--municipality CODE] [--out FILE] | lots stats import FILE [FILE]"

// cmdStats writes a municipality's export file for national comparison, or imports such
// files into the national view. Both are an operator's commands on the server: the export
// holds aggregates only, every figure resting on fewer than five young people hidden.
func cmdStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(statsUsage)
	}
	switch args[0] {
	case "export":
		return cmdStatsExport(ctx, args[1:], stdout, stderr)
	case "import":
		return cmdStatsImport(ctx, args[1:], stdout, stderr)
	}
	return errors.New(statsUsage)
}

func cmdStatsExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("stats export", "Writes the municipality's follow-up aggregates for a half-year that is over as a JSON file for\n"+
		"national comparison (docs/uppfoljning.md, schema docs/stats-export.schema.json). Small numbers are hidden as on the\n"+
		"dashboard; the file carries a SHA-256 checksum over its canonical form. The export is recorded in the audit log.", stderr)
	c.register(fs)
	period := fs.String("period", "", "the half-year, e.g. 2026H1 (required)")
	code := fs.String("municipality", "", "kommunkod; may be left out when there is one municipality")
	out := fs.String("out", "", "file to write; standard output when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := stats.ParsePeriod(*period)
	if err != nil {
		fs.Usage()
		return err
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := exportMunicipality(ctx, a, *code)
	if err != nil {
		return err
	}
	b, err := a.Store.ExportStatsAsOperator(ctx, m.ID, p)
	if casework.ErrorCode(err) == casework.EConflict {
		return fmt.Errorf("period %s is not published yet: a half-year is published a month after it ends (%s)", p, stats.DueAt(p, stats.PartMain).In(stats.Stockholm).Format("2006-01-02"))
	}
	if err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		_, err = stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Wrote %s: %s (%s), %s.\n", *out, m.Name, m.Code, p)
	return nil
}

// exportMunicipality finds the municipality to export: by code, or the only one there is
// (national support's tenant does not count).
func exportMunicipality(ctx context.Context, a *app.App, code string) (casework.Municipality, error) {
	if code != "" {
		m, err := a.Store.MunicipalityByCode(ctx, code)
		if err != nil {
			return m, fmt.Errorf("no municipality with code %q", code)
		}
		return m, nil
	}
	ms, err := a.Store.Municipalities(ctx)
	if err != nil {
		return casework.Municipality{}, err
	}
	var found []casework.Municipality
	var codes []string
	for _, m := range ms {
		if m.Code != store.NationalSupportCode {
			found = append(found, m)
			codes = append(codes, m.Code)
		}
	}
	if len(found) != 1 {
		return casework.Municipality{}, fmt.Errorf("give --municipality: this installation has %d municipalities (%s)", len(found), strings.Join(codes, ", "))
	}
	return found[0], nil
}

func cmdStatsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("stats import", "Imports municipalities' export files into the national comparison. Every file is checked\n"+
		"(schema version, period, municipality code, no negative numbers, no small number shown, checksum); if one\n"+
		"is rejected, none is imported. A file already imported is left as it is; a newer one for the same\n"+
		"municipality and period replaces it.", stderr)
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("give one or more files")
	}
	var files []store.ExportFile
	for _, name := range fs.Args() {
		b, err := readExportFile(name)
		if err != nil {
			return err
		}
		files = append(files, store.ExportFile{Name: filepath.Base(name), Data: b})
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Store.ImportNationalExportsAsOperator(ctx, files)
	var rej *store.ImportRejection
	if errors.As(err, &rej) {
		return fmt.Errorf("%s rejected: %s; nothing was imported", rej.File, rej.Reason.Detail)
	}
	if err != nil {
		return err
	}
	for _, r := range res {
		fmt.Fprintf(stdout, "%-9s %s %s (%s)\n", r.Status, r.Period, r.Name, r.Code)
	}
	return nil
}

func readExportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, stats.MaxExportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}
