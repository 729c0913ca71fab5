package apptest_test

import (
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// TestCountedSeesEachRequestsDatabaseCalls: the helper the statement budgets use counts what
// one request through the real server costs, and only that request.
func TestCountedSeesEachRequestsDatabaseCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		srv := apptest.Start(t, engine, apptest.Options{})
		c := srv.Client()
		if status, _, calls := srv.CountedGet(t, c, "/healthz"); status != 200 || calls.Statements != 0 || calls.Tx() != 0 {
			t.Errorf("/healthz: status %d, %v; want 200 and no database call", status, calls)
		}
		if status, _, calls := srv.CountedGet(t, c, "/readyz"); status != 200 || calls.Statements != 1 || calls.Tx() != 0 {
			t.Errorf("/readyz: status %d, %v; want 200 and one statement (SELECT 1)", status, calls)
		}
		c = srv.Login(t, "samordnare")
		status, _, calls := srv.CountedGet(t, c, "/")
		if status != 200 || calls.Statements < 3 || calls.ReadTx < 1 {
			t.Errorf("start page: status %d, %v; want 200, its reads and the session's", status, calls)
		}
		t.Logf("%s start page, empty municipality: %v", engine, calls)
	})
}
