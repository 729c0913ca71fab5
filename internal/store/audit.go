package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// What describes the object of an audited action.
type What struct {
	Action   string
	Object   string // "user", "session", "youth", "case", …
	ObjectID int64
	YouthID  int64
	Category string // information category, when the object is case content
	Detail   string // short, English, no personal data
}

// entryFor builds the audit entry for an actor's action.
func entryFor(a casework.Actor, w What, d access.Decision) audit.Entry {
	return audit.Entry{
		MunicipalityID: a.User.MunicipalityID,
		UserID:         a.User.ID,
		Username:       a.User.Username,
		Roles:          a.User.Roles.String(),
		AgencyID:       a.User.AgencyID,
		AgencyKind:     string(a.AgencyKind),
		Via:            a.Via,
		Action:         w.Action,
		Object:         w.Object,
		ObjectID:       w.ObjectID,
		YouthID:        w.YouthID,
		Category:       w.Category,
		Ground:         d.Ground.String(),
		Allowed:        d.Allowed,
		Detail:         w.Detail,
	}
}

// audit records the actor's action. In a read transaction the entry becomes part of the
// request's one entry (written when the visit finishes); in a write transaction the entries
// are merged into one that is appended just before the commit, so the entry and the change it
// records commit or fail together.
func (tx *Tx) audit(a casework.Actor, w What, d access.Decision) error {
	tx.pending = append(tx.pending, entryFor(a, w, d))
	return nil
}

// entryYouths are the young people an entry concerns: its youth, and for a list the ids in
// its detail ("youths:1,2,3").
func entryYouths(e audit.Entry) []int64 {
	var out []int64
	if e.YouthID != 0 {
		out = append(out, e.YouthID)
	}
	return append(out, audit.ListedYouths(e.Detail)...)
}

// auditList records that a list showed these young people: one entry, its detail naming them.
func (tx *Tx) auditList(a casework.Actor, w What, youthIDs []int64, d access.Decision) error {
	if len(youthIDs) == 0 {
		return nil
	}
	ids := make([]string, len(youthIDs))
	for i, id := range youthIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	w.Detail = "youths:" + strings.Join(ids, ",")
	return tx.audit(a, w, d)
}

// AuditSystem records an event that no logged-in actor caused (a failed login for a known
// user, for instance) in the municipality's log.
func (s *Store) AuditSystem(ctx context.Context, e audit.Entry) error {
	return s.update(ctx, func(tx *Tx) error { return tx.appendAudit(e) })
}

