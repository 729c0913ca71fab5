package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"lots/internal/casework"
	"lots/internal/stats"
)

// caseDeletes remove a case and everything under it, children first ($1 the municipality, $2
// the case). A table that refers to cases and is not here is found by
// TestEveryCaseTableIsDeletedWithTheCase. The access log (audit_log, audit_youths) is not here:
// its entries keep the case's and the young person's ids, which are pseudonymous once the
// records are gone, so the log still verifies and the extract still finds them.
var caseDeletes = []string{
	`DELETE FROM meeting_attendance WHERE meeting_id IN (SELECT id FROM meetings WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM tasks WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM meeting_decisions WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM meetings WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM group_members WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_groups WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM indicator_values WHERE point_id IN (SELECT id FROM indicator_points WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM indicator_points WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM follow_ups WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM plan_versions WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM consent_signers WHERE consent_id IN (SELECT id FROM consents WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM consent_categories WHERE consent_id IN (SELECT id FROM consents WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM consent_parties WHERE consent_id IN (SELECT id FROM consents WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM consents WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM files WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM security_alerts WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM security_assessments WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM exit_pathways WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM assessment_ratings WHERE assessment_id IN (SELECT id FROM assessments WHERE municipality_id = $1 AND case_id = $2)`,
	`DELETE FROM assessments WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_extensions WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM prep_decisions WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_events WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_parties WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_staff WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM legal_holds WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM future_meetings WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_watches WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM case_reopenings WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM placements WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM drafts WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM notifications WHERE municipality_id = $1 AND case_id = $2`,
	`DELETE FROM cases WHERE municipality_id = $1 AND id = $2`,
}

// KeptAfterDeletion are the tables that name a case or a young person by id and keep their
// rows when the records are deleted: the access log and its index, the reviews of
// identification, the pseudonyms of erased young people and the register-extract requests. They
// hold ids, never a name, personnummer or content.
var KeptAfterDeletion = []string{"audit_log", "audit_youths", "identity_reviews", "erased_youths", "register_requests"}

// CaseDeleteTables are the tables caseDeletes (and the deletion of a young person) clear.
func CaseDeleteTables() []string {
	var out []string
	for _, q := range caseDeletes {
		f := strings.Fields(q)
		out = append(out, f[2])
	}
	return append(out, "related_persons", "youths")
}

// deleteCase removes a case and everything under it.
func (tx *Tx) deleteCase(municipalityID, caseID int64) error {
	for _, q := range caseDeletes {
		if _, err := tx.Exec(q, municipalityID, caseID); err != nil {
			return casework.Internal(fmt.Errorf("delete case: %s: %w", strings.Fields(q)[2], err))
		}
	}
	return nil
}

// deletePlan deletes what the plan found due, inside the run's transaction.
func (tx *Tx) deletePlan(p *retentionPlan, released map[stats.Period]bool, run *RetentionRun, hook func()) error {
	mid := run.MunicipalityID
	youths := map[int64]bool{}
	for _, c := range p.cases {
		ok := true
		for q := stats.PeriodOf(c.opened); !stats.PeriodOf(c.last).Before(q); q = q.Next() {
			ok = ok && released[q]
		}
		if !ok { // its statistics are not all published yet: it waits for the next run
			p.count(c.kind).Count--
			p.count(c.kind).Waiting++
			continue
		}
		if err := tx.deleteCase(mid, c.id); err != nil {
			return err
		}
		youths[c.youthID] = true
	}
	if hook != nil {
		hook()
	}
	// A young person whose last case went goes too, with the adults around them and any record
	// merged into theirs; a pseudonym of their identity stays for the access-log extract.
	for y := range youths {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM cases WHERE municipality_id = $1 AND youth_id = $2`, mid, y).Scan(&n); err != nil {
			return casework.Internal(err)
		}
		if n > 0 {
			continue
		}
		erased, err := tx.eraseYouth(mid, y, run.ID)
		if err != nil {
			return err
		}
		run.Youths += erased
	}
	for _, id := range p.scans {
		if _, err := tx.Exec(`UPDATE consents SET evidence_id = NULL WHERE municipality_id = $1 AND evidence_id = $2`, mid, id); err != nil {
			return casework.Internal(fmt.Errorf("consent scans: consents: %w", err))
		}
		if _, err := tx.Exec(`DELETE FROM files WHERE municipality_id = $1 AND id = $2`, mid, id); err != nil {
			return casework.Internal(fmt.Errorf("consent scans: files: %w", err))
		}
	}
	for _, id := range p.minutes {
		for _, q := range []string{
			`UPDATE meetings SET minutes_text = '', cancel_reason = '' WHERE municipality_id = $1 AND id = $2`,
			`UPDATE meeting_decisions SET text = '' WHERE municipality_id = $1 AND meeting_id = $2`,
			`UPDATE tasks SET text = '' WHERE municipality_id = $1 AND meeting_id = $2`,
		} {
			if _, err := tx.Exec(q, mid, id); err != nil {
				return casework.Internal(fmt.Errorf("minutes: %s: %w", strings.Fields(q)[1], err))
			}
		}
	}
	for _, id := range p.plans {
		if _, err := tx.Exec(`DELETE FROM plan_versions WHERE municipality_id = $1 AND id = $2`, mid, id); err != nil {
			return casework.Internal(fmt.Errorf("old plan versions: plan_versions: %w", err))
		}
	}
	res, err := tx.Exec(`DELETE FROM sessions WHERE municipality_id = $1 AND expires_at <= $2`, mid, p.horizon(casework.RetSessions).UTC())
	if err != nil {
		return casework.Internal(fmt.Errorf("sessions: %w", err))
	}
	n, _ := res.RowsAffected()
	p.count(casework.RetSessions).Count = int(n)
	res, err = tx.Exec(`DELETE FROM api_tokens WHERE municipality_id = $1 AND
		((revoked_at IS NOT NULL AND revoked_at <= $2) OR (expires_at IS NOT NULL AND expires_at <= $2))`, mid, p.horizon(casework.RetAPITokens).UTC())
	if err != nil {
		return casework.Internal(fmt.Errorf("api tokens: %w", err))
	}
	n, _ = res.RowsAffected()
	p.count(casework.RetAPITokens).Count = int(n)
	if p.audit.Size > 0 {
		cp, err := tx.pruneAudit(mid, p.audit)
		if err != nil {
			return err
		}
		run.checkpoint = &cp
	}
	return nil
}

// eraseYouth deletes a young person's record (and records merged into it) and the adults
// around them, keeping a pseudonym of each identity. It returns how many records it deleted.
func (tx *Tx) eraseYouth(municipalityID, youthID, runID int64) (int, error) {
	type rec struct {
		id           int64
		pnr, reserve sql.NullString
	}
	recs, err := queryAll(context.Background(), tx, `SELECT id, personal_number, reserve_id FROM youths
		WHERE municipality_id = $1 AND (id = $2 OR merged_into = $2)`, []any{municipalityID, youthID},
		func(sc scanner) (rec, error) {
			var r rec
			return r, sc.Scan(&r.id, &r.pnr, &r.reserve)
		})
	if err != nil {
		return 0, err
	}
	key, err := tx.secret(pseudonymSecret)
	if err != nil {
		return 0, err
	}
	for _, r := range recs {
		ident := r.reserve.String
		if r.pnr.Valid {
			ident = r.pnr.String
		}
		if _, err := tx.Exec(`INSERT INTO erased_youths (municipality_id, youth_id, identity_hash, erased_at, run_id) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, municipalityID, r.id, identityPseudonym(key, ident), tx.now, runID); err != nil {
			return 0, casework.Internal(err)
		}
		if _, err := tx.Exec(`DELETE FROM related_persons WHERE municipality_id = $1 AND youth_id = $2`, municipalityID, r.id); err != nil {
			return 0, casework.Internal(err)
		}
	}
	for _, r := range recs { // the merged records first: nothing refers to them
		if r.id == youthID {
			continue
		}
		if _, err := tx.Exec(`DELETE FROM youths WHERE municipality_id = $1 AND id = $2`, municipalityID, r.id); err != nil {
			return 0, casework.Internal(err)
		}
	}
	if _, err := tx.Exec(`DELETE FROM youths WHERE municipality_id = $1 AND id = $2`, municipalityID, youthID); err != nil {
		return 0, casework.Internal(err)
	}
	return len(recs), nil
}

