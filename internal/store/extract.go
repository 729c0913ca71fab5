package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// The register extract (registerutdrag, GDPR art. 15; issue 15:2): everything Lots holds about
// one person who asks — a young person, or a guardian or other adult registered around one —
// and who has read it. The auditor (access.RegisterExtract) makes it; making it and handing it
// over are recorded (register_requests and the log).
//
// What it leaves out, and why (docs/data-protection.md, "The register extract"): another
// person's data. A young person's extract names the adults around them only by their relation
// (mother, coach) and custody — not their names, contacts or notes; professionals appear by name
// and agency, as officials acting in office. A guardian's extract holds the guardian's own
// registrations, signatures and group memberships, and who read family information — never the
// young person's name or case content: a child's data is the child's, and may be secret even
// towards the guardians (OSL 12 kap. 3 §). Free texts (notes, minutes, reasons) are included as
// written and must be read through by the official, who masks what is secret about others
// before delivery.

// ExtractSubject is whom an extract is for.
type ExtractSubject string

const (
	SubjectYouth    ExtractSubject = "youth"
	SubjectGuardian ExtractSubject = "guardian"
)

// RegisterQuery selects the person: a young person by personnummer or reserve id, or an adult
// by the registrations (related-person ids) the official has matched to them.
type RegisterQuery struct {
	Subject   ExtractSubject
	Identity  string
	PersonIDs []int64
}

// AdultRef is an adult around the young person as the young person's extract shows them.
type AdultRef struct {
	Kind       casework.RelationKind `json:"kind"`
	Relation   string                `json:"relation"`
	HasCustody bool                  `json:"has_custody"`
}

// ConsentExtract is a consent as an extract shows it: the signers by role only, except the one
// the extract is for.
type ConsentExtract struct {
	ID          int64           `json:"id"`
	ValidFrom   time.Time       `json:"valid_from"`
	ValidUntil  time.Time       `json:"valid_until"`
	WithdrawnAt time.Time       `json:"withdrawn_at,omitzero"`
	Categories  []string        `json:"categories"`
	Parties     []string        `json:"parties"`
	Signers     []SignerExtract `json:"signers"`
	HasScan     bool            `json:"has_scan"`
}

// SignerExtract is a signature: the role, and the name only when it is the person's own.
type SignerExtract struct {
	Role      string    `json:"role"`
	Name      string    `json:"name,omitempty"`
	SignedAt  time.Time `json:"signed_at,omitzero"`
	SignedHow string    `json:"signed_how,omitempty"`
	Own       bool      `json:"own"`
}

// EventExtract is a timeline entry.
type EventExtract struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	By       string    `json:"by"`
	Agency   string    `json:"agency"`
	Category string    `json:"category"`
	FromStep string    `json:"from_step,omitempty"`
	ToStep   string    `json:"to_step,omitempty"`
	Text     string    `json:"text,omitempty"`
}

// AssessmentExtract is an assessment with its ratings.
type AssessmentExtract struct {
	Instrument string            `json:"instrument"`
	TimePoint  string            `json:"time_point"`
	AssessedAt time.Time         `json:"assessed_at"`
	Assessor   string            `json:"assessor"`
	RiskLevel  string            `json:"risk_level,omitempty"`
	RiskReason string            `json:"risk_reason,omitempty"`
	Protective string            `json:"protective,omitempty"`
	Note       string            `json:"note,omitempty"`
	Ratings    []casework.Rating `json:"ratings"`
}

// MeetingExtract is a meeting of the group.
type MeetingExtract struct {
	Start   time.Time `json:"start"`
	Status  string    `json:"status"`
	Place   string    `json:"place,omitempty"`
	Minutes string    `json:"minutes,omitempty"`
}

// CaseExtract is one case of the young person, whole.
type CaseExtract struct {
	ID            int64                  `json:"id"`
	Program       string                 `json:"program"`
	Step          string                 `json:"step"`
	OpenedAt      time.Time              `json:"opened_at"`
	ClosedAt      time.Time              `json:"closed_at,omitzero"`
	ClosureReason string                 `json:"closure_reason,omitempty"`
	RiskLevel     string                 `json:"risk_level,omitempty"`
	RiskReason    string                 `json:"risk_reason,omitempty"`
	Staff         []string               `json:"staff"`
	Parties       []string               `json:"parties"`
	Events        []EventExtract         `json:"timeline"`
	Assessments   []AssessmentExtract    `json:"assessments"`
	Consents      []ConsentExtract       `json:"consents"`
	Plans         []casework.PlanVersion `json:"plan_versions"`
	Meetings      []MeetingExtract       `json:"meetings"`
	Tasks         []string               `json:"tasks"`
	Indicators    []string               `json:"indicators"`
	Files         []string               `json:"files"`
	Holds         []string               `json:"legal_holds"`
	// Security are the young person's own security assessments and Exit their exit pathway,
	// with what is withheld named in Withheld (securityExtract).
	Security []SecurityExtract `json:"security_assessments"`
	Exit     *ExitExtract      `json:"exit_pathway,omitempty"`
	// Placements are the young person's placements, without where (placementExtract).
	Placements []PlacementExtract `json:"placements"`
	Withheld   []Withheld         `json:"withheld"`
}

