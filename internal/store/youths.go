package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/popreg"
)

const youthCols = `y.id, y.municipality_id, y.first_name, y.last_name, y.personal_number, y.reserve_id, y.birth_date,
	y.gender, y.district_id, y.school, y.address, y.languages, y.interpreter, y.protected_identity, y.merged_into, y.created_at,
	` + unidentifiedSQL

func scanYouth(sc scanner, extra ...any) (casework.Youth, error) {
	var y casework.Youth
	var pn, reserve sql.NullString
	var birth, gender, languages string
	var district, merged sql.NullInt64
	dest := []any{&y.ID, &y.MunicipalityID, &y.FirstName, &y.LastName, &pn, &reserve, &birth, &gender, &district,
		&y.School, &y.Address, &languages, &y.Interpreter, &y.ProtectedIdentity, &merged, &y.CreatedAt, &y.Unidentified}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return y, err
	}
	if pn.Valid {
		// Stored numbers were validated on the way in; parse against a far date so a number is
		// never refused as "in the future" on read.
		p, err := casework.ParsePersonalNumber(pn.String, time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return y, fmt.Errorf("stored personal number of youth %d: %w", y.ID, err)
		}
		y.PersonalNumber = p
	}
	y.ReserveID = reserve.String
	y.BirthDate, _ = time.Parse("2006-01-02", birth)
	y.Gender = casework.Gender(gender)
	y.DistrictID, y.MergedInto = district.Int64, merged.Int64
	if languages != "" {
		y.Languages = strings.Split(languages, ",")
	}
	y.CreatedAt = y.CreatedAt.UTC()
	return y, nil
}

// hideProtected blanks what protected identity hides from those not designated to see it.
func hideProtected(y *casework.Youth) {
	y.Address, y.School = "", ""
}

// insertYouth registers a young person, or returns the id of the one already registered with
// the same personnummer (so the same person is never registered twice by number).
func (tx *Tx) insertYouth(municipalityID int64, y *casework.Youth) (existing bool, err error) {
	if y.DistrictID != 0 {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM districts WHERE municipality_id = $1 AND id = $2`, municipalityID, y.DistrictID).Scan(&n); err != nil {
			return false, casework.Internal(err)
		}
		if n == 0 {
			return false, casework.Invalid("district", "youth.district_invalid")
		}
	}
	if !y.PersonalNumber.IsZero() {
		var id int64
		err := tx.QueryRow(`SELECT id FROM youths WHERE municipality_id = $1 AND personal_number = $2 AND merged_into IS NULL`,
			municipalityID, y.PersonalNumber.String()).Scan(&id)
		if err == nil {
			y.ID = id
			return true, nil
		}
		if err != sql.ErrNoRows {
			return false, casework.Internal(err)
		}
	}
	y.MunicipalityID, y.CreatedAt = municipalityID, tx.now
	address, err := tx.sealText(colYouthAddress, y.Address)
	if err != nil {
		return false, err
	}
	insert := func(pn, reserve any) error {
		y.ID = newID()
		_, err := tx.Exec(`INSERT INTO youths (id, municipality_id, first_name, last_name, sort_key, search_key, personal_number,
			reserve_id, birth_date, gender, district_id, school, address, languages, interpreter, protected_identity, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
			y.ID, municipalityID, y.FirstName, y.LastName, casework.SortKey(y.LastName, y.FirstName), youthSearchKey(*y), pn, reserve,
			y.BirthDate.Format("2006-01-02"), string(y.Gender), nullID(y.DistrictID), y.School, address,
			strings.Join(y.Languages, ","), y.Interpreter, y.ProtectedIdentity, tx.now)
		return err
	}
	if !y.PersonalNumber.IsZero() {
		if err := insert(y.PersonalNumber.String(), nil); err != nil {
			return false, casework.Internal(fmt.Errorf("insert youth: %w", err))
		}
		return false, nil
	}
	// The search key holds the identity: it is recomputed for each reserve id tried.
	y.ReserveID, err = tx.withReserveID(func(reserve string) error {
		y.ReserveID = reserve
		return insert(nil, reserve)
	})
	return false, err
}

// youthSearchKey is what name search matches: first and last name both ways, lower case, and
// the identity.
func youthSearchKey(y casework.Youth) string {
	return casework.SearchKey(y.FirstName+" "+y.LastName+" "+y.LastName+" "+y.FirstName) + " " + strings.ReplaceAll(y.Identity(), "-", "")
}

