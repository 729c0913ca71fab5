package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"lots/internal/app"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
)

const benchHelp = `Load-tests Lots on this machine: it creates the demo municipality and seeds --youths more young
people in a fresh database, starts the real server on 127.0.0.1, logs --clients sessions in as the
coordinator "samordnare", and drives for --duration each: the start page, the coordinator's work
list, and a bare net/http handler on its own listener (the ceiling of this machine and Go's HTTP
stack). It prints requests/s, p50 and p99 for each, and each page's requests/s as a share of the
bare handler's: compare ratios, not absolute numbers, across machines.

The database is a temporary SQLite directory, removed afterwards, unless --data or --db names one
(LOTS_DATA and LOTS_DB are not read: a benchmark never touches a configured database by accident).
A named database gets the demo municipality (kommunkod 9999) and the seeded young people written
into it: never name a production database. One that already holds the demo is reused as it is,
without seeding.`

// benchOptions are the flags of lots bench.
type benchOptions struct {
	youths, clients int
	duration        time.Duration
	data, db        string
	engineCheck     bool
	cpuProfile      string
	key             common // only its key file
}

func (o benchOptions) keys() (*envelope.Keyring, error) { return o.key.keys() }

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o benchOptions
	fs := newFlags("bench", benchHelp, stderr)
	fs.IntVar(&o.youths, "youths", 1000, "young people to seed besides the demo's 150")
	fs.IntVar(&o.clients, "clients", 8, "concurrent client sessions, each with one request in flight")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to drive each target")
	fs.StringVar(&o.data, "data", "", "SQLite data directory to use (default: a temporary one, removed after)")
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL to use instead of SQLite")
	fs.BoolVar(&o.engineCheck, "engine-check", false, "run on both engines, SQLite and PostgreSQL, each in a fresh database, and compare\n"+
		"(PostgreSQL: the server of --db, else LOTS_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/test, in a new schema dropped after)")
	keyFile, _ := os.LookupEnv("LOTS_KEY_FILE")
	fs.StringVar(&o.key.keyFile, "key-file", keyFile, "the master key file (LOTS_KEY_FILE, LOTS_KEY); a throwaway key when none")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs (server and clients, one process) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.youths < 0 || o.youths > 20000:
		return errors.New("--youths must be 0–20000")
	case o.clients < 1 || o.clients > 256:
		return errors.New("--clients must be 1–256")
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return errors.New("--duration must be 1s–10m")
	case o.engineCheck && o.data != "":
		return errors.New("--engine-check uses fresh databases; leave out --data")
	}
	if !o.engineCheck {
		_, err := benchEngine(ctx, stdout, o, o.data, o.db)
		return err
	}
	server := o.db
	if server == "" {
		server = env("LOTS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	lite, err := benchEngine(ctx, stdout, o, "", "")
	if err != nil {
		return err
	}
	dsn, drop, err := freshSchema(ctx, server)
	if err != nil {
		return fmt.Errorf("PostgreSQL for --engine-check: %w", err)
	}
	defer drop()
	pg, err := benchEngine(ctx, stdout, o, "", dsn)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "PostgreSQL compared with SQLite (its speed as a multiple of SQLite's; higher is faster):\n")
	times := func(name string, pgRate, liteRate float64) {
		if pgRate > 0 && liteRate > 0 {
			fmt.Fprintf(stdout, "  %-24s %8.2f×\n", name, pgRate/liteRate)
		} else {
			fmt.Fprintf(stdout, "  %-24s %9s\n", name, "–")
		}
	}
	for i := range lite.results {
		times(lite.results[i].name, pg.results[i].rps, lite.results[i].rps)
	}
	times("demo build", 1/pg.demoTook.Seconds(), 1/lite.demoTook.Seconds())
	if lite.seed.Youths > 0 {
		times("seeding", 1/pg.seed.Took.Seconds(), 1/lite.seed.Took.Seconds())
	}
	return nil
}

// freshSchema creates a new schema on the PostgreSQL server and returns a DSN that uses it and
// a function that drops it.
func freshSchema(ctx context.Context, server string) (string, func(), error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("lots_bench_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			fmt.Fprintf(os.Stderr, "lots bench: drop schema %s: %v\n", schema, err)
		}
		admin.Close()
	}, nil
}

// benchRun is one engine's run.
type benchRun struct {
	engine   store.Dialect
	demoTook time.Duration
	seed     demo.SeedResult
	results  []benchResult
}

// benchResult is one target's figures.
type benchResult struct {
	name          string
	requests, bad int
	rps           float64
	p50, p99      time.Duration
}

