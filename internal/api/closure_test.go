package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// problemFields lists the fields a problem names, in order.
func problemFields(p api.Problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

// The preparatory group through the API with a fixed clock: a concern raised on Monday is on
// the agenda of Tuesday's 09:00 meeting (the default schedule) one day after; a bad schedule
// names each field; a decision minuted with an Idempotency-Key is done once and replayed; a
// second decision on the same concern is a conflict; those outside the group are refused.
func TestPrepGroupThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		monday := time.Date(2026, 3, 9, 10, 0, 0, 0, casework.Stockholm)
		clock := storetest.NewClock(monday.UTC())
		srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
		coord, prep, school := clientFor(t, srv, "samordnare"), clientFor(t, srv, "beredning"), clientFor(t, srv, "skola")
		var rc api.ConcernReceipt
		coord.want(201, "POST", "/api/v1/concerns", api.ConcernRequest{Youth: api.YouthInput{FirstName: "Bea", LastName: "Beredning", BirthDate: "2012-02-02"},
			Ratings: irkRatings(2)}, &rc)
		clock.Set(monday.AddDate(0, 0, 1).UTC()) // Tuesday 10:00: the 09:00 meeting has begun

		var ml api.PrepMeetingList
		prep.want(200, "GET", "/api/v1/prepgroup/meetings", nil, &ml)
		if ml.Schedule != (api.PrepSchedule{Weekday: "tuesday", Start: "09:00", EveryWeeks: 1, From: "2026-01-06"}) {
			t.Errorf("schedule %+v", ml.Schedule)
		}
		i := slices.IndexFunc(ml.Meetings, func(m api.PrepMeetingRef) bool { return m.Day == "2026-03-10" })
		if i < 0 || !ml.Meetings[i].Begun || ml.Meetings[i].Decided != 0 || i+1 >= len(ml.Meetings) || ml.Meetings[i+1].Begun {
			t.Fatalf("meetings %+v", ml.Meetings)
		}
		p := prep.problem(422, "invalid", "error.invalid", "PUT", "/api/v1/prepgroup/schedule", `{"weekday": "someday", "start": "25:00", "every_weeks": 0, "from": "x"}`)
		if got := problemFields(p); !slices.Equal(got, []string{"weekday", "start", "every_weeks", "from"}) {
			t.Errorf("schedule problem names %q", got)
		}
		prep.problem(422, "invalid", "api.body_unknown_field", "PUT", "/api/v1/prepgroup/schedule", `{"weekdays": "monday"}`)

		path := "/api/v1/prepgroup/meetings/2026-03-10"
		var m api.PrepMeeting
		prep.want(200, "GET", path, nil, &m)
		if !m.Begun || m.TargetDays != 7 || len(m.Items) != 1 || m.Items[0].CaseID != rc.CaseID || m.Items[0].Days != 1 || m.Items[0].Late || m.Items[0].Decision != "" {
			t.Fatalf("meeting %+v", m)
		}
		prep.problem(404, "not_found", "error.not_found", "GET", "/api/v1/prepgroup/meetings/2026-03-11", nil) // a Wednesday
		prep.problem(404, "not_found", "error.not_found", "GET", "/api/v1/prepgroup/meetings/tisdag", nil)

		// Bad decisions name their field; a "not now" needs its reason; nothing is minuted.
		p = prep.problem(422, "invalid", "error.invalid", "POST", path+"/decisions", `{"case_id": 0, "decision": "maybe"}`)
		if got := problemFields(p); !slices.Equal(got, []string{"case_id", "decision"}) {
			t.Errorf("decision problem names %q", got)
		}
		p = prep.problem(422, "invalid", "prepgroup.not_on_agenda", "POST", path+"/decisions", api.PrepDecisionRequest{CaseID: 4503599627370497, Decision: "prep_take_on"})
		if got := problemFields(p); !slices.Equal(got, []string{"case_id"}) {
			t.Errorf("unknown concern names %q", got)
		}
		st, b := prep.do("POST", path+"/decisions", api.PrepDecisionRequest{CaseID: rc.CaseID, Decision: "prep_not_now"})
		if st != 422 {
			t.Fatalf("not now without a reason: %d %s", st, b)
		}
		prep.problem(404, "not_found", "error.not_found", "POST", "/api/v1/prepgroup/meetings/2026-03-11/decisions", api.PrepDecisionRequest{CaseID: rc.CaseID, Decision: "prep_take_on"})

		body := `{"case_id": ` + strconv.FormatInt(rc.CaseID, 10) + `, "decision": "prep_not_now", "reason": "Familjen har stöd via BUP"}`
		tok := tokenFor(t, srv, "beredning")
		res, b := callKey(t, srv, "POST", path+"/decisions", tok, "beslut-1", body)
		if res.StatusCode != 201 {
			t.Fatalf("decision: %d %s", res.StatusCode, b)
		}
		res, b2 := callKey(t, srv, "POST", path+"/decisions", tok, "beslut-1", body)
		if res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != "true" || string(b2) != string(b) {
			t.Fatalf("replay: %d %q %s", res.StatusCode, res.Header.Get("Idempotent-Replayed"), b2)
		}
		prep.problem(409, "conflict", "flow.case_closed", "POST", path+"/decisions", body)
		prep.want(200, "GET", path, nil, &m)
		if len(m.Items) != 1 || m.Items[0].Decision != "prep_not_now" {
			t.Fatalf("after the decision %+v", m)
		}
		prep.want(200, "GET", "/api/v1/prepgroup/meetings", nil, &ml)
		if i := slices.IndexFunc(ml.Meetings, func(m api.PrepMeetingRef) bool { return m.Day == "2026-03-10" }); i < 0 || ml.Meetings[i].Decided != 1 {
			t.Errorf("meetings after the decision %+v", ml.Meetings)
		}

		var sched api.PrepSchedule
		prep.want(200, "PUT", "/api/v1/prepgroup/schedule", api.PrepSchedule{Weekday: "thursday", Start: "13:30", EveryWeeks: 5, From: "2026-03-12"}, &sched)
		prep.want(200, "GET", "/api/v1/prepgroup/meetings", nil, &ml)
		if ml.Schedule != sched || sched.Weekday != "thursday" {
			t.Errorf("schedule after setting %+v, %+v", sched, ml.Schedule)
		}

		// Outside the group: refused, whatever the day.
		for _, rq := range []struct{ method, path, body string }{
			{"GET", "/api/v1/prepgroup/meetings", ""}, {"GET", path, ""},
			{"PUT", "/api/v1/prepgroup/schedule", `{"weekday": "monday", "start": "09:00", "every_weeks": 1, "from": "2026-03-16"}`},
			{"POST", path + "/decisions", body},
		} {
			if st, b := school.do(rq.method, rq.path, rq.body); st != http.StatusForbidden {
				t.Errorf("the school %s %s: %d %s", rq.method, rq.path, st, b)
			}
		}
	})
}

