package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// apiPopFile is a population file of the demo's four districts, ages 10–19, both sexes, for
// the years given, every cell n.
func apiPopFile(n int, years ...int) string {
	var b strings.Builder
	b.WriteString("\"Folkmängd efter region, ålder, kön och år\"\n\n\"region\";\"ålder\";\"kön\"")
	for _, y := range years {
		fmt.Fprintf(&b, ";\"%d\"", y)
	}
	b.WriteString("\n")
	for _, d := range []string{"Centrum", "Norra", "Södra", "Västra"} {
		for age := 10; age <= 19; age++ {
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

// The population import as a job resource, on both engines: 202 with the job and its
// Location, read until done with what was saved; a refused file's job failed with each
// error's line and column; the wrong media type refused before a job starts; a coordinator
// refused with 403 before anything about the file is looked at.
func TestPopulationImportThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		admin, coord := clientFor(t, srv, "admin"), clientFor(t, srv, "samordnare")
		// start posts a file and follows its job to the end.
		start := func(t *testing.T, file string) api.PopulationImport {
			t.Helper()
			res, b := raw(t, srv, admin.tok, "POST", "/api/v1/mapping/population", "text/csv; charset=utf-8", []byte(file), "Content-Disposition", `attachment; filename="folkmangd.csv"`)
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusAccepted || !strings.HasPrefix(loc, "/api/v1/mapping/population/imports/") {
				t.Fatalf("start: %d %s %s", res.StatusCode, loc, b)
			}
			deadline := time.Now().Add(time.Minute)
			for {
				var j api.PopulationImport
				admin.want(200, "GET", loc, nil, &j)
				if j.Finished {
					return j
				}
				if time.Now().After(deadline) {
					t.Fatalf("still %s", j.Phase)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		t.Run("a file is imported through a job", func(t *testing.T) {
			j := start(t, apiPopFile(7, 2024, 2025))
			if j.Phase != "done" || j.Rows != 160 || j.People != 1120 || !reflect.DeepEqual(j.Years, []int{2024, 2025}) || j.FileName != "folkmangd.csv" ||
				len(j.Errors) != 0 || j.FinishedAt == nil || j.Done != j.Total {
				t.Fatalf("job %+v", j)
			}
			var reg api.MappingRegistry
			admin.want(200, "GET", "/api/v1/mapping/registry", nil, &reg)
			if len(reg.Population) != 2 {
				t.Fatalf("population %+v", reg.Population)
			}
		})
		t.Run("a refused file's job names line and column, and nothing is saved", func(t *testing.T) {
			bad := strings.Replace(apiPopFile(9, 2025), "\"Norra\";\"12 år\";\"kvinnor\";9", "\"Norra\";\"12 år\";\"kvinnor\";-1", 1)
			j := start(t, bad)
			if j.Phase != "failed" || len(j.Errors) != 1 {
				t.Fatalf("job %+v", j)
			}
			// Norra 12 år kvinnor: the 26th row (20 of Centrum before it), after three lines of heading.
			le := j.Errors[0]
			if le.Line == nil || *le.Line != 29 || le.Column == nil || *le.Column != 4 || le.Key != "mapping.pop.bad_count" || !strings.HasPrefix(le.Message, "Rad 29, kolumn 4") {
				t.Fatalf("error %+v (line %v, column %v)", le, le.Line, le.Column)
			}
			var list []api.PopulationImport
			admin.want(200, "GET", "/api/v1/mapping/population/imports", nil, &list)
			if len(list) != 2 || list[0].ID != j.ID || list[1].Phase != "done" {
				t.Fatalf("imports %+v", list)
			}
			var reg api.MappingRegistry
			admin.want(200, "GET", "/api/v1/mapping/registry", nil, &reg)
			for _, y := range reg.Population {
				if y.Year == 2025 && y.People != 560 {
					t.Fatalf("a refused file changed 2025: %+v", reg.Population)
				}
			}
		})
		t.Run("the wrong media type is refused before a job starts", func(t *testing.T) {
			res, b := raw(t, srv, admin.tok, "POST", "/api/v1/mapping/population", "application/json", []byte(apiPopFile(1, 2025)))
			if res.StatusCode != 422 || !strings.Contains(string(b), `"key":"import13.api_media"`) {
				t.Fatalf("%d %s", res.StatusCode, b)
			}
		})
		t.Run("a coordinator is refused before the file is looked at", func(t *testing.T) {
			res, b := raw(t, srv, coord.tok, "POST", "/api/v1/mapping/population", "application/json", nil)
			if res.StatusCode != 403 {
				t.Fatalf("%d %s", res.StatusCode, b)
			}
		})
	})
}
