package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// The action plan: every save is a new version; the earlier ones stay.

func (api *API) planRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/plan", Summary: "The action plan: the current version and every earlier one", Tag: "plan",
			Response: reflect.TypeFor[PlanDocument](), Handle: api.plan},
		{Method: "PUT", Path: "/api/v1/cases/{id}/plan", Summary: "Save a new version of the action plan. With If-Match: \"N\" (the version the client read) the save is refused with 409 when someone saved since", Tag: "plan",
			Request: reflect.TypeFor[casework.Plan](), Response: reflect.TypeFor[PlanSaved](), Handle: api.savePlan},
	}
}

// PlanDocument is the plan with its history.
type PlanDocument struct {
	Version  int            `json:"version" doc:"the current version; 0 when no plan is saved yet"`
	Current  *casework.Plan `json:"current,omitempty"`
	Versions []PlanVersion  `json:"versions" doc:"newest first"`
}

// PlanVersion is a saved version of the plan.
type PlanVersion struct {
	Version   int           `json:"version"`
	Plan      casework.Plan `json:"plan"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
}

// PlanSaved is the version a save made.
type PlanSaved struct {
	Version int `json:"version"`
}

func (api *API) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	vs, err := api.store.PlanVersions(r.Context(), id)
	if err != nil {
		return err
	}
	out := PlanDocument{Versions: []PlanVersion{}}
	for _, v := range vs {
		out.Versions = append(out.Versions, PlanVersion{Version: v.Version, Plan: planOut(v.Plan), CreatedBy: v.CreatedBy, CreatedAt: utc(v.CreatedAt)})
	}
	if len(vs) > 0 {
		p := planOut(vs[0].Plan)
		out.Version, out.Current = vs[0].Version, &p
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) savePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in casework.Plan
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var v int
	if m := strings.Trim(strings.TrimSpace(r.Header.Get("If-Match")), `"`); m != "" {
		base, perr := strconv.Atoi(m)
		if perr != nil || base < 0 {
			return casework.Errorf(casework.EInvalid, "api.if_match", "If-Match must be a plan version in quotes, e.g. \"3\"")
		}
		v, err = api.store.SavePlanFrom(r.Context(), id, base, in)
	} else {
		v, err = api.store.SavePlan(r.Context(), id, in)
	}
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+strconv.Itoa(v)+`"`)
	return writeJSON(w, http.StatusOK, PlanSaved{Version: v})
}

// planOut gives empty lists as [] rather than null.
func planOut(p casework.Plan) casework.Plan {
	if p.SubGoals == nil {
		p.SubGoals = []casework.SubGoal{}
	}
	if p.Interventions == nil {
		p.Interventions = []casework.Intervention{}
	}
	if p.Agreements == nil {
		p.Agreements = []casework.Agreement{}
	}
	if p.TriedBefore == nil {
		p.TriedBefore = []string{}
	}
	return p
}
