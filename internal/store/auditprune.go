package store

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/audit"
	"lots/internal/casework"
)

// Retention of the access log. The log is a Merkle tree per municipality (audit package), so
// its entries go only from the front: every entry written on or before the rule's day, up to
// the first one that is not. Before the entries are deleted a checkpoint records how many go
// and the tree's root over them (audit_checkpoints, append-only); the tree's stored hashes stay,
// as they hold no content. Verification starts from the newest checkpoint and every later entry
// still binds to the deleted ones (audit.Verifier.StartAt); a head exported before the deletion
// is proved a prefix of the checkpoint. The run's own log entry names the checkpoint, so the
// tree commits to it. A legal hold stops the cut at the first entry about the young person
// whose case is held: the entries a complaint may need stay, and so does everything after them.

// auditCut is where a run cuts the log: entries with seq below Size go. Zero: nothing.
type auditCut struct {
	From   int64     // the current checkpoint's size: entries below it are already gone
	Size   int64     // the new checkpoint's size
	Before time.Time // the rule's day: every entry that goes was written on or before it
}

// Checkpoint is the newest checkpoint of a municipality's log: the entries before Size were
// deleted under retention, and Root is the tree's root over them.
type Checkpoint struct {
	audit.Head
	PrunedBefore time.Time
	MadeAt       time.Time
}

// auditCheckpoint reads the municipality's newest checkpoint; a log never cut has none (Size 0).
func (tx *Tx) auditCheckpoint(municipalityID int64) (Checkpoint, error) {
	cp := Checkpoint{Head: audit.Head{MunicipalityID: municipalityID}}
	var root []byte
	err := tx.QueryRow(`SELECT size, root, pruned_before, made_at FROM audit_checkpoints WHERE municipality_id = $1
		ORDER BY size DESC LIMIT 1`, municipalityID).Scan(&cp.Size, &root, &cp.PrunedBefore, &cp.MadeAt)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, nil
	}
	if err != nil {
		return cp, casework.Internal(err)
	}
	copy(cp.Root[:], root)
	cp.PrunedBefore, cp.MadeAt = cp.PrunedBefore.UTC(), cp.MadeAt.UTC()
	return cp, nil
}

// planAuditPrune finds where the log is cut: the count is the entries that go, Held those kept
// because a legal hold stops the cut before them.
func (tx *Tx) planAuditPrune(municipalityID int64, p *retentionPlan, held map[int64]bool) error {
	cp, err := tx.auditCheckpoint(municipalityID)
	if err != nil {
		return err
	}
	before := casework.AddMonths(tx.now, -p.settings.RetentionPeriod(casework.RetAccessLog))
	var size int64
	if err := tx.QueryRow(`SELECT COALESCE((SELECT size FROM audit_heads WHERE municipality_id = $1), 0)`, municipalityID).Scan(&size); err != nil {
		return casework.Internal(err)
	}
	var first sql.NullInt64
	if err := tx.QueryRow(`SELECT MIN(seq) FROM audit_log WHERE municipality_id = $1 AND seq >= $2 AND at > $3`,
		municipalityID, cp.Size, before.UTC()).Scan(&first); err != nil {
		return casework.Internal(err)
	}
	cut := size
	if first.Valid {
		cut = first.Int64
	}
	if len(held) > 0 && cut > cp.Size {
		ids := make([]string, 0, len(held))
		for id := range held {
			ids = append(ids, fmt.Sprint(id))
		}
		var firstHeld sql.NullInt64
		if err := tx.QueryRow(`SELECT MIN(y.seq) FROM audit_youths y
			JOIN cases c ON c.youth_id = y.youth_id AND c.municipality_id = y.municipality_id
			WHERE y.municipality_id = $1 AND y.seq >= $2 AND y.seq < $3 AND c.id IN (`+strings.Join(ids, ",")+`)`,
			municipalityID, cp.Size, cut).Scan(&firstHeld); err != nil {
			return casework.Internal(err)
		}
		if firstHeld.Valid {
			p.count(casework.RetAccessLog).Held = int(cut - firstHeld.Int64)
			cut = firstHeld.Int64
		}
	}
	if cut > cp.Size {
		p.audit = auditCut{From: cp.Size, Size: cut, Before: before}
		p.count(casework.RetAccessLog).Count = int(cut - cp.Size)
	}
	return nil
}

// pruneAudit records the checkpoint and deletes the entries before it, with their rows in the
// extract index. It returns the checkpoint, for the run's own log entry.
func (tx *Tx) pruneAudit(municipalityID int64, c auditCut) (Checkpoint, error) {
	hashes := &storedHashes{tx: tx, municipalityID: municipalityID, limit: tlog.StoredHashCount(c.Size)}
	root, err := tlog.TreeHash(c.Size, hashes)
	if err != nil {
		return Checkpoint{}, casework.Internal(fmt.Errorf("the access log's root before entry %d: %w", c.Size, err))
	}
	cp := Checkpoint{Head: audit.Head{MunicipalityID: municipalityID, Size: c.Size, Root: root}, PrunedBefore: c.Before.UTC(), MadeAt: tx.now}
	if _, err := tx.Exec(`INSERT INTO audit_checkpoints (municipality_id, size, root, pruned_before, made_at) VALUES ($1, $2, $3, $4, $5)`,
		municipalityID, c.Size, root[:], cp.PrunedBefore, tx.now); err != nil {
		return cp, casework.Internal(err)
	}
	for _, q := range []string{
		`DELETE FROM audit_youths WHERE municipality_id = $1 AND seq < $2`,
		`DELETE FROM audit_log WHERE municipality_id = $1 AND seq < $2`,
	} {
		if _, err := tx.Exec(q, municipalityID, c.Size); err != nil {
			return cp, casework.Internal(fmt.Errorf("pruning the access log: %w", err))
		}
	}
	return cp, nil
}

// checkpointDetail names a checkpoint in the run's log entry, so the tree commits to it.
func checkpointDetail(cp Checkpoint) string {
	return fmt.Sprintf("access log cut before entry %d, root %s", cp.Size, base64.StdEncoding.EncodeToString(cp.Root[:]))
}

// logPrunedBefore is the day before which the log's entries were deleted, for an extract to
// say so; nil when none were.
func (tx *Tx) logPrunedBefore(municipalityID int64) (*time.Time, error) {
	cp, err := tx.auditCheckpoint(municipalityID)
	if err != nil || cp.Size == 0 {
		return nil, err
	}
	return &cp.PrunedBefore, nil
}
