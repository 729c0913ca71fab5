package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"lots/internal/app"
	"lots/internal/demo"
	"lots/internal/store"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("demo", "Runs Lots with the synthetic demo municipality \"Demo kommun\", creating it on the first run.\nRunning again reuses the data; --reset starts over.", stderr)
	c.register(fs)
	reset := fs.Bool("reset", false, "delete the demo data and create it again (SQLite only)")
	noServe := fs.Bool("load-only", false, "create the demo data and exit without serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *reset {
		if store.IsPostgres(c.db) {
			return errors.New("--reset works on the SQLite data directory only; drop the PostgreSQL database yourself")
		}
		for _, f := range []string{"lots.db", "lots.db-wal", "lots.db-shm"} {
			if err := os.Remove(filepath.Join(c.data, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	keys, err := c.demoKeys(stdout)
	if err != nil {
		return err
	}
	if c.popReg == "" { // Demo kommun's stand-in population register, in its data directory
		b, protected := demo.PopulationRegister()
		c.popReg = filepath.Join(c.data, "folkbokforing-demo.json")
		if err := os.WriteFile(c.popReg, b, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Folkbokföringen i demon / the demo's population register: %s (skyddade: %s)\n", c.popReg, strings.Join(protected, ", "))
	}
	cfg, err := c.config(stderr)
	if err != nil {
		return err
	}
	cfg.Keys = keys
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := demo.Load(ctx, a.Store, a.Hasher)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if res.Created {
		fmt.Fprintf(stdout, "Skapade %s (kommunkod %s).\n", res.Municipality.Name, res.Municipality.Code)
	} else {
		fmt.Fprintf(stdout, "Återanvänder %s från %s (--reset börjar om).\n", res.Municipality.Name, where(c))
	}
	fmt.Fprintf(stdout, "\nDemoanvändare / demo users – lösenord / password: %s\n", demo.Password)
	for _, u := range res.Users {
		fmt.Fprintf(stdout, "  %-12s %-18s %-30s %s\n", u.Username, u.Name, u.Agency, u.Roles)
	}
	fmt.Fprintln(stdout)
	if *noServe {
		return nil
	}
	return serve(ctx, a, stdout)
}

func where(c common) string {
	if c.db != "" {
		return "PostgreSQL"
	}
	return filepath.Join(c.data, "lots.db")
}
