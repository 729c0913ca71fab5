package authz

import (
	"net/url"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/stats"
)

// governance is how a route decides who may use it.
type governance string

const (
	// public: no login (health checks, static files, the login pages, the language switch).
	public governance = "public"
	// authenticated: any logged-in user, about themselves (start page, settings, own lists).
	authenticated governance = "authenticated"
	// own: an object that belongs to the user (their API tokens): anyone else's is "not found".
	own governance = "own"
	// role: a role-level permission (access.Can) of a whole page or API call.
	role governance = "role"
	// caseScoped: one case, decided by access.Case (a read of cat) or access.CaseWrite (work
	// of kind work in cat); a refusal answers exactly like a case that does not exist, except
	// that an actor who may read what the work touches but not do it gets a plain 403.
	caseScoped governance = "case"
	// fallback: the routers' own "no such page": 404 for everyone.
	fallback governance = "fallback"
)

// outcome is what an actor should get from a case-scoped request.
type outcome string

const (
	allowed   outcome = "allowed"   // the work is done or refused on its merits (200, 303, 409, 422 …)
	forbidden outcome = "forbidden" // 403: the actor sees the case but may not do this
	notFound  outcome = "not found" // exactly the answer for a case that does not exist
)

// route is one registered route (a web pattern, or "API " + method + path) and how it is
// governed, with the requests the matrix sends to it.
type route struct {
	key   string
	gov   governance
	perms []access.Permission // role: any of them
	cat   casework.Category   // caseScoped: the category the request reads or works in
	work  access.Work         // caseScoped: "" for a read
	// expect overrides the case rule for routes with an object-level rule of their own.
	expect func(ac *actor, c *mcase, f access.CaseFacts, now time.Time) outcome
	reqs   []reqSpec
}

// reqSpec is a request to a route. Placeholders in path, form and json: {id} the case, {cid}
// its open unsigned draft consent, {wcid} its withdrawn draft, {pid} its guardian, {mid} its
// (cancelled) meeting, {gm} its trusted adult in the group, {tid} its (done) task, {hold} its legal hold, {plid} its placement, {uid} its
// extra case officer, {concern} the concern that opened it, {card} its anonymous card (its own id), {twin} its possible duplicate,
// {plan} its plan's version; {police} the police's agency, {extra} the extra case officer's
// user id, {method} a catalogue method, {pnr} a personnummer, {asset} the static files'
// version, {today}. A case without one of its objects (intake) skips the request.
type reqSpec struct {
	name    string
	method  string
	path    string
	api     bool
	form    url.Values
	json    string
	file    *upload
	raw     *upload           // an API body that is a file: data sent as is, name is the Content-Type
	cat     casework.Category // overrides the route's
	work    access.Work       // overrides the route's
	subject string            // the placeholder swapped for an id that does not exist; "id" by default
	want    []int             // the statuses an allowed actor may get
	// restore puts back what an allowed request changed (a removed group member or case
	// officer), so the next actor meets the same case.
	restore func(w *world, c *mcase, r response) error
}

func (q reqSpec) label() string {
	if q.name != "" {
		return q.name
	}
	return q.method + " " + q.path
}

func (q reqSpec) subjectName() string {
	if q.subject == "" {
		return "id"
	}
	return q.subject
}

// Request builders.
func get(path string, want ...int) reqSpec {
	return reqSpec{method: "GET", path: path, want: orOK(want)}
}

func post(path string, form url.Values, want ...int) reqSpec {
	if form == nil {
		form = url.Values{}
	}
	return reqSpec{method: "POST", path: path, form: form, want: want}
}

func apiCall(method, path, json string, want ...int) reqSpec {
	if method == "GET" && len(want) == 0 {
		want = []int{200}
	}
	return reqSpec{method: method, path: path, api: true, json: json, want: want}
}

func orOK(want []int) []int {
	if len(want) == 0 {
		return []int{200}
	}
	return want
}

func (q reqSpec) named(n string) reqSpec           { q.name = n; return q }
func (q reqSpec) in(cat casework.Category) reqSpec { q.cat = cat; return q }
func (q reqSpec) doing(w access.Work) reqSpec      { q.work = w; return q }
func (q reqSpec) about(subject string) reqSpec     { q.subject = subject; return q }
func (q reqSpec) withFile(field, name, data string) reqSpec {
	q.file = &upload{field, name, []byte(data)}
	return q
}
func (q reqSpec) withBody(ctype, data string) reqSpec {
	q.raw = &upload{"", ctype, []byte(data)}
	return q
}
func (q reqSpec) then(f func(*world, *mcase, response) error) reqSpec { q.restore = f; return q }

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// Route builders.
func pub(key string, reqs ...reqSpec) route  { return route{key: key, gov: public, reqs: reqs} }
func auth(key string, reqs ...reqSpec) route { return route{key: key, gov: authenticated, reqs: reqs} }
func can(p access.Permission, key string, reqs ...reqSpec) route {
	return route{key: key, gov: role, perms: []access.Permission{p}, reqs: reqs}
}

// canAny is a role-level route that any of several permissions opens.
func canAny(ps []access.Permission, key string, reqs ...reqSpec) route {
	return route{key: key, gov: role, perms: ps, reqs: reqs}
}

// may reports whether the actor's roles open a role-level route.
func (r route) may(a casework.Actor) bool {
	for _, p := range r.perms {
		if access.Can(a, p).Allowed {
			return true
		}
	}
	return false
}
func read(key string, cat casework.Category, reqs ...reqSpec) route {
	return route{key: key, gov: caseScoped, cat: cat, reqs: reqs}
}
func write(key string, w access.Work, cat casework.Category, reqs ...reqSpec) route {
	return route{key: key, gov: caseScoped, cat: cat, work: w, reqs: reqs}
}

const (
	basic     = casework.CatBasic
	family    = casework.CatFamily
	social    = casework.CatSocial
	security  = casework.CatSecurity
	police    = casework.CatPolice
	school    = casework.CatSchool
	protected = casework.CatProtected
	anonymous = casework.CatAnonymous
)

var (
	// long is one character more than a reason may have.
	long = strings.Repeat("x", 1001)
	// note is the text of the notes the matrix adds (harmless: a note is a note).
	note = "Matrisanteckning"
)

// restoreMember puts a trusted adult back in the group after the allowed removal.
func restoreMember(w *world, c *mcase, r response) error {
	if r.status != 303 && r.status != 204 {
		return nil
	}
	return w.addTrustedAdult(c)
}

// cancelAgain cancels the case's meeting again after the allowed undo of its cancellation.
func cancelAgain(w *world, c *mcase, r response) error {
	if r.status != 303 {
		return nil
	}
	return w.st.CancelMeeting(w.coord, c.id, c.objects["mid"], "Matrisen")
}

// restoreHold puts a legal hold back after the allowed release.
func restoreHold(w *world, c *mcase, r response) error {
	if r.status != 303 {
		return nil
	}
	return w.setHold(c)
}

