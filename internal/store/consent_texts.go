package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/consentform"
)

// This file is what the consent pages read beyond consents.go: the municipality's own texts of
// the printable consent form, the form's content, and the consent page's overview.

// ConsentTextFile returns the municipality's own texts file for a form language, and whether it
// has one; without one the form uses the defaults of package consentform. The texts are not
// personal data: anyone who prints forms or manages the organisation may read them.
func (s *Store) ConsentTextFile(ctx context.Context, lang string) ([]byte, bool, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, false, err
	}
	if !access.Can(a, access.ManageOrganisation).Allowed && !access.Can(a, access.WorkWithCases).Allowed {
		return nil, false, casework.Errorf(casework.EForbidden, "error.forbidden", "consent texts need a case or organisation role")
	}
	var content string
	err = s.rd(ctx).QueryRowContext(ctx, `SELECT content FROM consent_texts WHERE municipality_id = $1 AND language = $2`,
		a.User.MunicipalityID, lang).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, casework.Internal(err)
	}
	return []byte(content), true, nil
}

// ConsentTextLanguages lists the form languages the municipality has its own texts for.
func (s *Store) ConsentTextLanguages(ctx context.Context) (map[string]bool, error) {
	a, _, err := s.permit(ctx, access.ManageOrganisation, What{Action: audit.ActionList, Object: "consent_text"})
	if err != nil {
		return nil, err
	}
	langs, err := queryAll(ctx, s.rd(ctx), `SELECT language FROM consent_texts WHERE municipality_id = $1`, []any{a.User.MunicipalityID},
		func(sc scanner) (string, error) {
			var l string
			return l, sc.Scan(&l)
		})
	out := map[string]bool{}
	for _, l := range langs {
		out[l] = true
	}
	return out, err
}

// SaveConsentTexts replaces the municipality's texts for a form language with an uploaded file
// (administrators). The file must pass consentform.Check — every key of the default, the same
// placeholders, nothing unknown — or nothing is saved.
func (s *Store) SaveConsentTexts(ctx context.Context, lang string, data []byte) error {
	w := What{Action: audit.ActionUpdate, Object: "consent_text", Detail: "language " + safeLang(lang)}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if _, err := consentform.Check(lang, data); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO consent_texts (municipality_id, language, content, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality_id, language)
			DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			a.User.MunicipalityID, lang, string(data), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID = a.User.MunicipalityID
		return tx.audit(a, w, d)
	})
}

