package web

import (
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// auditLine is a log entry as the auditor's pages and the CSV show it, in the page's language.
type auditLine struct {
	Seq        int64
	Time       string
	User       string // name
	Username   string
	UserID     int64
	Roles      string
	Agency     string
	Action     string
	Object     string
	Youth      string
	Category   string
	Ground     string
	GroundCode string
	Allowed    bool
	Outcome    string
}

// auditTime shows a log time to the second in Stockholm time.
func auditTime(t time.Time) string { return t.In(stockholm).Format("2006-01-02 15:04:05") }

// auditText translates key when the catalogue has it, else shows the code as it is.
func auditText(p *Page, key, code string) string {
	if p.s.catalog.Has(p.Locale, key) {
		return p.T(key)
	}
	return code
}

// auditLines prepares log lines for a page or a CSV file.
func auditLines(p *Page, ls []store.LogLine) []auditLine {
	out := make([]auditLine, 0, len(ls))
	for _, l := range ls {
		v := auditLine{
			Seq: l.Seq, Time: auditTime(l.At), User: l.UserName, Username: l.Username, UserID: l.UserID, Agency: l.AgencyName,
			Action: auditText(p, "audit."+"action_"+l.Action, l.Action), Youth: l.YouthName,
			Ground: auditGround(p, l.Ground), GroundCode: l.Ground, Allowed: l.Allowed,
		}
		if v.User == "" {
			v.User = l.Username
		}
		var roles []string
		for _, r := range casework.ParseRoles(l.Roles) {
			roles = append(roles, p.T("role."+string(r)))
		}
		v.Roles = strings.Join(roles, ", ")
		v.Object = auditText(p, "audit."+"object_"+l.Object, l.Object)
		if l.ListView() {
			v.Object += " " + p.T("audit.list_view", l.Listed)
		}
		if l.Category != "" {
			// A request's entry names every category it read ("basic,social").
			var cats []string
			for _, c := range strings.Split(l.Category, ",") {
				cats = append(cats, auditText(p, "category."+c, c))
			}
			v.Category = strings.Join(cats, ", ")
		}
		v.Outcome = p.T("audit.allowed")
		if !l.Allowed {
			v.Outcome = p.T("audit.denied")
		}
		out = append(out, v)
	}
	return out
}

// auditGround says in words on which ground access was given or why it was refused.
func auditGround(p *Page, g string) string {
	kind, rest, _ := strings.Cut(g, ":")
	switch kind {
	case "staff":
		return p.T("audit.ground_staff", auditText(p, "audit."+"staff_"+rest, rest))
	case "consent":
		return p.T("audit.ground_consent", rest)
	case "intake":
		return p.T("audit.ground_intake", p.T("role."+rest))
	case "pre_consent_card":
		return p.T("audit.ground_card")
	case "role":
		return p.T("audit.ground_role", p.T("role."+rest))
	case "denied":
		return p.T("audit.ground_denied", auditText(p, "audit."+"denied_"+rest, rest))
	}
	return g
}

// auditDay parses a date from a form as the start of that day in Stockholm; "" is the zero
// time.
func auditDay(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", v, stockholm)
	return t, err == nil
}

// auditPeriod reads ?from= and ?to= (inclusive days) into a half-open period [from, to). With
// defaultDays > 0, missing dates mean the last defaultDays days up to and including today.
func (s *Server) auditPeriod(p *Page, q map[string][]string, defaultDays int) (from, to time.Time, fe casework.FieldErrors) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	p.Form["from"], p.Form["to"] = get("from"), get("to")
	from, ok := auditDay(get("from"))
	if !ok {
		fe.Add("from", "audit.date_invalid")
	}
	to, ok = auditDay(get("to"))
	if !ok {
		fe.Add("to", "audit.date_invalid")
	}
	today := s.now().In(stockholm)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, stockholm)
	if defaultDays > 0 {
		if to.IsZero() {
			to = today
			p.Form["to"] = to.Format("2006-01-02")
		}
		if from.IsZero() {
			from = to.AddDate(0, 0, -(defaultDays - 1))
			p.Form["from"] = from.Format("2006-01-02")
		}
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the whole last day
	}
	return from, to, fe
}
