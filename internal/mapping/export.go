package mapping

import (
	"slices"

	"lots/internal/stats"
)

// Export is the picture's needs and gaps for the national export (stats.ExportMapping): the
// whole municipality per age band, and the number of priority gaps — no district, resource or
// person named. A rate is the release's, hidden exactly when its count is. Nil when there is
// nothing to compare: no population and no registry.
func (p Picture) Export() *stats.ExportMapping {
	if len(p.Rows) == 0 {
		return nil
	}
	all := p.Rows[len(p.Rows)-1]
	if p.Year == 0 && all.Resources == 0 {
		return nil
	}
	m := &stats.ExportMapping{PopulationYear: p.Year, Districts: len(p.Rows) - 1, Resources: all.Resources, PriorityGaps: len(p.Gaps()),
		Bands: []stats.ExportMappingBand{}}
	if all.CostPerYoung.Shown {
		v := stats.RoundRate(all.CostPerYoung.Value)
		m.CostPerYoung = &v
	}
	for _, c := range all.Cells {
		b := stats.ExportMappingBand{Band: c.Band, Population: c.Population, Resources: c.Resources, Capacity: c.Capacity,
			Evenings: c.Evenings, Weekends: c.Weekends, Missing: append([]string{}, c.Missing...)}
		switch f := c.OpenPer1000; {
		case f.Shown:
			v := stats.RoundRate(f.Value)
			b.OpenPer1000 = &v
		case !f.None:
			b.Suppressed = true
		}
		for i := range c.Needs {
			x := stats.ExportNeed{Need: stats.NeedsCols[i]}
			count, f := c.Measure(x.Need)
			if count.None && slices.Contains(stats.TrackNeeds, x.Need) {
				continue // a release made before SIG and SSPF were counted: the file stays version 4
			}
			switch { // as the open cases: no population, no rate; the count itself is not exported
			case f.Shown:
				v := stats.RoundRate(f.Value)
				x.Per1000 = &v
			case !f.None:
				x.Suppressed = true
			}
			b.Needs = append(b.Needs, x)
		}
		m.Bands = append(m.Bands, b)
	}
	return m
}
