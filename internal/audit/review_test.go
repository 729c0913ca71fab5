package audit

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

var stockholm = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a Stockholm wall-clock time on a weekday: Tuesday 2026-03-03.
func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-03-03 "+hhmm, stockholm)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func read(user, youth int64, t time.Time, ground string) Entry {
	return Entry{UserID: user, Username: fmt.Sprintf("user%d", user), At: t, Action: ActionRead, Object: "case", YouthID: youth, Ground: ground, Allowed: true}
}

func denied(user, youth int64, t time.Time) Entry {
	e := read(user, youth, t, "denied:no_consent")
	e.Allowed = false
	return e
}

// burst is n reads of n different young people (numbered from first) by user, a minute apart
// from start.
func burst(user int64, first, n int, start time.Time) []Entry {
	var es []Entry
	for i := range n {
		es = append(es, read(user, int64(first+i), start.Add(time.Duration(i)*time.Minute), "staff:coordinator"))
	}
	return es
}

// The review's view of the cases, shared by the tests: consent 5 belongs to case 50 (young
// person 10) and consent 6 to case 60 (young person 11); consent 7 is unknown. User 1 is staff on
// young person 10's case 50; user 2 is a member of case 50's group; user 7 was a member of
// case 60's group until 12:00.
var (
	reviewStaff       = func(user, youth int64) bool { return user == 1 && youth == 10 }
	reviewConsentCase = func(consent int64) int64 { return map[int64]int64{5: 50, 6: 60}[consent] }
	reviewGroupRole   = func(user, caseID int64, when time.Time) bool {
		switch {
		case caseID == 50:
			return user == 1 || user == 2
		case caseID == 60 && user == 7:
			return when.Before(at("12:00"))
		}
		return false
	}
)

