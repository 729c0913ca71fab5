package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// A case's placements (issue 14:3, docs/placements.md): social services' information; where
// the young person is placed only for those who may see the address.

func (api *API) placementRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/placements", Summary: "The young person's placements with moves, days placed and any wait for a SiS place (social services' information)", Tag: "placements",
			Response: reflect.TypeFor[Placements](), Handle: api.placements},
		{Method: "POST", Path: "/api/v1/cases/{id}/placements", Summary: "Record a placement or a SiS wait; overlapping placements and a move without a reason are refused with the field named", Tag: "placements",
			Request: reflect.TypeFor[casework.PlacementInput](), Response: reflect.TypeFor[Placement](), Status: http.StatusCreated, Handle: api.addPlacement},
		{Method: "PUT", Path: "/api/v1/cases/{id}/placements/{plid}", Summary: "Change a placement: end it, a SiS place found, a correction", Tag: "placements",
			Request: reflect.TypeFor[casework.PlacementInput](), Response: reflect.TypeFor[Placement](), Handle: api.savePlacement},
	}
}

// Placement is one placement.
type Placement struct {
	ID          int64     `json:"id"`
	Form        string    `json:"form" enum:"hvb,sis,family_home,supported_housing"`
	LegalBasis  string    `json:"legal_basis" enum:"sol,lvu,lvm"`
	Waiting     bool      `json:"waiting" doc:"a SiS placement decided, waiting for a place"`
	RequestedOn string    `json:"requested_on,omitempty" doc:"the day the place was asked for (YYYY-MM-DD)"`
	WaitDays    int       `json:"wait_days,omitempty"`
	WaitAlert   bool      `json:"wait_alert,omitempty" doc:"waiting longer than a week"`
	From        string    `json:"from,omitempty" doc:"first day placed (YYYY-MM-DD)"`
	To          string    `json:"to,omitempty" doc:"last day placed; absent while it goes on"`
	Place       string    `json:"place,omitempty" doc:"where: absent for those who may not see the address"`
	PlaceHidden bool      `json:"place_hidden,omitempty" doc:"a place is recorded that you may not see"`
	Reason      string    `json:"reason,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Placements is a case's placements and what they add up to.
type Placements struct {
	Placements int            `json:"placements" doc:"placements with a first day"`
	Moves      int            `json:"moves" doc:"placements after an earlier one"`
	DaysPlaced int            `json:"days_placed"`
	DaysByForm map[string]int `json:"days_by_form"`
	WaitDays   int            `json:"wait_days,omitempty" doc:"the longest wait for a SiS place going on"`
	WaitAlert  bool           `json:"wait_alert"`
	SeesPlace  bool           `json:"sees_place" doc:"whether you may see where the young person is placed"`
	// The follow-up's half-years: days placed in the 183 days before the decision to start and
	// 0–6 and 6–12 months after closure; -1 while the half-year has not ended.
	DaysBeforeStart int         `json:"days_before_start"`
	DaysAfter6      int         `json:"days_after_closure_6"`
	DaysAfter12     int         `json:"days_after_closure_12"`
	Items           []Placement `json:"items"`
}

func placementOf(p casework.Placement, today string) Placement {
	return Placement{ID: p.ID, Form: string(p.Form), LegalBasis: string(p.Basis), Waiting: p.Waiting, RequestedOn: p.RequestedOn,
		WaitDays: p.WaitDays(today), WaitAlert: p.WaitAlert(today), From: p.From, To: p.To, Place: p.Place, PlaceHidden: p.PlaceHidden,
		Reason: p.Reason, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
}

func placementsOf(pl store.PlacementList) Placements {
	out := Placements{Placements: pl.Summary.Placements, Moves: pl.Summary.Moves, DaysPlaced: pl.Summary.DaysPlaced,
		DaysByForm: map[string]int{}, WaitDays: pl.Summary.WaitDays, WaitAlert: pl.Summary.WaitAlert, SeesPlace: pl.SeesPlace, Items: []Placement{},
		DaysBeforeStart: pl.FollowUp.BeforeStart, DaysAfter6: pl.FollowUp.After6, DaysAfter12: pl.FollowUp.After12}
	for f, d := range pl.Summary.DaysByForm {
		out.DaysByForm[string(f)] = d
	}
	for _, p := range pl.Placements {
		out.Items = append(out.Items, placementOf(p, pl.Today))
	}
	return out
}

func (api *API) placements(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	pl, err := api.store.Placements(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, placementsOf(pl))
}

func (api *API) addPlacement(w http.ResponseWriter, r *http.Request) error {
	return api.writePlacement(w, r, 0, http.StatusCreated)
}

func (api *API) savePlacement(w http.ResponseWriter, r *http.Request) error {
	plid, err := pathID(r, "plid")
	if err != nil {
		return err
	}
	return api.writePlacement(w, r, plid, http.StatusOK)
}

func (api *API) writePlacement(w http.ResponseWriter, r *http.Request, plid int64, status int) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in casework.PlacementInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := api.store.SavePlacement(r.Context(), id, plid, in)
	if err != nil {
		return err
	}
	today := api.store.Now().In(casework.Stockholm).Format(casework.DateLayout)
	return writeJSON(w, status, placementOf(p, today))
}
