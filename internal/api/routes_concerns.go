package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// Concerns (orosanmälningar with Check: IRK): anyone working with cases may report one, and
// sees afterwards what they reported — never whether the young person was known before.

func (api *API) concernRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/concerns", Summary: "Report a concern about a young person with the eight IRK ratings", Tag: "concerns",
			Request: reflect.TypeFor[ConcernRequest](), Response: reflect.TypeFor[ConcernReceipt](), Status: http.StatusCreated, Handle: api.reportConcern},
		{Method: "GET", Path: "/api/v1/concerns", Summary: "The concerns I reported, newest first", Tag: "concerns",
			Response: reflect.TypeFor[ConcernList](), Handle: api.myConcerns},
	}
}

// ConcernRequest is a concern: who it is about, the Check: IRK ratings and notes.
type ConcernRequest struct {
	Youth      YouthInput `json:"youth"`
	Ratings    []Rating   `json:"ratings" doc:"all eight IRK factors (see GET /instruments, code irk), each no, some, clear or unknown"`
	Protective string     `json:"protective,omitempty" doc:"protective factors in words"`
	Note       string     `json:"note,omitempty"`
	Program    string     `json:"program,omitempty" enum:"sig,sspf" doc:"sig when left out"`
}

// ConcernReceipt is what the reporter gets back. case_id is there only when the reporter may
// see the case; its absence says nothing about whether the young person was known.
type ConcernReceipt struct {
	ConcernID int64     `json:"concern_id"`
	CaseID    int64     `json:"case_id,omitempty" doc:"only when you may see the case"`
	At        time.Time `json:"at"`
}

// MyConcern is a concern as its reporter sees it afterwards.
type MyConcern struct {
	ConcernID int64     `json:"concern_id"`
	At        time.Time `json:"at"`
	YouthName string    `json:"youth_name"`
	Clear     int       `json:"clear" doc:"IRK factors rated a clear risk"`
}

// ConcernList is the concerns the user reported.
type ConcernList struct {
	Items []MyConcern `json:"items"`
}

func (api *API) reportConcern(w http.ResponseWriter, r *http.Request) error {
	var in ConcernRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rc, err := api.store.RegisterConcern(r.Context(), store.ConcernInput{
		Youth: in.Youth.domain(), Ratings: ratingsIn(in.Ratings), Protective: in.Protective, Note: in.Note, Program: casework.Program(in.Program),
	})
	if err != nil {
		return renameFields(err, func(f string) string {
			if g, ok := youthFields[f]; ok {
				return "youth." + g
			}
			return ratingField(f)
		})
	}
	out := ConcernReceipt{ConcernID: rc.ConcernID, At: utc(rc.At)}
	// The case id only if the reporter may see the case: the store decides (and audits the
	// look). A refusal is not an error here.
	if _, err := api.store.CaseDetail(r.Context(), rc.CaseID); err == nil {
		out.CaseID = rc.CaseID
	} else if casework.ErrorCode(err) != casework.ENotFound {
		api.log.Error("concern receipt: case detail", "err", err)
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (api *API) myConcerns(w http.ResponseWriter, r *http.Request) error {
	cs, err := api.store.MyConcerns(r.Context())
	if err != nil {
		return err
	}
	out := ConcernList{Items: []MyConcern{}}
	for _, c := range cs {
		out.Items = append(out.Items, MyConcern{ConcernID: c.ConcernID, At: utc(c.At), YouthName: c.YouthName, Clear: c.Clear})
	}
	return writeJSON(w, http.StatusOK, out)
}
