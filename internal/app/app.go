// Package app wires Lots together: store, authentication, web pages and API. The lots command
// and the end-to-end tests start the product through it, the same way.
package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"time"

	"github.com/alexedwards/argon2id"

	"lots/internal/api"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/i18n"
	"lots/internal/mail"
	"lots/internal/metrics"
	"lots/internal/popreg"
	"lots/internal/store"
	"lots/internal/web"
)

// Config is everything that can be set from flags or the environment.
type Config struct {
	Addr          string // listen address, e.g. ":8080"
	DataDir       string // directory of the SQLite file (and uploads, later)
	DB            string // postgres://… for PostgreSQL; empty for SQLite in DataDir
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For/-Proto are believed.
	TrustedProxies []netip.Prefix
	Log            *slog.Logger
	Now            func() time.Time // the clock; time.Now when nil
	HashParams     *argon2id.Params // password hashing; auth.DefaultParams when nil
	// Keys seal uploaded evidence and the most sensitive texts at rest (LOTS_KEY_FILE or
	// LOTS_KEY). Required: Open refuses to start without them.
	Keys *envelope.Keyring
	// Registry is the population register asked about protected identity (popreg); none
	// when nil.
	Registry popreg.Registry
	// MetricsAddr is the listen address of the Prometheus endpoint /metrics (ServeMetrics);
	// empty: none. Keep it private: the metrics carry no personal data, but they say how
	// Lots is used.
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the main address to requests that
	// carry it as a bearer token.
	MetricsToken string
	// Pprof adds Go's profiler (/debug/pprof/) to the metrics address, for benchmarks.
	Pprof bool
	// FailoverWait is how long a write that lost its database connection waits for a new
	// primary (store.DefaultFailoverWait when 0).
	FailoverWait time.Duration
	// DBRead is a PostgreSQL URL (a replica) the dashboard and the national view read from;
	// empty: they read the primary (store.Config.ReadDSN).
	DBRead string
}

// App is a running Lots.
type App struct {
	Config  Config
	Store   *store.Store
	Auth    *auth.Service
	Hasher  *auth.Hasher
	Catalog *i18n.Catalog
	Web     *web.Server
	API     *api.API
	Metrics *metrics.Metrics
	Handler http.Handler
}

// Open opens the store (running migrations) and builds the handlers.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DB == "" {
		if cfg.DataDir == "" {
			return nil, errors.New("no data directory (--data) and no database (--db)")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
	}
	if cfg.Keys == nil {
		return nil, envelope.ErrNoKey
	}
	m := metrics.New()
	st, err := store.Open(ctx, store.Config{DSN: cfg.DB, DataDir: cfg.DataDir, Now: cfg.Now, Log: cfg.Log, Keys: cfg.Keys, Registry: cfg.Registry, AuditBatch: m.AuditBatch, FailoverWait: cfg.FailoverWait, ReadDSN: cfg.DBRead})
	if err != nil {
		return nil, err
	}
	m.Watch(st)
	cat, err := i18n.Load()
	if err != nil {
		st.Close()
		return nil, err
	}
	h := auth.NewHasher(cfg.HashParams)
	as := auth.NewService(st, h, cfg.Now)
	as.Log = cfg.Log
	apiHandler, err := api.New(st, as, cat, cfg.Log)
	if err != nil {
		st.Close()
		return nil, err
	}
	ws, err := web.New(st, as, h, cat, cfg.Log, cfg.Now, web.Config{SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies, API: apiHandler})
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &App{Config: cfg, Store: st, Auth: as, Hasher: h, Catalog: cat, Web: ws, API: apiHandler, Metrics: m}
	a.Handler = m.Instrument(ws.Handler(), func(r *http.Request) string {
		p := ws.Pattern(r)
		if p == "/api/v1/" {
			p = apiHandler.Pattern(r)
		}
		return p
	})
	if cfg.MetricsToken != "" {
		a.Handler = a.metricsWithToken(a.Handler)
	}
	return a, nil
}

// metricsWithToken answers /metrics on the main address to a request bearing the metrics
// token, and passes every other request on.
func (a *App) metricsWithToken(next http.Handler) http.Handler {
	metrics := a.Metrics.Handler()
	want := []byte("Bearer " + a.Config.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lots-metrics"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// MetricsHandler is what the metrics address serves: /metrics, and with Config.Pprof Go's
// profiler under /debug/pprof/.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	if a.Config.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// ServeMetrics serves MetricsHandler on l until ctx ends.
func (a *App) ServeMetrics(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: a.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Config.Log.Handler(), slog.LevelWarn)}
	return serveUntil(ctx, srv, l, 5*time.Second)
}