// PlacementExtract is one placement of the young person: form, legal basis, a wait for a SiS
// place, the days and the reason — not where.
type PlacementExtract struct {
	Form        string    `json:"form"`
	LegalBasis  string    `json:"legal_basis"`
	Waiting     bool      `json:"waiting"`
	RequestedOn string    `json:"requested_on,omitempty"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	RecordedBy  string    `json:"recorded_by"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// SecurityExtract is one of the young person's own security assessments, without the persons
// linked to the threats.
type SecurityExtract struct {
	Level         string `json:"level"`
	PreviousLevel string `json:"previous_level,omitempty"`
	Threats       string `json:"threats,omitempty"`
	Escalation    string `json:"escalation,omitempty"`
	Measures      string `json:"measures,omitempty"`
	AssessedOn    string `json:"assessed_on"`
	ReviewOn      string `json:"review_on"`
	By            string `json:"by"`
	ByAgency      string `json:"by_agency,omitempty"`
}

// ExitExtract is the young person's exit pathway without the police's assessment and the
// destination.
type ExitExtract struct {
	Stage         string    `json:"stage"`
	WishOn        string    `json:"wish_on"`
	Programme     string    `json:"programme,omitempty"`
	PoliceContact string    `json:"police_contact"`
	SocialContact string    `json:"social_contact"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Withheld is something the extract holds back: what (a key the page explains), how many, and
// the ground it rests on.
type Withheld struct {
	What   string `json:"what"`
	Count  int    `json:"count"`
	Ground string `json:"ground"`
}

// The kinds of Withheld and their grounds (docs/data-protection.md, "Security assessments and
// exit pathways"). Each is named only when the young person's own data has such an item, so
// the list reveals nothing about anyone else.
const (
	WithheldLinked           = "security_linked"
	WithheldPoliceAssessment = "exit_police_assessment"
	WithheldDestination      = "exit_destination"
	WithheldPlacementPlace   = "placement_place"
)

var withheldGround = map[string]string{
	WithheldLinked:           "OSL 26 kap. 1 §, 21 kap. 3 §; GDPR art. 15.4, dataskyddslagen 5 kap. 1 §",
	WithheldPoliceAssessment: "OSL 18 kap. 1–2 §§, 35 kap. 1 § (hos Polismyndigheten); dataskyddslagen 5 kap. 1 §",
	WithheldDestination:      "OSL 21 kap. 3 §, 26 kap. 1 §; GDPR art. 15.4",
	WithheldPlacementPlace:   "OSL 26 kap. 1 §; GDPR art. 15.4",
}

// YouthExtract is what Lots holds about a young person.
type YouthExtract struct {
	Name              string        `json:"name"`
	Identity          string        `json:"identity"`
	BirthDate         string        `json:"birth_date"`
	Gender            string        `json:"gender"`
	District          string        `json:"district,omitempty"`
	School            string        `json:"school,omitempty"`
	Address           string        `json:"address,omitempty"`
	Languages         []string      `json:"languages,omitempty"`
	Interpreter       bool          `json:"interpreter"`
	ProtectedIdentity bool          `json:"protected_identity"`
	RegisteredAt      time.Time     `json:"registered_at"`
	Adults            []AdultRef    `json:"adults"`
	Cases             []CaseExtract `json:"cases"`
}

// Registration is an adult's registration around one young person, as their own extract shows
// it (the young person unnamed).
type Registration struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Relation     string    `json:"relation"`
	HasCustody   bool      `json:"has_custody"`
	Phone        string    `json:"phone,omitempty"`
	Email        string    `json:"email,omitempty"`
	Address      string    `json:"address,omitempty"`
	Language     string    `json:"language,omitempty"`
	Interpreter  bool      `json:"interpreter"`
	Note         string    `json:"note,omitempty"`
	RegisteredAt time.Time `json:"registered_at"`
	// Signatures are the consents they signed or were asked to sign.
	Signatures []ConsentExtract `json:"consents"`
	// Groups are the operative groups they were members of: from, to.
	Groups []string `json:"group_memberships"`
}

// GuardianExtract is what Lots holds about an adult.
type GuardianExtract struct {
	Registrations []Registration `json:"registrations"`
}

// RegisterExtract is the extract.
type RegisterExtract struct {
	RequestID int64            `json:"request_id"`
	Subject   ExtractSubject   `json:"subject"`
	MadeAt    time.Time        `json:"made_at"`
	MadeBy    string           `json:"made_by"`
	Youth     *YouthExtract    `json:"youth,omitempty"`
	Guardian  *GuardianExtract `json:"guardian,omitempty"`
	// Reads is who read or changed the data: the access-log extract (for a guardian, the
	// entries about them and about the family information of the case).
	Reads []LogLine `json:"reads"`
	// Erased: the young person's records were deleted under retention; only the log remains.
	Erased bool `json:"erased,omitempty"`
	// LogPrunedBefore: the access log's entries written before it were deleted under retention
	// (auditprune.go); nil when none were.
	LogPrunedBefore *time.Time `json:"log_pruned_before,omitempty"`
}

// AdultCandidate is a registration the official may match to an adult who asks.
type AdultCandidate struct {
	ID         int64
	Name       string
	Relation   string
	HasCustody bool
	Phone      string
	Email      string
	CaseIDs    []int64
}

// MaxAdultCandidates bounds a name search for an adult.
const MaxAdultCandidates = 50

// FindAdults lists the registrations of adults with a name (case and spacing ignored), with
// their contact details, so the official can tell which are the person asking.
func (s *Store) FindAdults(ctx context.Context, name string) ([]AdultCandidate, error) {
	w := What{Action: audit.ActionList, Object: "register_extract", Detail: "adult search"}
	a, d, err := s.permit(ctx, access.RegisterExtract, w)
	if err != nil {
		return nil, err
	}
	key := casework.SearchKey(name)
	if utf8.RuneCountInString(key) < 3 {
		return nil, casework.Invalid("name", "register.name_required")
	}
	var out []AdultCandidate
	err = s.update(ctx, func(tx *Tx) error {
		rows, err := queryAll(ctx, tx, `SELECT p.id, p.name, p.relation, p.has_custody, p.phone, p.email, p.youth_id FROM related_persons p
			WHERE p.municipality_id = $1 ORDER BY p.name, p.id`, []any{a.User.MunicipalityID}, func(sc scanner) (struct {
			AdultCandidate
			youth int64
		}, error) {
			var x struct {
				AdultCandidate
				youth int64
			}
			err := sc.Scan(&x.ID, &x.Name, &x.Relation, &x.HasCustody, &x.Phone, &x.Email, &x.youth)
			return x, err
		})
		if err != nil {
			return err
		}
		var youths []int64
		for _, r := range rows {
			if casework.SearchKey(r.Name) != key || len(out) == MaxAdultCandidates {
				continue
			}
			c := r.AdultCandidate
			c.CaseIDs, err = queryAll(ctx, tx, `SELECT id FROM cases WHERE municipality_id = $1 AND youth_id = $2 ORDER BY opened_at`,
				[]any{a.User.MunicipalityID, r.youth}, func(sc scanner) (int64, error) {
					var id int64
					return id, sc.Scan(&id)
				})
			if err != nil {
				return err
			}
			out = append(out, c)
			youths = append(youths, r.youth)
		}
		if len(youths) == 0 {
			w.Detail = "adult search: none"
			return tx.audit(a, w, d)
		}
		return tx.auditList(a, w, youths, d)
	})
	return out, err
}

// MakeRegisterExtract makes the extract and records the request. A young person not found —
// nor among those whose records were deleted — is not found.
func (s *Store) MakeRegisterExtract(ctx context.Context, q RegisterQuery) (RegisterExtract, error) {
	w := What{Action: audit.ActionExport, Object: "register_extract", Detail: string(q.Subject)}
	a, d, err := s.permit(ctx, access.RegisterExtract, w)
	if err != nil {
		return RegisterExtract{}, err
	}
	x := RegisterExtract{Subject: q.Subject}
	switch q.Subject {
	case SubjectYouth:
		if strings.TrimSpace(q.Identity) == "" {
			return x, casework.Invalid("identity", "audit.identity_required")
		}
	case SubjectGuardian:
		if len(q.PersonIDs) == 0 || len(q.PersonIDs) > MaxAdultCandidates {
			return x, casework.Invalid("person", "register.person_required")
		}
	default:
		return x, casework.Invalid("subject", "register.subject_invalid")
	}
	err = s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		x.RequestID, x.MadeAt, x.MadeBy = newID(), tx.now, a.User.Name
		var youths []int64
		switch q.Subject {
		case SubjectYouth:
			ref, err := tx.extractYouth(mid, ExtractQuery{Identity: q.Identity})
			if casework.ErrorCode(err) == casework.ENotFound {
				id, found, ferr := tx.erasedYouth(mid, q.Identity)
				if ferr != nil {
					return ferr
				}
				if !found {
					return err
				}
				ref, err, x.Erased = YouthRef{ID: id, Erased: true}, nil, true
			}
			if err != nil {
				return err
			}
			ids, err := tx.youthRecords(mid, ref.ID)
			if err != nil {
				return err
			}
			if !x.Erased {
				if x.Youth, err = tx.youthExtract(mid, ref.ID, ids); err != nil {
					return err
				}
			}
			if x.Reads, err = tx.logLinesAbout(mid, ids, 0); err != nil {
				return err
			}
			youths = []int64{ref.ID}
		case SubjectGuardian:
			g, ys, err := tx.guardianExtract(mid, q.PersonIDs)
			if err != nil {
				return err
			}
			x.Guardian, youths = g, ys
			for i, y := range ys {
				lines, err := tx.logLinesAbout(mid, []int64{y}, q.PersonIDs[i])
				if err != nil {
					return err
				}
				x.Reads = append(x.Reads, lines...)
			}
		}
		pruned, perr := tx.logPrunedBefore(mid)
		if perr != nil {
			return perr
		}
		x.LogPrunedBefore = pruned
		ids := make([]string, len(youths))
		for i, y := range youths {
			ids[i] = strconv.FormatInt(y, 10)
		}
		pids := make([]string, len(q.PersonIDs))
		for i, p := range q.PersonIDs {
			pids[i] = strconv.FormatInt(p, 10)
		}
		if _, err := tx.Exec(`INSERT INTO register_requests (id, municipality_id, subject, youth_ids, person_ids, made_at, made_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, x.RequestID, mid, string(q.Subject), strings.Join(ids, ","), strings.Join(pids, ","), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID = x.RequestID
		if len(youths) == 1 {
			w.YouthID = youths[0]
			return tx.audit(a, w, d)
		}
		return tx.auditList(a, w, youths, d)
	})
	return x, err
}

