package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// catalogueData is the intervention catalogue for planning: the methods with filters, and the
// needs no available method addresses — "knowing what is missing is itself a feature".
type catalogueData struct {
	Methods       []methodView
	Missing       []string // need names
	Age           string
	Needs         []caseChoice
	Risks         []caseChoice
	AvailableOnly bool
	Filtered      bool
	Total         int
	Admin         bool
}

// methodView is a method as shown.
type methodView struct {
	casework.Method
	Kind         string
	Ages         string
	RiskText     string
	NeedNames    []string
	Summary      string
	EvidenceText string
	EvidenceNote string
	Warning      bool
}

// needName is an IRK need's name in the language, from Check: IRK's own texts.
func needName(l casework.Locale, code string) string {
	for _, d := range irkInstrument().Domains {
		if d.Code == code {
			return d.Name.In(l)
		}
	}
	return code
}

func methodViewOf(p *Page, m casework.Method) methodView {
	mv := methodView{Method: m, Kind: p.T("intervention.kind." + string(m.Kind)), Summary: m.Summary.In(p.Locale),
		EvidenceText: p.T("intervention.evidence." + string(m.Evidence)), EvidenceNote: m.EvidenceNote.In(p.Locale),
		Warning: m.Evidence == casework.EvidenceWarning}
	switch {
	case m.AgeMin == 0 && m.AgeMax == 0:
		mv.Ages = p.T("intervention.ages_any")
	case m.AgeMax == 0:
		mv.Ages = p.T("intervention.ages_from", m.AgeMin)
	default:
		mv.Ages = p.T("intervention.ages", m.AgeMin, m.AgeMax)
	}
	var risks []string
	for _, r := range m.Risk {
		risks = append(risks, p.T("risk."+string(r)))
	}
	mv.RiskText = strings.Join(risks, ", ")
	for _, n := range m.Needs {
		mv.NeedNames = append(mv.NeedNames, needName(p.Locale, n))
	}
	return mv
}

// catalogueShow lists the municipality's methods, filtered by age, need, risk and availability,
// with the needs nothing available addresses.
func (s *Server) catalogueShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.title")
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := casework.MethodFilter{Need: q.Get("need"), Risk: casework.RiskLevel(q.Get("risk")), AvailableOnly: q.Get("available") == "1"}
	d := catalogueData{Age: strings.TrimSpace(q.Get("age")), AvailableOnly: f.AvailableOnly, Total: len(ms)}
	if age, err := strconv.Atoi(d.Age); err == nil && age > 0 && age <= 30 {
		f.Age = age
	} else {
		d.Age = ""
	}
	if !contains(casework.IRKNeeds, f.Need) {
		f.Need = ""
	}
	if !f.Risk.Valid() {
		f.Risk = ""
	}
	d.Filtered = f != (casework.MethodFilter{})
	for _, m := range casework.FilterMethods(ms, f) {
		d.Methods = append(d.Methods, methodViewOf(p, m))
	}
	for _, n := range casework.MissingNeeds(ms, f.Age) {
		d.Missing = append(d.Missing, needName(p.Locale, n))
	}
	for _, n := range casework.IRKNeeds {
		d.Needs = append(d.Needs, caseChoice{Value: n, Label: needName(p.Locale, n), Selected: n == f.Need})
	}
	for _, rl := range casework.RiskLevels {
		d.Risks = append(d.Risks, caseChoice{Value: string(rl), Label: p.T("risk." + string(rl)), Selected: rl == f.Risk})
	}
	d.Admin = p.Has(string(casework.RoleAdmin))
	p.Data = d
	s.render(w, r, http.StatusOK, "catalogue_show", p)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
