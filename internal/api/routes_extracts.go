package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// The extracts of personal data (GDPR art. 15 and the access log), as the auditor's pages make
// them: each an export, so each needs a fresh authentication (stepup.go), and
// making one is logged like on the pages.

// AccessExtract is the access-log extract for one young person.
type AccessExtract struct {
	Youth   ExtractYouth       `json:"youth"`
	From    string             `json:"from,omitempty" doc:"YYYY-MM-DD, the first day; empty for the whole log"`
	To      string             `json:"to,omitempty" doc:"YYYY-MM-DD, the day after the last; empty for until now"`
	MadeAt  time.Time          `json:"made_at"`
	MadeBy  string             `json:"made_by"`
	Entries []AccessExtractRow `json:"entries" doc:"who read or changed what about the young person, oldest first"`
}

// ExtractYouth names the young person of an extract.
type ExtractYouth struct {
	ID       int64  `json:"id"`
	Name     string `json:"name" doc:"empty when the records were deleted under retention"`
	Identity string `json:"identity" doc:"personnummer or reserve id"`
	Erased   bool   `json:"erased,omitempty" doc:"the records were deleted under retention; the log keeps the entries"`
}

// AccessExtractRow is one entry of the access log.
type AccessExtractRow struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Name     string    `json:"name" doc:"the user's name"`
	Roles    string    `json:"roles"`
	Agency   string    `json:"agency"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Category string    `json:"category,omitempty"`
	Ground   string    `json:"ground" doc:"what the access rested on, e.g. consent:123, or denied:reason"`
	Allowed  bool      `json:"allowed"`
}

func (api *API) extractRoutes() []Route {
	identity := Param{Name: "identity", Type: "string", Doc: "the young person's personnummer or reserve id"}
	return []Route{
		{Method: "GET", Path: "/api/v1/audit/youth", Summary: "The access-log extract for a young person (auditor); needs a fresh authentication (401 stepup.required)", Tag: "audit",
			Query:    []Param{identity, {Name: "case", Type: "integer", Doc: "a case of theirs, instead of identity"}},
			Response: reflect.TypeFor[AccessExtract](), Handle: api.accessExtract},
		{Method: "GET", Path: "/api/v1/audit/register", Summary: "The register extract (GDPR art. 15) of a young person, as the page's JSON file; needs a fresh authentication (401 stepup.required)", Tag: "audit",
			Query: []Param{identity}, ResponseMedia: []string{"application/json"}, Handle: api.registerExtract},
	}
}

func (api *API) accessExtract(w http.ResponseWriter, r *http.Request) error {
	q := store.ExtractQuery{Identity: strings.TrimSpace(r.URL.Query().Get("identity")), Export: true}
	if c := strings.TrimSpace(r.URL.Query().Get("case")); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			return casework.Invalid("case", "audit.identity_required")
		}
		q.CaseID = id
	}
	if q.CaseID == 0 && q.Identity == "" {
		return casework.Invalid("identity", "audit.identity_required")
	}
	if err := api.stepUp(w, r, access.ReviewAuditLog); err != nil {
		return err
	}
	x, err := api.store.AccessExtract(r.Context(), q)
	if err != nil {
		return err
	}
	out := AccessExtract{Youth: ExtractYouth{ID: x.Youth.ID, Name: x.Youth.Name, Identity: x.Youth.Identity, Erased: x.Youth.Erased},
		MadeAt: x.MadeAt, MadeBy: x.MadeBy, Entries: []AccessExtractRow{}}
	if !x.From.IsZero() {
		out.From = x.From.Format(time.DateOnly)
	}
	if !x.To.IsZero() {
		out.To = x.To.Format(time.DateOnly)
	}
	for _, l := range x.Lines {
		out.Entries = append(out.Entries, AccessExtractRow{Seq: l.Seq, At: l.At, UserID: l.UserID, Username: l.Username, Name: l.UserName,
			Roles: l.Roles, Agency: l.AgencyName, Action: l.Action, Object: l.Object, Category: l.Category, Ground: l.Ground, Allowed: l.Allowed})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) registerExtract(w http.ResponseWriter, r *http.Request) error {
	identity := strings.TrimSpace(r.URL.Query().Get("identity"))
	if identity == "" {
		return casework.Invalid("identity", "audit.identity_required")
	}
	if err := api.stepUp(w, r, access.RegisterExtract); err != nil {
		return err
	}
	x, err := api.store.MakeRegisterExtract(r.Context(), store.RegisterQuery{Subject: store.SubjectYouth, Identity: identity})
	if err != nil {
		return err
	}
	b, err := json.Marshal(struct {
		Format string `json:"format"`
		store.RegisterExtract
	}{"lots-register-extract-1", x})
	if err != nil {
		return casework.Internal(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="registerutdrag-`+strconv.FormatInt(x.RequestID, 10)+`.json"`)
	_, _ = w.Write(b)
	return nil
}
