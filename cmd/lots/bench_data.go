package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"lots/internal/app"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
)

// benchData is the data set a run measures: where it is and who acts in it.
type benchData struct {
	dataDir, dsn string // SQLite directory, or PostgreSQL DSN
	keyFile      string // the master key the data set is sealed with
	// who the targets are measured as, the case they open and the coordinator's API token
	coordinator, police, steering string
	caseID                        int64
	token                         string
	seedTook                      time.Duration // building the data set (0 when reused)
	how                           string        // "built", "reused", "copied from the cache"
}

// benchDataVersion names the cached databases: bump it when SeedBulk changes what it writes.
const benchDataVersion = 3

// benchPrepare makes the data set for a run: SQLite in data (or a temporary directory, which
// cleanup removes), or the PostgreSQL database db. A database holding Demo kommun already is
// used as it is; a cached SQLite file for the same size is copied, and one built is kept in
// the cache. It then finds who to act as and makes the API token, and closes the database:
// the server is a separate process.
func benchPrepare(ctx context.Context, stdout io.Writer, o benchOptions, data, db string) (d benchData, cleanup func(), err error) {
	d, cleanup, cached, err := benchOpen(ctx, stdout, o, data, db)
	if err != nil || cached == "" || d.how != "built" {
		return d, cleanup, err
	}
	for _, f := range dbFiles { // keep a copy of what was built, for the next run
		if _, err := os.Stat(filepath.Join(d.dataDir, f)); err == nil {
			if err := copyFile(filepath.Join(d.dataDir, f), cached+f[len("lots.db"):]+".tmp"); err != nil {
				return d, cleanup, err
			}
		}
	}
	for _, f := range dbFiles {
		if _, err := os.Stat(cached + f[len("lots.db"):] + ".tmp"); err == nil {
			if err := os.Rename(cached+f[len("lots.db"):]+".tmp", cached+f[len("lots.db"):]); err != nil {
				return d, cleanup, err
			}
		}
	}
	if err := copyFile(d.keyFile, cached+".key"); err != nil {
		return d, cleanup, err
	}
	fmt.Fprintf(stdout, "data set kept in %s for the next run\n", cached)
	return d, cleanup, nil
}

// dbFiles are a closed SQLite database's files (the WAL is usually checkpointed into the
// first and removed).
var dbFiles = []string{"lots.db", "lots.db-wal"}