// UpdateYouth corrects the young person's details (staff on the case, or an intake coordinator).
func (s *Store) UpdateYouth(ctx context.Context, caseID int64, in casework.YouthInput) error {
	var person popreg.Person // what the population register says of a number given (identity.go)
	var found bool
	if pn, err := casework.ParsePersonalNumber(in.PersonalNumber, s.now()); err == nil {
		person, found = s.lookup(ctx, pn)
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "youth"}, Cat: casework.CatProtected, Work: access.WorkYouth}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		y, err := casework.ParseYouth(in, tx.now)
		if err != nil {
			return err
		}
		before, err := tx.identityState(a.User.MunicipalityID, lc.Case.YouthID)
		if err != nil {
			return err
		}
		var pn, reserve any
		if !y.PersonalNumber.IsZero() {
			pn = y.PersonalNumber.String()
			var other int64
			err := tx.QueryRow(`SELECT id FROM youths WHERE municipality_id = $1 AND personal_number = $2 AND merged_into IS NULL AND id <> $3`,
				a.User.MunicipalityID, pn, lc.Case.YouthID).Scan(&other)
			if err == nil {
				return casework.Invalid("personal_number", "youth.duplicate_number")
			}
			if err != sql.ErrNoRows {
				return casework.Internal(err)
			}
		} else {
			var cur sql.NullString
			if err := tx.QueryRow(`SELECT reserve_id FROM youths WHERE id = $1`, lc.Case.YouthID).Scan(&cur); err != nil {
				return casework.Internal(err)
			}
			y.ReserveID = cur.String
			reserve = y.ReserveID
		}
		if y.DistrictID != 0 {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM districts WHERE municipality_id = $1 AND id = $2`, a.User.MunicipalityID, y.DistrictID).Scan(&n); err != nil || n == 0 {
				return casework.Invalid("district", "youth.district_invalid")
			}
		}
		address, err := tx.sealText(colYouthAddress, y.Address)
		if err != nil {
			return err
		}
		update := func() error {
			_, err := tx.Exec(`UPDATE youths SET first_name = $1, last_name = $2, sort_key = $3, search_key = $4, personal_number = $5,
				reserve_id = $6, birth_date = $7, gender = $8, district_id = $9, school = $10, address = $11, languages = $12,
				interpreter = $13, protected_identity = $14, updated_at = $15 WHERE municipality_id = $16 AND id = $17`,
				y.FirstName, y.LastName, casework.SortKey(y.LastName, y.FirstName), youthSearchKey(y), pn, reserve,
				y.BirthDate.Format("2006-01-02"), string(y.Gender), nullID(y.DistrictID), y.School, address,
				strings.Join(y.Languages, ","), y.Interpreter, y.ProtectedIdentity, tx.now, a.User.MunicipalityID, lc.Case.YouthID)
			return err
		}
		if y.PersonalNumber.IsZero() && y.ReserveID == "" {
			// The personnummer was taken away from someone who never had a reserve id: they get one.
			_, err = tx.withReserveID(func(r string) error {
				y.ReserveID, reserve = r, r
				return update()
			})
		} else {
			err = update()
			if isUniqueViolation(err) {
				return casework.Invalid("personal_number", "youth.duplicate_number")
			}
			if err != nil {
				err = casework.Internal(err)
			}
		}
		if err != nil {
			return err
		}
		if err := tx.learnIdentity(a, lc.Case.YouthID, before, person, found, "correction"); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "youth_updated", "", "", "", casework.CatBasic)
	})
}

// RelatedPersons lists the guardians and other adults around the case's young person.
func (s *Store) RelatedPersons(ctx context.Context, caseID int64) ([]casework.RelatedPerson, error) {
	var out []casework.RelatedPerson
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionList, Object: "related_person"}, Cat: casework.CatFamily}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		out, err = queryAll(ctx, tx, `SELECT id, municipality_id, youth_id, kind, name, relation, has_custody, phone, email, address,
			language, interpreter, note FROM related_persons WHERE municipality_id = $1 AND youth_id = $2 ORDER BY kind, name`,
			[]any{a.User.MunicipalityID, lc.Case.YouthID}, scanRelated)
		if err != nil {
			return err
		}
		for i := range out {
			if out[i].Address, err = s.openText(colPersonAddress, out[i].Address); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func scanRelated(sc scanner) (casework.RelatedPerson, error) {
	var p casework.RelatedPerson
	var kind string
	err := sc.Scan(&p.ID, &p.MunicipalityID, &p.YouthID, &kind, &p.Name, &p.Relation, &p.HasCustody, &p.Phone, &p.Email,
		&p.Address, &p.Language, &p.Interpreter, &p.Note)
	p.Kind = casework.RelationKind(kind)
	return p, err
}

// SaveRelatedPerson adds (ID 0) or changes a guardian or other adult.
func (s *Store) SaveRelatedPerson(ctx context.Context, caseID int64, p *casework.RelatedPerson) error {
	action := audit.ActionCreate
	if p.ID != 0 {
		action = audit.ActionUpdate
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: action, Object: "related_person", ObjectID: p.ID}, Cat: casework.CatFamily, Work: access.WorkYouth}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := p.Validate(); err != nil {
			return err
		}
		p.MunicipalityID, p.YouthID = a.User.MunicipalityID, lc.Case.YouthID
		address, err := tx.sealText(colPersonAddress, p.Address)
		if err != nil {
			return err
		}
		if p.ID == 0 {
			p.ID = newID()
			if _, err := tx.Exec(`INSERT INTO related_persons (id, municipality_id, youth_id, kind, name, relation, has_custody, phone,
				email, address, language, interpreter, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				p.ID, p.MunicipalityID, p.YouthID, string(p.Kind), p.Name, p.Relation, p.HasCustody, p.Phone, p.Email, address,
				p.Language, p.Interpreter, p.Note, tx.now); err != nil {
				return casework.Internal(err)
			}
			return tx.addEvent(a, lc.Case, "person_added", "", "", p.Relation, casework.CatFamily)
		}
		res, err := tx.Exec(`UPDATE related_persons SET kind = $1, name = $2, relation = $3, has_custody = $4, phone = $5, email = $6,
			address = $7, language = $8, interpreter = $9, note = $10 WHERE municipality_id = $11 AND youth_id = $12 AND id = $13`,
			string(p.Kind), p.Name, p.Relation, p.HasCustody, p.Phone, p.Email, address, p.Language, p.Interpreter, p.Note,
			p.MunicipalityID, p.YouthID, p.ID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("related_person")
		}
		return nil
	})
}