// youthRecords are the young person's record and any merged into it.
func (tx *Tx) youthRecords(municipalityID, youthID int64) ([]int64, error) {
	ids, err := queryAll(context.Background(), tx, `SELECT id FROM youths WHERE municipality_id = $1 AND (id = $2 OR merged_into = $2)`,
		[]any{municipalityID, youthID}, func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		})
	if len(ids) == 0 {
		ids = []int64{youthID}
	}
	return ids, err
}

// logLinesAbout reads the log's entries about the young people (with person, only those about
// that adult or about the family information of the case).
func (tx *Tx) logLinesAbout(municipalityID int64, youthIDs []int64, person int64) ([]LogLine, error) {
	args := []any{municipalityID}
	var ph []string
	for _, id := range youthIDs {
		args = append(args, id)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	q := `SELECT ` + logLineCols + ` FROM audit_log l` + logLineJoins + ` WHERE l.municipality_id = $1
		AND l.seq IN (SELECT ay.seq FROM audit_youths ay WHERE ay.municipality_id = $1 AND ay.youth_id IN (` + strings.Join(ph, ", ") + `))`
	if person != 0 {
		args = append(args, person)
		q += fmt.Sprintf(` AND (l.category = 'family' OR (l.object = 'related_person' AND l.object_id = $%d))`, len(args))
	}
	return queryAll(context.Background(), tx, q+` ORDER BY l.seq`, args, func(sc scanner) (LogLine, error) { return scanLogLine(sc) })
}

func (tx *Tx) youthExtract(municipalityID, youthID int64, records []int64) (*YouthExtract, error) {
	ctx := context.Background()
	var district sql.NullString
	y, err := scanYouth(tx.QueryRow(`SELECT `+youthCols+`, d.name FROM youths y LEFT JOIN districts d ON d.id = y.district_id
		WHERE y.municipality_id = $1 AND y.id = $2`, municipalityID, youthID), &district)
	if err != nil {
		return nil, casework.Internal(err)
	}
	if y.Address, err = tx.store.openText(colYouthAddress, y.Address); err != nil {
		return nil, err
	}
	ye := &YouthExtract{Name: y.Name(), Identity: y.Identity(), Gender: string(y.Gender), District: district.String, School: y.School,
		Address: y.Address, Languages: y.Languages, Interpreter: y.Interpreter, ProtectedIdentity: y.ProtectedIdentity, RegisteredAt: y.CreatedAt}
	if !y.BirthDate.IsZero() {
		ye.BirthDate = y.BirthDate.Format(casework.DateLayout)
	}
	ye.Adults, err = queryAll(ctx, tx, `SELECT kind, relation, has_custody FROM related_persons WHERE municipality_id = $1 AND youth_id = $2 ORDER BY kind, relation`,
		[]any{municipalityID, youthID}, func(sc scanner) (AdultRef, error) {
			var r AdultRef
			var kind string
			err := sc.Scan(&kind, &r.Relation, &r.HasCustody)
			r.Kind = casework.RelationKind(kind)
			return r, err
		})
	if err != nil {
		return nil, err
	}
	cases, err := queryAll(ctx, tx, `SELECT `+caseCols+` FROM cases c WHERE c.municipality_id = $1 AND c.youth_id = $2 ORDER BY c.opened_at`,
		[]any{municipalityID, youthID}, func(sc scanner) (casework.Case, error) { return scanCase(sc) })
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		ce, err := tx.caseExtract(municipalityID, c)
		if err != nil {
			return nil, err
		}
		ye.Cases = append(ye.Cases, ce)
	}
	return ye, nil
}

