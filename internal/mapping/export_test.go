package mapping_test

import (
	"slices"
	"testing"

	"lots/internal/mapping"
	"lots/internal/stats"
)

// The young people in SIG and SSPF go to the national export when the release counted them
// (version 5); a release made before they were counted has no count for them, and its export
// leaves them out, so the file stays version 4 as before.
func TestExportLeavesOutTracksTheReleaseLacks(t *testing.T) {
	export := func(track mapping.Figure) *stats.Export {
		t.Helper()
		needs := make([]mapping.Figure, len(stats.NeedsCols))
		for i, col := range stats.NeedsCols {
			needs[i] = mapping.Figure{Value: 8, Shown: true}
			if slices.Contains(stats.TrackNeeds, col) {
				needs[i] = track
			}
		}
		p := mapping.Picture{Year: 2025, Rows: []mapping.Row{{ID: stats.All, Resources: 1,
			Cells: []mapping.Cell{{Band: "13-15", Population: 800, Needs: needs}}}}}
		m := p.Export()
		if m == nil || len(m.Bands) != 1 {
			t.Fatalf("export %+v", m)
		}
		files, err := stats.DemoExports(stats.Period{Year: 2026, Half: 1}.End())
		if err != nil || len(files) == 0 {
			t.Fatalf("%d files: %v", len(files), err)
		}
		e, err := stats.ParseExport(files[0])
		if err != nil {
			t.Fatal(err)
		}
		e.Mapping = m
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		x, err := stats.ParseExport(b)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	x := export(mapping.Figure{Value: 6, Shown: true})
	if got := x.Mapping.Bands[0].Needs; x.SchemaVersion != stats.ExportTrackVersion || len(got) != len(stats.NeedsCols) || got[1].Need != stats.NeedSIG ||
		*got[1].Per1000 != 7.5 {
		t.Errorf("counted: version %d, needs %+v", x.SchemaVersion, got)
	}
	x = export(mapping.Figure{None: true})
	got := x.Mapping.Bands[0].Needs
	if x.SchemaVersion != stats.ExportNeedsVersion || len(got) != len(stats.NeedsCols)-len(stats.TrackNeeds) {
		t.Errorf("not counted: version %d, needs %+v", x.SchemaVersion, got)
	}
	for _, n := range got {
		if slices.Contains(stats.TrackNeeds, n.Need) {
			t.Errorf("exported %s the release lacks", n.Need)
		}
	}
}
