package web_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestPlanSSPFNetworkMeeting (issue 14:1): an SSPF case's meeting form offers SSPF's kinds
// (mapping conversation, network meeting, follow-up; the network meeting chosen), not SIG's
// group meeting; a network meeting planned is shown as one on its page and in the list, and
// the calendar entry's summary is the kind and the case reference only; a group meeting posted
// anyway is refused in Swedish at the field and nothing is saved. On the settings page, a
// track with no kind ticked is refused naming the field.
func TestPlanSSPFNetworkMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Now().UTC().Truncate(time.Second))
		srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
		st := srv.App.Store
		f := groupsFixture(t, st, map[string]int64{})
		rc, err := st.RegisterConcern(f.Ctx(t, st, casework.RoleCoordinator), store.ConcernInput{Program: casework.ProgramSSPF,
			Youth:   casework.YouthInput{FirstName: groupsFirst, LastName: groupsLast, PersonalNumber: groupsPnr},
			Ratings: storetest.IRKRatings(3)})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		coord, admin := srv.Login(t, "samordnare"), srv.Login(t, "admin")
		base := "/cases/" + strconv.FormatInt(rc.CaseID, 10)

		code, page := srv.Get(t, coord, base+"/meetings")
		if code != http.StatusOK {
			t.Fatalf("meetings page: %d", code)
		}
		for _, want := range []string{`<option value="mapping_conversation">Kartläggningssamtal</option>`,
			`<option value="network_meeting" selected>Nätverksmöte</option>`, `<option value="follow_up">Uppföljningsmöte</option>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the form lacks %s", want)
			}
		}
		if strings.Contains(page, `value="group_meeting"`) {
			t.Error("SIG's group meeting offered in an SSPF case")
		}
		day := clock.Now().In(casework.Stockholm).AddDate(0, 0, 7).Format("2006-01-02")
		form := url.Values{"start": {"other"}, "date": {day}, "time": {"15:00"}, "duration": {"90"}, "place": {"Familjehuset"}}
		form.Set("kind", "group_meeting")
		res, body := srv.PostForm(t, coord, base+"/meetings", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "Välj en typ av möte som kommunen erbjuder för ärendets arbetsform.") ||
			!strings.Contains(body, `id="e-kind"`) {
			t.Fatalf("a group meeting in an SSPF case: %d\n%s", res.StatusCode, body)
		}
		if ml, _ := st.Meetings(f.Ctx(t, st, casework.RoleCoordinator), rc.CaseID); len(ml.Meetings) != 0 {
			t.Fatalf("the refused meeting was saved: %+v", ml.Meetings)
		}
		form.Set("kind", "network_meeting")
		res, body = srv.PostForm(t, coord, base+"/meetings", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("plan a network meeting: %d\n%s", res.StatusCode, body)
		}
		meeting := res.Header.Get("Location")
		if _, page := srv.Get(t, coord, meeting); !strings.Contains(page, "<dt>Typ av möte</dt><dd>Nätverksmöte</dd>") {
			t.Errorf("the meeting page does not name the kind:\n%s", page)
		}
		if _, page := srv.Get(t, coord, base+"/meetings"); !strings.Contains(page, `data-label="Typ av möte">Nätverksmöte</td>`) {
			t.Error("the list does not name the kind")
		}
		ics, err := coord.Get(srv.URL + meeting + ".ics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(ics.Body)
		ics.Body.Close()
		want := "SUMMARY:Nätverksmöte (ärende " + casework.CaseReference(rc.CaseID) + ")"
		if !strings.Contains(string(raw), want) || strings.Contains(string(raw), groupsLast) {
			t.Errorf("calendar file: want %q and no name\n%s", want, raw)
		}

		_, page = srv.Get(t, admin, "/admin/settings")
		for _, want := range []string{`name="sspf_meeting_kinds" value="network_meeting" checked`, `name="sig_meeting_kinds" value="group_meeting" id="f-sig_meeting_kinds" checked`,
			`name="sig_meeting_kinds" value="network_meeting">`} {
			if !strings.Contains(page, want) {
				t.Errorf("the settings page lacks %s", want)
			}
		}
		post := settingsPost(nil)
		post.Set("meeting_kinds_shown", "1")
		post["sig_meeting_kinds"] = []string{"group_meeting"}
		res, body = srv.PostForm(t, admin, "/admin/settings", post)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Välj minst en typ av möte.") || !strings.Contains(body, `id="e-sspf_meeting_kinds"`) {
			t.Fatalf("no SSPF kind ticked: %d\n%s", res.StatusCode, body)
		}
		post["sspf_meeting_kinds"] = []string{"network_meeting"}
		if res, body := srv.PostForm(t, admin, "/admin/settings", post); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, body)
		}
		if _, page := srv.Get(t, coord, base+"/meetings"); strings.Contains(page, `value="mapping_conversation"`) || !strings.Contains(page, `value="network_meeting"`) {
			t.Error("the form does not follow the settings")
		}
	})
}
