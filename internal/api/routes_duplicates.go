package api

import (
	"net/http"
	"reflect"

	"lots/internal/casework"
	"lots/internal/store"
)

// Possible duplicates of the case's young person, and merging two records of one person.

func (api *API) duplicateRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/duplicates", Summary: "Young people who may be the same as the case's: same birth date, similar name", Tag: "duplicates",
			Response: reflect.TypeFor[DuplicateList](), Handle: api.duplicates},
		{Method: "POST", Path: "/api/v1/cases/{id}/merge", Summary: "Merge the young person of another case into this case's; nothing is deleted", Tag: "duplicates",
			Request: reflect.TypeFor[MergeRequest](), Status: http.StatusNoContent, Handle: api.merge},
	}
}

// Duplicate is a young person who may be the same as the case's.
type Duplicate struct {
	CaseID    int64  `json:"case_id"`
	YouthID   int64  `json:"youth_id"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date" doc:"YYYY-MM-DD"`
	Identity  string `json:"identity"`
	Reason    string `json:"reason" enum:"same_birth_date_and_name"`
}

// DuplicateList is the possible duplicates.
type DuplicateList struct {
	Items []Duplicate `json:"items"`
}

func duplicateOf(d store.DuplicateCandidate) Duplicate {
	return Duplicate{CaseID: d.CaseID, YouthID: d.YouthID, Name: d.Name, BirthDate: date(d.BirthDate), Identity: d.Identity, Reason: d.Reason}
}

func (api *API) duplicates(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	ds, err := api.store.PossibleDuplicates(r.Context(), id)
	if err != nil {
		return err
	}
	out := DuplicateList{Items: []Duplicate{}}
	for _, d := range ds {
		out.Items = append(out.Items, duplicateOf(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

// MergeRequest names the case whose young person is merged into this case's.
type MergeRequest struct {
	OtherCaseID int64 `json:"other_case_id"`
}

func (api *API) merge(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in MergeRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.OtherCaseID <= 0 {
		return casework.Invalid("other_case_id", "api.id_required")
	}
	if err := api.store.MergeYouth(r.Context(), id, in.OtherCaseID); err != nil {
		return err
	}
	return noContent(w)
}
