package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestMigrationsRunTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		keys := envelope.Ephemeral() // the same key both times: another is refused (ErrWrongKey)
		for i := 0; i < 2; i++ {
			s, err := store.Open(context.Background(), store.Config{DSN: dsn, Keys: keys})
			if err != nil {
				t.Fatalf("open %d: %v", i, err)
			}
			if err := s.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
	})
}

func TestTenantIsolationOfUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		a := storetest.Seed(t, s, "9901", "a-")
		b := storetest.Seed(t, s, "9902", "b-")
		adminA := a.Ctx(t, s, casework.RoleAdmin)

		t.Run("administrator reads a user of the own municipality", func(t *testing.T) {
			u, err := s.User(adminA, a.Users[casework.RoleCoordinator].ID)
			if err != nil || u.Username != "a-coordinator" {
				t.Fatalf("got %v, %v", u.Username, err)
			}
		})
		t.Run("administrator cannot read another municipality's user by id", func(t *testing.T) {
			_, err := s.User(adminA, b.Users[casework.RoleCoordinator].ID)
			if casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("want not found, got %v", err)
			}
		})
		t.Run("administrator cannot change another municipality's user", func(t *testing.T) {
			u := b.Users[casework.RoleCoordinator]
			u.Name = "Hijacked"
			err := s.UpdateUser(adminA, &u)
			if casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("want not found, got %v", err)
			}
			got, err := s.User(b.Ctx(t, s, casework.RoleAdmin), u.ID)
			if err != nil || got.Name == "Hijacked" {
				t.Fatalf("user of B was changed: %v %v", got.Name, err)
			}
		})
		t.Run("user list shows only the own municipality", func(t *testing.T) {
			us, err := s.Users(adminA)
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != len(casework.Roles) {
				t.Fatalf("got %d users, want %d", len(us), len(casework.Roles))
			}
			for _, u := range us {
				if !strings.HasPrefix(u.Username, "a-") {
					t.Fatalf("list leaks %s", u.Username)
				}
			}
		})
		t.Run("a user cannot be put in another municipality's agency", func(t *testing.T) {
			u := casework.User{Username: "a-sneaky", Name: "Sneaky", AgencyID: b.Agencies[casework.AgencyPolice].ID, Roles: casework.NewRoleSet(casework.RoleGroupMember)}
			err := s.CreateUser(adminA, &u, "")
			if casework.ErrorCode(err) != casework.EInvalid {
				t.Fatalf("want invalid, got %v", err)
			}
		})
		t.Run("coordinator may not list users and the refusal is audited", func(t *testing.T) {
			ctx := a.Ctx(t, s, casework.RoleCoordinator)
			_, err := s.Users(ctx)
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("want forbidden, got %v", err)
			}
			var denied int
			err = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: a.Municipality.ID, AfterSeq: -1}, func(e audit.Entry) error {
				if !e.Allowed && e.UserID == a.Users[casework.RoleCoordinator].ID && e.Object == "user" {
					denied++
				}
				return nil
			})
			if err != nil || denied != 1 {
				t.Fatalf("denied entries = %d, %v", denied, err)
			}
		})
	})
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		clock := storetest.NewClock(t0)
		s, err := store.Open(context.Background(), store.Config{DSN: dsn, Now: clock.Now, Keys: envelope.Ephemeral()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		f.Concern(t, s, casework.RoleCoordinator, "Ola", "Logg", storetest.TestPersonalNumbers[0]) // entries about a young person
		admin := f.Ctx(t, s, casework.RoleAdmin)
		for i := 0; i < 20; i++ {
			clock.Advance(time.Second)
			if _, err := s.User(admin, f.Users[casework.RoleCoordinator].ID); err != nil {
				t.Fatal(err)
			}
		}
		mid := f.Municipality.ID
		head, err := s.VerifyAudit(context.Background(), mid)
		if err != nil {
			t.Fatalf("intact log fails verification: %v", err)
		}
		if head.Size < 33 { // 2 districts, 4 agencies, 7 users created, 20 reads
			t.Fatalf("head size %d", head.Size)
		}
		exported, err := audit.ParseHead(head.String())
		if err != nil || exported != head {
			t.Fatalf("head round trip: %v", err)
		}

		raw := rawDB(t, dsn, e)
		t.Run("the log refuses updates", func(t *testing.T) {
			if _, err := raw.Exec(`UPDATE audit_log SET detail = 'x' WHERE municipality_id = $1 AND seq = 3`, mid); err == nil {
				t.Fatal("update of audit_log succeeded")
			}
			if _, err := raw.Exec(`DELETE FROM audit_log WHERE municipality_id = $1 AND seq = 3`, mid); err == nil {
				t.Fatal("delete from audit_log succeeded")
			}
		})

		// An attacker with database rights drops the guards and edits entry 12.
		dropGuards(t, raw, e)
		var original string
		if err := raw.QueryRow(`SELECT username FROM audit_log WHERE municipality_id = $1 AND seq = 12`, mid).Scan(&original); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE audit_log SET username = 'someone-else' WHERE municipality_id = $1 AND seq = 12`, mid); err != nil {
			t.Fatal(err)
		}
		t.Run("verify names the changed entry", func(t *testing.T) {
			_, err := s.VerifyAudit(context.Background(), mid)
			var p *audit.Problem
			if !errors.As(err, &p) || p.Seq != 12 {
				t.Fatalf("want problem at 12, got %v", err)
			}
		})
		if _, err := raw.Exec(`UPDATE audit_log SET username = $2 WHERE municipality_id = $1 AND seq = 12`, mid, original); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(context.Background(), mid); err != nil {
			t.Fatalf("restored log fails: %v", err)
		}
		t.Run("verify names an entry hidden from the extract index", func(t *testing.T) {
			var seq, youth int64
			err := raw.QueryRow(`SELECT seq, youth_id FROM audit_youths WHERE municipality_id = $1 ORDER BY seq LIMIT 1`, mid).Scan(&seq, &youth)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`DELETE FROM audit_youths WHERE municipality_id = $1 AND seq = $2`, mid, seq); err != nil {
				t.Fatal(err)
			}
			_, err = s.VerifyAudit(context.Background(), mid)
			var p *audit.Problem
			if !errors.As(err, &p) || p.Seq != seq {
				t.Fatalf("want problem at %d, got %v", seq, err)
			}
			if _, err := raw.Exec(`INSERT INTO audit_youths (municipality_id, seq, youth_id) VALUES ($1, $2, $3)`, mid, seq, youth); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("verify names a deleted entry", func(t *testing.T) {
			if _, err := raw.Exec(`DELETE FROM audit_log WHERE municipality_id = $1 AND seq = 15`, mid); err != nil {
				t.Fatal(err)
			}
			_, err := s.VerifyAudit(context.Background(), mid)
			var p *audit.Problem
			if !errors.As(err, &p) || p.Seq != 15 {
				t.Fatalf("want problem at 15, got %v", err)
			}
		})
	})
}

func TestAuditRewriteDetectedByExportedHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		s, err := store.Open(context.Background(), store.Config{DSN: dsn, Keys: envelope.Ephemeral()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		mid := f.Municipality.ID
		head, err := s.VerifyAudit(context.Background(), mid)
		if err != nil {
			t.Fatal(err)
		}
		// Rewrite the whole log consistently: drop everything and append different entries.
		raw := rawDB(t, dsn, e)
		dropGuards(t, raw, e)
		for _, q := range []string{`DELETE FROM audit_log WHERE municipality_id = $1`, `DELETE FROM audit_hashes WHERE municipality_id = $1`,
			`UPDATE audit_heads SET size = 0 WHERE municipality_id = $1`} {
			if _, err := raw.Exec(q, mid); err != nil {
				t.Fatal(err)
			}
		}
		admin := f.Ctx(t, s, casework.RoleAdmin)
		for i := int64(0); i < head.Size+3; i++ {
			if _, err := s.Users(admin); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.VerifyAudit(context.Background(), mid); err != nil {
			t.Fatalf("a consistent rewrite passes the internal check, as expected; got %v", err)
		}
		if _, err := s.VerifyAudit(context.Background(), mid, head); err == nil {
			t.Fatal("rewrite not detected against the exported head")
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		svc := auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now)
		ctx := context.Background()

		a, mfa, err := svc.Login(ctx, "Coordinator", storetest.Password, "127.0.0.1")
		if err != nil || mfa || a.User.ID != f.Users[casework.RoleCoordinator].ID {
			t.Fatalf("login: %v %v", err, mfa)
		}
		token, err := svc.StartSession(ctx, a, "password", false)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("a session is live while used", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				clock.Advance(20 * time.Minute)
				if _, _, err := svc.SessionActor(ctx, token); err != nil {
					t.Fatalf("after %d uses: %v", i, err)
				}
			}
		})
		t.Run("a session dies after 30 idle minutes", func(t *testing.T) {
			clock.Advance(30 * time.Minute)
			if _, _, err := svc.SessionActor(ctx, token); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("want unauthorized, got %v", err)
			}
		})
		t.Run("a session dies at its end however busy", func(t *testing.T) {
			tok, err := svc.StartSession(ctx, a, "password", false)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 10*3; i++ {
				clock.Advance(20 * time.Minute)
				_, _, err = svc.SessionActor(ctx, tok)
				if err != nil {
					break
				}
			}
			if casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("session outlived 10 hours: %v", err)
			}
		})
		t.Run("an API token resolves to its owner until revoked", func(t *testing.T) {
			actx := casework.WithActor(ctx, a)
			tok, meta, err := svc.CreateAPIToken(actx, a.User.ID, "integration", 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := svc.TokenActor(ctx, tok)
			if err != nil || got.User.ID != a.User.ID || got.Via != casework.ViaToken {
				t.Fatalf("token actor: %+v %v", got.User, err)
			}
			if err := s.RevokeToken(actx, meta.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.TokenActor(ctx, tok); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("revoked token accepted: %v", err)
			}
		})
		t.Run("a user cannot create a token for someone else", func(t *testing.T) {
			actx := casework.WithActor(ctx, a)
			_, _, err := svc.CreateAPIToken(actx, f.Users[casework.RoleAdmin].ID, "steal", 0)
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("want forbidden, got %v", err)
			}
		})
		t.Run("a deactivated user's sessions end", func(t *testing.T) {
			tok, err := svc.StartSession(ctx, a, "password", false)
			if err != nil {
				t.Fatal(err)
			}
			u := f.Users[casework.RoleCoordinator]
			u.Active = false
			if err := s.UpdateUser(f.Ctx(t, s, casework.RoleAdmin), &u); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.SessionActor(ctx, tok); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("session of deactivated user lives: %v", err)
			}
			if _, _, err := svc.Login(ctx, "coordinator", storetest.Password, "127.0.0.1"); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("deactivated user logged in: %v", err)
			}
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	clock := storetest.NewClock(t0)
	s := storetest.Open(t, storetest.SQLite, clock.Now)
	storetest.Seed(t, s, "9901", "")
	svc := auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := svc.Login(ctx, "analyst", "wrong-password", "10.0.0.1"); casework.ErrorCode(err) != casework.EUnauthorized {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, err := svc.Login(ctx, "analyst", storetest.Password, "10.0.0.1"); casework.ErrorCode(err) != casework.ETooMany {
		t.Fatalf("sixth attempt with the right password should be braked, got %v", err)
	}
	clock.Advance(16 * time.Minute)
	if _, _, err := svc.Login(ctx, "analyst", storetest.Password, "10.0.0.1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestUnknownAndWrongPasswordLookTheSame(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, nil)
	storetest.Seed(t, s, "9901", "")
	svc := auth.NewService(s, auth.NewHasher(auth.FastParams), nil)
	_, _, e1 := svc.Login(context.Background(), "nobody", "whatever-password", "10.0.0.2")
	_, _, e2 := svc.Login(context.Background(), "analyst", "whatever-password", "10.0.0.3")
	if casework.AsError(e1).Key != casework.AsError(e2).Key || casework.AsError(e1).Code != casework.AsError(e2).Code {
		t.Fatalf("errors differ: %v / %v", e1, e2)
	}
}

func rawDB(t *testing.T, dsn string, e storetest.Engine) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if e == storetest.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dropGuards(t *testing.T, db *sql.DB, e storetest.Engine) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`, `DROP TRIGGER audit_hashes_no_update`, `DROP TRIGGER audit_hashes_no_delete`}
	if e == storetest.Postgres {
		stmts = []string{`DROP TRIGGER audit_log_no_update ON audit_log`, `DROP TRIGGER audit_log_no_delete ON audit_log`, `DROP TRIGGER audit_hashes_append_only ON audit_hashes`}
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
}
