package web

import (
	"strings"

	"lots/internal/stats"
)

// tableCorner is the heading of a dashboard table's first column — what its rows are (issue
// 17:5: not "Rad" or "Värde"): steps, coordinators, months' flows, closure reasons, time
// points of an outcome, an indicator's answers, assessment domains. A table without its own
// heading keeps its section's.
func tableCorner(p *Page, t *stats.Table) string {
	key := "dashboard.corner_table." + t.ID
	if code, ok := strings.CutPrefix(t.ID, "outcome_"); ok && t.ID != "outcome_irk" {
		key = "dashboard.corner_table.outcome_points"
		if in, found := stats.IndicatorByCode(strings.TrimSuffix(code, "_parts")); found && (in.Unit == stats.UnitChoice || in.Unit == stats.UnitYesNo) {
			key = "dashboard.corner_table.outcome_values"
		} else if strings.HasSuffix(code, "_parts") {
			key = "dashboard.corner_table.outcome_parts"
		}
	}
	if p.s.catalog.Has(p.Locale, key) {
		return p.T(key)
	}
	return p.T("dashboard.corner." + t.Section)
}
