package audit

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// The log review (loggkontroll) looks for access that deserves a question, the way
// municipalities follow up their case systems' logs (monthly, and on demand). Nothing it
// flags is necessarily wrong: a coordinator reading a new case at intake is doing the job. It
// points the auditor at entries to ask about.

// Thresholds of the review. They are deliberately simple so an auditor can explain them.
const (
	// ManyYouthsThreshold: reading more than this many different young people within
	// ManyYouthsWindow is flagged. Nobody in a SIG works with twenty young people in an hour;
	// a coordinator's whole caseload is usually 5–15.
	ManyYouthsThreshold = 20
	ManyYouthsWindow    = time.Hour

	// Odd hours are 22:00–06:00 local time (Europe/Stockholm), and all of Saturday and Sunday.
	// SIG work happens in office hours; field workers' evenings end by ten.
	OddHoursFrom = 22
	OddHoursTo   = 6
)

// FindingKind names what a finding is about.
type FindingKind string

const (
	// FindingDenied: attempts to reach a young person's data that the access rule refused.
	FindingDenied FindingKind = "denied"
	// FindingIntake: a case opened on an intake ground (a coordinator or the preparatory
	// group before anyone took the case on) by someone who did not then take it on: neither
	// staff on the case nor covered by a consent.
	FindingIntake FindingKind = "intake"
	// FindingNoGroupRole: a case read (or written to) on a consent ground — the user's agency,
	// or the user, is a party of a valid consent — by someone with no role in that case: not
	// staff on it, and not a member of its operative group (neither then nor later). The
	// consent lets the agency in; the group is who needs to know.
	FindingNoGroupRole FindingKind = "no_group_role"
	// FindingManyYouths: many different young people read by one user in a short time.
	FindingManyYouths FindingKind = "many_youths"
	// FindingOddHours: young people's data read at night or at the weekend.
	FindingOddHours FindingKind = "odd_hours"
)

// FindingKinds lists the kinds in the order the review shows them.
var FindingKinds = []FindingKind{FindingDenied, FindingIntake, FindingNoGroupRole, FindingManyYouths, FindingOddHours}

// Finding is one thing the review flags: a user, a kind, the period and the entries.
type Finding struct {
	Kind     FindingKind
	UserID   int64
	Username string
	From, To time.Time // the first and last entry's time
	Entries  int       // how many entries
	Youths   int       // how many different young people
	Seqs     []int64   // the entries, in log order
}

// ReviewInput is what the review looks at.
type ReviewInput struct {
	Entries []Entry // in log order
	// Staff reports whether the user is (or was) staff on a case of the young person — which
	// turns an intake read into part of taking the case on.
	Staff func(userID, youthID int64) bool
	// ConsentCase returns the case a consent belongs to (0 if unknown): a consent ground names
	// the consent ("consent:123"), and through it the case that was read.
	ConsentCase func(consentID int64) int64
	// GroupRole reports whether the user has a role in the case: staff on it, or a member of
	// its operative group who had not left the group by at (a member then, or one who joined
	// later). Nil means nobody has one.
	GroupRole func(userID, caseID int64, at time.Time) bool
	// Location is the time zone for odd hours; Europe/Stockholm.
	Location *time.Location
}

// Review flags unusual access among the entries. It is a pure function of its input.
func Review(in ReviewInput) []Finding {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	var out []Finding
	out = append(out, grouped(in.Entries, FindingDenied, func(e Entry) bool {
		return !e.Allowed && concernsYouth(e) && e.Action != ActionLoginFailed
	})...)
	out = append(out, grouped(in.Entries, FindingIntake, func(e Entry) bool {
		return e.Allowed && strings.HasPrefix(e.Ground, "intake:") && e.YouthID != 0 &&
			(in.Staff == nil || !in.Staff(e.UserID, e.YouthID))
	})...)
	out = append(out, grouped(in.Entries, FindingNoGroupRole, func(e Entry) bool {
		consentID, ok := consentGround(e.Ground)
		if !ok || !readsOneYouth(e) {
			return false
		}
		var caseID int64
		if in.ConsentCase != nil {
			caseID = in.ConsentCase(consentID)
		}
		return caseID == 0 || in.GroupRole == nil || !in.GroupRole(e.UserID, caseID, e.At)
	})...)
	out = append(out, manyYouths(in.Entries)...)
	out = append(out, oddHours(in.Entries, loc)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindOrder(out[i].Kind) < kindOrder(out[j].Kind)
		}
		if out[i].Username != out[j].Username {
			return out[i].Username < out[j].Username
		}
		return out[i].From.Before(out[j].From)
	})
	return out
}

func kindOrder(k FindingKind) int {
	for i, x := range FindingKinds {
		if x == k {
			return i
		}
	}
	return len(FindingKinds)
}

// concernsYouth reports whether an entry is about a young person: their own record, or a list
// that showed them.
func concernsYouth(e Entry) bool {
	return e.YouthID != 0 || len(ListedYouths(e.Detail)) > 0
}

