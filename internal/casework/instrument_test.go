package casework_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
)

func builtin(t *testing.T, code string) casework.Instrument {
	t.Helper()
	for _, in := range casework.BuiltinInstruments() {
		if in.Code == code {
			return in
		}
	}
	t.Fatalf("no built-in instrument %q", code)
	return casework.Instrument{}
}

func TestBuiltinInstruments(t *testing.T) {
	all := casework.BuiltinInstruments()
	var codes []string
	for _, in := range all {
		codes = append(codes, in.Code)
		t.Run(in.Code+" is a valid definition", func(t *testing.T) {
			if err := in.Validate(); err != nil {
				t.Fatal(err)
			}
			if in.Name.In(casework.LocaleSv) == "" || in.Name.In(casework.LocaleEn) == "" {
				t.Error("needs a Swedish and an English name")
			}
		})
	}
	t.Run("Lots ships IRK and the SAVRY and YLS structures", func(t *testing.T) {
		slices.Sort(codes)
		if want := []string{"irk", "savry-structure", "yls-structure"}; !slices.Equal(codes, want) {
			t.Fatalf("codes %v, want %v", codes, want)
		}
	})

	t.Run("IRK has the central eight, one item each on the four-value risk scale", func(t *testing.T) {
		irk := casework.IRK()
		if irk.Code != casework.IRKCode || irk.StructureOnly {
			t.Fatalf("code %q structure only %v", irk.Code, irk.StructureOnly)
		}
		want := []string{"criminal_history", "personality", "attitudes", "peers", "substances", "family", "school_work", "leisure"}
		var got []string
		for _, d := range irk.Domains {
			got = append(got, d.Code)
			if d.Kind != "risk" {
				t.Errorf("%s: kind %s", d.Code, d.Kind)
			}
			if len(d.Items) != 1 || d.Items[0].Code != d.Code || d.Items[0].Scale != "risk4" {
				t.Errorf("%s: items %+v", d.Code, d.Items)
			}
			if d.Items[0].Name.In(casework.LocaleSv) == "" {
				t.Errorf("%s: IRK is shipped in full, its items need texts", d.Code)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("domains %v, want %v", got, want)
		}
		sc := irk.Scales["risk4"]
		var vals []string
		for _, v := range sc.Values {
			score := "nil"
			if v.Score != nil {
				score = fmt.Sprint(*v.Score)
			}
			vals = append(vals, v.Code+"="+score)
		}
		if want := []string{"no=0", "some=1", "clear=2", "unknown=nil"}; !slices.Equal(vals, want) {
			t.Errorf("risk4 %v, want %v", vals, want)
		}
		if !irk.HasTimePoint(casework.TPConcern) || !irk.HasTimePoint(casework.TPIntake) {
			t.Error("IRK is used at the concern and at intake")
		}
	})

	structure := func(code string, want map[string][2]any) func(*testing.T) {
		return func(t *testing.T) {
			in := builtin(t, code)
			if !in.StructureOnly {
				t.Error("a licensed instrument must be shipped as structure only")
			}
			var got []string
			for _, d := range in.Domains {
				got = append(got, fmt.Sprintf("%s:%s:%d", d.Code, d.Kind, len(d.Items)))
				for _, it := range d.Items {
					if len(it.Name) != 0 {
						t.Errorf("%s: a structure-only definition has item text %v", it.Code, it.Name)
					}
				}
			}
			var wantS []string
			for _, d := range in.Domains {
				w, ok := want[d.Code]
				if !ok {
					t.Errorf("unexpected domain %s", d.Code)
					continue
				}
				wantS = append(wantS, fmt.Sprintf("%s:%s:%d", d.Code, w[0], w[1]))
			}
			if len(in.Domains) != len(want) || !slices.Equal(got, wantS) {
				t.Errorf("domains %v, want %v", got, want)
			}
		}
	}
	t.Run("the SAVRY structure has 10 historical, 6 social, 8 individual risk items and 6 protective items", structure("savry-structure", map[string][2]any{
		"historical": {"risk", 10}, "social": {"risk", 6}, "individual": {"risk", 8}, "protective": {"protective", 6},
	}))
	t.Run("the YLS structure has 42 items in eight risk domains", func(t *testing.T) {
		in := builtin(t, "yls-structure")
		n := 0
		for _, d := range in.Domains {
			n += len(d.Items)
			if d.Kind != "risk" {
				t.Errorf("%s: kind %s", d.Code, d.Kind)
			}
		}
		if n != 42 || len(in.Domains) != 8 {
			t.Fatalf("%d items in %d domains, want 42 in 8", n, len(in.Domains))
		}
		if !in.StructureOnly {
			t.Error("a licensed instrument must be shipped as structure only")
		}
	})
}

// validDefinition is a small, valid instrument definition as generic JSON, for mutating.
func validDefinition() map[string]any {
	score := func(f float64) any { return f }
	return map[string]any{
		"code":           "test",
		"version":        "1",
		"name":           map[string]any{"sv": "Test", "en": "Test"},
		"licence":        "built-in",
		"structure_only": false,
		"time_points":    []any{"intake", "closure"},
		"scales": map[string]any{
			"s3": map[string]any{"values": []any{
				map[string]any{"code": "low", "label": map[string]any{"sv": "Låg"}, "score": score(0)},
				map[string]any{"code": "high", "label": map[string]any{"sv": "Hög"}, "score": score(2)},
				map[string]any{"code": "unknown", "label": map[string]any{"sv": "Okänd"}, "score": nil},
			}},
		},
		"domains": []any{
			map[string]any{"code": "risk_a", "name": map[string]any{"sv": "A"}, "kind": "risk", "summary": "sum",
				"items": []any{map[string]any{"code": "a1", "scale": "s3"}, map[string]any{"code": "a2", "scale": "s3"}}},
			map[string]any{"code": "prot_b", "name": map[string]any{"sv": "B"}, "kind": "protective", "summary": "max",
				"items": []any{map[string]any{"code": "b1", "scale": "s3"}}},
		},
	}
}

func domainAt(def map[string]any, i int) map[string]any {
	return def["domains"].([]any)[i].(map[string]any)
}

func TestParseInstrument(t *testing.T) {
	mutate := func(change func(map[string]any)) []byte {
		d := validDefinition()
		change(d)
		b, err := json.Marshal(d)
		if err != nil {
			panic(err)
		}
		return b
	}
	tests := []struct {
		name string
		def  []byte
		key  string // "" when valid
		msg  string // expected in Args[0]
	}{
		{name: "a valid definition is accepted", def: mutate(func(map[string]any) {})},
		{name: "an unknown top-level field is refused", def: mutate(func(d map[string]any) { d["items_text"] = "x" }), key: "instrument.invalid", msg: `unknown field "items_text"`},
		{name: "an unknown field in a domain is refused", def: mutate(func(d map[string]any) { domainAt(d, 0)["weight"] = 2 }), key: "instrument.invalid", msg: `unknown field "weight"`},
		{name: "malformed JSON is refused", def: []byte(`{"code": "test",`), key: "instrument.invalid", msg: "unexpected EOF"},
		{name: "a score too large for a float is refused", def: []byte(strings.Replace(string(mutate(func(map[string]any) {})), `"score":2`, `"score":1e999`, 1)), key: "instrument.invalid", msg: "1e999"},
		{name: "an upper-case code is refused", def: mutate(func(d map[string]any) { d["code"] = "IRK" }), key: "instrument.invalid", msg: `code "IRK" must be`},
		{name: "an empty code is refused", def: mutate(func(d map[string]any) { d["code"] = "" }), key: "instrument.invalid", msg: `code "" must be`},
		{name: "a missing version is refused", def: mutate(func(d map[string]any) { d["version"] = " " }), key: "instrument.invalid", msg: "version and name are required"},
		{name: "a missing name is refused", def: mutate(func(d map[string]any) { d["name"] = map[string]any{} }), key: "instrument.invalid", msg: "version and name are required"},
		{name: "no domains is refused", def: mutate(func(d map[string]any) { d["domains"] = []any{} }), key: "instrument.invalid", msg: "at least one domain and one time point"},
		{name: "no time points is refused", def: mutate(func(d map[string]any) { d["time_points"] = []any{} }), key: "instrument.invalid", msg: "at least one domain and one time point"},
		{name: "an unknown time point is refused", def: mutate(func(d map[string]any) { d["time_points"] = []any{"intake", "weekly"} }), key: "instrument.invalid", msg: `unknown time point "weekly"`},
		{name: "a scale with one value is refused", def: mutate(func(d map[string]any) {
			d["scales"].(map[string]any)["s3"].(map[string]any)["values"] = []any{map[string]any{"code": "only", "score": 1}}
		}), key: "instrument.invalid", msg: `scale "s3" needs at least two values`},
		{name: "a repeated scale value is refused", def: mutate(func(d map[string]any) {
			vs := d["scales"].(map[string]any)["s3"].(map[string]any)["values"].([]any)
			vs[1].(map[string]any)["code"] = "low"
		}), key: "instrument.invalid", msg: `scale "s3": bad or repeated value "low"`},
		{name: "a scale value with a bad code is refused", def: mutate(func(d map[string]any) {
			vs := d["scales"].(map[string]any)["s3"].(map[string]any)["values"].([]any)
			vs[1].(map[string]any)["code"] = "Hög risk"
		}), key: "instrument.invalid", msg: `bad or repeated value "Hög risk"`},
		{name: "a repeated domain code is refused", def: mutate(func(d map[string]any) { domainAt(d, 1)["code"] = "risk_a" }), key: "instrument.invalid", msg: `bad or repeated domain code "risk_a"`},
		{name: "a domain of unknown kind is refused", def: mutate(func(d map[string]any) { domainAt(d, 0)["kind"] = "need" }), key: "instrument.invalid", msg: `domain "risk_a": kind must be risk or protective`},
		{name: "a domain with an unknown summary is refused", def: mutate(func(d map[string]any) { domainAt(d, 0)["summary"] = "median" }), key: "instrument.invalid", msg: `domain "risk_a": summary must be max, sum or mean`},
		{name: "a domain without items is refused", def: mutate(func(d map[string]any) { domainAt(d, 1)["items"] = []any{} }), key: "instrument.invalid", msg: `domain "prot_b" has no items`},
		{name: "an item code repeated within a domain is refused", def: mutate(func(d map[string]any) {
			domainAt(d, 0)["items"].([]any)[1].(map[string]any)["code"] = "a1"
		}), key: "instrument.invalid", msg: `bad or repeated item code "a1"`},
		{name: "an item code repeated across domains is refused", def: mutate(func(d map[string]any) {
			domainAt(d, 1)["items"].([]any)[0].(map[string]any)["code"] = "a2"
		}), key: "instrument.invalid", msg: `bad or repeated item code "a2"`},
		{name: "an item on an unknown scale is refused", def: mutate(func(d map[string]any) {
			domainAt(d, 1)["items"].([]any)[0].(map[string]any)["scale"] = "s5"
		}), key: "instrument.invalid", msg: `item "b1": unknown scale "s5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := casework.ParseInstrument(tt.def)
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				if in.Code != "test" || len(in.Domains) != 2 || len(in.Scales["s3"].Values) != 3 {
					t.Fatalf("parsed %+v", in)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			var e *casework.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T %v", err, err)
			}
			if e.Code != casework.EInvalid || e.Key != tt.key || e.Field != "definition" {
				t.Errorf("code %s key %s field %s, want invalid %s definition", e.Code, e.Key, e.Field, tt.key)
			}
			if len(e.Args) == 0 {
				t.Fatal("no message argument")
			}
			if msg := fmt.Sprint(e.Args[0]); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not mention %q", msg, tt.msg)
			}
		})
	}
	t.Run("trailing data after the definition is refused", func(t *testing.T) {
		b := append(mutate(func(map[string]any) {}), []byte(` {"code": "second"}`)...)
		if _, err := casework.ParseInstrument(b); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestValidateNonFiniteScore(t *testing.T) {
	for _, tt := range []struct {
		name  string
		score float64
	}{{"a score that is not a number is refused", math.NaN()}, {"an infinite score is refused", math.Inf(1)}, {"a negative infinite score is refused", math.Inf(-1)}} {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(validDefinition())
			in, err := casework.ParseInstrument(b)
			if err != nil {
				t.Fatal(err)
			}
			s := tt.score
			in.Scales["s3"].Values[1].Score = &s
			err = in.Validate()
			var e *casework.Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v", err)
			}
			if msg := fmt.Sprint(e.Args[0]); !strings.Contains(msg, `value "high" has no finite score`) {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// irkRatings rates every IRK factor with v, then applies the overrides.
func irkRatings(v string, overrides map[string]string) []casework.Rating {
	var rs []casework.Rating
	for _, d := range casework.IRK().Domains {
		val := v
		if o, ok := overrides[d.Items[0].Code]; ok {
			val = o
		}
		rs = append(rs, casework.Rating{Item: d.Items[0].Code, Value: val})
	}
	return rs
}

func TestCheckAssessment(t *testing.T) {
	irk := casework.IRK()
	full := func() casework.Assessment {
		return casework.Assessment{Instrument: "irk", TimePoint: casework.TPConcern, Ratings: irkRatings("some", nil)}
	}
	with := func(change func(*casework.Assessment)) casework.Assessment {
		a := full()
		change(&a)
		return a
	}
	tests := []struct {
		name   string
		a      casework.Assessment
		fields []string
		keys   []string
	}{
		{name: "a complete IRK at the concern is valid", a: full()},
		{name: "a complete IRK with a risk level and its reason is valid", a: with(func(a *casework.Assessment) { a.RiskLevel, a.RiskReason = casework.RiskHigh, "clear on four factors" })},
		{name: "unknown is a value on the IRK scale", a: with(func(a *casework.Assessment) { a.Ratings = irkRatings("unknown", nil) })},
		{name: "an unknown item is refused", a: with(func(a *casework.Assessment) {
			a.Ratings = append(a.Ratings, casework.Rating{Item: "weapons", Value: "clear"})
		}),
			fields: []string{"item_weapons"}, keys: []string{"assessment.item_unknown"}},
		{name: "a value not on the scale is refused", a: with(func(a *casework.Assessment) { a.Ratings = irkRatings("some", map[string]string{"peers": "maybe"}) }),
			fields: []string{"item_peers"}, keys: []string{"assessment.value_invalid"}},
		{name: "an empty value is refused", a: with(func(a *casework.Assessment) { a.Ratings = irkRatings("some", map[string]string{"family": ""}) }),
			fields: []string{"item_family"}, keys: []string{"assessment.value_invalid"}},
		{name: "a missing item is refused", a: with(func(a *casework.Assessment) { a.Ratings = a.Ratings[1:] }),
			fields: []string{"item_criminal_history"}, keys: []string{"assessment.item_missing"}},
		{name: "an item rated twice is refused", a: with(func(a *casework.Assessment) {
			a.Ratings = append(a.Ratings, casework.Rating{Item: "leisure", Value: "no"})
		}),
			fields: []string{"item_leisure"}, keys: []string{"assessment.item_twice"}},
		{name: "a risk level without a reason is refused", a: with(func(a *casework.Assessment) { a.RiskLevel, a.RiskReason = casework.RiskModerate, "  " }),
			fields: []string{"risk_reason"}, keys: []string{"assessment.risk_reason_required"}},
		{name: "an unknown risk level is refused", a: with(func(a *casework.Assessment) { a.RiskLevel, a.RiskReason = "extreme", "why" }),
			fields: []string{"risk_level"}, keys: []string{"assessment.risk_level_invalid"}},
		{name: "a time point the instrument is not used at is refused", a: with(func(a *casework.Assessment) { a.TimePoint = casework.TPFollowUp }),
			fields: []string{"time_point"}, keys: []string{"assessment.time_point_invalid"}},
		{name: "an unknown time point is refused", a: with(func(a *casework.Assessment) { a.TimePoint = "weekly" }),
			fields: []string{"time_point"}, keys: []string{"assessment.time_point_invalid"}},
		{name: "no time point is refused", a: with(func(a *casework.Assessment) { a.TimePoint = "" }),
			fields: []string{"time_point"}, keys: []string{"assessment.time_point_invalid"}},
		{name: "a rating note over 4000 characters is refused", a: with(func(a *casework.Assessment) { a.Ratings[0].Note = strings.Repeat("x", 4001) }),
			fields: []string{"note_criminal_history"}, keys: []string{"assessment.note_too_long"}},
		{name: "an assessment note over 8000 characters is refused", a: with(func(a *casework.Assessment) { a.Note = strings.Repeat("x", 8001) }),
			fields: []string{"note"}, keys: []string{"assessment.note_too_long"}},
		{name: "protective factors over 4000 characters are refused", a: with(func(a *casework.Assessment) { a.Protective = strings.Repeat("x", 4001) }),
			fields: []string{"protective"}, keys: []string{"assessment.note_too_long"}},
		{name: "an empty assessment lists every problem at once", a: casework.Assessment{TimePoint: "x", RiskLevel: casework.RiskLow},
			fields: []string{"time_point", "item_criminal_history", "item_personality", "item_attitudes", "item_peers", "item_substances", "item_family", "item_school_work", "item_leisure", "risk_reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			err := irk.Check(&a)
			if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v (err %v)", got, tt.fields, err)
			}
			if tt.keys != nil {
				if got := keysOf(err); !slices.Equal(got, tt.keys) {
					t.Fatalf("keys %v, want %v", got, tt.keys)
				}
			}
			if err != nil && casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("code %s", casework.ErrorCode(err))
			}
		})
	}
	t.Run("a rating note of 4000 Swedish letters is accepted", func(t *testing.T) {
		a := full()
		a.Ratings[0].Note = strings.Repeat("å", 4000)
		if err := irk.Check(&a); err != nil {
			t.Fatal(err)
		}
	})
}

// testInstrument has a risk domain per summary rule and a protective domain.
func testInstrument(t *testing.T) casework.Instrument {
	t.Helper()
	def := validDefinition()
	def["scales"].(map[string]any)["s4"] = map[string]any{"values": []any{
		map[string]any{"code": "0", "score": 0.0}, map[string]any{"code": "1", "score": 1.0},
		map[string]any{"code": "2", "score": 2.0}, map[string]any{"code": "3", "score": 3.0},
		map[string]any{"code": "x", "score": nil},
	}}
	item := func(code string) any { return map[string]any{"code": code, "scale": "s4"} }
	def["domains"] = []any{
		map[string]any{"code": "r_max", "name": map[string]any{"sv": "max"}, "kind": "risk", "summary": "max", "items": []any{item("m1"), item("m2"), item("m3")}},
		map[string]any{"code": "r_sum", "name": map[string]any{"sv": "sum"}, "kind": "risk", "summary": "sum", "items": []any{item("s1"), item("s2"), item("s3")}},
		map[string]any{"code": "r_mean", "name": map[string]any{"sv": "mean"}, "kind": "risk", "summary": "mean", "items": []any{item("e1"), item("e2"), item("e3")}},
		map[string]any{"code": "p_sum", "name": map[string]any{"sv": "skydd"}, "kind": "protective", "summary": "sum", "items": []any{item("p1"), item("p2")}},
	}
	def["time_points"] = []any{"intake", "midway", "closure", "followup"}
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	in, err := casework.ParseInstrument(b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// ratings builds ratings from "item=value" pairs.
func ratings(pairs ...string) []casework.Rating {
	var rs []casework.Rating
	for _, p := range pairs {
		item, value, _ := strings.Cut(p, "=")
		rs = append(rs, casework.Rating{Item: item, Value: value})
	}
	return rs
}

func TestSummarise(t *testing.T) {
	in := testInstrument(t)
	type ds struct {
		score         float64
		scored, items int
	}
	tests := []struct {
		name    string
		ratings []casework.Rating
		want    map[string]ds
	}{
		{"max, sum and mean summarise their scored items",
			ratings("m1=1", "m2=3", "m3=0", "s1=1", "s2=2", "s3=3", "e1=1", "e2=2", "e3=3", "p1=1", "p2=1"),
			map[string]ds{"r_max": {3, 3, 3}, "r_sum": {6, 3, 3}, "r_mean": {2, 3, 3}, "p_sum": {2, 2, 2}}},
		{"unscored values are left out of every summary",
			ratings("m1=x", "m2=2", "m3=x", "s1=x", "s2=2", "s3=3", "e1=x", "e2=1", "e3=2", "p1=x", "p2=x"),
			map[string]ds{"r_max": {2, 1, 3}, "r_sum": {5, 2, 3}, "r_mean": {1.5, 2, 3}, "p_sum": {0, 0, 2}}},
		{"missing and off-scale ratings are left out",
			ratings("m1=7", "s1=3", "e3=3", "nosuch=3"),
			map[string]ds{"r_max": {0, 0, 3}, "r_sum": {3, 1, 3}, "r_mean": {3, 1, 3}, "p_sum": {0, 0, 2}}},
		{"a max of zeros is zero and counts as scored",
			ratings("m1=0", "m2=0", "m3=0"),
			map[string]ds{"r_max": {0, 3, 3}, "r_sum": {0, 0, 3}, "r_mean": {0, 0, 3}, "p_sum": {0, 0, 2}}},
		{"no ratings leave every domain unscored", nil,
			map[string]ds{"r_max": {0, 0, 3}, "r_sum": {0, 0, 3}, "r_mean": {0, 0, 3}, "p_sum": {0, 0, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := in.Summarise(tt.ratings)
			if len(got) != len(in.Domains) {
				t.Fatalf("%d summaries for %d domains", len(got), len(in.Domains))
			}
			for i, g := range got {
				if g.Domain != in.Domains[i].Code {
					t.Errorf("summary %d is for %s, want %s", i, g.Domain, in.Domains[i].Code)
				}
				w := tt.want[g.Domain]
				if math.Abs(g.Score-w.score) > 1e-9 || g.Scored != w.scored || g.Items != w.items {
					t.Errorf("%s: score %v scored %d of %d, want %v, %d of %d", g.Domain, g.Score, g.Scored, g.Items, w.score, w.scored, w.items)
				}
			}
		})
	}
	t.Run("IRK summarises each factor by its rating and leaves unknown unscored", func(t *testing.T) {
		got := casework.IRK().Summarise(irkRatings("no", map[string]string{"peers": "clear", "family": "some", "leisure": "unknown"}))
		want := map[string]ds{"peers": {2, 1, 1}, "family": {1, 1, 1}, "leisure": {0, 0, 1}}
		for _, g := range got {
			w, ok := want[g.Domain]
			if !ok {
				w = ds{0, 1, 1}
			}
			if g.Score != w.score || g.Scored != w.scored || g.Items != w.items {
				t.Errorf("%s: %+v, want %+v", g.Domain, g, w)
			}
		}
	})
	t.Run("the SAVRY historical domain sums its ten items", func(t *testing.T) {
		savry := builtin(t, "savry-structure")
		var rs []casework.Rating
		for i, it := range savry.Domains[0].Items {
			v := []string{"low", "moderate", "high", "omitted"}[i%4]
			rs = append(rs, casework.Rating{Item: it.Code, Value: v})
		}
		// ten items: low, moderate, high, omitted, low, moderate, high, omitted, low, moderate
		g := savry.Summarise(rs)[0]
		if g.Score != 7 || g.Scored != 8 || g.Items != 10 {
			t.Fatalf("%+v, want score 7 from 8 of 10 items", g)
		}
	})
}

func TestChanges(t *testing.T) {
	in := testInstrument(t)
	at := func(m time.Month) time.Time { return time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC) }
	intake := casework.Assessment{TimePoint: casework.TPIntake, AssessedAt: at(1),
		Ratings: ratings("m1=3", "s1=3", "s2=3", "e1=2", "p1=0", "p2=1")}
	midway := casework.Assessment{TimePoint: casework.TPMidway, AssessedAt: at(4),
		Ratings: ratings("m1=x", "s1=2", "s2=2", "e1=2", "p1=1", "p2=1")}
	closure := casework.Assessment{TimePoint: casework.TPClosure, AssessedAt: at(8),
		Ratings: ratings("m1=1", "s1=3", "s2=3", "s3=1", "e1=2", "p1=0", "p2=0")}

	f := func(v float64) *float64 { return &v }
	type want struct {
		points    []casework.TimePoint
		scores    []*float64
		change    *float64
		direction string
	}
	tp := []casework.TimePoint{casework.TPIntake, casework.TPMidway, casework.TPClosure}
	tests := []struct {
		name string
		as   []casework.Assessment
		want map[string]want
	}{
		{"a single assessment has no change",
			[]casework.Assessment{intake},
			map[string]want{
				"r_max":  {[]casework.TimePoint{casework.TPIntake}, []*float64{f(3)}, nil, ""},
				"r_sum":  {[]casework.TimePoint{casework.TPIntake}, []*float64{f(6)}, nil, ""},
				"r_mean": {[]casework.TimePoint{casework.TPIntake}, []*float64{f(2)}, nil, ""},
				"p_sum":  {[]casework.TimePoint{casework.TPIntake}, []*float64{f(1)}, nil, ""},
			}},
		{"lower risk is better, higher risk worse, equal the same, less protection worse, taken in time order",
			[]casework.Assessment{closure, intake, midway},
			map[string]want{
				"r_max":  {tp, []*float64{f(3), nil, f(1)}, f(-2), "better"},
				"r_sum":  {tp, []*float64{f(6), f(4), f(7)}, f(1), "worse"},
				"r_mean": {tp, []*float64{f(2), f(2), f(2)}, f(0), "same"},
				"p_sum":  {tp, []*float64{f(1), f(2), f(0)}, f(-1), "worse"},
			}},
		{"more protection is better",
			[]casework.Assessment{intake, midway},
			map[string]want{
				"r_max":  {tp[:2], []*float64{f(3), nil}, nil, ""},
				"r_sum":  {tp[:2], []*float64{f(6), f(4)}, f(-2), "better"},
				"r_mean": {tp[:2], []*float64{f(2), f(2)}, f(0), "same"},
				"p_sum":  {tp[:2], []*float64{f(1), f(2)}, f(1), "better"},
			}},
		{"no assessments give domains without points", nil,
			map[string]want{"r_max": {}, "r_sum": {}, "r_mean": {}, "p_sum": {}}},
	}
	show := func(ps []*float64) string {
		var s []string
		for _, p := range ps {
			if p == nil {
				s = append(s, "nil")
			} else {
				s = append(s, fmt.Sprint(*p))
			}
		}
		return strings.Join(s, ",")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := in.Changes(tt.as)
			if len(got) != len(in.Domains) {
				t.Fatalf("%d changes", len(got))
			}
			for _, g := range got {
				w := tt.want[g.Domain]
				if !slices.Equal(g.Points, w.points) {
					t.Errorf("%s: points %v, want %v", g.Domain, g.Points, w.points)
				}
				if show(g.Scores) != show(w.scores) {
					t.Errorf("%s: scores %s, want %s", g.Domain, show(g.Scores), show(w.scores))
				}
				if (g.Change == nil) != (w.change == nil) || g.Change != nil && *g.Change != *w.change {
					t.Errorf("%s: change %s, want %s", g.Domain, show([]*float64{g.Change}), show([]*float64{w.change}))
				}
				if g.Direction != w.direction {
					t.Errorf("%s: direction %q, want %q", g.Domain, g.Direction, w.direction)
				}
			}
		})
	}
	t.Run("Changes does not reorder the caller's slice", func(t *testing.T) {
		as := []casework.Assessment{closure, intake}
		in.Changes(as)
		if as[0].TimePoint != casework.TPClosure {
			t.Fatal("input reordered")
		}
	})
}

func TestSummariseIRK(t *testing.T) {
	tests := []struct {
		name  string
		rs    []casework.Rating
		clear []string
		want  [4]int // clear, some, no, unknown
	}{
		{"no ratings count nothing", nil, nil, [4]int{}},
		{"every factor clear counts eight clear in order", irkRatings("clear", nil),
			[]string{"criminal_history", "personality", "attitudes", "peers", "substances", "family", "school_work", "leisure"}, [4]int{8, 0, 0, 0}},
		{"a mixed check counts each rating", irkRatings("no", map[string]string{"peers": "clear", "substances": "clear", "family": "some", "leisure": "unknown"}),
			[]string{"peers", "substances"}, [4]int{2, 1, 4, 1}},
		{"a value off the scale counts as unknown", ratings("peers=maybe", "family="), nil, [4]int{0, 0, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := casework.SummariseIRK(tt.rs)
			if got := [4]int{s.Clear, s.Some, s.No, s.Unknown}; got != tt.want {
				t.Errorf("clear/some/no/unknown %v, want %v", got, tt.want)
			}
			if !slices.Equal(s.ClearFactors, tt.clear) {
				t.Errorf("clear factors %v, want %v", s.ClearFactors, tt.clear)
			}
		})
	}
}

func TestTextIn(t *testing.T) {
	tests := []struct {
		name string
		t    casework.Text
		l    casework.Locale
		want string
	}{
		{"English is used when present", casework.Text{"sv": "Hej", "en": "Hello"}, casework.LocaleEn, "Hello"},
		{"Swedish is the fallback", casework.Text{"sv": "Hej"}, casework.LocaleEn, "Hej"},
		{"any language is the last resort", casework.Text{"ar": "مرحبا"}, casework.LocaleSv, "مرحبا"},
		{"no text gives the empty string", nil, casework.LocaleSv, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.In(tt.l); got != tt.want {
				t.Fatalf("%q, want %q", got, tt.want)
			}
		})
	}
}
