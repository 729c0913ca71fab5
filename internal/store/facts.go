package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
)

// This file reads everything the door needs to decide about a case — the case, the young
// person's protection, the municipality's settings, the staff, the parties, every consent with
// its parties, categories and signers, and the facts the flow's moves need — in ONE statement.
// The nested rows come back as JSON arrays (json_group_array on SQLite, json_agg on
// PostgreSQL), the only part of the text that differs between the engines. One statement also
// means a case that does not exist costs the same round trip as one that does.

// factsSQL is the facts query of each engine, built once.
var factsSQL = map[Dialect]string{SQLite: buildFactsSQL(SQLite), Postgres: buildFactsSQL(Postgres)}

// jsonAgg aggregates rows of expr into a JSON array in order; an empty set is [].
func (d Dialect) jsonAgg(expr, order string) string {
	if d == Postgres {
		return "COALESCE(json_agg(" + expr + " ORDER BY " + order + "), '[]'::json)"
	}
	return "json_group_array(" + expr + " ORDER BY " + order + ")"
}

// jsonArray builds a JSON array of the values.
func (d Dialect) jsonArray(vals ...string) string {
	if d == Postgres {
		return "json_build_array(" + strings.Join(vals, ", ") + ")"
	}
	return "json_array(" + strings.Join(vals, ", ") + ")"
}

// jsonSub embeds a subquery's JSON result as JSON inside another JSON value (SQLite passes a
// subquery's result as text unless json() marks it).
func (d Dialect) jsonSub(q string) string {
	if d == Postgres {
		return "(" + q + ")"
	}
	return "json((" + q + "))"
}

func buildFactsSQL(d Dialect) string {
	staff := `SELECT ` + d.jsonAgg(d.jsonArray("s.user_id", "s.role", "u.name"), "s.role, u.name") + ` FROM case_staff s
		JOIN users u ON u.id = s.user_id AND u.municipality_id = s.municipality_id
		WHERE s.municipality_id = c.municipality_id AND s.case_id = c.id`
	parties := `SELECT ` + d.jsonAgg(d.jsonArray("p.agency_id", "a.name", "a.kind", "p.reason"), "a.name") + ` FROM case_parties p
		JOIN agencies a ON a.id = p.agency_id AND a.municipality_id = p.municipality_id
		WHERE p.municipality_id = c.municipality_id AND p.case_id = c.id`
	cParties := `SELECT ` + d.jsonAgg(d.jsonArray("cp.agency_id", "cp.user_id", "COALESCE(ca.name, cu.name, '')"), "COALESCE(ca.name, cu.name, '')") + `
		FROM consent_parties cp LEFT JOIN agencies ca ON ca.id = cp.agency_id LEFT JOIN users cu ON cu.id = cp.user_id
		WHERE cp.consent_id = k.id`
	cCats := `SELECT ` + d.jsonAgg("cg.category", "cg.category") + ` FROM consent_categories cg WHERE cg.consent_id = k.id`
	cSigners := `SELECT ` + d.jsonAgg(d.jsonArray("cs.id", "cs.person", "cs.name", "cs.role", "cs.required", "cs.signed_at", "cs.signed_how", "cs.recorded_by"),
		"cs.role DESC, cs.name") + ` FROM consent_signers cs WHERE cs.consent_id = k.id`
	consents := `SELECT ` + d.jsonAgg(d.jsonArray("k.id", "k.youth_id", "k.valid_from", "k.valid_until", "k.renews_id", "k.language",
		"k.created_by", "k.created_at", "k.withdrawn_at", "k.withdrawn_by", "k.withdrawn_how", "k.withdrawn_note", "k.evidence_id",
		d.jsonSub(cParties), d.jsonSub(cCats), d.jsonSub(cSigners)), "k.valid_from, k.created_at") + `
		FROM consents k WHERE k.municipality_id = c.municipality_id AND k.case_id = c.id`
	// An unidentified young person is handled as protected until identified (identity.go).
	return `SELECT ` + caseCols + `, (y.protected_identity OR ` + unidentifiedSQL + `), y.first_name, y.last_name, y.birth_date, m.settings,
		(` + staff + `), (` + parties + `), (` + consents + `),
		EXISTS (SELECT 1 FROM assessments i WHERE i.municipality_id = c.municipality_id AND i.case_id = c.id AND i.time_point = 'intake'),
		(SELECT pv.version FROM plan_versions pv WHERE pv.municipality_id = c.municipality_id AND pv.case_id = c.id ORDER BY pv.version DESC LIMIT 1),
		(SELECT pv.content FROM plan_versions pv WHERE pv.municipality_id = c.municipality_id AND pv.case_id = c.id ORDER BY pv.version DESC LIMIT 1),
		` + exitNamedSQL + `
		FROM cases c
		JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		JOIN municipalities m ON m.id = c.municipality_id
		WHERE c.municipality_id = $1 AND c.id = $2`
}

