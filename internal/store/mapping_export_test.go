package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/stats"
	"lots/internal/store/storetest"
)

// The mapping's needs and gaps in the national export, on both engines: the file carries the
// municipality's bands with the picture's rates — hidden exactly where the release hides the
// count — its resources and gaps, validates on import, and names no district, resource or
// person; from version 4 with the needs per band, hidden as the picture hides them. A
// municipality without population or registry exports version 2 as before.
func TestNationalExportCarriesTheMapping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		for i := 0; i < 7; i++ {
			f.Concern(t, s, casework.RoleCoordinator, "Ung", fmt.Sprintf("Nr%d", i), storetest.TestPersonalNumbers[i])
		}
		admin, analyst := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleAnalyst)
		p := stats.Period{Year: 2026, Half: 1}
		clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))

		b, err := s.ExportStats(analyst, p)
		if err != nil {
			t.Fatal(err)
		}
		x, err := stats.ParseExport(b)
		if err != nil {
			t.Fatal(err)
		}
		if x.Mapping != nil || x.SchemaVersion != stats.ExportSchemaVersion {
			t.Fatalf("without population or registry: version %d, mapping %+v", x.SchemaVersion, x.Mapping)
		}

		rows, err := mapping.ParsePopulation([]byte(popFile(2025, 50, 30)), districtsOf(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ImportPopulation(admin, rows); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResource(admin, mapping.Resource{Name: "Gården Unikanamn", Kind: "youth_centre", District: f.Districts[0].ID,
			AgeFrom: 13, AgeTo: 17, Level: "universal", Capacity: 30, Cost: 600000, Evenings: true, Needs: []string{"leisure"}}); err != nil {
			t.Fatal(err)
		}
		pic, err := s.MappingPicture(analyst, p, "")
		if err != nil {
			t.Fatal(err)
		}
		if b, err = s.ExportStats(analyst, p); err != nil {
			t.Fatal(err)
		}
		if x, err = stats.ParseExport(b); err != nil {
			t.Fatal(err)
		}
		m := x.Mapping
		if x.SchemaVersion != stats.ExportTrackVersion || m == nil || m.PopulationYear != 2025 || m.Districts != 2 || m.Resources != 1 ||
			len(m.Bands) != len(mapping.Bands) || m.CostPerYoung == nil || m.PriorityGaps != len(pic.Gaps()) {
			t.Fatalf("version %d, mapping %+v", x.SchemaVersion, m)
		}
		all := pic.Rows[len(pic.Rows)-1]
		shown := 0
		for i, c := range all.Cells {
			xb := m.Bands[i]
			if xb.Band != c.Band || xb.Population != c.Population || xb.Resources != c.Resources || xb.Evenings != c.Evenings || len(xb.Missing) != len(c.Missing) {
				t.Errorf("band %s: export %+v, picture %+v", c.Band, xb, c)
			}
			// The needs (version 4): each the picture's rate, hidden as it hides it.
			if len(xb.Needs) != len(stats.NeedsCols) {
				t.Errorf("band %s: %d needs exported", c.Band, len(xb.Needs))
			}
			for j, xn := range xb.Needs {
				_, r := c.Measure(stats.NeedsCols[j])
				if xn.Need != stats.NeedsCols[j] || r.Shown != (xn.Per1000 != nil) || xn.Suppressed != (!r.Shown && !r.None) ||
					(r.Shown && *xn.Per1000 != stats.RoundRate(r.Value)) {
					t.Errorf("band %s need %s: picture %+v, exported %+v", c.Band, stats.NeedsCols[j], r, xn)
				}
			}
			switch {
			case c.OpenPer1000.Shown:
				shown++
				if xb.OpenPer1000 == nil || xb.Suppressed || *xb.OpenPer1000 != stats.RoundRate(c.OpenPer1000.Value) {
					t.Errorf("band %s: shown %v, exported %+v", c.Band, c.OpenPer1000.Value, xb)
				}
			case c.OpenPer1000.None:
				if xb.OpenPer1000 != nil || xb.Suppressed {
					t.Errorf("band %s: nothing to show, exported %+v", c.Band, xb)
				}
			default:
				if xb.OpenPer1000 != nil || !xb.Suppressed {
					t.Errorf("band %s: hidden in the picture, exported %+v", c.Band, xb)
				}
			}
		}
		t.Logf("%d of %d bands shown", shown, len(all.Cells))
		text := string(b)
		for _, name := range []string{"Norra", "Södra", "Unikanamn", "Test coordinator", "Nr0"} {
			if strings.Contains(text, name) {
				t.Errorf("the export names %q", name)
			}
		}
	})
}
