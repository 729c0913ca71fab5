package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

const (
	// listsPageSize is how many cases a page of a work list shows.
	listsPageSize = 50
	// listsMaxQuery bounds a search term; names and numbers are far shorter.
	listsMaxQuery = 100
	// listsNearDays is how close a deadline must be to count as near in the lists.
	listsNearDays = 7
)

// The work list's tabs.
const (
	listsTabMine      = "mine"
	listsTabWaiting   = "waiting"
	listsTabSteps     = "steps"
	listsTabDeadlines = "deadlines"
	listsTabAll       = "all"
	listsTabWatch     = "watch" // closed cases on the watch list (social services staff)
)

// listsTabKeys are the tabs' names in the catalogue.
var listsTabKeys = map[string]string{
	listsTabMine: "lists.tab_mine", listsTabWaiting: "lists.tab_waiting", listsTabSteps: "lists.tab_steps",
	listsTabDeadlines: "lists.tab_deadlines", listsTabAll: "lists.tab_all", listsTabWatch: "watch.home_heading",
}

// worklistData is the work list page: tabs, an optional step filter, one page of cases.
type worklistData struct {
	Tab string
	// The tab as flags, for the rows' columns: a field is cheaper for the template to test on
	// every row than a comparison.
	IsWaiting, IsDeadlines, IsWatch bool
	Tabs                            []worklistTab
	Heading                         string
	Query                           string
	Step                            casework.Step
	Program                         casework.Program // the track shown ("": both)
	Programs                        []worklistTab    // the track filter: both, SIG, SSPF
	Steps                           []listsStepLink  // the steps tab's counts
	ShowRows                        bool             // false on the steps tab until a step is chosen
	Rows                            []listRow
	Total                           int
	Page                            int
	Pages                           int
	Prev                            string
	Next                            string
	Status                          string // the result count, announced to screen readers after a live search
	Fragment                        bool   // rendered for htmx: the count goes out of band to the status line
}

// worklistTab is one tab, a link.
type worklistTab struct {
	Label, Href string
	Current     bool
}

// listsStepLink is a step with its count, linking to the step's cases.
type listsStepLink struct {
	Step    casework.Step
	Track   string // the track's name when both tracks are listed
	Label   string // the step in its track's words
	Number  string // in its track's numbering
	Count   int
	Href    string
	Current bool
}

// listRow is a case row with what the page computes for it.
type listRow struct {
	store.CaseRow
	URL     string
	SSPF    bool      // an SSPF case: marked in the list
	Waiting int       // whole days in the current step
	Due     []dueView // the open deadlines
}

// StepKey is the message key naming the row's step as its track does (stepLabel): SSPF's
// own words for an SSPF case.
func (r listRow) StepKey() string {
	if r.Program == casework.ProgramSSPF && r.Step.InTrack(casework.ProgramSSPF) {
		return "step.sspf." + string(r.Step)
	}
	return "step." + string(r.Step)
}

// dueView is an open deadline and its state (pending, near, overdue).
type dueView struct {
	Kind  casework.DeadlineKind
	Due   time.Time
	State string
}

// StateKey is the catalogue key of the deadline's state.
func (d dueView) StateKey() string { return listsDeadlineStateKeys[d.State] }

// listsDeadlineStateKeys are the deadline states' names in the catalogue.
var listsDeadlineStateKeys = map[string]string{
	"pending": "deadline.state_pending", "near": "deadline.state_near", "overdue": "deadline.state_overdue",
	"met": "deadline.state_met", "met_late": "deadline.state_met_late",
}

// listRows prepares case rows for a page at now.
func listRows(rows []store.CaseRow, now time.Time) []listRow {
	out := make([]listRow, 0, len(rows))
	for _, r := range rows {
		lr := listRow{CaseRow: r, URL: "/cases/" + strconv.FormatInt(r.CaseID, 10), SSPF: r.Program == casework.ProgramSSPF}
		if !r.StepSince.IsZero() {
			lr.Waiting = max(0, int(now.Sub(r.StepSince)/(24*time.Hour)))
		}
		for _, d := range r.Deadlines {
			if d.Open() {
				lr.Due = append(lr.Due, dueView{Kind: d.Kind, Due: d.Due, State: d.State(now, listsNearDays*24*time.Hour)})
			}
		}
		out = append(out, lr)
	}
	return out
}

// listsIsStaff reports whether the actor works cases as social services staff (coordinator or case
// officer). It only chooses what the page shows first; what the actor may see is the store's.
func listsIsStaff(a *casework.Actor) bool {
	return a != nil && (a.User.Roles.Has(casework.RoleCoordinator) || a.User.Roles.Has(casework.RoleCaseOfficer))
}

// listsDefaultTab is the tab a work list opens on: staff their own cases, the preparatory group the
// waiting list, everyone else the cases they see.
func listsDefaultTab(a *casework.Actor) string {
	switch {
	case listsIsStaff(a):
		return listsTabMine
	case a != nil && a.User.Roles.Has(casework.RolePrepGroup):
		return listsTabWaiting
	}
	return listsTabAll
}

// worklistCursor is the link to the page after (or before) a cursor of the store's: the page
// number is carried for display only; the cursor decides what the page holds.
func worklistCursor(tab string, step casework.Step, q string, page int, dir, cursor string, prog casework.Program) string {
	u := worklistURL(tab, step, q, page, prog)
	sep := "&"
	if !strings.Contains(u, "?") {
		sep = "?"
	}
	return u + sep + dir + "=" + url.QueryEscape(cursor)
}