func TestReview(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		want    []string // "kind user entries youths"
	}{
		{"ordinary work in office hours is not flagged",
			[]Entry{read(1, 10, at("09:00"), "staff:coordinator"), read(2, 10, at("10:00"), "consent:5")}, nil},
		{"a denied attempt on a young person is flagged",
			[]Entry{denied(2, 11, at("10:00")), denied(2, 12, at("10:05"))}, []string{"denied 2 2 2"}},
		{"a failed login is not a denied access to a young person",
			[]Entry{{UserID: 2, At: at("10:00"), Action: ActionLoginFailed, Allowed: false}}, nil},
		{"a refused page of the wrong role is not about a young person",
			[]Entry{{UserID: 2, At: at("10:00"), Action: ActionList, Object: "user", Ground: "denied:no_role_for_manage_users"}}, nil},
		{"an intake read by the coordinator who took the case on is not flagged",
			[]Entry{read(1, 10, at("09:00"), "intake:coordinator")}, nil},
		{"an intake read by a coordinator who did not take the case on is flagged",
			[]Entry{read(3, 10, at("09:00"), "intake:coordinator"), read(3, 11, at("09:10"), "intake:prep_group")}, []string{"intake 3 2 2"}},
		{"a consent read by a member of the case's group is not flagged",
			[]Entry{read(2, 10, at("10:00"), "consent:5"), read(2, 10, at("10:05"), "consent:5")}, nil},
		{"a consent read by staff on the case is not flagged",
			[]Entry{read(1, 10, at("10:00"), "consent:5")}, nil},
		{"a consent read by a covered user with no role in the case is flagged",
			[]Entry{read(3, 10, at("10:00"), "consent:5"), read(3, 11, at("10:10"), "consent:6"), read(3, 11, at("10:20"), "consent:6")},
			[]string{"no_group_role 3 3 2"}},
		{"a note written on a consent ground without a role in the case is flagged too",
			[]Entry{{UserID: 3, At: at("10:00"), Action: ActionCreate, Object: "note", YouthID: 10, Ground: "consent:5", Allowed: true}},
			[]string{"no_group_role 3 1 1"}},
		{"a member of another case's group has no role in this one",
			[]Entry{read(2, 11, at("10:00"), "consent:6")}, []string{"no_group_role 2 1 1"}},
		{"a member who left the group is flagged for reading after leaving, not before",
			[]Entry{read(7, 11, at("11:00"), "consent:6"), read(7, 11, at("13:00"), "consent:6")}, []string{"no_group_role 7 1 1"}},
		{"a consent the review cannot place in a case is flagged",
			[]Entry{read(2, 10, at("10:00"), "consent:7")}, []string{"no_group_role 2 1 1"}},
		{"intake reads and refusals are not counted as reads without a group role",
			[]Entry{read(3, 12, at("10:00"), "intake:coordinator"), denied(3, 12, at("10:05")), read(3, 10, at("10:10"), "consent:5")},
			[]string{"denied 3 1 1", "intake 3 1 1", "no_group_role 3 1 1"}},
		{"a refused consent category is a refusal, not a read without a group role",
			[]Entry{func() Entry { e := read(3, 10, at("10:00"), "denied:consent_category"); e.Allowed = false; return e }()},
			[]string{"denied 3 1 1"}},
		{"lists are not reads of one case",
			[]Entry{{UserID: 3, At: at("10:00"), Action: ActionList, Object: "case", Ground: "consent:5", Detail: "youths:10", Allowed: true}}, nil},
		{"twenty young people in an hour is not flagged",
			burst(4, 1000, 20, at("09:00")), nil},
		{"twenty-one young people in an hour is flagged once",
			burst(4, 1000, 21, at("09:00")), []string{"many_youths 4 21 21"}},
		{"twenty-one young people spread over more than an hour is not flagged",
			append(burst(4, 1000, 11, at("08:00")), burst(4, 2000, 10, at("09:00"))...), nil},
		{"two bursts an hour apart are two findings",
			append(burst(4, 1000, 21, at("09:00")), burst(4, 2000, 21, at("11:00"))...), []string{"many_youths 4 21 21", "many_youths 4 21 21"}},
		{"a burst at the end of the window that slides on stays one finding",
			burst(4, 1000, 30, at("09:00")), []string{"many_youths 4 30 30"}},
		{"reading the same young person many times is not many young people",
			func() []Entry {
				var es []Entry
				for i := range 50 {
					es = append(es, read(1, 10, at("09:00").Add(time.Duration(i)*time.Minute), "staff:coordinator"))
				}
				return es
			}(), nil},
		{"lists do not count as reading many young people",
			[]Entry{{UserID: 1, At: at("09:00"), Action: ActionList, Object: "case", Detail: "youths:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22", Allowed: true}}, nil},
		{"a read at 23:30 is flagged",
			[]Entry{read(1, 10, at("23:30"), "staff:coordinator")}, []string{"odd_hours 1 1 1"}},
		{"a read at 05:59 is flagged, at 06:00 it is not",
			[]Entry{read(1, 10, at("05:59"), "staff:coordinator"), read(1, 10, at("06:00"), "staff:coordinator")}, []string{"odd_hours 1 1 1"}},
		{"a read at 21:59 is not flagged, at 22:00 it is",
			[]Entry{read(1, 10, at("21:59"), "staff:coordinator"), read(1, 11, at("22:00"), "staff:coordinator")}, []string{"odd_hours 1 1 1"}},
		{"a list at the weekend is flagged with the young people it showed",
			[]Entry{{UserID: 1, Username: "user1", At: at("10:00").AddDate(0, 0, 4), Action: ActionList, Detail: "youths:1,2,3", Allowed: true}},
			[]string{"odd_hours 1 1 3"}},
		{"odd hours are grouped per day",
			[]Entry{read(1, 10, at("23:00"), "staff:coordinator"), read(1, 10, at("23:30"), "staff:coordinator"), read(1, 10, at("23:00").AddDate(0, 0, 1), "staff:coordinator")},
			[]string{"odd_hours 1 2 1", "odd_hours 1 1 1"}},
		{"a denied attempt at night is flagged as denied, not as odd hours",
			[]Entry{denied(2, 11, at("02:00"))}, []string{"denied 2 1 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.entries {
				tt.entries[i].Seq = int64(i)
				if tt.entries[i].Username == "" {
					tt.entries[i].Username = fmt.Sprintf("user%d", tt.entries[i].UserID)
				}
			}
			var got []string
			in := ReviewInput{Entries: tt.entries, Staff: reviewStaff, ConsentCase: reviewConsentCase, GroupRole: reviewGroupRole, Location: stockholm}
			for _, f := range Review(in) {
				got = append(got, fmt.Sprintf("%s %d %d %d", f.Kind, f.UserID, f.Entries, f.Youths))
				if len(f.Seqs) != f.Entries || f.To.Before(f.From) {
					t.Errorf("finding %+v: seqs and period must match its entries", f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Summer time: 22:30 in July is 20:30 UTC; the review judges the local hour.
func TestOddHoursUseSwedishTimeAllYear(t *testing.T) {
	summer := time.Date(2026, 7, 7, 20, 30, 0, 0, time.UTC) // Tuesday 22:30 CEST
	winter := time.Date(2026, 1, 6, 20, 30, 0, 0, time.UTC) // Tuesday 21:30 CET
	if !OddHour(summer, stockholm) || OddHour(winter, stockholm) {
		t.Fatalf("summer %v winter %v", OddHour(summer, stockholm), OddHour(winter, stockholm))
	}
}

// Without the store's view of the cases, no consent read can be placed in a group: every one is
// flagged rather than none.
func TestReviewWithoutGroupsFlagsConsentReads(t *testing.T) {
	es := []Entry{read(2, 10, at("10:00"), "consent:5")}
	for _, in := range []ReviewInput{
		{Entries: es, Location: stockholm},
		{Entries: es, ConsentCase: reviewConsentCase, Location: stockholm},
		{Entries: es, GroupRole: reviewGroupRole, Location: stockholm},
	} {
		got := Review(in)
		if len(got) != 1 || got[0].Kind != FindingNoGroupRole {
			t.Errorf("%+v", got)
		}
	}
}
