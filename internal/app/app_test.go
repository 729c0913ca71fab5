package app_test

import (
	"context"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// The daily retention job runs once a day per municipality, whatever the restarts: housekeeping
// asks every ten minutes, and a run starts only when the last one is a day old.
func TestDailyRetentionRunsOnceADay(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	m, err := srv.App.Store.MunicipalityByCode(context.Background(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(context.Background(), casework.SystemActor(m.ID, "test"))
	runs := func() int {
		t.Helper()
		rs, err := srv.App.Store.RetentionRuns(sys, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	srv.App.DailyRetention(context.Background())
	if runs() != 1 {
		t.Fatalf("first round: %d runs", runs())
	}
	for range 6 { // an hour of housekeeping rounds
		clock.Advance(10 * time.Minute)
		srv.App.DailyRetention(context.Background())
	}
	if runs() != 1 {
		t.Fatalf("ran again within the day: %d runs", runs())
	}
	clock.Advance(23 * time.Hour)
	srv.App.DailyRetention(context.Background())
	if runs() != 2 {
		t.Fatalf("a day later: %d runs", runs())
	}
}
