package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// consentsOfCase loads every consent of a case with its parties, categories and signers.
func (tx *Tx) consentsOfCase(municipalityID, caseID int64) ([]casework.Consent, error) {
	ctx := tx.ctx
	cs, err := queryAll(ctx, tx, `SELECT id, municipality_id, case_id, youth_id, valid_from, valid_until, renews_id,
		language, created_by, created_at, withdrawn_at, withdrawn_by, withdrawn_how, withdrawn_note, evidence_id
		FROM consents WHERE municipality_id = $1 AND case_id = $2 ORDER BY valid_from, created_at`,
		[]any{municipalityID, caseID}, func(sc scanner) (casework.Consent, error) {
			var c casework.Consent
			var renews, evidence sql.NullInt64
			var withdrawn sql.NullTime
			var how string
			err := sc.Scan(&c.ID, &c.MunicipalityID, &c.CaseID, &c.YouthID, &c.ValidFrom, &c.ValidUntil, &renews,
				&c.Language, &c.CreatedBy, &c.CreatedAt, &withdrawn, &c.WithdrawnBy, &how, &c.WithdrawnNote, &evidence)
			c.ValidFrom, c.ValidUntil, c.CreatedAt = c.ValidFrom.UTC(), c.ValidUntil.UTC(), c.CreatedAt.UTC()
			c.RenewsID, c.EvidenceID, c.WithdrawnAt = renews.Int64, evidence.Int64, timeOf(withdrawn)
			c.WithdrawnHow = casework.WithdrawalMode(how)
			return c, err
		})
	if err != nil || len(cs) == 0 {
		return cs, err
	}
	idx := map[int64]int{}
	for i, c := range cs {
		idx[c.ID] = i
	}
	rows, err := tx.Query(`SELECT p.consent_id, p.agency_id, p.user_id, COALESCE(a.name, u.name, '') FROM consent_parties p
		JOIN consents k ON k.id = p.consent_id
		LEFT JOIN agencies a ON a.id = p.agency_id LEFT JOIN users u ON u.id = p.user_id
		WHERE k.municipality_id = $1 AND k.case_id = $2 ORDER BY 4`, municipalityID, caseID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	for rows.Next() {
		var id int64
		var ag, us sql.NullInt64
		var name string
		if err := rows.Scan(&id, &ag, &us, &name); err != nil {
			rows.Close()
			return nil, casework.Internal(err)
		}
		cs[idx[id]].Parties = append(cs[idx[id]].Parties, casework.ConsentParty{AgencyID: ag.Int64, UserID: us.Int64, Name: name})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	rows, err = tx.Query(`SELECT g.consent_id, g.category FROM consent_categories g JOIN consents k ON k.id = g.consent_id
		WHERE k.municipality_id = $1 AND k.case_id = $2`, municipalityID, caseID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	for rows.Next() {
		var id int64
		var cat string
		if err := rows.Scan(&id, &cat); err != nil {
			rows.Close()
			return nil, casework.Internal(err)
		}
		cs[idx[id]].Categories = append(cs[idx[id]].Categories, casework.Category(cat))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	for i := range cs {
		cs[i].Categories = orderCategories(cs[i].Categories)
	}
	rows, err = tx.Query(`SELECT s.id, s.consent_id, s.person, s.name, s.role, s.required, s.signed_at, s.signed_how, s.recorded_by
		FROM consent_signers s JOIN consents k ON k.id = s.consent_id
		WHERE k.municipality_id = $1 AND k.case_id = $2 ORDER BY s.role DESC, s.name`, municipalityID, caseID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sg casework.Signer
		var cid int64
		var signed sql.NullTime
		var by sql.NullInt64
		if err := rows.Scan(&sg.ID, &cid, &sg.Person, &sg.Name, &sg.Role, &sg.Required, &signed, &sg.SignedHow, &by); err != nil {
			return nil, casework.Internal(err)
		}
		sg.SignedAt, sg.RecordedBy = timeOf(signed), by.Int64
		cs[idx[cid]].Signers = append(cs[idx[cid]].Signers, sg)
	}
	return cs, rows.Err()
}

func orderCategories(cs []casework.Category) []casework.Category {
	var out []casework.Category
	for _, c := range casework.ConsentCategories {
		for _, x := range cs {
			if x == c {
				out = append(out, c)
			}
		}
	}
	return out
}

// Consents returns the consents of a case (basic information: who may see what, until when).
func (s *Store) Consents(ctx context.Context, caseID int64) ([]casework.Consent, error) {
	var out []casework.Consent
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "consent"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		out = lc.Facts.Consents
		return nil
	})
	return out, err
}

// CreateConsent draws up a consent for a case: period, parties, categories, and the signers the
// municipality's rule requires (the young person and each guardian with custody by default).
// It is not valid until every required signer has signed.
func (s *Store) CreateConsent(ctx context.Context, caseID int64, in casework.ConsentInput) (casework.Consent, error) {
	var c casework.Consent
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "consent"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		// A closed case may get a consent for its long-term follow-up (the 6- and 12-month
		// calls: the police's and the school's figures); once followed up, none.
		if lc.Case.Step == casework.StepFollowedUp {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "case followed up")
		}
		var err error
		if c, err = casework.BuildConsent(in, lc.Settings); err != nil {
			return err
		}
		if err := tx.checkParties(a.User.MunicipalityID, c.Parties); err != nil {
			return err
		}
		if c.RenewsID != 0 {
			found := false
			for _, old := range lc.Facts.Consents {
				found = found || old.ID == c.RenewsID
			}
			if !found {
				return casework.Invalid("renews", "consent.renews_unknown")
			}
		}
		people, age, err := tx.signerPeople(lc, c.ValidFrom)
		if err != nil {
			return err
		}
		c.Signers = casework.RequiredSigners(age, people, lc.Settings)
		required := false
		for _, sg := range c.Signers {
			required = required || sg.Required
		}
		if !required {
			return casework.Errorf(casework.EConflict, "consent.no_signers", "nobody to sign")
		}
		c.ID, c.MunicipalityID, c.CaseID, c.YouthID, c.CreatedBy, c.CreatedAt = newID(), a.User.MunicipalityID, caseID, lc.Case.YouthID, a.User.ID, tx.now
		if _, err := tx.Exec(`INSERT INTO consents (id, municipality_id, case_id, youth_id, valid_from, valid_until, renews_id,
			language, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			c.ID, c.MunicipalityID, c.CaseID, c.YouthID, c.ValidFrom, c.ValidUntil, nullID(c.RenewsID), c.Language, c.CreatedBy, c.CreatedAt); err != nil {
			return casework.Internal(err)
		}
		// Parties, categories and signers: one statement each.
		var parties, cats, signers [][]any
		for _, p := range c.Parties {
			parties = append(parties, []any{c.MunicipalityID, c.ID, nullID(p.AgencyID), nullID(p.UserID)})
		}
		for _, cat := range c.Categories {
			cats = append(cats, []any{c.MunicipalityID, c.ID, string(cat)})
		}
		for i := range c.Signers {
			c.Signers[i].ID = newID()
			sg := c.Signers[i]
			signers = append(signers, []any{sg.ID, c.MunicipalityID, c.ID, sg.Person, sg.Name, sg.Role, sg.Required})
		}
		if err := tx.insertRows(`INSERT INTO consent_parties (municipality_id, consent_id, agency_id, user_id) VALUES `, parties); err != nil {
			return casework.Internal(err)
		}
		if err := tx.insertRows(`INSERT INTO consent_categories (municipality_id, consent_id, category) VALUES `, cats); err != nil {
			return casework.Internal(err)
		}
		if err := tx.insertRows(`INSERT INTO consent_signers (id, municipality_id, consent_id, person, name, role, required) VALUES `, signers); err != nil {
			return casework.Internal(err)
		}
		kind := "consent_drawn_up"
		if c.RenewsID != 0 {
			kind = "consent_renewal_drawn_up"
		}
		return tx.addEvent(a, lc.Case, kind, "", "", "", casework.CatBasic)
	})
	return c, err
}

// checkParties verifies that every party is an agency or an active user of the municipality.
func (tx *Tx) checkParties(municipalityID int64, ps []casework.ConsentParty) error {
	args := []any{municipalityID}
	var ags, us []string
	for _, p := range ps {
		if p.AgencyID != 0 {
			args = append(args, p.AgencyID)
			ags = append(ags, "$"+strconv.Itoa(len(args)))
		} else {
			args = append(args, p.UserID)
			us = append(us, "$"+strconv.Itoa(len(args)))
		}
	}
	in := func(ph []string) string {
		if len(ph) == 0 {
			return "NULL"
		}
		return strings.Join(ph, ", ")
	}
	// Every party in one read: the agencies and the active users of the municipality named.
	var na, nu int
	if err := tx.QueryRow(`SELECT (SELECT COUNT(*) FROM agencies WHERE municipality_id = $1 AND id IN (`+in(ags)+`)),
		(SELECT COUNT(*) FROM users WHERE municipality_id = $1 AND active = TRUE AND id IN (`+in(us)+`))`, args...).Scan(&na, &nu); err != nil {
		return casework.Internal(err)
	}
	if na != len(ags) || nu != len(us) {
		return casework.Invalid("parties", "consent.party_unknown")
	}
	return nil
}

// signerPeople lists the young person and the adults around them, and the young person's age
// at t.
func (tx *Tx) signerPeople(lc *loadedCase, t time.Time) ([]casework.SignerPerson, int, error) {
	municipalityID, youthID, bd := lc.Case.MunicipalityID, lc.Case.YouthID, lc.YouthBirth
	people := []casework.SignerPerson{{Person: "youth", Name: lc.YouthName, IsYouth: true}}
	rows, err := tx.Query(`SELECT id, name, has_custody FROM related_persons WHERE municipality_id = $1 AND youth_id = $2 ORDER BY name`, municipalityID, youthID)
	if err != nil {
		return nil, 0, casework.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p casework.SignerPerson
		var id int64
		if err := rows.Scan(&id, &p.Name, &p.HasCustody); err != nil {
			return nil, 0, casework.Internal(err)
		}
		p.Person = "person:" + strconv.FormatInt(id, 10)
		people = append(people, p)
	}
	return people, casework.Age(bd, t), rows.Err()
}

// findConsent returns the consent among the case's.
func findConsent(lc *loadedCase, consentID int64) (casework.Consent, bool) {
	for _, c := range lc.Facts.Consents {
		if c.ID == consentID {
			return c, true
		}
	}
	return casework.Consent{}, false
}

// SignConsent records one signer's signature. When the last required signature is in, the
// consent is in force from its start date.
func (s *Store) SignConsent(ctx context.Context, caseID, consentID, signerID int64, how string, at time.Time) (casework.Consent, error) {
	var out casework.Consent
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "consent", ObjectID: consentID, Detail: "signature"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		c, ok := findConsent(lc, consentID)
		if !ok {
			return casework.NotFound("consent")
		}
		if !c.WithdrawnAt.IsZero() {
			return casework.Errorf(casework.EConflict, "consent.withdrawn_already", "consent withdrawn")
		}
		if how != "paper" && how != "meeting" && how != "digital" {
			return casework.Invalid("signed_how", "consent.signed_how_invalid")
		}
		if at.IsZero() {
			at = tx.now
		}
		if at.After(tx.now) {
			return casework.Invalid("signed_at", "consent.signed_in_future")
		}
		found := false
		for i, sg := range c.Signers {
			if sg.ID == signerID {
				if !sg.SignedAt.IsZero() {
					return casework.Errorf(casework.EConflict, "consent.signed_already", "already signed")
				}
				c.Signers[i].SignedAt, found = at.UTC(), true
			}
		}
		if !found {
			return casework.NotFound("signer")
		}
		if _, err := tx.Exec(`UPDATE consent_signers SET signed_at = $1, signed_how = $2, recorded_by = $3 WHERE consent_id = $4 AND id = $5`,
			at.UTC(), how, a.User.ID, consentID, signerID); err != nil {
			return casework.Internal(err)
		}
		if signedAt := c.SignedAt(); !signedAt.IsZero() {
			if _, err := tx.Exec(`UPDATE consents SET signed_at = $1 WHERE municipality_id = $2 AND id = $3`, signedAt, a.User.MunicipalityID, consentID); err != nil {
				return casework.Internal(err)
			}
			if err := tx.addEvent(a, lc.Case, "consent_signed", "", "", "", casework.CatBasic); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.consentAfter(lc, consentID)
		return err
	})
	return out, err
}

// consentAfter reads a consent of the case again after a change to it in tx, for the answer
// (so a request that changes a consent and shows it reads the case once and writes one entry).
func (tx *Tx) consentAfter(lc *loadedCase, consentID int64) (casework.Consent, error) {
	cs, err := tx.consentsOfCase(lc.Case.MunicipalityID, lc.Case.ID)
	if err != nil {
		return casework.Consent{}, err
	}
	for _, c := range cs {
		if c.ID == consentID {
			return c, nil
		}
	}
	return casework.Consent{}, casework.NotFound("consent")
}

// WithdrawConsent records a withdrawal by a signer. It takes effect at once: from this moment
// the parties it covered see nothing of the case that the consent gave them.
func (s *Store) WithdrawConsent(ctx context.Context, caseID, consentID int64, by string, how casework.WithdrawalMode, note string) (casework.Consent, error) {
	var out casework.Consent
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "consent", ObjectID: consentID, Detail: "withdrawal"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		c, ok := findConsent(lc, consentID)
		if !ok {
			return casework.NotFound("consent")
		}
		if !c.WithdrawnAt.IsZero() {
			return casework.Errorf(casework.EConflict, "consent.withdrawn_already", "consent withdrawn")
		}
		if err := casework.Withdrawal(by, how, note); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_how = $3, withdrawn_note = $4
			WHERE municipality_id = $5 AND id = $6`, tx.now, strings.TrimSpace(by), string(how), strings.TrimSpace(note), a.User.MunicipalityID, consentID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.addEvent(a, lc.Case, "consent_withdrawn", "", "", strings.TrimSpace(by)+" ("+string(how)+")", casework.CatBasic); err != nil {
			return err
		}
		var err error
		out, err = tx.consentAfter(lc, consentID)
		return err
	})
	return out, err
}

