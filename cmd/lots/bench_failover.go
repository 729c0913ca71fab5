package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
)

// lots bench --failover (issue 18:4): several "lots serve" processes on one PostgreSQL (or a
// cluster: HAProxy's write port, a two-host URL), writers registering concerns through the API
// with an Idempotency-Key each, and faults under that load: kill -9 of one Lots instance
// (--kill-instance-after) and any command of the caller's (--fault, e.g. scripts/pg-pair.sh
// kill-primary). A writer whose request fails — connection refused or reset, 503, 409 pending —
// sends it again with the same key to the next instance, as a client behind a load balancer
// would. Afterwards every write a writer saw acknowledged is looked for in the database, the
// duplicates are counted, and the audit log is verified. It fails when a write was lost or
// made twice.

type failoverOptions struct {
	instances         int
	writers           int
	duration          time.Duration
	killInstanceAfter time.Duration
	restartAfter      time.Duration
	fault             string
	faultAfter        time.Duration
}

// failoverWrite is one concern a writer meant to register.
type failoverWrite struct {
	tag        string
	start, end time.Time
	acked      bool // 201, first time or replayed
	attempts   int
	replayed   bool
	answerLost bool // 409 idempotency.answer_lost: saved, its answer lost
	errs       []string
}

func benchFailover(ctx context.Context, stdout io.Writer, o benchOptions, fo failoverOptions) error {
	db := o.db
	if db == "" {
		server := env("LOTS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		dsn, drop, err := freshSchema(ctx, server)
		if err != nil {
			return fmt.Errorf("--failover needs PostgreSQL (--db, or a server at %s): %w", server, err)
		}
		defer drop()
		db = dsn
	} else if !store.IsPostgres(db) {
		return errors.New("--failover needs a PostgreSQL URL in --db: several instances share one database")
	}
	d, cleanup, err := benchPrepare(ctx, stdout, o, "", db)
	defer cleanup()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "failover: data set %s\n", d.how)
	srvs := make([]*benchServer, fo.instances)
	urls := make([]string, fo.instances)
	var srvMu sync.Mutex
	for i := range srvs {
		if srvs[i], err = startServer(ctx, d, false); err != nil {
			return err
		}
		urls[i] = srvs[i].url
	}
	defer func() {
		srvMu.Lock()
		defer srvMu.Unlock()
		for _, s := range srvs {
			s.stop()
		}
	}()
	fmt.Fprintf(stdout, "failover: %d instances %s, %d writers for %s\n", fo.instances, strings.Join(urls, " "), fo.writers, fo.duration)

	var (
		mu     sync.Mutex
		writes []*failoverWrite
		stop   = make(chan struct{})
		wg     sync.WaitGroup
	)
	client := &http.Client{Timeout: 60 * time.Second}
	for w := range fo.writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				fw := failoverWrite{tag: fmt.Sprintf("Fo%dn%d", w, i), start: time.Now()}
				failoverSend(ctx, client, urls, (w+i)%len(urls), d.token, &fw)
				fw.end = time.Now()
				mu.Lock()
				writes = append(writes, &fw)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		})
	}

	type event struct {
		name string
		at   time.Time
		took time.Duration // a restarted instance: until its /readyz answered
	}
	var events []event
	begin := time.Now()
	timeline := []struct {
		at time.Duration
		do func()
	}{}
	if fo.killInstanceAfter > 0 {
		timeline = append(timeline, struct {
			at time.Duration
			do func()
		}{fo.killInstanceAfter, func() {
			srvMu.Lock()
			s := srvs[0]
			srvMu.Unlock()
			_ = s.cmd.Process.Signal(syscall.SIGKILL)
			events = append(events, event{name: "kill -9 instance 1 (" + s.url + ")", at: time.Now()})
		}})
		if fo.restartAfter > 0 {
			timeline = append(timeline, struct {
				at time.Duration
				do func()
			}{fo.killInstanceAfter + fo.restartAfter, func() {
				at := time.Now()
				s, err := startServer(ctx, d, false)
				if err != nil {
					fmt.Fprintf(stdout, "failover: restarting instance 1: %v\n", err)
					return
				}
				srvMu.Lock()
				srvs[0] = s
				srvMu.Unlock()
				// The writers keep the old address list: a restarted instance listens on a new
				// port, as a new container would behind the load balancer.
				events = append(events, event{name: "instance 1 started again (" + s.url + ")", at: at, took: time.Since(at)})
			}})
		}
	}
	if fo.fault != "" {
		timeline = append(timeline, struct {
			at time.Duration
			do func()
		}{fo.faultAfter, func() {
			at := time.Now()
			out, err := exec.CommandContext(ctx, "sh", "-c", fo.fault).CombinedOutput()
			fmt.Fprintf(stdout, "failover: fault %q: %s", fo.fault, out)
			if err != nil {
				fmt.Fprintf(stdout, "failover: fault command failed: %v\n", err)
			}
			events = append(events, event{name: "fault: " + fo.fault, at: at})
		}})
	}
	sort.Slice(timeline, func(i, j int) bool { return timeline[i].at < timeline[j].at })
	for _, step := range timeline {
		time.Sleep(time.Until(begin.Add(step.at)))
		step.do()
	}
	time.Sleep(time.Until(begin.Add(fo.duration)))
	close(stop)
	wg.Wait()

	end := begin.Add(fo.duration) // when the writers stopped beginning writes
	return failoverReport(ctx, stdout, d, writes, func(w io.Writer) {
		sort.Slice(events, func(i, j int) bool { return events[i].at.Before(events[j].at) })
		for i, e := range events {
			// Recovery, until the next event: the longest a write in flight at the event, or
			// begun within a second after it, waited for its acknowledgement; and the longest
			// time without any acknowledged write.
			until := end
			if i+1 < len(events) {
				until = events[i+1].at
			}
			var worst, gap time.Duration
			lostAnswers := 0
			last := e.at
			sort.Slice(writes, func(i, j int) bool { return writes[i].end.Before(writes[j].end) })
			for _, fw := range writes {
				// Counted at the first event after the write began, not again at later ones.
				first := i == 0 || !fw.start.Before(events[i-1].at)
				if fw.answerLost && first && fw.start.Before(e.at) && fw.end.After(e.at) {
					lostAnswers++
				}
				if !fw.acked || fw.end.Before(e.at) || fw.end.After(until) {
					continue
				}
				if fw.start.Before(e.at.Add(time.Second)) {
					worst = max(worst, fw.end.Sub(e.at))
				}
				gap, last = max(gap, fw.end.Sub(last)), fw.end
			}
			gap = max(gap, until.Sub(last))
			fmt.Fprintf(w, "  %s at +%.1f s: writes in flight acknowledged within %.1f s; longest time without an acknowledged write until the next event %.1f s",
				e.name, e.at.Sub(begin).Seconds(), worst.Seconds(), gap.Seconds())
			if lostAnswers > 0 {
				fmt.Fprintf(w, "; %d in flight saved with the answer lost (told so after a minute)", lostAnswers)
			}
			if e.took > 0 {
				fmt.Fprintf(w, "; ready after %.1f s", e.took.Seconds())
			}
			fmt.Fprintln(w)
		}
	})
}

