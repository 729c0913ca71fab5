// Command lots runs Lots, case coordination for sociala insatsgrupper (SIG) and SSPF.
//
//	lots demo                 run with the demo municipality (SQLite in ./data)
//	lots serve                run the product
//	lots token create         create an API token for a user
//	lots municipality create  create a municipality and its first administrator
//	lots audit verify|head    check the audit log, export its tree head
//	lots bench                load-test the pages, the dashboard and the API against a bare handler
//
// Run `lots help` or `lots COMMAND --help` for the flags; every flag also has an environment
// variable (LOTS_…).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // pages show Swedish time even where the system has no time zone data

	"lots/internal/app"
	"lots/internal/popreg"
	"lots/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "lots:", err)
		os.Exit(1)
	}
}

const usage = `Lots – samordning av sociala insatsgrupper (SIG) och SSPF.

Usage:
  lots demo [flags]                 run with the demo municipality "Demo kommun"
  lots serve [flags]                run Lots
  lots municipality create [flags]  create a municipality and its first administrator
  lots token create --user NAME     create a personal API token for a user
  lots audit verify [--head FILE]   verify the tamper-evident audit log
  lots audit head                   print the audit log's current tree head (keep a copy elsewhere)
  lots bench [flags]                load benchmark: pages, dashboard and API vs. a bare handler (docs/performance.md)
  lots stats export --period 2026H1 write the municipality's anonymous aggregates for national comparison
  lots stats import FILE...         import municipalities' export files into the national view
  lots retention run [--dry-run]    delete what the retention rules make due (serve runs it daily)
  lots retention runs | stats       the runs on record / statistics archived before a deletion
  lots backup --out FILE            an online, consistent, sealed backup of the database
  lots restore --from FILE          restore a backup into an empty database and verify it
  lots key generate                 print a new master key (for LOTS_KEY_FILE)
  lots key rotate                   re-wrap every sealed value under the key file's first key
  lots help                         this text

Common flags (each also read from the environment variable shown):
  --addr ADDR       listen address (LOTS_ADDR, default :8080)
  --data DIR        data directory for the embedded SQLite database (LOTS_DATA, default ./data)
  --db URL          PostgreSQL, e.g. postgres://user@host/db (LOTS_DB; LOTS_DB_FILE reads it from a file);
                    empty means SQLite in the data directory
  --db-read URL     PostgreSQL URL (a replica) that only the dashboard and the national view read
                    from, with its staleness shown on the page (LOTS_DB_READ, LOTS_DB_READ_FILE);
                    PostgreSQL only, refused with SQLite
  --secure-cookies  always mark cookies Secure (LOTS_SECURE_COOKIES)
  --trusted-proxies CIDR,...
                    the reverse proxies in front of Lots, e.g. 10.0.0.5/32,fd00::/64
                    (LOTS_TRUSTED_PROXIES). X-Forwarded-For and X-Forwarded-Proto are read only
                    from these; the client is the rightmost address in X-Forwarded-For that is
                    not one of them. Empty: no proxy, the connection's address is the client.
  --log-format      text or json (LOTS_LOG_FORMAT, default text)
  --key-file FILE   the master key that seals evidence files, addresses and backups (LOTS_KEY_FILE;
                    or the key itself in LOTS_KEY). Required: Lots does not start without it.
                    lots demo creates one in its data directory.
  --population-register FILE  the population register Lots asks about protected identity: a JSON file
                    (docs/data-protection.md; LOTS_POPULATION_REGISTER). Without it, protection is what staff record.

Metrics (lots serve, see docs/operations.md):
  --metrics-addr ADDR   Prometheus /metrics on its own address, e.g. 127.0.0.1:9464 (LOTS_METRICS_ADDR)
  --metrics-token T     also /metrics on the main address to "Authorization: Bearer T"
                        (LOTS_METRICS_TOKEN; LOTS_METRICS_TOKEN_FILE reads it from a file)

E-mail reminders (environment only; off when LOTS_SMTP_ADDR is empty; a municipality turns
them on in its settings):
  LOTS_SMTP_ADDR       relay host:port, e.g. smtp.kommun.se:587 (STARTTLS when offered)
  LOTS_SMTP_FROM       sender address
  LOTS_SMTP_USER       user name, when the relay needs one
  LOTS_SMTP_PASSWORD   its password (LOTS_SMTP_PASSWORD_FILE reads it from a file)

Run "lots COMMAND --help" for a command's own flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, stdout, stderr)
	case "municipality":
		return cmdMunicipality(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "stats":
		return cmdStats(ctx, rest, stdout, stderr)
	case "key":
		return cmdKey(ctx, rest, stdout, stderr)
	case "retention":
		return cmdRetention(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// common holds the flags every command shares.
type common struct {
	addr, data, db, dbRead, logFormat, keyFile, popReg string
	secureCookies                                      bool
	trustedProxies                                     string
	trustProxy                                         bool // the old --trust-proxy, refused with a pointer to --trusted-proxies
	failoverWait                                       time.Duration
	// serve only
	metricsAddr, metricsToken string
	pprof                     bool
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	if path, ok := os.LookupEnv(name + "_FILE"); ok {
		if b, err := os.ReadFile(path); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(env(name, "false"))
	return b
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", env("LOTS_ADDR", ":8080"), "listen address (LOTS_ADDR)")
	fs.StringVar(&c.data, "data", env("LOTS_DATA", "data"), "data directory for SQLite (LOTS_DATA)")
	fs.StringVar(&c.db, "db", env("LOTS_DB", ""), "PostgreSQL URL; empty for SQLite (LOTS_DB, LOTS_DB_FILE)")
	fs.StringVar(&c.dbRead, "db-read", env("LOTS_DB_READ", ""), "PostgreSQL URL of a replica the dashboard and the national view read from (LOTS_DB_READ, LOTS_DB_READ_FILE)")
	fs.BoolVar(&c.secureCookies, "secure-cookies", envBool("LOTS_SECURE_COOKIES"), "always mark cookies Secure (LOTS_SECURE_COOKIES)")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", env("LOTS_TRUSTED_PROXIES", ""),
		"comma-separated CIDRs of the reverse proxies whose X-Forwarded-For/-Proto are believed; the client is the rightmost other address (LOTS_TRUSTED_PROXIES)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", envBool("LOTS_TRUST_PROXY"), "replaced by --trusted-proxies (refused)")
	wait, _ := time.ParseDuration(env("LOTS_FAILOVER_WAIT", "0s"))
	fs.DurationVar(&c.failoverWait, "failover-wait", wait,
		"how long a write that lost its database connection waits for a new primary; 0 for the default, 20s (LOTS_FAILOVER_WAIT)")
	fs.StringVar(&c.logFormat, "log-format", env("LOTS_LOG_FORMAT", "text"), "log format: text or json (LOTS_LOG_FORMAT)")
	keyFile, _ := os.LookupEnv("LOTS_KEY_FILE")
	fs.StringVar(&c.keyFile, "key-file", keyFile, "the master key file (LOTS_KEY_FILE; or the key itself in LOTS_KEY)")
	fs.StringVar(&c.popReg, "population-register", env("LOTS_POPULATION_REGISTER", ""), "a population register file (popreg JSON) asked about protected identity (LOTS_POPULATION_REGISTER)")
}

func (c *common) logger(w io.Writer) *slog.Logger {
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// config is the app's configuration; it fails without a master key (Lots never keeps the
// sealed data in plain text), and for the old --trust-proxy.
func (c *common) config(stderr io.Writer) (app.Config, error) {
	if c.failoverWait < 0 {
		return app.Config{}, errors.New("--failover-wait (LOTS_FAILOVER_WAIT) must be 0 (the default, 20s) or more")
	}
	if c.trustProxy {
		// It trusted X-Forwarded-For from anyone and took its leftmost entry, which the client
		// writes: name the proxies instead.
		return app.Config{}, errors.New("--trust-proxy (LOTS_TRUST_PROXY) was replaced by --trusted-proxies CIDR,… (LOTS_TRUSTED_PROXIES): name the reverse proxies' addresses")
	}
	proxies, err := web.ParseTrustedProxies(c.trustedProxies)
	if err != nil {
		return app.Config{}, fmt.Errorf("--trusted-proxies: %w", err)
	}
	keys, err := c.keys()
	if err != nil {
		return app.Config{}, err
	}
	cfg := app.Config{
		Addr: c.addr, DataDir: c.data, DB: c.db, DBRead: c.dbRead, SecureCookies: c.secureCookies, TrustedProxies: proxies,
		Log: c.logger(stderr), Keys: keys, FailoverWait: c.failoverWait,
		MetricsAddr: c.metricsAddr, MetricsToken: c.metricsToken, Pprof: c.pprof,
	}
	if c.popReg != "" {
		reg, err := popreg.OpenFile(c.popReg)
		if err != nil {
			return app.Config{}, err
		}
		cfg.Registry = reg
	}
	return cfg, nil
}

// open opens Lots with the flags' configuration (the commands that work on the database).
func (c *common) open(ctx context.Context, stderr io.Writer) (*app.App, error) {
	cfg, err := c.config(stderr)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg)
}

func newFlags(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lots %s [flags]\n\n%s\n\nFlags:\n", name, help)
		fs.PrintDefaults()
	}
	return fs
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("serve", serveHelp, stderr)
	c.register(fs)
	fs.StringVar(&c.metricsAddr, "metrics-addr", env("LOTS_METRICS_ADDR", ""), "listen address of the Prometheus endpoint /metrics, e.g. 127.0.0.1:9464; empty: none (LOTS_METRICS_ADDR)")
	fs.StringVar(&c.metricsToken, "metrics-token", env("LOTS_METRICS_TOKEN", ""), "also serve /metrics on the main address to this bearer token (LOTS_METRICS_TOKEN, LOTS_METRICS_TOKEN_FILE)")
	fs.BoolVar(&c.pprof, "pprof", envBool("LOTS_PPROF"), "serve Go's profiler under /debug/pprof/ on the metrics address (LOTS_PPROF)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case c.pprof && c.metricsAddr == "":
		return errors.New("--pprof needs --metrics-addr")
	case c.metricsToken != "" && len(c.metricsToken) < 16:
		return errors.New("--metrics-token: use at least 16 characters")
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	return serve(ctx, a, stdout)
}

const serveHelp = `Runs Lots until interrupted.

With --metrics-addr it also serves Prometheus metrics at /metrics on that address (keep it
private: loopback or an internal network); see docs/operations.md.`

func serve(ctx context.Context, a *app.App, stdout io.Writer) error {
	l, err := a.Listen()
	if err != nil {
		return err
	}
	if a.Config.MetricsAddr != "" {
		ml, err := net.Listen("tcp", a.Config.MetricsAddr)
		if err != nil {
			l.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
		go func() {
			if err := a.ServeMetrics(ctx, ml); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.Config.Log.Error("metrics server stopped", "err", err)
			}
		}()
		fmt.Fprintf(stdout, "Mätvärden / metrics on http://%s/metrics\n", displayAddr(ml.Addr().String()))
	}
	fmt.Fprintf(stdout, "Lots lyssnar på / listens on http://%s (%s)\n", displayAddr(l.Addr().String()), a.Store.Dialect())
	return a.Serve(ctx, l)
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080" for the message.
func displayAddr(a string) string {
	for _, p := range []string{"[::]:", "0.0.0.0:", ":"} {
		if rest, ok := strings.CutPrefix(a, p); ok {
			return "localhost:" + rest
		}
	}
	return a
}
