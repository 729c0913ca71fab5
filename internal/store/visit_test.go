package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// TestAVisitHoldsOneConnection: more requests at once than either engine's pool has
// connections, each reading a case and then what the case page also reads (the catalogue,
// colleagues, the municipality) and adding a note, all finish. A read that took a second
// connection beside its visit's would wait for one the others hold, and they for it.
func TestAVisitHoldsOneConnection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, nil)
		f := storetest.Seed(t, s, "9901", "")
		rc := f.Concern(t, s, casework.RoleCoordinator, "Ada", "Anslutning", storetest.TestPersonalNumbers[0])
		f.Advance(t, s, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{})
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		const requests = 48 // PostgreSQL's pool has 20, SQLite's readers a handful
		var wg sync.WaitGroup
		errs := make(chan error, requests)
		for i := 0; i < requests; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, v := s.Visit(coord)
				defer v.Finish(ctx)
				if _, err := s.CaseDetail(ctx, rc.CaseID); err != nil {
					errs <- err
					return
				}
				time.Sleep(20 * time.Millisecond) // hold the read transaction while the others start
				if _, err := s.Catalogue(ctx); err != nil {
					errs <- err
					return
				}
				if _, err := s.Colleagues(ctx, casework.RoleCoordinator); err != nil {
					errs <- err
					return
				}
				if _, err := s.Municipality(ctx, f.Municipality.ID); err != nil {
					errs <- err
					return
				}
				if i%4 == 0 {
					if err := s.AddNote(ctx, rc.CaseID, casework.CatBasic, "Anteckning"); err != nil {
						errs <- err
						return
					}
				}
				if err := v.Finish(ctx); err != nil {
					errs <- err
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("requests wait for each other's connections")
		}
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		_ = context.Background()
	})
}
