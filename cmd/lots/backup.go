package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"lots/internal/store"
)

// cmdBackup writes a sealed, consistent backup of the running database (docs/operations.md).
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("backup", "Writes an online, consistent backup of the whole database, sealed with the master key:\n"+
		"SQLite's VACUUM INTO, or pg_dump on an exported snapshot for PostgreSQL (pg_dump must be installed).\n"+
		"Lots may keep serving. With the copy goes a manifest (row counts, audit tree heads) that\n"+
		"`lots restore` checks the restored database against. Restoring needs the key that sealed it.", stderr)
	c.register(fs)
	out := fs.String("out", "", "the backup file to write (required; not overwritten)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("--out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists; backups are not overwritten", *out)
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	tmp := *out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	m, err := a.Store.Backup(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup failed, nothing written: %w", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	var rows int64
	for _, n := range m.Counts {
		rows += n
	}
	fmt.Fprintf(stdout, "Wrote %s: %s, %d tables, %d rows, sealed with key %s.\n", *out, m.Engine, len(m.Counts), rows, m.KeyID)
	for _, h := range m.Heads {
		fmt.Fprintf(stdout, "  municipality %d: audit log %d entries, root %s\n", h.MunicipalityID, h.Size, h.Root)
	}
	return nil
}

// cmdRestore writes a backup into an empty database and verifies it.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlags("restore", "Restores a backup made by `lots backup` into --data (SQLite) or --db (an empty PostgreSQL\n"+
		"database; pg_restore must be installed), then verifies it: every table's row count and every\n"+
		"municipality's audit log must match the backup's manifest. Stop Lots first.", stderr)
	c.register(fs)
	from := fs.String("from", "", "the backup file (required)")
	force := fs.Bool("force", false, "replace an SQLite database already in --data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		fs.Usage()
		return errors.New("--from is required")
	}
	keys, err := c.keys()
	if err != nil {
		return err
	}
	f, err := os.Open(*from)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := store.Restore(ctx, f, store.RestoreTarget{DSN: c.db, DataDir: c.data, Force: *force, Keys: keys, Log: c.logger(stderr)})
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "FEL  %s\n", p)
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored the backup of %s (%s): %d tables, %d rows and %d audit logs match it.\n",
		rep.Manifest.MadeAt.Format("2006-01-02 15:04:05 MST"), rep.Manifest.Engine, rep.Tables, rep.Rows, len(rep.Manifest.Heads))
	return nil
}
