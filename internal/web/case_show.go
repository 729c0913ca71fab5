package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/httpx"
	"lots/internal/store"
)

// caseShowData is the case overview.
type caseShowData struct {
	caseView
	Steps      []caseStepItem
	IRKFactors []string
	Risk       string
	Deadlines  []caseDeadline
	Consent    caseConsentView
	Next       caseNextView   // the current step, what the next needs, who takes it
	Others     []caseMoveForm // the moves away from the main path this actor may take
	FollowUp   *caseFollowUpView
	Closure    *store.Closure // a closed case: who carries on, the watch (case_closure.go)
	Failure    *caseFailure   // a refused move or follow-up, shown at its form
}

// caseStepItem is one step of the step indicator.
type caseStepItem struct {
	Step          casework.Step
	Number, Label string
	Current, Past bool
}

// caseConsentView is the consent state in words.
type caseConsentView struct {
	Valid  bool
	Until  time.Time
	Status string // the latest consent's state when none is valid; "" when there is none
}

// caseAction is one move the flow offers from the current step, as a small form.
type caseAction struct {
	Action       casework.Action
	FormID       string
	Label        string
	Reason       string // "required", "optional" or "" (no reason field)
	Closure      []caseChoice
	Coordinators []caseChoice
	Secondary    bool   // a move away from the main path
	Blocked      string // why the case does not allow the move yet ("" when it does)
	ReasonValue  string
	Failure      *caseFailure
}

// caseFailure is a refused form on the overview: which form, the field at fault, the message.
type caseFailure struct {
	FormID, Field, Message string
	OnPage                 bool
}

// caseFollowUpView is the long-term follow-up of a closed case.
type caseFollowUpView struct {
	Items   []caseFollowUpItem
	Open    []caseChoice // the follow-ups still to record
	CanAdd  bool
	Failure *caseFailure
}

type caseFollowUpItem struct {
	Kind, Label string
	Due, Done   time.Time
}

// caseShow is the overview of a case.
func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.overview_title")
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	s.renderCaseShow(w, r, p, id, http.StatusOK, nil)
}

