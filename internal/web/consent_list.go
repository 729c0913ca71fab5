package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// consentRow is one consent as the consent page shows it.
type consentRow struct {
	P           *Page // for the texts, in the partial that draws a consent
	ListURL     string
	C           casework.Consent
	Status      casework.ConsentStatus
	StatusText  string
	Parties     []string
	Categories  []string
	Language    string
	Signers     []consentSignerRow
	Missing     string // "Underskrift saknas: Mona Nordh (vårdnadshavare)"
	Unsigned    []consentSignerOption
	Withdrawn   string // who withdrew, how, when
	CanSign     bool
	CanRenew    bool
	CanWithdraw bool
}

// consentSignerRow is a signer with the state of their signature.
type consentSignerRow struct {
	Name, Role string
	Required   bool
	Signed     string // date and how, or "" when missing
}

// consentSignerOption is a signer to choose in the signing form.
type consentSignerOption struct {
	ID    int64
	Label string
}

// consentListData is the consent page of a case.
type consentListData struct {
	CaseID    int64
	CaseURL   string
	YouthName string
	MayEdit   bool
	Open      bool
	Rows      []consentRow
	Today     string
	Languages []consentLang
}

// consentLang is a form language with its name in the page's language.
type consentLang struct{ Code, Name string }

func consentLanguages(p *Page) []consentLang {
	var out []consentLang
	for _, l := range casework.ConsentLanguages {
		out = append(out, consentLang{l, p.T(consentKey("lang_", l))})
	}
	return out
}

// consentKey builds a catalogue key from a value: consentKey("status_", "valid") is
// "consent.status_valid". (Written so, the catalogue test sees the prefix, not a broken key.)
func consentKey(prefix, value string) string { return "consent." + prefix + value }

// consentSignerRole is "den unga" / "vårdnadshavare" in the page's language.
func consentSignerRole(p *Page, role string) string {
	if role == "youth" {
		return p.T("signer.role_youth")
	}
	return p.T("signer.role_guardian")
}

// consentRows prepares the consents for the page at now.
func consentRows(p *Page, ov store.ConsentOverview, now time.Time) []consentRow {
	var rows []consentRow
	for _, c := range ov.Consents {
		st := c.StatusAt(now)
		row := consentRow{P: p, ListURL: consentsURL(ov.CaseID), C: c, Status: st, StatusText: p.T(consentKey("status_", string(st))), Language: p.T(consentKey("lang_", c.Language))}
		for _, pt := range c.Parties {
			row.Parties = append(row.Parties, pt.Name)
		}
		for _, cat := range c.Categories {
			row.Categories = append(row.Categories, p.T("category."+string(cat)))
		}
		var missing []string
		for _, sg := range c.Signers {
			sr := consentSignerRow{Name: sg.Name, Role: consentSignerRole(p, sg.Role), Required: sg.Required}
			if !sg.SignedAt.IsZero() {
				sr.Signed = p.T("signer.signed_on", formatDate(sg.SignedAt), p.T("signer."+"how_"+sg.SignedHow))
			} else {
				row.Unsigned = append(row.Unsigned, consentSignerOption{ID: sg.ID, Label: sg.Name + " (" + sr.Role + ")"})
				if sg.Required {
					missing = append(missing, sg.Name+" ("+sr.Role+")")
				}
			}
			row.Signers = append(row.Signers, sr)
		}
		if len(missing) > 0 && st != casework.ConsentWithdrawn {
			row.Missing = p.T("signer.missing", strings.Join(missing, ", "))
		}
		if !c.WithdrawnAt.IsZero() {
			row.Withdrawn = p.T("consent.withdrawn_on", formatDateTime(c.WithdrawnAt), c.WithdrawnBy, p.T(consentKey("how_", string(c.WithdrawnHow))))
		}
		edit := ov.MayEdit && ov.Open
		row.CanSign = edit && c.WithdrawnAt.IsZero() && len(row.Unsigned) > 0 && st != casework.ConsentExpired
		row.CanWithdraw = edit && c.WithdrawnAt.IsZero() && st != casework.ConsentExpired
		row.CanRenew = edit && (st == casework.ConsentValid || st == casework.ConsentExpired)
		rows = append(rows, row)
	}
	// Newest first: the one in force or being signed is what people look for.
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// consentIDs parses the case id and, when asked, the consent id from the path.
func consentIDs(r *http.Request, withConsent bool) (caseID, consentID int64, ok bool) {
	caseID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || caseID <= 0 {
		return 0, 0, false
	}
	if !withConsent {
		return caseID, 0, true
	}
	consentID, err = strconv.ParseInt(r.PathValue("cid"), 10, 64)
	return caseID, consentID, err == nil && consentID > 0
}

func consentsURL(caseID int64) string { return "/cases/" + strconv.FormatInt(caseID, 10) + "/consents" }

// consentList shows every consent of a case: status, period, parties, categories, each
// signer's signature, and the forms to sign, withdraw, renew and attach the signed form.
func (s *Server) consentList(w http.ResponseWriter, r *http.Request) {
	caseID, _, ok := consentIDs(r, false)
	if !ok {
		s.notFound(w, r)
		return
	}
	ov, err := s.store.ConsentOverview(r.Context(), caseID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "consent.list_title")
	p.Title = p.T("consent.list_heading", ov.YouthName)
	p.Data = s.consentListData(p, ov)
	s.render(w, r, http.StatusOK, "consent_list", p)
}

func (s *Server) consentListData(p *Page, ov store.ConsentOverview) consentListData {
	now := s.now()
	return consentListData{
		CaseID: ov.CaseID, CaseURL: "/cases/" + strconv.FormatInt(ov.CaseID, 10), YouthName: ov.YouthName,
		MayEdit: ov.MayEdit, Open: ov.Open, Rows: consentRows(p, ov, now), Today: now.In(stockholm).Format("2006-01-02"),
		Languages: consentLanguages(p),
	}
}

// consentDay parses a date typed in a form (YYYY-MM-DD) as that day in Stockholm.
func consentDay(v string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), stockholm)
	return t, err == nil
}
