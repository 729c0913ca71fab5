package stats

import "strings"

// Needs per district and age band (issue 13:3, docs/mapping.md): the young people behind the
// needs the mapping compares with the population — those with a concern in the half-year, the
// Check: IRK risk factors marked in their latest checklist, those in SIG and in SSPF, those
// placed — counted per slice like everything else and suppressed with the rest of the
// release, so the mapping reads them as published figures and never counts them itself.
//
// Every column counts young people, each once per column: a young person with two concerns in
// the half-year counts once, in the district and age band of the latest. The age band is the
// one at the half-year's end, as for the cases opened and closed in it.

// NeedsTable is the release table of needs by age band: rows AgeBands and a total, columns
// NeedsCols.
const NeedsTable = "needs_by_age"

// Needs columns.
const (
	// NeedConcerns: young people with a concern received in the half-year (the latest one's
	// district: the young person's district when it was received).
	NeedConcerns = "concerns"
	// NeedSIG: young people with a case open in SIG some moment of the half-year (the
	// store's needsTracks: opened before its end, not closed before its start, and in the
	// track at some moment between).
	NeedSIG = "sig"
	// NeedSSPF: young people with a case open in SSPF some moment of the half-year. A case
	// moved from SSPF to SIG in the half-year counts in both.
	NeedSSPF = "sspf"
	// NeedPlaced: young people with a placement in force some day of the half-year.
	NeedPlaced = "placed"
	// NeedPlacedBegan: young people with a placement that began in the half-year.
	NeedPlacedBegan = "placed_began"
	// NeedIRKAssessed: young people with a Check: IRK checklist made in the half-year (their
	// latest, at any time point, the concern's included).
	NeedIRKAssessed = "irk_assessed"
	// NeedIRKPrefix + a factor (IRKDomains): of those, the young people whose latest checklist
	// marks the factor as some or clear risk.
	NeedIRKPrefix = "irk."
)

// NeedsCols lists the columns of the needs table in order.
var NeedsCols = func() []string {
	out := []string{NeedConcerns, NeedSIG, NeedSSPF, NeedPlaced, NeedPlacedBegan, NeedIRKAssessed}
	for _, d := range IRKDomains {
		out = append(out, NeedIRKPrefix+d)
	}
	return out
}()

// TrackNeeds are the needs columns added after the export's version 4 (the young people in
// SIG and in SSPF): a file whose mapping carries one is version 5 (ExportTrackVersion).
var TrackNeeds = []string{NeedSIG, NeedSSPF}

// NeedColKey is the catalogue key of a needs column's heading.
func NeedColKey(col string) string {
	if f, ok := strings.CutPrefix(col, NeedIRKPrefix); ok {
		return "indicator.irk_domain." + f
	}
	return "needs.col." + col
}

// AddNeed counts n young people of an age band (AgeBandCode's codes) in a needs column.
func (r *Raw) AddNeed(slice int64, col, band string, n int) {
	if r.needs == nil {
		r.needs = map[int64]map[string]map[string]int{}
	}
	m := sub(r.needs, slice)
	if m[col] == nil {
		m[col] = map[string]int{}
	}
	m[col][band] += n
}

// needsTable defines the needs table and counts its cells: each column's total row is the sum
// of its bands (a group, like every breakdown), and the municipality's the sum of the slices'.
func (b *builder) needsTable() *Table {
	t := &Table{ID: NeedsTable, Section: "needs", Unit: "count"}
	for _, col := range NeedsCols {
		t.Cols = append(t.Cols, hdr(col, NeedColKey(col)))
	}
	for _, band := range AgeBands {
		t.Rows = append(t.Rows, Row{Header: hdr(band, "dashboard.age."+strings.ReplaceAll(band, "-", "_"))})
	}
	t.Rows = append(t.Rows, Row{Header: hdr("total", "dashboard.row.total"), Total: true})
	for _, col := range NeedsCols {
		col := col
		var parts [][2]string
		for _, band := range AgeBands {
			band := band
			b.count(t.ID, band, col, func(sl int64) int { return b.raw.needs[sl][col][band] })
			parts = append(parts, [2]string{band, col})
		}
		b.count(t.ID, "total", col, func(sl int64) int {
			n := 0
			for _, x := range b.raw.needs[sl][col] {
				n += x
			}
			return n
		})
		b.group(t.ID, "total", col, parts)
	}
	return t
}

// NeedSlices lists the slices the needs were counted in (the store adds a slice the
// concerns name that its districts lack).
func (r *Raw) NeedSlices() []int64 {
	var out []int64
	for s := range r.needs {
		out = append(out, s)
	}
	return out
}

// Need returns the count of a needs column and age band in a slice, as counted (before any
// suppression: for the store's tests of its counting).
func (r *Raw) Need(slice int64, col, band string) int { return r.needs[slice][col][band] }
