package stats_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"lots/internal/stats"
)

// The export files validate against the schema the repository publishes
// (docs/stats-export.schema.json, JSON Schema 2020-12), checked by a validator rather than by
// hand; and the schema refuses what the import refuses by its own checks: a small or negative
// count shown, a share above one, an unknown field.
func TestExportsValidateAgainstThePublishedSchema(t *testing.T) {
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
		t.Fatalf("the schema does not compile: %v", err)
	}
	files, err := stats.DemoExports(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	if err != nil || len(files) == 0 {
		t.Fatalf("%d files: %v", len(files), err)
	}
	valid := func(b []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		return schema.Validate(v)
	}
	for i, b := range files {
		if err := valid(b); err != nil {
			t.Errorf("export file %d does not validate: %v", i, err)
		}
	}
	// Break the first file's first shown count and first shown share in turn.
	var e map[string]any
	if err := json.Unmarshal(files[0], &e); err != nil {
		t.Fatal(err)
	}
	figures := e["figures"].([]any)
	first := func(kind string) map[string]any {
		for _, f := range figures {
			m := f.(map[string]any)
			if m["kind"] == kind && m["suppressed"] == false {
				return m
			}
		}
		t.Fatalf("no shown %s figure", kind)
		return nil
	}
	for _, tt := range []struct {
		name  string
		spoil func() func()
	}{
		{"a count of three shown", func() func() {
			m := first("count")
			old := m["value"]
			m["value"] = 3.0
			return func() { m["value"] = old }
		}},
		{"a negative count", func() func() {
			m := first("count")
			old := m["value"]
			m["value"] = -7.0
			return func() { m["value"] = old }
		}},
		{"a share above one", func() func() {
			m := first("share")
			old := m["value"]
			m["value"] = 1.5
			return func() { m["value"] = old }
		}},
		{"a figure with an unknown field", func() func() { m := first("count"); m["note"] = "x"; return func() { delete(m, "note") } }},
	} {
		restore := tt.spoil()
		b, _ := json.Marshal(e)
		if err := valid(b); err == nil {
			t.Errorf("%s: the schema accepts it", tt.name)
		} else if !strings.Contains(err.Error(), "figures") {
			t.Errorf("%s: refused, but not for a figure: %v", tt.name, err)
		}
		restore()
	}
	if b, _ := json.Marshal(e); valid(b) != nil {
		t.Fatal("the restored file no longer validates: the test's own edits leak")
	}

	// Schema version 2's economics: a shown one on twelve young people, a suppressed one, and
	// what the schema refuses — three young people shown, a chance above one, economics in a
	// version 1 file.
	econ := func(n any, suppressed bool) map[string]any {
		m := map[string]any{"price_year": 2023, "n": n, "cost_per_youth": 412000.0, "avoided_cost_per_youth": 655000.0,
			"probability_benefits_exceed_costs": 0.71, "attribution": 0.25, "persistence_years": 2.0, "discount_rate": 0.035,
			"after": "followup_6", "suppressed": suppressed}
		if suppressed {
			m["cost_per_youth"], m["avoided_cost_per_youth"], m["probability_benefits_exceed_costs"] = nil, nil, nil
		}
		return m
	}
	for _, tt := range []struct {
		name    string
		version int
		econ    map[string]any
		ok      bool
	}{
		{"economics on twelve young people", 2, econ(12.0, false), true},
		{"suppressed economics", 2, econ(nil, true), true},
		{"economics on three young people shown", 2, econ(3.0, false), false},
		{"a chance above one", 2, func() map[string]any { m := econ(12.0, false); m["probability_benefits_exceed_costs"] = 1.3; return m }(), false},
		{"economics in a version 1 file", 1, econ(12.0, false), false},
	} {
		e["schema_version"], e["economics"] = float64(tt.version), tt.econ
		b, _ := json.Marshal(e)
		if err := valid(b); (err == nil) != tt.ok {
			t.Errorf("%s: valid = %v, want %v (%v)", tt.name, err == nil, tt.ok, err)
		}
	}
}
