package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"lots/internal/casework"
)

// Drafts of long forms (issue 17:1). While someone types into a long form (minutes, a plan, a
// note) the page sends what is typed, now and then, to be kept here per user and form; when the
// session ends before the form is sent, the text comes back after the next login. A draft is
// the user's own unsent text: only they read it back, and a case form's draft only while they
// may still open the case (the web layer opens the case through the door first). The content
// is sealed like the other personal data at rest.

// DraftDays is how long a draft is kept after it was last saved.
const DraftDays = 14

// Limits on what a draft may hold.
const (
	draftFormMax    = 300
	draftContentMax = 256 << 10
)

var colDraftContent = SealedColumn{Table: "drafts", Column: "content", Key: "id"}

// Draft is a form's unsent fields.
type Draft struct {
	Form      string // the form's address (its action path)
	CaseID    int64  // the case a case form belongs to; 0 for other forms
	Content   string // the fields as JSON, as the page sent them
	UpdatedAt time.Time
}

// validDraftForm accepts a local path as a form's name.
func validDraftForm(form string) bool {
	return form != "" && len(form) <= draftFormMax && strings.HasPrefix(form, "/") && !strings.HasPrefix(form, "//") &&
		!strings.ContainsFunc(form, func(r rune) bool { return r < ' ' || r == 0x7f })
}

// SaveDraft keeps d as the actor's draft of d.Form, replacing an earlier one.
func (s *Store) SaveDraft(ctx context.Context, d Draft) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.saveDraft(ctx, a.User.MunicipalityID, a.User.ID, d)
}

// SaveLateDraft keeps d as a draft of the user of sess, a session that ended by time while
// its form was being written: the form arrived too late to be sent, and comes back after the
// next login. The caller has matched the session's token; nothing else is done in its name.
func (s *Store) SaveLateDraft(ctx context.Context, sess Session, d Draft) error {
	return s.saveDraft(ctx, sess.MunicipalityID, sess.UserID, d)
}

func (s *Store) saveDraft(ctx context.Context, municipalityID, userID int64, d Draft) error {
	if !validDraftForm(d.Form) {
		return casework.Invalid("form", "draft.form_invalid")
	}
	if len(d.Content) > draftContentMax {
		return casework.Invalid("content", "draft.too_long")
	}
	return s.update(ctx, func(tx *Tx) error {
		sealed, err := tx.sealText(colDraftContent, d.Content)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE drafts SET content = $1, case_id = $2, updated_at = $3
			WHERE user_id = $4 AND form = $5 AND municipality_id = $6`,
			sealed, nullID(d.CaseID), tx.now, userID, d.Form, municipalityID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		if _, err := tx.Exec(`INSERT INTO drafts (id, municipality_id, user_id, form, case_id, content, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			newID(), municipalityID, userID, d.Form, nullID(d.CaseID), sealed, tx.now); err != nil {
			if isUniqueViolation(err) {
				return casework.Errorf(casework.EConflict, "draft.conflict", "draft saved twice at once")
			}
			return casework.Internal(err)
		}
		return nil
	})
}

// DraftOf returns the actor's draft of form, not found when there is none, it is older than
// DraftDays, or it belongs to a case the actor may no longer open.
func (s *Store) DraftOf(ctx context.Context, form string) (Draft, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Form: form}
	var caseID sql.NullInt64
	var content string
	err = s.rd(ctx).QueryRowContext(ctx, `SELECT case_id, content, updated_at FROM drafts
		WHERE user_id = $1 AND form = $2 AND municipality_id = $3 AND updated_at > $4`,
		a.User.ID, form, a.User.MunicipalityID, s.now().UTC().AddDate(0, 0, -DraftDays)).Scan(&caseID, &content, &d.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, casework.NotFound("draft")
	}
	if err != nil {
		return d, casework.Internal(err)
	}
	// A case form's draft is case content: it comes back only to someone who may open the
	// case now, through the door (decided and audited); refused is not found.
	if caseID.Valid && caseID.Int64 != 0 {
		if _, err := s.CaseDetail(ctx, caseID.Int64); err != nil {
			if code := casework.ErrorCode(err); code == casework.EForbidden || code == casework.ENotFound {
				return Draft{Form: form}, casework.NotFound("draft")
			}
			return Draft{Form: form}, err
		}
	}
	if d.Content, err = s.openText(colDraftContent, content); err != nil {
		return d, err
	}
	d.CaseID, d.UpdatedAt = caseID.Int64, d.UpdatedAt.UTC()
	return d, nil
}

// DraftForms lists the forms the actor has drafts of, newest first (the start page names
// them).
func (s *Store) DraftForms(ctx context.Context) ([]Draft, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT form, case_id, updated_at FROM drafts
		WHERE user_id = $1 AND municipality_id = $2 AND updated_at > $3 ORDER BY updated_at DESC LIMIT 20`,
		a.User.ID, a.User.MunicipalityID, s.now().UTC().AddDate(0, 0, -DraftDays))
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var caseID sql.NullInt64
		if err := rows.Scan(&d.Form, &caseID, &d.UpdatedAt); err != nil {
			return nil, casework.Internal(err)
		}
		d.CaseID, d.UpdatedAt = caseID.Int64, d.UpdatedAt.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

// DeleteDraft removes the actor's draft of form (sent or discarded); none is no error.
func (s *Store) DeleteDraft(ctx context.Context, form string) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if _, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM drafts WHERE user_id = $1 AND form = $2 AND municipality_id = $3`,
		a.User.ID, form, a.User.MunicipalityID); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// PurgeDrafts deletes the drafts last saved more than DraftDays days ago.
func (s *Store) PurgeDrafts(ctx context.Context) (int64, error) {
	res, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM drafts WHERE updated_at <= $1`, s.now().UTC().AddDate(0, 0, -DraftDays))
	if err != nil {
		return 0, casework.Internal(err)
	}
	return res.RowsAffected()
}
