package demo_test

import (
	"context"
	"fmt"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestSeed seeds a municipality that has nothing but its name: Seed creates what it needs
// and spreads the young people over the flow.
func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		st, err := store.Open(ctx, store.Config{DSN: storetest.DSN(t, engine), Keys: envelope.Ephemeral()})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		m := casework.Municipality{Code: "9901", Name: "Seedkommun"}
		if err := st.CreateMunicipality(ctx, &m); err != nil {
			t.Fatal(err)
		}
		res, err := demo.Seed(ctx, st, auth.NewHasher(auth.FastParams), m, 80, 3)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d young people, %d store calls in %v", engine, res.Youths, res.Calls, res.Took)
		var youths int
		steps := map[casework.Step]int{}
		sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "test"))
		users, err := st.Users(sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if !u.Roles.Has(casework.RoleCoordinator) {
				continue
			}
			a, err := st.Actor(ctx, m.ID, u.ID, casework.ViaSession)
			if err != nil {
				t.Fatal(err)
			}
			page, err := st.Cases(casework.WithActor(ctx, a), store.CaseQuery{Mine: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Rows {
				steps[r.Step]++
				youths++
			}
		}
		for _, s := range []casework.Step{casework.StepAssessment, casework.StepActive, casework.StepClosed} {
			if steps[s] == 0 {
				t.Errorf("no seeded case at %s: %v", s, steps)
			}
		}
		if youths < 50 {
			t.Errorf("the coordinators work on %d cases, want most of 80", youths)
		}
	})
}

// BenchmarkSeed seeds 100 young people per iteration into a new municipality (SQLite) and
// reports the time per 1000.
func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: storetest.DSN(b, storetest.SQLite), Keys: envelope.Ephemeral()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := auth.NewHasher(auth.FastParams)
	const n = 100
	calls, i := 0, 0
	for b.Loop() {
		b.StopTimer()
		m := casework.Municipality{Code: fmt.Sprintf("9%03d", i), Name: "Bänkkommun"}
		i++
		if err := st.CreateMunicipality(ctx, &m); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := demo.Seed(ctx, st, h, m, n, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		calls += res.Calls
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(i)*1000/n, "s/1000youths")
	b.ReportMetric(float64(calls)/float64(i)/n, "calls/youth")
}
