package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"lots/internal/demo"
)

// benchRun is one engine's run.
type benchRun struct {
	engine   string
	seedTook time.Duration
	ready    time.Duration // from starting the server process to /readyz answering 200
	readyCPU time.Duration // the CPU time the server had used by then
	rssReady int64         // kB resident when ready
	rssPeak  int64         // kB, the server's high-water mark after the measured runs (logins included)
	rssLoad  int64         // kB, the most resident memory sampled while the pages were driven
	// anonLoad is the anonymous part of rssLoad's sample (RssAnon: the Go heap, stacks,
	// SQLite's page caches); the rest is the database file's pages that the SQLite readers map
	// and the program itself (the kernel's page cache, shared, given back under memory pressure).
	anonLoad int64
	results  []benchResult
}

// benchResult is one target's figures at one number of clients.
type benchResult struct {
	name          string
	clients       int
	requests, bad int
	rps           float64
	p50, p99      time.Duration
	bare          float64 // the bare handler's requests/s at the same number of clients
	stmts, tx     float64 // per request, from the server's metrics (-1: unknown)
	writeTx       float64
}

// benchTargetSpec is a page to measure: as whom, where, and its route pattern in the metrics.
type benchTargetSpec struct {
	name, as, path, route string
	bearer                bool
}

// benchEngine prepares the data set, starts the server on it and measures every target.
func benchEngine(ctx context.Context, stdout io.Writer, o benchOptions, data, db string) (benchRun, error) {
	var run benchRun
	d, cleanup, err := benchPrepare(ctx, stdout, o, data, db)
	defer cleanup()
	if err != nil {
		return run, err
	}
	run.seedTook = d.seedTook
	run.engine = "sqlite"
	if d.dsn != "" {
		run.engine = "postgres"
	}
	fmt.Fprintf(stdout, "%s: data set %s\n", run.engine, d.how)

	srv, err := startServer(ctx, d, o.cpuProfile != "" || o.memProfile != "")
	if err != nil {
		return run, err
	}
	defer srv.stop()
	run.ready, run.rssReady, run.readyCPU = srv.ready, srv.rss("VmRSS"), srv.readyCPU
	fmt.Fprintf(stdout, "%s: ready %.3f s after start, %.3f s of CPU (listening after %.3f s), %d MB resident\n", run.engine,
		srv.ready.Seconds(), srv.readyCPU.Seconds(), srv.listening.Seconds(), run.rssReady/1024)

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

	sessions := map[string]*http.Cookie{}
	for _, u := range []string{d.coordinator, d.police, d.steering} {
		if sessions[u], err = benchLogin(ctx, srv.url, u); err != nil {
			return run, err
		}
	}
	caseURL := "/cases/" + strconv.FormatInt(d.caseID, 10)
	targets := []benchTargetSpec{
		{"start page (coordinator)", d.coordinator, "/", "GET /{$}", false},
		{"work list (coordinator)", d.coordinator, "/worklist?tab=mine", "GET /worklist", false},
		{"case page (coordinator)", d.coordinator, caseURL, "GET /cases/{id}", false},
		{"case page (police)", d.police, caseURL, "GET /cases/{id}", false},
		{"action plan (coordinator)", d.coordinator, caseURL + "/plan", "GET /cases/{id}/plan", false},
		{"dashboard (steering group)", d.steering, "/followup", "GET /followup", false},
		{"API case read (token)", d.coordinator, "/api/v1" + caseURL, "GET /api/v1/cases/{id}", true},
	}
	client := func(t benchTargetSpec) *http.Client {
		c := benchClient()
		if !t.bearer {
			u, _ := url.Parse(srv.url)
			c.Jar.SetCookies(u, []*http.Cookie{sessions[t.as]})
		}
		return c
	}
	for _, t := range targets { // every target answers 200 with content before it is measured
		status, body := benchGet(ctx, client(t), srv.url+t.path, bearer(t, d.token))
		if status != http.StatusOK || len(body) == 0 {
			return run, fmt.Errorf("%s: status %d before the run", t.name, status)
		}
		if t.path == "/worklist?tab=mine" && !strings.Contains(body, "/cases/") {
			return run, fmt.Errorf("%s lists no case", t.name)
		}
	}

	var profile chan error
	if o.cpuProfile != "" {
		secs := int((o.duration+min(time.Second, o.duration/10)).Seconds()+1) * (len(targets) + 1) * len(o.clients)
		profile = make(chan error, 1)
		go func() { profile <- srv.profile(ctx, secs, o.cpuProfile) }()
	}
	sampling := make(chan struct{})
	sampled, sampledAnon := make(chan int64, 1), make(chan int64, 1)
	go func() { // resident memory while the pages are driven, ten times a second
		var most, anon int64
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if r := srv.rss("VmRSS"); r > most {
				most, anon = r, srv.rss("RssAnon")
			}
			select {
			case <-sampling:
				sampled <- most
				sampledAnon <- anon
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	for _, n := range o.clients {
		fmt.Fprintf(stdout, "%s: %d clients, %s per target…\n", run.engine, n, o.duration)
		warmup := min(time.Second, o.duration/10)
		clients := make([]*http.Client, n)
		for i := range clients {
			clients[i] = benchClient()
		}
		b := benchTarget(ctx, clients, "http://"+bl.Addr().String()+"/", "", warmup, o.duration)
		b.name, b.clients, b.bare, b.stmts, b.tx, b.writeTx = "bare net/http hello", n, b.rps, 0, 0, 0
		run.results = append(run.results, b)
		for _, t := range targets {
			for i := range clients {
				clients[i] = client(t)
			}
			before, _ := srv.metrics(ctx)
			r := benchTarget(ctx, clients, srv.url+t.path, bearer(t, d.token), warmup, o.duration)
			after, _ := srv.metrics(ctx)
			r.name, r.clients, r.bare = t.name, n, b.rps
			r.stmts, r.tx, r.writeTx = perRequest(before, after, t.route)
			run.results = append(run.results, r)
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
		}
	}
	close(sampling)
	run.rssLoad, run.anonLoad = <-sampled, <-sampledAnon
	run.rssPeak = srv.rss("VmHWM")
	if o.memProfile != "" {
		if err := srv.pprof(ctx, "allocs", o.memProfile); err != nil {
			return run, fmt.Errorf("memory profile: %w", err)
		}
	}
	if profile != nil {
		fmt.Fprintf(stdout, "%s: waiting for the CPU profile…\n", run.engine)
		if err := <-profile; err != nil {
			return run, fmt.Errorf("cpu profile: %w", err)
		}
	}
	benchPrint(stdout, run)
	return run, nil
}

func bearer(t benchTargetSpec, token string) string {
	if t.bearer {
		return token
	}
	return ""
}

// benchServer is the server process under test.
type benchServer struct {
	cmd              *exec.Cmd
	url, metricsURL  string
	ready, listening time.Duration
	readyCPU         time.Duration
	done             chan error
	stopOnce         sync.Once
	stdoutTail       []string
	stdoutMu         sync.Mutex
}

// startServer runs "lots serve" on the data set, as an operator would — without the
// environment's LOTS_* settings — on free loopback ports, and waits until /readyz answers.
func startServer(ctx context.Context, d benchData, pprof bool) (*benchServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--log-format", "json", "--key-file", d.keyFile}
	if d.dsn != "" {
		args = append(args, "--db", d.dsn)
	} else {
		args = append(args, "--data", d.dataDir)
	}
	if pprof {
		args = append(args, "--pprof")
	}
	s := &benchServer{cmd: exec.Command(exe, args...), done: make(chan error, 1)}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "LOTS_") {
			s.cmd.Env = append(s.cmd.Env, e)
		}
	}
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	addrs := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var metrics string
		for sc.Scan() {
			line := sc.Text()
			s.stdoutMu.Lock()
			s.stdoutTail = append(s.stdoutTail, line)
			s.stdoutMu.Unlock()
			if _, rest, ok := strings.Cut(line, "metrics on "); ok {
				metrics = strings.TrimSpace(rest)
			}
			if _, rest, ok := strings.Cut(line, "listens on "); ok {
				main, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
				addrs <- [2]string{main, metrics}
			}
		}
	}()
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	select {
	case a := <-addrs:
		s.listening = time.Since(start)
		s.url, s.metricsURL = a[0], a[1]
	case err := <-s.done:
		return nil, fmt.Errorf("lots serve ended before listening: %v (%s)", err, s.tail())
	case <-deadline:
		s.stop()
		return nil, errors.New("lots serve did not listen within two minutes")
	}
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		if res, err := c.Get(s.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.ready, s.readyCPU = time.Since(start), s.cpu()
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("lots serve ended: %v (%s)", err, s.tail())
		case <-deadline:
			s.stop()
			return nil, errors.New("lots serve was not ready within two minutes")
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (s *benchServer) tail() string {
	s.stdoutMu.Lock()
	defer s.stdoutMu.Unlock()
	return strings.Join(s.stdoutTail, "; ")
}

// stop interrupts the server (it shuts down gracefully) and waits for it.
func (s *benchServer) stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// cpu is the CPU time the server has used, user and system (/proc/PID/stat, in clock ticks
// of 1/100 s).
func (s *benchServer) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	_, rest, ok := strings.Cut(string(b), ") ") // after the command's name, which may hold spaces
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// rss reads a memory line of the server's /proc status ("VmRSS", "VmHWM") in kB.
func (s *benchServer) rss(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// metrics scrapes the server's /metrics into sample name+labels → value.
func (s *benchServer) metrics(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.metricsURL, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(l[i+1:], 64); err == nil {
			out[l[:i]] = v
		}
	}
	return out, sc.Err()
}

// perRequest is the statements, transactions and write transactions per request of route
// between two scrapes.
func perRequest(before, after map[string]float64, route string) (stmts, tx, write float64) {
	delta := func(name string) float64 { return after[name] - before[name] }
	n := delta(`lots_http_db_statements_per_request_count{route="` + route + `"}`)
	if n <= 0 {
		return -1, -1, -1
	}
	read := delta(`lots_http_db_transactions_per_request_sum{kind="read",route="`+route+`"}`) / n
	write = delta(`lots_http_db_transactions_per_request_sum{kind="write",route="`+route+`"}`) / n
	return delta(`lots_http_db_statements_per_request_sum{route="`+route+`"}`) / n, read + write, write
}

// profile fetches a CPU profile of secs seconds from the server's pprof endpoint into file.
func (s *benchServer) profile(ctx context.Context, secs int, file string) error {
	return s.pprof(ctx, "profile?seconds="+strconv.Itoa(secs), file)
}

// pprof fetches one of the server's pprof profiles (path under /debug/pprof/) into file.
func (s *benchServer) pprof(ctx context.Context, path, file string) error {
	u := strings.TrimSuffix(s.metricsURL, "/metrics") + "/debug/pprof/" + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// benchClient is a client with its own cookie jar and connection that does not follow
// redirects.
func benchClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 60 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// benchLogin logs username in (demo password) and returns the session cookie, which the
// clients measuring as that user share: each client has its own connection.
func benchLogin(ctx context.Context, base, username string) (*http.Cookie, error) {
	c := benchClient()
	form := url.Values{"username": {username}, "password": {demo.Password}}
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
		return nil, fmt.Errorf("login as %s: status %d", username, res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if ck.Value != "" {
			return ck, nil
		}
	}
	return nil, fmt.Errorf("login as %s: no session cookie", username)
}

func benchGet(ctx context.Context, c *http.Client, u, token string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, ""
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
func benchTarget(ctx context.Context, clients []*http.Client, u, token string, warmup, d time.Duration) benchResult {
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
					if token != "" {
						req.Header.Set("Authorization", "Bearer "+token)
					}
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
	fmt.Fprintf(w, "\n%s: ready %.3f s after start (%.3f s of CPU); %d MB resident when ready, at most %d MB while the pages were driven (%d MB of it anonymous, the rest mapped files: the program and the database), high-water mark %d MB (logins included)\n", run.engine,
		run.ready.Seconds(), run.readyCPU.Seconds(), run.rssReady/1024, run.rssLoad/1024, run.anonLoad/1024, run.rssPeak/1024)
	fmt.Fprintf(w, "%-28s %7s %9s %6s %10s %9s %9s %18s %10s %9s\n", "target", "clients", "requests", "errors", "req/s", "p50", "p99", "vs bare", "stmts/req", "tx/req")
	for _, r := range run.results {
		ratio := "1"
		switch {
		case r.name == "bare net/http hello":
		case r.rps > 0 && r.bare > 0:
			ratio = fmt.Sprintf("%.4f (1/%.0f)", r.rps/r.bare, r.bare/r.rps)
		default:
			ratio = "–"
		}
		stmts, tx := "–", "–"
		if r.stmts >= 0 && r.name != "bare net/http hello" {
			stmts, tx = fmt.Sprintf("%.1f", r.stmts), fmt.Sprintf("%.1f (%.1fw)", r.tx, r.writeTx)
		}
		fmt.Fprintf(w, "%-28s %7d %9d %6d %10.1f %9s %9s %18s %10s %9s\n", r.name, r.clients, r.requests, r.bad, r.rps, benchDur(r.p50), benchDur(r.p99), ratio, stmts, tx)
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
