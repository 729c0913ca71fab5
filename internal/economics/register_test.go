package economics

import (
	"errors"
	"strings"
	"testing"

	"lots/internal/casework"
)

// SCB's published annual averages (Konsumentprisindex 1980=100, fastställda tal), as read on
// scb.se and copied into docs/economics.md: the shipped table must hold exactly these.
var published = map[int]float64{
	2006: 284.22, 2007: 290.51, 2008: 300.61, 2009: 299.66, 2010: 303.46, 2011: 311.43, 2012: 314.20, 2013: 314.06,
	2014: 313.49, 2015: 313.35, 2016: 316.43, 2017: 322.11, 2018: 328.40, 2019: 334.26, 2020: 335.92, 2021: 343.19,
	2022: 371.91, 2023: 403.70,
}

func TestShippedIndexIsSCBs(t *testing.T) {
	ix := NewIndex(nil)
	if len(ix) != len(published) {
		t.Fatalf("%d years shipped, %d published", len(ix), len(published))
	}
	for y, v := range published {
		if got := ix[y]; got.Value != v || !got.Builtin || !strings.Contains(got.Source, "SCB") {
			t.Errorf("%d: %+v, want %.2f from SCB", y, got, v)
		}
	}
}

func TestConvertBetweenPriceYears(t *testing.T) {
	ix := NewIndex([]IndexYear{{Year: 2024, Value: 410}})
	for _, tc := range []struct {
		name     string
		amount   float64
		from, to int
		want     float64
	}{
		// facts-sweden.md: 226 000 kr in 2012 prices is about 290 400 kr in 2023 prices.
		{"a robbery of 2012 in 2023 prices", 226_000, 2012, 2023, 226_000 * 403.70 / 314.20},
		{"the same year is the same amount", 1000, 2015, 2015, 1000},
		{"backwards: 2023 to 2015", 1_000_000, 2023, 2015, 1_000_000 * 313.35 / 403.70},
		{"through a year the municipality added", 1000, 2023, 2024, 1000 * 410 / 403.70},
		{"prices fell from 2008 to 2009", 100_000, 2008, 2009, 100_000 * 299.66 / 300.61},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Convert(tc.amount, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "converted", got, tc.want, 1e-6)
		})
	}
	got, _ := ix.Convert(226_000, 2012, 2023)
	near(t, "226 000 (2012) in 2023, rounded to hundreds", float64(int(got/100+0.5)*100), 290_400, 0)
	if _, err := ix.Convert(1000, 2012, 2030); err == nil {
		t.Error("a year without an index converted")
	}
}

func TestShippedYearsCannotBeReplaced(t *testing.T) {
	ix := NewIndex([]IndexYear{{Year: 2023, Value: 1}})
	if ix[2023].Value != 403.70 {
		t.Fatalf("a municipality's 2023 replaced SCB's: %v", ix[2023])
	}
	for _, tc := range []struct {
		name  string
		y     IndexYear
		field string
	}{
		{"a shipped year", IndexYear{Year: 2020, Value: 336}, "year"},
		{"a year before the index began", IndexYear{Year: 1979, Value: 99}, "year"},
		{"no value", IndexYear{Year: 2024, Value: 0}, "value"},
		{"three decimals", IndexYear{Year: 2024, Value: 414.123}, "value"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantField(t, tc.y.Validate(), tc.field) })
	}
	if err := (IndexYear{Year: 2024, Value: 414.25, Source: "SCB"}).Validate(); err != nil {
		t.Errorf("a good year refused: %v", err)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	for _, e := range casework.FieldErrorsOf(err) {
		if e.Field == field {
			return
		}
	}
	t.Errorf("want an error at %s, got %v", field, err)
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Money
		key  string
	}{
		{"2 726 000", 272_600_000, ""},
		{"2\u00a0726\u00a0000", 272_600_000, ""},
		{"599,54", 59_954, ""},
		{"599.5", 59_950, ""},
		{",5", 50, ""},
		{"0", 0, ""},
		{"", 0, keyAmountRequired},
		{"-100", 0, keyAmountNegative},
		{"−100", 0, keyAmountNegative},
		{"12,345", 0, keyAmountDecimals},
		{"1,234.5", 0, keyAmountNumber},
		{"tusen", 0, keyAmountNumber},
		{"1e6", 0, keyAmountNumber},
		{"1000000000000000", 0, keyAmountTooLarge},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, key := ParseAmount(tc.in)
			if got != tc.want || key != tc.key {
				t.Errorf("ParseAmount(%q) = %d, %q; want %d, %q", tc.in, got, key, tc.want, tc.key)
			}
		})
	}
	for _, tc := range []struct {
		v   float64
		key string
	}{{599.54, ""}, {0.1, ""}, {12.345, keyAmountDecimals}, {-1, keyAmountNegative}} {
		if _, key := AmountOf(tc.v); key != tc.key {
			t.Errorf("AmountOf(%v) = %q, want %q", tc.v, key, tc.key)
		}
	}
}

func TestEveryDefaultNamesItsSource(t *testing.T) {
	ix := NewIndex(nil)
	seen := map[string]bool{}
	for _, u := range DefaultRegister() {
		t.Run(u.Code, func(t *testing.T) {
			if seen[u.Code] {
				t.Fatal("twice")
			}
			seen[u.Code] = true
			if err := u.Validate(ix); err != nil {
				t.Fatalf("invalid: %v", err)
			}
			if u.Source == "" || u.Tag == TagLocal || u.Tag == "" {
				t.Errorf("source %q, tag %q: a default names its source and how sure it is", u.Source, u.Tag)
			}
			if u.Note.In("sv") == "" || u.Note.In("en") == "" {
				t.Error("a default says in both languages how the figure was read or derived")
			}
		})
	}
}

