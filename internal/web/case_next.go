package web

import (
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// caseNextView is the case page's answer to "what now": the step the case is in, and for each
// move along the main path from it, what is still missing, who may take it and — only when
// the server's May answer says this actor may take it now — its form. It is read from the one
// May the door decided (access.MoveOption: Decision and Missing), so the page never offers a
// move the server would refuse.
type caseNextView struct {
	Step  string
	Moves []caseNextMove
}

// caseNextMove is one next step along the main path.
type caseNextMove struct {
	Action  casework.Action
	FormID  string
	Label   string        // the move as the track names it
	To      string        // the step it leads to
	Missing []caseMissing // what the case's facts still lack (empty: ready)
	Who     string        // who may take the step
	You     bool          // the actor is among them
	Form    *caseMoveForm // the actor may take it now
	Failure *caseFailure  // a refused attempt at a move still blocked, shown here
}

// caseMissing is one thing the next step needs, with the page where it is done.
type caseMissing struct {
	Text, URL string
}

// caseMoveForm is a move's form with the page it is drawn on (the partial case_move).
type caseMoveForm struct {
	P *Page
	A caseAction
}

// caseMissingPages says where each of the flow's requirements is met.
var caseMissingPages = map[string]string{
	"flow.needs_assessment":     "/assessments/new",
	"flow.needs_risk_judgement": "/assessments/new",
	"flow.needs_parties":        "/parties",
	"flow.needs_consent":        "/consents",
	"flow.needs_plan":           "/plan",
	"flow.needs_followup":       "#followup",
}

// caseNext builds the next-step view from the case's May. actions are the forms this actor
// may use (caseActions); the main path's possible ones move here, and a refused attempt at a
// blocked one is shown at its step.
func caseNext(p *Page, cd store.CaseDetail, actions []caseAction, failure *caseFailure) caseNextView {
	v := caseNextView{Step: stepLabel(p, cd.Case.Program, cd.Case.Step)}
	for _, o := range cd.May.Moves {
		if o.Secondary {
			continue
		}
		m := caseNextMove{Action: o.Action, FormID: "move-" + string(o.Action), Label: moveLabel(p, cd.Case.Program, o.Action),
			To: stepLabel(p, cd.Case.Program, o.To), Who: caseWho(p, cd, o), You: o.Decision.Allowed}
		for _, key := range o.Missing {
			cm := caseMissing{Text: p.T(key)}
			if path, ok := caseMissingPages[key]; ok && (o.Decision.Allowed || strings.HasPrefix(path, "#")) {
				if strings.HasPrefix(path, "#") {
					cm.URL = path
				} else {
					cm.URL = caseURL(cd.Case.ID, path)
				}
			}
			m.Missing = append(m.Missing, cm)
		}
		if o.Possible() {
			for _, a := range actions {
				if a.Action == o.Action {
					m.Form = &caseMoveForm{P: p, A: a}
				}
			}
		} else if failure != nil && failure.FormID == m.FormID {
			m.Failure, failure.OnPage = failure, true
		}
		v.Moves = append(v.Moves, m)
	}
	return v
}

// caseWho says who may take a move: the preparatory group's decision is theirs (or a social
// services coordinator's, which assigns them); every other move belongs to the social
// services staff assigned to the case (access.CaseWrite).
func caseWho(p *Page, cd store.CaseDetail, o access.MoveOption) string {
	if o.Prep {
		return p.T("case.next_who_prep")
	}
	var names []string
	for _, s := range cd.Staff {
		names = append(names, s.Name+", "+strings.ToLower(p.T("staff."+string(s.Role))))
	}
	if len(names) == 0 {
		return p.T("case.next_who_nobody")
	}
	return p.T("case.next_who_staff", strings.Join(names, "; "))
}
