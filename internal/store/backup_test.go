package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// restoreTarget is an empty place to restore into: a new SQLite file, or a new PostgreSQL
// database (where the backup's schema is free), dropped when the test ends.
func restoreTarget(t *testing.T, e storetest.Engine, schema string) string {
	t.Helper()
	if e == storetest.SQLite {
		return filepath.Join(t.TempDir(), "restored", "lots.db")
	}
	if _, err := exec.LookPath("pg_restore"); err != nil {
		t.Fatalf("pg_dump and pg_restore are needed (Debian: postgresql-client): %v", err)
	}
	admin, err := sql.Open("pgx", storetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("lots_restore_%d_%d", time.Now().UnixNano(), rand.IntN(1000000))
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, _ := url.Parse(storetest.PostgresURL())
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backup → restore → verify, on both engines: the backup is taken while writers write, is
// sealed (no name readable in it), restores to a database whose tables, rows and audit log match
// its manifest, and whose sealed evidence Lots reads back. An altered backup, or the wrong key,
// is refused; a database that differs from the manifest is reported.
func TestBackupRestoreVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newRetWorld(t, e)
		ctx := context.Background()
		// Writers during the backup: adults added to the open case, each with its audit entry.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := w.s.SaveRelatedPerson(w.coord, w.open, &casework.RelatedPerson{Kind: casework.RelOther, Name: fmt.Sprintf("Vuxen %d", i), Relation: "granne"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		time.Sleep(20 * time.Millisecond)
		var buf bytes.Buffer
		m, err := w.s.Backup(ctx, &buf)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts["cases"] == 0 || len(m.Heads) != 1 || m.KeyID != w.keys.CurrentID() {
			t.Fatalf("manifest %+v", m)
		}
		for _, plain := range []string{"Avslutad", "Nejtack", "SQLite format", "PGDMP", "audit_log"} {
			if bytes.Contains(buf.Bytes(), []byte(plain)) {
				t.Errorf("%q is readable in the backup", plain)
			}
		}

		target := restoreTarget(t, e, m.Schema)
		rt := store.RestoreTarget{DSN: target, Keys: w.keys}
		rep, err := store.Restore(ctx, bytes.NewReader(buf.Bytes()), rt)
		if err != nil || !rep.OK() || rep.Tables < 30 || rep.Rows == 0 {
			t.Fatalf("restore: %+v %v", rep, err)
		}
		restored := openWith(t, target, w.keys, w.clock.Now)
		defer restored.Close()
		if _, err := restored.ConsentEvidence(w.f.Ctx(t, restored, casework.RoleCoordinator), w.closed, w.consID); err != nil {
			t.Fatalf("the restored scan: %v", err)
		}
		if _, err := restored.VerifyAudit(ctx, w.f.Municipality.ID); err != nil {
			t.Fatal(err)
		}

		t.Run("the source has moved on: the verification names what differs", func(t *testing.T) {
			if err := w.s.SaveRelatedPerson(w.coord, w.open, &casework.RelatedPerson{Kind: casework.RelOther, Name: "Efter kopian", Relation: "granne"}); err != nil {
				t.Fatal(err)
			}
			rep, err := w.s.VerifyRestoreForTest(ctx, m)
			if err == nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "related_persons") {
				t.Fatalf("no difference found: %+v %v", rep.Problems, err)
			}
		})
		t.Run("an altered backup is refused", func(t *testing.T) {
			b := bytes.Clone(buf.Bytes())
			b[len(b)/2] ^= 0x40
			if _, err := store.Restore(ctx, bytes.NewReader(b), store.RestoreTarget{DSN: restoreTarget(t, e, m.Schema), Keys: w.keys}); err == nil {
				t.Fatal("an altered backup was restored")
			}
		})
		t.Run("another key does not open it", func(t *testing.T) {
			if _, err := store.Restore(ctx, bytes.NewReader(buf.Bytes()), store.RestoreTarget{DSN: restoreTarget(t, e, m.Schema), Keys: envelope.Ephemeral()}); err == nil {
				t.Fatal("restored with another key")
			}
		})
		t.Run("a database already there is not overwritten", func(t *testing.T) {
			if _, err := store.Restore(ctx, bytes.NewReader(buf.Bytes()), rt); err == nil {
				t.Fatal("restored over a database")
			}
		})
	})
}