// Evidence limits.
const (
	MaxEvidenceBytes = 10 << 20
)

// evidenceTypes are the accepted signed-form files, by sniffed content type.
var evidenceTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// AttachConsentEvidence stores the signed form (PDF, JPEG or PNG, at most 10 MB), checked by its
// content, not by the name it came with.
func (s *Store) AttachConsentEvidence(ctx context.Context, caseID, consentID int64, name, sniffedType string, data []byte) (casework.Consent, error) {
	var out casework.Consent
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "file", Detail: "consent evidence"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if _, ok := findConsent(lc, consentID); !ok {
			return casework.NotFound("consent")
		}
		if len(data) == 0 {
			return casework.Invalid("file", "consent.file_empty")
		}
		if len(data) > MaxEvidenceBytes {
			return casework.Invalid("file", "consent.file_too_large")
		}
		if _, ok := evidenceTypes[sniffedType]; !ok {
			return casework.Invalid("file", "consent.file_type")
		}
		sum := sha256.Sum256(data)
		sealed, err := tx.sealBytes(colFileData, data)
		if err != nil {
			return err
		}
		id := newID()
		name = safeFileName(name, evidenceTypes[sniffedType], "samtycke")
		if _, err := tx.Exec(`INSERT INTO files (id, municipality_id, case_id, youth_id, kind, name, content_type, size, sha256, data, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, 'consent_evidence', $5, $6, $7, $8, $9, $10, $11)`, id, a.User.MunicipalityID, caseID, lc.Case.YouthID,
			name, sniffedType, len(data), hex.EncodeToString(sum[:]), sealed, a.User.ID, tx.now); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`UPDATE consents SET evidence_id = $1 WHERE municipality_id = $2 AND id = $3`, id, a.User.MunicipalityID, consentID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.addEvent(a, lc.Case, "consent_evidence", "", "", "", casework.CatBasic); err != nil {
			return err
		}
		out, err = tx.consentAfter(lc, consentID)
		return err
	})
	return out, err
}

// File is a stored file.
type File struct {
	ID          int64
	Name        string
	ContentType string
	Data        []byte
	UploadedAt  time.Time
}

// ConsentEvidence returns the signed form of a consent. Reading it is reading the case's basic
// information; it is audited like any read.
func (s *Store) ConsentEvidence(ctx context.Context, caseID, consentID int64) (File, error) {
	var f File
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "file", Detail: "consent evidence"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		c, ok := findConsent(lc, consentID)
		if !ok || c.EvidenceID == 0 {
			return casework.NotFound("file")
		}
		err := tx.QueryRow(`SELECT id, name, content_type, data, uploaded_at FROM files WHERE municipality_id = $1 AND id = $2`,
			a.User.MunicipalityID, c.EvidenceID).Scan(&f.ID, &f.Name, &f.ContentType, &f.Data, &f.UploadedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.NotFound("file")
		}
		if err != nil {
			return casework.Internal(fmt.Errorf("evidence: %w", err))
		}
		// A name stored before names were made safe is made safe on the way out.
		f.Name = safeFileName(f.Name, evidenceTypes[f.ContentType], "samtycke")
		f.Data, err = s.openBytes(colFileData, f.Data)
		return err
	})
	return f, err
}
