package api

import (
	"net/http"
	"reflect"

	"lots/internal/casework"
	"lots/internal/store"
)

// The flow: moves from step to step (the state machine in casework decides which are
// possible), and the long-term follow-ups after closure.

func (api *API) flowRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/cases/{id}/moves", Summary: "Take a step of the flow; a move the case is not ready for is a 409 problem whose key says why", Tag: "flow",
			Request: reflect.TypeFor[MoveRequest](), Response: reflect.TypeFor[MoveResult](), Handle: api.move},
		{Method: "POST", Path: "/api/v1/cases/{id}/followups", Summary: "Record the 6- or 12-month follow-up after closure", Tag: "flow",
			Request: reflect.TypeFor[FollowUpRequest](), Status: http.StatusNoContent, Handle: api.followUp},
	}
}

// MoveRequest is a move of the flow.
type MoveRequest struct {
	Action        string `json:"action" enum:"prep_take_on,prep_not_now,prep_refer,assessment_done,decide_start,decide_not_start,back_to_assessment,parties_set,motivation_done,consent_given,back_to_parties,start_motivation,plan_set,back_to_planning,close,followup_done,reopen"`
	Reason        string `json:"reason,omitempty" doc:"why; required for the moves that turn a case away or back, and for closing with other or excluded"`
	ClosureReason string `json:"closure_reason,omitempty" enum:"goals_reached,moved,placed,declined,consent_withdrawn,aged_out,excluded,other" doc:"with action close"`
	CoordinatorID int64  `json:"coordinator_id,omitempty" doc:"with prep_take_on: who coordinates the case; you when left out"`
}

// MoveResult is the step the case stands at after the move.
type MoveResult struct {
	Step string `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,planning,active,closed,followed_up"`
}

func (api *API) move(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in MoveRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	to, err := api.store.Move(r.Context(), id, store.MoveInput{
		Move:          casework.Move{Action: casework.Action(in.Action), Reason: in.Reason, ClosureReason: casework.ClosureReason(in.ClosureReason)},
		CoordinatorID: in.CoordinatorID,
	})
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"user": "coordinator_id"}))
	}
	return writeJSON(w, http.StatusOK, MoveResult{Step: string(to)})
}

// FollowUpRequest records a follow-up.
type FollowUpRequest struct {
	Kind    string `json:"kind" enum:"6,12" doc:"months after closure"`
	Reached bool   `json:"reached" doc:"whether the young person was reached"`
	Note    string `json:"note,omitempty"`
}

func (api *API) followUp(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in FollowUpRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.RecordFollowUp(r.Context(), id, in.Kind, in.Reached, in.Note); err != nil {
		return err
	}
	return noContent(w)
}
