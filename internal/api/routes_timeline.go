package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
)

// The case's timeline (moves, notes, decisions: who, when, why), only in the information
// categories the user may see, and notes added to it.

func (api *API) timelineRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/timeline", Summary: "The case's events in order, only in the categories you may see", Tag: "timeline",
			Response: reflect.TypeFor[Timeline](), Handle: api.timeline},
		{Method: "POST", Path: "/api/v1/cases/{id}/notes", Summary: "Add a note in an information category; parties under a consent may write in the categories it covers", Tag: "timeline",
			Request: reflect.TypeFor[NoteRequest](), Status: http.StatusNoContent, Handle: api.addNote},
	}
}

// Event is one entry of the timeline.
type Event struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Agency   string    `json:"agency"`
	Kind     string    `json:"kind" doc:"a flow action (prep_take_on, close …), or note, concern, assessment, consent_signed …"`
	FromStep string    `json:"from_step,omitempty"`
	ToStep   string    `json:"to_step,omitempty"`
	Text     string    `json:"text,omitempty" doc:"the reason of a move, the text of a note"`
	Category string    `json:"category" enum:"basic,school,police,social,health,family,leisure"`
}

// Timeline is the case's events, oldest first.
type Timeline struct {
	Items []Event `json:"items"`
}

func (api *API) timeline(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	es, err := api.store.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	out := Timeline{Items: []Event{}}
	for _, e := range es {
		out.Items = append(out.Items, eventOf(e))
	}
	return writeJSON(w, http.StatusOK, out)
}

// NoteRequest is a note for the timeline.
type NoteRequest struct {
	Category string `json:"category" enum:"basic,school,police,social,health,family,leisure"`
	Text     string `json:"text"`
}

func (api *API) addNote(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in NoteRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.AddNote(r.Context(), id, casework.Category(in.Category), in.Text); err != nil {
		return err
	}
	return noContent(w)
}
