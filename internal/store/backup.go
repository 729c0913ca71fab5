package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/envelope"
)

// Backups (issue 15:5). `lots backup` writes an online, consistent copy of the whole database,
// sealed with the master key (package envelope's stream): SQLite's VACUUM INTO on a connection
// of its own (a read transaction: writers go on), PostgreSQL's pg_dump on a snapshot exported
// from a repeatable-read transaction. With the copy goes a manifest, read in the same snapshot:
// every table's row count and every municipality's audit tree head. `lots restore` writes the
// copy back and verifies it: the counts match, and each municipality's log verifies and ends
// at the head the manifest names.

// BackupFormat names the file format (inside the sealed stream: the magic, the manifest's
// length and the manifest, then the database).
const BackupFormat = "lots-backup"

var backupMagic = []byte("LOTSBK01")

// backupContext binds a backup stream to its use.
var backupContext = []byte("lots:backup")

// HeadRecord is a municipality's audit tree head in a manifest.
type HeadRecord struct {
	MunicipalityID int64  `json:"municipality_id"`
	Size           int64  `json:"size"`
	Root           string `json:"root"` // hex
}

// BackupManifest describes a backup.
type BackupManifest struct {
	Format  string           `json:"format"`
	Engine  Dialect          `json:"engine"`
	MadeAt  time.Time        `json:"made_at"`
	Schema  string           `json:"schema,omitempty"` // PostgreSQL: the schema dumped
	KeyID   string           `json:"key_id"`           // the master key that sealed it
	Counts  map[string]int64 `json:"counts"`
	Heads   []HeadRecord     `json:"audit_heads"`
	Payload string           `json:"payload"` // "sqlite" (a database file) or "pg_dump_custom"
}

// countsAndHeads reads every table's row count and the audit heads through q (one snapshot).
func countsAndHeads(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, dialect Dialect) (map[string]int64, []HeadRecord, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if dialect == Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := q.QueryContext(ctx, list)
	if err != nil {
		return nil, nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	sort.Strings(tables)
	counts := map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+strings.ReplaceAll(t, `"`, ``)+`"`).Scan(&n); err != nil {
			return nil, nil, err
		}
		counts[t] = n
	}
	hr, err := q.QueryContext(ctx, `SELECT municipality_id, size, root FROM audit_heads ORDER BY municipality_id`)
	if err != nil {
		return nil, nil, err
	}
	defer hr.Close()
	var heads []HeadRecord
	for hr.Next() {
		var h HeadRecord
		var root []byte
		if err := hr.Scan(&h.MunicipalityID, &h.Size, &root); err != nil {
			return nil, nil, err
		}
		h.Root = hex.EncodeToString(root)
		heads = append(heads, h)
	}
	return counts, heads, hr.Err()
}

// Backup writes a sealed backup of the whole database to w and returns its manifest.
func (s *Store) Backup(ctx context.Context, w io.Writer) (BackupManifest, error) {
	m := BackupManifest{Format: BackupFormat, Engine: s.dialect, MadeAt: s.now().UTC(), KeyID: s.keys.CurrentID()}
	sw, err := s.keys.NewWriter(w, backupContext)
	if err != nil {
		return m, err
	}
	bw := bufio.NewWriterSize(sw, 1<<20)
	header := func() error {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		for _, p := range [][]byte{backupMagic, n[:], b} {
			if _, err := bw.Write(p); err != nil {
				return err
			}
		}
		return nil
	}
	if s.dialect == SQLite {
		err = s.backupSQLite(ctx, &m, header, bw)
	} else {
		err = s.backupPostgres(ctx, &m, header, bw)
	}
	if err != nil {
		return m, err
	}
	if err := bw.Flush(); err != nil {
		return m, err
	}
	return m, sw.Close()
}

