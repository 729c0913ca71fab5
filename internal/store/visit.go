package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// A Visit is one request's passage through the door. The web and API layers begin one per
// request (Store.Visit) and finish it before the first byte of the answer leaves
// (Visit.Finish). Within it:
//
//   - every read runs in ONE read transaction, begun at the first read;
//   - a case's facts are read once (one statement), and what the actor may do with it is
//     decided once (access.Decide), however many parts of the case the request reads;
//   - every read and refusal is collected and written at the end as ONE audit entry naming
//     everything read, through the group committer, so the answer leaves only once its entry
//     is durable;
//   - a change writes its entry in its own transaction — that entry also names what the
//     request read before it — so a request that reads, then changes, writes one entry.
//
// A store call made without a visit on its context (a command, a test) is a visit of its own.
type Visit struct {
	s *Store

	done atomic.Bool

	mu      sync.Mutex
	tx      *Tx                 // the read transaction, nil until the first read
	cases   map[int64]*openCase // opened in this visit
	pending []audit.Entry       // reads and refusals not yet written
	entries int                 // entries written for this visit (tests count them)
}

// openCase is a case as one actor opened it in one visit.
type openCase struct {
	lc      loadedCase
	actorID int64
}

type visitKey struct{}

// Visit begins the visit of a request; the caller must Finish it.
func (s *Store) Visit(ctx context.Context) (context.Context, *Visit) {
	v := &Visit{s: s, cases: map[int64]*openCase{}}
	return context.WithValue(ctx, visitKey{}, v), v
}

// VisitFrom returns the request's visit, if it has one still open.
func VisitFrom(ctx context.Context) *Visit { return visitOf(ctx) }

// visitOf returns the request's visit, if it has one still open.
func visitOf(ctx context.Context) *Visit {
	v, _ := ctx.Value(visitKey{}).(*Visit)
	if v == nil || v.done.Load() {
		return nil
	}
	return v
}

// errVisitOver: a store call after the request's answer began — its read could not be in the
// entry already written, so it is refused.
var errVisitOver = errors.New("store call after the request's visit ended")

// visitOver reports whether ctx carries a visit that has already finished.
func visitOver(ctx context.Context) bool {
	v, _ := ctx.Value(visitKey{}).(*Visit)
	return v != nil && v.done.Load()
}

// Entries reports how many audit entries the visit has written so far.
func (v *Visit) Entries() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.entries
}

// Finish ends the visit: the read transaction ends, and what the request read or was refused
// is written as one audit entry, durably, before Finish returns. If it cannot be written the
// request must not answer with what it read.
func (v *Visit) Finish(ctx context.Context) error {
	if v.done.Swap(true) {
		return nil
	}
	v.mu.Lock()
	v.endRead()
	pending := v.pending
	v.pending = nil
	v.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	merged := mergeByMunicipality(pending)
	var err error
	if v.s.direct || v.s.auditor == nil {
		err = v.s.update(ctx, func(tx *Tx) error { return tx.appendAudit(merged...) })
	} else {
		err = v.s.auditor.commit(ctx, merged)
	}
	if err == nil {
		v.mu.Lock()
		v.entries++
		v.mu.Unlock()
	}
	return err
}

// endRead ends the read transaction (v.mu held).
func (v *Visit) endRead() {
	if v.tx != nil {
		_ = v.tx.Rollback()
		v.tx = nil
	}
}

// readTx returns the visit's read transaction, beginning it if needed (v.mu held).
func (v *Visit) readTx(ctx context.Context) (*Tx, error) {
	if v.tx == nil {
		tx, err := v.s.begin(ctx, v.s.read, true)
		if err != nil {
			return nil, err
		}
		v.tx = tx
	}
	return v.tx, nil
}

// read runs fn in the visit's read transaction, collecting its audit entries. A request
// reads from one goroutine; the lock guards the visit's fields, not fn.
func (v *Visit) read(ctx context.Context, audited bool, fn func(tx *Tx) error) error {
	v.mu.Lock()
	tx, err := v.readTx(ctx)
	v.mu.Unlock()
	if err != nil {
		return err
	}
	err = fn(tx)
	v.mu.Lock()
	defer v.mu.Unlock()
	if audited {
		v.pending = append(v.pending, tx.pending...)
	}
	tx.pending = nil
	if casework.ErrorCode(err) == casework.EInternal {
		// A failed statement may have ended the transaction (PostgreSQL aborts it): the next
		// read begins a new one.
		v.endRead()
	}
	return err
}