// Closure through the API: the future meeting naming who carries on (a bad one names the
// body's fields), the 6- and 12-month follow-ups of a case closed after it started, the watch
// set, listed, refused on an open case and ended; the school, not a party, sees none of it.
func TestClosureThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		coord, school := clientFor(t, srv, "samordnare"), clientFor(t, srv, "skola")
		fc := toConsentStep(t, coord, "Avslutsson")
		path := casePath(fc.ID, "/closure")
		today := time.Now().In(casework.Stockholm).Format(casework.DateLayout)

		coord.problem(409, "conflict", "watch.case_open", "POST", path+"/watch", api.WatchInput{Reason: "Syskon i riskmiljö", Until: today})
		if got := coord.move(fc.ID, api.MoveRequest{Action: "close", ClosureReason: "moved"}); got != "closed" {
			t.Fatalf("closed to %s", got)
		}
		var c api.Closure
		coord.want(200, "GET", path, nil, &c)
		if !c.Closed || c.ClosureReason != "moved" || c.Expects || c.FutureMeeting != nil || len(c.Watches) != 0 || len(c.FollowUps) != 2 ||
			c.FollowUps[0].Kind != "6" || c.FollowUps[1].Kind != "12" || c.FollowUps[0].State != "pending" || !c.FollowUps[1].Due.After(c.FollowUps[0].Due) {
			t.Fatalf("closure %+v", c)
		}

		p := coord.problem(422, "invalid", "error.invalid", "PUT", path+"/future-meeting",
			`{"held_on": "2999-01-01", "handovers": [{"kind": "skola", "party": "Rinkebyskolan", "takes": "Mentorsamtal"}, {"kind": "x", "party": "", "takes": "Något"}]}`)
		if got := problemFields(p); !slices.Equal(got, []string{"held_on", "handovers[1].kind", "handovers[1].party"}) {
			t.Errorf("future meeting problem names %q", got)
		}
		coord.want(200, "GET", path, nil, &c)
		if c.FutureMeeting != nil {
			t.Fatalf("a refused future meeting was saved: %+v", c.FutureMeeting)
		}
		coord.want(204, "PUT", path+"/future-meeting", api.FutureMeetingInput{HeldOn: today, Note: "Alla på plats",
			Handovers: []api.HandoverItem{{Kind: "skola", Party: "Rinkebyskolan, mentor", Takes: "Veckosamtal"}, {Kind: "socialtjanst", Party: "Vuxenenheten", Takes: "Stöd efter 18"}}}, nil)

		p = coord.problem(422, "invalid", "watch.until_invalid", "POST", path+"/watch", api.WatchInput{Reason: "Syskon i riskmiljö", Until: "snart"})
		if got := problemFields(p); !slices.Equal(got, []string{"until"}) {
			t.Errorf("watch problem names %q", got)
		}
		var wt api.Watch
		coord.want(201, "POST", path+"/watch", api.WatchInput{Reason: "Syskon i riskmiljö", Until: today}, &wt)
		if !wt.Active || wt.Until != today || wt.CaseID != fc.ID || wt.SetBy != "Sara Lindqvist" {
			t.Fatalf("watch %+v", wt)
		}
		coord.want(200, "GET", path, nil, &c)
		if c.FutureMeeting == nil || len(c.FutureMeeting.Handovers) != 2 || c.FutureMeeting.Handovers[1].Kind != "socialtjanst" ||
			c.FutureMeeting.Note != "Alla på plats" || c.FutureMeeting.RecordedBy != "Sara Lindqvist" || len(c.Watches) != 1 || c.Watches[0].ID != wt.ID {
			t.Fatalf("closure after recording %+v", c)
		}
		var wl api.WatchList
		coord.want(200, "GET", "/api/v1/watchlist", nil, &wl)
		if wl.Total != 1 || len(wl.Items) != 1 || wl.Items[0].CaseID != fc.ID || wl.Items[0].Watch.Reason != "Syskon i riskmiljö" || wl.Items[0].Step != "closed" {
			t.Fatalf("watch list %+v", wl)
		}

		// The school is not a party: the closure is "not found", the watch list empty.
		school.problem(404, "not_found", "error.not_found", "GET", path, nil)
		school.problem(404, "not_found", "error.not_found", "POST", path+"/watch", api.WatchInput{Reason: "X", Until: today})
		school.want(200, "GET", "/api/v1/watchlist", nil, &wl)
		if wl.Total != 0 || len(wl.Items) != 0 {
			t.Fatalf("the school's watch list %+v", wl)
		}

		coord.want(204, "DELETE", path+"/watch", nil, nil)
		coord.problem(409, "conflict", "watch.none_active", "DELETE", path+"/watch", nil)
		coord.want(200, "GET", "/api/v1/watchlist", nil, &wl)
		if wl.Total != 0 {
			t.Fatalf("watch list after ending %+v", wl)
		}
	})
}
