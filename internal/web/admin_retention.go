package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// adminRetentionData is the retention page: each rule with the municipality's period, what is
// due now and the last runs.
type adminRetentionData struct {
	Rules    []retentionRuleView
	Due      []retentionCountView
	DueTotal int
	Runs     []retentionRunView
	// Confirm is set when a change would delete records at once: what, and the change again.
	Confirm      []retentionCountView
	ConfirmTotal int
	Hidden       map[string]string
}

type retentionRuleView struct {
	Kind, Name, From, Basis, Unit string
	Field                         string // the form field, "" for a rule the municipality cannot set
	Period, Min, Max, Default     int
}

type retentionCountView struct {
	Name                       string
	Count, Held, Waiting, Kept int
}

type retentionRunView struct {
	When, By, Outcome string
	Counts            []retentionCountView
	Youths            int
}

func retentionField(k casework.RecordKind) string { return "retention_" + string(k) }

func retentionCounts(p *Page, cs []store.RetentionCount) ([]retentionCountView, int) {
	var out []retentionCountView
	total := 0
	for _, c := range cs {
		if c.Count == 0 && c.Held == 0 && c.Waiting == 0 && c.Kept == 0 {
			continue
		}
		out = append(out, retentionCountView{Name: p.T("retention.kind." + string(c.Kind)), Count: c.Count, Held: c.Held, Waiting: c.Waiting, Kept: c.Kept})
		total += c.Count
	}
	return out, total
}

// adminRetention shows the retention rules and what falls due.
func (s *Server) adminRetention(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "retention.title")
	s.renderAdminRetention(w, r, p, nil, http.StatusOK)
}

func (s *Server) renderAdminRetention(w http.ResponseWriter, r *http.Request, p *Page, d *adminRetentionData, status int) {
	a, _ := casework.ActorFrom(r.Context())
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d == nil {
		d = &adminRetentionData{}
	}
	for _, rule := range casework.RetentionRules() {
		v := retentionRuleView{Kind: string(rule.Kind), Name: p.T("retention.kind." + string(rule.Kind)), From: p.T("retention.from." + string(rule.Kind)),
			Basis: p.T("retention.basis." + string(rule.Kind)), Unit: p.T("retention.unit." + string(rule.Unit)),
			Period: m.Settings.RetentionPeriod(rule.Kind), Min: rule.Min, Max: rule.Max, Default: rule.Default}
		if rule.Settable() {
			v.Field = retentionField(rule.Kind)
			if _, ok := p.Form[v.Field]; !ok {
				p.Form[v.Field] = strconv.Itoa(v.Period)
			}
		}
		d.Rules = append(d.Rules, v)
	}
	due, err := s.store.RetentionPreview(r.Context(), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Due, d.DueTotal = retentionCounts(p, due.Counts)
	runs, err := s.store.RetentionRuns(r.Context(), 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, run := range runs {
		v := retentionRunView{When: auditTime(run.StartedAt), By: p.T("retention.by." + run.StartedBy), Youths: run.Youths}
		switch {
		case run.Interrupted():
			v.Outcome = p.T("retention.outcome_interrupted")
		case run.Outcome == "failed":
			v.Outcome = p.T("retention.outcome_failed", run.Error)
		case run.DryRun:
			v.Outcome = p.T("retention.outcome_dry")
		default:
			v.Outcome = p.T("retention.outcome_done")
		}
		v.Counts, _ = retentionCounts(p, run.Counts)
		d.Runs = append(d.Runs, v)
	}
	p.Data = d
	s.render(w, r, status, "admin_retention", p)
}

// adminRetentionSave changes the periods. A change that would make records due at once first
// shows how many of each kind, and is saved only when confirmed.
func (s *Server) adminRetentionSave(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "retention.title")
	periods := map[casework.RecordKind]int{}
	var fe casework.FieldErrors
	for _, rule := range casework.RetentionRules() {
		if !rule.Settable() {
			continue
		}
		f := retentionField(rule.Kind)
		p.Form[f] = strings.TrimSpace(r.PostFormValue(f))
		n, err := strconv.Atoi(p.Form[f])
		if err != nil {
			fe.Add(f, "retention.period_range")
			continue
		}
		periods[rule.Kind] = n
	}
	if err := fe.Err(); err == nil {
		fe = casework.FieldErrorsOf(casework.ValidateRetention(periods))
	}
	if len(fe) > 0 {
		p.Errors = fe
		s.renderAdminRetention(w, r, p, nil, http.StatusUnprocessableEntity)
		return
	}
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proposed := m.Settings
	proposed.Retention = periods
	if r.PostFormValue("confirm") != "1" {
		before, err := s.store.RetentionPreview(r.Context(), nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		after, err := s.store.RetentionPreview(r.Context(), &proposed)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		_, was := retentionCounts(p, before.Counts)
		d := &adminRetentionData{Hidden: map[string]string{}}
		d.Confirm, d.ConfirmTotal = retentionCounts(p, after.Counts)
		if d.ConfirmTotal > was {
			for k, v := range p.Form {
				d.Hidden[k] = v
			}
			s.renderAdminRetention(w, r, p, d, http.StatusOK)
			return
		}
	}
	if err := s.store.SetRetention(r.Context(), periods); err != nil {
		s.formError(w, r, "admin_retention", p, err)
		return
	}
	s.setFlash(w, r, "retention.saved")
	http.Redirect(w, r, "/admin/retention", http.StatusSeeOther)
}

// adminRetentionRun runs retention now in the municipality.
func (s *Server) adminRetentionRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.store.RunRetention(r.Context(), store.RetentionOptions{StartedBy: "admin"})
	if err != nil {
		p := s.page(w, r, "retention.title")
		p.ErrorMsg = p.T("retention.run_failed", run.Error)
		s.renderAdminRetention(w, r, p, nil, http.StatusConflict)
		return
	}
	s.setFlash(w, r, "retention.run_done")
	http.Redirect(w, r, "/admin/retention", http.StatusSeeOther)
}
