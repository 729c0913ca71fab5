package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// nationalSupport creates the national support tenant (kommunkod 0000) with an analyst.
func nationalSupport(t *testing.T, s *store.Store) context.Context {
	t.Helper()
	ctx := context.Background()
	m := casework.Municipality{Code: store.NationalSupportCode, Name: "Nationellt stöd"}
	if err := s.CreateMunicipality(ctx, &m); err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "test"))
	ag := casework.Agency{Name: "Förstärkningsteamet", Kind: casework.AgencyOther}
	if err := s.CreateAgency(sys, &ag); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	u := casework.User{Username: "nationell", Name: "Nationell analytiker", AgencyID: ag.ID, Roles: casework.NewRoleSet(casework.RoleAnalyst)}
	if err := s.CreateUser(sys, &u, hash); err != nil {
		t.Fatal(err)
	}
	a, err := s.Actor(ctx, m.ID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(ctx, a)
}

// tamper changes a file with f and, unless keepChecksum, recomputes the checksum, so the
// check that fires is the one under test.
func tamper(t *testing.T, file []byte, f func(m map[string]any), keepChecksum bool) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(file, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, _ := json.Marshal(m)
	if !keepChecksum {
		sum, err := stats.Checksum(b)
		if err != nil {
			t.Fatal(err)
		}
		m["checksum"] = sum
		b, _ = json.Marshal(m)
	}
	return b
}

func firstFigure(m map[string]any, pred func(f map[string]any) bool) map[string]any {
	for _, x := range m["figures"].([]any) {
		if f := x.(map[string]any); pred(f) {
			return f
		}
	}
	return nil
}

// Export → import round trip; a bad or tampered file is rejected whole, with the file named and
// the reason given, and nothing of the batch is imported.
func TestNationalExportImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := seedHandMade(t, e)
		national := nationalSupport(t, s)
		file, err := s.ExportStatsAsOperator(context.Background(), f.Municipality.ID, h1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExportStatsAsOperator(context.Background(), f.Municipality.ID, stats.Period{Year: 2027, Half: 1}); casework.ErrorCode(err) != casework.EConflict {
			t.Fatalf("exporting a half-year still running: %v", err)
		}
		exp, err := stats.ParseExport(file)
		if err != nil {
			t.Fatalf("own export does not parse: %v", err)
		}
		if exp.Municipality.Code != "9901" || exp.Period != "2026H1" {
			t.Fatalf("export of %+v %s", exp.Municipality, exp.Period)
		}
		figs := stats.FigureMap(exp)
		if v := figs["outcome_police_suspect/followup_6/before"]; v.Value == nil || *v.Value != 90 {
			t.Fatalf("exported crimes before: %+v", v)
		}
		if v := figs["outcome_placement/hvb/closure_after"]; !v.Suppressed || v.Value != nil {
			t.Fatalf("the one placed young person shows in the export: %+v", v)
		}
		if bytes.Contains(file, []byte(`"caseload"`)) {
			t.Fatal("the caseload per coordinator is not for national comparison")
		}

		demo, err := stats.DemoExports(s.Now()) // 2026H1 and 2026H2 at dashAt
		if err != nil {
			t.Fatal(err)
		}
		bad := []struct {
			name   string
			file   []byte
			reason string
		}{
			{"wrong schema version", tamper(t, file, func(m map[string]any) { m["schema_version"] = stats.ExportTrackVersion + 1 }, false), "national.reject_schema_version"},
			{"negative count", tamper(t, file, func(m map[string]any) {
				fg := firstFigure(m, func(f map[string]any) bool { return f["kind"] == "count" && f["suppressed"] == false })
				fg["value"], fg["n"] = -12, -12
			}, false), "national.reject_negative"},
			{"changed value with the old checksum", tamper(t, file, func(m map[string]any) {
				fg := firstFigure(m, func(f map[string]any) bool { return f["kind"] == "sum" && f["suppressed"] == false })
				fg["value"] = 9
			}, true), "national.reject_checksum"},
			{"a small cell not suppressed", tamper(t, file, func(m map[string]any) {
				fg := firstFigure(m, func(f map[string]any) bool { return f["suppressed"] == true && f["kind"] == "count" })
				fg["value"], fg["n"], fg["suppressed"] = 3, 3, false
			}, false), "national.reject_small_cell"},
			{"bad period", tamper(t, file, func(m map[string]any) { m["period"] = "2026Q1" }, false), "national.reject_period"},
			{"bad municipality code", tamper(t, file, func(m map[string]any) { m["municipality"].(map[string]any)["code"] = "99" }, false), "national.reject_municipality"},
			{"not JSON", []byte("kommun;värde\n"), "national.reject_not_json"},
		}
		for _, tt := range bad {
			t.Run(tt.name+" is rejected and nothing of the batch imported", func(t *testing.T) {
				_, err := s.ImportNationalExports(national, []store.ExportFile{{Name: "ok.json", Data: demo[0]}, {Name: "bad.json", Data: tt.file}})
				var rej *store.ImportRejection
				if !errors.As(err, &rej) || rej.File != "bad.json" || rej.Reason.Key != tt.reason {
					t.Fatalf("got %v, want %s in bad.json", err, tt.reason)
				}
				v, err := s.NationalComparison(national, stats.Period{})
				if err != nil {
					t.Fatal(err)
				}
				if len(v.Files) != 0 {
					t.Fatalf("%d files imported from a rejected batch", len(v.Files))
				}
			})
		}

		t.Run("only national support imports", func(t *testing.T) {
			_, err := s.ImportNationalExports(f.Ctx(t, s, casework.RoleAnalyst), []store.ExportFile{{Name: "a.json", Data: file}})
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("a municipality's analyst imported: %v", err)
			}
		})

		t.Run("round trip: the file imported is the figures exported", func(t *testing.T) {
			res, err := s.ImportNationalExports(national, []store.ExportFile{{Name: "9901.json", Data: file}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].Status != "imported" {
				t.Fatalf("result %+v", res)
			}
			v, err := s.NationalComparison(national, h1)
			if err != nil {
				t.Fatal(err)
			}
			if !v.National || len(v.Files) != 1 || v.Own != nil {
				t.Fatalf("national view: national %v, %d files", v.National, len(v.Files))
			}
			got := stats.FigureMap(v.Files[0])
			for k, fg := range figs {
				g := got[k]
				if g.Suppressed != fg.Suppressed || (fg.Value != nil && *g.Value != *fg.Value) {
					t.Fatalf("%s changed on the way: %+v → %+v", k, fg, g)
				}
			}
			again, err := s.ImportNationalExports(national, []store.ExportFile{{Name: "9901.json", Data: file}})
			if err != nil || again[0].Status != "unchanged" {
				t.Fatalf("importing the same file again: %+v %v", again, err)
			}
		})

		t.Run("the demo files import once", func(t *testing.T) {
			n, err := s.ImportDemoExports(context.Background())
			if err != nil || n != len(demo) {
				t.Fatalf("demo import: %d, %v", n, err)
			}
			if n, err := s.ImportDemoExports(context.Background()); err != nil || n != 0 {
				t.Fatalf("second demo import: %d, %v", n, err)
			}
		})

		t.Run("a municipality sees itself against the others", func(t *testing.T) {
			v, err := s.NationalComparison(f.Ctx(t, s, casework.RoleSteering), h1)
			if err != nil {
				t.Fatal(err)
			}
			if v.National || v.Own == nil || v.Own.Municipality.Code != "9901" {
				t.Fatalf("own figures missing: %+v", v.Own)
			}
			spreads := stats.Compare(v.Own, v.Files)
			found := false
			for _, sp := range spreads {
				if sp.Key == "outcome_police_suspect/followup_6/before" {
					found = true
					if !sp.HasOwn || sp.Own != 7.5 || sp.Count < 5 {
						t.Fatalf("crimes per young person before: %+v", sp)
					}
				}
			}
			if !found {
				t.Fatal("no comparison of crimes before")
			}
			if _, err := s.NationalComparison(f.Ctx(t, s, casework.RoleGroupMember), h1); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("group member: %v", err)
			}
		})
	})
}

