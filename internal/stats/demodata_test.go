package stats_test

import (
	"bytes"
	"testing"
	"time"

	"lots/internal/stats"
)

// The demo files are made from invented counts with the real Build and NewExport, so they pass
// the import's checks; they cover the two whole half-years before the clock, and a
// municipality's file for a period is the same bytes whenever it is made (the import leaves a
// file it has unchanged).
func TestDemoExports(t *testing.T) {
	made := map[string][]byte{} // by municipality and period, over all the clocks
	for _, tt := range []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 11, 22, 12, 0, 0, 0, stats.Stockholm), []string{"2025H2", "2026H1"}},
		{time.Date(2027, 7, 1, 0, 0, 0, 0, stats.Stockholm), []string{"2026H2", "2027H1"}},
		{time.Date(2027, 6, 30, 22, 30, 0, 0, time.UTC), []string{"2026H2", "2027H1"}}, // 1 July in Stockholm
		{time.Date(2027, 3, 5, 9, 0, 0, 0, stats.Stockholm), []string{"2026H1", "2026H2"}},
	} {
		files, err := stats.DemoExports(tt.now)
		if err != nil {
			t.Fatal(err)
		}
		again, err := stats.DemoExports(tt.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(files) {
			t.Fatalf("%v: %d files, then %d", tt.now, len(files), len(again))
		}
		seen := map[string]bool{}
		periods := map[string]int{}
		for i, b := range files {
			if !bytes.Equal(b, again[i]) {
				t.Fatalf("%v: file %d differs between two calls", tt.now, i)
			}
			e, err := stats.ParseExport(b)
			if err != nil {
				t.Fatalf("demo file rejected: %v", err)
			}
			seen[e.Municipality.Code] = true
			periods[e.Period]++
			if !bytes.Contains(b, []byte(`"suppressed":true`)) {
				t.Errorf("%s %s: nothing suppressed, which is unlikely for a small municipality", e.Municipality.Code, e.Period)
			}
			k := e.Municipality.Code + " " + e.Period
			if before, ok := made[k]; ok && !bytes.Equal(before, b) {
				t.Fatalf("%s: another file when made at %v", k, tt.now)
			}
			made[k] = b
		}
		if len(seen) < 5 || len(seen) > 8 {
			t.Fatalf("%v: demo files cover %d municipalities, want 5–8", tt.now, len(seen))
		}
		if len(periods) != len(tt.want) || periods[tt.want[0]] != len(seen) || periods[tt.want[1]] != len(seen) {
			t.Fatalf("%v: files per period %v, want every municipality in %v", tt.now, periods, tt.want)
		}
	}
}