// loadedCase is a case with everything its access decision and its moves need, read once.
type loadedCase struct {
	Case     casework.Case
	Facts    access.CaseFacts
	Settings casework.Settings
	Parties  []casework.Party // with names and reasons, in name order
	Flow     casework.Facts   // what the flow's moves need
	Plan     casework.Plan    // the plan in force (zero when none)
	PlanVer  int              // its version (0: none)
	// May is what the actor who opened the case may do with it, decided once.
	May access.May
	// The young person's name and birth date (consents name their signers).
	YouthName  string
	YouthBirth time.Time
}

// loadCase reads a case of the municipality and its facts inside tx. A case of another
// municipality does not exist.
func (tx *Tx) loadCase(municipalityID, caseID int64) (loadedCase, error) {
	return tx.loadCaseLocked(municipalityID, caseID, false)
}

// loadCaseLocked is loadCase; with lock, the case row stays locked until the transaction
// ends (PostgreSQL; SQLite's single writer already serialises), so two changes to one case
// never interleave.
func (tx *Tx) loadCaseLocked(municipalityID, caseID int64, lock bool) (loadedCase, error) {
	q := factsSQL[tx.store.dialect]
	if lock && tx.store.dialect == Postgres {
		q += ` FOR UPDATE OF c`
	}
	var lc loadedCase
	var protected, hasIntake bool
	var settings, first, last, birth string
	var staff, parties, consents []byte
	var planVer sql.NullInt64
	var plan sql.NullString
	var exitPolice, exitSocial int64
	c, err := scanCase(tx.QueryRow(q, municipalityID, caseID), &protected, &first, &last, &birth, &settings, &staff, &parties, &consents, &hasIntake, &planVer, &plan,
		&exitPolice, &exitSocial)
	if errors.Is(err, sql.ErrNoRows) {
		return lc, casework.NotFound("case")
	}
	if err != nil {
		return lc, casework.Internal(err)
	}
	lc.Case = c
	lc.YouthName = strings.TrimSpace(first + " " + last)
	lc.YouthBirth, _ = time.Parse("2006-01-02", birth)
	if lc.Settings, err = tx.store.settings.parse(settings); err != nil {
		return lc, casework.Internal(err)
	}
	f := access.CaseFacts{MunicipalityID: municipalityID, Program: c.Program, Step: c.Step, TakenOn: !c.Milestones.TakenOn.IsZero(),
		ProtectedIdentity: protected, Settings: lc.Settings, ExitNamed: exitNamed(exitPolice, exitSocial)}
	if f.Staff, err = decodeStaff(staff); err != nil {
		return lc, casework.Internal(err)
	}
	if lc.Parties, err = decodeParties(parties); err != nil {
		return lc, casework.Internal(err)
	}
	for _, p := range lc.Parties {
		f.PartyAgencies = append(f.PartyAgencies, p.AgencyID)
	}
	if f.Consents, err = decodeConsents(consents, municipalityID, caseID); err != nil {
		return lc, casework.Internal(err)
	}
	lc.Facts = f
	if planVer.Valid {
		lc.PlanVer = int(planVer.Int64)
		if err := json.Unmarshal([]byte(plan.String), &lc.Plan); err != nil {
			return lc, casework.Internal(err)
		}
	}
	cur, valid := casework.CurrentConsent(f.Consents, tx.now)
	if valid {
		lc.Case.Milestones.ConsentExpires = cur.ValidUntil
	}
	lc.Flow = casework.Facts{Program: c.Program, HasAssessment: hasIntake, RiskLevel: c.RiskLevel, RiskReason: c.RiskReason,
		PartyCount: len(lc.Parties), ConsentValid: valid, HasPlan: lc.Plan.Complete(),
		FollowUp12: !c.Milestones.FollowUp12.IsZero(), Settings: lc.Settings}
	return lc, nil
}

// jrow is one row of a JSON array the facts query returns: its fields, read by position.
type jrow []json.RawMessage

func decodeRows(b []byte) ([]jrow, error) {
	var rows []jrow
	if len(b) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("facts: %w", err)
	}
	return rows, nil
}

func (r jrow) null(i int) bool { return i >= len(r) || len(r[i]) == 0 || string(r[i]) == "null" }

