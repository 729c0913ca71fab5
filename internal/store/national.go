package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// National comparison: municipalities export their suppressed aggregates for a half-year
// (stats.Export); national support imports the files and everyone with ViewAggregates sees
// their own municipality against the national distribution. The imported files hold no
// personal data, so they are kept in one global table, not per municipality.

// NationalSupportCode is the kommunkod of the national support organisation's tenant (created
// with `lots municipality create --code 0000 --name "Nationellt stöd"`). Its users with
// ViewAggregates see every municipality side by side and may import files.
const NationalSupportCode = access.NationalSupportCode

// ExportFile is a file to import: the name it came with, and its content.
type ExportFile struct {
	Name string
	Data []byte
}

// ImportRejection says which file was rejected and why. Nothing of any file is imported then.
type ImportRejection struct {
	File   string
	Reason *stats.ImportError
}

func (e *ImportRejection) Error() string { return fmt.Sprintf("%s: %s", e.File, e.Reason.Detail) }

// ImportResult says what became of one file.
type ImportResult struct {
	Code, Name, Period string
	Status             string // "imported", "replaced" or "unchanged"
}

// isNationalSupport asks access.NationalSupport about the actor's municipality.
func (s *Store) isNationalSupport(ctx context.Context, a casework.Actor) (bool, error) {
	var code string
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT code FROM municipalities WHERE id = $1`, a.User.MunicipalityID).Scan(&code)
	if err != nil {
		return false, casework.Internal(err)
	}
	return access.NationalSupport(a, code).Allowed, nil
}

// ImportNationalExports checks every file and imports them all, or — when one is rejected —
// none (the error is an *ImportRejection). Only national support may import.
func (s *Store) ImportNationalExports(ctx context.Context, files []ExportFile) ([]ImportResult, error) {
	w := What{Action: audit.ActionCreate, Object: "national_export"}
	a, d, err := s.permit(ctx, access.ViewAggregates, w)
	if err != nil {
		return nil, err
	}
	national, err := s.isNationalSupport(ctx, a)
	if err != nil {
		return nil, err
	}
	if !national {
		d = access.Denied("not_national_support")
		s.auditDenied(ctx, a, w, d)
		return nil, casework.Errorf(casework.EForbidden, "error.forbidden", "import needs national support")
	}
	d.Ground.National = true
	return s.importExports(ctx, files, a.User.Username, func(tx *Tx, res []ImportResult) error {
		for _, r := range res {
			w.Detail = fmt.Sprintf("%s %s %s", r.Code, r.Period, r.Status)
			if err := tx.audit(a, w, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportNationalExportsAsOperator is the import of `lots stats import` on the server. It is
// recorded in national support's audit log when that tenant exists.
func (s *Store) ImportNationalExportsAsOperator(ctx context.Context, files []ExportFile) ([]ImportResult, error) {
	return s.importExports(ctx, files, "system:lots stats import", func(tx *Tx, res []ImportResult) error {
		var mid int64
		err := tx.QueryRow(`SELECT id FROM municipalities WHERE code = $1`, NationalSupportCode).Scan(&mid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return casework.Internal(err)
		}
		sys := casework.SystemActor(mid, "lots stats import")
		for _, r := range res {
			w := What{Action: audit.ActionCreate, Object: "national_export", Detail: fmt.Sprintf("%s %s %s", r.Code, r.Period, r.Status)}
			if err := tx.audit(sys, w, access.Allow(access.GroundOperator)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportDemoExports imports the export files of the demo's invented municipalities
// (stats.DemoExports) for the two whole half-years before the store's clock, and returns how
// many were new or changed. The files are the same bytes whenever they are made, so those
// already imported are left as they are (same municipality, period and checksum) and the demo
// loader may call it at every start: a start in a later half-year adds the new periods and
// keeps the old ones.
func (s *Store) ImportDemoExports(ctx context.Context) (int, error) {
	demo, err := stats.DemoExports(s.now())
	if err != nil {
		return 0, casework.Internal(err)
	}
	var files []ExportFile
	for i, b := range demo {
		files = append(files, ExportFile{Name: fmt.Sprintf("demo-%d.json", i+1), Data: b})
	}
	res, err := s.importExports(ctx, files, "system:demo", nil)
	n := 0
	for _, r := range res {
		if r.Status != "unchanged" {
			n++
		}
	}
	return n, err
}

func (s *Store) importExports(ctx context.Context, files []ExportFile, by string, audited func(tx *Tx, res []ImportResult) error) ([]ImportResult, error) {
	if len(files) == 0 {
		return nil, casework.Invalid("files", "national.no_files_chosen")
	}
	parsed := make([]*stats.Export, len(files))
	seen := map[string]string{}
	for i, f := range files {
		e, err := stats.ParseExport(f.Data)
		if err != nil {
			var ie *stats.ImportError
			if !errors.As(err, &ie) {
				ie = &stats.ImportError{Key: "national.reject_structure", Args: []any{err.Error()}, Detail: err.Error()}
			}
			return nil, &ImportRejection{File: f.Name, Reason: ie}
		}
		k := e.Municipality.Code + " " + e.Period
		if other, dup := seen[k]; dup {
			return nil, &ImportRejection{File: f.Name, Reason: &stats.ImportError{Key: "national.reject_duplicate", Args: []any{other},
				Detail: "the same municipality and period as " + other}}
		}
		seen[k] = f.Name
		parsed[i] = e
	}
	var res []ImportResult
	err := s.update(ctx, func(tx *Tx) error {
		for i, e := range parsed {
			r := ImportResult{Code: e.Municipality.Code, Name: e.Municipality.Name, Period: e.Period, Status: "imported"}
			var checksum string
			err := tx.QueryRow(`SELECT checksum FROM national_exports WHERE municipality_code = $1 AND period = $2`, e.Municipality.Code, e.Period).Scan(&checksum)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				_, err = tx.Exec(`INSERT INTO national_exports (id, municipality_code, municipality_name, period, schema_version, checksum, generated_at, imported_at, imported_by, content)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, newID(), e.Municipality.Code, e.Municipality.Name, e.Period, e.SchemaVersion,
					e.Checksum, e.GeneratedAt.UTC(), tx.now, by, string(files[i].Data))
			case err != nil:
			case checksum == e.Checksum:
				r.Status = "unchanged"
			default:
				r.Status = "replaced"
				_, err = tx.Exec(`UPDATE national_exports SET municipality_name = $1, schema_version = $2, checksum = $3, generated_at = $4,
					imported_at = $5, imported_by = $6, content = $7 WHERE municipality_code = $8 AND period = $9`,
					e.Municipality.Name, e.SchemaVersion, e.Checksum, e.GeneratedAt.UTC(), tx.now, by, string(files[i].Data), e.Municipality.Code, e.Period)
			}
			if err != nil {
				return casework.Internal(err)
			}
			res = append(res, r)
		}
		if audited != nil {
			return audited(tx, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// NationalView is what the national comparison shows for a period.
type NationalView struct {
	Period  stats.Period
	Periods []stats.Period // periods with imported files, newest first
	// National is true for national support, who see every municipality side by side.
	National bool
	// Own is the actor's municipality's figures for the period: its release, as its export
	// (nil for national support, and while the period's release is not due).
	Own *stats.Export
	// Files are the imported files of the period, by municipality code.
	Files []*stats.Export
}

// NationalComparison returns the imported files of a period (the newest period with files
// when p is zero) and, for a municipality, its own figures to set against them.
func (s *Store) NationalComparison(ctx context.Context, p stats.Period) (NationalView, error) {
	var v NationalView
	w := What{Action: audit.ActionList, Object: "national"}
	a, d, err := s.permit(ctx, access.ViewAggregates, w)
	if err != nil {
		return v, err
	}
	if v.National, err = s.isNationalSupport(ctx, a); err != nil {
		return v, err
	}
	rctx := onReplica(ctx) // the files and the releases may come from a replica
	rows, err := queryAll(rctx, s.rd(rctx), `SELECT DISTINCT period FROM national_exports`, nil, func(sc scanner) (string, error) {
		var p string
		return p, sc.Scan(&p)
	})
	if err != nil {
		return v, err
	}
	for _, r := range rows {
		if q, err := stats.ParsePeriod(r); err == nil {
			v.Periods = append(v.Periods, q)
		}
	}
	sortPeriodsDesc(v.Periods)
	if p.IsZero() && len(v.Periods) > 0 {
		p = v.Periods[0]
	}
	v.Period = p
	if p.IsZero() {
		return v, s.auditRead(ctx, a, w, d)
	}
	contents, err := queryAll(rctx, s.rd(rctx), `SELECT content FROM national_exports WHERE period = $1 ORDER BY municipality_code`, []any{p.String()},
		func(sc scanner) (string, error) {
			var c string
			return c, sc.Scan(&c)
		})
	if err != nil {
		return v, err
	}
	for _, c := range contents {
		e, err := stats.ParseExport([]byte(c))
		if err != nil { // checked at import; a file that no longer parses is left out, and logged
			s.log.Error("stored national export no longer parses", "err", err)
			continue
		}
		v.Files = append(v.Files, e)
	}
	if !v.National && !stats.DueAt(p, stats.PartMain).After(s.now()) {
		m, err := s.Municipality(ctx, a.User.MunicipalityID)
		if err != nil {
			return v, err
		}
		dash, err := s.release(rctx, a.User.MunicipalityID, p)
		if err != nil {
			return v, err
		}
		if v.Own, err = stats.NewExport(dash, m.Code, m.Name, releasedAt(dash)); err != nil {
			return v, casework.Internal(err)
		}
		// Its own mapping as its export would carry it, to set beside the others' (no name).
		pic, err := s.mapPicture(rctx, a.User.MunicipalityID, dash)
		if err != nil {
			return v, err
		}
		v.Own.Mapping = pic.Export()
	}
	w.Detail = "period " + p.String()
	return v, s.auditRead(ctx, a, w, d)
}

func sortPeriodsDesc(ps []stats.Period) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j-1].Before(ps[j]); j-- {
			ps[j-1], ps[j] = ps[j], ps[j-1]
		}
	}
}