// renderCaseShow draws the overview, with a refused form's message when failure is set.
func (s *Server) renderCaseShow(w http.ResponseWriter, r *http.Request, p *Page, id int64, status int, failure *caseFailure) {
	cd, err := s.store.CaseDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.caseViewOf(r, p, id, cd, "overview")
	caseTitle(p, "case.overview_title", v)
	d := caseShowData{caseView: v, Failure: failure, Deadlines: s.caseDeadlines(p, cd.Deadlines)}
	d.Steps = caseSteps(p, cd)
	irk := irkInstrument()
	for _, code := range cd.IRK.ClearFactors {
		if it, _, _, ok := irk.Item(code); ok {
			d.IRKFactors = append(d.IRKFactors, it.Name.In(p.Locale))
		}
	}
	d.Risk = p.T("risk.none")
	if cd.Case.RiskLevel != "" {
		d.Risk = p.T("risk." + string(cd.Case.RiskLevel))
	}
	switch {
	case cd.HasConsent:
		d.Consent = caseConsentView{Valid: true, Until: cd.Consent.ValidUntil}
	case cd.ConsentCount > 0:
		d.Consent.Status = caseEnum(p, "consent.", "status_", string(cd.Consent.StatusAt(s.now())))
	}
	var actions []caseAction
	if v.May.Flow() || v.May.Prep() {
		if actions, err = s.caseActions(r, p, cd, failure); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d.Next = caseNext(p, cd, actions, failure)
	for _, a := range actions {
		if a.Secondary {
			d.Others = append(d.Others, caseMoveForm{P: p, A: a})
		}
	}
	d.FollowUp = caseFollowUps(p, cd, v.May.Edit())
	if d.FollowUp != nil && failure != nil && failure.FormID == "followup" {
		d.FollowUp.Failure, failure.OnPage = failure, d.FollowUp.CanAdd
	}
	if !cd.Case.Step.Open() && v.May.Works() {
		// The same visit: the case's facts and its audit entry are this request's one.
		c, err := s.store.CaseClosure(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Closure = &c
	}
	p.Data = d
	s.render(w, r, status, "case_show", p)
}

// caseSteps is the step indicator: the steps of the case's track in order (the motivation phase
// only where the municipality uses it), the current one marked.
func caseSteps(p *Page, cd store.CaseDetail) []caseStepItem {
	var out []caseStepItem
	past := true
	for _, st := range casework.StepsOf(cd.Case.Program) {
		cur := st == cd.Case.Step
		if cur {
			past = false
		}
		if st == casework.StepMotivation && !cd.Settings.MotivationPhase && !cur {
			continue
		}
		out = append(out, caseStepItem{Step: st, Number: st.NumberIn(cd.Case.Program), Label: stepLabel(p, cd.Case.Program, st), Current: cur, Past: past && !cur})
	}
	return out
}

// caseActions builds the forms of the moves the flow offers from the case's step.
func (s *Server) caseActions(r *http.Request, p *Page, cd store.CaseDetail, failure *caseFailure) ([]caseAction, error) {
	a, _ := casework.ActorFrom(r.Context())
	var out []caseAction
	for _, o := range cd.May.Moves {
		if !o.Decision.Allowed || (!o.Secondary && !o.Possible()) {
			continue // a move this actor may not make now is not offered (caseNext says why)
		}
		act := o.Action
		ca := caseAction{Action: act, FormID: "move-" + string(act), Label: moveLabel(p, cd.Case.Program, act),
			Reason: string(o.Reason), Secondary: o.Secondary}
		if o.Blocked != "" {
			ca.Blocked = p.T(o.Blocked)
		}
		switch act {
		case casework.ActClose:
			for _, cr := range casework.ClosureReasons {
				if cr == casework.CloseExcluded && !cd.Settings.MayExcludeForNonParticipation {
					continue
				}
				ca.Closure = append(ca.Closure, caseChoice{Value: string(cr), Label: p.T("closure." + string(cr))})
			}
		case casework.ActPrepTakeOn:
			cs, err := s.store.Colleagues(r.Context(), casework.RoleCoordinator)
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				if c.AgencyKind == casework.AgencySocial {
					ca.Coordinators = append(ca.Coordinators, caseChoice{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
				}
			}
		}
		chosen := strconv.FormatInt(a.User.ID, 10)
		if failure != nil && failure.FormID == ca.FormID {
			ca.Failure, failure.OnPage = failure, true
			ca.ReasonValue, chosen = p.V("reason"), p.V("coordinator")
			for i := range ca.Closure {
				ca.Closure[i].Selected = ca.Closure[i].Value == p.V("closure_reason")
			}
		}
		for i := range ca.Coordinators {
			ca.Coordinators[i].Selected = ca.Coordinators[i].Value == chosen
		}
		out = append(out, ca)
	}
	return out, nil
}

// caseFollowUps is the 6- and 12-month follow-up of a case closed after SIG started, or nil.
func caseFollowUps(p *Page, cd store.CaseDetail, canAct bool) *caseFollowUpView {
	m := cd.Case.Milestones
	if !casework.HasFollowUps(cd.Case.Step, m) {
		return nil
	}
	f := &caseFollowUpView{}
	for _, k := range casework.FollowUps {
		label := caseEnum(p, "timeline.", "followup_", k.Kind)
		done := k.Done(m)
		f.Items = append(f.Items, caseFollowUpItem{Kind: k.Kind, Label: label, Due: k.Due(m.Closed), Done: done})
		if done.IsZero() {
			f.Open = append(f.Open, caseChoice{Value: k.Kind, Label: label, Selected: len(f.Open) == 0 && p.V("kind") == "" || p.V("kind") == k.Kind})
		}
	}
	f.CanAdd = canAct && cd.Case.Step == casework.StepClosed && len(f.Open) > 0
	return f
}

// caseMove takes a step of the flow. A refused move shows the overview again with the reason
// at its form.
func (s *Server) caseMove(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	in := store.MoveInput{Move: casework.Move{
		Action:        casework.Action(r.PostFormValue("action")),
		Reason:        r.PostFormValue("reason"),
		ClosureReason: casework.ClosureReason(r.PostFormValue("closure_reason")),
	}}
	if v := r.PostFormValue("coordinator"); v != "" {
		var err error
		if in.CoordinatorID, err = strconv.ParseInt(v, 10, 64); err != nil {
			in.CoordinatorID = -1 // no such user: the store says so
		}
	}
	_, err := s.store.Move(r.Context(), id, in)
	if err == nil {
		s.setFlash(w, r, "case.moved")
		target := caseURL(id, "")
		// The preparatory decision hands the case to its coordinator (or closes it): whoever
		// took it for someone else no longer sees it.
		switch in.Action {
		case casework.ActPrepTakeOn:
			if in.CoordinatorID != 0 && in.CoordinatorID != a.User.ID {
				target = "/worklist"
			}
		case casework.ActPrepNotNow, casework.ActPrepRefer:
			target = "/worklist"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	s.caseShowRefused(w, r, id, "move-"+string(in.Action), err, "reason", "closure_reason", "coordinator")
}

// caseShowRefused shows the overview again after a refused form on it, with the reason at
// the form and the values typed: 409 for what the case's state does not allow, 422 for a
// missing or bad value, 403 when the actor sees the case but may not do this. Other errors go
// to fail.
func (s *Server) caseShowRefused(w http.ResponseWriter, r *http.Request, id int64, formID string, err error, fields ...string) {
	code := casework.ErrorCode(err)
	if code != casework.EConflict && code != casework.EInvalid && code != casework.EForbidden {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "case.overview_title")
	formValues(r, p, fields...)
	failure := &caseFailure{FormID: formID, Field: casework.AsError(err).Field, Message: s.catalog.Error(p.Locale, err)}
	s.renderCaseShow(w, r, p, id, httpx.Status(code), failure)
}

// caseFollowUpSave records the 6- or 12-month follow-up after closure.
func (s *Server) caseFollowUpSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	kind, note := r.PostFormValue("kind"), r.PostFormValue("note")
	err := s.store.RecordFollowUp(r.Context(), id, kind, r.PostFormValue("reached") == "on", note)
	if err == nil {
		s.setFlash(w, r, "case.followup_saved")
		http.Redirect(w, r, caseURL(id, ""), http.StatusSeeOther)
		return
	}
	s.caseShowRefused(w, r, id, "followup", err, "kind", "note", "reached")
}
