package access

import (
	"time"

	"lots/internal/casework"
)

// Works are the kinds of work on a case, in the order pages and the API list them.
var Works = []Work{WorkPrepDecision, WorkFlow, WorkYouth, WorkEdit, WorkAssess, WorkNote}

// Categories are the categories a decision can be about: the consent categories, the
// protected details and the anonymous card.
var Categories = append(append([]casework.Category{}, casework.ConsentCategories...), casework.CatProtected, casework.CatAnonymous,
	casework.CatSecurity, casework.CatExitDestination)

// May is everything one actor may do with one case at one moment, decided once from the
// case's facts: what they may read in each category, what work they may do in each category,
// and each move the flow offers from the case's step — allowed or refused, with the reason.
// Pages, the API and the store's writes all read this one value; the store decides again
// with the same function inside a writing transaction.
type May struct {
	read  map[casework.Category]Decision
	write map[Work]map[casework.Category]Decision
	// Moves are the moves the flow offers from the case's step, in the flow's order.
	Moves []MoveOption
}

// MoveOption is one move of the flow as this actor sees it.
type MoveOption struct {
	casework.Transition
	// Decision: may this actor make this kind of move (the access rule)?
	Decision Decision
	// Blocked is the flow's refusal ("flow.needs_consent") while the case's facts do not yet
	// allow the move, "" when they do. A move may be refused both ways.
	Blocked string
	// Missing is every requirement the facts do not yet meet (Blocked is the first), as
	// message keys: what the case page lists under "what is missing".
	Missing []string
}

// Possible reports whether the actor may make the move now.
func (m MoveOption) Possible() bool { return m.Decision.Allowed && m.Blocked == "" }

// Decide computes May for the actor and the case at now. flow is what the flow's moves need
// (the store reads it with the facts).
func Decide(a casework.Actor, f CaseFacts, flow casework.Facts, now time.Time) May {
	m := May{read: map[casework.Category]Decision{}, write: map[Work]map[casework.Category]Decision{}}
	for _, c := range Categories {
		m.read[c] = Case(a, f, c, now)
	}
	for _, w := range Works {
		m.write[w] = map[casework.Category]Decision{}
		for _, c := range casework.ConsentCategories {
			m.write[w][c] = caseWrite(a, f, w, c, m.read[c])
		}
		for _, c := range []casework.Category{casework.CatProtected, casework.CatSecurity, casework.CatExitDestination} {
			m.write[w][c] = caseWrite(a, f, w, c, m.read[c])
		}
	}
	for _, t := range casework.Offered(f.Program, f.Step, f.Settings) {
		w := WorkFlow
		if t.Prep {
			w = WorkPrepDecision
		}
		missing := t.Missing(flow)
		o := MoveOption{Transition: t, Decision: m.write[w][casework.CatBasic], Missing: missing}
		if len(missing) > 0 {
			o.Blocked = missing[0]
		}
		m.Moves = append(m.Moves, o)
	}
	return m
}

// Read is the decision to read category cat.
func (m May) Read(cat casework.Category) Decision {
	if cat == "" {
		cat = casework.CatBasic
	}
	if d, ok := m.read[cat]; ok {
		return d
	}
	return deny("unknown_category")
}

// Write is the decision to do work w in category cat.
func (m May) Write(w Work, cat casework.Category) Decision {
	if cat == "" {
		cat = casework.CatBasic
	}
	if d, ok := m.write[w][cat]; ok {
		return d
	}
	return deny("no_write_" + string(w))
}

// Sees reports whether the actor sees category cat.
func (m May) Sees(cat casework.Category) bool { return m.Read(cat).Allowed }

// Can reports whether the actor may do work w (in the basic category).
func (m May) Can(w Work) bool { return m.Write(w, casework.CatBasic).Allowed }

// Works reports whether the actor works the case at all: moves it, edits it or decides on it
// — what the case pages' forms are for. A party that may only add notes does not.
func (m May) Works() bool {
	return m.Can(WorkFlow) || m.Can(WorkPrepDecision) || m.Can(WorkEdit) || m.Can(WorkYouth)
}

// Edit, Youth, Assess, Flow and Prep are Can for each kind of work, for templates.
func (m May) Edit() bool   { return m.Can(WorkEdit) }
func (m May) Youth() bool  { return m.Can(WorkYouth) }
func (m May) Assess() bool { return m.Can(WorkAssess) }
func (m May) Flow() bool   { return m.Can(WorkFlow) }
func (m May) Prep() bool   { return m.Can(WorkPrepDecision) }

// NoteCategories are the categories the actor may add notes in.
func (m May) NoteCategories() []casework.Category {
	var out []casework.Category
	for _, c := range casework.ConsentCategories {
		if m.Write(WorkNote, c).Allowed {
			out = append(out, c)
		}
	}
	return out
}

// Move returns the option of a move, and whether the flow offers it from the case's step.
func (m May) Move(act casework.Action) (MoveOption, bool) {
	for _, o := range m.Moves {
		if o.Action == act {
			return o, true
		}
	}
	return MoveOption{}, false
}