func TestValidateItem(t *testing.T) {
	ix := NewIndex(nil)
	good := func() UnitCost {
		return UnitCost{Code: "placement.hvb", Unit: PerDay, Amount: 400_000, Low: 300_000, High: 500_000, PriceYear: 2023,
			Source: "Kommunens budget 2023", Shares: Shares{MunicipalitySocial: 1}}
	}
	for _, tc := range []struct {
		name   string
		change func(*UnitCost)
		field  string
		key    string
	}{
		{"a placement given per year is refused at the unit", func(u *UnitCost) { u.Unit = PerYear }, "unit", "economics.unit_must_be.day"},
		{"an hourly cost given per year is refused", func(u *UnitCost) { u.Code, u.Unit = "staff.school", PerYear }, "unit", "economics.unit_must_be.hour"},
		{"an intervention per offence is refused", func(u *UnitCost) { u.Code, u.Unit = "intervention.komet", PerOffence }, "unit", "economics.unit_not_for_category"},
		{"low above the value", func(u *UnitCost) { u.Low = 450_000 }, "low", "economics.range_low"},
		{"high below the value", func(u *UnitCost) { u.High = 350_000 }, "high", "economics.range_high"},
		{"a price year without an index", func(u *UnitCost) { u.PriceYear = 2031 }, "price_year", "economics.price_year_no_index"},
		{"no source", func(u *UnitCost) { u.Source = "" }, "source", "economics.source_required"},
		{"shares not summing to one", func(u *UnitCost) { u.Shares = Shares{MunicipalitySocial: 0.5, State: 0.3} }, "shares", "economics.shares_sum"},
		{"an unknown code", func(u *UnitCost) { u.Code = "placement.castle" }, "code", "economics.code_invalid"},
		{"an own item without a name", func(u *UnitCost) { u.Code, u.Unit = "other.lokaler", PerYear }, "name", "economics.name_required"},
		{"sessions without how many", func(u *UnitCost) { u.Code, u.Unit = "intervention.komet", PerSession }, "per_course", "economics.per_course_range"},
		{"a link that is not a web address", func(u *UnitCost) { u.URL = "javascript:alert(1)" }, "url", "economics.url_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := good()
			tc.change(&u)
			u.Normalise()
			err := u.Validate(ix)
			for _, e := range casework.FieldErrorsOf(err) {
				if e.Field == tc.field && e.Key == tc.key {
					return
				}
			}
			t.Errorf("want %s at %s, got %v", tc.key, tc.field, err)
		})
	}
	g := good()
	g.Normalise()
	if err := g.Validate(ix); err != nil {
		t.Fatalf("a good item refused: %v", err)
	}
	u := UnitCost{Code: "intervention.komet", Unit: PerSession, PerCourse: 11, Amount: 150_000, Low: 150_000, High: 150_000, PriceYear: 2023, Source: "Avtal"}
	u.Normalise()
	if err := u.Validate(ix); err != nil || u.Category != CatIntervention || !u.Shares.Valid() {
		t.Fatalf("a session-priced intervention: %v %+v", err, u)
	}
	var ve *casework.ValidationError
	if err := (UnitCost{}).Validate(ix); !errors.As(err, &ve) || len(ve.Fields) < 3 {
		t.Errorf("an empty item should be refused at several fields at once: %v", err)
	}
}

func TestMergeRegisterListsEverySlot(t *testing.T) {
	own := []UnitCost{
		{Code: "placement.hvb", Category: CatPlacement, Unit: PerDay, Amount: 450_000, PriceYear: 2023, Source: "Egen"},
		{Code: "other.lokaler", Category: CatOther, Unit: PerYear, Amount: 10_000_000, PriceYear: 2023, Source: "Egen"},
		{Code: "intervention.fft", Category: CatIntervention, Unit: PerWeek, Amount: 500_000, PriceYear: 2023, Source: "Avtal"},
	}
	all := MergeRegister(DefaultRegister(), own)
	if len(all) != len(Slots())+3 { // the built-ins, ESTER and the two own ones
		t.Fatalf("%d items, want %d", len(all), len(Slots())+3)
	}
	by := map[string]UnitCost{}
	for _, u := range all {
		by[u.Code] = u
	}
	if u := by["placement.hvb"]; u.Amount != 450_000 || !u.Edited || !u.Builtin {
		t.Errorf("own figure not laid over the default: %+v", u)
	}
	// The coordinator's post: a social worker's mean salary 2021 × 12 × SKR's on-cost 40.15 %,
	// inferred (that the post costs what a social worker's does is an assumption).
	if u := by["staff.coordinator"]; !u.Priced() || u.Tag != TagInferred || u.Unit != PerFTEYear || u.PriceYear != 2021 ||
		u.Amount.Kronor() != 36_500*12*1.4015 || u.Low.Kronor() != 545_424.56 || u.High.Kronor() != 719_322.68 {
		t.Errorf("the coordinator's post should have the inferred national figure: %+v", u)
	}
	if all[len(all)-1].Code != "other.lokaler" {
		t.Errorf("own items come last, got %s", all[len(all)-1].Code)
	}
}

func TestPerspectivesMatchTheModel(t *testing.T) {
	if len(Perspectives) != len7 {
		t.Fatalf("%d perspectives, the model counts %d", len(Perspectives), len7)
	}
	for _, s := range Slots() {
		if !s.Shares.Valid() {
			t.Errorf("%s: default shares %v", s.Code, s.Shares)
		}
	}
}
