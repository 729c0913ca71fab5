package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// ssoAdminData is the administrator's single sign-on page.
type ssoAdminData struct {
	Providers []ssoProviderRow
	Agencies  []casework.Agency
	Roles     []ssoPolicyRole
	Editing   bool
}

type ssoProviderRow struct {
	store.SSOProvider
	RedirectURI, LogoutURI string
}

// ssoPolicyRole is a role's line of the sign-in policy.
type ssoPolicyRole struct {
	Role, Label string
	MFA, SSO    bool
}

// groupLines writes a mapping one "group id = role" a line, as parseGroupLines reads it.
func groupLines(gs []store.SSOGroupRole) string {
	lines := make([]string, len(gs))
	for i, g := range gs {
		lines[i] = g.GroupID + " = " + string(g.Role)
	}
	return strings.Join(lines, "\n")
}

// parseGroupLines reads "group id = role" lines; blank lines are skipped.
func parseGroupLines(s string) ([]store.SSOGroupRole, error) {
	var out []store.SSOGroupRole
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		g, r, ok := strings.Cut(l, "=")
		role := casework.Role(strings.TrimSpace(r))
		if !ok || strings.TrimSpace(g) == "" || !role.Valid() {
			return nil, casework.Invalid("groups", "sso.groups_invalid")
		}
		out = append(out, store.SSOGroupRole{GroupID: strings.TrimSpace(g), Role: role})
	}
	return out, nil
}

func (s *Server) ssoAdminPage(w http.ResponseWriter, r *http.Request, p *Page) (*ssoAdminData, bool) {
	a, _ := casework.ActorFrom(r.Context())
	d := &ssoAdminData{}
	ps, err := s.store.MunicipalSSOProviders(r.Context())
	if err == nil {
		d.Agencies, err = s.store.Agencies(r.Context(), a.User.MunicipalityID)
	}
	var m casework.Municipality
	if err == nil {
		m, err = s.store.Municipality(r.Context(), a.User.MunicipalityID)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	for _, pr := range ps {
		d.Providers = append(d.Providers, ssoProviderRow{SSOProvider: pr, RedirectURI: s.ssoCallbackURL(r, pr.Slug),
			LogoutURI: s.origin(r) + "/login/sso/" + pr.Slug + "/backchannel-logout"})
	}
	for _, role := range casework.Roles {
		d.Roles = append(d.Roles, ssoPolicyRole{Role: string(role), Label: p.T("role." + string(role)),
			MFA: slices.Contains(m.Settings.MFARoles, role), SSO: slices.Contains(m.Settings.SSORoles, role)})
	}
	if _, ok := p.Form["step_up_minutes"]; !ok {
		p.Form["step_up_minutes"] = strconv.Itoa(m.Settings.StepUpMinutes)
	}
	return d, true
}

// adminSSO shows the providers, the form for a new one (or, with ?edit=slug, for one of
// them) and the sign-in policy.
func (s *Server) adminSSO(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "sso.admin_title")
	d, ok := s.ssoAdminPage(w, r, p)
	if !ok {
		return
	}
	p.Form["groups_claim"], p.Form["active"] = "groups", "on"
	for _, pr := range d.Providers {
		if pr.Slug == r.URL.Query().Get("edit") {
			d.Editing = true
			p.Form["id"], p.Form["slug"], p.Form["name"], p.Form["issuer"] = strconv.FormatInt(pr.ID, 10), pr.Slug, pr.Name, pr.Issuer
			p.Form["client_id"], p.Form["agency"], p.Form["groups_claim"], p.Form["mfa_acr"] = pr.ClientID, strconv.FormatInt(pr.AgencyID, 10), pr.GroupsClaim, pr.MFAACR
			p.Form["groups"], p.Form["active"], p.Form["create_users"] = groupLines(pr.Groups), "", ""
			if pr.Active {
				p.Form["active"] = "on"
			}
			if pr.CreateUsers {
				p.Form["create_users"] = "on"
			}
			if pr.LinkUsers {
				p.Form["link_users"] = "on"
			}
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_sso", p)
}

// adminSSOSave creates or changes a provider with its group mapping.
func (s *Server) adminSSOSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "sso.admin_title")
	formValues(r, p, "id", "slug", "name", "issuer", "client_id", "agency", "groups_claim", "mfa_acr", "groups", "active", "create_users", "link_users")
	id, _ := strconv.ParseInt(p.Form["id"], 10, 64)
	agency, _ := strconv.ParseInt(p.Form["agency"], 10, 64)
	pr := store.SSOProvider{ID: id, Kind: "oidc", Slug: p.Form["slug"], Name: p.Form["name"], Issuer: p.Form["issuer"],
		ClientID: p.Form["client_id"], ClientSecret: r.PostFormValue("client_secret"), AgencyID: agency,
		GroupsClaim: p.Form["groups_claim"], MFAACR: p.Form["mfa_acr"], Active: p.Form["active"] == "on", CreateUsers: p.Form["create_users"] == "on",
		LinkUsers: p.Form["link_users"] == "on"}
	groups, err := parseGroupLines(p.Form["groups"])
	if err == nil {
		pr.Groups = groups
		err = s.store.SaveSSOProvider(r.Context(), &pr)
	} else if verr := pr.Validate(); verr != nil {
		// Every field's error at once: the mapping's and the others'.
		fe := append(casework.FieldErrorsOf(err), casework.FieldErrorsOf(verr)...)
		err = fe.Err()
	}
	if err != nil {
		d, ok := s.ssoAdminPage(w, r, p)
		if !ok {
			return
		}
		d.Editing = id != 0
		p.Data = d
		s.formError(w, r, "admin_sso", p, err)
		return
	}
	s.setFlash(w, r, "sso.saved")
	http.Redirect(w, r, "/admin/sso", http.StatusSeeOther)
}

// adminSSOPolicy saves which roles must use a second factor or single sign-on, and the
// step-up time.
func (s *Server) adminSSOPolicy(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "sso.admin_title")
	formValues(r, p, "step_up_minutes")
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := m.Settings
	_ = r.ParseForm()
	st.MFARoles, st.SSORoles = nil, nil
	for _, role := range casework.Roles {
		if slices.Contains(r.PostForm["mfa_roles"], string(role)) {
			st.MFARoles = append(st.MFARoles, role)
		}
		if slices.Contains(r.PostForm["sso_roles"], string(role)) {
			st.SSORoles = append(st.SSORoles, role)
		}
	}
	var fe casework.FieldErrors
	if n, err := strconv.Atoi(strings.TrimSpace(p.Form["step_up_minutes"])); err == nil {
		st.StepUpMinutes = n
	} else {
		fe.Add("step_up_minutes", "settings.step_up_range")
	}
	if err := fe.Err(); err == nil {
		err = st.Validate()
		if err == nil {
			err = s.store.UpdateSettings(r.Context(), st)
		}
		fe = casework.FieldErrorsOf(err)
		if err != nil && fe == nil {
			s.fail(w, r, err)
			return
		}
	}
	if fe != nil {
		d, ok := s.ssoAdminPage(w, r, p)
		if !ok {
			return
		}
		p.Data = d
		s.formError(w, r, "admin_sso", p, fe.Err())
		return
	}
	s.setFlash(w, r, "sso.policy_saved")
	http.Redirect(w, r, "/admin/sso", http.StatusSeeOther)
}

// adminUserSessionsEnd ends every session of a user (not the account): a lost phone, a
// suspected theft.
func (s *Server) adminUserSessionsEnd(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if _, err := s.store.EndUserSessions(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "sso.user_sessions_ended")
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
