package web

import (
	"net/http"
	"slices"
	"strconv"

	"lots/internal/casework"
)

// casePartiesData is the choice of the agencies the case needs (step 5).
type casePartiesData struct {
	caseView
	Agencies  []casePartyRow
	Suggested bool // nothing chosen yet: the usual parties for the age are ticked
}

type casePartyRow struct {
	ID               int64
	Name, Kind       string
	Checked          bool
	Reason           string
	ReasonField, Box string
}

// casePartiesShow shows the municipality's agencies, the chosen ones ticked — or, before any
// are chosen, the ones a young person of this age usually needs.
func (s *Server) casePartiesShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.parties_title")
	v, ok := s.loadCaseView(w, r, p, "parties")
	if !ok {
		return
	}
	chosen := map[int64]string{}
	for _, pa := range v.Detail.Parties {
		chosen[pa.AgencyID] = pa.Reason
	}
	s.renderCaseParties(w, r, p, v, chosen, len(v.Detail.Parties) == 0, http.StatusOK)
}

// casePartiesSave replaces the chosen parties, each with its reason.
func (s *Server) casePartiesSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errFormUnreadable(err))
		return
	}
	var parties []casework.Party
	chosen := map[int64]string{}
	for _, v := range r.PostForm["agency"] {
		aid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			aid = -1 // no such agency: the store says so
		}
		reason := r.PostFormValue("reason_" + v)
		chosen[aid] = reason
		parties = append(parties, casework.Party{AgencyID: aid, Reason: reason})
	}
	err := s.store.SetParties(r.Context(), id, parties)
	if err == nil {
		s.setFlash(w, r, "case.parties_saved")
		http.Redirect(w, r, caseURL(id, ""), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.parties_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if p.Errors != nil {
		// The store names the reason or the party list; the page shows it at the fieldset.
		e := casework.AsError(err)
		p.Errors = casework.FieldErrors{casework.Invalid("parties", e.Key, e.Args...)}
	}
	v, ok := s.loadCaseView(w, r, p, "parties")
	if !ok {
		return
	}
	s.renderCaseParties(w, r, p, v, chosen, false, status)
}

func (s *Server) renderCaseParties(w http.ResponseWriter, r *http.Request, p *Page, v caseView, chosen map[int64]string, suggest bool, status int) {
	caseTitle(p, "case.parties_title", v)
	ags, err := s.store.Agencies(r.Context(), v.Detail.Case.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := casePartiesData{caseView: v, Suggested: suggest}
	kinds := casework.SuggestedParties(v.Detail.Age)
	for _, ag := range ags {
		id := strconv.FormatInt(ag.ID, 10)
		reason, checked := chosen[ag.ID]
		if suggest {
			checked = slices.Contains(kinds, ag.Kind)
		}
		d.Agencies = append(d.Agencies, casePartyRow{ID: ag.ID, Name: ag.Name, Kind: p.T("agency." + string(ag.Kind)),
			Checked: checked, Reason: reason, Box: "f-agency-" + id, ReasonField: "f-reason-" + id})
	}
	p.Data = d
	s.render(w, r, status, "case_parties", p)
}
