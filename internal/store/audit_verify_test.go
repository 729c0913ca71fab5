package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// lots audit verify against a live database: four writers append entries (reads of a case,
// lists naming several young people, new concerns) while the log is verified again and again.
// Every verification must pass — head, index, hashes and entries are read in one snapshot.
// Before that, the head, the index and the entries were three separate reads, and an entry
// appended between them was "missing from the extract index" (issue 19, point 7).
func TestVerifyPassesWhileFourWritersRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		var cases []int64
		for i := range 4 {
			cases = append(cases, f.Concern(t, s, casework.RoleCoordinator, "Skribent", "Nummer"+string(rune('A'+i)), pnr[20+i]).CaseID)
		}
		mid := f.Municipality.ID
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var writes atomic.Int64
		errs := make(chan error, 4)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 90 && ctx.Err() == nil; i++ {
					var err error
					switch i % 3 {
					case 0:
						_, err = s.CaseDetail(coord, cases[w]) // one young person
					case 1:
						_, err = s.Cases(coord, store.CaseQuery{}) // a list: several young people in one entry
					default:
						_, err = s.MyConcerns(coord)
					}
					if err != nil {
						errs <- err
						return
					}
					writes.Add(1)
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		// Verify until the writers are done (they make 360 reads), however the machine schedules
		// them; count the verifications during which writes were made.
		verified, overlapped := 0, 0
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
			}
			before := writes.Load()
			if _, err := s.VerifyAudit(context.Background(), mid); err != nil {
				stop()
				wg.Wait()
				t.Fatalf("verification %d failed while %d writes had been made: %v", verified+1, before, err)
			}
			verified++
			if writes.Load() > before {
				overlapped++
			}
		}
		stop()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("writer: %v", err)
		}
		if overlapped < 3 {
			t.Fatalf("only %d of %d verifications ran while writes were made (%d writes): the test did not overlap them", overlapped, verified, writes.Load())
		}
		if _, err := s.VerifyAudit(context.Background(), mid); err != nil {
			t.Fatalf("after the writers stopped: %v", err)
		}
		t.Logf("%d verifications passed, %d of them while writes were made (%d writes)", verified, overlapped, writes.Load())
	})
}
