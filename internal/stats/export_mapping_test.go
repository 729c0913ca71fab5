package stats_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"lots/internal/stats"
)

// The mapping in the export file (schema version 3): a file with it round-trips and validates
// against the published schema; the import refuses a rate that rests on fewer than min_cell
// young people, a suppressed rate with a value, an unknown band, and the mapping in a file of
// an older version.
func TestExportMapping(t *testing.T) {
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
	rate, cost := 12.5, 1800.0
	build := func(change func(m *stats.ExportMapping)) []byte {
		t.Helper()
		e, err := stats.ParseExport(files[0])
		if err != nil {
			t.Fatal(err)
		}
		m := &stats.ExportMapping{PopulationYear: 2025, Districts: 4, Resources: 3, CostPerYoung: &cost, PriorityGaps: 1, Bands: []stats.ExportMappingBand{
			{Band: "13-15", Population: 800, OpenPer1000: &rate, Resources: 2, Capacity: 40, Evenings: true, Missing: []string{"family"}},
			{Band: "16-17", Population: 500, Suppressed: true, Resources: 1, Missing: []string{}},
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
	if x.SchemaVersion != 3 || x.Mapping == nil || *x.Mapping.Bands[0].OpenPer1000 != 12.5 || !x.Mapping.Bands[1].Suppressed {
		t.Fatalf("read back version %d, %+v", x.SchemaVersion, x.Mapping)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("a file with the mapping does not validate: %v", err)
	}
	small, hiddenShown := 2.0, 3.0
	for _, tt := range []struct {
		name string
		file []byte
		key  string
	}{
		{"a rate resting on two young people", build(func(m *stats.ExportMapping) { m.Bands[0].OpenPer1000 = &small; m.Bands[0].Population = 1000 }), "national.reject_small_cell"},
		{"a suppressed rate with a value", build(func(m *stats.ExportMapping) { m.Bands[1].OpenPer1000 = &hiddenShown }), "national.reject_suppressed_value"},
		{"an unknown band", build(func(m *stats.ExportMapping) { m.Bands[1].Band = "unknown" }), "national.reject_figure"},
		{"a negative population", build(func(m *stats.ExportMapping) { m.Bands[1].Population = -1 }), "national.reject_negative"},
		{"the mapping in a version 2 file", reseal(t, good, func(m map[string]any) { m["schema_version"] = 2 }), "national.reject_structure"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stats.ParseExport(tt.file)
			var ie *stats.ImportError
			if !errors.As(err, &ie) || ie.Key != tt.key {
				t.Errorf("got %v, want %s", err, tt.key)
			}
		})
	}
}

// reseal changes a file's JSON and computes its checksum again, as a careless tool would.
func reseal(t *testing.T, file []byte, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(file, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	delete(m, "checksum")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := stats.Checksum(b)
	if err != nil {
		t.Fatal(err)
	}
	m["checksum"] = sum
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	return b
}
