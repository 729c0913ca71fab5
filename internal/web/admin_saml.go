package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// The administrator's SAML providers (docs/sso.md), beside the OpenID Connect ones on
// /admin/sso: the IdP's metadata (from its URL, or pasted), the attributes with the groups
// and the HSA-id, the mapping of groups to roles, and the addresses to give the IdP.

type samlAdminData struct {
	Providers []samlProviderRow
	Agencies  []casework.Agency
	Editing   bool
}

type samlProviderRow struct {
	store.SSOProvider
	MetadataURL, ACS, SLO string
}

func (s *Server) samlAdminPage(w http.ResponseWriter, r *http.Request) (*samlAdminData, bool) {
	a, _ := casework.ActorFrom(r.Context())
	d := &samlAdminData{}
	ps, err := s.store.MunicipalSSOProviders(r.Context())
	if err == nil {
		d.Agencies, err = s.store.Agencies(r.Context(), a.User.MunicipalityID)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	for _, p := range ps {
		if p.Kind != "saml" {
			continue
		}
		base := s.origin(r) + "/login/saml/" + p.Slug
		d.Providers = append(d.Providers, samlProviderRow{SSOProvider: p, MetadataURL: base + "/metadata", ACS: base + "/acs", SLO: base + "/slo"})
	}
	return d, true
}

// adminSAML shows the SAML providers and the form for a new one (?edit=slug: for one of them).
func (s *Server) adminSAML(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "saml.admin_title")
	d, ok := s.samlAdminPage(w, r)
	if !ok {
		return
	}
	p.Form["groups_claim"], p.Form["active"] = "http://sambi.se/attributes/1/groups", "on"
	for _, pr := range d.Providers {
		if pr.Slug != r.URL.Query().Get("edit") {
			continue
		}
		d.Editing = true
		f := p.Form
		f["id"], f["slug"], f["name"], f["client_id"] = strconv.FormatInt(pr.ID, 10), pr.Slug, pr.Name, pr.ClientID
		f["agency"], f["groups_claim"], f["mfa_acr"], f["groups"] = strconv.FormatInt(pr.AgencyID, 10), pr.GroupsClaim, pr.MFAACR, groupLines(pr.Groups)
		f["metadata_url"], f["metadata"], f["hsa_attr"] = pr.SAML.MetadataURL, pr.SAML.Metadata, pr.SAML.HSAAttr
		f["active"], f["create_users"], f["link_users"] = onIf(pr.Active), onIf(pr.CreateUsers), onIf(pr.LinkUsers)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_saml", p)
}

func onIf(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// adminSAMLSave creates or changes a SAML provider. The metadata is fetched from its URL
// when one is given (and so again at every save), else taken as pasted; a new provider gets
// its own key pair.
func (s *Server) adminSAMLSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "saml.admin_title")
	formValues(r, p, "id", "slug", "name", "client_id", "agency", "groups_claim", "mfa_acr", "groups", "metadata_url", "metadata",
		"hsa_attr", "active", "create_users", "link_users")
	id, _ := strconv.ParseInt(p.Form["id"], 10, 64)
	agency, _ := strconv.ParseInt(p.Form["agency"], 10, 64)
	slug := strings.TrimSpace(p.Form["slug"])
	entity := strings.TrimSpace(p.Form["client_id"])
	if entity == "" {
		entity = s.origin(r) + "/login/saml/" + slug + "/metadata"
	}
	pr := store.SSOProvider{ID: id, Kind: "saml", Slug: slug, Name: p.Form["name"], ClientID: entity, AgencyID: agency,
		GroupsClaim: p.Form["groups_claim"], MFAACR: strings.Join(strings.Fields(p.Form["mfa_acr"]), " "),
		Active: p.Form["active"] == "on", CreateUsers: p.Form["create_users"] == "on", LinkUsers: p.Form["link_users"] == "on",
		SAML: &store.SAMLConfig{MetadataURL: strings.TrimSpace(p.Form["metadata_url"]), Metadata: strings.TrimSpace(p.Form["metadata"]),
			HSAAttr: p.Form["hsa_attr"]}}
	var fe casework.FieldErrors
	if pr.SAML.MetadataURL != "" {
		b, err := s.auth.FetchSAMLMetadata(r.Context(), pr.SAML.MetadataURL)
		if err != nil {
			fe = append(fe, casework.FieldErrorsOf(err)...)
		} else {
			pr.SAML.Metadata = string(b)
		}
	}
	if pr.SAML.Metadata != "" {
		if issuer, err := auth.ParseSAMLMetadata([]byte(pr.SAML.Metadata)); err != nil {
			fe = append(fe, casework.FieldErrorsOf(err)...)
		} else {
			pr.Issuer = issuer
		}
	} else if pr.SAML.MetadataURL == "" {
		fe.Add("metadata", "saml.metadata_required")
	}
	groups, gerr := parseGroupLines(p.Form["groups"])
	fe = append(fe, casework.FieldErrorsOf(gerr)...)
	pr.Groups = groups
	var err error
	if fe == nil && id == 0 {
		pr.SAML.SPKey, pr.SAML.SPCert, err = auth.NewSAMLKeyPair(entity)
		if err != nil {
			s.fail(w, r, casework.Internal(err))
			return
		}
	}
	if fe == nil {
		err = s.store.SaveSSOProvider(r.Context(), &pr)
	} else {
		if verr := pr.Validate(); verr != nil {
			for _, e := range casework.FieldErrorsOf(verr) {
				if !hasField(fe, e.Field) {
					fe = append(fe, e)
				}
			}
		}
		err = fe.Err()
	}
	if err != nil {
		if casework.FieldErrorsOf(err) == nil {
			s.fail(w, r, err)
			return
		}
		d, ok := s.samlAdminPage(w, r)
		if !ok {
			return
		}
		d.Editing = id != 0
		p.Data = d
		s.formError(w, r, "admin_saml", p, err)
		return
	}
	s.setFlash(w, r, "sso.saved")
	http.Redirect(w, r, "/admin/sso/saml", http.StatusSeeOther)
}

func hasField(fe casework.FieldErrors, field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}
