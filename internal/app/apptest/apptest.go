// Package apptest starts the real Lots — store, web pages, API — on a random local port for
// tests, with the demo municipality loaded.
package apptest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lots/internal/app"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store/dbcount"
	"lots/internal/store/storetest"
)

// Server is a running Lots.
type Server struct {
	URL string
	App *app.App

	// counted are the requests sent by Counted waiting for their counts, by countHeader.
	mu      sync.Mutex
	counted map[string]chan counted
	nextID  atomic.Int64
}

// countHeader marks a request sent by Counted. Only the test server reads it: production
// handlers know nothing of it.
const countHeader = "X-Lots-Test-Count"

type counted struct {
	pattern string
	calls   dbcount.Snapshot
}

// Options tune a test server.
type Options struct {
	Now func() time.Time // the clock; time.Now when nil
	// Demo loads the whole demo municipality with its ~150 young people and their history
	// (many seconds). Without it the server has Demo kommun's organisation and users only, and
	// the test makes the cases it needs.
	Demo bool
	// Wrap, when set, wraps the whole handler (a test observing every request).
	Wrap func(http.Handler) http.Handler
	// TrustedProxies are passed to the web layer as --trusted-proxies would be.
	TrustedProxies []netip.Prefix
	// Log receives the server's log; discarded when nil (LOTS_TEST_LOG=1 prints it).
	Log *slog.Logger
	// MetricsToken serves /metrics on the main address to this bearer token.
	MetricsToken string
	// DB, when set, rewrites the database URL the instances are given (PostgreSQL), e.g. to
	// reach it through a proxy the test can cut.
	DB func(dsn string) string
	// FailoverWait is how long a write waits for the database to come back (app.Config).
	FailoverWait time.Duration
	// DBRead, when set, gives the instances a read URL (--db-read) made from the database's.
	DBRead func(dsn string) string
}

// Start runs Lots with Demo kommun on engine until the test ends: its organisation and users,
// and with opts.Demo its young people and history too.
func Start(t testing.TB, engine storetest.Engine, opts Options) *Server {
	t.Helper()
	return StartInstances(t, engine, 1, opts)[0]
}

// StartInstances runs n Lots instances on one database until the test ends, as several
// `lots serve` behind a load balancer would run (issue 18): each its own process state, port
// and store, sharing nothing but the database and the master key. The first loads the demo.
func StartInstances(t testing.TB, engine storetest.Engine, n int, opts Options) []*Server {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("LOTS_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Log != nil {
		logger = opts.Log
	}
	cfg := app.Config{
		Addr: "127.0.0.1:0", DB: storetest.DSN(t, engine), Log: logger, Now: opts.Now,
		HashParams: auth.FastParams, TrustedProxies: opts.TrustedProxies, Keys: envelope.Ephemeral(), MetricsToken: opts.MetricsToken,
	}
	cfg.FailoverWait = opts.FailoverWait
	if engine == storetest.SQLite {
		cfg.DataDir, cfg.DB = t.TempDir(), ""
	} else if opts.DB != nil {
		cfg.DB = opts.DB(cfg.DB)
	}
	if opts.DBRead != nil {
		cfg.DBRead = opts.DBRead(cfg.DB)
	}
	var out []*Server
	for i := range n {
		out = append(out, start(t, cfg, opts, i == 0))
	}
	return out
}

func start(t testing.TB, cfg app.Config, opts Options, load bool) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("open app: %v", err)
	}
	if load {
		load := demo.LoadBase
		if opts.Demo {
			load = demo.Load
		}
		if _, err := load(ctx, a.Store, a.Hasher); err != nil {
			cancel()
			a.Close()
			t.Fatalf("demo: %v", err)
		}
	}
	if opts.Wrap != nil {
		a.Handler = opts.Wrap(a.Handler)
	}
	l, err := a.Listen()
	if err != nil {
		cancel()
		a.Close()
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + l.Addr().String(), App: a, counted: map[string]chan counted{}}
	next := a.Handler
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := dbcount.Trace(r.Context()) // the statements' texts too, for budgets that fail
		r = r.WithContext(ctx)
		next.ServeHTTP(w, r)
		s.record(r, c.Snapshot())
	})
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return s
}

func (s *Server) record(r *http.Request, calls dbcount.Snapshot) {
	id := r.Header.Get(countHeader)
	if id == "" {
		return
	}
	s.mu.Lock()
	ch := s.counted[id]
	delete(s.counted, id)
	s.mu.Unlock()
	if ch != nil {
		ch <- counted{r.Pattern, calls}
	}
}

// Counted sends req with c through the real server and returns the response (its body read
// into the string) and what the request cost the database: every statement and transaction
// made with its context, from the first middleware to the last byte of the handler. The
// statement budgets per page are written with it:
//
//	res, _, calls := srv.Counted(t, c, req)
//	if calls.Statements > 8 { … }
func (s *Server) Counted(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string, dbcount.Snapshot) {
	t.Helper()
	id := strconv.FormatInt(s.nextID.Add(1), 10)
	ch := make(chan counted, 1)
	s.mu.Lock()
	s.counted[id] = ch
	s.mu.Unlock()
	req.Header.Set(countHeader, id)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	_, _ = io.Copy(&b, res.Body)
	res.Body.Close()
	select {
	case got := <-ch:
		return res, b.String(), got.calls
	case <-time.After(10 * time.Second):
		t.Fatalf("%s %s: no counts from the server", req.Method, req.URL.Path)
		return nil, "", dbcount.Snapshot{}
	}
}

// CountedGet fetches path with c and returns the status, the body and what the request cost
// the database (see Counted).
func (s *Server) CountedGet(t testing.TB, c *http.Client, path string) (int, string, dbcount.Snapshot) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, body, calls := s.Counted(t, c, req)
	return res.StatusCode, body, calls
}

// Client is an HTTP client with its own cookie jar that does not follow redirects, so tests
// see them.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Login logs username in with the demo password and returns the client.
func (s *Server) Login(t testing.TB, username string) *http.Client {
	t.Helper()
	c := s.Client()
	res, err := c.PostForm(s.URL+"/login", url.Values{"username": {username}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login %s: status %d, location %q", username, res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

// Get fetches path with c and returns the status and body.
func (s *Server) Get(t testing.TB, c *http.Client, path string) (int, string) {
	t.Helper()
	res, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, res.Body)
	return res.StatusCode, b.String()
}

// PostForm posts values to path with c (same-origin, as a browser form would) and returns the
// response, body read.
func (s *Server) PostForm(t testing.TB, c *http.Client, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, res.Body)
	return res, b.String()
}

// DemoFixture is Demo kommun seen as a storetest fixture, so its helpers can take cases along
// the flow as demo users: its districts, its first agency of each kind (by name), and the demo
// users named by users under their roles (e.g. RoleCoordinator: "samordnare").
func (s *Server) DemoFixture(t testing.TB, users map[casework.Role]string) *storetest.Fixture {
	t.Helper()
	return storetest.Existing(t, s.App.Store, demo.Code, users)
}