// DuplicateCandidate is a young person who may be the same as the case's.
type DuplicateCandidate struct {
	CaseID    int64
	YouthID   int64
	Name      string
	BirthDate time.Time
	Identity  string
	Reason    string // "same_birth_date_and_name"
}

// PossibleDuplicates lists registered young people with the case's young person's birth date
// and a similar name (same last name, or same first name), among the cases the actor may see.
func (s *Store) PossibleDuplicates(ctx context.Context, caseID int64) ([]DuplicateCandidate, error) {
	var out []DuplicateCandidate
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "youth", Detail: "duplicates"}, Work: access.WorkYouth}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var first, last, birth string
		if err := tx.QueryRow(`SELECT first_name, last_name, birth_date FROM youths WHERE id = $1`, lc.Case.YouthID).Scan(&first, &last, &birth); err != nil {
			return casework.Internal(err)
		}
		rows, err := tx.Query(`SELECT c.id, y.id, y.first_name, y.last_name, y.birth_date, y.personal_number, y.reserve_id
			FROM youths y JOIN cases c ON c.youth_id = y.id AND c.municipality_id = y.municipality_id
			WHERE y.municipality_id = $1 AND y.birth_date = $2 AND y.id <> $3 AND y.merged_into IS NULL`,
			a.User.MunicipalityID, birth, lc.Case.YouthID)
		if err != nil {
			return casework.Internal(err)
		}
		type cand struct {
			DuplicateCandidate
			first, last string
		}
		var cands []cand
		for rows.Next() {
			var c cand
			var b string
			var pn, res sql.NullString
			if err := rows.Scan(&c.CaseID, &c.YouthID, &c.first, &c.last, &b, &pn, &res); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			c.BirthDate, _ = time.Parse("2006-01-02", b)
			c.Identity = res.String
			if pn.Valid {
				c.Identity = pn.String[:8] + "-" + pn.String[8:]
			}
			cands = append(cands, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		seen := map[int64]bool{}
		for _, c := range cands {
			if seen[c.YouthID] || !(similar(c.last, last) || similar(c.first, first)) {
				continue
			}
			other, err := tx.loadCase(a.User.MunicipalityID, c.CaseID)
			if err != nil || !access.CaseWrite(a, other.Facts, access.WorkYouth, casework.CatBasic, tx.now).Allowed {
				continue
			}
			seen[c.YouthID] = true
			c.Name, c.Reason = strings.TrimSpace(c.first+" "+c.last), "same_birth_date_and_name"
			out = append(out, c.DuplicateCandidate)
		}
		return nil
	})
	return out, err
}