// failoverSend registers fw's concern with one Idempotency-Key, starting at instance k and
// moving to the next one after each failure, for up to a minute.
func failoverSend(ctx context.Context, c *http.Client, urls []string, k int, token string, fw *failoverWrite) {
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	body, _ := json.Marshal(map[string]any{
		"youth":   map[string]any{"first_name": "Prov", "last_name": fw.tag, "birth_date": "2010-05-05"},
		"ratings": benchIRK(),
	})
	deadline := time.Now().Add(2 * store.IdempotencyAnswerWait)
	for ; time.Now().Before(deadline); k = (k + 1) % len(urls) {
		fw.attempts++
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, urls[k]+"/api/v1/concerns", bytes.NewReader(body))
		if err != nil {
			fw.errs = append(fw.errs, err.Error())
			return
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", hex.EncodeToString(key))
		res, err := c.Do(req)
		if err != nil {
			fw.errs = append(fw.errs, "connection: "+failoverErrKind(err))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		var p struct {
			Key string `json:"key"`
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusCreated:
			fw.acked, fw.replayed = true, res.Header.Get("Idempotent-Replayed") == "true"
			return
		case res.StatusCode == http.StatusConflict && json.Unmarshal(b, &p) == nil && p.Key == "idempotency.answer_lost":
			// Saved, says Lots, but the answer is gone: the writer counts it as saved and
			// the report checks that it is.
			fw.answerLost = true
			fw.errs = append(fw.errs, "409 idempotency.answer_lost")
			return
		case res.StatusCode == http.StatusConflict && p.Key == "idempotency.pending":
			fw.errs = append(fw.errs, "409 idempotency.pending")
		default:
			_ = json.Unmarshal(b, &p)
			fw.errs = append(fw.errs, fmt.Sprintf("%d %s", res.StatusCode, p.Key))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func failoverErrKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "reset"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Timeout"):
		return "timeout"
	}
	return "other"
}

// benchIRK rates every IRK factor "some".
func benchIRK() []map[string]string {
	var out []map[string]string
	for _, d := range casework.IRK().Domains {
		out = append(out, map[string]string{"item": d.Items[0].Code, "value": "some"})
	}
	return out
}

// failoverReport looks every write up on the primary, verifies the audit log and prints the
// figures; it fails when an acknowledged write is missing or any is there twice.
func failoverReport(ctx context.Context, w io.Writer, d benchData, writes []*failoverWrite, events func(io.Writer)) error {
	db, err := sql.Open("pgx", d.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var acked, answerLost, lost, dups, unacked, unackedPresent, replayed, retried int
	errs := map[string]int{}
	for _, fw := range writes {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM youths WHERE last_name = $1`, fw.tag).Scan(&n); err != nil {
			return fmt.Errorf("looking up %s: %w", fw.tag, err)
		}
		if n > 1 {
			dups++
		}
		for _, e := range fw.errs {
			errs[e]++
		}
		if fw.attempts > 1 {
			retried++
		}
		if fw.replayed {
			replayed++
		}
		switch {
		case fw.acked, fw.answerLost:
			acked++
			if fw.answerLost {
				answerLost++
			}
			if n == 0 {
				lost++
			}
		default:
			unacked++
			if n > 0 {
				unackedPresent++
			}
		}
	}
	keys, err := benchKeys(d.keyFile)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Config{DSN: d.dsn, Keys: keys})
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.MunicipalityByCode(ctx, demo.Code)
	if err != nil {
		return err
	}
	_, verr := st.VerifyAudit(ctx, m.ID)
	fmt.Fprintf(w, "failover: %d writes: %d acknowledged (%d of them as saved with the answer lost), %d lost, %d duplicated; %d not acknowledged within two minutes (%d of them saved all the same)\n",
		len(writes), acked, answerLost, lost, dups, unacked, unackedPresent)
	fmt.Fprintf(w, "  %d sent more than once with their key (%d answered from the key's memory)\n", retried, replayed)
	var kinds []string
	for k, n := range errs {
		kinds = append(kinds, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "  errors the writers saw: %s\n", strings.Join(append(kinds, "")[:max(len(kinds), 1)], ", "))
	events(w)
	if verr != nil {
		fmt.Fprintf(w, "  audit verify: FAILED: %v\n", verr)
	} else {
		fmt.Fprintln(w, "  audit verify: ok")
	}
	if lost > 0 || dups > 0 || verr != nil {
		return fmt.Errorf("failover: %d acknowledged writes lost, %d duplicated, audit %v", lost, dups, verr)
	}
	return nil
}

// benchKeys reads the data set's key file.
func benchKeys(path string) (*envelope.Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return envelope.ParseKeyring(string(b))
}