func (tx *Tx) caseExtract(mid int64, c casework.Case) (CaseExtract, error) {
	ctx := context.Background()
	ce := CaseExtract{ID: c.ID, Program: string(c.Program), Step: string(c.Step), OpenedAt: c.OpenedAt, ClosedAt: c.Milestones.Closed,
		ClosureReason: string(c.ClosureReason), RiskLevel: string(c.RiskLevel), RiskReason: c.RiskReason}
	staff, err := queryAll(ctx, tx, `SELECT u.name, s.role FROM case_staff s JOIN users u ON u.id = s.user_id AND u.municipality_id = s.municipality_id
		WHERE s.municipality_id = $1 AND s.case_id = $2 ORDER BY s.role, u.name`, []any{mid, c.ID}, func(sc scanner) (casework.StaffLink, error) {
		var l casework.StaffLink
		var role string
		err := sc.Scan(&l.Name, &role)
		l.Role = casework.StaffRole(role)
		return l, err
	})
	if err != nil {
		return ce, err
	}
	for _, s := range staff {
		ce.Staff = append(ce.Staff, s.Name+" ("+string(s.Role)+")")
	}
	parties, err := tx.caseParties(mid, c.ID)
	if err != nil {
		return ce, err
	}
	for _, p := range parties {
		ce.Parties = append(ce.Parties, p.AgencyName)
	}
	if ce.Events, err = queryAll(ctx, tx, `SELECT at, kind, user_name, agency_name, category, from_step, to_step, reason FROM case_events
		WHERE municipality_id = $1 AND case_id = $2 ORDER BY seq`, []any{mid, c.ID}, func(sc scanner) (EventExtract, error) {
		var e EventExtract
		err := sc.Scan(&e.At, &e.Kind, &e.By, &e.Agency, &e.Category, &e.FromStep, &e.ToStep, &e.Text)
		e.At = e.At.UTC()
		return e, err
	}); err != nil {
		return ce, err
	}
	type asRow struct {
		AssessmentExtract
		id int64
	}
	as, err := queryAll(ctx, tx, `SELECT id, instrument, time_point, assessed_at, assessor_name, risk_level, risk_reason, protective, note
		FROM assessments WHERE municipality_id = $1 AND case_id = $2 ORDER BY assessed_at, created_at, id`, []any{mid, c.ID},
		func(sc scanner) (asRow, error) {
			var a asRow
			err := sc.Scan(&a.id, &a.Instrument, &a.TimePoint, &a.AssessedAt, &a.Assessor, &a.RiskLevel, &a.RiskReason, &a.Protective, &a.Note)
			a.AssessedAt = a.AssessedAt.UTC()
			return a, err
		})
	if err != nil {
		return ce, err
	}
	for _, a := range as {
		if a.Ratings, err = tx.ratings(a.id); err != nil {
			return ce, err
		}
		ce.Assessments = append(ce.Assessments, a.AssessmentExtract)
	}
	consents, err := tx.consentsOfCase(mid, c.ID)
	if err != nil {
		return ce, err
	}
	for _, co := range consents {
		ce.Consents = append(ce.Consents, consentExtract(co, "youth"))
	}
	if ce.Plans, err = queryAll(ctx, tx, `SELECT version, content, created_by_name, created_at FROM plan_versions
		WHERE municipality_id = $1 AND case_id = $2 ORDER BY version`, []any{mid, c.ID}, func(sc scanner) (casework.PlanVersion, error) {
		var v casework.PlanVersion
		var content string
		if err := sc.Scan(&v.Version, &content, &v.CreatedBy, &v.CreatedAt); err != nil {
			return v, err
		}
		v.CreatedAt = v.CreatedAt.UTC()
		return v, json.Unmarshal([]byte(content), &v.Plan)
	}); err != nil {
		return ce, err
	}
	meetings, err := tx.caseMeetings(mid, c.ID)
	if err != nil {
		return ce, err
	}
	for i := len(meetings) - 1; i >= 0; i-- {
		m := meetings[i]
		ce.Meetings = append(ce.Meetings, MeetingExtract{Start: m.Start, Status: string(m.Status), Place: m.Place, Minutes: m.MinutesText})
	}
	tasks, err := tx.caseTasks(mid, c.ID)
	if err != nil {
		return ce, err
	}
	for _, t := range tasks {
		ce.Tasks = append(ce.Tasks, fmt.Sprintf("%s: %s (%s)", t.Due, t.Text, t.Status))
	}
	points, err := tx.indicatorPoints(mid, c.ID, func(casework.Category) bool { return true })
	if err != nil {
		return ce, err
	}
	for _, p := range points {
		for _, v := range p.Values {
			ce.Indicators = append(ce.Indicators, fmt.Sprintf("%s %s %s: %s", p.TimePoint, p.MeasuredOn.Format(casework.DateLayout), v.Code, v.Text()))
		}
	}
	if ce.Files, err = queryAll(ctx, tx, `SELECT name, content_type, uploaded_at FROM files WHERE municipality_id = $1 AND case_id = $2 ORDER BY uploaded_at`,
		[]any{mid, c.ID}, func(sc scanner) (string, error) {
			var name, typ string
			var at time.Time
			err := sc.Scan(&name, &typ, &at)
			return fmt.Sprintf("%s (%s, %s)", name, typ, at.UTC().Format(casework.DateLayout)), err
		}); err != nil {
		return ce, err
	}
	if ce.Holds, err = queryAll(ctx, tx, `SELECT reason, until_date FROM legal_holds WHERE municipality_id = $1 AND case_id = $2 ORDER BY set_at`,
		[]any{mid, c.ID}, func(sc scanner) (string, error) {
			var reason, until string
			err := sc.Scan(&reason, &until)
			return reason + " (" + until + ")", err
		}); err != nil {
		return ce, err
	}
	if err := tx.securityExtract(mid, c.ID, &ce); err != nil {
		return ce, err
	}
	return ce, tx.placementExtract(mid, c.ID, &ce)
}

