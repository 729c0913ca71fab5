package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/popreg"
)

// This file is identity at intake (issues 19:1 and 15:3). A young person registered without a
// personnummer is unidentified: the concern may be about someone with protected identity whom
// nobody has matched yet, so until identified the record is handled as protected — the access
// facts and the case page treat it exactly like a protected identity (address, school and
// meeting places only for the designated roles).
//
// Identification — a personnummer given with a concern or a correction, the coordinator's
// identification (IdentifyYouth), or merging the record into an identified one — asks the
// population register (package popreg). A protected identity found there, or recorded by hand,
// applies at once to everything recorded about the young person (the flag is on the person,
// not on each record). If the young person was until then unidentified or not known to be
// protected, the reads made in between are opened for the log auditor's review
// (IdentityReviews).

// unidentifiedSQL is true for a young person (alias y) registered without a personnummer whose
// identity nobody has confirmed.
const unidentifiedSQL = `(y.personal_number IS NULL AND y.identity_confirmed_at IS NULL)`

// lookup asks the population register about a personnummer, outside any transaction (a real
// register is a network call). A register that cannot be asked is logged; Lots goes on with
// what staff recorded, which for a new young person without a number is "unidentified".
func (s *Store) lookup(ctx context.Context, pn casework.PersonalNumber) (popreg.Person, bool) {
	if pn.IsZero() {
		return popreg.Person{}, false
	}
	p, found, err := s.registry.Lookup(ctx, pn.String())
	if err != nil {
		s.log.Warn("population register look-up failed; protection is only what staff record", "err", err)
		return popreg.Person{}, false
	}
	return p, found
}

// identityState is what Lots knew about a young person's identity before a change.
type identityState struct {
	unidentified bool
	protected    bool
	created      time.Time
}

func (tx *Tx) identityState(municipalityID, youthID int64) (identityState, error) {
	var st identityState
	err := tx.QueryRow(`SELECT `+unidentifiedSQL+`, y.protected_identity, y.created_at FROM youths y WHERE y.municipality_id = $1 AND y.id = $2`,
		municipalityID, youthID).Scan(&st.unidentified, &st.protected, &st.created)
	if err != nil {
		return st, casework.Internal(err)
	}
	st.created = st.created.UTC()
	return st, nil
}

// mergedState is what was known of a person before two records of theirs were merged: unidentified
// or unprotected if either record was, registered when the earlier was.
func mergedState(a, b identityState) identityState {
	st := identityState{unidentified: a.unidentified || b.unidentified, protected: a.protected && b.protected, created: a.created}
	if b.created.Before(st.created) {
		st.created = b.created
	}
	return st
}