// The demo's files follow the store's clock: a load in a later half-year adds the new period's
// files and keeps the old ones, and loading again in the same half-year changes nothing.
func TestDemoExportsFollowTheClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		national := nationalSupport(t, s)
		periods := func() []string {
			t.Helper()
			v, err := s.NationalComparison(national, stats.Period{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range v.Periods {
				out = append(out, p.String())
			}
			return out
		}
		n, err := s.ImportDemoExports(context.Background())
		if err != nil || n != 12 {
			t.Fatalf("first load: %d files, %v", n, err)
		}
		if got := periods(); !slices.Equal(got, []string{"2026H1", "2025H2"}) {
			t.Fatalf("periods after the first load: %v", got)
		}
		clock.Set(time.Date(2027, 7, 1, 8, 0, 0, 0, time.UTC)) // a year later: 2026H2 and 2027H1
		n, err = s.ImportDemoExports(context.Background())
		if err != nil || n != 12 {
			t.Fatalf("load a year later: %d new files, %v", n, err)
		}
		if got := periods(); !slices.Equal(got, []string{"2027H1", "2026H2", "2026H1", "2025H2"}) {
			t.Fatalf("periods after the later load: %v", got)
		}
		clock.Set(time.Date(2027, 12, 31, 8, 0, 0, 0, time.UTC))
		if n, err := s.ImportDemoExports(context.Background()); err != nil || n != 0 {
			t.Fatalf("load again in the same half-year: %d new files, %v", n, err)
		}
		v, err := s.NationalComparison(national, stats.Period{Year: 2027, Half: 1})
		if err != nil || len(v.Files) != 6 {
			t.Fatalf("2027H1: %d files, %v", len(v.Files), err)
		}
	})
}