// worklistURL is the link to a tab, step, search and page, of one track (prog; "": both).
func worklistURL(tab string, step casework.Step, q string, page int, prog casework.Program) string {
	v := url.Values{}
	v.Set("tab", tab)
	if prog != "" {
		v.Set("program", string(prog))
	}
	if step != "" {
		v.Set("step", string(step))
	}
	if q != "" {
		v.Set("q", q)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/worklist?" + v.Encode()
}

// worklist shows the case lists: my cases, the waiting list, cases per step, deadlines, all
// cases the actor sees, and search. The store filters by access and audits every row shown.
func (s *Server) worklist(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "lists.worklist_title")
	q := r.URL.Query()
	d := worklistData{Tab: q.Get("tab"), Query: strings.TrimSpace(q.Get("q"))}
	if runes := []rune(d.Query); len(runes) > listsMaxQuery {
		d.Query = string(runes[:listsMaxQuery])
	}
	tabs := []string{listsTabWaiting, listsTabSteps, listsTabDeadlines, listsTabAll}
	if listsIsStaff(p.Actor) {
		tabs = append([]string{listsTabMine}, tabs...)
		tabs = append(tabs, listsTabWatch)
	}
	known := false
	for _, t := range tabs {
		known = known || t == d.Tab
	}
	if !known {
		d.Tab = listsDefaultTab(p.Actor)
	}
	d.IsWaiting, d.IsDeadlines, d.IsWatch = d.Tab == listsTabWaiting, d.Tab == listsTabDeadlines, d.Tab == listsTabWatch
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	if st := casework.Step(q.Get("step")); d.Tab == listsTabSteps && st.Valid() {
		d.Step = st
	}
	if pr := casework.Program(q.Get("program")); pr == casework.ProgramSIG || pr == casework.ProgramSSPF {
		d.Program = pr
	}
	for _, pr := range []casework.Program{"", casework.ProgramSIG, casework.ProgramSSPF} {
		label := p.T("track14.lists_both")
		if pr != "" {
			label = p.T("program." + string(pr))
		}
		d.Programs = append(d.Programs, worklistTab{Label: label, Href: worklistURL(d.Tab, d.Step, d.Query, 1, pr), Current: pr == d.Program})
	}
	for _, t := range tabs {
		d.Tabs = append(d.Tabs, worklistTab{Label: p.T(listsTabKeys[t]), Href: worklistURL(t, "", "", 1, d.Program), Current: t == d.Tab && d.Query == ""})
	}

	cq := store.CaseQuery{Search: d.Query, Program: d.Program, Limit: listsPageSize, After: q.Get("after"), Before: q.Get("before")}
	if cq.After == "" && cq.Before == "" {
		d.Page = 1 // without a cursor the list starts at its beginning
	}
	d.ShowRows = true
	switch d.Tab {
	case listsTabMine:
		cq.Mine = true
	case listsTabWaiting:
		cq.Waiting = true
	case listsTabDeadlines:
		cq.Deadlines, cq.NearDays = true, listsNearDays
	case listsTabWatch:
		cq.Watched = true
	case listsTabSteps:
		counts, err := s.store.StepCounts(r.Context(), d.Program)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range counts {
			// Each track's steps in its own numbers and words; the link shows that track's
			// cases at the step.
			l := listsStepLink{Step: c.Step, Number: c.Step.NumberIn(c.Program), Label: stepLabel(p, c.Program, c.Step), Count: c.Count,
				Href: worklistURL(listsTabSteps, c.Step, "", 1, c.Program), Current: c.Step == d.Step && (d.Program == "" || c.Program == d.Program)}
			if d.Program == "" {
				l.Track = p.T("program." + string(c.Program))
			}
			d.Steps = append(d.Steps, l)
		}
		cq.Step, d.ShowRows = d.Step, d.Step != ""
	}
	d.Heading = p.T(listsTabKeys[d.Tab])
	if d.Step != "" {
		d.Heading = p.T("lists.step_heading", p.T("step."+string(d.Step)))
	}
	if d.Query != "" {
		d.Heading = p.T("lists.search_heading", d.Query)
	}
	if d.ShowRows {
		res, err := s.store.Cases(r.Context(), cq)
		if casework.ErrorCode(err) == casework.EInvalid && (cq.After != "" || cq.Before != "") {
			// A cursor that no longer parses (an old bookmark): the first page instead.
			http.Redirect(w, r, worklistURL(d.Tab, d.Step, d.Query, 1, d.Program), http.StatusSeeOther)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Rows, d.Total = listRows(res.Rows, s.now()), res.Total
		d.Pages = max(1, (d.Total+listsPageSize-1)/listsPageSize)
		if res.Prev == "" {
			d.Page = 1
		}
		d.Page = min(d.Page, d.Pages)
		if res.Prev != "" {
			d.Prev = worklistCursor(d.Tab, d.Step, d.Query, max(d.Page-1, 1), "before", res.Prev, d.Program)
		}
		if res.Next != "" {
			d.Next = worklistCursor(d.Tab, d.Step, d.Query, d.Page+1, "after", res.Next, d.Program)
		}
		d.Status = p.T("lists.count", d.Total)
		if res.Capped {
			d.Status = p.T("lists.count_capped", d.Total)
		}
	}
	// htmx asks for the list alone (live search); a history restore needs the whole page.
	d.Fragment = r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
	p.Data = d
	w.Header().Add("Vary", "HX-Request")
	if d.Fragment {
		s.listsFragment(w, r, "cases_list", "lists_worklist", p)
		return
	}
	s.render(w, r, http.StatusOK, "cases_list", p)
}

// listsFragment renders one block of a page without the layout, for htmx to swap in.
func (s *Server) listsFragment(w http.ResponseWriter, r *http.Request, page, block string, p *Page) {
	t, err := s.pageTemplate(page, p.Locale)
	if err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	p.Name = page
	buf := s.buffer()
	defer s.bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, block, p); err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	if err := s.sameAsSource(page, block, p, buf.Bytes()); err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}