// learnIdentity applies what an identification learned about a young person whose state was
// before: a protection the register reports becomes the person's flag, and if the person is now
// protected but was unidentified or not known to be protected, the reads since they were
// registered are opened for review.
func (tx *Tx) learnIdentity(a casework.Actor, youthID int64, before identityState, person popreg.Person, found bool, how string) error {
	mid := a.User.MunicipalityID
	protection := "recorded"
	if found && person.Protected() {
		protection = "register:" + string(person.Protection)
		if _, err := tx.Exec(`UPDATE youths SET protected_identity = TRUE, updated_at = $1 WHERE municipality_id = $2 AND id = $3`, tx.now, mid, youthID); err != nil {
			return casework.Internal(err)
		}
	}
	after, err := tx.identityState(mid, youthID)
	if err != nil {
		return err
	}
	if !after.protected || (before.protected && !before.unidentified) || !before.created.Before(tx.now) {
		return nil // not protected, known to be protected all along, or registered just now
	}
	_, err = tx.Exec(`INSERT INTO identity_reviews (id, municipality_id, youth_id, registered_at, identified_at, identified_by, how, protection)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), mid, youthID, before.created, tx.now, a.User.ID, how, protection)
	if err != nil {
		return casework.Internal(err)
	}
	return nil
}

// IdentifyInput identifies a young person registered without a personnummer: by the number, or
// by confirming the identity without one (a person who has none: newly arrived, say) with the
// basis for it.
type IdentifyInput struct {
	PersonalNumber string
	Confirm        bool
	Basis          string
}

// IdentifyYouth identifies the young person of a case. With a personnummer the population
// register is asked, and a protected identity it reports applies at once; a number another
// registered young person has is refused (merge the records instead: the duplicates page).
func (s *Store) IdentifyYouth(ctx context.Context, caseID int64, in IdentifyInput) error {
	var fe casework.FieldErrors
	var pn casework.PersonalNumber
	in.Basis = strings.TrimSpace(in.Basis)
	switch {
	case strings.TrimSpace(in.PersonalNumber) != "":
		var err error
		if pn, err = casework.ParsePersonalNumber(in.PersonalNumber, s.now()); err != nil {
			fe.Add("personal_number", casework.AsError(err).Key)
		}
	case in.Confirm:
		if in.Basis == "" || utf8.RuneCountInString(in.Basis) > casework.MaxReasonLength {
			fe.Add("basis", "identify.basis_required")
		}
	default:
		fe.Add("personal_number", "identify.number_or_confirm")
	}
	var person popreg.Person
	var found bool
	if len(fe) == 0 {
		person, found = s.lookup(ctx, pn)
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "youth", Detail: "identified"}, Cat: casework.CatProtected, Work: access.WorkYouth}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := fe.Err(); err != nil { // after access: refused is refused, whatever was typed
			return err
		}
		mid, yid := a.User.MunicipalityID, lc.Case.YouthID
		before, err := tx.identityState(mid, yid)
		if err != nil {
			return err
		}
		if !before.unidentified {
			return casework.Errorf(casework.EConflict, "identify.already", "already identified")
		}
		how := "confirmed"
		if pn.IsZero() {
			if _, err := tx.Exec(`UPDATE youths SET identity_confirmed_at = $1, identity_confirmed_by = $2, updated_at = $1 WHERE municipality_id = $3 AND id = $4`,
				tx.now, a.User.ID, mid, yid); err != nil {
				return casework.Internal(err)
			}
		} else {
			how = "personal_number"
			var other int64
			err := tx.QueryRow(`SELECT id FROM youths WHERE municipality_id = $1 AND personal_number = $2 AND merged_into IS NULL AND id <> $3`,
				mid, pn.String(), yid).Scan(&other)
			if err == nil {
				return casework.Invalid("personal_number", "identify.number_taken")
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return casework.Internal(err)
			}
			var first, last, reserve string
			if err := tx.QueryRow(`SELECT first_name, last_name, COALESCE(reserve_id, '') FROM youths WHERE id = $1`, yid).Scan(&first, &last, &reserve); err != nil {
				return casework.Internal(err)
			}
			y := casework.Youth{FirstName: first, LastName: last, PersonalNumber: pn}
			gender := casework.GenderUnknown
			switch pn.Sex() {
			case casework.SexFemale:
				gender = casework.GenderFemale
			case casework.SexMale:
				gender = casework.GenderMale
			}
			if _, err := tx.Exec(`UPDATE youths SET personal_number = $1, birth_date = $2, gender = CASE WHEN gender = 'unknown' THEN $3 ELSE gender END,
				search_key = $4, updated_at = $5 WHERE municipality_id = $6 AND id = $7`,
				pn.String(), pn.BirthDate().Format("2006-01-02"), string(gender), youthSearchKey(y)+" "+strings.ToLower(reserve), tx.now, mid, yid); err != nil {
				if isUniqueViolation(err) {
					return casework.Invalid("personal_number", "identify.number_taken")
				}
				return casework.Internal(err)
			}
			if found && person.Address != "" {
				addr, err := tx.sealText(colYouthAddress, person.Address)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(`UPDATE youths SET address = $1 WHERE municipality_id = $2 AND id = $3 AND address = ''`, addr, mid, yid); err != nil {
					return casework.Internal(err)
				}
			}
		}
		if err := tx.learnIdentity(a, yid, before, person, found, how); err != nil {
			return err
		}
		reason := in.Basis
		if found && person.Protected() {
			reason = strings.TrimSpace("skyddade personuppgifter enligt folkbokföringen. " + reason)
		}
		return tx.addEvent(a, lc.Case, "youth_identified", "", "", reason, casework.CatBasic)
	})
}

// IdentityReview is a young person found protected after intake, with the reads made while they
// were not known to be: the log auditor reviews them.
type IdentityReview struct {
	ID           int64
	Youth        YouthRef
	RegisteredAt time.Time
	IdentifiedAt time.Time
	IdentifiedBy string
	How          string // "concern", "personal_number", "confirmed", "correction", "merge"
	Protection   string // "register:<kind>" or "recorded"
	ReviewedAt   time.Time
	ReviewedBy   string
	Note         string
	Reads        []LogLine
}

// IdentityReviews lists the open reviews (with done, also the reviewed ones), newest first,
// each with its reads (auditors). The reading is recorded in the log.
func (s *Store) IdentityReviews(ctx context.Context, done bool) ([]IdentityReview, error) {
	w := What{Action: audit.ActionRead, Object: "identity_review"}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return nil, err
	}
	var out []IdentityReview
	err = s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		cond := ` AND r.reviewed_at IS NULL`
		if done {
			cond = ``
		}
		type row struct {
			IdentityReview
			youthID    int64
			reviewedAt sql.NullTime
		}
		rows, err := queryAll(ctx, tx, `SELECT r.id, r.youth_id, r.registered_at, r.identified_at, COALESCE(u.name, ''), r.how, r.protection,
			r.reviewed_at, COALESCE(v.name, ''), r.review_note FROM identity_reviews r
			LEFT JOIN users u ON u.id = r.identified_by AND u.municipality_id = r.municipality_id
			LEFT JOIN users v ON v.id = r.reviewed_by AND v.municipality_id = r.municipality_id
			WHERE r.municipality_id = $1`+cond+` ORDER BY r.identified_at DESC, r.id LIMIT 200`, []any{mid},
			func(sc scanner) (row, error) {
				var x row
				err := sc.Scan(&x.ID, &x.youthID, &x.RegisteredAt, &x.IdentifiedAt, &x.IdentifiedBy, &x.How, &x.Protection,
					&x.reviewedAt, &x.ReviewedBy, &x.Note)
				x.RegisteredAt, x.IdentifiedAt, x.ReviewedAt = x.RegisteredAt.UTC(), x.IdentifiedAt.UTC(), timeOf(x.reviewedAt)
				return x, err
			})
		if err != nil {
			return err
		}
		var youths []int64
		for _, x := range rows {
			r := x.IdentityReview
			r.Youth = YouthRef{ID: x.youthID, Erased: true}
			if y, err := tx.extractYouthByID(mid, x.youthID); err == nil {
				r.Youth = y
			} else if casework.ErrorCode(err) != casework.ENotFound {
				return err
			}
			r.Reads, err = queryAll(ctx, tx, `SELECT `+logLineCols+` FROM audit_log l`+logLineJoins+` WHERE l.municipality_id = $1
				AND l.seq IN (SELECT ay.seq FROM audit_youths ay WHERE ay.municipality_id = $1 AND ay.youth_id IN
					(SELECT id FROM youths WHERE municipality_id = $1 AND (id = $2 OR merged_into = $2) UNION SELECT $2))
				AND l.at >= $3 AND l.at <= $4 AND l.action IN ('read', 'list', 'export') ORDER BY l.seq`,
				[]any{mid, x.youthID, x.RegisteredAt, x.IdentifiedAt}, func(sc scanner) (LogLine, error) { return scanLogLine(sc) })
			if err != nil {
				return err
			}
			for i := range r.Reads {
				r.Reads[i].YouthName = r.Youth.Name
			}
			out = append(out, r)
			youths = append(youths, x.youthID)
		}
		w.Detail = fmt.Sprintf("%d reviews", len(out))
		if len(youths) > 0 {
			return tx.auditList(a, w, youths, d)
		}
		return tx.audit(a, w, d)
	})
	return out, err
}

// extractYouthByID names a registered young person for the auditor.
func (tx *Tx) extractYouthByID(municipalityID, youthID int64) (YouthRef, error) {
	var y YouthRef
	var first, last string
	var pn, reserve sql.NullString
	err := tx.QueryRow(`SELECT id, first_name, last_name, personal_number, reserve_id, protected_identity FROM youths
		WHERE municipality_id = $1 AND id = $2`, municipalityID, youthID).Scan(&y.ID, &first, &last, &pn, &reserve, &y.Protected)
	if errors.Is(err, sql.ErrNoRows) {
		return y, casework.NotFound("youth")
	}
	if err != nil {
		return y, casework.Internal(err)
	}
	y.Name, y.Identity = strings.TrimSpace(first+" "+last), reserve.String
	if pn.Valid && len(pn.String) == 12 {
		y.Identity = pn.String[:8] + "-" + pn.String[8:]
	}
	return y, nil
}

// CloseIdentityReview marks a review done, with the auditor's note (what was found, what was
// done).
func (s *Store) CloseIdentityReview(ctx context.Context, reviewID int64, note string) error {
	w := What{Action: audit.ActionUpdate, Object: "identity_review", ObjectID: reviewID, Detail: "reviewed"}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > casework.MaxReasonLength {
		return casework.Invalid("note", "identify.review_note_required")
	}
	return s.update(ctx, func(tx *Tx) error {
		var youthID int64
		err := tx.QueryRow(`SELECT youth_id FROM identity_reviews WHERE municipality_id = $1 AND id = $2 AND reviewed_at IS NULL`,
			a.User.MunicipalityID, reviewID).Scan(&youthID)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.NotFound("identity_review")
		}
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`UPDATE identity_reviews SET reviewed_at = $1, reviewed_by = $2, review_note = $3 WHERE municipality_id = $4 AND id = $5`,
			tx.now, a.User.ID, note, a.User.MunicipalityID, reviewID); err != nil {
			return casework.Internal(err)
		}
		w.YouthID = youthID
		return tx.audit(a, w, d)
	})
}
