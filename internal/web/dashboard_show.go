package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// dashboardData is the municipality's follow-up dashboard for one half-year and one view (the
// whole municipality or a district).
type dashboardData struct {
	Period       stats.Period
	Periods      []caseChoice
	Districts    []caseChoice
	DistrictName string // "" for the whole municipality
	PeriodLabel  string
	ViewLabel    string // the district's name, or "the whole municipality"
	Sections     []sectionView
	SectionsHTML template.HTML  // the sections rendered (dashboardSections)
	KeyFigures   keyFiguresView // what a steering group reads first (issue 17:5)
	CSV, XLSX    template.URL   // the exports of what is shown
	JSON         template.URL   // the national export file of the release
	National     template.URL
	// Release says when the figures were published and that they do not change; Pending
	// when the follow-up rows still to come are published; Next when the next half-year is.
	Release, Pending, Next string
	// Unpublished: no half-year of the municipality is published yet.
	Unpublished bool
	// Staleness says how current the figures are when they are read from a replica
	// (--db-read); empty without one.
	Staleness string
}

// dashboardQuery reads the filter: period=2026H1 (when absent or not one the municipality
// has published: the newest published half-year) and district=<id>|none (the whole
// municipality when absent). Only published half-years are shown: a half-year's figures are
// published once, a month after it ends (stats/release.go).
func (s *Server) dashboardQuery(r *http.Request, periods []stats.Period) store.DashboardQuery {
	q := store.DashboardQuery{District: stats.All}
	if len(periods) > 0 {
		q.Period = periods[0]
	}
	if p, err := stats.ParsePeriod(r.URL.Query().Get("period")); err == nil {
		for _, x := range periods {
			if x == p {
				q.Period = p
			}
		}
	}
	switch d := r.URL.Query().Get("district"); d {
	case "", "all":
	case "none":
		q.District = stats.NoDistrict
	default:
		if id, err := strconv.ParseInt(d, 10, 64); err == nil && id > 0 {
			q.District = id
		}
	}
	return q
}

// loadDashboard reads the filter and the dashboard; on failure it has answered.
func (s *Server) loadDashboard(w http.ResponseWriter, r *http.Request, export string) (*stats.Dashboard, store.DashboardQuery, []stats.Period, bool) {
	d, _, q, periods, ok := s.loadDashboards(w, r, export, false)
	return d, q, periods, ok
}

// loadDashboards is loadDashboard, with withPrev the previous published half-year beside it
// (nil when none), read in the same request, for the key figures' changes.
func (s *Server) loadDashboards(w http.ResponseWriter, r *http.Request, export string, withPrev bool) (*stats.Dashboard, *stats.Dashboard, store.DashboardQuery, []stats.Period, bool) {
	periods, err := s.store.DashboardPeriods(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, store.DashboardQuery{}, nil, false
	}
	q := s.dashboardQuery(r, periods)
	q.Export = export
	if q.Period.IsZero() {
		return nil, nil, q, periods, true // nothing published yet
	}
	var before stats.Period
	if withPrev {
		before = previousPublished(q.Period, periods)
	}
	d, prev, err := s.store.DashboardWithPrevious(r.Context(), q, before)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, q, nil, false
	}
	if _, ok := d.View(q.District); !ok {
		q.District = stats.All // a district without young people, or none of ours
	}
	return d, prev, q, periods, true
}

func districtValue(id int64) string {
	switch id {
	case stats.All:
		return ""
	case stats.NoDistrict:
		return "none"
	}
	return strconv.FormatInt(id, 10)
}

// districtLabel names a view.
func districtLabel(p *Page, d *stats.Dashboard, id int64) string {
	if id == stats.All {
		return ""
	}
	for _, x := range d.Districts {
		if x.ID == id {
			if id == stats.NoDistrict {
				return p.T("dashboard.row.no_district")
			}
			return x.Name
		}
	}
	return ""
}

