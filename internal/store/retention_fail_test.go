package store_test

import (
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// A run that fails part-way (not killed: the database refuses one of its deletions) rolls back
// whole: what it had deleted before the refusal is there again, its record says it failed and
// why, without names, the log still verifies, and the next run after the fault is mended does
// the work.
func TestAFailedRetentionRunRollsBackWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newRetWorld(t, e)
		// On this day a case not started, the minutes and the old plan versions are due, in that
		// order; the plan versions' deletion is refused.
		day := casework.AddMonths(t0, 24)
		refuse := []string{`CREATE TRIGGER refuse_plan_delete BEFORE DELETE ON plan_versions BEGIN SELECT RAISE(ABORT, 'disk full'); END`}
		mend := []string{`DROP TRIGGER refuse_plan_delete`}
		if e == storetest.Postgres {
			refuse = []string{
				`CREATE FUNCTION refuse_plan_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$`,
				`CREATE TRIGGER refuse_plan_delete BEFORE DELETE ON plan_versions FOR EACH ROW EXECUTE FUNCTION refuse_plan_delete()`,
			}
			mend = []string{`DROP TRIGGER refuse_plan_delete ON plan_versions`, `DROP FUNCTION refuse_plan_delete`}
		}
		for _, q := range refuse {
			if _, err := w.db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		minutes := w.rows("meetings", "case_id = $1 AND minutes_text <> ''", w.closed)
		plans := w.rows("plan_versions", "case_id = $1", w.closed)
		logBefore := w.rows("audit_log", "1 = 1")
		if !w.caseExists(w.notRun) || minutes != 1 || plans != 2 {
			t.Fatalf("the world is not as the test expects: %v %d %d", w.caseExists(w.notRun), minutes, plans)
		}
		w.clock.Set(day)
		_, err := w.s.RunRetention(w.sys, store.RetentionOptions{StartedBy: "command"})
		if err == nil {
			t.Fatal("the run succeeded though a deletion was refused")
		}
		if !w.caseExists(w.notRun) || w.rows("case_events", "case_id = $1", w.notRun) == 0 {
			t.Fatal("the case not started stayed deleted after the run failed")
		}
		if w.rows("meetings", "case_id = $1 AND minutes_text <> ''", w.closed) != minutes || w.rows("plan_versions", "case_id = $1", w.closed) != plans {
			t.Fatal("minutes or plan versions changed by a failed run")
		}
		if w.rows("audit_log", "1 = 1") < logBefore {
			t.Fatal("log entries went in a failed run")
		}
		runs, err := w.s.RetentionRuns(w.sys, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 0 || runs[0].Outcome != "failed" || runs[0].FinishedAt.IsZero() || !strings.Contains(runs[0].Error, "plan_versions") {
			t.Fatalf("the run's record: %+v", runs[0])
		}
		for _, name := range []string{"Ejstartad", "Avslutad", pnr[20], "snickare"} {
			if strings.Contains(runs[0].Error, name) {
				t.Fatalf("the failure names %q: %s", name, runs[0].Error)
			}
		}
		w.verify()
		due, err := w.s.RetentionDue(w.sys, w.f.Municipality.ID)
		if err != nil || due {
			t.Fatalf("due again at once after a failure: %v %v", due, err)
		}
		w.clock.Set(day.Add(time.Hour))
		if due, err = w.s.RetentionDue(w.sys, w.f.Municipality.ID); err != nil || !due {
			t.Fatalf("not tried again an hour after a failure: %v %v", due, err)
		}

		for _, q := range mend {
			if _, err := w.db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		_, c := w.run(day.Add(time.Hour))
		if c[casework.RetCaseNotStarted].Count != 1 || c[casework.RetMeetingMinutes].Count != 1 || c[casework.RetPlanVersions].Count != 1 {
			t.Fatalf("the run after the fault: %+v", c)
		}
		if w.caseExists(w.notRun) || w.rows("plan_versions", "case_id = $1", w.closed) != 1 {
			t.Fatal("the run after the fault did not delete")
		}
		w.verify()
	})
}