// ExportStats writes the actor's municipality's export file for a period (the web's download).
func (s *Store) ExportStats(ctx context.Context, p stats.Period) ([]byte, error) {
	dash, err := s.Dashboard(ctx, DashboardQuery{Period: p, District: stats.All, Export: "json"})
	if err != nil {
		return nil, err
	}
	a, _ := casework.ActorFrom(ctx)
	return s.marshalExport(ctx, a.User.MunicipalityID, dash)
}

// ExportStatsAsOperator writes a municipality's export file for a period for `lots stats
// export` on the server, and records it in the municipality's audit log. The file is the
// period's release, so it must be due: a half-year still running, or just over, is not
// published (stats.DueAt).
func (s *Store) ExportStatsAsOperator(ctx context.Context, municipalityID int64, p stats.Period) ([]byte, error) {
	if due := stats.DueAt(p, stats.PartMain); due.After(s.now()) {
		return nil, casework.Errorf(casework.EConflict, "export.period_not_over", "period %s is published from %s", p, due.Format(time.DateOnly))
	}
	dash, err := s.release(ctx, municipalityID, p)
	if err != nil {
		return nil, err
	}
	b, err := s.marshalExport(ctx, municipalityID, dash)
	if err != nil {
		return nil, err
	}
	sys := casework.SystemActor(municipalityID, "lots stats export")
	err = s.update(ctx, func(tx *Tx) error {
		return tx.audit(sys, What{Action: audit.ActionExport, Object: "dashboard", Detail: "national export " + p.String()}, access.Allow(access.GroundOperator))
	})
	return b, err
}

// releasedAt is when a release's last published part was made: the export's generated_at, so
// the same release always gives the same file, byte for byte.
func releasedAt(d *stats.Dashboard) time.Time {
	var t time.Time
	for _, at := range d.Published {
		if at.After(t) {
			t = at
		}
	}
	return t
}

func (s *Store) marshalExport(ctx context.Context, municipalityID int64, dash *stats.Dashboard) ([]byte, error) {
	m, err := s.Municipality(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	e, err := stats.NewExport(dash, m.Code, m.Name, releasedAt(dash))
	if err != nil {
		return nil, casework.Internal(err)
	}
	if e.Economics, err = s.exportEconomics(ctx, municipalityID, dash.Period); err != nil {
		return nil, err
	}
	// The mapping's needs and gaps (docs/mapping.md), from the same release: no name.
	pic, err := s.mapPicture(ctx, municipalityID, dash)
	if err != nil {
		return nil, err
	}
	e.Mapping = pic.Export()
	return e.Marshal()
}
