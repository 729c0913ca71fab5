package api

import (
	"net/http"
	"reflect"

	"lots/internal/casework"
)

// The municipality's organisation as case work needs it: the agencies that can be parties, the
// districts a young person lives in, and the colleagues who can be staff or named in a consent.

func (api *API) orgRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/agencies", Summary: "The municipality's agencies (parties of cases and consents)", Tag: "organisation",
			Response: reflect.TypeFor[AgencyList](), Handle: api.agencies},
		{Method: "GET", Path: "/api/v1/districts", Summary: "The municipality's districts", Tag: "organisation",
			Response: reflect.TypeFor[DistrictList](), Handle: api.districts},
		{Method: "GET", Path: "/api/v1/colleagues", Summary: "Colleagues to choose as staff or consent parties: name, title, agency, roles", Tag: "organisation",
			Query:    []Param{{Name: "role", Type: "string", Doc: "only users with this role", Enum: roleNames()}},
			Response: reflect.TypeFor[ColleagueList](), Handle: api.colleagues},
	}
}

// Agency is an organisation taking part in the municipality's SIG work.
type Agency struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind" enum:"socialtjanst,polis,skola,fritid,bup,habilitering,arbetsformedlingen,frivard,hvb,civilsamhalle,kommunledning,annan"`
}

// AgencyList is the municipality's agencies by name.
type AgencyList struct {
	Items []Agency `json:"items"`
}

// District is a part of the municipality.
type District struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DistrictList is the municipality's districts by name.
type DistrictList struct {
	Items []District `json:"items"`
}

// Colleague is a user as case workers see them: no contact details.
type Colleague struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	AgencyID   int64    `json:"agency_id"`
	Agency     string   `json:"agency"`
	AgencyKind string   `json:"agency_kind"`
	Roles      []string `json:"roles"`
}

// ColleagueList is the colleagues by name.
type ColleagueList struct {
	Items []Colleague `json:"items"`
}

func roleNames() []string {
	out := make([]string, len(casework.Roles))
	for i, r := range casework.Roles {
		out[i] = string(r)
	}
	return out
}

func (api *API) agencies(w http.ResponseWriter, r *http.Request) error {
	a, _ := casework.ActorFrom(r.Context())
	as, err := api.store.Agencies(r.Context(), a.User.MunicipalityID)
	if err != nil {
		return err
	}
	out := AgencyList{Items: []Agency{}}
	for _, x := range as {
		out.Items = append(out.Items, Agency{ID: x.ID, Name: x.Name, Kind: string(x.Kind)})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) districts(w http.ResponseWriter, r *http.Request) error {
	a, _ := casework.ActorFrom(r.Context())
	ds, err := api.store.Districts(r.Context(), a.User.MunicipalityID)
	if err != nil {
		return err
	}
	out := DistrictList{Items: []District{}}
	for _, d := range ds {
		out.Items = append(out.Items, District{ID: d.ID, Name: d.Name})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) colleagues(w http.ResponseWriter, r *http.Request) error {
	role := casework.Role(r.URL.Query().Get("role"))
	if role != "" && !role.Valid() {
		return casework.Invalid("role", "api.role_unknown")
	}
	cs, err := api.store.Colleagues(r.Context(), role)
	if err != nil {
		return err
	}
	out := ColleagueList{Items: []Colleague{}}
	for _, c := range cs {
		roles := make([]string, len(c.Roles))
		for i, x := range c.Roles {
			roles[i] = string(x)
		}
		out.Items = append(out.Items, Colleague{ID: c.ID, Name: c.Name, Title: c.Title, AgencyID: c.AgencyID, Agency: c.AgencyName,
			AgencyKind: string(c.AgencyKind), Roles: roles})
	}
	return writeJSON(w, http.StatusOK, out)
}