// pseudonymSecret names the key of the identity pseudonyms (kept sealed in lots_secrets, so key
// rotation does not change the pseudonyms).
const pseudonymSecret = "identity-pseudonym-v1"

// identityPseudonym is the keyed hash of an identity (12-digit personnummer or reserve id).
func identityPseudonym(key []byte, identity string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(identity))))
	return hex.EncodeToString(m.Sum(nil))
}

// erasedYouth finds the id a young person had, by identity, among those whose records were
// deleted: the access-log extract can still be made for them.
func (tx *Tx) erasedYouth(municipalityID int64, identity string) (int64, bool, error) {
	key := strings.ToUpper(strings.TrimSpace(identity))
	if pn, err := casework.ParsePersonalNumber(identity, tx.now); err == nil {
		key = pn.String()
	}
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM lots_secrets WHERE name = $1`, pseudonymSecret).Scan(&n); err != nil || n == 0 {
		return 0, false, nil // nobody was ever erased (and a read must not create the key)
	}
	secret, err := tx.secret(pseudonymSecret)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = tx.QueryRow(`SELECT youth_id FROM erased_youths WHERE municipality_id = $1 AND identity_hash = $2 ORDER BY erased_at DESC LIMIT 1`,
		municipalityID, identityPseudonym(secret, key)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, casework.Internal(err)
	}
	return id, true, nil
}

// releasedPeriods are the half-years whose dashboard release has every part stored.
func (tx *Tx) releasedPeriods(municipalityID int64) (map[stats.Period]bool, error) {
	type row struct {
		period string
		parts  int
	}
	rows, err := queryAll(context.Background(), tx, `SELECT period, COUNT(*) FROM dashboard_releases WHERE municipality_id = $1 GROUP BY period`,
		[]any{municipalityID}, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.period, &r.parts)
		})
	if err != nil {
		return nil, err
	}
	out := map[stats.Period]bool{}
	for _, r := range rows {
		if p, err := stats.ParsePeriod(r.period); err == nil && r.parts == len(stats.Parts) {
			out[p] = true
		}
	}
	return out, nil
}

// retentionTables are the tables a run deletes from, whose space PostgreSQL's VACUUM reclaims.
func retentionTables() []string {
	return append(CaseDeleteTables(), "sessions", "api_tokens", "audit_log", "audit_youths")
}

// reclaim makes deleted rows physically gone. SQLite: secure_delete (a pragma on every
// connection) has overwritten the deleted content with zeros; the write-ahead log is
// checkpointed and truncated, VACUUM rebuilds the file without the freed pages, and the log is
// truncated again. PostgreSQL: VACUUM marks the dead rows' space free for reuse (their bytes
// stay on disk until overwritten; docs/data-protection.md says what that means).
func (s *Store) reclaim(ctx context.Context) error {
	if s.dialect == SQLite {
		for _, q := range []string{`PRAGMA wal_checkpoint(TRUNCATE)`, `VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
			if _, err := s.write.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
	for _, t := range retentionTables() {
		if _, err := s.write.ExecContext(ctx, `VACUUM (ANALYZE) `+t); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}