// restoreOfficer assigns the extra case officer again after the allowed removal.
func restoreOfficer(w *world, c *mcase, r response) error {
	if r.status != 204 {
		return nil
	}
	return w.reassignOfficer(c)
}

// table is the one table of the matrix: every route of the web interface and the API, how it
// is governed, and the requests that probe it. TestAuthorizationMatrix ("every route is in the
// table") fails when a registered route is missing here, or this names one that does not exist.
var table = []route{
	// Public: no login.
	pub("GET /healthz", get("/healthz")),
	pub("GET /readyz", get("/readyz")),
	pub("GET /static/{version}/{path...}", get("/static/{asset}/css/lots.css")),
	pub("GET /tillganglighet", get("/tillganglighet")),
	pub("POST /language", post("/language", form("lang", "sv", "back", "/"), 303)),
	pub("GET /login", get("/login", 200, 303)),
	pub("POST /login", post("/login", form("username", "matris-finns-inte", "password", "fel"), 401)),
	pub("GET /login/totp", get("/login/totp", 303)),
	pub("POST /login/totp", post("/login/totp", form("code", "000000"), 303)),
	pub("POST /login/passkey/begin", post("/login/passkey/begin", nil, 422)),
	pub("POST /login/passkey", post("/login/passkey", nil, 400)),
	pub("GET /login/passkey/second", get("/login/passkey/second", 303)),
	pub("POST /login/passkey/second/begin", post("/login/passkey/second/begin", nil, 401)),
	pub("POST /login/passkey/second", post("/login/passkey/second", nil, 401)),
	pub("GET /login/sso/{slug}", get("/login/sso/matris-finns-inte", 404)),
	pub("GET /login/sso/{slug}/callback", get("/login/sso/matris-finns-inte/callback", 404)),
	pub("POST /login/sso/{slug}/backchannel-logout", post("/login/sso/matris-finns-inte/backchannel-logout", form("logout_token", "x"), 400)),
	pub("GET /login/saml/{slug}", get("/login/saml/matris-finns-inte", 404)),
	pub("GET /login/saml/{slug}/metadata", get("/login/saml/matris-finns-inte/metadata", 404)),
	pub("POST /login/saml/{slug}/acs", post("/login/saml/matris-finns-inte/acs", form("SAMLResponse", "x"), 404)),
	pub("GET /login/saml/{slug}/slo", get("/login/saml/matris-finns-inte/slo?SAMLRequest=x", 404)),
	pub("POST /login/saml/{slug}/slo", post("/login/saml/matris-finns-inte/slo", form("SAMLRequest", "x"), 404)),
	pub("API GET /api/v1/openapi.json", apiCall("GET", "/api/v1/openapi.json", "")),
	{key: "/", gov: fallback, reqs: []reqSpec{get("/matris-finns-inte", 404)}},
	{key: "/api/v1/", gov: fallback, reqs: []reqSpec{apiCall("GET", "/api/v1/matris-finns-inte", "", 404)}},

	// Any logged-in user, about themselves.
	auth("POST /logout", post("/logout", nil, 303)),
	auth("GET /{$}", get("/")),
	auth("GET /settings", get("/settings")),
	auth("POST /settings/password", post("/settings/password", form("current", "fel", "password", "ett-nytt-långt-lösenord", "repeat", "ett-nytt-långt-lösenord"), 422)),
	auth("GET /settings/totp", get("/settings/totp")),
	auth("GET /login/reauth", get("/login/reauth")),
	auth("POST /login/reauth", post("/login/reauth", form("current", "fel"), 422)),
	auth("GET /settings/sessions", get("/settings/sessions")),
	auth("POST /settings/sessions/{id}/end", post("/settings/sessions/"+strings.Repeat("ab", 32)+"/end", nil, 404)),
	auth("POST /settings/totp", post("/settings/totp", form("code", "000000"), 422)),
	auth("POST /settings/totp/disable", post("/settings/totp/disable", form("password", "fel"), 422, 303)),
	auth("POST /settings/tokens", post("/settings/tokens", form("token_name", "matris", "token_days", "0"), 422)),
	// Passkeys (login_passkey.go): the matrix's server is reached by IP address, which cannot
	// be a WebAuthn relying party, so beginning a ceremony is refused there (422).
	auth("GET /settings/passkeys", get("/settings/passkeys")),
	auth("POST /settings/passkeys/begin", post("/settings/passkeys/begin", nil, 422)),
	auth("POST /settings/passkeys", post("/settings/passkeys", nil, 400)),
	auth("POST /settings/passkeys/{id}/remove", post("/settings/passkeys/1/remove", nil, 404)),
	auth("POST /login/reauth/passkey/begin", post("/login/reauth/passkey/begin", nil, 422)),
	auth("POST /login/reauth/passkey", post("/login/reauth/passkey", nil, 400)),
	// The session's time left and "stay signed in" answer whoever holds a session cookie (401
	// without); a draft is the user's own (issue 17:1): none here, and content that is not JSON
	// is refused.
	pub("GET /session/left", get("/session/left", 200, 401)),
	pub("POST /session/keep", post("/session/keep", nil, 200, 401)),
	auth("GET /drafts", get("/drafts?form=%2Fconcerns", 204)),
	auth("POST /drafts", post("/drafts", form("form", "/concerns", "content", "x"), 422)),
	auth("POST /drafts/discard", post("/drafts/discard", form("form", "/concerns"), 204)),
	// A printed page's running header (issue 17:7) echoes the numbers of its address and reads
	// nothing: any logged-in user; a reference that is not a number is refused.
	auth("GET /print/reference.css", get("/print/reference.css?case=123456789&consent=42"), get("/print/reference.css?case=x", 400)),
	{key: "POST /settings/tokens/{id}/revoke", gov: own, reqs: []reqSpec{post("/settings/tokens/{token}/revoke", nil, 303).about("token")}},
	auth("API GET /api/v1/me", apiCall("GET", "/api/v1/me", "")),
	auth("API GET /api/v1/agencies", apiCall("GET", "/api/v1/agencies", "")),
	auth("API GET /api/v1/districts", apiCall("GET", "/api/v1/districts", "")),
	auth("API GET /api/v1/instruments", apiCall("GET", "/api/v1/instruments", "")),
	auth("API GET /api/v1/concerns", apiCall("GET", "/api/v1/concerns", "")),

	// Administrators: accounts.
	can(access.ManageUsers, "GET /admin/users", get("/admin/users")),
	can(access.ManageUsers, "GET /admin/users/new", get("/admin/users/new")),
	can(access.ManageUsers, "POST /admin/users", post("/admin/users", form("username", "", "name", ""), 422)),
	can(access.ManageUsers, "GET /admin/users/{id}", get("/admin/users/{extra}")),
	can(access.ManageUsers, "POST /admin/users/{id}", post("/admin/users/{extra}", form("name", "", "email", "inte-en-adress", "active", "on"), 422)),
	// A new generated password for the extra case officer, who never logs in.
	can(access.ManageUsers, "POST /admin/users/{id}/password", post("/admin/users/{extra}/password", nil, 200)),
	// Ending the sessions of the extra case officer, who never logs in.
	can(access.ManageUsers, "POST /admin/users/{id}/sessions/end", post("/admin/users/{extra}/sessions/end", nil, 303)),
	// Administrators: organisation and settings.
	can(access.ManageOrganisation, "GET /admin/organisation", get("/admin/organisation")),
	can(access.ManageOrganisation, "POST /admin/districts", post("/admin/districts", form("district_name", ""), 422)),
	can(access.ManageOrganisation, "POST /admin/agencies", post("/admin/agencies", form("agency_name", "", "kind", "matris"), 422)),
	can(access.ManageOrganisation, "POST /admin/units", post("/admin/units", form("unit_name", "", "agency", "0"), 422)),
	can(access.ManageOrganisation, "GET /admin/settings", get("/admin/settings")),
	can(access.ManageOrganisation, "POST /admin/settings", post("/admin/settings", form("min_age", "x"), 422)),
	can(access.ManageOrganisation, "GET /admin/sso", get("/admin/sso")),
	can(access.ManageOrganisation, "POST /admin/sso", post("/admin/sso", form("slug", "X"), 422)),
	can(access.ManageOrganisation, "POST /admin/sso/policy", post("/admin/sso/policy", form("step_up_minutes", "x"), 422)),
	can(access.ManageOrganisation, "GET /admin/sso/saml", get("/admin/sso/saml")),
	can(access.ManageOrganisation, "POST /admin/sso/saml", post("/admin/sso/saml", form("slug", "X"), 422)),
	can(access.ManageOrganisation, "GET /admin/instruments", get("/admin/instruments")),
	can(access.ManageOrganisation, "POST /admin/instruments", post("/admin/instruments", nil, 422).withFile("definition", "x.json", "{}")),
	can(access.ManageOrganisation, "GET /admin/consent-texts", get("/admin/consent-texts")),
	can(access.ManageOrganisation, "POST /admin/consent-texts", post("/admin/consent-texts", form("language", "sv"), 422).withFile("file", "sv.json", "{}")),
	can(access.ManageOrganisation, "POST /admin/consent-texts/reset", post("/admin/consent-texts/reset", form("language", "matris"), 422)),
	can(access.ManageOrganisation, "GET /admin/catalogue", get("/admin/catalogue")),
	can(access.ManageOrganisation, "GET /admin/catalogue/new", get("/admin/catalogue/new")),
	can(access.ManageOrganisation, "POST /admin/catalogue", post("/admin/catalogue", form("code", ""), 422)),
	can(access.ManageOrganisation, "GET /admin/catalogue/{code}", get("/admin/catalogue/{method}")),
	can(access.ManageOrganisation, "POST /admin/catalogue/{code}", post("/admin/catalogue/{method}", form("name_sv", ""), 422)),
	can(access.ManageOrganisation, "POST /admin/catalogue/{code}/reset", post("/admin/catalogue/{method}/reset", nil, 303, 404)),
	// Auditors: the access log.
	can(access.ReviewAuditLog, "GET /audit", get("/audit")),
	can(access.ReviewAuditLog, "GET /audit/youth", get("/audit/youth?identity={pnr}")),
	can(access.ReviewAuditLog, "GET /audit/user", get("/audit/user?user={extra}")),
	can(access.ReviewAuditLog, "GET /audit/review", get("/audit/review")),
	can(access.ReviewAuditLog, "GET /audit/head", get("/audit/head")),
	// Identification reviews: a young person found protected after intake; the review of a
	// review that does not exist is not found.
	can(access.ReviewAuditLog, "GET /audit/identity", get("/audit/identity?done=1")),
	can(access.ReviewAuditLog, "POST /audit/identity/{id}/reviewed", post("/audit/identity/1/reviewed", form("note", "Matrisgranskning"), 404)),
	// The register extract (GDPR art. 15): the page, an extract for a young person, an adult's
	// registrations by name; the delivery of a request that does not exist is not found.
	can(access.RegisterExtract, "GET /audit/register", get("/audit/register"),
		get("/audit/register?subject=youth&identity={pnr}").named("register extract of a young person"),
		get("/audit/register?subject=guardian&name=Matris+V%C3%A5rdnadshavare").named("register extract: an adult's registrations")),
	// The extracts in the API need a fresh authentication: the matrix's tokens were not made
	// in a session, so those with the permission get the step-up problem (401).
	can(access.RegisterExtract, "API GET /api/v1/audit/register", apiCall("GET", "/api/v1/audit/register?identity={pnr}", "", 401)),
	can(access.ReviewAuditLog, "API GET /api/v1/audit/youth", apiCall("GET", "/api/v1/audit/youth?identity={pnr}", "", 401)),
	can(access.RegisterExtract, "POST /audit/register/{id}/delivered", post("/audit/register/1/delivered", form("how", "post"), 404)),
	// Administrators: retention. Nothing is due at the matrix's moment, so "run now" deletes
	// nothing; a period below its bound is refused.
	can(access.ManageOrganisation, "GET /admin/retention", get("/admin/retention")),
	can(access.ManageOrganisation, "POST /admin/retention", post("/admin/retention", form("retention_case_closed", "1"), 422)),
	can(access.ManageOrganisation, "POST /admin/retention/run", post("/admin/retention/run", nil, 303)),
	// Aggregates: the follow-up dashboard, its exports and the national comparison.
	can(access.ViewAggregates, "GET /followup", get("/followup")),
	can(access.ViewAggregates, "GET /followup/export.csv", get("/followup/export.csv")),
	can(access.ViewAggregates, "GET /followup/export.xlsx", get("/followup/export.xlsx")),
	// The national export of a half-year that has ended.
	can(access.ViewAggregates, "GET /followup/export.json", get("/followup/export.json?period=2025H2")),
	can(access.ViewAggregates, "GET /followup/national", get("/followup/national")),
	can(access.ViewAggregates, "POST /followup/national/import", post("/followup/national/import", nil, 400)),
	// The avoided-cost report (aggregates) and its cost register: read by those who see
	// aggregates or keep the register, changed by the steering group and the administrator. The
	// changes the matrix sends are refused on their merits (422) or find nothing (404), so the
	// register is the same for every actor.
	can(access.ViewAggregates, "GET /economics", get("/economics")),
	can(access.ViewAggregates, "GET /economics/export.xlsx", get("/economics/export.xlsx")),
	canAny([]access.Permission{access.ViewAggregates, access.EditCostRegister}, "GET /economics/register", get("/economics/register")),
	can(access.EditCostRegister, "GET /economics/register/new", get("/economics/register/new")),
	can(access.EditCostRegister, "POST /economics/register", post("/economics/register", form("slug", "", "amount", "-1"), 422)),
	can(access.EditCostRegister, "GET /economics/register/{code}", get("/economics/register/placement.hvb")),
	can(access.EditCostRegister, "POST /economics/register/{code}", post("/economics/register/placement.hvb", form("unit", "year", "amount", "x"), 422)),
	can(access.EditCostRegister, "POST /economics/register/{code}/reset", post("/economics/register/crime.sexual/reset", nil, 404)),
	can(access.EditCostRegister, "POST /economics/indexes", post("/economics/indexes", form("year", "2020", "value", "336"), 422)),
	can(access.EditCostRegister, "GET /economics/assumptions", get("/economics/assumptions")),
	can(access.EditCostRegister, "POST /economics/assumptions", post("/economics/assumptions", form("attribution", "x"), 422)),
	canAny([]access.Permission{access.ViewAggregates, access.EditCostRegister}, "API GET /api/v1/economics/register", apiCall("GET", "/api/v1/economics/register", "")),
	can(access.EditCostRegister, "API PUT /api/v1/economics/register/{code}", apiCall("PUT", "/api/v1/economics/register/placement.hvb", `{"unit": "year", "amount": 1, "price_year": 2023, "source": "x"}`, 422)),
	can(access.EditCostRegister, "API DELETE /api/v1/economics/register/{code}", apiCall("DELETE", "/api/v1/economics/register/crime.sexual", "", 404)),
	can(access.EditCostRegister, "API PUT /api/v1/economics/indexes/{year}", apiCall("PUT", "/api/v1/economics/indexes/2020", `{"value": 336}`, 422)),
	can(access.EditCostRegister, "API PUT /api/v1/economics/assumptions", apiCall("PUT", "/api/v1/economics/assumptions", `{"price_year": 1900}`, 422)),
	can(access.ViewAggregates, "API GET /api/v1/economics/report", apiCall("GET", "/api/v1/economics/report", "")),
	can(access.ViewAggregates, "API POST /api/v1/economics/what-if", apiCall("POST", "/api/v1/economics/what-if", `{"assumptions": {"price_year": 1900}}`, 422)),
	// The needs and resource mapping (docs/mapping.md): the picture for those who see
	// aggregates; the population and the registry read by them and kept by the administrator
	// and the steering group (an upload without a file is refused, 422); the capacity view.
	can(access.ViewAggregates, "GET /mapping", get("/mapping")),
	can(access.ViewAggregates, "GET /mapping/export.xlsx", get("/mapping/export.xlsx")),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "GET /mapping/data", get("/mapping/data")),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "GET /mapping/resources.csv", get("/mapping/resources.csv")),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "POST /mapping/population", post("/mapping/population", nil, 422)),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "POST /mapping/resources", post("/mapping/resources", nil, 422)),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "GET /mapping/population/jobs/{id}", get("/mapping/population/jobs/4503599627370497", 404)),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "POST /mapping/shapes", post("/mapping/shapes", nil, 422)),
	can(access.ViewCaseload, "GET /capacity", get("/capacity")),
	can(access.ManageOrganisation, "POST /capacity/cap", post("/capacity/cap", form("caseload_cap", "0"), 422)),
	can(access.ManageOrganisation, "POST /capacity/experience", post("/capacity/experience", form("user", "0"), 422)),
	can(access.ViewAggregates, "API GET /api/v1/mapping", apiCall("GET", "/api/v1/mapping", "")),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "API GET /api/v1/mapping/registry", apiCall("GET", "/api/v1/mapping/registry", "")),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "API POST /api/v1/mapping/resources", apiCall("POST", "/api/v1/mapping/resources", `{"name": ""}`, 422)),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "API PUT /api/v1/mapping/resources/{id}", apiCall("PUT", "/api/v1/mapping/resources/4503599627370497", `{"name": ""}`, 422)),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "API DELETE /api/v1/mapping/resources/{id}", apiCall("DELETE", "/api/v1/mapping/resources/4503599627370497", "", 404)),
	can(access.ViewCaseload, "API GET /api/v1/capacity", apiCall("GET", "/api/v1/capacity", "")),
	canAny([]access.Permission{access.ManageOrganisation, access.EditCostRegister}, "API POST /api/v1/mapping/population", apiCall("POST", "/api/v1/mapping/population", `{}`, 422)),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "API GET /api/v1/mapping/population/imports", apiCall("GET", "/api/v1/mapping/population/imports", "")),
	canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, "API GET /api/v1/mapping/population/imports/{id}", apiCall("GET", "/api/v1/mapping/population/imports/4503599627370497", "", 404)),
	// The preparatory group's meetings (docs/daily-work.md): those who sit in the group. The
	// agenda of the meeting a week after the clock (Tuesday 2026-03-17, 09:00) names the
	// concerns waiting at intake, by the intake rule; the matrix reads every answer for names.
	// A schedule of zero weeks and a decision without a concern are refused (422).
	can(access.PrepGroup, "GET /prepgroup", get("/prepgroup")),
	can(access.PrepGroup, "POST /prepgroup/schedule", post("/prepgroup/schedule", form("every_weeks", "0"), 422)),
	can(access.PrepGroup, "GET /prepgroup/{day}", get("/prepgroup/2026-03-17")),
	can(access.PrepGroup, "POST /prepgroup/{day}/decide", post("/prepgroup/2026-03-10/decide", form("case", "0"), 422)),
	can(access.PrepGroup, "API GET /api/v1/prepgroup/meetings", apiCall("GET", "/api/v1/prepgroup/meetings", "")),
	can(access.PrepGroup, "API PUT /api/v1/prepgroup/schedule", apiCall("PUT", "/api/v1/prepgroup/schedule", `{"every_weeks": 0}`, 422)),
	can(access.PrepGroup, "API GET /api/v1/prepgroup/meetings/{day}", apiCall("GET", "/api/v1/prepgroup/meetings/2026-03-17", "")),
	can(access.PrepGroup, "API POST /api/v1/prepgroup/meetings/{day}/decisions", apiCall("POST", "/api/v1/prepgroup/meetings/2026-03-10/decisions", `{"case_id": 0}`, 422)),
	// Case work, the whole page; what the lists hold is the case rule's (lists_test.go).
	can(access.WorkWithCases, "GET /cases", get("/cases", 303)),
	can(access.WorkWithCases, "GET /concerns/new", get("/concerns/new")),
	can(access.WorkWithCases, "POST /concerns", post("/concerns", form("first_name", ""), 422)),
	can(access.WorkWithCases, "GET /concerns", get("/concerns")),
	can(access.WorkWithCases, "GET /worklist", get("/worklist?tab=all")),
	can(access.WorkWithCases, "GET /cards", get("/cards")),
	can(access.WorkWithCases, "GET /groups", get("/groups")),
	can(access.WorkWithCases, "GET /tasks", get("/tasks")),
	can(access.WorkWithCases, "GET /catalogue", get("/catalogue")),
	can(access.WorkWithCases, "API GET /api/v1/colleagues", apiCall("GET", "/api/v1/colleagues", "")),
	can(access.WorkWithCases, "API POST /api/v1/concerns", apiCall("POST", "/api/v1/concerns", `{"youth": {}, "ratings": []}`, 422)),
	can(access.WorkWithCases, "API GET /api/v1/cases", apiCall("GET", "/api/v1/cases", "")),
	can(access.WorkWithCases, "API GET /api/v1/cases/steps", apiCall("GET", "/api/v1/cases/steps", "")),
	can(access.WorkWithCases, "API GET /api/v1/cards", apiCall("GET", "/api/v1/cards", "")),
	can(access.WorkWithCases, "API GET /api/v1/groups", apiCall("GET", "/api/v1/groups", "")),
	can(access.WorkWithCases, "API GET /api/v1/meetings", apiCall("GET", "/api/v1/meetings", "")),
	can(access.WorkWithCases, "API GET /api/v1/tasks", apiCall("GET", "/api/v1/tasks", "")),
	canAny([]access.Permission{access.WorkWithCases, access.ManageOrganisation}, "API GET /api/v1/catalogue", apiCall("GET", "/api/v1/catalogue", "")),

	// One case: the overview, the flow and the register.
	read("GET /cases/{id}", basic, get("/cases/{id}")),
	write("POST /cases/{id}/move", access.WorkFlow, basic,
		post("/cases/{id}/move", form("action", "assessment_done"), 409).named("move (flow)"),
		post("/cases/{id}/move", form("action", "prep_not_now"), 409, 422).doing(access.WorkPrepDecision).named("move (preparatory decision)")),
	write("POST /cases/{id}/followups", access.WorkEdit, basic, post("/cases/{id}/followups", form("kind", "6"), 409)),
	read("GET /cases/{id}/youth", basic, get("/cases/{id}/youth")),
	write("POST /cases/{id}/youth", access.WorkYouth, protected, post("/cases/{id}/youth", form("first_name", "", "last_name", ""), 422)),
	read("GET /cases/{id}/persons", family, get("/cases/{id}/persons")),
	write("POST /cases/{id}/persons", access.WorkYouth, family, post("/cases/{id}/persons", form("kind", "matris", "name", "X"), 422)),
	write("POST /cases/{id}/persons/{pid}", access.WorkYouth, family, post("/cases/{id}/persons/{pid}", form("kind", "matris", "name", "X"), 422)),
	read("GET /cases/{id}/staff", basic, get("/cases/{id}/staff")),
	write("POST /cases/{id}/staff", access.WorkEdit, basic, post("/cases/{id}/staff", form("role", "matris", "matris", "{extra}"), 422)),
	write("POST /cases/{id}/extend", access.WorkEdit, basic, post("/cases/{id}/extend", form("months", "1", "reason", "Matris"), 303, 409)),
	read("GET /cases/{id}/parties", basic, get("/cases/{id}/parties")),
	write("POST /cases/{id}/parties", access.WorkEdit, basic, post("/cases/{id}/parties", form("agency", "{police}", "reason_{police}", long), 422)),
	read("GET /cases/{id}/assessments", social, get("/cases/{id}/assessments")),
	// The form is offered to whoever reads the case; recording is the store's decision (below).
	read("GET /cases/{id}/assessments/new", basic, get("/cases/{id}/assessments/new?instrument=irk&tp=midway")),
	write("POST /cases/{id}/assessments", access.WorkAssess, social, post("/cases/{id}/assessments", form("instrument", "irk", "time_point", "matris"), 422)),
	read("GET /cases/{id}/timeline", basic, get("/cases/{id}/timeline")),
	write("POST /cases/{id}/notes", access.WorkNote, police,
		post("/cases/{id}/notes", form("category", "police", "text", note), 303).named("note (police)"),
		post("/cases/{id}/notes", form("category", "school", "text", note), 303).in(school).named("note (school)")),
	read("GET /cases/{id}/plan", basic, get("/cases/{id}/plan")),
	// A form made from a version that is not the current one: refused as stale (409) or
	// invalid (422), after access.
	write("POST /cases/{id}/plan", access.WorkEdit, basic, post("/cases/{id}/plan", form("version", "7", "own_goal", "Mål"), 409, 422)),
	read("GET /cases/{id}/plan/versions", basic, get("/cases/{id}/plan/versions")),
	read("GET /cases/{id}/plan/compare", basic, get("/cases/{id}/plan/compare?to={plan}")), // the plan's first version with none
	read("GET /cases/{id}/plan/print", basic, get("/cases/{id}/plan/print")),
	read("GET /cases/{id}/plan/youth", basic, get("/cases/{id}/plan/youth")),
	write("GET /cases/{id}/duplicates", access.WorkYouth, basic, get("/cases/{id}/duplicates")),
	// Legal hold: the staff set and release it; everyone who reads the case sees it.
	read("GET /cases/{id}/legal-hold", basic, get("/cases/{id}/legal-hold")),
	write("POST /cases/{id}/legal-hold", access.WorkEdit, basic, post("/cases/{id}/legal-hold", form("reason", "Matrisbevarande", "until", "{today}"), 303)),
	write("POST /cases/{id}/legal-hold/{hid}/release", access.WorkEdit, basic,
		post("/cases/{id}/legal-hold/{hold}/release", nil, 303).about("hold").then(restoreHold)),
	// Closure and return (issue 14:5): the closure page is read by whoever works the case; the
	// future meeting and the watch list are the staff's (WorkEdit). The matrix's cases are open,
	// so bad input (422) and a watch on an open case (409) are refused after access, and ending
	// a watch on a case without one is a conflict (409); the closed one may be watched (303).
	read("GET /cases/{id}/closure", basic, get("/cases/{id}/closure")),
	write("POST /cases/{id}/future-meeting", access.WorkEdit, basic, post("/cases/{id}/future-meeting", form("held_on", "matris"), 422)),
	write("POST /cases/{id}/watch", access.WorkEdit, basic, post("/cases/{id}/watch", form("watch_reason", "Matris", "watch_until", "{today}"), 303, 409, 422)),
	write("POST /cases/{id}/watch/end", access.WorkEdit, basic, post("/cases/{id}/watch/end", nil, 303, 409)),
	read("API GET /api/v1/cases/{id}/closure", basic, apiCall("GET", "/api/v1/cases/{id}/closure", "")),
	write("API PUT /api/v1/cases/{id}/closure/future-meeting", access.WorkEdit, basic,
		apiCall("PUT", "/api/v1/cases/{id}/closure/future-meeting", `{"held_on": "matris", "handovers": []}`, 422)),
	write("API POST /api/v1/cases/{id}/closure/watch", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/closure/watch", `{"reason": "Matris", "until": "{today}"}`, 201, 409, 422)),
	write("API DELETE /api/v1/cases/{id}/closure/watch", access.WorkEdit, basic, apiCall("DELETE", "/api/v1/cases/{id}/closure/watch", "", 204, 409)),
	can(access.WorkWithCases, "API GET /api/v1/watchlist", apiCall("GET", "/api/v1/watchlist", "")),
	// Placements (issue 14:3): social services' information, recorded by the staff; where the
	// young person is placed only by the address rule (the content check below). Bad input is
	// refused after access.
	read("GET /cases/{id}/placements", social, get("/cases/{id}/placements")),
	write("POST /cases/{id}/placements", access.WorkEdit, social, post("/cases/{id}/placements", form("form", "matris", "legal_basis", "lvu"), 422)),
	read("GET /cases/{id}/placements/{plid}", social, get("/cases/{id}/placements/{plid}").about("plid")),
	write("POST /cases/{id}/placements/{plid}", access.WorkEdit, social,
		post("/cases/{id}/placements/{plid}", form("form", "hvb", "legal_basis", "sol", "from", "x"), 422).about("plid")),
	// Identification of a young person reported without personnummer: youth work on the
	// protected details (a bad number is refused after access).
	read("GET /cases/{id}/identify", basic, get("/cases/{id}/identify")),
	write("POST /cases/{id}/identify", access.WorkYouth, protected, post("/cases/{id}/identify", form("personal_number", "x"), 422)),
	// The twin (a possible duplicate), unconfirmed: the page asks again (422) after reading the
	// candidates, which is youth work.
	write("POST /cases/{id}/merge", access.WorkYouth, basic, post("/cases/{id}/merge", form("other", "{twin}"), 422)),

	// Consents.
	read("GET /cases/{id}/consents", basic, get("/cases/{id}/consents")),
	write("POST /cases/{id}/consents", access.WorkEdit, basic, post("/cases/{id}/consents", form("months", "x", "language", "sv"), 422)),
	write("GET /cases/{id}/consents/new", access.WorkEdit, basic, get("/cases/{id}/consents/new")),
	write("POST /cases/{id}/consents/{cid}/signatures", access.WorkEdit, basic,
		post("/cases/{id}/consents/{cid}/signatures", form("signer", "1", "signed_on", "{today}", "signed_how", "paper"), 422)),
	write("GET /cases/{id}/consents/{cid}/withdraw", access.WorkEdit, basic, get("/cases/{id}/consents/{cid}/withdraw")),
	write("POST /cases/{id}/consents/{cid}/withdrawal", access.WorkEdit, basic,
		post("/cases/{id}/consents/{wcid}/withdrawal", form("withdrawn_by", "annan", "withdrawn_other", "Matris", "withdrawn_how", "phone"), 409)),
	write("POST /cases/{id}/consents/{cid}/evidence", access.WorkEdit, basic,
		post("/cases/{id}/consents/{cid}/evidence", nil, 422).withFile("file", "samtycke.pdf", "inte en pdf")),
	read("GET /cases/{id}/consents/{cid}/evidence", basic, get("/cases/{id}/consents/{cid}/evidence")),
	read("GET /cases/{id}/consents/{cid}/form", basic, get("/cases/{id}/consents/{cid}/form")),

	// Follow-up indicators: reading is the case's; recording needs a category the actor may
	// add to (access.CaseWrite note), else the page says 403.
	read("GET /cases/{id}/indicators", basic, get("/cases/{id}/indicators")),
	{key: "POST /cases/{id}/indicators", gov: caseScoped, cat: basic, expect: expectIndicators,
		reqs: []reqSpec{post("/cases/{id}/indicators", form("at", "closure", "measured_on", "{today}"), 409, 422)}},

	// The group and its meetings.
	read("GET /cases/{id}/group", basic, get("/cases/{id}/group")),
	write("POST /cases/{id}/group/members", access.WorkEdit, basic, post("/cases/{id}/group/members", form("kind", "youth"), 409)),
	write("POST /cases/{id}/group/members/{mid}/remove", access.WorkEdit, basic,
		post("/cases/{id}/group/members/{gm}/remove", nil, 303).then(restoreMember)),
	// The undo of a removal (issue 17:3): a member who was not removed cannot be brought back.
	write("POST /cases/{id}/group/members/{mid}/restore", access.WorkEdit, basic,
		post("/cases/{id}/group/members/{gm}/restore", nil, 409)),
	write("POST /cases/{id}/group/lead", access.WorkEdit, basic, post("/cases/{id}/group/lead", form("lead", "0"), 422)),
	write("POST /cases/{id}/group/rhythm", access.WorkEdit, basic, post("/cases/{id}/group/rhythm", form("rhythm", "4"), 303)),
	read("GET /cases/{id}/meetings", basic, get("/cases/{id}/meetings")),
	write("POST /cases/{id}/meetings", access.WorkEdit, basic,
		post("/cases/{id}/meetings", form("start", "2026-03-20T14:00:00Z", "duration", "5"), 422)),
	read("GET /cases/{id}/meetings/{mid}", basic, get("/cases/{id}/meetings/{mid}"),
		get("/cases/{id}/meetings/{mid}.ics").named("GET …/meetings/{mid}.ics (calendar file)")),
	write("POST /cases/{id}/meetings/{mid}/held", access.WorkEdit, basic, post("/cases/{id}/meetings/{mid}/held", nil, 409)),
	write("POST /cases/{id}/meetings/{mid}/minutes", access.WorkEdit, basic, post("/cases/{id}/meetings/{mid}/minutes", nil, 409)),
	write("POST /cases/{id}/meetings/{mid}/cancel", access.WorkEdit, basic, post("/cases/{id}/meetings/{mid}/cancel", nil, 409)),
	// The undo of the meeting's cancellation (issue 17:3), within its window at the matrix's
	// moment: cancelled again afterwards.
	write("POST /cases/{id}/meetings/{mid}/restore", access.WorkEdit, basic,
		post("/cases/{id}/meetings/{mid}/restore", nil, 303).then(cancelAgain)),
	write("POST /cases/{id}/meetings/{mid}/decisions", access.WorkEdit, basic,
		post("/cases/{id}/meetings/{mid}/decisions", form("decision_text", ""), 422)),

	// Objects whose case is not in the path.
	read("GET /cards/{id}", anonymous, get("/cards/{card}").about("card")),
	// The receipt of a concern: its reporter's (the coordinator's), nobody else's.
	{key: "GET /concerns/{id}/receipt", gov: caseScoped, expect: expectAuthor,
		reqs: []reqSpec{get("/concerns/{concern}/receipt?case={id}").about("concern")}},
	// A task: its owner (the coordinator) or staff on the case, while they see the case.
	{key: "POST /tasks/{tid}/done", gov: caseScoped, cat: basic, work: access.WorkNote, expect: expectTask,
		reqs: []reqSpec{post("/tasks/{tid}/done", nil, 303).about("tid")}}, // done already: back to the list, saying so

	// The API: the same store methods, so the same rule.
	read("API GET /api/v1/cases/{id}", basic, apiCall("GET", "/api/v1/cases/{id}", "")),
	write("API PUT /api/v1/cases/{id}/youth", access.WorkYouth, protected, apiCall("PUT", "/api/v1/cases/{id}/youth", `{"first_name": "", "last_name": ""}`, 422)),
	write("API POST /api/v1/cases/{id}/extensions", access.WorkEdit, basic, apiCall("POST", "/api/v1/cases/{id}/extensions", `{"months": 1, "reason": "Matris"}`, 204, 409)),
	write("API PUT /api/v1/cases/{id}/staff", access.WorkEdit, basic, apiCall("PUT", "/api/v1/cases/{id}/staff", `{"user_id": {extra}, "role": "matris"}`, 422)),
	write("API DELETE /api/v1/cases/{id}/staff/{uid}", access.WorkEdit, basic, apiCall("DELETE", "/api/v1/cases/{id}/staff/{uid}", "", 204).then(restoreOfficer)),
	write("API PUT /api/v1/cases/{id}/parties", access.WorkEdit, basic,
		apiCall("PUT", "/api/v1/cases/{id}/parties", `{"parties": [{"agency_id": {police}, "reason": "`+long+`"}]}`, 422)),
	read("API GET /api/v1/cases/{id}/persons", family, apiCall("GET", "/api/v1/cases/{id}/persons", "")),
	write("API POST /api/v1/cases/{id}/persons", access.WorkYouth, family, apiCall("POST", "/api/v1/cases/{id}/persons", `{"kind": "matris", "name": "X"}`, 422)),
	write("API PUT /api/v1/cases/{id}/persons/{pid}", access.WorkYouth, family, apiCall("PUT", "/api/v1/cases/{id}/persons/{pid}", `{"kind": "matris", "name": "X"}`, 422)),
	write("API POST /api/v1/cases/{id}/moves", access.WorkFlow, basic,
		apiCall("POST", "/api/v1/cases/{id}/moves", `{"action": "assessment_done"}`, 409).named("API move (flow)"),
		apiCall("POST", "/api/v1/cases/{id}/moves", `{"action": "prep_not_now"}`, 409, 422).doing(access.WorkPrepDecision).named("API move (preparatory decision)")),
	write("API POST /api/v1/cases/{id}/followups", access.WorkEdit, basic, apiCall("POST", "/api/v1/cases/{id}/followups", `{"kind": "6"}`, 409)),
	read("API GET /api/v1/cases/{id}/assessments", social, apiCall("GET", "/api/v1/cases/{id}/assessments", "")),
	write("API POST /api/v1/cases/{id}/assessments", access.WorkAssess, social,
		apiCall("POST", "/api/v1/cases/{id}/assessments", `{"instrument": "irk", "time_point": "matris", "ratings": []}`, 422)),
	read("API GET /api/v1/cases/{id}/placements", social, apiCall("GET", "/api/v1/cases/{id}/placements", "")),
	write("API POST /api/v1/cases/{id}/placements", access.WorkEdit, social,
		apiCall("POST", "/api/v1/cases/{id}/placements", `{"form": "matris", "legal_basis": "lvu"}`, 422)),
	write("API PUT /api/v1/cases/{id}/placements/{plid}", access.WorkEdit, social,
		apiCall("PUT", "/api/v1/cases/{id}/placements/{plid}", `{"form": "hvb", "legal_basis": "sol", "from": "x"}`, 422).about("plid")),
	read("API GET /api/v1/cases/{id}/timeline", basic, apiCall("GET", "/api/v1/cases/{id}/timeline", "")),
	write("API POST /api/v1/cases/{id}/notes", access.WorkNote, police,
		apiCall("POST", "/api/v1/cases/{id}/notes", `{"category": "police", "text": "`+note+`"}`, 201, 204).named("API note (police)"),
		apiCall("POST", "/api/v1/cases/{id}/notes", `{"category": "school", "text": "`+note+`"}`, 201, 204).in(school).named("API note (school)")),
	read("API GET /api/v1/cases/{id}/plan", basic, apiCall("GET", "/api/v1/cases/{id}/plan", "")),
	write("API PUT /api/v1/cases/{id}/plan", access.WorkEdit, basic,
		apiCall("PUT", "/api/v1/cases/{id}/plan", `{"own_goal": "Mål", "sub_goals": [{"text": "Skola"}]}`, 422)),
	read("API GET /api/v1/cases/{id}/consents", basic, apiCall("GET", "/api/v1/cases/{id}/consents", "")),
	write("API POST /api/v1/cases/{id}/consents", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/consents", `{"valid_from": "{today}", "categories": ["matris"], "language": "sv"}`, 422)),
	write("API POST /api/v1/cases/{id}/consents/{cid}/signatures", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/consents/{cid}/signatures", `{"signer_id": 1, "how": "matris"}`, 422)),
	write("API POST /api/v1/cases/{id}/consents/{cid}/withdrawal", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/consents/{wcid}/withdrawal", `{"by": "Matris", "how": "phone"}`, 409)),
	write("API GET /api/v1/cases/{id}/duplicates", access.WorkYouth, basic, apiCall("GET", "/api/v1/cases/{id}/duplicates", "")),
	write("API POST /api/v1/cases/{id}/merge", access.WorkYouth, basic, apiCall("POST", "/api/v1/cases/{id}/merge", `{"other_case_id": {id}}`, 409)),
	read("API GET /api/v1/cards/{id}", anonymous, apiCall("GET", "/api/v1/cards/{card}", "").about("card")),
	// The signed form, uploaded again (the same PDF: harmless) and downloaded.
	write("API PUT /api/v1/cases/{id}/consents/{cid}/evidence", access.WorkEdit, basic,
		apiCall("PUT", "/api/v1/cases/{id}/consents/{cid}/evidence", "", 200).withBody("application/pdf", smallPDF)),
	read("API GET /api/v1/cases/{id}/consents/{cid}/evidence", basic, apiCall("GET", "/api/v1/cases/{id}/consents/{cid}/evidence", "")),
	read("API GET /api/v1/cases/{id}/indicators", basic, apiCall("GET", "/api/v1/cases/{id}/indicators", "")),
	// Clearing the police values at intake, where there are none: the whole recording is
	// refused (403) unless the actor may add police notes.
	{key: "API PUT /api/v1/cases/{id}/indicators/{at}", gov: caseScoped, cat: basic, expect: expectRecord(police),
		reqs: []reqSpec{apiCall("PUT", "/api/v1/cases/{id}/indicators/intake", `{"date": "{today}", "categories": ["police"], "values": []}`, 204)}},
	read("API GET /api/v1/cases/{id}/group", basic, apiCall("GET", "/api/v1/cases/{id}/group", "")),
	write("API POST /api/v1/cases/{id}/group/members", access.WorkEdit, basic, apiCall("POST", "/api/v1/cases/{id}/group/members", `{"kind": "youth"}`, 409)),
	write("API DELETE /api/v1/cases/{id}/group/members/{mid}", access.WorkEdit, basic,
		apiCall("DELETE", "/api/v1/cases/{id}/group/members/{gm}", "", 204).then(restoreMember)),
	write("API PUT /api/v1/cases/{id}/group/lead", access.WorkEdit, basic, apiCall("PUT", "/api/v1/cases/{id}/group/lead", `{"member_id": 0}`, 422)),
	write("API PUT /api/v1/cases/{id}/group/rhythm", access.WorkEdit, basic, apiCall("PUT", "/api/v1/cases/{id}/group/rhythm", `{"weeks": 4}`, 204)),
	read("API GET /api/v1/cases/{id}/meetings", basic, apiCall("GET", "/api/v1/cases/{id}/meetings", "")),
	write("API POST /api/v1/cases/{id}/meetings", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/meetings", `{"start": "2026-03-20T14:00:00Z", "duration_minutes": 5}`, 422)),
	read("API GET /api/v1/cases/{id}/meetings/{mid}", basic, apiCall("GET", "/api/v1/cases/{id}/meetings/{mid}", "")),
	read("API GET /api/v1/cases/{id}/meetings/{mid}/calendar", basic, apiCall("GET", "/api/v1/cases/{id}/meetings/{mid}/calendar", "")),
	write("API POST /api/v1/cases/{id}/meetings/{mid}/held", access.WorkEdit, basic, apiCall("POST", "/api/v1/cases/{id}/meetings/{mid}/held", `{"present": []}`, 409)),
	write("API POST /api/v1/cases/{id}/meetings/{mid}/cancel", access.WorkEdit, basic, apiCall("POST", "/api/v1/cases/{id}/meetings/{mid}/cancel", `{}`, 409)),
	write("API POST /api/v1/cases/{id}/meetings/{mid}/decisions", access.WorkEdit, basic,
		apiCall("POST", "/api/v1/cases/{id}/meetings/{mid}/decisions", `{"text": ""}`, 422)),
	// Security assessments and exit pathways (issue 14; docs/security-assessment.md): category
	// security, which access.Case gives the staff on the case and the consented parties of the
	// agency kinds the municipality lists (police and social services); recording is work of
	// kind assess in it. The destination (category exit_destination) is checked in every answer
	// by its marker: only the named police officer and coordinator may ever see it.
	read("GET /cases/{id}/security", security, get("/cases/{id}/security")),
	write("POST /cases/{id}/security", access.WorkAssess, security, post("/cases/{id}/security", form("participant", "youth", "level", "high"), 422)),
	write("POST /cases/{id}/security/exit", access.WorkAssess, security, post("/cases/{id}/security/exit", form("stage", ""), 422)),
	read("POST /cases/{id}/security/seen", security, post("/cases/{id}/security/seen", nil, 303)),
	can(access.WorkWithCases, "GET /security/alerts", get("/security/alerts")),
	read("API GET /api/v1/cases/{id}/security", security, apiCall("GET", "/api/v1/cases/{id}/security", "")),
	write("API POST /api/v1/cases/{id}/security/assessments", access.WorkAssess, security,
		apiCall("POST", "/api/v1/cases/{id}/security/assessments", `{"participant": "youth", "level": "high"}`, 422)),
	write("API PUT /api/v1/cases/{id}/security/exit", access.WorkAssess, security,
		apiCall("PUT", "/api/v1/cases/{id}/security/exit", `{"stage": ""}`, 422)),
	can(access.WorkWithCases, "API GET /api/v1/security/alerts", apiCall("GET", "/api/v1/security/alerts", "")),
	{key: "API POST /api/v1/tasks/{tid}/done", gov: caseScoped, cat: basic, work: access.WorkNote, expect: expectTask,
		reqs: []reqSpec{apiCall("POST", "/api/v1/tasks/{tid}/done", "", 409).about("tid")}},
}

// expectCase is the case rule for one request: a read needs access.Case for its category; work
// needs access.CaseWrite, and a refusal of the work itself (the actor reads the category but
// may not do this) is a 403, any other refusal "not found".
func expectCase(r route, q reqSpec, ac *actor, c *mcase, f access.CaseFacts, now time.Time) outcome {
	if r.expect != nil {
		return r.expect(ac, c, f, now)
	}
	cat, work := r.cat, r.work
	if q.cat != "" {
		cat = q.cat
	}
	if q.work != "" {
		work = q.work
	}
	if work == "" {
		if access.Case(ac.a, f, cat, now).Allowed {
			return allowed
		}
		return notFound
	}
	d := access.CaseWrite(ac.a, f, work, cat, now)
	switch {
	case d.Allowed:
		return allowed
	case strings.HasPrefix(d.Ground.String(), "denied:no_write_"):
		return forbidden
	}
	return notFound
}

// expectIndicators: the form records the categories the actor may add notes to; with none,
// the page refuses with 403.
func expectIndicators(ac *actor, _ *mcase, f access.CaseFacts, now time.Time) outcome {
	if !access.Case(ac.a, f, casework.CatBasic, now).Allowed {
		return notFound
	}
	for _, in := range stats.Indicators {
		if access.CaseWrite(ac.a, f, access.WorkNote, in.Category, now).Allowed {
			return allowed
		}
	}
	return forbidden
}

// expectRecord: recording in category cat is refused as a whole (403) unless the actor may add
// notes in it; the read behind it is the case's basic information.
func expectRecord(cat casework.Category) func(*actor, *mcase, access.CaseFacts, time.Time) outcome {
	return func(ac *actor, _ *mcase, f access.CaseFacts, now time.Time) outcome {
		switch {
		case !access.Case(ac.a, f, casework.CatBasic, now).Allowed:
			return notFound
		case access.CaseWrite(ac.a, f, access.WorkNote, cat, now).Allowed:
			return allowed
		}
		return forbidden
	}
}

// expectAuthor: a concern's receipt is its reporter's; the matrix's concerns are the
// coordinator's, but for the concern the school made without personnummer.
func expectAuthor(ac *actor, c *mcase, _ access.CaseFacts, _ time.Time) outcome {
	if ac.name == c.reporter() {
		return allowed
	}
	return notFound
}

// expectTask: completing a task is a note on the case (access.CaseWrite); beyond that only its
// owner (the coordinator) and the staff on the case may.
func expectTask(ac *actor, _ *mcase, f access.CaseFacts, now time.Time) outcome {
	d := access.CaseWrite(ac.a, f, access.WorkNote, casework.CatBasic, now)
	if !d.Allowed {
		if strings.HasPrefix(d.Ground.String(), "denied:no_write_") {
			return forbidden
		}
		return notFound
	}
	if ac.name == "samordnare" {
		return allowed
	}
	for _, s := range f.Staff {
		if s.UserID == ac.a.User.ID {
			return allowed
		}
	}
	return forbidden
}
