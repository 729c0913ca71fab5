package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store/storetest"
)

// BenchmarkImportPopulationLarge imports the largest population file the page takes in one
// piece: 300 districts, ages 0–25, both sexes, ten years (156 000 rows), on SQLite — what the
// progress question is about (docs/mapping.md).
func BenchmarkImportPopulationLarge(b *testing.B) {
	s := storetest.Open(b, storetest.SQLite, func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) })
	f := storetest.Seed(b, s, "9901", "")
	sys := casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "bench"))
	var ds []int64
	for i := range 300 {
		d := casework.District{MunicipalityID: f.Municipality.ID, Name: fmt.Sprintf("Område %03d", i)}
		if err := s.CreateDistrict(sys, &d); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, d.ID)
	}
	var rows []mapping.PopRow
	for y := 2016; y < 2026; y++ {
		for _, d := range ds {
			for age := 0; age <= 25; age++ {
				for _, sex := range []string{"m", "f"} {
					rows = append(rows, mapping.PopRow{District: d, Year: y, Age: age, Sex: sex, People: 40 + age})
				}
			}
		}
	}
	admin := f.Ctx(b, s, casework.RoleAdmin)
	b.ResetTimer()
	for range b.N {
		if err := s.ImportPopulation(admin, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)), "rows")
}
