package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// Several Lots instances on one database (issue 18): what one process used to keep to itself
// must hold across processes. Each test opens two stores on one database — two instances that
// share nothing but it.

// TestJobsRunOnceAcrossInstances: a scheduled job runs on one instance at a time.
func TestJobsRunOnceAcrossInstances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		st := storetest.OpenInstances(t, engine, 2, nil)
		a, b := st[0], st[1]

		t.Run("while one instance runs a job the other is told it is taken", func(t *testing.T) {
			started, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- a.RunOnce(ctx, "retention", func(context.Context) error {
					close(started)
					<-release
					return nil
				})
			}()
			<-started
			ran := false
			if err := b.RunOnce(ctx, "retention", func(context.Context) error { ran = true; return nil }); !errors.Is(err, store.ErrJobTaken) || ran {
				t.Fatalf("second instance: err %v, ran %v; want ErrJobTaken, not run", err, ran)
			}
			if err := a.RunOnce(ctx, "retention", func(context.Context) error { ran = true; return nil }); !errors.Is(err, store.ErrJobTaken) || ran {
				t.Fatalf("same instance, second caller: err %v, ran %v; want ErrJobTaken, not run", err, ran)
			}
			if err := b.RunOnce(ctx, "publish releases", func(context.Context) error { ran = true; return nil }); err != nil || !ran {
				t.Fatalf("another job: err %v, ran %v; want it run", err, ran)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			ran = false
			if err := b.RunOnce(ctx, "retention", func(context.Context) error { ran = true; return nil }); err != nil || !ran {
				t.Fatalf("after the first ended: err %v, ran %v; want it run", err, ran)
			}
		})
		t.Run("a job's error is returned and frees the job", func(t *testing.T) {
			boom := errors.New("boom")
			if err := a.RunOnce(ctx, "reminders", func(context.Context) error { return boom }); !errors.Is(err, boom) {
				t.Fatalf("err %v, want boom", err)
			}
			if err := b.RunOnce(ctx, "reminders", func(context.Context) error { return nil }); err != nil {
				t.Fatalf("after a failed run: %v", err)
			}
		})
		t.Run("many callers on both instances: never two at once", func(t *testing.T) {
			var running, most, runs atomic.Int32
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						err := st[i%2].RunOnce(ctx, "statistics", func(context.Context) error {
							n := running.Add(1)
							for {
								m := most.Load()
								if n <= m || most.CompareAndSwap(m, n) {
									break
								}
							}
							time.Sleep(5 * time.Millisecond)
							running.Add(-1)
							runs.Add(1)
							return nil
						})
						if err != nil && !errors.Is(err, store.ErrJobTaken) {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			if most.Load() != 1 || runs.Load() == 0 {
				t.Fatalf("at most %d at once over %d runs; want exactly 1 at once", most.Load(), runs.Load())
			}
		})
	})
}

// TestAuditChainTwoWriters: two instances append to one municipality's log at the same time,
// through their group committers and in their own write transactions; the log has every
// entry once, no gap, no fork, and verifies.
func TestAuditChainTwoWriters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		st := storetest.OpenInstances(t, engine, 2, nil)
		f := storetest.Seed(t, st[0], "9901", "")
		const writers, each = 6, 15
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := st[w%2]
				for i := range each {
					e := audit.Entry{MunicipalityID: f.Municipality.ID, Username: "system", Via: "system",
						Action: audit.ActionLoginFailed, Object: "session", Detail: fmt.Sprintf("writer %d entry %d", w, i)}
					if err := s.AuditSystem(ctx, e); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		var seqs []int64
		if err := st[1].AuditEntries(ctx, store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(e audit.Entry) error {
			seen[e.Detail]++
			seqs = append(seqs, e.Seq)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for w := range writers {
			for i := range each {
				if n := seen[fmt.Sprintf("writer %d entry %d", w, i)]; n != 1 {
					t.Fatalf("writer %d entry %d appears %d times", w, i, n)
				}
			}
		}
		for i, seq := range seqs {
			if seq != int64(i) {
				t.Fatalf("entry %d has seq %d: a gap or a fork", i, seq)
			}
		}
		for _, s := range st {
			h, err := s.VerifyAudit(ctx, f.Municipality.ID)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if h.Size != int64(len(seqs)) {
				t.Fatalf("head size %d, %d entries", h.Size, len(seqs))
			}
		}
	})
}

// TestAuditStaleRememberedHashes: an instance's remembered tree hashes that no longer match the
// database (a commit it saw succeed, lost in a failover) are noticed against the head's root and
// read again; the tree does not fork.
func TestAuditStaleRememberedHashes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		s := storetest.Open(t, engine, nil)
		f := storetest.Seed(t, s, "9901", "")
		entry := func(i int) audit.Entry {
			return audit.Entry{MunicipalityID: f.Municipality.ID, Username: "system", Via: "system",
				Action: audit.ActionLoginFailed, Object: "session", Detail: fmt.Sprintf("entry %d", i)}
		}
		for i := range 7 {
			if err := s.AuditSystem(ctx, entry(i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := s.PoisonAuditHashesForTest(f.Municipality.ID); n == 0 {
			t.Fatal("nothing remembered to poison: the test would prove nothing")
		}
		for i := 7; i < 10; i++ {
			if err := s.AuditSystem(ctx, entry(i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.VerifyAudit(ctx, f.Municipality.ID); err != nil {
			t.Fatalf("verify after appending on stale hashes: %v", err)
		}
	})
}
