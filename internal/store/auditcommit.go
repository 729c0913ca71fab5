package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/audit"
	"lots/internal/casework"
)

// This file appends to the audit log. Two paths share one append:
//
//   - a change writes its entry inside its own transaction (tx.audit), so the change and the
//     record of it commit or fail together;
//   - reads and refusals go to the group committer: each request hands over its one entry and
//     waits; the committer writes every entry waiting at that moment in one transaction — one
//     commit, one fsync — and only then lets the requests answer. Under load many requests
//     share a commit; alone, a request pays for one.
//
// Appending keeps the recently written tree hashes in memory (hashes at a tree index never
// change: the log is append-only), so extending the Merkle tree reads nothing it wrote itself.

// maxAuditBatch bounds how many entries one commit writes.
const maxAuditBatch = 512

// auditReq is one request's entries waiting for the committer.
type auditReq struct {
	entries []audit.Entry
	queued  time.Time
	done    chan error
}

// auditor is the group committer.
type auditor struct {
	s      *Store
	reqs   chan *auditReq
	stop   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
}

func newAuditor(s *Store) *auditor {
	au := &auditor{s: s, reqs: make(chan *auditReq, maxAuditBatch), stop: make(chan struct{})}
	au.wg.Add(1)
	go au.run()
	return au
}

// close stops the committer after the entries already handed over are written.
func (au *auditor) close() {
	au.closed.Do(func() {
		close(au.stop)
		au.wg.Wait()
	})
}

var errAuditorClosed = errors.New("audit log closed")

// commit writes entries durably as part of the next group commit, and returns when they are
// (or when ctx ends first: the entries may then still be written).
func (au *auditor) commit(ctx context.Context, entries []audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		if e.MunicipalityID == 0 {
			return casework.Internal(errors.New("audit entry without municipality"))
		}
	}
	r := &auditReq{entries: entries, queued: time.Now(), done: make(chan error, 1)}
	select {
	case au.reqs <- r:
	case <-au.stop:
		return casework.Internal(errAuditorClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (au *auditor) run() {
	defer au.wg.Done()
	for {
		var first *auditReq
		select {
		case first = <-au.reqs:
		case <-au.stop:
			// Write what is already queued, then stop.
			for {
				select {
				case r := <-au.reqs:
					au.write([]*auditReq{r})
				default:
					return
				}
			}
		}
		batch, n := []*auditReq{first}, len(first.entries)
	drain:
		for n < maxAuditBatch {
			select {
			case r := <-au.reqs:
				batch, n = append(batch, r), n+len(r.entries)
			default:
				break drain
			}
		}
		au.write(batch)
	}
}

// write commits one batch and answers every request in it.
func (au *auditor) write(batch []*auditReq) {
	var entries []audit.Entry
	for _, r := range batch {
		entries = append(entries, r.entries...)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := au.s.update(ctx, func(tx *Tx) error { return tx.appendAudit(entries...) })
	cancel()
	if err != nil {
		au.s.log.Error("audit batch failed", "entries", len(entries), "err", err)
	}
	if h := au.s.auditBatch; h != nil {
		h(len(entries), start.Sub(batch[0].queued))
	}
	for _, r := range batch {
		r.done <- err
	}
}

// hashCache keeps tree hashes per municipality that are known to be committed.
type hashCache struct {
	mu sync.Mutex
	m  map[int64]map[int64]tlog.Hash
}

// maxCachedHashes bounds a municipality's cache; past it the cache starts over (a miss costs
// one query for the few hashes on the tree's right edge).
const maxCachedHashes = 1 << 16

func (c *hashCache) get(municipalityID, idx int64) (tlog.Hash, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[municipalityID][idx]
	return h, ok
}

func (c *hashCache) add(municipalityID int64, hs map[int64]tlog.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]map[int64]tlog.Hash{}
	}
	m := c.m[municipalityID]
	if m == nil || len(m)+len(hs) > maxCachedHashes {
		m = make(map[int64]tlog.Hash, len(hs))
		c.m[municipalityID] = m
	}
	for i, h := range hs {
		m[i] = h
	}
}

// drop forgets a municipality's cached hashes.
func (c *hashCache) drop(municipalityID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, municipalityID)
}

// matches reports whether the tree of size entries, from the hashes r reads, has root head.
func (r *treeHashes) matches(size int64, head []byte) error {
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return err
	}
	if string(root[:]) != string(head) {
		return fmt.Errorf("the tree of %d entries does not have the recorded root", size)
	}
	return nil
}

// treeHashes reads stored hashes of one municipality in a transaction: first those this
// transaction wrote, then the committed ones the store remembers, then the database.
type treeHashes struct {
	tx             *Tx
	municipalityID int64
	written        map[int64]tlog.Hash // by this transaction, not yet committed
	read           map[int64]tlog.Hash // read from the database (committed)
}