// consentGround returns the consent a ground names ("consent:123"), and whether it names one.
func consentGround(ground string) (int64, bool) {
	rest, ok := strings.CutPrefix(ground, "consent:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// readsOneYouth reports whether an entry reads or changes one young person's data (not a
// list: a list shows names, it does not open anyone).
func readsOneYouth(e Entry) bool {
	return e.Allowed && e.YouthID != 0 && e.UserID != 0
}

// grouped makes one finding per user of the entries that match.
func grouped(es []Entry, kind FindingKind, match func(Entry) bool) []Finding {
	by := map[int64]*Finding{}
	youths := map[int64]map[int64]bool{}
	var order []int64
	for _, e := range es {
		if !match(e) {
			continue
		}
		f, ok := by[e.UserID]
		if !ok {
			f = &Finding{Kind: kind, UserID: e.UserID, Username: e.Username, From: e.At}
			by[e.UserID], youths[e.UserID] = f, map[int64]bool{}
			order = append(order, e.UserID)
		}
		f.To = e.At
		f.Entries++
		f.Seqs = append(f.Seqs, e.Seq)
		if e.YouthID != 0 {
			youths[e.UserID][e.YouthID] = true
		}
	}
	out := make([]Finding, 0, len(order))
	for _, u := range order {
		f := by[u]
		f.Youths = len(youths[u])
		out = append(out, *f)
	}
	return out
}

// manyYouths finds, per user, the stretches in which more than ManyYouthsThreshold different
// young people were read within ManyYouthsWindow. One finding covers a whole burst: it opens
// when the window first holds too many and closes when it no longer does.
func manyYouths(es []Entry) []Finding {
	perUser := map[int64][]Entry{}
	var users []int64
	for _, e := range es {
		if !readsOneYouth(e) {
			continue
		}
		if _, ok := perUser[e.UserID]; !ok {
			users = append(users, e.UserID)
		}
		perUser[e.UserID] = append(perUser[e.UserID], e)
	}
	var out []Finding
	for _, u := range users {
		list := perUser[u]
		sort.SliceStable(list, func(i, j int) bool { return list[i].At.Before(list[j].At) })
		count := map[int64]int{} // youth → entries in the window
		lo := 0
		var cur *Finding
		var curYouths map[int64]bool
		closeCur := func() {
			if cur != nil {
				cur.Youths = len(curYouths)
				out = append(out, *cur)
				cur = nil
			}
		}
		for hi, e := range list {
			count[e.YouthID]++
			for e.At.Sub(list[lo].At) >= ManyYouthsWindow { // never past hi: e is in its own window
				y := list[lo].YouthID
				if count[y]--; count[y] == 0 {
					delete(count, y)
				}
				lo++
			}
			if len(count) > ManyYouthsThreshold {
				if cur == nil {
					cur = &Finding{Kind: FindingManyYouths, UserID: u, Username: e.Username, From: list[lo].At}
					curYouths = map[int64]bool{}
					for _, w := range list[lo:hi] {
						cur.Seqs = append(cur.Seqs, w.Seq)
						cur.Entries++
						curYouths[w.YouthID] = true
					}
				}
				cur.To = e.At
				cur.Seqs = append(cur.Seqs, e.Seq)
				cur.Entries++
				curYouths[e.YouthID] = true
			} else {
				closeCur()
			}
		}
		closeCur()
	}
	return out
}

// OddHour reports whether t falls at night (OddHoursFrom–OddHoursTo) or at the weekend in loc.
func OddHour(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	h := l.Hour()
	return h >= OddHoursFrom || h < OddHoursTo
}

// oddHours makes one finding per user and local day of young people's data read at odd hours.
func oddHours(es []Entry, loc *time.Location) []Finding {
	type key struct {
		user int64
		day  string
	}
	by := map[key]*Finding{}
	youths := map[key]map[int64]bool{}
	var order []key
	for _, e := range es {
		if !e.Allowed || !concernsYouth(e) || e.UserID == 0 || !OddHour(e.At, loc) {
			continue
		}
		k := key{e.UserID, e.At.In(loc).Format("2006-01-02")}
		f, ok := by[k]
		if !ok {
			f = &Finding{Kind: FindingOddHours, UserID: e.UserID, Username: e.Username, From: e.At}
			by[k], youths[k] = f, map[int64]bool{}
			order = append(order, k)
		}
		f.To = e.At
		f.Entries++
		f.Seqs = append(f.Seqs, e.Seq)
		if e.YouthID != 0 {
			youths[k][e.YouthID] = true
		}
		for _, id := range listedYouths(e) {
			youths[k][id] = true
		}
	}
	out := make([]Finding, 0, len(order))
	for _, k := range order {
		f := by[k]
		f.Youths = len(youths[k])
		out = append(out, *f)
	}
	return out
}

// listedYouths are the young people a list entry showed.
func listedYouths(e Entry) []int64 { return ListedYouths(e.Detail) }

// ListedYouths reads the young people an entry's detail names besides its own: the
// "youths:1,2,3" field of a list view, or of a request's entry that showed several young
// people. Fields of a detail are separated by "; ".
func ListedYouths(detail string) []int64 {
	var out []int64
	for _, field := range strings.Split(detail, "; ") {
		rest, ok := strings.CutPrefix(field, "youths:")
		if !ok {
			continue
		}
		for _, f := range strings.Split(rest, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil && id != 0 {
				out = append(out, id)
			}
		}
	}
	return out
}
