package web

import (
	"net/http"
	"net/url"
	"strconv"

	"lots/internal/audit"
)

// auditReviewData is the log review of a period: the findings by kind.
type auditReviewData struct {
	Groups []auditFindingGroup
	Count  int
}

// auditFindingGroup is the findings of one kind.
type auditFindingGroup struct {
	Kind     audit.FindingKind
	Heading  string
	Hint     string
	Findings []auditFindingView
}

// auditFindingView is a finding as the page shows it, with the link to the user's entries.
type auditFindingView struct {
	User    string
	Period  string
	Summary string
	URL     string
}

// auditReview flags unusual access in a period (?from=&to=, the last thirty days by default):
// refused attempts, intake reads by those who did not take the case on, consent reads by those
// with no role in the case (neither staff nor in its group), many young people in a short
// time, and reading at night or at the weekend. The store only reads the entries; the analysis
// is audit.Review.
func (s *Server) auditReview(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "audit.review_title")
	p.Data = auditReviewData{}
	from, to, fe := s.auditPeriod(p, r.URL.Query(), 30)
	if err := fe.Err(); err != nil {
		s.formError(w, r, "audit_review", p, err)
		return
	}
	data, err := s.store.ReviewEntries(r.Context(), from, to)
	if err != nil {
		s.formError(w, r, "audit_review", p, err)
		return
	}
	findings := audit.Review(audit.ReviewInput{Entries: data.Entries, Staff: data.Staff,
		ConsentCase: data.ConsentCase, GroupRole: data.GroupRole, Location: stockholm})
	d := auditReviewData{Count: len(findings)}
	for _, k := range audit.FindingKinds {
		g := auditFindingGroup{Kind: k, Heading: p.T("audit." + "finding_" + string(k))}
		switch k {
		case audit.FindingManyYouths:
			g.Hint = p.T("audit.finding_many_youths_hint", audit.ManyYouthsThreshold)
		case audit.FindingOddHours:
			g.Hint = p.T("audit.finding_odd_hours_hint", audit.OddHoursFrom, audit.OddHoursTo)
		default:
			g.Hint = p.T("audit." + "finding_" + string(k) + "_hint")
		}
		for _, f := range findings {
			if f.Kind != k {
				continue
			}
			name := data.Names[f.UserID]
			if name == "" {
				name = f.Username
			}
			v := auditFindingView{
				User:    name + " (" + f.Username + ")",
				Period:  auditTime(f.From) + " – " + auditTime(f.To),
				Summary: p.T("audit.review_entries", f.Entries, f.Youths),
				URL: "/audit/user?" + url.Values{"user": {strconv.FormatInt(f.UserID, 10)},
					"from": {formatDate(f.From)}, "to": {formatDate(f.To)}}.Encode(),
			}
			g.Findings = append(g.Findings, v)
		}
		d.Groups = append(d.Groups, g)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "audit_review", p)
}
