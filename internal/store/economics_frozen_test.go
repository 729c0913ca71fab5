package store_test

import (
	"bytes"
	"context"
	"testing"

	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// A published half-year's report is frozen with its release: an indicator recorded late does
// not change it (nor the national export's figures), and a recompute shows the difference.
func TestEconomicsReportIsFrozenWithTheRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := economicsSetup(t, e, 6)
		ctx := context.Background()
		steering := f.Ctx(t, s, casework.RoleSteering)
		mid := f.Municipality.ID

		// The releases made by the housekeeping freeze the report of the latest part due
		// (dashAt: 2026H1 with its six-month follow-ups).
		if _, err := s.PublishDueReleases(ctx); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.FrozenEconomicsForTest(ctx, mid, h1, stats.AtFollow6); err != nil || !ok {
			t.Fatalf("the report was not frozen with the release: %v %v", ok, err)
		}
		first, err := s.Economics(steering, store.EconomicsQuery{Period: h1})
		if err != nil {
			t.Fatal(err)
		}
		if first.Live || first.Frozen == nil || first.Frozen.Part != stats.AtFollow6 || first.Report.Point == nil {
			t.Fatalf("published report: live %v frozen %+v", first.Live, first.Frozen)
		}
		published, _ := economics.MarshalFrozen(first.Report)
		exportBefore, err := s.ExportStats(f.Ctx(t, s, casework.RoleAnalyst), h1)
		if err != nil {
			t.Fatal(err)
		}

		// Late: three young people turn out to have had two robberies each before the six-month
		// follow-up.
		ids, err := s.CohortCaseIDsForTest(ctx, mid)
		if err != nil || len(ids) != 6 {
			t.Fatalf("cohort %v %v", ids, err)
		}
		for _, id := range ids[:3] {
			if err := s.LateOffencesForTest(ctx, id, stats.AtFollow6, "robbery", 2); err != nil {
				t.Fatal(err)
			}
		}

		again, err := s.Economics(steering, store.EconomicsQuery{Period: h1})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := economics.MarshalFrozen(again.Report); !bytes.Equal(b, published) || again.Frozen.ComputedAt != first.Frozen.ComputedAt {
			t.Fatal("a late indicator changed the published report")
		}
		exportAfter, err := s.ExportStats(f.Ctx(t, s, casework.RoleAnalyst), h1)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(exportBefore, exportAfter) {
			t.Fatal("a late indicator changed the national export")
		}

		// Recomputed from today's data: more offences after, less benefit, and the page is told.
		now, err := s.Economics(steering, store.EconomicsQuery{Period: h1, Recompute: true})
		if err != nil {
			t.Fatal(err)
		}
		if !now.Live || now.Frozen == nil || now.Frozen.Part != stats.AtFollow6 {
			t.Fatalf("recompute: live %v frozen %+v", now.Live, now.Frozen)
		}
		// Robbery a year after: 0 published; 3 × 2 × 2 now (six months twice).
		if a, b := first.Report.Effects.Offences.TotalAfter.Value, now.Report.Effects.Offences.TotalAfter.Value; a != 0 || b != 12 {
			t.Errorf("offences a year after: published %v, now %v", a, b)
		}
		diffs := map[string]economics.Difference{}
		for _, d := range now.Differences {
			diffs[d.Key] = d
		}
		if d, ok := diffs["benefit"].Delta(); !ok || d >= 0 {
			t.Errorf("the benefit should be smaller now: %+v", diffs["benefit"])
		}
		if d, ok := diffs["cohort"].Delta(); !ok || d != 0 {
			t.Errorf("the cohort did not change: %+v", diffs["cohort"])
		}
		// The published report is still the one shown after the recompute.
		still, _ := s.Economics(steering, store.EconomicsQuery{Period: h1})
		if b, _ := economics.MarshalFrozen(still.Report); !bytes.Equal(b, published) {
			t.Fatal("a recompute replaced the published report")
		}
	})
}