// placementExtract adds the young person's placements: form, legal basis, a wait for a SiS
// place, from and to, the reason of each move, who recorded it. Where they were placed is
// withheld and named (counted): an extract is often asked for and handed over through a
// guardian, and a placement's address may be kept from the guardians (the social services'
// secrecy, OSL 26 kap. 1 §, e.g. a placement under LVU whose whereabouts are kept from a
// parent); the social services give it after their own review of the one asking.
func (tx *Tx) placementExtract(mid, caseID int64, ce *CaseExtract) error {
	ce.Placements = []PlacementExtract{}
	ps, err := tx.casePlacements(mid, caseID)
	if err != nil {
		return err
	}
	places := 0
	for _, p := range ps {
		if p.Place != "" {
			places++
		}
		ce.Placements = append(ce.Placements, PlacementExtract{Form: string(p.Form), LegalBasis: string(p.Basis), Waiting: p.Waiting,
			RequestedOn: p.RequestedOn, From: p.From, To: p.To, Reason: p.Reason, RecordedBy: p.CreatedBy, RecordedAt: p.CreatedAt})
	}
	if places > 0 {
		ce.Withheld = append(ce.Withheld, Withheld{What: WithheldPlacementPlace, Count: places, Ground: withheldGround[WithheldPlacementPlace]})
	}
	return nil
}

