package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

const benchHelp = `Load-tests Lots on this machine. It builds a data set — Demo kommun's organisation and --youths
young people with ten years of history, written in bulk (demo.SeedBulk) — then starts the real
server as a child process ("lots serve", as an operator would) and measures:

  ready    how long after the process starts /readyz first answers, and its memory then;
  pages    the coordinator's start page and work list, a case page as its coordinator and as a
           police member its consent covers, the action plan, the steering group's dashboard
           and one API case read (bearer token), each driven by --clients concurrent clients
           (one request in flight each) for --duration, against a bare net/http handler in the
           same loop: requests/s, p50, p99, each page's share of the bare handler's requests/s,
           and the statements and transactions per request (from the server's /metrics);
  memory   the server's peak resident memory (VmHWM) under that load.

Compare ratios, not absolute numbers, across machines.

The database is a temporary SQLite directory, removed afterwards, unless --data or --db names
one (LOTS_DATA and LOTS_DB are not read: a benchmark never touches a configured database by
accident). A named database gets Demo kommun (kommunkod 9999) and the seeded young people
written into it: never name a production database; one that already holds Demo kommun is
reused as it is. --cache DIR keeps each size's seeded SQLite database in DIR and copies it for
later runs, so a large set is built once.

--failover measures something else: --instances "lots serve" on one PostgreSQL (--db: a server,
HAProxy's write port or a multi-host URL; else a new schema on LOTS_TEST_POSTGRES), --writers
registering concerns through the API, each with its own Idempotency-Key and sent again, to the
next instance, after a refused connection, a 503 or a 409 idempotency.pending. Under that load
--kill-instance-after kills the first instance with kill -9 (and starts it again after
--restart-after), and --fault runs a command of yours at --fault-after (kill the primary). It
reports the writes acknowledged, lost and duplicated, the errors the writers saw, how soon
writes were acknowledged again, and verifies the audit log; it fails when a write was lost or
made twice.`

// benchOptions are the flags of lots bench.
type benchOptions struct {
	youths      int
	clients     []int
	duration    time.Duration
	data, db    string
	cache       string
	engineCheck bool
	cpuProfile  string
	memProfile  string
	keyFile     string // the master key; a throwaway one kept beside the data set when empty
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o benchOptions
	var clients string
	fs := newFlags("bench", benchHelp, stderr)
	fs.IntVar(&o.youths, "youths", 1000, "young people to seed (0: the demo's 150 with their full history instead)")
	fs.StringVar(&clients, "clients", "8,64", "concurrent clients, each with one request in flight; a list runs each")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to drive each target")
	fs.StringVar(&o.data, "data", "", "SQLite data directory to use (default: a temporary one, removed after)")
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL to use instead of SQLite")
	fs.StringVar(&o.cache, "cache", "", "directory keeping seeded SQLite databases by size, copied for each run (built once)")
	fs.BoolVar(&o.engineCheck, "engine-check", false, "run on both engines, SQLite and PostgreSQL, each in a fresh database, and compare\n"+
		"(PostgreSQL: the server of --db, else LOTS_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/test, in a new schema dropped after)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the server during the measured runs to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the server's allocation profile (since its start, with the heap in use at the end) to this file")
	keyFile, _ := os.LookupEnv("LOTS_KEY_FILE")
	fs.StringVar(&o.keyFile, "key-file", keyFile, "the master key file (LOTS_KEY_FILE); a throwaway key, kept beside a cached data set, when none")
	var failover bool
	var fo failoverOptions
	fs.BoolVar(&failover, "failover", false, "instead of pages: several instances on one PostgreSQL, writers through the API with\n"+
		"Idempotency-Keys, faults under load; reports acknowledged, lost and duplicated writes and recovery (bench_failover.go)")
	fs.IntVar(&fo.instances, "instances", 2, "--failover: Lots instances")
	fs.IntVar(&fo.writers, "writers", 4, "--failover: concurrent writers")
	fs.DurationVar(&fo.killInstanceAfter, "kill-instance-after", 0, "--failover: kill -9 the first instance this long after the start (0: never)")
	fs.DurationVar(&fo.restartAfter, "restart-after", 3*time.Second, "--failover: start a killed instance again this long after (0: never)")
	fs.StringVar(&fo.fault, "fault", "", "--failover: a shell command run under load, e.g. 'scripts/pg-pair.sh kill-primary DIR; sleep 3; scripts/pg-pair.sh promote DIR'")
	fs.DurationVar(&fo.faultAfter, "fault-after", 10*time.Second, "--failover: when --fault runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if failover {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["youths"] {
			o.youths = 50 // the writers make their own; a small set starts quickly
		}
		fo.duration = o.duration
		if !set["duration"] {
			fo.duration = 30 * time.Second
		}
		switch {
		case fo.instances < 1 || fo.instances > 8:
			return errors.New("--instances must be 1–8")
		case fo.writers < 1 || fo.writers > 64:
			return errors.New("--writers must be 1–64")
		case fo.killInstanceAfter >= fo.duration || fo.fault != "" && fo.faultAfter >= fo.duration:
			return errors.New("the faults must come before the end of --duration")
		case o.data != "" || o.engineCheck || o.cache != "":
			return errors.New("--failover runs on PostgreSQL: leave out --data, --engine-check and --cache")
		}
		return benchFailover(ctx, stdout, o, fo)
	}
	for _, c := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 || n > 256 {
			return errors.New("--clients must be numbers 1–256, e.g. 8,64")
		}
		o.clients = append(o.clients, n)
	}
	switch {
	case o.youths < 0 || o.youths > 200000:
		return errors.New("--youths must be 0–200000")
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return errors.New("--duration must be 1s–10m")
	case o.engineCheck && o.data != "":
		return errors.New("--engine-check uses fresh databases; leave out --data")
	case o.cache != "" && (o.data != "" || o.db != "" && !o.engineCheck):
		return errors.New("--cache keeps SQLite databases for temporary runs; leave out --data and --db")
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
	fmt.Fprintf(stdout, "PostgreSQL compared with SQLite (its requests/s as a multiple of SQLite's; higher is faster):\n")
	fmt.Fprintf(stdout, "  %-34s %8s %12s %12s %9s\n", "target", "clients", "SQLite", "PostgreSQL", "ratio")
	for i := range lite.results {
		l, p := lite.results[i], pg.results[i]
		ratio := "–"
		if l.rps > 0 && p.rps > 0 {
			ratio = fmt.Sprintf("%.2f×", p.rps/l.rps)
		}
		fmt.Fprintf(stdout, "  %-34s %8d %12.1f %12.1f %9s\n", l.name, l.clients, l.rps, p.rps, ratio)
	}
	fmt.Fprintf(stdout, "  %-34s %8s %11.1fs %11.1fs\n", "seeding", "", lite.seedTook.Seconds(), pg.seedTook.Seconds())
	fmt.Fprintf(stdout, "  %-34s %8s %11.2fs %11.2fs\n", "ready after start", "", lite.ready.Seconds(), pg.ready.Seconds())
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