// ResetConsentTexts returns a form language to the shipped defaults (administrators).
func (s *Store) ResetConsentTexts(ctx context.Context, lang string) error {
	w := What{Action: audit.ActionDelete, Object: "consent_text", Detail: "language " + safeLang(lang)}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if !consentform.Supported(lang) {
		return casework.Invalid("language", "consent.texts_language")
	}
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM consent_texts WHERE municipality_id = $1 AND language = $2`, a.User.MunicipalityID, lang); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID = a.User.MunicipalityID
		return tx.audit(a, w, d)
	})
}

// safeLang keeps a language code fit for an audit entry's detail (which holds no free text).
func safeLang(lang string) string {
	if consentform.Supported(lang) {
		return lang
	}
	return "?"
}

// ownTexts reads and parses the municipality's texts for lang inside tx; nil means the defaults.
// A stored file that no longer passes the check (a new key in a newer Lots) falls back to the
// defaults rather than print a form with holes.
func (tx *Tx) ownTexts(municipalityID int64, lang string) (consentform.Texts, error) {
	var content string
	err := tx.QueryRow(`SELECT content FROM consent_texts WHERE municipality_id = $1 AND language = $2`, municipalityID, lang).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	t, err := consentform.Check(lang, []byte(content))
	if err != nil {
		tx.store.log.Warn("stored consent texts no longer pass the check; using the defaults", "municipality", municipalityID, "language", lang, "err", err)
		return nil, nil
	}
	return t, nil
}

// ConsentForm is what the printable form of one consent needs: the young person's name and the
// consent's content, nothing else of the case.
type ConsentForm struct {
	Consent casework.Consent
	Input   consentform.Input
	Texts   consentform.Texts // the municipality's own for the language asked; nil: the defaults
}

// ConsentForm returns the printable form of a consent in lang ("" for the consent's own
// language). Reading it is reading the case's basic information, audited like any read.
func (s *Store) ConsentForm(ctx context.Context, caseID, consentID int64, lang string) (ConsentForm, error) {
	var out ConsentForm
	op := caseOp{What: What{Action: audit.ActionRead, Object: "consent", ObjectID: consentID, Detail: "printable form"}}
	err := s.withCase(ctx, caseID, op, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		c, ok := findConsent(lc, consentID)
		if !ok {
			return casework.NotFound("consent")
		}
		if lang == "" {
			lang = c.Language
		}
		if !consentform.Supported(lang) {
			lang = "sv"
		}
		mid := a.User.MunicipalityID
		var first, last, municipality string
		if err := tx.QueryRow(`SELECT y.first_name, y.last_name, m.name FROM youths y JOIN municipalities m ON m.id = y.municipality_id
			WHERE y.municipality_id = $1 AND y.id = $2`, mid, lc.Case.YouthID).Scan(&first, &last, &municipality); err != nil {
			return casework.Internal(err)
		}
		in := consentform.Input{
			Reference: strconv.FormatInt(c.ID, 10), Municipality: municipality, YouthName: strings.TrimSpace(first + " " + last),
			Categories: c.Categories, From: c.ValidFrom, Until: c.ValidUntil, Renewal: c.RenewsID != 0, Program: lc.Case.Program,
		}
		for _, p := range c.Parties {
			fp := consentform.Party{Name: p.Name}
			if p.UserID != 0 {
				if err := tx.QueryRow(`SELECT a.name FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.municipality_id = $1 AND u.id = $2`,
					mid, p.UserID).Scan(&fp.Agency); err != nil {
					return casework.Internal(err)
				}
			}
			in.Parties = append(in.Parties, fp)
		}
		for _, sg := range c.Signers {
			if sg.Required {
				in.Signers = append(in.Signers, consentform.Signer{Name: sg.Name, Role: sg.Role})
			}
		}
		var contacts []string
		for _, st := range lc.Facts.Staff {
			if st.Role == casework.StaffCoordinator {
				contacts = append(contacts, st.Name)
			}
		}
		if len(contacts) == 0 {
			var name string
			if err := tx.QueryRow(`SELECT name FROM users WHERE municipality_id = $1 AND id = $2`, mid, c.CreatedBy).Scan(&name); err != nil {
				return casework.Internal(err)
			}
			contacts = append(contacts, name)
		}
		in.Contact = strings.Join(contacts, ", ")
		texts, err := tx.ownTexts(mid, lang)
		if err != nil {
			return err
		}
		c.Language = lang
		out = ConsentForm{Consent: c, Input: in, Texts: texts}
		return nil
	})
	return out, err
}

// ConsentOverview is what the consent page of a case shows: the young person's name, the
// consents, and whether the actor may draw up, sign, withdraw and attach (the access decision
// for editing the case, asked here so the page can offer only what will be allowed).
type ConsentOverview struct {
	CaseID    int64
	YouthName string
	Step      casework.Step
	Open      bool
	Consents  []casework.Consent
	MayEdit   bool
	Settings  casework.Settings
}

// ConsentOverview returns the consent page of a case. It reads the case's basic information and
// is audited as a read of its consents.
func (s *Store) ConsentOverview(ctx context.Context, caseID int64) (ConsentOverview, error) {
	var out ConsentOverview
	op := caseOp{What: What{Action: audit.ActionRead, Object: "consent"}}
	err := s.withCase(ctx, caseID, op, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var first, last string
		if err := tx.QueryRow(`SELECT first_name, last_name FROM youths WHERE municipality_id = $1 AND id = $2`,
			a.User.MunicipalityID, lc.Case.YouthID).Scan(&first, &last); err != nil {
			return casework.Internal(err)
		}
		out = ConsentOverview{
			CaseID: caseID, YouthName: strings.TrimSpace(first + " " + last), Step: lc.Case.Step, Open: lc.Case.Step != casework.StepFollowedUp, // a closed case may get a follow-up consent
			Consents: lc.Facts.Consents, Settings: lc.Settings,
			MayEdit: lc.May.Write(access.WorkEdit, casework.CatBasic).Allowed,
		}
		return nil
	})
	return out, err
}
