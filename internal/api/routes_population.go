package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// The population import as a job resource (store/population_jobs.go, docs/mapping.md): the
// file is posted as it is, the answer is 202 with the job and its address, and the job is read
// until it has finished — done with what was saved, or failed with every line error. Nothing
// of a failed or interrupted import is saved.

// maxPopulationFile is the largest population file taken (as on the page).
const maxPopulationFile = 8 << 20

var populationMedia = []string{"text/csv"}

func (api *API) populationRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/mapping/population", Summary: "Import a population file in Statistics Sweden's layout (semicolon-separated, UTF-8 or Latin-1), at most 8 MB, as the raw body; Content-Disposition may give a file name. Starts a job and answers 202 with it: read it at its Location until it has finished. One import at a time per municipality (409). Administrator, steering group", Tag: "mapping",
			RequestMedia: populationMedia, Response: reflect.TypeFor[PopulationImport](), Status: http.StatusAccepted, Problems: []int{http.StatusRequestEntityTooLarge}, Handle: api.startPopulationImport},
		{Method: "GET", Path: "/api/v1/mapping/population/imports", Summary: "The latest population imports, newest first", Tag: "mapping",
			Response: reflect.TypeFor[[]PopulationImport](), Handle: api.populationImports},
		{Method: "GET", Path: "/api/v1/mapping/population/imports/{id}", Summary: "A population import: its phase and progress while it runs, then what was saved or every line error of the refused file", Tag: "mapping",
			Response: reflect.TypeFor[PopulationImport](), Handle: api.populationImport},
	}
}

// PopulationImport is a population import job.
type PopulationImport struct {
	ID         int64                 `json:"id"`
	FileName   string                `json:"file_name"`
	Phase      string                `json:"phase" enum:"queued,reading,checking,saving,done,failed,interrupted" doc:"reading: lines of the file read; checking: rows checked against the districts; saving: rows written (all saved at once at the end); failed: refused (errors) and nothing saved; interrupted: the process running it stopped and nothing was saved"`
	Finished   bool                  `json:"finished"`
	Done       int                   `json:"done" doc:"of the phase: lines read, rows checked or rows saved"`
	Total      int                   `json:"total"`
	Rows       int                   `json:"rows" doc:"rows saved (done)"`
	People     int                   `json:"people" doc:"people in the rows saved (done)"`
	Years      []int                 `json:"years" doc:"the years saved, each replacing what was stored for it (done)"`
	Errors     []PopulationLineError `json:"errors" doc:"the refused file's errors (failed), at most 20"`
	StartedAt  time.Time             `json:"started_at"`
	FinishedAt *time.Time            `json:"finished_at"`
}

// PopulationLineError is an error of a refused file, at its line and column when it has one.
type PopulationLineError struct {
	Line    *int   `json:"line" doc:"the line of the file, from 1"`
	Column  *int   `json:"column" doc:"the column (field) of the line, from 1"`
	Key     string `json:"key" doc:"message key, e.g. mapping.pop.bad_count"`
	Message string `json:"message" doc:"the key's text in the user's language, naming line and column"`
}

func (api *API) populationImportOf(r *http.Request, j store.PopulationJob) PopulationImport {
	l := api.locale(r)
	out := PopulationImport{ID: j.ID, FileName: j.FileName, Phase: j.Phase, Finished: j.Finished(), Done: j.Done, Total: j.Total,
		Rows: j.Rows, People: j.People, Years: j.Years, StartedAt: j.StartedAt, Errors: []PopulationLineError{}}
	if out.Years == nil {
		out.Years = []int{}
	}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		out.FinishedAt = &t
	}
	for _, e := range j.Errors {
		le := PopulationLineError{Key: e.Key, Message: api.catalog.Error(l, e)}
		// A line error's first two arguments are its line and column (mapping.lineErrors).
		if len(e.Args) >= 2 {
			line, lok := e.Args[0].(int)
			col, cok := e.Args[1].(int)
			if lok && cok && line > 0 {
				le.Line, le.Column = &line, &col
			}
		}
		out.Errors = append(out.Errors, le)
	}
	return out
}

func (api *API) startPopulationImport(w http.ResponseWriter, r *http.Request) error {
	var name string
	if cd := r.Header.Get("Content-Disposition"); cd != "" {
		if _, ps, err := mime.ParseMediaType(cd); err == nil {
			name = ps["filename"]
		}
	}
	j, err := api.store.StartPopulationImport(r.Context(), name, func() ([]byte, error) { return readPopulationFile(w, r) })
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/mapping/population/imports/"+strconv.FormatInt(j.ID, 10))
	return writeJSON(w, http.StatusAccepted, api.populationImportOf(r, j))
}

// readPopulationFile reads the posted file: text/csv, at most maxPopulationFile (else 413).
func readPopulationFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		return nil, casework.Invalid("file", "import13.api_media")
	}
	big := &statusError{status: http.StatusRequestEntityTooLarge, err: casework.Invalid("file", "mapping.file_too_large")}
	if r.ContentLength > maxPopulationFile {
		return nil, big
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPopulationFile))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, big
		}
		return nil, casework.Invalid("file", "mapping.file_required")
	}
	return data, nil
}

func (api *API) populationImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := api.store.PopulationJob(r.Context(), id)
	if err != nil {
		return err
	}
	if !j.Finished() {
		w.Header().Set("Retry-After", "1")
	}
	return writeJSON(w, http.StatusOK, api.populationImportOf(r, j))
}

func (api *API) populationImports(w http.ResponseWriter, r *http.Request) error {
	jobs, err := api.store.PopulationJobs(r.Context(), 20)
	if err != nil {
		return err
	}
	out := make([]PopulationImport, len(jobs))
	for i, j := range jobs {
		out[i] = api.populationImportOf(r, j)
	}
	return writeJSON(w, http.StatusOK, out)
}
