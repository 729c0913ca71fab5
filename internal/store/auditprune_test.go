package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The access log's retention, with a fixed clock: on the rule's day the entries written on or
// before it go from the front of the log, behind a checkpoint; a legal hold stops the cut at the
// first entry about the young person whose case is held; the log verifies afterwards, heads
// exported before the cut and after it still verify, and the extract says the log was cut.
// What the cut keeps cannot be changed unnoticed, and no entry after the checkpoint can be
// deleted.
func TestAccessLogIsCutOnItsDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newRetWorld(t, e)
		ctx := context.Background()
		mid := w.f.Municipality.ID
		if err := w.s.SetRetention(w.sys, map[casework.RecordKind]int{casework.RetAccessLog: 60}); err != nil {
			t.Fatal(err)
		}
		head := func() audit.Head {
			t.Helper()
			h, err := w.s.AuditHead(ctx, mid)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		early := head() // every entry so far was written at t0
		// Thirty months on, the open case is read: entries the cut must keep.
		w.clock.Set(casework.AddMonths(t0, 30))
		if _, err := w.s.CaseDetail(w.coord, w.open); err != nil {
			t.Fatal(err)
		}
		later := head()
		var firstHeld int64
		if err := w.db.QueryRow(`SELECT MIN(y.seq) FROM audit_youths y JOIN cases c ON c.youth_id = y.youth_id
			WHERE c.id = $1`, w.held).Scan(&firstHeld); err != nil {
			t.Fatal(err)
		}
		if firstHeld == 0 || firstHeld >= early.Size {
			t.Fatalf("the held case's first entry is %d of %d: the test needs one in the middle", firstHeld, early.Size)
		}
		day := casework.AddMonths(t0, 60).Add(24 * time.Hour)
		due := w.rows("audit_log", "at <= $1", casework.AddMonths(day, -60).UTC())
		if due < int(early.Size) {
			t.Fatalf("%d entries due, want at least the %d written at t0", due, early.Size)
		}

		t.Run("the day before, nothing goes", func(t *testing.T) {
			_, c := w.run(casework.AddMonths(t0, 60).Add(-time.Minute))
			if c[casework.RetAccessLog].Count != 0 || w.rows("audit_log", "seq = 0") != 1 {
				t.Fatalf("counts %+v", c[casework.RetAccessLog])
			}
		})
		t.Run("a legal hold stops the cut at the held young person's first entry", func(t *testing.T) {
			r, c := w.run(day)
			if got := c[casework.RetAccessLog]; got.Count != int(firstHeld) || got.Held != due-int(firstHeld) {
				t.Fatalf("counts %+v, want %d cut and %d held", got, firstHeld, due-int(firstHeld))
			}
			if w.rows("audit_log", "seq < $1", firstHeld) != 0 || w.rows("audit_youths", "seq < $1", firstHeld) != 0 {
				t.Fatal("entries before the cut are still there")
			}
			if w.rows("audit_log", "seq = $1", firstHeld) != 1 {
				t.Fatal("the held young person's first entry went")
			}
			if w.rows("audit_hashes", "1 = 1") == 0 {
				t.Fatal("the tree's hashes went with the entries")
			}
			var detail string
			if err := w.db.QueryRow(`SELECT detail FROM audit_log WHERE object = 'retention_run' AND object_id = $1`, r.ID).Scan(&detail); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(detail, "access log cut before entry ") {
				t.Fatalf("the run's entry does not name the checkpoint: %q", detail)
			}
			if _, err := w.s.VerifyAudit(ctx, mid, early, later); err != nil {
				t.Fatalf("after the cut: %v", err)
			}
		})
		t.Run("released, the hold lets the rest go at the next run", func(t *testing.T) {
			if err := w.s.ReleaseLegalHold(w.coord, w.held, w.holdID); err != nil {
				t.Fatal(err)
			}
			w.clock.Set(day.Add(time.Hour))
			dueNow := w.rows("audit_log", "at <= $1", casework.AddMonths(day.Add(time.Hour), -60).UTC())
			_, c := w.run(day.Add(time.Hour))
			if got := c[casework.RetAccessLog]; got.Count != dueNow || got.Held != 0 {
				t.Fatalf("counts %+v, want %d", got, dueNow)
			}
			if n := w.rows("audit_log", "at <= $1", casework.AddMonths(day.Add(time.Hour), -60).UTC()); n != 0 {
				t.Fatalf("%d entries past their day are left", n)
			}
			if w.rows("audit_log", "at >= $1", casework.AddMonths(t0, 30)) == 0 {
				t.Fatal("the later entries went too")
			}
			// The early head is older than the checkpoint now: it is proved a prefix of it.
			if _, err := w.s.VerifyAudit(ctx, mid, early, later); err != nil {
				t.Fatalf("after the second cut: %v", err)
			}
		})
		t.Run("the extract says the log was cut", func(t *testing.T) {
			x, err := w.s.AccessExtract(w.f.Ctx(t, w.s, casework.RoleAuditor), store.ExtractQuery{CaseID: w.open})
			if err != nil {
				t.Fatal(err)
			}
			if x.LogPrunedBefore == nil || len(x.Lines) == 0 {
				t.Fatalf("extract: pruned %v, %d lines", x.LogPrunedBefore, len(x.Lines))
			}
		})
		t.Run("nothing after the checkpoint can be deleted", func(t *testing.T) {
			var first int64
			if err := w.db.QueryRow(`SELECT MIN(seq) FROM audit_log`).Scan(&first); err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.Exec(`DELETE FROM audit_log WHERE seq = $1`, first); err == nil {
				t.Fatal("an entry after the checkpoint was deleted")
			}
			if _, err := w.db.Exec(`DELETE FROM audit_checkpoints`); err == nil {
				t.Fatal("a checkpoint was deleted")
			}
		})
		t.Run("a kept hash of the cut part changed is found", func(t *testing.T) {
			dropGuards(t, w.db, e)
			var cut int64
			if err := w.db.QueryRow(`SELECT MAX(size) FROM audit_checkpoints`).Scan(&cut); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.VerifyAudit(ctx, mid); err != nil {
				t.Fatalf("before the change: %v", err)
			}
			// One of the hashes the checkpoint's root is made of: the largest complete subtree
			// at the front, stored after its last leaf's own hashes.
			k := int64(1)
			for k*2 <= cut {
				k *= 2
			}
			level := 0
			for 1<<level < k {
				level++
			}
			if _, err := w.db.Exec(`UPDATE audit_hashes SET hash = $1 WHERE idx = $2`, make([]byte, 32), tlog.StoredHashIndex(level, 0)); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.VerifyAudit(ctx, mid); err == nil {
				t.Fatal("the log verified with the cut part's hashes changed")
			}
		})
	})
}