// serveUntil serves srv on l until ctx ends, then shuts it down gracefully within grace.
func serveUntil(ctx context.Context, srv *http.Server, l net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

// Listen opens the listening socket (so a caller can learn the port of ":0" before serving).
func (a *App) Listen() (net.Listener, error) {
	return net.Listen("tcp", a.Config.Addr)
}

// Serve serves on l until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Config.Log.Handler(), slog.LevelWarn),
	}
	go a.housekeeping(ctx)
	// E-mail reminders, when SMTP is configured (LOTS_SMTP_*): they say only "you have a task
	// in Lots" or "a consent in Lots ends", and when, never who it concerns.
	if mc, on, err := mail.ConfigFromEnv(os.LookupEnv); err != nil {
		return err
	} else if on {
		go func() {
			r := mail.NewReminders(a.Store, mail.NewSender(mc), a.Config.Log)
			r.Exclusive = a.Store.RunOnce
			if err := r.Run(ctx); err != nil && ctx.Err() == nil {
				a.Config.Log.Error("reminders stopped", "err", err)
			}
		}()
		// Notifications of group and meeting changes (store.DueNotifications; docs/daily-work.md).
		go func() {
			n := mail.NewNotifications(a.Store, mail.NewSender(mc), mc.From, a.Config.Log)
			n.Exclusive = a.Store.RunOnce
			if err := n.Run(ctx); err != nil && ctx.Err() == nil {
				a.Config.Log.Error("notifications stopped", "err", err)
			}
		}()
	}
	return serveUntil(ctx, srv, l, 10*time.Second)
}

// DailyRetention runs retention (gallring) in every municipality whose last run is a day old or
// more (or that never had one): housekeeping asks every ten minutes, so a restart neither skips
// a day nor runs twice. A failed run changed nothing and is tried again after an hour. With
// several instances on one database only one runs it at a time (the job "retention"), and the
// others find it not due afterwards.
func (a *App) DailyRetention(ctx context.Context) {
	a.job(ctx, "retention", func(ctx context.Context) error {
		a.dailyRetention(ctx)
		return nil
	})
}

func (a *App) dailyRetention(ctx context.Context) {
	ms, err := a.Store.Municipalities(ctx)
	if err != nil {
		a.Config.Log.Warn("retention", "err", err)
		return
	}
	for _, m := range ms {
		due, err := a.Store.RetentionDue(ctx, m.ID)
		if err != nil {
			a.Config.Log.Warn("retention", "municipality", m.Code, "err", err)
			continue
		}
		if !due {
			continue
		}
		sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "lots retention"))
		r, err := a.Store.RunRetention(sys, store.RetentionOptions{StartedBy: "daily"})
		if err != nil {
			a.Config.Log.Error("retention run failed; nothing was deleted", "municipality", m.Code, "err", err)
			continue
		}
		a.Config.Log.Info("retention run", "municipality", m.Code, "deleted", r.Total())
	}
}

// job runs a scheduled job once across every instance on the database (store.RunOnce): when
// another instance is running it, this one skips the round. Failures are logged.
func (a *App) job(ctx context.Context, name string, fn func(ctx context.Context) error) {
	err := a.Store.RunOnce(ctx, name, fn)
	switch {
	case errors.Is(err, store.ErrJobTaken):
		a.Config.Log.Debug("job runs on another instance", "job", name)
	case err != nil && ctx.Err() == nil:
		a.Config.Log.Warn(name, "err", err)
	}
}

// housekeeping deletes dead sessions every ten minutes, refreshes the query planner's
// statistics a few seconds after start (start does not wait for them) and every hour (a
// municipality's tables grow from nothing, and plans chosen on the statistics of small tables
// make the case lists slow, docs/performance.md), and makes the dashboard releases that have
// fallen due, at start and every hour, so that no view waits for one to be counted.
func (a *App) housekeeping(ctx context.Context) {
	optimize := func(ctx context.Context) error { return a.Store.Optimize(ctx) }
	go func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
		a.job(ctx, "statistics", optimize)
	}()
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	publish := func(ctx context.Context) error {
		_, err := a.Store.PublishDueReleases(ctx)
		return err
	}
	purge := func(ctx context.Context) error {
		if n, err := a.Store.PurgeSessions(ctx, 4*time.Hour); err != nil {
			return err
		} else if n > 0 {
			a.Config.Log.Info("purged sessions", "count", n)
		}
		// Drafts of long forms left unsent (docs/daily-work.md).
		if _, err := a.Store.PurgeDrafts(ctx); err != nil {
			return err
		}
		// Sent notifications, after store.NotificationDays (docs/data-protection.md).
		if _, err := a.Store.PurgeNotifications(ctx); err != nil {
			return err
		}
		// API idempotency keys and their answers, after store.IdempotencyHours.
		if _, err := a.Store.PurgeIdempotencyKeys(ctx); err != nil {
			return err
		}
		// The login brake's failures, once out of its window (auth.Limiter).
		_, err := a.Store.PurgeLoginFailures(ctx, a.Config.Now().Add(-max(a.Auth.Users.Window(), a.Auth.Addrs.Window())))
		return err
	}
	a.job(ctx, "publish releases", publish)
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n%6 == 0 {
				a.job(ctx, "statistics", optimize)
				a.job(ctx, "publish releases", publish)
				a.job(ctx, "sso groups", a.syncGroups) // groupsync.go
			}
			a.job(ctx, "purge sessions", purge)
			a.DailyRetention(ctx)
		}
	}
}
