package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// A population import runs as a background job (store/population_jobs.go, docs/mapping.md):
// the upload starts it and the browser is sent to the job's page, which shows a <progress> of
// the phase (reading the file, checking its rows, saving them) and ends in the result or the
// refused file's line errors. With JavaScript htmx polls the page every second and swaps the
// job's part in; without it the page refreshes itself (a meta refresh inside <noscript>), and
// a link does the same by hand.

// mapJobRefresh is the seconds between two refreshes of a running job's page without JavaScript.
const mapJobRefresh = 2

type mapJobPage struct {
	URL, FileName, Phase, PhaseText, Count, Started string
	Done, Total                                     int
	Running                                         bool
	Years, Rows, People                             string
	Errors                                          []string
}

type mapJobRow struct {
	URL, FileName, PhaseText, Started string
	Running                           bool
}

// mappingPopulationJob shows a population import: its progress while it runs, then its end.
func (s *Server) mappingPopulationJob(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "import13.job_title")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, casework.NotFound("population import"))
		return
	}
	j, err := s.store.PopulationJob(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := mapJobPage{URL: "/mapping/population/jobs/" + strconv.FormatInt(j.ID, 10), FileName: j.FileName, Phase: j.Phase,
		PhaseText: mapJobPhase(p, j), Done: j.Done, Total: j.Total, Running: !j.Finished(), Started: formatDateTime(j.StartedAt)}
	if d.Running {
		p.Refresh = mapJobRefresh
		if j.Total > 0 {
			d.Count = p.T("import13.count_"+j.Phase, formatNumber(p.Locale, float64(j.Done), 0), formatNumber(p.Locale, float64(j.Total), 0),
				j.Done*100/j.Total)
		}
	}
	if j.Phase == store.PopDone {
		ys := make([]string, len(j.Years))
		for i, y := range j.Years {
			ys[i] = strconv.Itoa(y)
		}
		d.Years, d.Rows, d.People = strings.Join(ys, ", "), formatNumber(p.Locale, float64(j.Rows), 0), formatNumber(p.Locale, float64(j.People), 0)
	}
	for _, e := range j.Errors {
		d.Errors = append(d.Errors, s.catalog.Error(p.Locale, e))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "mapping_job", p)
}

// mapJobPhase is the sentence the page's status region reads out for the job's phase.
func mapJobPhase(p *Page, j store.PopulationJob) string {
	return p.T("import13.phase_" + j.Phase)
}

// mapJobRows are the latest imports for the data page.
func (s *Server) mapJobRows(r *http.Request, p *Page) ([]mapJobRow, error) {
	jobs, err := s.store.PopulationJobs(r.Context(), 5)
	if err != nil {
		return nil, err
	}
	out := make([]mapJobRow, len(jobs))
	for i, j := range jobs {
		out[i] = mapJobRow{URL: "/mapping/population/jobs/" + strconv.FormatInt(j.ID, 10), FileName: j.FileName,
			PhaseText: mapJobPhase(p, j), Started: formatDateTime(j.StartedAt), Running: !j.Finished()}
		if out[i].FileName == "" {
			out[i].FileName = p.T("import13.no_name")
		}
	}
	return out, nil
}

// mappingPopulationStart starts the import of an uploaded (or previewed) file and sends the
// browser to the job's page.
func (s *Server) mappingPopulationStart(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "mapping.data_title")
	b, err := readMappingFile(w, r)
	if err == nil {
		var j store.PopulationJob
		if j, err = s.store.StartPopulationImport(r.Context(), uploadName(r), func() ([]byte, error) { return b, nil }); err == nil {
			http.Redirect(w, r, "/mapping/population/jobs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
			return
		}
	}
	if casework.ErrorCode(err) == casework.EConflict {
		p.Errors = casework.FieldErrors{casework.Invalid("file", casework.AsError(err).Key)}
		s.renderMappingData(w, r, p, http.StatusConflict, "population")
		return
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderMappingData(w, r, p, http.StatusUnprocessableEntity, "population")
}

// uploadName is the uploaded file's name, or the name a preview's save form carries.
func uploadName(r *http.Request) string {
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		return r.MultipartForm.File["file"][0].Filename
	}
	return r.PostFormValue("name")
}
