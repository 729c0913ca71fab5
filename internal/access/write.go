package access

import (
	"time"

	"lots/internal/casework"
)

// Work is a kind of change to a case.
type Work string

const (
	// WorkPrepDecision: the preparatory group's decision (take on, not now, refer elsewhere).
	WorkPrepDecision Work = "prep_decision"
	// WorkFlow: every other move of the flow.
	WorkFlow Work = "flow"
	// WorkYouth: the register — the young person's details, the adults around them, possible
	// duplicates and merging them.
	WorkYouth Work = "youth"
	// WorkEdit: the case's content — parties, staff, consents, groups and meetings, the action
	// plan, follow-ups.
	WorkEdit Work = "edit"
	// WorkAssess: record an assessment.
	WorkAssess Work = "assess"
	// WorkNote: add a note or contribution in one information category.
	WorkNote Work = "note"
)

// WorkOfMove is the kind of work a move of the flow is: the preparatory group's decision for
// the moves the transition table marks so, the flow for every other.
func WorkOfMove(act casework.Action) Work {
	if t, ok := casework.TransitionOf(act); ok && t.Prep {
		return WorkPrepDecision
	}
	return WorkFlow
}

// CaseWrite decides whether the actor may do work on the case at now. Nobody may change what
// they may not see; beyond that:
//
//   - social services staff assigned to the case may do all work;
//   - before anyone has taken the case on, the municipality's coordinators in social services
//     may take the preparatory decision (taking the case on assigns them) and correct the
//     register (the young person's details and the adults around them); nothing else — a
//     consent, parties or a plan wait until someone has taken the case on; social services
//     members of the preparatory group may take the preparatory decision;
//   - a party covered by a valid consent may add notes in the categories the consent covers.
func CaseWrite(a casework.Actor, f CaseFacts, w Work, cat casework.Category, now time.Time) Decision {
	if cat == "" {
		cat = casework.CatBasic
	}
	return caseWrite(a, f, w, cat, Case(a, f, cat, now))
}

// caseWrite is CaseWrite given the decision to read cat.
func caseWrite(a casework.Actor, f CaseFacts, w Work, cat casework.Category, read Decision) Decision {
	if !read.Allowed {
		return read
	}
	switch g := read.Ground; g.Kind {
	case GroundStaff:
		return read
	case GroundIntake:
		if w == WorkPrepDecision || (w == WorkYouth && g.Role == "coordinator") {
			return read
		}
	case GroundConsent:
		if w == WorkNote && casework.ValidConsentCategory(cat) {
			return read
		}
		// A consented party who sees security information (the police) records security
		// assessments and the exit pathway's police assessment (security.go).
		if w == WorkAssess && (cat == casework.CatSecurity || cat == casework.CatExitDestination) {
			return read
		}
	}
	return deny("no_write_" + string(w))
}