// refused records a refusal, written with the request's entry.
func (v *Visit) refused(e audit.Entry) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pending = append(v.pending, e)
}

// opened returns the case as opened earlier in the visit by the same actor.
func (v *Visit) opened(caseID, actorID int64) (*openCase, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	oc, ok := v.cases[caseID]
	return oc, ok && oc.actorID == actorID
}

// remember keeps a case opened in the visit.
func (v *Visit) remember(caseID int64, oc *openCase) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cases[caseID] = oc
}

// changed forgets what the visit knows about a case after a change to it, and ends the read
// transaction, whose snapshot no longer shows the case as it is.
func (v *Visit) changed(caseID int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.cases, caseID)
	v.endRead()
}

// takePending returns the entries collected so far, for a change to write with its own; the
// change calls keep(false) if it did not commit, so they are written at Finish instead.
func (v *Visit) takePending() (entries []audit.Entry, keep func(committed bool)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	entries = v.pending
	v.pending = nil
	return entries, func(committed bool) {
		v.mu.Lock()
		defer v.mu.Unlock()
		if committed {
			v.entries++
			return
		}
		v.pending = append(entries, v.pending...)
	}
}

// rd is what a single direct read runs on: the request's read transaction when it has a visit
// — a request holds at most one connection, so requests can never each hold one and wait for
// a second — else the read pool.
func (s *Store) rd(ctx context.Context) querier {
	if db, ok := s.replicaFor(ctx); ok {
		return db
	}
	if v := visitOf(ctx); v != nil {
		v.mu.Lock()
		defer v.mu.Unlock()
		if tx, err := v.readTx(ctx); err == nil {
			return tx
		}
	}
	return s.read
}

// wr is the writer for a single statement outside a transaction; a request's read transaction
// is ended first, so the request never holds two connections.
func (s *Store) wr(ctx context.Context) *sql.DB {
	if v := visitOf(ctx); v != nil {
		v.release()
	}
	return s.write
}

// release ends the visit's read transaction (a change is about to take a connection of its
// own); a later read begins a new one.
func (v *Visit) release() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.endRead()
}

// readAudited runs a read of personal data in the request's visit: fn reads in the visit's
// read transaction and its audit entries become part of the request's one entry. Without a
// visit the call is one: its entry is written before it returns, and if it cannot be, the read
// fails — nothing is shown that the log does not record.
func (s *Store) readAudited(ctx context.Context, fn func(tx *Tx) error) error {
	if v := visitOf(ctx); v != nil {
		return v.read(ctx, true, fn)
	}
	if visitOver(ctx) {
		return casework.Internal(errVisitOver)
	}
	ctx, v := s.Visit(ctx)
	err := v.read(ctx, true, fn)
	if ferr := v.Finish(ctx); ferr != nil {
		return ferr
	}
	return err
}

// auditRead records an allowed read that opened no case (an aggregate, a comparison): with the
// request's entry when it has a visit — written by the group committer, durable before the
// answer leaves — else at once. Not a write transaction of its own per view.
func (s *Store) auditRead(ctx context.Context, a casework.Actor, w What, d access.Decision) error {
	return s.readAudited(ctx, func(tx *Tx) error { return tx.audit(a, w, d) })
}

