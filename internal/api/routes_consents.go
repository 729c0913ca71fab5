package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
)

// Consents: drawn up by the coordinator, in force when every required signer has signed,
// withdrawn at once when a signer says so. A consent is what lets the parties see the case.

func (api *API) consentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/consents", Summary: "The case's consents: who may see what, until when, who signed", Tag: "consents",
			Response: reflect.TypeFor[ConsentList](), Handle: api.consents},
		{Method: "POST", Path: "/api/v1/cases/{id}/consents", Summary: "Draw up a consent; it is in force once every required signer has signed", Tag: "consents",
			Request: reflect.TypeFor[ConsentRequest](), Response: reflect.TypeFor[Consent](), Status: http.StatusCreated, Handle: api.createConsent},
		{Method: "POST", Path: "/api/v1/cases/{id}/consents/{cid}/signatures", Summary: "Record one signer's signature", Tag: "consents",
			Request: reflect.TypeFor[SignatureRequest](), Response: reflect.TypeFor[Consent](), Handle: api.signConsent},
		{Method: "POST", Path: "/api/v1/cases/{id}/consents/{cid}/withdrawal", Summary: "Record a withdrawal; it takes effect at once", Tag: "consents",
			Request: reflect.TypeFor[WithdrawalRequest](), Response: reflect.TypeFor[Consent](), Handle: api.withdrawConsent},
	}
}

// Consent is a consent and its state now.
type Consent struct {
	ID            int64          `json:"id"`
	Status        string         `json:"status" enum:"unsigned,future,valid,expired,withdrawn"`
	ValidFrom     time.Time      `json:"valid_from"`
	ValidUntil    time.Time      `json:"valid_until"`
	Parties       []ConsentParty `json:"parties"`
	Categories    []string       `json:"categories" doc:"basic is part of every consent"`
	Signers       []Signer       `json:"signers"`
	RenewsID      int64          `json:"renews_id,omitempty" doc:"the consent this one continues"`
	Language      string         `json:"language" enum:"sv,en,ar,so" doc:"of the printed form"`
	CreatedAt     time.Time      `json:"created_at"`
	WithdrawnAt   time.Time      `json:"withdrawn_at,omitzero"`
	WithdrawnBy   string         `json:"withdrawn_by,omitempty"`
	WithdrawnHow  string         `json:"withdrawn_how,omitempty" enum:"meeting,phone,writing"`
	WithdrawnNote string         `json:"withdrawn_note,omitempty"`
	HasEvidence   bool           `json:"has_evidence" doc:"the signed form is uploaded"`
}

// ConsentParty is an agency, or one named person, the consent lifts confidentiality for.
type ConsentParty struct {
	AgencyID int64  `json:"agency_id,omitempty"`
	UserID   int64  `json:"user_id,omitempty"`
	Name     string `json:"name"`
}