// benchEngine runs the benchmark on one database: SQLite in data (a temporary directory when
// empty) or the PostgreSQL database db.
func benchEngine(ctx context.Context, stdout io.Writer, o benchOptions, data, db string) (benchRun, error) {
	var run benchRun
	if db == "" && data == "" {
		dir, err := os.MkdirTemp("", "lots-bench-")
		if err != nil {
			return run, err
		}
		defer os.RemoveAll(dir)
		data = dir
	}
	// The benchmark's data is synthetic: a throwaway key when none is configured.
	keys, err := o.keys()
	if errors.Is(err, envelope.ErrNoKey) {
		keys, err = envelope.Ephemeral(), nil
	}
	if err != nil {
		return run, err
	}
	a, err := app.Open(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: data, DB: db, Log: slog.New(slog.DiscardHandler), Keys: keys})
	if err != nil {
		return run, err
	}
	defer a.Close()
	run.engine = a.Store.Dialect()
	start := time.Now()
	res, err := demo.Load(ctx, a.Store, a.Hasher)
	if err != nil {
		return run, fmt.Errorf("demo: %w", err)
	}
	run.demoTook = time.Since(start)
	fmt.Fprintf(stdout, "%s: demo municipality %s in %.1f s\n", run.engine, map[bool]string{true: "built", false: "reused"}[res.Created], run.demoTook.Seconds())
	if res.Created && o.youths > 0 {
		if run.seed, err = demo.Seed(ctx, a.Store, a.Hasher, res.Municipality, o.youths, 1); err != nil {
			return run, err
		}
		fmt.Fprintf(stdout, "%s: %d young people seeded in %.1f s (%.1f s per 1000; %d store calls, %.2f ms each)\n", run.engine,
			run.seed.Youths, run.seed.Took.Seconds(), run.seed.Took.Seconds()*1000/float64(run.seed.Youths), run.seed.Calls,
			float64(run.seed.Took.Microseconds())/1000/float64(max(run.seed.Calls, 1)))
	}

	l, err := a.Listen()
	if err != nil {
		return run, err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(sctx, l) }()
	defer func() {
		stop()
		<-served
	}()
	bl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return run, err
	}
	bare := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "hello\n")
	})}
	go bare.Serve(bl)
	defer bare.Close()

	lots := "http://" + l.Addr().String()
	clients := make([]*http.Client, o.clients)
	for i := range clients {
		if clients[i], err = benchLogin(ctx, lots); err != nil {
			return run, err
		}
	}
	list := "/worklist?tab=mine"
	if status, _ := benchGet(ctx, clients[0], lots+list); status == http.StatusNotFound {
		list = "/cases"
	}
	targets := []struct{ name, url string }{
		{"bare net/http hello", "http://" + bl.Addr().String() + "/"},
		{"GET /", lots + "/"},
		{"GET " + list, lots + list},
	}
	for _, t := range targets { // every target answers 200 with a page before it is measured
		status, body := benchGet(ctx, clients[0], t.url)
		if status != http.StatusOK || len(body) == 0 {
			return run, fmt.Errorf("%s: status %d before the run", t.name, status)
		}
		if strings.HasPrefix(t.name, "GET /worklist") && !strings.Contains(body, "/cases/") {
			return run, fmt.Errorf("%s lists no case", t.name)
		}
	}
	fmt.Fprintf(stdout, "%s: %d clients, %s per target…\n", run.engine, o.clients, o.duration)
	if o.cpuProfile != "" {
		name := o.cpuProfile
		if o.engineCheck {
			name = strings.TrimSuffix(name, ".pprof") + "-" + string(run.engine) + ".pprof"
		}
		f, err := os.Create(name)
		if err != nil {
			return run, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return run, err
		}
		defer pprof.StopCPUProfile()
	}
	for _, t := range targets {
		r := benchTarget(ctx, clients, t.url, min(time.Second, o.duration/10), o.duration)
		r.name = t.name
		run.results = append(run.results, r)
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
	}
	benchPrint(stdout, run)
	return run, nil
}

// benchLogin logs a new client in as the demo coordinator; the client keeps its session in its
// own cookie jar and its own connection.
func benchLogin(ctx context.Context, base string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {"samordnare"}, "password": {demo.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login as samordnare: status %d", res.StatusCode)
	}
	return c, nil
}

func benchGet(ctx context.Context, c *http.Client, u string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, ""
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// benchTarget drives u with every client — one request in flight each — for warm-up and then
// d. A request counts when it was in flight during d: it ends after d began and began before d
// ended, even if it ends later (a page slower than d would otherwise never count). Requests/s is
// the count over the time from the start of d to the end of the last counted request. A latency
// is the time from sending the request to having read the whole body.
func benchTarget(ctx context.Context, clients []*http.Client, u string, warmup, d time.Duration) benchResult {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		bad       int
		last      time.Time
		wg        sync.WaitGroup
	)
	begin := time.Now().Add(warmup)
	end := begin.Add(d)
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var done time.Time
			wrong := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				status := 0
				if req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil); err == nil {
					if res, err := c.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						status = res.StatusCode
					}
				}
				if t1 := time.Now(); t1.After(begin) {
					mine, done = append(mine, t1.Sub(t0)), t1
					if status != http.StatusOK {
						wrong++
					}
				}
			}
			mu.Lock()
			latencies, bad = append(latencies, mine...), bad+wrong
			if done.After(last) {
				last = done
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(latencies)
	elapsed := max(last.Sub(begin), d)
	r := benchResult{requests: len(latencies), bad: bad, rps: float64(len(latencies)) / elapsed.Seconds()}
	if n := len(latencies); n > 0 {
		r.p50, r.p99 = latencies[n/2], latencies[min(n-1, n*99/100)]
	}
	return r
}

func benchPrint(w io.Writer, run benchRun) {
	fmt.Fprintf(w, "\n%-26s %9s %6s %10s %9s %9s %9s\n", run.engine, "requests", "errors", "req/s", "p50", "p99", "vs bare")
	bare := run.results[0].rps
	for _, r := range run.results {
		ratio := "1"
		switch {
		case r.name == run.results[0].name:
		case r.rps > 0 && bare > 0:
			ratio = fmt.Sprintf("%.4f (1/%.0f)", r.rps/bare, bare/r.rps)
		default:
			ratio = "–"
		}
		fmt.Fprintf(w, "%-26s %9d %6d %10.1f %9s %9s  %s\n", r.name, r.requests, r.bad, r.rps, benchDur(r.p50), benchDur(r.p99), ratio)
	}
	fmt.Fprintln(w)
}

// benchDur prints a latency in milliseconds with sensible precision.
func benchDur(d time.Duration) string {
	ms := float64(d.Microseconds()) / 1000
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	}
	return fmt.Sprintf("%.0fms", ms)
}
