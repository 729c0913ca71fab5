package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lots/internal/auth"
	"lots/internal/envelope"
	"lots/internal/store"
)

// Snapshot is a SQLite database with the demo municipality built, kept in memory, for
// starting Lots with the demo many times — a test package's servers — without building the
// history each time: writing the file takes milliseconds, building it seconds. A copy's
// history ends the day the snapshot was built; Load on a copy reuses it.
//
// A test package keeps one (built once, e.g. with sync.OnceValues) and writes it into each
// fresh data directory before app.Open:
//
//	snap, err := demo.BuildSnapshot(ctx, auth.NewHasher(auth.FastParams))
//	…
//	err = snap.WriteTo(dataDir) // then app.Open with DataDir: dataDir, and demo.Load as before
type Snapshot struct {
	Result Result    // what building it did
	Built  time.Time // when
	// Keys seal the snapshot's sealed columns: open its copies with them.
	Keys  *envelope.Keyring
	files map[string][]byte
}

// dbFiles are the files of a SQLite database in WAL mode (the shared-memory file is rebuilt
// on open and not kept).
var dbFiles = []string{"lots.db", "lots.db-wal"}

// BuildSnapshot builds the demo municipality in a temporary SQLite database, closes it and
// keeps its files. Passwords are hashed with h.
func BuildSnapshot(ctx context.Context, h *auth.Hasher) (*Snapshot, error) {
	dir, err := os.MkdirTemp("", "lots-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	keys := envelope.Ephemeral()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Keys: keys})
	if err != nil {
		return nil, err
	}
	res, err := Load(ctx, st, h)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Result: res, Built: time.Now(), Keys: keys, files: map[string][]byte{}}
	for _, name := range dbFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.files[name] = b
	}
	if len(s.files["lots.db"]) == 0 {
		return nil, errors.New("demo snapshot: the database file is empty")
	}
	return s, nil
}

// WriteTo writes the database into dir (created if missing) as lots.db, the file a store
// opened with DataDir: dir uses. It refuses to overwrite a database already there.
func (s *Snapshot) WriteTo(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "lots.db")); err == nil {
		return fmt.Errorf("demo snapshot: %s already holds a database", dir)
	}
	for name, b := range s.files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}
