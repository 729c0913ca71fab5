package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// popFileYears is a population file of Norra and Södra for ages 0–25, both sexes, with one
// column per year: 104 rows a year. Each cell is n.
func popFileYears(n int, years ...int) string {
	var b strings.Builder
	b.WriteString("\"Folkmängd efter region, ålder, kön och år\"\n\n\"region\";\"ålder\";\"kön\"")
	for _, y := range years {
		fmt.Fprintf(&b, ";\"%d\"", y)
	}
	b.WriteString("\n")
	for _, d := range []string{"Norra", "Södra"} {
		for age := 0; age <= 25; age++ {
			for _, sex := range []string{"män", "kvinnor"} {
				fmt.Fprintf(&b, "\"%s\";\"%d år\";\"%s\"", d, age, sex)
				for range years {
					fmt.Fprintf(&b, ";%d", n)
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

// fileOf is a file as StartPopulationImport reads it.
func fileOf(s string) func() ([]byte, error) { return func() ([]byte, error) { return []byte(s), nil } }

// waitJob polls a job until it has finished.
func waitJob(t *testing.T, s *store.Store, ctx context.Context, id int64) store.PopulationJob {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j, err := s.PopulationJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Finished() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s after two minutes", id, j.Phase)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A population import as a background job on both engines: its phases reported in order with
// growing counts, its end stored with the rows in one transaction, the same file twice
// changing nothing; a refused file naming line and column and saving nothing; a job killed
// while saving leaving the year imported before exactly as it was; one job at a time, and a
// job whose process died finished as interrupted by the next start.
func TestPopulationImportJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(dashAt)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		admin, analyst, coord := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleAnalyst), f.Ctx(t, s, casework.RoleCoordinator)
		population := func() []store.PopulationYear {
			t.Helper()
			reg, err := s.MappingRegistry(analyst)
			if err != nil {
				t.Fatal(err)
			}
			return reg.Population
		}
		var mu sync.Mutex
		type report struct {
			phase       string
			done, total int
		}
		var reports []report
		s.SetPopJobHookForTest(func(_ int64, phase string, done, total int) {
			mu.Lock()
			reports = append(reports, report{phase, done, total})
			mu.Unlock()
		})

		t.Run("a file is read, checked and saved with its progress, and the same file again changes nothing", func(t *testing.T) {
			file := popFileYears(10, 2023, 2024, 2025)
			for i := range 2 {
				mu.Lock()
				reports = nil
				mu.Unlock()
				j, err := s.StartPopulationImport(admin, "folkmangd.csv", fileOf(file))
				if err != nil {
					t.Fatal(err)
				}
				got := waitJob(t, s, analyst, j.ID)
				if got.Phase != store.PopDone || got.Rows != 312 || got.People != 3120 || !reflect.DeepEqual(got.Years, []int{2023, 2024, 2025}) ||
					got.FileName != "folkmangd.csv" || got.Errors != nil {
					t.Fatalf("import %d ended %+v", i, got)
				}
				want := []store.PopulationYear{{Year: 2025, People: 1040, Districts: 2}, {Year: 2024, People: 1040, Districts: 2}, {Year: 2023, People: 1040, Districts: 2}}
				if p := population(); !reflect.DeepEqual(p, want) {
					t.Fatalf("after import %d: %+v", i, p)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			order := map[string]int{"reading": 1, "checking": 2, "saving": 3}
			last, lastDone := 0, -1
			for _, r := range reports {
				o := order[r.phase]
				if o < last || (o == last && r.done < lastDone) || r.done > r.total {
					t.Fatalf("progress went back or past its total: %+v", reports)
				}
				if o > last {
					lastDone = -1
				}
				last, lastDone = o, r.done
			}
			if end := reports[len(reports)-1]; end.phase != "saving" || end.done != 312 || end.total != 312 || len(reports) < 5 {
				t.Fatalf("the reports %+v do not end with every row saved", reports)
			}
		})

		t.Run("a bad file is refused with its line and column and nothing of it is saved", func(t *testing.T) {
			bad := strings.Replace(popFileYears(99, 2025), "\"Södra\";\"3 år\";\"kvinnor\";99", "\"Södra\";\"3 år\";\"kvinnor\";-4", 1)
			bad = strings.Replace(bad, "\"Norra\";\"7 år\";\"män\"", "\"Österby\";\"7 år\";\"män\"", 1)
			j, err := s.StartPopulationImport(admin, "fel.csv", fileOf(bad))
			if err != nil {
				t.Fatal(err)
			}
			got := waitJob(t, s, admin, j.ID)
			if got.Phase != store.PopFailed || len(got.Errors) != 2 {
				t.Fatalf("the bad file ended %+v", got)
			}
			// The header is line 3; Norra 7 år män is the 15th row (line 18), Södra 3 år kvinnor the 60th (line 63).
			wantErrs := []struct {
				key  string
				args []any
			}{{"mapping.pop.unknown_district", []any{18, 1, "Österby"}}, {"mapping.pop.bad_count", []any{63, 4, "-4"}}}
			for i, w := range wantErrs {
				if e := got.Errors[i]; e.Key != w.key || !reflect.DeepEqual(e.Args, w.args) || e.Field != "file" {
					t.Errorf("error %d: %s %v, want %s %v", i, e.Key, e.Args, w.key, w.args)
				}
			}
			if p := population(); p[0] != (store.PopulationYear{Year: 2025, People: 1040, Districts: 2}) {
				t.Fatalf("a refused file changed 2025: %+v", p)
			}
		})

		t.Run("a coordinator may not import", func(t *testing.T) {
			if _, err := s.StartPopulationImport(coord, "x.csv", fileOf(popFileYears(1, 2025))); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("coordinator: %v", err)
			}
		})

		t.Run("another municipality does not see the job", func(t *testing.T) {
			other := storetest.Seed(t, s, "9902", "b-")
			jobs, err := s.PopulationJobs(admin, 5)
			if err != nil || len(jobs) == 0 {
				t.Fatal(jobs, err)
			}
			if _, err := s.PopulationJob(other.Ctx(t, s, casework.RoleAdmin), jobs[0].ID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("other municipality: %v", err)
			}
		})

		t.Run("one job at a time; a job whose process died is interrupted and the next start finishes it", func(t *testing.T) {
			dead, err := s.OrphanPopJobForTest(context.Background(), f.Municipality.ID, f.Users[casework.RoleAdmin].ID, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if j, err := s.PopulationJob(admin, dead); err != nil || j.Phase != "checking" || j.Done != 10 || j.Total != 100 {
				t.Fatalf("a fresh orphan: %+v %v", j, err)
			}
			if _, err := s.StartPopulationImport(admin, "x.csv", fileOf(popFileYears(1, 2025))); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("a second job while one runs: %v", err)
			}
			clock.Advance(store.PopJobStale + time.Second)
			if j, err := s.PopulationJob(admin, dead); err != nil || j.Phase != store.PopInterrupted {
				t.Fatalf("a stale orphan: %+v %v", j, err)
			}
			j, err := s.StartPopulationImport(admin, "igen.csv", fileOf(popFileYears(10, 2025)))
			if err != nil {
				t.Fatal(err)
			}
			if got := waitJob(t, s, admin, j.ID); got.Phase != store.PopDone {
				t.Fatalf("the next job: %+v", got)
			}
			if got, err := s.PopulationJob(admin, dead); err != nil || got.Phase != store.PopInterrupted || got.FinishedAt.IsZero() {
				t.Fatalf("the orphan after the next start: %+v %v", got, err)
			}
		})

		t.Run("a job killed while saving leaves the year imported before intact", func(t *testing.T) {
			killed := make(chan struct{})
			var once sync.Once
			s.SetPopJobHookForTest(func(_ int64, phase string, done, total int) {
				if phase == store.PopSaving && done > 0 && done < total {
					once.Do(func() {
						s.KillPopJobsForTest()
						close(killed)
					})
				}
			})
			j, err := s.StartPopulationImport(admin, "stor.csv", fileOf(popFileYears(500, 2024, 2025, 2026)))
			if err != nil {
				t.Fatal(err)
			}
			got := waitJob(t, s, admin, j.ID)
			select {
			case <-killed:
			default:
				t.Fatal("the job was never killed while saving")
			}
			if got.Phase != store.PopInterrupted || got.Rows != 0 {
				t.Fatalf("the killed job ended %+v", got)
			}
			want := []store.PopulationYear{{Year: 2025, People: 1040, Districts: 2}, {Year: 2024, People: 1040, Districts: 2}, {Year: 2023, People: 1040, Districts: 2}}
			if p := population(); !reflect.DeepEqual(p, want) {
				t.Fatalf("a killed import changed the population: %+v", p)
			}
		})
	})
}
