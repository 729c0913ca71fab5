package stats_test

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"lots/internal/stats"
)

// The needs in the mapping (schema version 4): a file with them is version 4, round-trips and
// validates against the published schema; with the young people in SIG and SSPF version 5;
// the schema and the import both refuse a suppressed need with a value, a need resting on
// fewer than min_cell young people, an unknown need, a need twice, SIG and SSPF in a version
// 4 file, and the needs in a version 3 file.
func TestExportMappingNeeds(t *testing.T) {
	files, err := stats.DemoExports(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	if err != nil || len(files) == 0 {
		t.Fatalf("%d files: %v", len(files), err)
	}
	raw, err := os.ReadFile("../../docs/stats-export.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("stats-export.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("stats-export.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	valid := func(b []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		return schema.Validate(v)
	}
	concerns, peers := 15.0, 7.5
	build := func(change func(m *stats.ExportMapping)) []byte {
		t.Helper()
		e, err := stats.ParseExport(files[0])
		if err != nil {
			t.Fatal(err)
		}
		m := &stats.ExportMapping{PopulationYear: 2025, Districts: 4, Bands: []stats.ExportMappingBand{
			{Band: "13-15", Population: 800, Suppressed: true, Missing: []string{}, Needs: []stats.ExportNeed{
				{Need: stats.NeedConcerns, Per1000: &concerns}, {Need: "irk.peers", Per1000: &peers}, {Need: stats.NeedPlaced, Suppressed: true}}},
		}}
		if change != nil {
			change(m)
		}
		e.Mapping = m
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := build(nil)
	x, err := stats.ParseExport(good)
	if err != nil {
		t.Fatal(err)
	}
	if x.SchemaVersion != stats.ExportNeedsVersion || len(x.Mapping.Bands[0].Needs) != 3 || *x.Mapping.Bands[0].Needs[1].Per1000 != 7.5 ||
		!x.Mapping.Bands[0].Needs[2].Suppressed {
		t.Fatalf("read back version %d, %+v", x.SchemaVersion, x.Mapping)
	}
	if err := valid(good); err != nil {
		t.Errorf("a file with the needs does not validate: %v", err)
	}
	// Without needs the same mapping stays version 3.
	if v3, err := stats.ParseExport(build(func(m *stats.ExportMapping) { m.Bands[0].Needs = nil })); err != nil || v3.SchemaVersion != stats.ExportMappingVersion {
		t.Errorf("a mapping without needs: %v, %+v", err, v3)
	}
	// The young people in SIG and in SSPF make a file version 5: version 4's needs are a
	// closed list, so a reader of version 4 (and its schema) refuses them in a version 4 file.
	sig := 12.5
	withTracks := build(func(m *stats.ExportMapping) {
		m.Bands[0].Needs = append(m.Bands[0].Needs, stats.ExportNeed{Need: stats.NeedSIG, Per1000: &sig}, stats.ExportNeed{Need: stats.NeedSSPF, Suppressed: true})
	})
	if v5, err := stats.ParseExport(withTracks); err != nil || v5.SchemaVersion != stats.ExportTrackVersion || len(v5.Mapping.Bands[0].Needs) != 5 ||
		*v5.Mapping.Bands[0].Needs[3].Per1000 != 12.5 || !v5.Mapping.Bands[0].Needs[4].Suppressed {
		t.Errorf("a mapping with SIG and SSPF: %v, %+v", err, v5)
	}
	if err := valid(withTracks); err != nil {
		t.Errorf("a file with SIG and SSPF does not validate: %v", err)
	}
	small, shown := 2.0, 9.0
	for _, tt := range []struct {
		name   string
		file   []byte
		key    string
		schema bool // the schema refuses it too
	}{
		{"a suppressed need with a value", build(func(m *stats.ExportMapping) { m.Bands[0].Needs[2].Per1000 = &shown }), "national.reject_suppressed_value", true},
		{"a need resting on two young people", build(func(m *stats.ExportMapping) { m.Bands[0].Needs[0].Per1000 = &small; m.Bands[0].Population = 1000 }), "national.reject_small_cell", false},
		{"an unknown need", build(func(m *stats.ExportMapping) { m.Bands[0].Needs[0].Need = "irk.weather" }), "national.reject_figure", true},
		{"a need twice", build(func(m *stats.ExportMapping) { m.Bands[0].Needs[1].Need = stats.NeedConcerns }), "national.reject_figure", false},
		{"SIG and SSPF in a version 4 file", reseal(t, withTracks, func(m map[string]any) { m["schema_version"] = 4 }), "national.reject_structure", true},
		{"the needs in a version 3 file", reseal(t, good, func(m map[string]any) { m["schema_version"] = 3 }), "national.reject_structure", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stats.ParseExport(tt.file)
			var ie *stats.ImportError
			if !errors.As(err, &ie) || ie.Key != tt.key {
				t.Errorf("got %v, want %s", err, tt.key)
			}
			if tt.schema && valid(tt.file) == nil {
				t.Error("the schema accepts it")
			}
		})
	}
}