func benchOpen(ctx context.Context, stdout io.Writer, o benchOptions, data, db string) (d benchData, cleanup func(), cached string, err error) {
	cleanup = func() {}
	if db == "" && data == "" {
		dir, err := os.MkdirTemp("", "lots-bench-")
		if err != nil {
			return d, cleanup, "", err
		}
		cleanup = func() { os.RemoveAll(dir) }
		data = dir
	}
	d.dataDir, d.dsn = data, db
	if o.cache != "" && db == "" {
		if err := os.MkdirAll(o.cache, 0o700); err != nil {
			return d, cleanup, "", err
		}
		cached = filepath.Join(o.cache, fmt.Sprintf("lots-bench-%d-v%d.db", o.youths, benchDataVersion))
		if _, err := os.Stat(cached); err == nil {
			start := time.Now()
			for _, f := range dbFiles {
				if _, err := os.Stat(cached + f[len("lots.db"):]); err == nil {
					if err := copyFile(cached+f[len("lots.db"):], filepath.Join(data, f)); err != nil {
						return d, cleanup, "", fmt.Errorf("copy the cached data set: %w", err)
					}
				}
			}
			d.how = fmt.Sprintf("copied from the cache in %.1f s", time.Since(start).Seconds())
			if o.keyFile == "" {
				d.keyFile = cached + ".key"
			}
		}
	}
	// The data set is synthetic: without a key of the operator's, a throwaway one, written
	// where the server can read it (and kept with a cached data set).
	switch {
	case o.keyFile != "":
		d.keyFile = o.keyFile
	case d.keyFile == "":
		dir := data
		if dir == "" {
			tmp, err := os.MkdirTemp("", "lots-bench-key-")
			if err != nil {
				return d, cleanup, "", err
			}
			prev := cleanup
			cleanup = func() { prev(); os.RemoveAll(tmp) }
			dir = tmp
		}
		line, err := envelope.Generate()
		if err != nil {
			return d, cleanup, "", err
		}
		d.keyFile = filepath.Join(dir, "bench.key")
		if err := os.WriteFile(d.keyFile, []byte(line+"\n"), 0o600); err != nil {
			return d, cleanup, "", err
		}
	}
	keyText, err := os.ReadFile(d.keyFile)
	if err != nil {
		return d, cleanup, "", err
	}
	keys, err := envelope.ParseKeyring(string(keyText))
	if err != nil {
		return d, cleanup, "", fmt.Errorf("key file %s: %w", d.keyFile, err)
	}
	a, err := app.Open(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: data, DB: db, Log: slog.New(slog.DiscardHandler), Keys: keys})
	if err != nil {
		return d, cleanup, "", err
	}
	defer func() {
		if cerr := a.Close(); err == nil {
			err = cerr
		}
	}()
	engine := a.Store.Dialect()
	m, err := a.Store.MunicipalityByCode(ctx, demo.Code)
	switch {
	case err == nil:
		if d.how == "" {
			d.how = "reused"
		}
	case casework.ErrorCode(err) != casework.ENotFound:
		return d, cleanup, "", err
	case o.youths == 0: // the demo's own 150 with their full history
		start := time.Now()
		res, err := demo.Load(ctx, a.Store, a.Hasher)
		if err != nil {
			return d, cleanup, "", fmt.Errorf("demo: %w", err)
		}
		m, d.seedTook, d.how = res.Municipality, time.Since(start), "built"
	default:
		start, cpu := time.Now(), cpuTime()
		base, err := demo.LoadBase(ctx, a.Store, a.Hasher)
		if err != nil {
			return d, cleanup, "", fmt.Errorf("demo: %w", err)
		}
		res, err := demo.SeedBulk(ctx, a.Store, a.Hasher, base.Municipality, o.youths, 1)
		if err != nil {
			return d, cleanup, "", err
		}
		m, d.seedTook, d.how = base.Municipality, time.Since(start), "built"
		fmt.Fprintf(stdout, "%s: seeded %d young people in %.1f s, %.1f s of CPU in this process (%d rows, %.0f rows/s; %d areas, %d coordinators, %d users)\n", engine,
			res.Youths, res.Took.Seconds(), (cpuTime() - cpu).Seconds(), res.Rows, float64(res.Rows)/res.Took.Seconds(), res.Areas, res.Coordinators, res.Users)
	}
	// Who acts: a seeded coordinator and police member of the first area, or the demo's own.
	d.coordinator, d.police, d.steering = "samordnare", "polis", "styrgrupp"
	if _, err := a.Store.UserIDByUsername(ctx, m.ID, "s"+demo.Code+"-s001-samordnare1"); err == nil {
		d.coordinator, d.police = "s"+demo.Code+"-s001-samordnare1", "s"+demo.Code+"-s001-polis1"
	}
	as := func(username string) (context.Context, int64, error) {
		id, err := a.Store.UserIDByUsername(ctx, m.ID, username)
		if err != nil {
			return nil, 0, fmt.Errorf("user %s: %w", username, err)
		}
		actor, err := a.Store.Actor(ctx, m.ID, id, casework.ViaSession)
		return casework.WithActor(ctx, actor), id, err
	}
	coord, coordID, err := as(d.coordinator)
	if err != nil {
		return d, cleanup, "", err
	}
	police, _, err := as(d.police)
	if err != nil {
		return d, cleanup, "", err
	}
	all, err := a.Store.Cases(coord, store.CaseQuery{Mine: true, Step: casework.StepActive})
	if err != nil {
		return d, cleanup, "", err
	}
	for _, r := range all.Rows { // an active case the police member's agency is a party to
		if _, err := a.Store.CaseDetail(police, r.CaseID); err == nil {
			d.caseID = r.CaseID
			break
		}
	}
	if d.caseID == 0 {
		return d, cleanup, "", fmt.Errorf("no active case of %s that %s may open", d.coordinator, d.police)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "lots bench"))
	if d.token, _, err = a.Auth.CreateAPIToken(sys, coordID, "lots bench", time.Hour); err != nil {
		return d, cleanup, "", err
	}
	return d, cleanup, cached, nil
}

// copyFile copies a SQLite database file (closed, so its WAL is checkpointed into it).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Sync(), out.Close())
}

// cpuTime is the CPU time this process has used, user and system: on a shared machine the
// wall time of a load says more about the neighbours than about the load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