func (s *Store) backupSQLite(ctx context.Context, m *BackupManifest, header func() error, w io.Writer) error {
	m.Payload = "sqlite"
	tmp := filepath.Join(filepath.Dir(s.path), fmt.Sprintf(".lots-backup-%d.db", rand.Int64()))
	defer os.Remove(tmp)
	// A connection of its own (the pools are the single writer and query-only readers): VACUUM
	// INTO reads in one transaction, so the copy is consistent, and writers are not held up.
	db, err := sql.Open("sqlite", "file:"+s.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	cp, err := sql.Open("sqlite", "file:"+tmp+"?mode=ro")
	if err != nil {
		return err
	}
	m.Counts, m.Heads, err = countsAndHeads(ctx, cp, SQLite)
	cp.Close()
	if err != nil {
		return fmt.Errorf("backup manifest: %w", err)
	}
	if err := header(); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// pgEnv turns a postgres:// URL into libpq's environment (so no password shows in the process
// list) and returns the schema the URL's search_path names, if any.
func pgEnv(dsn string) (env []string, schema string, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, "", errors.New("backup: PostgreSQL needs a postgres:// URL")
	}
	q := u.Query()
	schema = q.Get("search_path")
	if h := u.Hostname(); h != "" {
		env = append(env, "PGHOST="+h)
	}
	if p := u.Port(); p != "" {
		env = append(env, "PGPORT="+p)
	}
	if u.User != nil {
		env = append(env, "PGUSER="+u.User.Username())
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
	}
	env = append(env, "PGDATABASE="+strings.TrimPrefix(u.Path, "/"))
	if v := q.Get("sslmode"); v != "" {
		env = append(env, "PGSSLMODE="+v)
	}
	return env, schema, nil
}

func (s *Store) backupPostgres(ctx context.Context, m *BackupManifest, header func() error, w io.Writer) error {
	m.Payload = "pg_dump_custom"
	env, _, err := pgEnv(s.dsn)
	if err != nil {
		return err
	}
	// The manifest and pg_dump read the same snapshot: a repeatable-read transaction exports
	// it and stays open until the dump is done.
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot(), current_schema()`).Scan(&snapshot, &m.Schema); err != nil {
		return fmt.Errorf("backup snapshot: %w", err)
	}
	if m.Counts, m.Heads, err = countsAndHeads(ctx, tx, Postgres); err != nil {
		return fmt.Errorf("backup manifest: %w", err)
	}
	if err := header(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-acl", "--snapshot="+snapshot, "--schema="+m.Schema)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return tx.Commit()
}

// RestoreTarget says where a backup goes: an SQLite file (DataDir or a .db DSN) or a PostgreSQL
// database (DSN, whose search_path schema must not exist yet, or be empty).
type RestoreTarget struct {
	DSN     string
	DataDir string
	Force   bool // overwrite an SQLite file already there
	Keys    *envelope.Keyring
	Log     *slog.Logger
}

// RestoreReport is what the verification found.
type RestoreReport struct {
	Manifest BackupManifest
	Tables   int
	Rows     int64
	Problems []string
}

// OK reports whether the restored database matches the manifest.
func (r RestoreReport) OK() bool { return len(r.Problems) == 0 }

// readBackup opens a sealed backup: its manifest, and the payload to read.
func readBackup(r io.Reader, keys *envelope.Keyring) (BackupManifest, io.Reader, error) {
	var m BackupManifest
	pr, err := keys.NewReader(r, backupContext)
	if err != nil {
		return m, nil, fmt.Errorf("not a Lots backup sealed with these keys: %w", err)
	}
	br := bufio.NewReaderSize(pr, 1<<20)
	head := make([]byte, len(backupMagic)+4)
	if _, err := io.ReadFull(br, head); err != nil || !bytes.Equal(head[:len(backupMagic)], backupMagic) {
		return m, nil, errors.New("not a Lots backup")
	}
	n := binary.BigEndian.Uint32(head[len(backupMagic):])
	if n > 16<<20 {
		return m, nil, errors.New("backup manifest too large")
	}
	mb := make([]byte, n)
	if _, err := io.ReadFull(br, mb); err != nil {
		return m, nil, fmt.Errorf("backup manifest: %w", err)
	}
	if err := json.Unmarshal(mb, &m); err != nil || m.Format != BackupFormat {
		return m, nil, errors.New("backup manifest unreadable")
	}
	return m, br, nil
}

// Restore writes a backup into the target and verifies it against its manifest. The target
// engine must be the backup's. A verification that finds differences returns its report with
// the problems and an error.
func Restore(ctx context.Context, r io.Reader, t RestoreTarget) (RestoreReport, error) {
	var rep RestoreReport
	if t.Keys == nil {
		return rep, envelope.ErrNoKey
	}
	m, payload, err := readBackup(r, t.Keys)
	if err != nil {
		return rep, err
	}
	rep.Manifest = m
	cfg := Config{DSN: t.DSN, DataDir: t.DataDir, Keys: t.Keys, Log: t.Log}
	switch {
	case m.Engine == SQLite && !IsPostgres(t.DSN):
		if err := restoreSQLite(payload, sqlitePath(t.DSN, t.DataDir), t.Force); err != nil {
			return rep, err
		}
	case m.Engine == Postgres && IsPostgres(t.DSN):
		if err := restorePostgres(ctx, payload, t.DSN, m.Schema); err != nil {
			return rep, err
		}
	default:
		return rep, fmt.Errorf("restore: the backup is of %s; the target is not", m.Engine)
	}
	s, err := Open(ctx, cfg)
	if err != nil {
		return rep, fmt.Errorf("restore: opening the restored database: %w", err)
	}
	defer s.Close()
	return s.verifyRestore(ctx, m)
}

func sqlitePath(dsn, dataDir string) string {
	if p := strings.TrimPrefix(dsn, "sqlite:"); p != "" {
		return p
	}
	return filepath.Join(dataDir, "lots.db")
}

func restoreSQLite(payload io.Reader, path string, force bool) error {
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("restore: %s already holds a database (--force replaces it; stop Lots first)", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".restoring"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := io.Copy(f, payload); err != nil {
		f.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} { // the old database's log is not the copy's
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(tmp, path)
}

func restorePostgres(ctx context.Context, payload io.Reader, dsn, schema string) error {
	env, target, err := pgEnv(dsn)
	if err != nil {
		return err
	}
	if target != "" && target != schema {
		return fmt.Errorf("restore: the backup holds schema %q; the target names %q (restore into a database where %q is free)", schema, target, schema)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	var n int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&n)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("restore: schema %q of the target already holds tables; restore into an empty database", schema)
	}
	args := []string{"--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"}
	if schema == "public" {
		args = append(args, "--schema=public")
	}
	cmd := exec.CommandContext(ctx, "pg_restore", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Args = append(cmd.Args, "--dbname="+envValue(env, "PGDATABASE"))
	cmd.Stdin = payload
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func envValue(env []string, name string) string {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, name+"="); ok {
			return v
		}
	}
	return ""
}

// verifyRestore compares the database with a backup's manifest: every table's rows, and each
// municipality's audit log, which must verify and end at the manifest's head.
func (s *Store) verifyRestore(ctx context.Context, m BackupManifest) (RestoreReport, error) {
	rep := RestoreReport{Manifest: m}
	counts, _, err := countsAndHeads(ctx, s.read, s.dialect)
	if err != nil {
		return rep, err
	}
	var names []string
	for t := range m.Counts {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		want := m.Counts[t]
		got, ok := counts[t]
		switch {
		case !ok:
			rep.Problems = append(rep.Problems, fmt.Sprintf("table %s is missing", t))
		case got != want:
			rep.Problems = append(rep.Problems, fmt.Sprintf("table %s: %d rows, the backup had %d", t, got, want))
		}
		rep.Tables++
		rep.Rows += got
	}
	for _, h := range m.Heads {
		root, _ := hex.DecodeString(h.Root)
		want := audit.Head{MunicipalityID: h.MunicipalityID, Size: h.Size}
		copy(want.Root[:], root)
		got, err := s.VerifyAudit(ctx, h.MunicipalityID, want)
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("municipality %d: the audit log does not verify: %v", h.MunicipalityID, err))
			continue
		}
		if got.Size != h.Size || hex.EncodeToString(got.Root[:]) != h.Root {
			rep.Problems = append(rep.Problems, fmt.Sprintf("municipality %d: the audit log ends at %d entries, the backup's at %d", h.MunicipalityID, got.Size, h.Size))
		}
	}
	if !rep.OK() {
		return rep, casework.Errorf(casework.EConflict, "restore.mismatch", "the restored database does not match the backup: %s", strings.Join(rep.Problems, "; "))
	}
	return rep, nil
}
