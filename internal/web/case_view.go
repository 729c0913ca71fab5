package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// caseView is what every page of a case shows at the top: the young person, the step, and
// the navigation between the case's pages. Each case page's data embeds it.
type caseView struct {
	ID     int64
	Detail store.CaseDetail
	// May is what the actor may do with the case: the door's one decision, which the store
	// applies again to every change. Pages offer a form only where it says yes.
	May     access.May
	Section string
	Nav     []caseNavItem
	Step    caseStepView
}

// caseNavItem is a link between the pages of a case.
type caseNavItem struct {
	Href, Label string
	Current     bool
}

// caseStepView is the current step as shown: Örebro's number and the name.
type caseStepView struct {
	Number, Label string
}

// Sections of a case, in navigation order, and whether group members see a link to them.
var caseSections = []struct {
	Name, Path, Key string
	Everyone        bool
}{
	{"overview", "", "case.nav_overview", true},
	{"youth", "/youth", "case.nav_youth", false},
	{"persons", "/persons", "case.nav_persons", false},
	{"staff", "/staff", "case.nav_staff", false},
	{"parties", "/parties", "case.nav_parties", false},
	{"assessments", "/assessments", "case.nav_assessments", false},
	{"placements", "/placements", "placement.nav", false},
	{"security", "/security", "security.nav", true}, // only to those who see security information
	{"plan", "/plan", "case.nav_plan", true},
	{"group", "/group", "group.nav", true},
	{"meetings", "/meetings", "meeting.nav", true},
	{"indicators", "/indicators", "indicator.title", true},
	{"closure", "/closure", "closure.nav", false},
	{"timeline", "/timeline", "case.nav_timeline", true},
	{"consents", "/consents", "case.nav_consents", true},
	{"duplicates", "/duplicates", "case.nav_duplicates", false},
	{"legalhold", "/legal-hold", "hold.nav", false},
}

// casePathID parses a positive id from the path; anything else is not found.
func casePathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// caseURL is the overview's address, with an optional sub-path.
func caseURL(id int64, sub string) string {
	return "/cases/" + strconv.FormatInt(id, 10) + sub
}

// loadCaseView reads the case (through the store, which checks access and audits) for a page
// in section. On failure it has answered the request and returns false.
func (s *Server) loadCaseView(w http.ResponseWriter, r *http.Request, p *Page, section string) (caseView, bool) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return caseView{}, false
	}
	cd, err := s.store.CaseDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return caseView{}, false
	}
	return s.caseViewOf(r, p, id, cd, section), true
}

// caseViewOf builds the header of a case page from its detail.
func (s *Server) caseViewOf(r *http.Request, p *Page, id int64, cd store.CaseDetail, section string) caseView {
	v := caseView{ID: id, Detail: cd, May: cd.May, Section: section}
	v.Step = caseStepView{Number: cd.Case.Step.NumberIn(cd.Case.Program), Label: stepLabel(p, cd.Case.Program, cd.Case.Step)}
	for _, sec := range caseSections {
		if sec.Name == section {
			p.Path = caseURL(id, sec.Path) // where a language switch returns to, also after a POST
		}
		if !sec.Everyone && !v.May.Works() {
			continue
		}
		if sec.Name == "security" && !v.May.Sees(casework.CatSecurity) {
			continue
		}
		label := p.T(sec.Key)
		if sec.Name == "plan" {
			label = planName(p, cd.Settings, cd.Case.Program) // SSPF's plan is the commitment plan
		}
		v.Nav = append(v.Nav, caseNavItem{Href: caseURL(id, sec.Path), Label: label, Current: sec.Name == section})
	}
	return v
}

// stepLabel names a step as its track does: SSPF names the steps it shares with SIG in its own
// words ("step.sspf.<step>"), SIG and the steps of the dashboard and lists use "step.<step>".
func stepLabel(p *Page, program casework.Program, st casework.Step) string {
	if program == casework.ProgramSSPF {
		return p.T("step.sspf." + string(st))
	}
	return p.T("step." + string(st))
}

// moveLabel names a move as its track does: SSPF's words where they differ from SIG's
// ("flow.sspf.act_<action>": consent_given leads to the mapping conversation, plan_set sets the
// commitment plan), else "flow.act_<action>".
func moveLabel(p *Page, program casework.Program, act casework.Action) string {
	if key := "flow.sspf." + "act_" + string(act); program == casework.ProgramSSPF && p.s.catalog.Has(casework.LocaleSv, key) {
		return p.T(key)
	}
	return caseEnum(p, "flow.", "act_", string(act))
}

// caseTitle sets the page title to a section's name and the young person's name.
// planName is what the case's track calls its plan form: the municipality's own name
// (Settings.Track's PlanName), else the interface's word — åtgärdsplan for SIG, åtagandeplan
// for SSPF.
func planName(p *Page, st casework.Settings, program casework.Program) string {
	if n := st.Track(program).PlanName; n != "" {
		return n
	}
	if program == casework.ProgramSSPF {
		return p.T("sspf.plan_title")
	}
	return p.T("case.plan_title")
}

func caseTitle(p *Page, key string, v caseView) {
	p.Title = p.T(key) + " – " + v.Detail.Youth.Name()
}

// irkInstrument is the built-in Check: IRK, parsed once.
var irkInstrument = sync.OnceValue(casework.IRK)

// deadlineNear is how close a due date must be to count as "near".
const deadlineNear = 7 * 24 * time.Hour

// caseDeadline is a deadline as shown: kind, due date and state in words.
type caseDeadline struct {
	Kind, State, StateLabel string
	Due, Met                time.Time
}

func (s *Server) caseDeadlines(p *Page, ds []casework.Deadline) []caseDeadline {
	now := s.now()
	var out []caseDeadline
	for _, d := range ds {
		st := d.State(now, deadlineNear)
		out = append(out, caseDeadline{Kind: p.T("deadline." + string(d.Kind)), State: st, StateLabel: caseEnum(p, "deadline.", "state_", st), Due: d.Due, Met: d.Met})
	}
	return out
}

// caseChoice is an option of a select or a radio group.
type caseChoice struct {
	Value, Label string
	Selected     bool
}

// caseRefusal prepares a form page for a refused change: validation errors at their fields
// (422), a clash with the case's state as a message for the whole form (409). It reports
// false for other errors, which go to fail.
func (s *Server) caseRefusal(p *Page, err error) (int, bool) {
	switch casework.ErrorCode(err) {
	case casework.EInvalid:
		p.Errors = casework.FieldErrorsOf(err)
		return http.StatusUnprocessableEntity, true
	case casework.EConflict:
		p.ErrorMsg = s.catalog.Error(p.Locale, err)
		return http.StatusConflict, true
	}
	return 0, false
}

// caseEnum translates an enumerated value whose key is a section, a stem and the value
// (caseEnum(p, "deadline.", "state_", "met")). Section and stem are separate literals so the
// catalogue test, which checks every quoted key in the code, sees only the section prefix;
// case_test.go checks that every value has its text.
func caseEnum(p *Page, section, stem, value string) string { return p.T(section + stem + value) }
