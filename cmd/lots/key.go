package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"lots/internal/envelope"
)

// The master key seals uploaded evidence, addresses and backups (docs/operations.md, "Keys").
// It comes from --key-file / LOTS_KEY_FILE (a file made by `lots key generate`, one key per
// line, the current one first) or LOTS_KEY (the same text in the environment). Without one,
// Lots does not start.

// keys reads the key ring the flags and environment name.
func (c *common) keys() (*envelope.Keyring, error) {
	if c.keyFile != "" {
		return readKeyFile(c.keyFile)
	}
	if v, ok := os.LookupEnv("LOTS_KEY"); ok && strings.TrimSpace(v) != "" {
		return envelope.ParseKeyring(v)
	}
	return nil, envelope.ErrNoKey
}

func readKeyFile(path string) (*envelope.Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	kr, err := envelope.ParseKeyring(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return kr, nil
}

// demoKeys are the keys for `lots demo`: the configured ones, or else a key file in the data
// directory, created on the first run (the demo's data is invented; a real installation keeps
// its key away from its data — docs/operations.md).
func (c *common) demoKeys(stdout io.Writer) (*envelope.Keyring, error) {
	kr, err := c.keys()
	if !errors.Is(err, envelope.ErrNoKey) {
		return kr, err
	}
	path := filepath.Join(c.data, "lots.key")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		line, err := envelope.Generate()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(c.data, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte("# Lots demo key (lots key generate). Keep a real installation's key away from its data.\n"+line+"\n"), 0o600); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "Skapade en krypteringsnyckel för demon / created the demo's encryption key: %s\n", path)
	}
	c.keyFile = path
	return readKeyFile(path)
}

func cmdKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "generate" && args[0] != "rotate") {
		return errors.New("usage: lots key generate | lots key rotate [--key-file FILE]")
	}
	if args[0] == "generate" {
		fs := newFlags("key generate", "Prints a new random master key, a line for the key file (LOTS_KEY_FILE).\nTo rotate: put the new key first in the file, keep the old one after it, run\n`lots key rotate`, then remove the old key (keep it while backups made under it are kept).", stderr)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		line, err := envelope.Generate()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, line)
		return nil
	}
	var c common
	fs := newFlags("key rotate", "Re-wraps every sealed value (evidence files, addresses, Lots' own secrets) under the first\nkey of the key file. The values' ciphertext stays; only their wrapped data keys change.\nIt runs in small transactions while Lots serves; an interrupted run is finished by the next.", stderr)
	c.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Store.RotateKeys(ctx)
	cols := make([]string, 0, len(n))
	for col := range n {
		cols = append(cols, col)
	}
	sort.Strings(cols)
	for _, col := range cols {
		fmt.Fprintf(stdout, "%-24s %d re-wrapped\n", col, n[col])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Every sealed value is now under key %s.\n", a.Config.Keys.CurrentID())
	return nil
}