// view runs fn in a read-only transaction — the request's, when it has a visit. Audit
// entries fn makes are dropped: reads of personal data use readAudited.
func (s *Store) view(ctx context.Context, fn func(tx *Tx) error) error {
	db := s.read
	if r, ok := s.replicaFor(ctx); ok {
		db = r
	} else if v := visitOf(ctx); v != nil {
		return v.read(ctx, false, fn)
	}
	tx, err := s.begin(ctx, db, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// auditDenied records a refused attempt: with the request's entry when it has a visit,
// otherwise at once. A refusal that cannot be recorded is logged.
func (s *Store) auditDenied(ctx context.Context, a casework.Actor, w What, d access.Decision) {
	if a.User.MunicipalityID == 0 {
		return
	}
	s.auditEntry(ctx, entryFor(a, w, d))
}

// AuditRefusal records that the actor was refused at the door of a page or call, before any
// record was read (a role without the permission the page needs).
func (s *Store) AuditRefusal(ctx context.Context, a casework.Actor, w What, d access.Decision) {
	s.auditDenied(ctx, a, w, d)
}

// auditEntry records e with the request's entry, or at once without a visit.
func (s *Store) auditEntry(ctx context.Context, e audit.Entry) {
	if v := visitOf(ctx); v != nil {
		v.refused(e)
		return
	}
	ctx, v := s.Visit(ctx)
	v.refused(e)
	if err := v.Finish(ctx); err != nil {
		s.log.Error("audit of an attempt failed", "err", err, "user", e.UserID, "action", e.Action, "object", e.Object)
	}
}

// mergeByMunicipality merges entries into one per municipality's log (a request normally
// touches one; an operator's command may touch several).
func mergeByMunicipality(entries []audit.Entry) []audit.Entry {
	var order []int64
	groups := map[int64][]audit.Entry{}
	for _, e := range entries {
		if _, ok := groups[e.MunicipalityID]; !ok {
			order = append(order, e.MunicipalityID)
		}
		groups[e.MunicipalityID] = append(groups[e.MunicipalityID], e)
	}
	out := make([]audit.Entry, 0, len(order))
	for _, m := range order {
		out = append(out, mergeEntries(groups[m]))
	}
	return out
}

// mergeEntries makes the one entry of a request from what it read, changed and was refused.
// The primary part — the change, else the first case read, else the first part — gives the
// entry its action, object, young person, ground and outcome; the categories of every part
// are listed; the detail names every part, and every other young person the request showed.
func mergeEntries(parts []audit.Entry) audit.Entry {
	if len(parts) == 1 {
		return parts[0]
	}
	primary := 0
	for i, p := range parts {
		if p.Action != audit.ActionRead && p.Action != audit.ActionList {
			primary = i
			break
		}
	}
	if parts[primary].Action == audit.ActionRead || parts[primary].Action == audit.ActionList {
		for i, p := range parts {
			if p.YouthID != 0 {
				primary = i
				break
			}
		}
	}
	e := parts[primary]
	var cats, what []string
	youths := map[int64]bool{}
	var youthList []int64
	var refused []string
	for _, p := range parts {
		for _, c := range strings.Split(p.Category, ",") {
			if c != "" && !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
		}
		desc := p.Object
		if d := detailText(p.Detail); d != "" {
			desc += " " + d
		}
		if p.Action != audit.ActionRead {
			desc = p.Action + " " + desc
		}
		if !slices.Contains(what, desc) {
			what = append(what, desc)
		}
		if !p.Allowed {
			refused = append(refused, p.Object+" "+p.Ground)
		}
		for _, y := range entryYouths(p) {
			if y != e.YouthID && !youths[y] {
				youths[y] = true
				youthList = append(youthList, y)
			}
		}
		if p.Action == audit.ActionRead && e.Action == audit.ActionList {
			e.Action = audit.ActionRead
		}
	}
	sortCategories(cats)
	e.Category = strings.Join(cats, ",")
	detail := []string{"parts:" + strings.Join(what, ", ")}
	if e.Allowed && len(refused) > 0 {
		detail = append(detail, "refused:"+strings.Join(refused, ", "))
	}
	if len(youthList) > 0 {
		ids := make([]string, len(youthList))
		for i, y := range youthList {
			ids[i] = strconv.FormatInt(y, 10)
		}
		detail = append(detail, "youths:"+strings.Join(ids, ","))
	}
	e.Detail = strings.Join(detail, "; ")
	return e
}

// detailText is an entry's detail without its list of young people.
func detailText(d string) string {
	var keep []string
	for _, f := range strings.Split(d, "; ") {
		if f != "" && !strings.HasPrefix(f, "youths:") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, "; ")
}

// sortCategories orders categories as the consent form does, unknown ones last.
func sortCategories(cats []string) {
	rank := func(c string) int {
		for i, k := range access.Categories {
			if string(k) == c {
				return i
			}
		}
		return len(access.Categories)
	}
	slices.SortStableFunc(cats, func(a, b string) int { return rank(a) - rank(b) })
}

// String describes the visit (for logs).
func (v *Visit) String() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return fmt.Sprintf("visit(%d cases, %d pending, %d written)", len(v.cases), len(v.pending), v.entries)
}