// AuditHead returns the municipality's current tree head.
func (s *Store) AuditHead(ctx context.Context, municipalityID int64) (audit.Head, error) {
	h := audit.Head{MunicipalityID: municipalityID}
	var root []byte
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT size, root FROM audit_heads WHERE municipality_id = $1`, municipalityID).Scan(&h.Size, &root)
	if errors.Is(err, sql.ErrNoRows) {
		return h, casework.NotFound("municipality")
	}
	if err != nil {
		return h, casework.Internal(err)
	}
	copy(h.Root[:], root)
	return h, nil
}

// AuditFilter selects entries of one municipality.
type AuditFilter struct {
	MunicipalityID int64
	YouthID        int64 // 0: any
	UserID         int64 // 0: any
	From, To       time.Time
	AfterSeq       int64 // entries with seq > AfterSeq; -1 for all
	Limit          int   // 0: no limit
}

// AuditEntries returns entries in log order. It is an operator's and the audit features'
// reading of the log; callers check who may see it.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter, each func(audit.Entry) error) error {
	q := `SELECT municipality_id, seq, at, user_id, username, roles, agency_id, agency_kind, via, action,
		object, object_id, youth_id, category, ground, allowed, detail FROM audit_log WHERE municipality_id = $1`
	args := []any{f.MunicipalityID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.YouthID != 0 {
		add("youth_id = $%d", f.YouthID)
	}
	if f.UserID != 0 {
		add("user_id = $%d", f.UserID)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	add("seq > $%d", f.AfterSeq)
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.rd(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return casework.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.MunicipalityID, &e.Seq, &e.At, &e.UserID, &e.Username, &e.Roles, &e.AgencyID,
			&e.AgencyKind, &e.Via, &e.Action, &e.Object, &e.ObjectID, &e.YouthID, &e.Category, &e.Ground,
			&e.Allowed, &e.Detail); err != nil {
			return casework.Internal(err)
		}
		e.At = e.At.UTC()
		if err := each(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// storedHashes reads stored hashes for verification in chunks, inside the verification's
// snapshot: the verifier asks for increasing indexes, so each miss loads the next few thousand.
type storedHashes struct {
	tx             *Tx
	municipalityID int64
	limit          int64 // the number of hashes the head read in the snapshot commits to
	cache          map[int64]tlog.Hash
}

const verifyChunk = 8192

func (r *storedHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		h, ok := r.cache[x]
		if !ok {
			if err := r.load(x); err != nil {
				return nil, err
			}
			if h, ok = r.cache[x]; !ok {
				return nil, fmt.Errorf("audit hash %d missing", x)
			}
		}
		out[i] = h
	}
	return out, nil
}

func (r *storedHashes) load(from int64) error {
	r.cache = make(map[int64]tlog.Hash, verifyChunk)
	rows, err := r.tx.Query(`SELECT idx, hash FROM audit_hashes
		WHERE municipality_id = $1 AND idx >= $2 AND idx < $3`, r.municipalityID, from, min(from+verifyChunk, r.limit))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var b []byte
		if err := rows.Scan(&i, &b); err != nil {
			return err
		}
		var h tlog.Hash
		copy(h[:], b)
		r.cache[i] = h
	}
	return rows.Err()
}

// snapshot runs fn in a read-only transaction that sees one state of the database from its
// first read to its end: on SQLite a read transaction on the reader pool (WAL keeps its
// snapshot while writers go on), on PostgreSQL REPEATABLE READ READ ONLY (READ COMMITTED would
// let each statement see the commits made since the one before).
func (s *Store) snapshot(ctx context.Context, fn func(tx *Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: s.dialect == Postgres}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	t, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return casework.Internal(fmt.Errorf("begin snapshot: %w", err))
	}
	defer t.Rollback()
	return fn(&Tx{Tx: t, ctx: ctx, store: s, now: s.now().UTC().Truncate(time.Microsecond), readOnly: true})
}

// verifyBatch is how many entries VerifyAudit holds at once: it reads a batch, closes the query,
// then checks it (PostgreSQL runs one query at a time on the snapshot's connection, and the
// checks read hashes).
const verifyBatch = 4096

// VerifyAudit rebuilds the municipality's tree from its entries and checks every stored hash,
// the recorded head and any heads exported earlier. It names the first broken entry. Head,
// index, hashes and entries are read in one snapshot, up to the head read there: entries that
// writers append meanwhile belong to a later head, and are not half seen (issue 19: reading them
// in separate queries against a live database reported entries missing from the index).
func (s *Store) VerifyAudit(ctx context.Context, municipalityID int64, exported ...audit.Head) (audit.Head, error) {
	var head audit.Head
	err := s.snapshot(ctx, func(tx *Tx) error {
		recorded := audit.Head{MunicipalityID: municipalityID}
		var root []byte
		err := tx.QueryRow(`SELECT size, root FROM audit_heads WHERE municipality_id = $1`, municipalityID).Scan(&recorded.Size, &root)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.NotFound("municipality")
		}
		if err != nil {
			return casework.Internal(err)
		}
		copy(recorded.Root[:], root)
		// Entries deleted under retention: verification starts from the newest checkpoint.
		cp, err := tx.auditCheckpoint(municipalityID)
		if err != nil {
			return err
		}
		// The per-young-person index is derived from the entries; check it as well, so nobody can
		// hide an entry from an access-log extract by deleting index rows.
		index := map[int64]map[int64]bool{}
		rows, err := tx.Query(`SELECT seq, youth_id FROM audit_youths WHERE municipality_id = $1 AND seq < $2`, municipalityID, recorded.Size)
		if err != nil {
			return casework.Internal(err)
		}
		for rows.Next() {
			var seq, y int64
			if err := rows.Scan(&seq, &y); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			if index[seq] == nil {
				index[seq] = map[int64]bool{}
			}
			index[seq][y] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		v := audit.NewVerifier(&storedHashes{tx: tx, municipalityID: municipalityID, limit: tlog.StoredHashCount(recorded.Size)})
		if cp.Size > 0 {
			// The kept hashes of the deleted part, read apart from the later ones (each reader
			// keeps its own chunk).
			prefix := &storedHashes{tx: tx, municipalityID: municipalityID, limit: tlog.StoredHashCount(cp.Size)}
			if err := v.StartAt(cp.Head, prefix); err != nil {
				return err
			}
		}
		check := func(e audit.Entry) error {
			if p := v.Add(e); p != nil {
				return p
			}
			want := map[int64]bool{}
			for _, y := range entryYouths(e) {
				want[y] = true
			}
			if len(want) != len(index[e.Seq]) {
				return &audit.Problem{Seq: e.Seq, Reason: "the young people this entry concerns are missing from (or added to) the extract index"}
			}
			for y := range want {
				if !index[e.Seq][y] {
					return &audit.Problem{Seq: e.Seq, Reason: "the young people this entry concerns are missing from the extract index"}
				}
			}
			delete(index, e.Seq)
			return nil
		}
		for after := cp.Size - 1; ; {
			batch, err := tx.verifyEntries(municipalityID, after, recorded.Size)
			if err != nil {
				return err
			}
			for _, e := range batch {
				if err := check(e); err != nil {
					return err
				}
				after = e.Seq
			}
			if len(batch) < verifyBatch {
				break
			}
		}
		for seq := range index {
			return &audit.Problem{Seq: seq, Reason: "the extract index names an entry that does not exist"}
		}
		head, err = v.Finish(municipalityID, recorded, exported...)
		return err
	})
	return head, err
}

// verifyEntries reads up to verifyBatch entries after seq after and before seq end, in order.
func (tx *Tx) verifyEntries(municipalityID, after, end int64) ([]audit.Entry, error) {
	rows, err := tx.Query(`SELECT municipality_id, seq, at, user_id, username, roles, agency_id, agency_kind, via, action,
		object, object_id, youth_id, category, ground, allowed, detail FROM audit_log
		WHERE municipality_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT `+strconv.Itoa(verifyBatch), municipalityID, after, end)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.MunicipalityID, &e.Seq, &e.At, &e.UserID, &e.Username, &e.Roles, &e.AgencyID,
			&e.AgencyKind, &e.Via, &e.Action, &e.Object, &e.ObjectID, &e.YouthID, &e.Category, &e.Ground,
			&e.Allowed, &e.Detail); err != nil {
			return nil, casework.Internal(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
