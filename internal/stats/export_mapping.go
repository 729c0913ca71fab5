package stats

import (
	"math"
	"slices"
)

// The needs and gaps of the mapping (docs/mapping.md) in the national export, from schema
// version 3, so a reinforcement team can compare municipalities: for the whole municipality
// and each age band, the population (Statistics Sweden's, public), the open cases per 1 000
// young people — the release's figure, null and marked suppressed exactly when the release
// hides the count — the resources serving the band, their places, whether one is open in the
// evenings and at weekends, the IRK need areas none of them meets; the yearly cost per young
// person; and how many district × band cells are priority gaps. No district, resource or
// person is named.

// ExportMappingVersion is the schema version that carries the mapping.
const ExportMappingVersion = 3

// ExportNeedsVersion is the schema version whose mapping bands carry the needs (needs.go):
// young people with a concern, placed, with an IRK checklist and per IRK risk factor, per
// 1 000 young people of the band. A file whose release has no needs table stays version 3.
const ExportNeedsVersion = 4

// ExportTrackVersion is the schema version whose needs may also be the young people in SIG
// and in SSPF (TrackNeeds): version 4's list of needs is closed, so a reader of version 4
// would refuse them. A file without them stays version 4.
const ExportTrackVersion = 5

// ExportMapping is the municipality's needs and gaps.
type ExportMapping struct {
	PopulationYear int                 `json:"population_year"`
	Districts      int                 `json:"districts"`
	Resources      int                 `json:"resources"`
	CostPerYoung   *float64            `json:"cost_per_young"`
	PriorityGaps   int                 `json:"priority_gaps"`
	Bands          []ExportMappingBand `json:"bands"`
}

// ExportMappingBand is one age band of the municipality.
type ExportMappingBand struct {
	Band        string   `json:"band"`
	Population  int      `json:"population"`
	OpenPer1000 *float64 `json:"open_per_1000"`
	Suppressed  bool     `json:"suppressed"`
	Resources   int      `json:"resources"`
	Capacity    int      `json:"capacity"`
	Evenings    bool     `json:"evenings"`
	Weekends    bool     `json:"weekends"`
	Missing     []string `json:"missing"`
	// Needs (from version 4) are the release's needs per 1 000 young people of the band, in
	// NeedsCols order: null and suppressed exactly when the release hides the count.
	Needs []ExportNeed `json:"needs,omitempty"`
}

// ExportNeed is one of the needs of an age band.
type ExportNeed struct {
	Need       string   `json:"need"`
	Per1000    *float64 `json:"per_1000"`
	Suppressed bool     `json:"suppressed"`
}

// HasNeeds reports whether a band of the mapping carries the needs (version 4).
func (m *ExportMapping) HasNeeds() bool {
	if m == nil {
		return false
	}
	for _, b := range m.Bands {
		if len(b.Needs) > 0 {
			return true
		}
	}
	return false
}

// HasTrackNeeds reports whether a band of the mapping carries a need of TrackNeeds (version 5).
func (m *ExportMapping) HasTrackNeeds() bool {
	if m == nil {
		return false
	}
	for _, b := range m.Bands {
		for _, n := range b.Needs {
			if slices.Contains(TrackNeeds, n.Need) {
				return true
			}
		}
	}
	return false
}

// checkRate checks one rate of a band: a suppressed rate without a value, no negative, and no
// shown rate that rests on fewer than min_cell young people with the band's population.
func checkRate(where string, r *float64, suppressed bool, pop, minCell int) error {
	switch {
	case suppressed && r != nil:
		return reject("national.reject_suppressed_value", "figure %s is marked suppressed but carries a value", where)
	case r != nil && (*r < 0 || math.IsNaN(*r)):
		return reject("national.reject_negative", "a negative number in %s", where)
	case r != nil && *r > 0 && math.Round(*r*float64(pop)/1000) < float64(minCell):
		return reject("national.reject_small_cell", "figure %s rests on %d young people and is not suppressed", where,
			int(math.Round(*r*float64(pop)/1000)))
	}
	return nil
}

// RoundRate rounds a rate as the export writes it.
func RoundRate(v float64) float64 { return round(v) }

// checkMapping checks the mapping of a file: known bands once each, no negative number, a
// suppressed rate without a value, and no shown rate that rests on fewer than min_cell young
// people (the count it implies with the band's population).
func checkMapping(m ExportMapping, minCell int, bands []string) error {
	if m.PopulationYear < 0 || m.PopulationYear > 2100 || m.Districts < 0 || m.Resources < 0 || m.PriorityGaps < 0 {
		return reject("national.reject_negative", "a negative number in %s", "mapping")
	}
	if c := m.CostPerYoung; c != nil && (*c < 0 || math.IsNaN(*c)) {
		return reject("national.reject_negative", "a negative number in %s", "mapping")
	}
	seen := map[string]bool{}
	for _, b := range m.Bands {
		if !slices.Contains(bands, b.Band) || seen[b.Band] {
			return reject("national.reject_figure", "figure %q has an invalid code", "mapping/"+b.Band)
		}
		seen[b.Band] = true
		if b.Population < 0 || b.Resources < 0 || b.Capacity < 0 {
			return reject("national.reject_negative", "a negative number in %s", "mapping/"+b.Band)
		}
		if err := checkRate("mapping/"+b.Band, b.OpenPer1000, b.Suppressed, b.Population, minCell); err != nil {
			return err
		}
		needs := map[string]bool{}
		for _, n := range b.Needs {
			where := "mapping/" + b.Band + "/" + n.Need
			if !slices.Contains(NeedsCols, n.Need) || needs[n.Need] {
				return reject("national.reject_figure", "figure %q has an invalid code", where)
			}
			needs[n.Need] = true
			if err := checkRate(where, n.Per1000, n.Suppressed, b.Population, minCell); err != nil {
				return err
			}
		}
		for _, n := range b.Missing {
			if !codeOK(n) {
				return reject("national.reject_figure", "figure %q has an invalid code", "mapping/"+b.Band)
			}
		}
	}
	return nil
}

func codeOK(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// mappingBands are the bands the mapping has: the dashboard's but "unknown" (population has
// no unknown age).
var mappingBands = AgeBands[:len(AgeBands)-1]
