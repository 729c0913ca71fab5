package web

import (
	"net/http"

	"lots/internal/casework"
)

// compositionView is the group page's advice on its composition (issue 14:7,
// casework/composition.go): parties to consider, the plan's needs no member can meet, and the
// size against the municipality's range. Shown to those who work the case.
type compositionView struct {
	casework.Composition
	Suggestions []compositionLine
	Gaps        []string // the needs' names
}

type compositionLine struct{ Agency, Why string }

// groupComposition reads the advice for the page; nil for those who do not work the case.
func (s *Server) groupComposition(r *http.Request, p *Page, v caseView) (*compositionView, error) {
	if !v.May.Edit() || !v.Detail.Case.Step.Open() {
		return nil, nil
	}
	c, err := s.store.GroupComposition(r.Context(), v.ID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range irkInstrument().Domains {
		names[d.Code] = d.Name.In(p.Locale)
	}
	out := &compositionView{Composition: c}
	for _, sg := range c.Suggestions {
		why := caseEnum(p, "composition.", "why_", sg.Why) // core, age
		if n, ok := names[sg.Why]; ok {
			why = p.T("composition.why_need", n)
		}
		out.Suggestions = append(out.Suggestions, compositionLine{Agency: p.T("agency." + string(sg.Agency)), Why: why})
	}
	for _, g := range c.Gaps {
		out.Gaps = append(out.Gaps, names[g])
	}
	return out, nil
}
