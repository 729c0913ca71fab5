package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/i18n"
)

// groupsHomeSize is how many meetings and tasks the start page lists.
const groupsHomeSize = 5

// groupsHomeData is the start page's section of this part — my next meetings, my tasks, my
// groups — for the partial groups_home. It translates by itself (T), so the start page can
// pass it on as it is: {{template "groups_home" .Data.Groups}}.
type groupsHomeData struct {
	Meetings  []groupsHomeMeeting
	Tasks     []taskRow
	OpenTasks int
	Groups    int
	// OverdueTasks are the open tasks past their due date; SoonMeetings the meetings listed
	// that start within a week — the start page's "what now" counts them.
	OverdueTasks, SoonMeetings int

	catalog *i18n.Catalog
	locale  casework.Locale
}

// groupsHomeMeeting is a meeting ahead, as the start page lists it.
type groupsHomeMeeting struct {
	When, Name, URL string
}

// T translates key into the actor's language.
func (d groupsHomeData) T(key string, args ...any) string { return d.catalog.T(d.locale, key, args...) }

// N translates key in the plural form of count n.
func (d groupsHomeData) N(key string, n int, args ...any) string {
	return d.catalog.N(d.locale, key, n, args...)
}

// groupsHome returns the data of the start page's groups section for the actor: the next
// meetings of their groups, their open tasks and how many groups they are in. Actors who do not
// work with cases get nil (nothing to show).
func (s *Server) groupsHome(r *http.Request) (any, error) {
	a, ok := casework.ActorFrom(r.Context())
	if !ok || !access.Can(a, access.WorkWithCases).Allowed {
		return nil, nil
	}
	d := groupsHomeData{catalog: s.catalog, locale: s.locale(r)}
	p := &Page{s: s, Locale: d.locale}
	ms, err := s.store.MyMeetings(r.Context(), groupsHomeSize)
	if err != nil {
		return nil, err
	}
	week := s.now().Add(7 * 24 * time.Hour)
	for _, m := range ms {
		if m.Meeting.Start.Before(week) {
			d.SoonMeetings++
		}
		d.Meetings = append(d.Meetings, groupsHomeMeeting{When: whenText(p, m.Meeting.Start, m.Meeting.DurationMinutes), Name: m.Name,
			URL: caseURL(m.CaseID, "/meetings/"+strconv.FormatInt(m.Meeting.ID, 10))})
	}
	tasks, err := s.store.MyTasks(r.Context(), false)
	if err != nil {
		return nil, err
	}
	d.OpenTasks = len(tasks)
	for _, t := range tasks {
		if t.Task.Overdue(s.today()) {
			d.OverdueTasks++
		}
	}
	d.Tasks = taskRows(p, tasks[:min(len(tasks), groupsHomeSize)], s.today())
	gs, err := s.store.MyGroups(r.Context())
	if err != nil {
		return nil, err
	}
	d.Groups = len(gs)
	return d, nil
}
