package web

import (
	"cmp"
	"slices"
)

// The access-log extract's summary (issue 17:6): before its entries, one row per person and
// information category — who read or changed what, how often, first and last time — so the
// young person or guardian who asked sees the answer at a glance; refused attempts are rows of
// their own.

// auditSummaryRow is one person's entries in one category with one outcome.
type auditSummaryRow struct {
	User, Username, Roles, Agency, Category, Outcome string
	Allowed                                          bool
	Count                                            int
	First, Last                                      string
}

// auditSummary groups the extract's lines by person, category and outcome, most entries first
// (then by name and category).
func auditSummary(lines []auditLine) []auditSummaryRow {
	type key struct {
		username, category string
		allowed            bool
	}
	idx := map[key]int{}
	var out []auditSummaryRow
	for _, l := range lines {
		k := key{l.Username, l.Category, l.Allowed}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, auditSummaryRow{User: l.User, Username: l.Username, Roles: l.Roles, Agency: l.Agency,
				Category: l.Category, Outcome: l.Outcome, Allowed: l.Allowed, First: l.Time, Last: l.Time})
		}
		r := &out[i]
		r.Count++
		if l.Time < r.First {
			r.First = l.Time
		}
		if l.Time > r.Last {
			r.Last = l.Time
		}
	}
	slices.SortStableFunc(out, func(a, b auditSummaryRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.User, b.User), cmp.Compare(a.Category, b.Category))
	})
	return out
}