// securityExtract adds the young person's own security information to their extract:
//
//   - their own assessments (participant "youth"), level, dates, threats, escalation signs and
//     protective measures, and who assessed — but not the persons linked to the threats: those
//     are other people's data, often from the police, and naming them to the young person can
//     put someone in danger (withheld, counted);
//   - assessments of a sibling, a guardian, a witness or another person are theirs, not the
//     young person's: left out without a trace (even a count could point out a witness);
//   - the exit pathway: stage, the day of the wish, the programme and the two named contacts;
//     the police's own assessment is police information the police decide on, and the
//     destination is never written into an extract that leaves the protected circle — it
//     also says where the relatives who moved with them live (both withheld, named).
func (tx *Tx) securityExtract(mid, caseID int64, ce *CaseExtract) error {
	ce.Security, ce.Withheld = []SecurityExtract{}, []Withheld{}
	all, err := tx.caseSecurity(mid, caseID)
	if err != nil {
		return err
	}
	linked := 0
	for i := len(all) - 1; i >= 0; i-- { // oldest first, as the rest of the extract
		a := all[i]
		if a.Kind != casework.ParticipantYouth {
			continue
		}
		if a.Linked != "" {
			linked++
		}
		ce.Security = append(ce.Security, SecurityExtract{Level: string(a.Level), PreviousLevel: string(a.Previous), Threats: a.Threats,
			Escalation: a.Escalation, Measures: a.Measures, AssessedOn: a.AssessedOn, ReviewOn: a.ReviewOn, By: a.ByName, ByAgency: a.ByAgency})
	}
	withhold := func(what string, n int) {
		if n > 0 {
			ce.Withheld = append(ce.Withheld, Withheld{What: what, Count: n, Ground: withheldGround[what]})
		}
	}
	withhold(WithheldLinked, linked)
	x, err := tx.exitPathway(mid, caseID, false)
	if err != nil || x == nil {
		return err
	}
	ce.Exit = &ExitExtract{Stage: string(x.Stage), WishOn: x.WishOn, Programme: x.Programme, PoliceContact: x.PoliceContact,
		SocialContact: x.SocialContact, UpdatedAt: x.UpdatedAt}
	if x.PoliceAssessment != "" {
		withhold(WithheldPoliceAssessment, 1)
	}
	if x.DestinationSet {
		withhold(WithheldDestination, 1)
	}
	return nil
}

