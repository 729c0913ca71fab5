package economics

// Days placed (issue 14:3, docs/placements.md). Where the young person's placements are
// recorded in Lots (internal/store/placements.go), the placement component is priced from the
// days actually placed around each time point (the half-year before it, as a year's days), per
// form, instead of "placed on the date, counted a whole year". A young person without recorded
// placements keeps the indicator's estimate.

// PlacedDays are the days placed a year, measured over the half-year up to a time point, per
// placement form ("hvb", "sis", "family_home"; supported housing is not priced). Nil: no
// placements recorded in Lots, so the indicator's value is used.
type PlacedDays map[string]float64

// placedChange is the change in placed years per form (PlacementForms' order) from days
// placed before to days placed after, and whether both points have days placed.
func placedChange(before, after Recorded) ([]float64, bool) {
	if before.Days == nil || after.Days == nil {
		return nil, false
	}
	out := make([]float64, len(PlacementForms))
	for i, f := range PlacementForms {
		out[i] = (before.Days[f] - after.Days[f]) / 365
	}
	return out, true
}