func (r *treeHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	var missing []int64
	for i, x := range idx {
		if h, ok := r.written[x]; ok {
			out[i] = h
		} else if h, ok := r.tx.store.hashes.get(r.municipalityID, x); ok {
			out[i] = h
		} else {
			missing = append(missing, x)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	args := []any{r.municipalityID}
	ph := make([]string, len(missing))
	for i, x := range missing {
		args = append(args, x)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := r.tx.Query(`SELECT idx, hash FROM audit_hashes WHERE municipality_id = $1 AND idx IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var b []byte
		if err := rows.Scan(&i, &b); err != nil {
			return nil, err
		}
		var h tlog.Hash
		copy(h[:], b)
		r.read[i] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, x := range idx {
		if h, ok := r.written[x]; ok {
			out[i] = h
		} else if h, ok := r.read[x]; ok {
			out[i] = h
		} else if h, ok := r.tx.store.hashes.get(r.municipalityID, x); ok {
			out[i] = h
		} else {
			return nil, fmt.Errorf("audit hash %d missing", x)
		}
	}
	return out, nil
}

// appendAudit appends entries (At and Seq are set here) to their municipalities' logs and
// extends each Merkle tree: per municipality one read of the head, one insert each for the
// entries, their young people and the new tree hashes, and one update of the head.
func (tx *Tx) appendAudit(entries ...audit.Entry) error {
	var order []int64
	byMuni := map[int64][]audit.Entry{}
	for _, e := range entries {
		if e.MunicipalityID == 0 {
			return casework.Internal(errors.New("audit entry without municipality"))
		}
		if _, ok := byMuni[e.MunicipalityID]; !ok {
			order = append(order, e.MunicipalityID)
		}
		byMuni[e.MunicipalityID] = append(byMuni[e.MunicipalityID], e)
	}
	for _, mid := range order {
		if err := tx.appendMunicipality(mid, byMuni[mid]); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) appendMunicipality(mid int64, entries []audit.Entry) error {
	var size int64
	var head []byte
	if err := tx.QueryRow(`SELECT size, root FROM audit_heads WHERE municipality_id = $1`+tx.store.forUpdate(), mid).Scan(&size, &head); err != nil {
		return casework.Internal(fmt.Errorf("audit head: %w", err))
	}
	r := &treeHashes{tx: tx, municipalityID: mid, written: map[int64]tlog.Hash{}, read: map[int64]tlog.Hash{}}
	// The hashes the new entries are built on (the tree's right edge) must give the head's
	// root. Cached hashes could be wrong only if a commit this instance saw succeed was lost —
	// a primary that failed over without a synchronous standby, or a restore — and another
	// entry took its place: then the cache is dropped and the hashes read again, so the tree
	// never forks on a stale memory (issue 18).
	if size > 0 {
		if err := r.matches(size, head); err != nil {
			tx.store.hashes.drop(mid)
			r.read = map[int64]tlog.Hash{}
			if err := r.matches(size, head); err != nil {
				return casework.Internal(fmt.Errorf("audit head: %w", err))
			}
			tx.store.log.Warn("audit tree hashes remembered by this instance did not match the head; read again", "municipality", mid, "size", size)
		}
	}
	var logRows, youthRows, hashRows [][]any
	for _, e := range entries {
		e.Seq, e.At = size, tx.now
		hashes, err := tlog.StoredHashes(size, e.Record(), r)
		if err != nil {
			return casework.Internal(fmt.Errorf("audit hashes: %w", err))
		}
		logRows = append(logRows, []any{e.MunicipalityID, e.Seq, e.At, e.UserID, e.Username, e.Roles, e.AgencyID,
			e.AgencyKind, e.Via, e.Action, e.Object, e.ObjectID, e.YouthID, e.Category, e.Ground, e.Allowed, e.Detail})
		seen := map[int64]bool{}
		for _, y := range entryYouths(e) {
			if !seen[y] {
				seen[y] = true
				youthRows = append(youthRows, []any{mid, e.Seq, y})
			}
		}
		start := tlog.StoredHashIndex(0, size)
		for i, h := range hashes {
			r.written[start+int64(i)] = h
			hashRows = append(hashRows, []any{mid, start + int64(i), h[:]})
		}
		size++
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return casework.Internal(fmt.Errorf("audit root: %w", err))
	}
	if err := tx.insertRows(`INSERT INTO audit_log (municipality_id, seq, at, user_id, username, roles, agency_id,
		agency_kind, via, action, object, object_id, youth_id, category, ground, allowed, detail) VALUES `, logRows); err != nil {
		return casework.Internal(fmt.Errorf("audit insert: %w", err))
	}
	if err := tx.insertRows(`INSERT INTO audit_youths (municipality_id, seq, youth_id) VALUES `, youthRows); err != nil {
		return casework.Internal(fmt.Errorf("audit youth index: %w", err))
	}
	if err := tx.insertRows(`INSERT INTO audit_hashes (municipality_id, idx, hash) VALUES `, hashRows); err != nil {
		return casework.Internal(fmt.Errorf("audit hash insert: %w", err))
	}
	if _, err := tx.Exec(`UPDATE audit_heads SET size = $1, root = $2 WHERE municipality_id = $3`, size, root[:], mid); err != nil {
		return casework.Internal(fmt.Errorf("audit head update: %w", err))
	}
	tx.onCommit(func() {
		tx.store.hashes.add(mid, r.read)
		tx.store.hashes.add(mid, r.written)
	})
	return nil
}

// maxInsertArgs keeps a multi-row insert under both engines' limits on bound parameters
// (SQLite 32766, PostgreSQL 65535).
const maxInsertArgs = 30000

// insertRows inserts rows (each a list of column values) with head ("INSERT INTO t (a, b)
// VALUES ") as multi-row statements, split so that none binds too many values.
func (tx *Tx) insertRows(head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxInsertArgs/len(rows[0]))
	for len(rows) > 0 {
		n := min(len(rows), per)
		var b strings.Builder
		b.WriteString(head)
		var args []any
		for i, row := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				args = append(args, v)
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteByte(')')
		}
		if _, err := tx.Exec(b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
