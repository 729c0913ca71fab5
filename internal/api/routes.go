package api

import (
	"net/http"
	"reflect"

	"lots/internal/casework"
)

// declare lists every API route, resource by resource (one routes_*.go file each). Add new
// ones there; the OpenAPI document and the route tests follow.
func (api *API) declare() []Route {
	var rs []Route
	for _, part := range [][]Route{
		api.metaRoutes(),
		api.orgRoutes(),
		api.concernRoutes(),
		api.caseListRoutes(),
		api.caseRoutes(),
		api.personRoutes(),
		api.flowRoutes(),
		api.assessmentRoutes(),
		api.timelineRoutes(),
		api.placementRoutes(),
		api.planRoutes(),
		api.consentRoutes(),
		api.duplicateRoutes(),
		api.evidenceRoutes(),
		api.groupRoutes(),
		api.meetingRoutes(),
		api.taskRoutes(),
		api.catalogueRoutes(),
		api.indicatorRoutes(),
		api.economicsRoutes(),
		api.mappingRoutes(),
		api.populationRoutes(),
		api.extractRoutes(),
		api.securityRoutes(),
		api.prepGroupRoutes(),
		api.closureRoutes(),
	} {
		rs = append(rs, part...)
	}
	return rs
}

func (api *API) metaRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This OpenAPI 3.1 document", Tag: "meta", Public: true, Handle: api.openAPIDoc},
		{Method: "GET", Path: "/api/v1/me", Summary: "The token's user: name, agency, roles", Tag: "identity", Response: reflect.TypeFor[Me](), Handle: api.me},
	}
}

func (api *API) openAPIDoc(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(api.openapi)
	return err
}

// Me is the authenticated user.
type Me struct {
	ID             int64    `json:"id"`
	Username       string   `json:"username"`
	Name           string   `json:"name"`
	Title          string   `json:"title"`
	MunicipalityID int64    `json:"municipality_id"`
	Municipality   string   `json:"municipality"`
	AgencyID       int64    `json:"agency_id"`
	Agency         string   `json:"agency"`
	AgencyKind     string   `json:"agency_kind"`
	Roles          []string `json:"roles" doc:"coordinator, case_officer, group_member, prep_group, steering, analyst, admin"`
	Locale         string   `json:"locale" enum:"sv,en"`
}

func (api *API) me(w http.ResponseWriter, r *http.Request) error {
	a, _ := casework.ActorFrom(r.Context())
	m, err := api.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		return err
	}
	roles := make([]string, len(a.User.Roles))
	for i, x := range a.User.Roles {
		roles[i] = string(x)
	}
	return writeJSON(w, http.StatusOK, Me{
		ID: a.User.ID, Username: a.User.Username, Name: a.User.Name, Title: a.User.Title,
		MunicipalityID: m.ID, Municipality: m.Name, AgencyID: a.User.AgencyID, Agency: a.AgencyName,
		AgencyKind: string(a.AgencyKind), Roles: roles, Locale: string(a.User.Locale),
	})
}