// similar compares names loosely: equal ignoring case, or at most two edits apart.
func similar(a, b string) bool {
	a, b = casework.SearchKey(a), casework.SearchKey(b)
	return a == b || editDistance(a, b) <= 2
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// MergeYouth merges the young person of otherCaseID into the one of caseID: every case,
// adult, assessment, consent, file and event moves over; nothing is deleted. The merged record
// stays, marked as merged, so the log and any printed document still resolve.
func (s *Store) MergeYouth(ctx context.Context, caseID, otherCaseID int64) error {
	var otherRefused *access.Decision
	var otherWhat What
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "youth", Detail: "merge"}, Work: access.WorkYouth}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		// Both records in one transaction: the other case is opened, decided on and locked
		// here too, so nothing changes between the check and the merge.
		otherWhat = What{Action: audit.ActionUpdate, Object: "youth", ObjectID: otherCaseID, Detail: "merged away"}
		other, err := tx.loadCaseLocked(a.User.MunicipalityID, otherCaseID, true)
		if casework.ErrorCode(err) == casework.ENotFound {
			d := access.Denied("not_found")
			otherRefused = &d
			return err
		}
		if err != nil {
			return err
		}
		otherWhat.YouthID = other.Case.YouthID
		od := access.Decide(a, other.Facts, other.Flow, tx.now).Write(access.WorkYouth, casework.CatBasic)
		if !od.Allowed {
			otherRefused = &od
			return casework.NotFound("case")
		}
		if err := tx.audit(a, otherWhat, od); err != nil {
			return err
		}
		otherYouth := other.Case.YouthID
		keep := lc.Case.YouthID
		if keep == otherYouth {
			return casework.Errorf(casework.EConflict, "youth.merge_same", "same person")
		}
		// What was known of each record before: a protection that now covers a record read while
		// it was unidentified or unprotected opens a review (identity.go).
		beforeKeep, err := tx.identityState(a.User.MunicipalityID, keep)
		if err != nil {
			return err
		}
		beforeOther, err := tx.identityState(a.User.MunicipalityID, otherYouth)
		if err != nil {
			return err
		}
		mid := a.User.MunicipalityID
		// Every table that names the young person (audit_log and its index audit_youths
		// excepted: the log says whom each entry was about when it was written).
		for _, t := range []string{"related_persons", "cases", "case_events", "assessments", "consents", "files", "follow_ups", "indicator_points", "placements"} {
			if _, err := tx.Exec(`UPDATE `+t+` SET youth_id = $1 WHERE municipality_id = $2 AND youth_id = $3`, keep, mid, otherYouth); err != nil {
				return casework.Internal(fmt.Errorf("merge %s: %w", t, err))
			}
		}
		// Keep the personnummer if only the merged record had it.
		var pn, kpn sql.NullString
		if err := tx.QueryRow(`SELECT personal_number FROM youths WHERE id = $1`, otherYouth).Scan(&pn); err != nil {
			return casework.Internal(err)
		}
		if err := tx.QueryRow(`SELECT personal_number FROM youths WHERE id = $1`, keep).Scan(&kpn); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`UPDATE youths SET merged_into = $1, updated_at = $2 WHERE municipality_id = $3 AND id = $4`, keep, tx.now, mid, otherYouth); err != nil {
			return casework.Internal(err)
		}
		if pn.Valid && !kpn.Valid {
			if _, err := tx.Exec(`UPDATE youths SET personal_number = $1, reserve_id = NULL WHERE municipality_id = $2 AND id = $3`, pn.String, mid, keep); err != nil {
				return casework.Internal(err)
			}
		}
		// Fold in what only the merged record knew, erring on the side of protection: a
		// protected identity or a need of an interpreter on either record holds for the person;
		// school, address, district and languages fill the kept record's blanks (the kept
		// record's own values win where both have one).
		if _, err := tx.Exec(`UPDATE youths SET
				protected_identity = (youths.protected_identity OR o.protected_identity),
				interpreter = (youths.interpreter OR o.interpreter),
				school = CASE WHEN youths.school = '' THEN o.school ELSE youths.school END,
				address = CASE WHEN youths.address = '' THEN o.address ELSE youths.address END,
				languages = CASE WHEN youths.languages = '' THEN o.languages ELSE youths.languages END,
				district_id = COALESCE(youths.district_id, o.district_id),
				updated_at = $1
			FROM (SELECT protected_identity, interpreter, school, address, languages, district_id FROM youths WHERE municipality_id = $2 AND id = $3) o
			WHERE youths.municipality_id = $2 AND youths.id = $4`, tx.now, mid, otherYouth, keep); err != nil {
			return casework.Internal(fmt.Errorf("merge the records: %w", err))
		}
		if err := tx.learnIdentity(a, keep, mergedState(beforeKeep, beforeOther), popreg.Person{}, false, "merge"); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "youth_merged", "", "", "", casework.CatBasic)
	})
	if otherRefused != nil {
		if a, aerr := requireActor(ctx); aerr == nil {
			s.auditDenied(ctx, a, otherWhat, *otherRefused)
		}
	}
	return err
}
