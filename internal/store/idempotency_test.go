package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// write is a request's change in the tests: one login_failures row under key.
func idemWrite(key string) func(tx *store.Tx) error {
	return func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO login_failures (key, at) VALUES ($1, $2)`, key, tx.Now())
		return err
	}
}

func countRows(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.UpdateForTest(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(query, args...).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdempotencyKeyCommitsWithTheWrite: the key of a request is stored by the transaction that
// writes, so it exists exactly when the write does; a second request with the key writes
// nothing; the answer is kept sealed; keys are forgotten after IdempotencyHours.
func TestIdempotencyKeyCommitsWithTheWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		ctx := f.Ctx(t, s, casework.RoleCoordinator)
		rows := func(key string) int {
			return countRows(t, s, `SELECT COUNT(*) FROM login_failures WHERE key = $1`, key)
		}

		t.Run("a refused write leaves the key free", func(t *testing.T) {
			req := &store.IdempotentRequest{Key: "k-refused", Fingerprint: "POST /a 1"}
			err := s.UpdateForTest(store.WithIdempotentRequest(ctx, req), func(tx *store.Tx) error {
				return casework.Invalid("name", "error.required")
			})
			if err == nil || req.Committed() {
				t.Fatalf("err %v, committed %v", err, req.Committed())
			}
			if _, err := s.IdempotentAnswerOf(ctx, "k-refused"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("key after a refused write: %v; want not found", err)
			}
		})

		req := &store.IdempotentRequest{Key: "k1", Fingerprint: "POST /a 1"}
		rctx := store.WithIdempotentRequest(ctx, req)
		t.Run("the write and the key commit together", func(t *testing.T) {
			if err := s.UpdateForTest(rctx, idemWrite("first")); err != nil {
				t.Fatal(err)
			}
			// A second transaction of the same request does not claim the key again.
			if err := s.UpdateForTest(rctx, idemWrite("first")); err != nil {
				t.Fatal(err)
			}
			got, err := s.IdempotentAnswerOf(ctx, "k1")
			if err != nil || !req.Committed() || got.Fingerprint != "POST /a 1" || got.Status != 0 {
				t.Fatalf("key after the write: %+v %v (committed %v)", got, err, req.Committed())
			}
		})

		t.Run("a second request with the key writes nothing", func(t *testing.T) {
			again := &store.IdempotentRequest{Key: "k1", Fingerprint: "POST /a 1"}
			err := s.UpdateForTest(store.WithIdempotentRequest(ctx, again), idemWrite("second"))
			if casework.ErrorCode(err) != casework.EConflict || casework.AsError(err).Key != "idempotency.pending" {
				t.Fatalf("second request: %v; want conflict idempotency.pending", err)
			}
			if rows("second") != 0 || again.Committed() {
				t.Fatal("the second request wrote")
			}
		})

		t.Run("keys are per user", func(t *testing.T) {
			other := f.Ctx(t, s, casework.RoleSteering)
			r2 := &store.IdempotentRequest{Key: "k1", Fingerprint: "POST /a 1"}
			if err := s.UpdateForTest(store.WithIdempotentRequest(other, r2), idemWrite("other-user")); err != nil || rows("other-user") != 1 {
				t.Fatalf("another user's key: %v", err)
			}
		})

		t.Run("the answer is kept sealed", func(t *testing.T) {
			body := []byte(`{"concern_id": 42, "youth": "Hemlig Hemligsson"}`)
			if err := s.RecordIdempotentAnswer(ctx, req, 201, "application/json", body); err != nil {
				t.Fatal(err)
			}
			got, err := s.IdempotentAnswerOf(ctx, "k1")
			if err != nil || got.Status != 201 || got.ContentType != "application/json" || !bytes.Equal(got.Body, body) {
				t.Fatalf("answer: %+v %v", got, err)
			}
			var raw []byte
			if err := s.UpdateForTest(context.Background(), func(tx *store.Tx) error {
				return tx.QueryRow(`SELECT body FROM idempotency_keys WHERE key = 'k1' AND status = 201`).Scan(&raw)
			}); err != nil {
				t.Fatal(err)
			}
			if len(raw) == 0 || bytes.Contains(raw, []byte("Hemlig")) {
				t.Fatalf("stored body is not sealed: %q", raw)
			}
		})

		t.Run("two requests with one key at once: one writes", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() {
					r := &store.IdempotentRequest{Key: "k-race", Fingerprint: "POST /a 1"}
					errs[i] = s.UpdateForTest(store.WithIdempotentRequest(ctx, r), func(tx *store.Tx) error {
						if err := idemWrite("race")(tx); err != nil {
							return err
						}
						time.Sleep(20 * time.Millisecond) // hold the transaction open
						return nil
					})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case casework.AsError(err).Key != "idempotency.pending":
					t.Errorf("a losing request: %v; want idempotency.pending", err)
				}
			}
			if ok != 1 || rows("race") != 1 {
				t.Fatalf("%d requests succeeded, %d rows; want one", ok, rows("race"))
			}
		})

		t.Run("a key without an answer: still coming, then lost", func(t *testing.T) {
			got, err := s.IdempotentAnswerOf(ctx, "k-race")
			if err != nil || got.Status != 0 || got.AnswerLost {
				t.Fatalf("just committed: %+v %v; want no answer, not lost", got, err)
			}
			clock.Advance(store.IdempotencyAnswerWait)
			if got, err := s.IdempotentAnswerOf(ctx, "k-race"); err != nil || !got.AnswerLost {
				t.Fatalf("after IdempotencyAnswerWait: %+v %v; want the answer lost", got, err)
			}
			if got, err := s.IdempotentAnswerOf(ctx, "k1"); err != nil || got.AnswerLost {
				t.Fatalf("an answered key: %+v %v; never lost", got, err)
			}
		})

		t.Run("a key is forgotten after IdempotencyHours", func(t *testing.T) {
			clock.Advance(store.IdempotencyHours*time.Hour + time.Minute)
			if _, err := s.IdempotentAnswerOf(ctx, "k1"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("an expired key: %v; want not found", err)
			}
			// Not yet purged, the old row does not stop a new request with the key.
			r := &store.IdempotentRequest{Key: "k1", Fingerprint: "POST /b 2"}
			if err := s.UpdateForTest(store.WithIdempotentRequest(ctx, r), idemWrite("after-expiry")); err != nil || rows("after-expiry") != 1 {
				t.Fatalf("a new request with an expired key: %v", err)
			}
			n, err := s.PurgeIdempotencyKeys(context.Background())
			if err != nil || n != 2 { // the other user's k1 and k-race; the old k1 went when the new one came
				t.Fatalf("purged %d, %v; want 2", n, err)
			}
			if got, err := s.IdempotentAnswerOf(ctx, "k1"); err != nil || got.Fingerprint != "POST /b 2" {
				t.Fatalf("the new key after purging: %+v %v", got, err)
			}
		})
	})
}

// TestIdempotencyKeyAcrossABrokenConnection: the retry of a write whose connection broke
// (the server ends the transaction's backend, as a failover does) writes once — whether Lots
// ran it again itself (broken before COMMIT) or the client sends it again after "not known
// whether saved" (broken at COMMIT).
func TestIdempotencyKeyAcrossABrokenConnection(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, storetest.Postgres)
	s, err := store.Open(ctx, store.Config{DSN: dsn, Keys: envelope.Ephemeral(), FailoverWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := storetest.Seed(t, s, "9901", "")
	actx := f.Ctx(t, s, casework.RoleCoordinator)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	kill := func(tx *store.Tx) {
		t.Helper()
		var pid int
		if err := tx.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		var ok bool
		if err := admin.QueryRow(`SELECT pg_terminate_backend($1, 5000)`, pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate backend %d: %v %v", pid, ok, err)
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := admin.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("broken before commit: Lots runs it again, key and write once", func(t *testing.T) {
		req := &store.IdempotentRequest{Key: "cut-before", Fingerprint: "POST /a 1"}
		attempt := 0
		err := s.UpdateForTest(store.WithIdempotentRequest(actx, req), func(tx *store.Tx) error {
			attempt++
			if err := idemWrite("cut-before")(tx); err != nil {
				return err
			}
			if attempt == 1 {
				kill(tx)
				return idemWrite("cut-before")(tx) // finds the connection gone
			}
			return nil
		})
		if err != nil || attempt != 2 || !req.Committed() {
			t.Fatalf("err %v after %d attempts, committed %v", err, attempt, req.Committed())
		}
		if n, k := count(`SELECT COUNT(*) FROM login_failures WHERE key = 'cut-before'`), count(`SELECT COUNT(*) FROM idempotency_keys WHERE key = 'cut-before'`); n != 1 || k != 1 {
			t.Fatalf("%d rows, %d keys; want one of each", n, k)
		}
	})

	t.Run("broken at commit: the client's retries write once", func(t *testing.T) {
		first := &store.IdempotentRequest{Key: "cut-commit", Fingerprint: "POST /a 1"}
		err := s.UpdateForTest(store.WithIdempotentRequest(actx, first), func(tx *store.Tx) error {
			if err := idemWrite("cut-commit")(tx); err != nil {
				return err
			}
			kill(tx) // COMMIT is the next thing sent
			return nil
		})
		if casework.AsError(err).Key != "error.outcome_unknown" || first.Committed() {
			t.Fatalf("err %v; want error.outcome_unknown", err)
		}
		// Whatever the outcome, the key is there exactly when the write is.
		rows, keys := count(`SELECT COUNT(*) FROM login_failures WHERE key = 'cut-commit'`), count(`SELECT COUNT(*) FROM idempotency_keys WHERE key = 'cut-commit'`)
		if rows != keys {
			t.Fatalf("%d rows but %d keys after a cut at commit", rows, keys)
		}
		for i := range 3 {
			r := &store.IdempotentRequest{Key: "cut-commit", Fingerprint: "POST /a 1"}
			err := s.UpdateForTest(store.WithIdempotentRequest(actx, r), idemWrite("cut-commit"))
			if err != nil && casework.AsError(err).Key != "idempotency.pending" {
				t.Fatalf("retry %d: %v", i, err)
			}
		}
		if n := count(`SELECT COUNT(*) FROM login_failures WHERE key = 'cut-commit'`); n != 1 {
			t.Fatalf("%d rows after three retries; want 1", n)
		}
		if _, err := s.IdempotentAnswerOf(actx, "cut-commit"); err != nil {
			t.Fatal(errors.Join(errors.New("the key after the retries"), err))
		}
	})
}