func (r jrow) int(i int) int64 {
	if r.null(i) {
		return 0
	}
	n, err := strconv.ParseInt(strings.Trim(string(r[i]), `"`), 10, 64)
	if err != nil {
		f, _ := strconv.ParseFloat(string(r[i]), 64)
		return int64(f)
	}
	return n
}

func (r jrow) str(i int) string {
	if r.null(i) {
		return ""
	}
	var s string
	if err := json.Unmarshal(r[i], &s); err != nil {
		return string(r[i])
	}
	return s
}

// bool reads a boolean: JSON true/false from PostgreSQL, 0/1 from SQLite.
func (r jrow) bool(i int) bool {
	if r.null(i) {
		return false
	}
	v := string(r[i])
	return v == "true" || v == "1" || v == `"1"` || v == `"true"`
}

// time reads a moment as either engine writes it into JSON: PostgreSQL's ISO form, SQLite's
// stored text (the modernc driver writes Go's time.String form, "2006-01-02 15:04:05 +0000 UTC").
func (r jrow) time(i int) (time.Time, error) {
	s := r.str(i)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("facts: unreadable time %q", s)
}

// nested returns field i, a nested JSON array (unwrapped if it came back as a string).
func (r jrow) nested(i int) ([]byte, error) {
	if r.null(i) {
		return nil, nil
	}
	raw := bytes.TrimSpace(r[i])
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		raw = []byte(s)
	}
	return raw, nil
}

func (r jrow) sub(i int) ([]jrow, error) {
	raw, err := r.nested(i)
	if err != nil || raw == nil {
		return nil, err
	}
	return decodeRows(raw)
}

func (r jrow) strs(i int) ([]string, error) {
	raw, err := r.nested(i)
	if err != nil || raw == nil {
		return nil, err
	}
	var out []string
	return out, json.Unmarshal(raw, &out)
}

func decodeStaff(b []byte) ([]casework.StaffLink, error) {
	rows, err := decodeRows(b)
	var out []casework.StaffLink
	for _, r := range rows {
		out = append(out, casework.StaffLink{UserID: r.int(0), Role: casework.StaffRole(r.str(1)), Name: r.str(2)})
	}
	return out, err
}

func decodeParties(b []byte) ([]casework.Party, error) {
	rows, err := decodeRows(b)
	var out []casework.Party
	for _, r := range rows {
		out = append(out, casework.Party{AgencyID: r.int(0), AgencyName: r.str(1), AgencyKind: casework.AgencyKind(r.str(2)), Reason: r.str(3)})
	}
	return out, err
}

func decodeConsents(b []byte, municipalityID, caseID int64) ([]casework.Consent, error) {
	rows, err := decodeRows(b)
	if err != nil {
		return nil, err
	}
	var out []casework.Consent
	for _, r := range rows {
		c := casework.Consent{ID: r.int(0), MunicipalityID: municipalityID, CaseID: caseID, YouthID: r.int(1),
			RenewsID: r.int(4), Language: r.str(5), CreatedBy: r.int(6), WithdrawnBy: r.str(9),
			WithdrawnHow: casework.WithdrawalMode(r.str(10)), WithdrawnNote: r.str(11), EvidenceID: r.int(12)}
		times := []*time.Time{&c.ValidFrom, &c.ValidUntil, &c.CreatedAt, &c.WithdrawnAt}
		for k, i := range []int{2, 3, 7, 8} {
			if *times[k], err = r.time(i); err != nil {
				return nil, err
			}
		}
		parties, err := r.sub(13)
		if err != nil {
			return nil, err
		}
		for _, p := range parties {
			c.Parties = append(c.Parties, casework.ConsentParty{AgencyID: p.int(0), UserID: p.int(1), Name: p.str(2)})
		}
		cats, err := r.strs(14)
		if err != nil {
			return nil, err
		}
		for _, cat := range cats {
			c.Categories = append(c.Categories, casework.Category(cat))
		}
		c.Categories = orderCategories(c.Categories)
		signers, err := r.sub(15)
		if err != nil {
			return nil, err
		}
		for _, sr := range signers {
			sg := casework.Signer{ID: sr.int(0), Person: sr.str(1), Name: sr.str(2), Role: sr.str(3), Required: sr.bool(4),
				SignedHow: sr.str(6), RecordedBy: sr.int(7)}
			if sg.SignedAt, err = sr.time(5); err != nil {
				return nil, err
			}
			c.Signers = append(c.Signers, sg)
		}
		out = append(out, c)
	}
	return out, nil
}
