package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store"
)

// The capacity view: every coordinator's active young people against the municipality's
// cap (default 10), with a warning for each one at the cap — the next young person would
// overload them — and over it. The administrator changes the cap here.

type capacityRow struct {
	UserID                  int64
	Name, State, StateText  string
	Active, Ending, Overrun int
	Qualified               string // YYYY-MM-DD, "" not recorded
	Heavy, Mismatched       int
}

type capacityData struct {
	Cap, PlannedMonths, WaitDays int
	GroupCap, ExperienceYears    int
	HeavyText                    string
	Rows                         []capacityRow
	Members                      []capacityRow
	Full, Over, Mismatched       int
	Waiting, Late, Longest       int
	Extended                     int
	CanSet                       bool
	RiskOptions, RuleOptions     []caseChoice
}

// capacityFields are the settings form's fields.
var capacityFields = []string{"caseload_cap", "planned_months", "wait_days", "group_cap", "experience_years", "heavy_from", "experience_rule"}

func (s *Server) capacityShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	s.renderCapacity(w, r, p, http.StatusOK)
}

func (s *Server) renderCapacity(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	c, err := s.store.Capacity(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	d := capacityData{Cap: c.Cap, PlannedMonths: c.PlannedMonths, WaitDays: c.WaitDays, GroupCap: c.GroupCap, ExperienceYears: c.ExperienceYears,
		HeavyText: p.T("risk." + string(c.HeavyFrom)), Waiting: c.Waiting, Late: c.Late, Longest: c.Longest, Extended: c.Extended,
		CanSet: access.Can(a, access.ManageOrganisation).Allowed}
	for _, l := range c.Caseloads {
		row := capacityRow{UserID: l.UserID, Name: l.Name, Active: l.Active, State: l.State, StateText: p.T("capacity.state." + l.State),
			Ending: l.Ending, Overrun: l.Overrun, Heavy: l.Heavy, Mismatched: l.Mismatched}
		if !l.Qualified.IsZero() {
			row.Qualified = l.Qualified.In(casework.Stockholm).Format(time.DateOnly)
		}
		d.Rows = append(d.Rows, row)
		d.Mismatched += l.Mismatched
		switch l.State {
		case mapping.LoadFull:
			d.Full++
		case mapping.LoadOver:
			d.Over++
		}
	}
	for _, m := range c.Members {
		d.Members = append(d.Members, capacityRow{UserID: m.UserID, Name: m.Name, Active: m.Active, State: m.State, StateText: p.T("capacity.state." + m.State)})
	}
	for _, r := range casework.RiskLevels {
		d.RiskOptions = append(d.RiskOptions, caseChoice{Value: string(r), Label: p.T("risk." + string(r))})
	}
	for _, m := range []string{mapping.RuleWarn, mapping.RuleRefuse} {
		d.RuleOptions = append(d.RuleOptions, caseChoice{Value: m, Label: p.T("capacity.rule." + m)})
	}
	for f, v := range map[string]string{"caseload_cap": strconv.Itoa(c.Cap), "planned_months": strconv.Itoa(c.PlannedMonths), "wait_days": strconv.Itoa(c.WaitDays),
		"group_cap": strconv.Itoa(c.GroupCap), "experience_years": strconv.Itoa(c.ExperienceYears), "heavy_from": string(c.HeavyFrom), "experience_rule": c.Rule} {
		if _, ok := p.Form[f]; !ok {
			p.Form[f] = v
		}
	}
	p.Data = d
	s.render(w, r, status, "capacity", p)
}

func (s *Server) capacityCapSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	formValues(r, p, capacityFields...)
	num := func(f string) int {
		n, err := strconv.Atoi(strings.TrimSpace(p.V(f)))
		if err != nil {
			return 0 // refused by the range
		}
		return n
	}
	set := store.CapacitySettings{Cap: num("caseload_cap"), PlannedMonths: num("planned_months"), WaitDays: num("wait_days"),
		GroupCap: num("group_cap"), ExperienceYears: num("experience_years"), HeavyFrom: casework.RiskLevel(p.V("heavy_from")), Rule: p.V("experience_rule")}
	if strings.TrimSpace(p.V("experience_years")) == "" {
		set.ExperienceYears = -1 // refused by the range, not read as 0
	}
	if err := s.store.SetCapacity(r.Context(), set); err != nil {
		if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderCapacity(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.setFlash(w, r, "capacity.saved")
	http.Redirect(w, r, "/capacity", http.StatusSeeOther)
}

// capacityExperienceSave records the date a coordinator qualified (empty: removes it).
func (s *Server) capacityExperienceSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	formValues(r, p, "user", "qualified_on")
	uid, _ := strconv.ParseInt(p.V("user"), 10, 64)
	var on time.Time
	var err error
	switch v := strings.TrimSpace(p.V("qualified_on")); {
	case uid == 0:
		err = casework.Invalid("user", "capacity.experience_choose")
	case v != "":
		if on, err = time.ParseInLocation(time.DateOnly, v, casework.Stockholm); err != nil {
			err = casework.Invalid("qualified_on", "capacity.qualified_invalid")
		}
	}
	if err == nil {
		err = s.store.SetQualified(r.Context(), uid, on)
	}
	if err != nil {
		if casework.ErrorCode(err) == casework.ENotFound {
			err = casework.Invalid("user", "capacity.experience_choose")
		}
		if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderCapacity(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.setFlash(w, r, "capacity.experience_saved")
	http.Redirect(w, r, "/capacity#h-experience", http.StatusSeeOther)
}