// dashboardShow is the dashboard page.
func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "dashboard.title")
	d, prev, q, periods, ok := s.loadDashboards(w, r, "", true)
	if !ok {
		return
	}
	next := stats.LastPublished(s.now()).Next()
	if d == nil {
		if next.IsZero() {
			next = stats.PeriodOf(s.now())
		}
		p.Data = dashboardData{Unpublished: true, Staleness: s.staleness(r, p), Next: p.T("dashboard.release_next", periodLabel(p, next), dateLabel(p, stats.DueAt(next, stats.PartMain)))}
		s.render(w, r, http.StatusOK, "dashboard_show", p)
		return
	}
	v, _ := d.View(q.District)
	sections, html, err := s.dashboardSections(p, d, v, q.District)
	if err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	data := dashboardData{Period: q.Period, DistrictName: districtLabel(p, d, q.District), Sections: sections, SectionsHTML: html,
		Staleness: s.staleness(r, p), KeyFigures: keyFiguresOf(p, d, v, prev, q.District)}
	for _, x := range periods {
		data.Periods = append(data.Periods, caseChoice{Value: x.String(), Label: periodLabel(p, x), Selected: x == q.Period})
	}
	data.Districts = append(data.Districts, caseChoice{Value: "", Label: p.T("dashboard.filter.all_districts"), Selected: q.District == stats.All})
	for _, x := range d.Districts {
		data.Districts = append(data.Districts, caseChoice{Value: districtValue(x.ID), Label: districtLabel(p, d, x.ID), Selected: q.District == x.ID})
	}
	vals := url.Values{"period": {q.Period.String()}}
	if q.District != stats.All {
		vals.Set("district", districtValue(q.District))
	}
	data.CSV = template.URL("/followup/export.csv?" + vals.Encode())
	data.XLSX = template.URL("/followup/export.xlsx?" + vals.Encode())
	data.JSON = template.URL("/followup/export.json?" + url.Values{"period": {q.Period.String()}}.Encode())
	data.Release = p.T("dashboard.release_made", periodLabel(p, q.Period), dateLabel(p, d.Published[stats.PartMain]))
	for _, part := range stats.Parts[1:] {
		if _, ok := d.Published[part]; !ok {
			data.Pending = p.T("dashboard.release_pending", dateLabel(p, stats.DueAt(q.Period, part)))
			break
		}
	}
	data.Next = p.T("dashboard.release_next", periodLabel(p, next), dateLabel(p, stats.DueAt(next, stats.PartMain)))
	data.National = template.URL("/followup/national?" + url.Values{"period": {q.Period.String()}}.Encode())
	data.PeriodLabel, data.ViewLabel = periodLabel(p, q.Period), data.DistrictName
	if data.DistrictName != "" {
		p.Title = p.T("dashboard.title_district", data.DistrictName)
	} else {
		data.ViewLabel = p.T("dashboard.whole_municipality")
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "dashboard_show", p)
}

// periodLabel is "första halvåret 2026".
func periodLabel(p *Page, x stats.Period) string {
	return p.T("dashboard.period."+"h"+strconv.Itoa(x.Half), x.Year)
}

// dateLabel is a date in Swedish time, "2026-08-01".
func dateLabel(_ *Page, t time.Time) string { return t.In(stats.Stockholm).Format(time.DateOnly) }

// dashboardSections returns the figures of view v of release d and their HTML. A stored
// release does not change (a part added later is a new *stats.Dashboard from the store), so
// what one view's figures render to is kept per release, view and language: they were nine
// tenths of a dashboard view's CPU (charts and tables, tens of thousands of template
// actions). At most dashboardKept renderings are kept, the oldest going first. The access
// decision and the audit entry are made per request before this, as for any page.
func (s *Server) dashboardSections(p *Page, d *stats.Dashboard, v *stats.View, district int64) ([]sectionView, template.HTML, error) {
	k := dashboardKey{d, district, p.Locale}
	s.dashboards.mu.Lock()
	e, ok := s.dashboards.m[k]
	s.dashboards.mu.Unlock()
	if ok {
		return e.sections, e.html, nil
	}
	sections := figuresOf(p, v, d)
	t, err := s.pageTemplate("dashboard_show", p.Locale)
	if err != nil {
		return nil, "", err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "dashboard_sections", sections); err != nil {
		return nil, "", err
	}
	e = renderedSections{sections, template.HTML(b.String())}
	s.dashboards.mu.Lock()
	defer s.dashboards.mu.Unlock()
	if s.dashboards.m == nil {
		s.dashboards.m = map[dashboardKey]renderedSections{}
	}
	if _, ok := s.dashboards.m[k]; !ok {
		if len(s.dashboards.order) >= dashboardKept {
			delete(s.dashboards.m, s.dashboards.order[0])
			s.dashboards.order = s.dashboards.order[1:]
		}
		s.dashboards.order = append(s.dashboards.order, k)
		s.dashboards.m[k] = e
	}
	return e.sections, e.html, nil
}

// dashboardKept bounds the dashboard renderings kept (each some hundred kilobytes).
const dashboardKept = 24

type dashboardKey struct {
	release  *stats.Dashboard // kept alive by the key, so never another release's address
	district int64
	locale   casework.Locale
}

type renderedSections struct {
	sections []sectionView
	html     template.HTML
}

// renderedDashboards holds dashboardSections' renderings.
type renderedDashboards struct {
	mu    sync.Mutex
	m     map[dashboardKey]renderedSections
	order []dashboardKey
}
