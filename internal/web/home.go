package web

import (
	"net/http"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// homeListSize is how many cases a list on the start page shows before linking to the whole.
const homeListSize = 10

// homeData is the start page: one section per kind of work the actor does.
type homeData struct {
	Cases, Aggregates, Admin, Auditor bool
	Groups                            any // next meetings, my tasks, my groups (groupsHome)
	// Staff (coordinator, case officer), Prep (preparatory group) and Member (group member)
	// choose what the case sections show first; the store decides what is in them.
	Staff, Prep, Member bool
	Roles               []string // translated role names
	Municipality        string
	Users               []casework.User // administrators: the accounts
	ActiveUsers         int

	Reports     []store.MyConcern // the latest concerns the actor reported
	MoreReports bool
	CaseRows    []listRow // staff: own cases; preparatory group: the waiting list; others: cases they see
	CaseTotal   int
	CaseLink    string
	Deadlines   []listRow // staff: own cases with a deadline near or passed
	// DeadlinesCut: more of the actor's cases have a deadline near or passed than are listed.
	DeadlinesCut bool
	Expiring     []store.ExpiringConsent
	ExpiringIn   int       // days: the list's reach, casework.ConsentSoonDays
	Waiting      int       // cases on the waiting list
	WaitingRows  []listRow // its head
	Cards        []cardView
	CardCount    int
	Factors      int
	// Alerts (issue 14): raised threat levels and security reviews due (store.MySecurityAlerts:
	// only where the actor may see the security category) and waits for a SiS place longer
	// than a week on the actor's own cases (store.MySiSWaits: never where anyone is placed).
	SecurityAlerts  []store.SecurityAlert
	SecurityReviews []store.SecurityReview
	SiSWaits        []store.SiSWait
	SiSAlertDays    int
	// Now is "what to do now": the counts of what is overdue, due this week and waiting for
	// the actor, most urgent first, each linking to its section below (homeNowItems).
	Now []homeNow
}

// homeNow is one count of the start page's "what to do now".
type homeNow struct {
	Text, URL string
	Count     int
	Urgent    bool // overdue: shown as such
}

// homeWaiting is how many of the waiting list staff see on the start page.
const homeWaiting = 3

// homeReports is how many of the actor's own concerns the start page lists.
const homeReports = 3

// home is the start page, built from the actor's roles.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "home.title")
	d := homeData{
		Cases:      access.Can(a, access.WorkWithCases).Allowed,
		Aggregates: access.Can(a, access.ViewAggregates).Allowed,
		Admin:      access.Can(a, access.ManageUsers).Allowed,
		Auditor:    access.Can(a, access.ReviewAuditLog).Allowed,
		Factors:    listsIRKFactorCount(),
		ExpiringIn: casework.ConsentSoonDays,
	}
	for _, role := range a.User.Roles {
		d.Roles = append(d.Roles, p.T("role."+string(role)))
	}
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Municipality = m.Name
	if d.Cases {
		if err := s.homeCases(r, p, &d); err != nil {
			s.fail(w, r, err)
			return
		}
		groups, err := s.groupsHome(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Groups = groups
	}
	d.Now = homeNowItems(p, d)
	if d.Admin {
		if d.Users, err = s.store.Users(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, u := range d.Users {
			if u.Active {
				d.ActiveUsers++
			}
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
}

// homeCases fills the case-work sections of the start page.
func (s *Server) homeCases(r *http.Request, p *Page, d *homeData) error {
	ctx := r.Context()
	roles := p.Actor.User.Roles
	d.Staff = listsIsStaff(p.Actor)
	d.Prep = roles.Has(casework.RolePrepGroup)
	d.Member = roles.Has(casework.RoleGroupMember)
	now := s.now()

	reports, err := s.store.MyConcerns(ctx)
	if err != nil {
		return err
	}
	d.Reports, d.MoreReports = reports[:min(len(reports), homeReports)], len(reports) > homeReports

	q := store.CaseQuery{Limit: homeListSize}
	switch {
	case d.Staff:
		// The cases the actor works on now: a coordinator is staff on every case they ever
		// had, closed and followed up years ago too (the work list's tab lists them all).
		q.Mine, q.OpenOnly, d.CaseLink = true, true, worklistURL(listsTabMine, "", "", 1, "")
	case d.Prep:
		q.Waiting, d.CaseLink = true, worklistURL(listsTabWaiting, "", "", 1, "")
	default:
		q.OpenOnly, d.CaseLink = true, worklistURL(listsTabAll, "", "", 1, "")
	}
	res, err := s.store.Cases(ctx, q)
	if err != nil {
		return err
	}
	d.CaseRows, d.CaseTotal = listRows(res.Rows, now), res.Total

	if d.Staff {
		res, err := s.store.Cases(ctx, store.CaseQuery{Mine: true, Deadlines: true, NearDays: listsNearDays, Limit: homeListSize})
		if err != nil {
			return err
		}
		d.DeadlinesCut = res.Total > len(res.Rows)
		for _, row := range listRows(res.Rows, now) {
			var due []dueView
			for _, dv := range row.Due {
				if dv.State == "near" || dv.State == "overdue" {
					due = append(due, dv)
				}
			}
			row.Due = due
			d.Deadlines = append(d.Deadlines, row)
		}
		if d.Expiring, err = s.store.ExpiringConsents(ctx, casework.ConsentSoon); err != nil {
			return err
		}
		// The head of the waiting list and its length. The rows are shown, so the store's
		// audit entry for them is true.
		res, err = s.store.Cases(ctx, store.CaseQuery{Waiting: true, Limit: homeWaiting})
		if err != nil {
			return err
		}
		d.WaitingRows, d.Waiting = listRows(res.Rows, now), res.Total
	}
	if d.SecurityAlerts, d.SecurityReviews, err = s.store.MySecurityAlerts(ctx); err != nil {
		return err
	}
	if d.SiSWaits, err = s.store.MySiSWaits(ctx); err != nil {
		return err
	}
	d.SiSAlertDays = casework.SiSWaitAlertDays
	if d.Prep || d.Member {
		cards, err := s.store.Cards(ctx)
		if err != nil {
			return err
		}
		d.CardCount = len(cards)
		d.Cards = cardViews(p, cards[:min(len(cards), homeListSize)])
	}
	return nil
}

// homeNowItems counts what the start page's sections hold, most urgent first: deadlines
// passed, tasks overdue, deadlines within the week, meetings within the week, consents about
// to expire, young people waiting for the preparatory group, anonymous cards to consider. Only
// what the actor's roles give them is counted. The deadline list is the head of the work list
// (most urgent first, homeListSize cases); when it is cut, the counts say "at least".
func homeNowItems(p *Page, d homeData) []homeNow {
	var out []homeNow
	add := func(key, url string, n int, urgent bool) {
		out = append(out, homeNow{Text: p.N(key, n), URL: url, Count: n, Urgent: urgent && n > 0})
	}
	// The alerts of issue 14 come after what is overdue, before what is due: a raised threat
	// level and a SiS wait past the week are urgent, a review due is not. They are counted only
	// when there are any: most readers never have one.
	alerts := func() {
		if n := len(d.SecurityAlerts); n > 0 {
			add("home.next_security_raised", "#h-alerts", n, true)
		}
		if n := len(d.SiSWaits); n > 0 {
			add("home.next_sis_waits", "#h-alerts", n, true)
		}
		if n := len(d.SecurityReviews); n > 0 {
			add("home.next_security_reviews", "#h-alerts", n, false)
		}
	}
	if d.Staff {
		overdue, near := 0, 0
		for _, row := range d.Deadlines {
			for _, dv := range row.Due {
				if dv.State == "overdue" {
					overdue++
				} else {
					near++
				}
			}
		}
		key := "home.next_overdue"
		if d.DeadlinesCut {
			key = "home.next_overdue_more"
		}
		add(key, "#h-deadlines", overdue, true)
		g, _ := d.Groups.(groupsHomeData)
		add("home.next_tasks_overdue", "#h-groups-tasks", g.OverdueTasks, true)
		alerts()
		add("home.next_near", "#h-deadlines", near, false)
		add("home.next_meetings", "#h-groups-meetings", g.SoonMeetings, false)
		add("home.next_expiring", "#h-expiring", len(d.Expiring), false)
	} else if g, ok := d.Groups.(groupsHomeData); ok {
		add("home.next_tasks_overdue", "#h-groups-tasks", g.OverdueTasks, true)
		alerts()
		add("home.next_meetings", "#h-groups-meetings", g.SoonMeetings, false)
	} else {
		alerts()
	}
	if d.Prep {
		add("home.next_waiting", "#h-cases", d.CaseTotal, false)
	}
	if d.Prep || d.Member {
		add("home.next_cards", "#h-cards", d.CardCount, false)
	}
	return out
}