// consentExtract shows a consent for the signer own ("youth", or "person:<id>"): the other
// signers by role only.
func consentExtract(c casework.Consent, own string) ConsentExtract {
	ce := ConsentExtract{ID: c.ID, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, WithdrawnAt: c.WithdrawnAt, HasScan: c.EvidenceID != 0}
	for _, cat := range c.Categories {
		ce.Categories = append(ce.Categories, string(cat))
	}
	for _, p := range c.Parties {
		ce.Parties = append(ce.Parties, p.Name)
	}
	for _, s := range c.Signers {
		se := SignerExtract{Role: s.Role, SignedAt: s.SignedAt, SignedHow: s.SignedHow, Own: s.Person == own}
		if se.Own {
			se.Name = s.Name
		}
		ce.Signers = append(ce.Signers, se)
	}
	return ce
}

// guardianExtract reads an adult's registrations; it returns them with the young person each
// belongs to (for the log and the request record, never shown in the extract).
func (tx *Tx) guardianExtract(mid int64, personIDs []int64) (*GuardianExtract, []int64, error) {
	ctx := context.Background()
	g := &GuardianExtract{}
	var youths []int64
	for _, pid := range personIDs {
		var r Registration
		var kind string
		var youth int64
		err := tx.QueryRow(`SELECT id, youth_id, name, kind, relation, has_custody, phone, email, address, language, interpreter, note, created_at
			FROM related_persons WHERE municipality_id = $1 AND id = $2`, mid, pid).Scan(&r.ID, &youth, &r.Name, &kind, &r.Relation, &r.HasCustody,
			&r.Phone, &r.Email, &r.Address, &r.Language, &r.Interpreter, &r.Note, &r.RegisteredAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, casework.NotFound("related_person")
		}
		if err != nil {
			return nil, nil, casework.Internal(err)
		}
		r.Kind, r.RegisteredAt = kind, r.RegisteredAt.UTC()
		if r.Address, err = tx.store.openText(colPersonAddress, r.Address); err != nil {
			return nil, nil, err
		}
		own := "person:" + strconv.FormatInt(pid, 10)
		cases, err := queryAll(ctx, tx, `SELECT id FROM cases WHERE municipality_id = $1 AND youth_id = $2`, []any{mid, youth},
			func(sc scanner) (int64, error) {
				var id int64
				return id, sc.Scan(&id)
			})
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cases {
			consents, err := tx.consentsOfCase(mid, c)
			if err != nil {
				return nil, nil, err
			}
			for _, co := range consents {
				for _, s := range co.Signers {
					if s.Person == own {
						r.Signatures = append(r.Signatures, consentExtract(co, own))
						break
					}
				}
			}
		}
		r.Groups, err = queryAll(ctx, tx, `SELECT added_at, removed_at, role FROM group_members WHERE municipality_id = $1 AND person_id = $2 ORDER BY added_at`,
			[]any{mid, pid}, func(sc scanner) (string, error) {
				var added time.Time
				var removed sql.NullTime
				var role string
				if err := sc.Scan(&added, &removed, &role); err != nil {
					return "", err
				}
				s := added.UTC().Format(casework.DateLayout) + " –"
				if removed.Valid {
					s += " " + removed.Time.UTC().Format(casework.DateLayout)
				}
				if role != "" {
					s += " (" + role + ")"
				}
				return s, nil
			})
		if err != nil {
			return nil, nil, err
		}
		g.Registrations = append(g.Registrations, r)
		youths = append(youths, youth)
	}
	return g, youths, nil
}

