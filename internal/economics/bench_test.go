package economics

import "testing"

// BenchmarkMonteCarlo is the speed target: 10 000 draws over 500 young people (the
// bootstrap resamples all 500 in every draw) should take well under a second.
//
//	go test ./internal/economics -run '^$' -bench MonteCarlo -benchtime 5x
func BenchmarkMonteCarlo(b *testing.B) {
	in := largeInput(500)
	items, err := pricedItems(in.Register, in.Index, in.Assumptions.PriceYear)
	if err != nil {
		b.Fatal(err)
	}
	lines := costLines(in.Programme, items, in.Assumptions, nil)
	m := newModel(in.Cohort, Same(AtFollow6), items, lines, in.Programme.CaseMonths, in.Assumptions)
	b.ResetTimer()
	for b.Loop() {
		d := m.simulate(10000, newSource(in.Assumptions.Seed))
		if d.Draws != 10000 {
			b.Fatal(d.Draws)
		}
	}
}

// BenchmarkReport is the whole report of 500 young people: pairing, suppression, the point
// estimate and the Monte Carlo of 10 000 draws.
func BenchmarkReport(b *testing.B) {
	in := largeInput(500)
	for b.Loop() {
		if _, err := Build(in); err != nil {
			b.Fatal(err)
		}
	}
}
