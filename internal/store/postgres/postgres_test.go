package postgres_test

import (
	"net/url"
	"testing"

	"lots/internal/store/dbcount"
	"lots/internal/store/postgres"
	"lots/internal/store/storetest"
)

// TestSessionsPlanForSSD: Lots's sessions plan with random_page_cost 1.1 unless the
// connection string sets it.
func TestSessionsPlanForSSD(t *testing.T) {
	base := storetest.DSN(t, storetest.Postgres)
	withOwn, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := withOwn.Query()
	q.Set("random_page_cost", "3")
	withOwn.RawQuery = q.Encode()
	for dsn, want := range map[string]string{base: "1.1", withOwn.String(): "3"} {
		db, err := postgres.Open(dsn, &dbcount.Counts{})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := db.QueryRowContext(t.Context(), `SHOW random_page_cost`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != want {
			t.Errorf("random_page_cost %s, want %s", got, want)
		}
	}
}
