package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"lots/internal/app"
	"lots/internal/app/apptest"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store/storetest"
)

// TestReadPool: with a read URL (--db-read) the steering group's dashboard and the national
// view read from it and say how current their figures are; case pages, case lists and the
// start page never touch it. In CI the read URL is the primary itself (its staleness is 0,
// "aktuella"); the opt-in pair test (LOTS_FAILOVER_TEST=pair) points it at a real standby.
func TestReadPool(t *testing.T) {
	srv := apptest.Start(t, storetest.Postgres, apptest.Options{DBRead: func(dsn string) string { return dsn }})
	st := srv.App.Store
	f := srv.DemoFixture(t, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	rc := f.Concern(t, st, casework.RoleCoordinator, "Ida", "Läsare", storetest.TestPersonalNumbers[3])

	coord := srv.Login(t, "samordnare")
	for _, path := range []string{"/", "/worklist", fmt.Sprintf("/cases/%d", rc.CaseID), fmt.Sprintf("/cases/%d/youth", rc.CaseID)} {
		t.Run("a case read does not touch the read pool: "+path, func(t *testing.T) {
			before := st.ReplicaCalls()
			code, body := srv.Get(t, coord, path)
			if code != 200 || (strings.HasPrefix(path, "/cases/") && !strings.Contains(body, "Läsare")) {
				t.Fatalf("%s: %d", path, code)
			}
			if d := st.ReplicaCalls().Sub(before); d.Statements != 0 || d.Tx() != 0 {
				t.Fatalf("%s used the read pool: %s", path, d)
			}
		})
	}

	steering := srv.Login(t, "styrgrupp")
	for _, path := range []string{"/followup", "/followup/national"} {
		t.Run("the aggregate view reads from the read pool and says it is current: "+path, func(t *testing.T) {
			before := st.ReplicaCalls()
			code, body := srv.Get(t, steering, path)
			if code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
			if d := st.ReplicaCalls().Sub(before); d.Statements == 0 {
				t.Fatalf("%s did not read from the read pool", path)
			}
			if !strings.Contains(body, `id="staleness"`) || !strings.Contains(body, "Siffrorna är aktuella.") {
				t.Fatalf("%s: no staleness line", path)
			}
		})
	}

	t.Run("without a read URL the pages say nothing of it", func(t *testing.T) {
		plain := apptest.Start(t, storetest.Postgres, apptest.Options{})
		if code, body := plain.Get(t, plain.Login(t, "styrgrupp"), "/followup"); code != 200 || strings.Contains(body, `id="staleness"`) {
			t.Fatalf("%d, staleness line shown without a read URL", code)
		}
	})
}

// TestReadURLRefusedAtStart: a read URL Lots cannot use is named at start, never discovered
// on the first dashboard view.
func TestReadURLRefusedAtStart(t *testing.T) {
	open := func(cfg app.Config) error {
		cfg.Keys, cfg.HashParams, cfg.Addr = envelope.Ephemeral(), auth.FastParams, "127.0.0.1:0"
		a, err := app.Open(context.Background(), cfg)
		if err == nil {
			a.Close()
		}
		return err
	}
	t.Run("with SQLite", func(t *testing.T) {
		err := open(app.Config{DataDir: t.TempDir(), DBRead: "postgres://postgres@127.0.0.1:5432/test"})
		if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
			t.Fatalf("SQLite with a read URL: %v", err)
		}
	})
	t.Run("a read URL of another database", func(t *testing.T) {
		primary, other := storetest.DSN(t, storetest.Postgres), storetest.DSN(t, storetest.Postgres)
		err := open(app.Config{DB: primary, DBRead: other})
		if err == nil || !strings.Contains(err.Error(), "the primary's is") {
			t.Fatalf("another database as the read URL: %v", err)
		}
	})
	t.Run("an unreachable read URL", func(t *testing.T) {
		primary := storetest.DSN(t, storetest.Postgres)
		u, _ := url.Parse(primary)
		u.Host = "127.0.0.1:1"
		err := open(app.Config{DB: primary, DBRead: u.String()})
		if err == nil || !strings.Contains(err.Error(), "cannot reach the read URL") {
			t.Fatalf("an unreachable read URL: %v", err)
		}
	})
}
