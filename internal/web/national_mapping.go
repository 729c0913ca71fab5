package web

import (
	"slices"
	"strconv"

	"lots/internal/mapping"
	"lots/internal/stats"
)

// The mapping beside the other municipalities' (issue 13): from the national export files
// already imported, each municipality's needs per 1 000 young people by age band — the open
// cases, or one of the release's needs — and its gaps. The files name no district, so neither
// does this; a rate a file hides is shown as hidden.

type nationalMappingView struct {
	Measure      string
	MeasureLabel string
	Measures     []caseChoice
	Bands        []string
	Rows         []nationalMappingRow
}

type nationalMappingRow struct {
	Name         string
	Own          bool
	Rates        []cellView
	Year         string
	Districts    int
	Resources    int
	CostPerYoung string
	Gaps         int
	MissingBands int
}

// nationalMapping sets the municipality's own mapping (nil for national support) beside every
// imported file that carries one; nil when none does.
func nationalMapping(p *Page, own *stats.Export, files []*stats.Export, measure string) *nationalMappingView {
	if !slices.Contains(mapping.Measures, measure) || measure == mapping.MeasureOpened { // the export has no opened cases
		measure = mapping.MeasureOpen
	}
	v := &nationalMappingView{Measure: measure, MeasureLabel: measureLabel(p, measure)}
	for _, m := range mapping.Measures {
		if m != mapping.MeasureOpened {
			v.Measures = append(v.Measures, caseChoice{Value: m, Label: measureLabel(p, m), Selected: m == measure})
		}
	}
	for _, b := range mapping.Bands {
		v.Bands = append(v.Bands, bandLabel(p, b))
	}
	add := func(e *stats.Export, isOwn bool) {
		if e == nil || e.Mapping == nil {
			return
		}
		m := e.Mapping
		r := nationalMappingRow{Name: e.Municipality.Name, Own: isOwn, Districts: m.Districts, Resources: m.Resources, Gaps: m.PriorityGaps}
		if m.PopulationYear > 0 {
			r.Year = strconv.Itoa(m.PopulationYear)
		}
		if m.CostPerYoung != nil {
			r.CostPerYoung = p.T("economics.sek", formatNumber(p.Locale, *m.CostPerYoung, 0))
		}
		for _, b := range mapping.Bands {
			cell := cellView{Text: "", Empty: true}
			for _, xb := range m.Bands {
				if xb.Band != b {
					continue
				}
				if len(xb.Missing) > 0 {
					r.MissingBands++
				}
				rate, hidden := xb.OpenPer1000, xb.Suppressed
				if measure != mapping.MeasureOpen {
					rate, hidden = nil, false
					for _, n := range xb.Needs {
						if n.Need == measure {
							rate, hidden = n.Per1000, n.Suppressed
						}
					}
				}
				switch {
				case rate != nil:
					cell = cellView{Text: formatNumber(p.Locale, *rate, 1), Value: *rate}
				case hidden:
					cell = cellView{Text: Hidden, Hidden: true}
				}
			}
			r.Rates = append(r.Rates, cell)
		}
		v.Rows = append(v.Rows, r)
	}
	add(own, true)
	for _, e := range files {
		if own != nil && e.Municipality.Code == own.Municipality.Code {
			continue
		}
		add(e, false)
	}
	if len(v.Rows) == 0 {
		return nil
	}
	return v
}
