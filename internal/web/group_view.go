package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/casework"
)

// The case's group and meetings are pages of a case: they show the case header and its
// navigation, with the group and the meetings in it.

// loadGroupCaseView loads the case header for a page of this part (see loadCaseView); the
// group and meeting pages are in the case navigation (caseSections).
func (s *Server) loadGroupCaseView(w http.ResponseWriter, r *http.Request, p *Page, section string) (caseView, bool) {
	return s.loadCaseView(w, r, p, section)
}

// memberView is a group member as the pages show them.
type memberView struct {
	casework.GroupMember
	Label     string // the name (the young person's for the young person)
	KindLabel string // translated
	Detail    string // agency, or relation and contact
	Stepped   bool   // another member is the lead: this one steps back
	// NoConsent: a professional whose consent coverage has ended ("utan giltigt samtycke").
	NoConsent bool
}

// memberViews names the members for the page.
func memberViews(p *Page, g casework.Group, youthName string) []memberView {
	_, hasLead := g.Lead()
	var out []memberView
	for _, m := range g.Members {
		mv := memberView{GroupMember: m, Label: m.Name, KindLabel: p.T("group.kind." + string(m.Kind)), Stepped: hasLead && !m.Lead,
			NoConsent: m.Kind == casework.MemberProfessional && !m.Covered}
		switch m.Kind {
		case casework.MemberProfessional:
			mv.Detail = m.AgencyName
		case casework.MemberYouth:
			mv.Label = youthName
		default:
			mv.Detail = m.Relation
			if m.Contact != "" {
				if mv.Detail != "" {
					mv.Detail += ", "
				}
				mv.Detail += m.Contact
			}
		}
		out = append(out, mv)
	}
	return out
}

// pathID parses a positive id path value.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// localTime formats a time in Stockholm.
func localTime(t time.Time, layout string) string { return t.In(casework.Stockholm).Format(layout) }

// weekdayKey names ISO weekdays (1 Monday … 7 Sunday).
func weekdayKey(iso int) string { return "calendar.weekday." + strconv.Itoa(iso) }

// whenText is a meeting's time in words: "tisdag 3 mars 2026, 15:00–16:30".
func whenText(p *Page, start time.Time, minutes int) string {
	l := start.In(casework.Stockholm)
	end := l.Add(time.Duration(minutes) * time.Minute)
	wd := int(l.Weekday())
	if wd == 0 {
		wd = 7
	}
	return p.T("calendar.when", p.T(weekdayKey(wd)), l.Day(), p.T("calendar.month."+strconv.Itoa(int(l.Month()))), l.Year(), l.Format("15:04"), end.Format("15:04"))
}