// RegisterRequest is a request on record.
type RegisterRequest struct {
	ID           int64
	Subject      ExtractSubject
	MadeAt       time.Time
	MadeBy       string
	DeliveredAt  time.Time
	DeliveredBy  string
	DeliveredHow string
}

// RegisterRequests lists the latest requests (auditors).
func (s *Store) RegisterRequests(ctx context.Context, limit int) ([]RegisterRequest, error) {
	a, _, err := s.permit(ctx, access.RegisterExtract, What{Action: audit.ActionList, Object: "register_extract"})
	if err != nil {
		return nil, err
	}
	var out []RegisterRequest
	err = s.view(ctx, func(tx *Tx) error {
		out, err = queryAll(ctx, tx, fmt.Sprintf(`SELECT r.id, r.subject, r.made_at, COALESCE(u.name, ''), r.delivered_at, COALESCE(v.name, ''), r.delivered_how
			FROM register_requests r LEFT JOIN users u ON u.id = r.made_by AND u.municipality_id = r.municipality_id
			LEFT JOIN users v ON v.id = r.delivered_by AND v.municipality_id = r.municipality_id
			WHERE r.municipality_id = $1 ORDER BY r.made_at DESC, r.id LIMIT %d`, max(limit, 1)), []any{a.User.MunicipalityID},
			func(sc scanner) (RegisterRequest, error) {
				var r RegisterRequest
				var subject string
				var delivered sql.NullTime
				err := sc.Scan(&r.ID, &subject, &r.MadeAt, &r.MadeBy, &delivered, &r.DeliveredBy, &r.DeliveredHow)
				r.Subject, r.MadeAt, r.DeliveredAt = ExtractSubject(subject), r.MadeAt.UTC(), timeOf(delivered)
				return r, err
			})
		return err
	})
	return out, err
}

// DeliveryModes are how an extract may be handed over.
var DeliveryModes = []string{"post", "in_person", "secure_email", "digital_mailbox"}

// RecordDelivery records that an extract was handed over, and how.
func (s *Store) RecordDelivery(ctx context.Context, requestID int64, how string) error {
	w := What{Action: audit.ActionUpdate, Object: "register_extract", ObjectID: requestID, Detail: "delivered " + how}
	a, d, err := s.permit(ctx, access.RegisterExtract, w)
	if err != nil {
		return err
	}
	ok := false
	for _, m := range DeliveryModes {
		ok = ok || m == how
	}
	if !ok {
		return casework.Invalid("how", "register.delivery_invalid")
	}
	return s.update(ctx, func(tx *Tx) error {
		var ids string
		err := tx.QueryRow(`SELECT youth_ids FROM register_requests WHERE municipality_id = $1 AND id = $2`, a.User.MunicipalityID, requestID).Scan(&ids)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.NotFound("register_request")
		}
		if err != nil {
			return casework.Internal(err)
		}
		res, err := tx.Exec(`UPDATE register_requests SET delivered_at = $1, delivered_by = $2, delivered_how = $3
			WHERE municipality_id = $4 AND id = $5 AND delivered_at IS NULL`, tx.now, a.User.ID, how, a.User.MunicipalityID, requestID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.Errorf(casework.EConflict, "register.delivered_already", "already delivered")
		}
		var youths []int64
		for _, f := range strings.Split(ids, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				youths = append(youths, id)
			}
		}
		if len(youths) == 1 {
			w.YouthID = youths[0]
			return tx.audit(a, w, d)
		}
		return tx.auditList(a, w, youths, d)
	})
}
