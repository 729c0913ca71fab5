package store_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestRetentionChild is the child process of TestRetentionKilledMidRun: it opens the database
// the parent names, runs retention at the parent's moment and, inside the deleting transaction,
// says so and waits to be killed.
func TestRetentionChild(t *testing.T) {
	dsn := os.Getenv("LOTS_RETENTION_CHILD_DSN")
	if dsn == "" {
		t.Skip("the child process of TestRetentionKilledMidRun")
	}
	keys, err := envelope.ParseKeyring(os.Getenv("LOTS_RETENTION_CHILD_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339Nano, os.Getenv("LOTS_RETENTION_CHILD_AT"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), store.Config{DSN: dsn, Keys: keys, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Municipalities(context.Background())
	if err != nil || len(ms) != 1 {
		t.Fatal(ms, err)
	}
	sys := casework.WithActor(context.Background(), casework.SystemActor(ms[0].ID, "lots retention"))
	_, err = s.RunRetention(sys, store.WithRetentionHook(store.RetentionOptions{StartedBy: "command"}, func() {
		os.Stdout.WriteString("\nDELETING\n")
		time.Sleep(2 * time.Minute)
	}))
	t.Fatalf("the run was not killed: %v", err)
}

// A kill -9 in the middle of a retention run — a real child process, killed inside its deleting
// transaction — leaves the database as it was: every record still there, the files intact and
// their references whole, the log verifying, the run on record as never finished; the next run
// does the work.
func TestRetentionKilledMidRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newRetWorld(t, e)
		due := w.deleteDay()
		cases := w.rows("cases", "1 = 1")
		youths := w.rows("youths", "1 = 1")
		events := w.rows("case_events", "1 = 1")

		cmd := exec.Command(os.Args[0], "-test.run=^TestRetentionChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LOTS_RETENTION_CHILD_DSN="+w.dsn, "LOTS_RETENTION_CHILD_KEY="+w.key,
			"LOTS_RETENTION_CHILD_AT="+due.Format(time.RFC3339Nano))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deleting := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if strings.TrimSpace(sc.Text()) == "DELETING" {
					deleting <- true
					return
				}
			}
			deleting <- false
		}()
		select {
		case ok := <-deleting:
			if !ok {
				_ = cmd.Wait()
				t.Fatal("the child ended without reaching the deletion")
			}
		case <-time.After(90 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("the child did not reach the deletion in time")
		}
		// In the child, the cases are deleted inside the open transaction, at this moment.
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("the child was not killed by SIGKILL: %v", err)
		}

		// The database as it was.
		w.s.Close()
		w.s = openWith(t, w.dsn, w.keys, w.clock.Now)
		if e == storetest.SQLite {
			var res string
			if err := w.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
				t.Fatalf("integrity check: %q %v", res, err)
			}
			rows, err := w.db.Query(`PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			if rows.Next() {
				t.Error("a row refers to a deleted one")
			}
			rows.Close()
		}
		if w.rows("cases", "1 = 1") != cases || w.rows("youths", "1 = 1") != youths || w.rows("case_events", "1 = 1") != events {
			t.Fatalf("the killed run deleted part of its work: cases %d→%d, youths %d→%d, events %d→%d", cases, w.rows("cases", "1 = 1"),
				youths, w.rows("youths", "1 = 1"), events, w.rows("case_events", "1 = 1"))
		}
		w.verify()
		runs, err := w.s.RetentionRuns(w.sys, 5)
		if err != nil || len(runs) != 1 || !runs[0].Interrupted() {
			t.Fatalf("the killed run is not on record as never finished: %+v %v", runs, err)
		}
		// The sealed scan still opens: nothing half-written.
		readOK := func() {
			t.Helper()
			if _, err := w.s.ConsentEvidence(w.coord, w.closed, w.consID); err != nil {
				t.Fatalf("the scan after the kill: %v", err)
			}
		}
		readOK()

		// The next run does the work.
		r, c := w.run(due)
		if c[casework.RetConcernNotTakenOn].Count != 6 || r.Outcome != "done" {
			t.Fatalf("the run after the kill: %+v", r)
		}
		w.verify()
		readOK()
	})
}
