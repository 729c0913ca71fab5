package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestSeedBulk builds a small bulk world on Demo kommun's organisation and opens it as people
// would: a seeded coordinator's caseload, a case's detail, group, meetings, plan and timeline,
// the same case as the police member its consent covers, the steering group's dashboard — and
// the audit log still verifies.
func TestSeedBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		st := storetest.Open(t, engine, nil)
		h := auth.NewHasher(auth.FastParams)
		base, err := demo.LoadBase(ctx, st, h)
		if err != nil {
			t.Fatal(err)
		}
		res, err := demo.SeedBulk(ctx, st, h, base.Municipality, 300, 7)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d young people, %d areas, %d coordinators, %d users, %d rows in %v", engine, res.Youths, res.Areas, res.Coordinators, res.Users, res.Rows, res.Took)
		as := func(username string) context.Context {
			t.Helper()
			id, err := st.UserIDByUsername(ctx, base.Municipality.ID, username)
			if err != nil {
				t.Fatalf("%s: %v", username, err)
			}
			a, err := st.Actor(ctx, base.Municipality.ID, id, casework.ViaSession)
			if err != nil {
				t.Fatal(err)
			}
			return casework.WithActor(ctx, a)
		}
		coord, police := as(res.Coordinator), as(res.Police)

		mine, err := st.Cases(coord, store.CaseQuery{Mine: true, OpenOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(mine.Rows); n < 3 || n > 20 {
			t.Errorf("the coordinator has %d open cases, want about ten", n)
		}
		var active int64
		for _, r := range mine.Rows {
			if r.Step == casework.StepActive {
				active = r.CaseID
			}
		}
		if active == 0 {
			t.Fatalf("no active case among the coordinator's %d", len(mine.Rows))
		}
		d, err := st.CaseDetail(coord, active)
		if err != nil {
			t.Fatal(err)
		}
		if !d.HasConsent || len(d.Parties) < 3 || len(d.Staff) == 0 {
			t.Errorf("active case: consent valid %v, %d parties, %d staff", d.HasConsent, len(d.Parties), len(d.Staff))
		}
		g, err := st.Group(coord, active)
		if err != nil {
			t.Fatal(err)
		}
		professionals := 0
		for _, m := range g.Members {
			if m.Kind == casework.MemberProfessional {
				professionals++
			}
		}
		if professionals < 8 || professionals > 12 {
			t.Errorf("the group has %d professionals, want 8–12", professionals)
		}
		if ms, err := st.Meetings(coord, active); err != nil || len(ms.Meetings) == 0 {
			t.Errorf("meetings: %d, %v", len(ms.Meetings), err)
		}
		if pv, err := st.PlanVersions(coord, active); err != nil || len(pv) == 0 {
			t.Errorf("plan versions: %d, %v", len(pv), err)
		}
		if ev, err := st.Timeline(coord, active); err != nil || len(ev) < 8 {
			t.Errorf("timeline: %d events, %v", len(ev), err)
		}
		// The police member sees the case under its consent, and only cases of their area.
		if _, err := st.CaseDetail(police, active); err != nil {
			t.Errorf("the police member covered by the consent cannot open the case: %v", err)
		}
		seen, err := st.Cases(police, store.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if seen.Total == 0 || seen.Total > 300/res.Areas+50 {
			t.Errorf("the police member sees %d cases", seen.Total)
		}

		periods, err := st.DashboardPeriods(as("styrgrupp"))
		if err != nil || len(periods) == 0 {
			t.Fatalf("dashboard periods: %v, %v", periods, err)
		}
		if _, err := st.Dashboard(as("styrgrupp"), store.DashboardQuery{Period: periods[len(periods)-1]}); err != nil {
			t.Errorf("dashboard: %v", err)
		}
		if _, err := st.VerifyAudit(ctx, base.Municipality.ID); err != nil {
			t.Errorf("audit verify after the bulk seed and the reads: %v", err)
		}
	})
}

// BenchmarkSeedBulk bulk-seeds LOTS_BULK_YOUTHS (default 1000) young people into a fresh Demo
// kommun per iteration, on SQLite (LOTS_BENCH_POSTGRES=1: PostgreSQL), and reports seconds
// per 1000 and rows per second.
func BenchmarkSeedBulk(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("LOTS_BULK_YOUTHS")); err == nil && v > 0 {
		n = v
	}
	engine := storetest.SQLite
	if os.Getenv("LOTS_BENCH_POSTGRES") == "1" {
		engine = storetest.Postgres
	}
	ctx := context.Background()
	h := auth.NewHasher(auth.FastParams)
	rows := 0
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, store.Config{DSN: storetest.DSN(b, engine), Keys: envelope.Ephemeral()})
		if err != nil {
			b.Fatal(err)
		}
		base, err := demo.LoadBase(ctx, st, h)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := demo.SeedBulk(ctx, st, h, base.Municipality, n, 1)
		if err != nil {
			b.Fatal(err)
		}
		rows += res.Rows
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1000/float64(n), "s/1000youths")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
