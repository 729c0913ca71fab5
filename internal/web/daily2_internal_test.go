package web

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/stats"
)

// A change between two percentages is in percentage points, and says so (issue 17:5); a
// percentage itself keeps its "%".
func TestChangeOfAShareIsInPercentagePoints(t *testing.T) {
	cases := []struct {
		l          casework.Locale
		kind, unit string
		v          float64
		want       string
	}{
		{casework.LocaleSv, stats.KindChange, "percent", 22.3, "+22,3\u00a0procentenheter"},
		{casework.LocaleSv, stats.KindChange, "percent", -4, "−4,0\u00a0procentenheter"},
		{casework.LocaleEn, stats.KindChange, "percent", 22.3, "+22.3\u00a0percentage points"},
		{casework.LocaleSv, "mean", "percent", 61.5, "61,5\u00a0%"},
	}
	for _, c := range cases {
		if got := formatValue(c.l, c.kind, c.unit, c.v); got != c.want {
			t.Errorf("%s %s %v: %q, want %q", c.l, c.kind, c.v, got, c.want)
		}
	}
}

// "Above the median" knows which way is better (issue 17:5): a shorter time, fewer suspected
// crimes and higher attendance are better; where young people live has no direction.
func TestNationalComparisonKnowsWhichWayIsBetter(t *testing.T) {
	cases := []struct {
		key      string
		own, med float64
		want     string
	}{
		{"times/concern_to_plan/median_days", 40, 55, "better"},
		{"times/concern_to_plan/median_days", 70, 55, "worse"},
		{"deadlines/plan/share_within", 0.9, 0.7, "better"},
		{"outcome_police_suspect/followup_6/after", 3, 1.5, "worse"},
		{"outcome_school_attendance/closure/after", 82, 75, "better"},
		{"outcome_placement/none/closure_after", 0.6, 0.8, "worse"},
		{"outcome_occupation/none/closure_after", 0.1, 0.2, "better"},
		{"outcome_housing/hvb/closure_after", 0.3, 0.1, ""},
		{"consent/share_consented/value", 0.5, 0.5, "same"},
	}
	for _, c := range cases {
		got := nationalVerdict(stats.Spread{Key: c.key, Own: c.own, HasOwn: true, Median: c.med})
		if got != c.want {
			t.Errorf("%s own %v median %v: %q, want %q", c.key, c.own, c.med, got, c.want)
		}
	}
}

// Every dashboard table's first column says what its rows are (issue 17:5): none is headed
// "Rad" or "Värde" any more.
func TestDashboardTablesHaveRealHeadings(t *testing.T) {
	p := &Page{s: &Server{catalog: i18n.MustLoad()}, Locale: casework.LocaleSv}
	tables := []*stats.Table{{ID: "active_by_step", Section: "flow"}, {ID: "waiting", Section: "flow"}, {ID: "caseload", Section: "flow"},
		{ID: "flow", Section: "flow"}, {ID: "closures", Section: "flow"}, {ID: "outcome_irk", Section: "outcomes"}, {ID: "goals", Section: "outcomes"}}
	for _, in := range stats.Indicators {
		tables = append(tables, &stats.Table{ID: "outcome_" + in.Code, Section: "outcomes"}, &stats.Table{ID: "outcome_" + in.Code + "_parts", Section: "outcomes"})
	}
	for _, tb := range tables {
		if got := tableCorner(p, tb); got == "Rad" || got == "Värde" || got == "" {
			t.Errorf("table %s is headed %q", tb.ID, got)
		}
	}
	if got := tableCorner(p, &stats.Table{ID: "outcome_occupation", Section: "outcomes"}); got != "Svar" {
		t.Errorf("a choice's table is headed %q", got)
	}
	if got := tableCorner(p, &stats.Table{ID: "outcome_school_attendance", Section: "outcomes"}); got != "Tidpunkter som jämförs" {
		t.Errorf("a measure's table is headed %q", got)
	}
}