// Signer is a person whose signature the consent asks for.
type Signer struct {
	ID        int64     `json:"id"`
	Person    string    `json:"person" doc:"youth, or person:<id> of GET /cases/{id}/persons"`
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"youth,guardian"`
	Required  bool      `json:"required"`
	SignedAt  time.Time `json:"signed_at,omitzero"`
	SignedHow string    `json:"signed_how,omitempty" enum:"paper,meeting,digital"`
}

// ConsentList is the case's consents, oldest first.
type ConsentList struct {
	Items []Consent `json:"items"`
}

func consentOf(c casework.Consent, now time.Time) Consent {
	out := Consent{ID: c.ID, Status: string(c.StatusAt(now)), ValidFrom: utc(c.ValidFrom), ValidUntil: utc(c.ValidUntil),
		Parties: []ConsentParty{}, Categories: categoryNames(c.Categories), Signers: []Signer{}, RenewsID: c.RenewsID,
		Language: c.Language, CreatedAt: utc(c.CreatedAt), WithdrawnAt: utc(c.WithdrawnAt), WithdrawnBy: c.WithdrawnBy,
		WithdrawnHow: string(c.WithdrawnHow), WithdrawnNote: c.WithdrawnNote, HasEvidence: c.EvidenceID != 0}
	for _, p := range c.Parties {
		out.Parties = append(out.Parties, ConsentParty{AgencyID: p.AgencyID, UserID: p.UserID, Name: p.Name})
	}
	for _, s := range c.Signers {
		out.Signers = append(out.Signers, Signer{ID: s.ID, Person: s.Person, Name: s.Name, Role: s.Role, Required: s.Required,
			SignedAt: utc(s.SignedAt), SignedHow: s.SignedHow})
	}
	return out
}

func (api *API) consents(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	cs, err := api.store.Consents(r.Context(), id)
	if err != nil {
		return err
	}
	now := api.store.Now()
	out := ConsentList{Items: []Consent{}}
	for _, c := range cs {
		out.Items = append(out.Items, consentOf(c, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// ConsentRequest draws up a consent.
type ConsentRequest struct {
	ValidFrom  string   `json:"valid_from" doc:"YYYY-MM-DD (from the day's start, or now when it is today in Sweden) or an RFC 3339 time"`
	Months     int      `json:"months,omitempty" doc:"1–24; the municipality's default when left out"`
	ValidUntil string   `json:"valid_until,omitempty" doc:"when it ends instead of months (YYYY-MM-DD: midnight UTC starting that day, or an RFC 3339 time), at most 24 months after valid_from"`
	AgencyIDs  []int64  `json:"agency_ids,omitempty" doc:"agencies the consent covers as a whole"`
	UserIDs    []int64  `json:"user_ids,omitempty" doc:"people it covers by name"`
	Categories []string `json:"categories" doc:"school, police, social, health, family, leisure; basic is always included"`
	Language   string   `json:"language" enum:"sv,en,ar,so"`
	RenewsID   int64    `json:"renews_id,omitempty" doc:"the consent of the case this one renews"`
}

func (api *API) createConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in ConsentRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	from, err := parseMoment("valid_from", in.ValidFrom)
	if err != nil {
		return err
	}
	if isDate(in.ValidFrom) {
		// A day, as the form gives it: from that day's start, or now when it is today.
		from = casework.ConsentStart(from, api.store.Now())
	}
	until, err := parseMoment("valid_until", in.ValidUntil)
	if err != nil {
		return err
	}
	cats := make([]casework.Category, len(in.Categories))
	for i, c := range in.Categories {
		cats[i] = casework.Category(c)
	}
	c, err := api.store.CreateConsent(r.Context(), id, casework.ConsentInput{ValidFrom: from, Months: in.Months, ValidUntil: until, AgencyIDs: in.AgencyIDs,
		UserIDs: in.UserIDs, Categories: cats, Language: in.Language, RenewsID: in.RenewsID})
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"parties": "agency_ids", "renews": "renews_id"}))
	}
	return writeJSON(w, http.StatusCreated, consentOf(c, api.store.Now()))
}

// SignatureRequest records a signature.
type SignatureRequest struct {
	SignerID int64  `json:"signer_id" doc:"a signer id of the consent"`
	How      string `json:"how" enum:"paper,meeting,digital"`
	SignedAt string `json:"signed_at,omitempty" doc:"YYYY-MM-DD or an RFC 3339 time; now when left out; not in the future"`
}

func (api *API) signConsent(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := consentPath(r)
	if err != nil {
		return err
	}
	var in SignatureRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	at, err := parseMoment("signed_at", in.SignedAt)
	if err != nil {
		return err
	}
	c, err := api.store.SignConsent(r.Context(), id, cid, in.SignerID, in.How, at)
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"signed_how": "how"}))
	}
	return writeJSON(w, http.StatusOK, consentOf(c, api.store.Now()))
}

// WithdrawalRequest records a withdrawal by a signer.
type WithdrawalRequest struct {
	By   string `json:"by" doc:"who withdrew (a signer's name)"`
	How  string `json:"how" enum:"meeting,phone,writing"`
	Note string `json:"note,omitempty"`
}

func (api *API) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := consentPath(r)
	if err != nil {
		return err
	}
	var in WithdrawalRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := api.store.WithdrawConsent(r.Context(), id, cid, in.By, casework.WithdrawalMode(in.How), in.Note)
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"withdrawn_by": "by", "withdrawn_how": "how", "withdrawn_note": "note"}))
	}
	return writeJSON(w, http.StatusOK, consentOf(c, api.store.Now()))
}

func consentPath(r *http.Request) (caseID, consentID int64, err error) {
	if caseID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	consentID, err = pathID(r, "cid")
	return caseID, consentID, err
}
