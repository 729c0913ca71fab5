package api_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store/storetest"
)

func TestEveryRouteButThePublicOnesNeedsAToken(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	a, err := api.New(srv.App.Store, srv.App.Auth, srv.App.Catalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	params := strings.NewReplacer("{id}", "1", "{uid}", "1", "{pid}", "1", "{cid}", "1", "{mid}", "1", "{tid}", "1", "{plid}", "1", "{at}", "intake", "{code}", "placement.hvb", "{year}", "2024", "{day}", "2026-03-10")
	n := 0
	for _, rt := range a.Routes() {
		if rt.Public {
			continue
		}
		n++
		path := params.Replace(rt.Path)
		if strings.Contains(path, "{") {
			t.Fatalf("%s: a path parameter this test does not fill", rt.Path)
		}
		body := ""
		if rt.Request != nil {
			body = "{}"
		}
		res, b := call(t, srv, rt.Method, path, "", body)
		if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" || !strings.Contains(string(b), `"code":"unauthorized"`) {
			t.Errorf("%s %s without a token: %d %s", rt.Method, rt.Path, res.StatusCode, b)
		}
	}
	if n < 30 {
		t.Fatalf("only %d routes need a token", n)
	}
}

func TestBadBodiesGetPreciseProblemsAndChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		coord := clientFor(t, srv, "samordnare")
		var rc api.ConcernReceipt
		coord.want(201, "POST", "/api/v1/concerns", api.ConcernRequest{Youth: api.YouthInput{FirstName: "Bo", LastName: "Felsson", BirthDate: "2011-01-01"},
			Ratings: irkRatings(1)}, &rc)
		// Taken on, so the coordinator works on it (before that only the register and the
		// preparatory decision are theirs to change).
		coord.move(rc.CaseID, api.MoveRequest{Action: "prep_take_on"})

		irk := irkRatings(0)
		tests := []struct {
			name, method, path, body string
			key                      string
			fields                   []string // the fields the problem names, in order
		}{
			{"a syntax error", "POST", "/api/v1/concerns", `{"youth": {"first_name": "Bo",`, "api.body_syntax", nil},
			{"trailing data", "POST", "/api/v1/concerns", `{} {}`, "api.body_syntax", nil},
			{"an unknown field", "POST", "/api/v1/concerns", `{"youth": {}, "colour": "red"}`, "api.body_unknown_field", []string{"colour"}},
			{"a wrong type", "POST", "/api/v1/concerns", `{"youth": {"first_name": 5}}`, "api.body_type", []string{"youth.first_name"}},
			{"an empty body", "POST", "/api/v1/concerns", ``, "api.body_empty", nil},
			{"a missing name and rating", "POST", "/api/v1/concerns",
				`{"youth": {"first_name": " ", "last_name": "Felsson", "birth_date": "2011-01-01"}, "ratings": [{"item": "` + irk[0].Item + `", "value": "no"}]}`,
				"error.invalid", nil},
			{"a bad personnummer", "POST", "/api/v1/concerns",
				`{"youth": {"first_name": "Bo", "last_name": "Felsson", "personal_number": "201101011234"}, "ratings": []}`, "error.invalid", nil},
			{"a plan of the wrong type", "PUT", casePath(rc.CaseID, "/plan"), `{"own_goal": ["x"]}`, "api.body_type", []string{"own_goal"}},
			{"a plan with an incomplete sub-goal", "PUT", casePath(rc.CaseID, "/plan"), `{"own_goal": "Mål", "sub_goals": [{"text": "Skola"}]}`,
				"error.invalid", []string{"sub_goal_1_criterion", "sub_goal_1_responsible", "sub_goal_1_due"}},
			{"a move of the wrong type", "POST", casePath(rc.CaseID, "/moves"), `{"action": 1}`, "api.body_type", []string{"action"}},
			{"a consent with an unknown field", "POST", casePath(rc.CaseID, "/consents"), `{"valid_from": "2026-01-01", "agencies": [1]}`,
				"api.body_unknown_field", []string{"agencies"}},
			{"a consent with a bad date", "POST", casePath(rc.CaseID, "/consents"), `{"valid_from": "1 maj", "categories": [], "language": "sv"}`,
				"api.date_invalid", []string{"valid_from"}},
			{"a consent with a bad end date", "POST", casePath(rc.CaseID, "/consents"), `{"valid_from": "2026-01-01", "valid_until": "juni", "categories": [], "language": "sv"}`,
				"api.date_invalid", []string{"valid_until"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := coord
				c.t = t
				p := c.problem(422, "invalid", tt.key, tt.method, tt.path, tt.body)
				if len(p.Errors) == 0 {
					t.Fatalf("no field errors: %+v", p)
				}
				var fields []string
				for _, f := range p.Errors {
					if f.Key == "" || f.Message == "" {
						t.Errorf("field error without key or message: %+v", f)
					}
					fields = append(fields, f.Field)
				}
				if tt.fields != nil && !slices.Equal(fields, tt.fields) {
					t.Errorf("fields %q, want %q", fields, tt.fields)
				}
			})
		}
		t.Run("the concern's field errors name the body's fields", func(t *testing.T) {
			var p api.Problem
			coord.want(422, "POST", "/api/v1/concerns", `{"youth": {"first_name": "", "last_name": ""}, "ratings": []}`, &p)
			var fields []string
			for _, f := range p.Errors {
				fields = append(fields, f.Field)
			}
			got := strings.Join(fields, ",")
			for _, want := range []string{"youth.first_name", "youth.last_name", "youth.personal_number", "ratings." + irk[0].Item} {
				if !strings.Contains(got, want) {
					t.Errorf("fields %s lack %s", got, want)
				}
			}
		})
		t.Run("a body that is not JSON is refused", func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/concerns", strings.NewReader("first_name=Bo"))
			req.Header.Set("Authorization", "Bearer "+coord.tok)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 422 {
				t.Fatalf("%d", res.StatusCode)
			}
		})

		// Nothing was saved: still one concern, no plan, the case where it was.
		var mine api.ConcernList
		coord.want(200, "GET", "/api/v1/concerns", nil, &mine)
		if len(mine.Items) != 1 {
			t.Fatalf("concerns %+v", mine)
		}
		var plan api.PlanDocument
		coord.want(200, "GET", casePath(rc.CaseID, "/plan"), nil, &plan)
		if plan.Version != 0 || len(plan.Versions) != 0 {
			t.Fatalf("plan %+v", plan)
		}
		var cd api.CaseDetail
		coord.want(200, "GET", casePath(rc.CaseID, ""), nil, &cd)
		if cd.Step != "assessment" || cd.Consent.Count != 0 {
			t.Fatalf("case %+v", cd)
		}
		var cl api.CaseList
		coord.want(200, "GET", "/api/v1/cases?q=felsson", nil, &cl)
		if cl.Total != 1 {
			t.Fatalf("cases named Felsson: %+v", cl)
		}
	})
}

func TestQueryParametersAreChecked(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	coord := clientFor(t, srv, "samordnare")
	for _, q := range []string{"mine=yes", "step=nowhere", "limit=0", "limit=x", "offset=-1", "deadlines=2", "program=ssp"} {
		name, _, _ := strings.Cut(q, "=")
		p := coord.problem(422, "invalid", map[string]string{"mine": "api.query_bool", "step": "api.step_unknown", "limit": "api.query_number",
			"offset": "api.query_number", "deadlines": "api.query_bool", "program": "concern.program_invalid"}[name], "GET", "/api/v1/cases?"+q, nil)
		if len(p.Errors) != 1 || p.Errors[0].Field != name {
			t.Errorf("%s: %+v", q, p)
		}
	}
	p := coord.problem(422, "invalid", "error.invalid", "GET", "/api/v1/cases?mine=no&waiting=nej", nil)
	if len(p.Errors) != 2 {
		t.Errorf("two bad parameters: %+v", p)
	}
	coord.want(200, "GET", "/api/v1/cases?waiting=true&limit=5&offset=0", nil, nil)
	coord.want(200, "GET", "/api/v1/cases?deadlines=1", nil, nil)
	coord.want(200, "GET", "/api/v1/cases?program=sspf", nil, nil)
	coord.problem(422, "invalid", "api.role_unknown", "GET", "/api/v1/colleagues?role=king", nil)
}

func TestOtherMunicipalitiesAndBadIdsAreNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		otherMunicipality(t, srv, "9901", "annan_samordnare")
		coord := clientFor(t, srv, "samordnare")
		other := clientFor(t, srv, "annan_samordnare")
		var rc api.ConcernReceipt
		coord.want(201, "POST", "/api/v1/concerns", api.ConcernRequest{Youth: api.YouthInput{FirstName: "Ida", LastName: "Grannkommun", BirthDate: "2011-03-03"},
			Ratings: irkRatings(1)}, &rc)
		// A coordinator of another municipality sees new cases of their own only: this one is,
		// for them, exactly like a case that does not exist.
		_, unknown := other.do("GET", casePath(1, ""), nil)
		cardID, err := srv.App.Store.CardIDOfCase(context.Background(), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct{ method, path, body string }{
			{"GET", casePath(rc.CaseID, ""), ""},
			{"GET", casePath(rc.CaseID, "/timeline"), ""},
			{"GET", fmt.Sprintf("/api/v1/cards/%d", cardID), ""},
			{"POST", casePath(rc.CaseID, "/moves"), `{"action": "prep_take_on"}`},
			{"PUT", casePath(rc.CaseID, "/youth"), `{"first_name": "X", "last_name": "Y", "birth_date": "2011-03-03"}`},
			{"POST", casePath(rc.CaseID, "/notes"), `{"category": "basic", "text": "Hej"}`},
			{"GET", casePath(rc.CaseID, "/group"), ""},
			{"GET", casePath(rc.CaseID, "/meetings"), ""},
			{"GET", casePath(rc.CaseID, "/indicators"), ""},
			{"POST", casePath(rc.CaseID, "/group/members"), `{"kind": "youth"}`},
		} {
			status, b := other.do(r.method, r.path, r.body)
			if status != 404 || string(b) != string(unknown) {
				t.Errorf("%s %s from another municipality: %d %s, want the unknown case's %s", r.method, r.path, status, b, unknown)
			}
		}
		var cl api.CaseList
		other.want(200, "GET", "/api/v1/cases?q=grannkommun", nil, &cl)
		if cl.Total != 0 {
			t.Fatalf("another municipality lists %+v", cl)
		}
		// The case is untouched.
		var cd api.CaseDetail
		coord.want(200, "GET", casePath(rc.CaseID, ""), nil, &cd)
		if cd.Step != "identified" || len(cd.Staff) != 0 || cd.Youth.LastName != "Grannkommun" {
			t.Fatalf("case %+v", cd)
		}

		// Malformed and unknown ids inside a case the coordinator works on are 404 too.
		coord.move(rc.CaseID, api.MoveRequest{Action: "prep_take_on"})
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/v1/cases/abc", ""},
			{"GET", "/api/v1/cases/0", ""},
			{"GET", "/api/v1/cases/-5", ""},
			{"GET", "/api/v1/cases/1e3", ""},
			{"GET", "/api/v1/cases/99999999999999999999999", ""},
			{"GET", "/api/v1/cards/x", ""},
			{"GET", "/api/v1/cases/x/timeline", ""},
			{"PUT", casePath(rc.CaseID, "/persons/x"), `{"kind": "guardian", "name": "A"}`},
			{"DELETE", casePath(rc.CaseID, "/staff/x"), ""},
			{"POST", casePath(rc.CaseID, "/consents/x/signatures"), `{"signer_id": 1, "how": "paper"}`},
			{"POST", casePath(rc.CaseID, "/consents/1/withdrawal"), `{"by": "A", "how": "phone"}`},
			{"GET", "/api/v1/cases/x/group", ""},
			{"DELETE", casePath(rc.CaseID, "/group/members/x"), ""},
			{"DELETE", casePath(rc.CaseID, "/group/members/1"), ""},
			{"GET", casePath(rc.CaseID, "/meetings/x"), ""},
			{"GET", casePath(rc.CaseID, "/meetings/1"), ""},
			{"GET", casePath(rc.CaseID, "/meetings/1/calendar"), ""},
			{"POST", casePath(rc.CaseID, "/meetings/1/held"), `{"present": []}`},
			{"POST", "/api/v1/tasks/x/done", ""},
			{"POST", "/api/v1/tasks/1/done", ""},
			{"PUT", casePath(rc.CaseID, "/indicators/later"), `{"date": "2026-01-01"}`},
			{"GET", casePath(rc.CaseID, "/consents/1/evidence"), ""},
		} {
			c := coord
			c.problem(404, "not_found", "error.not_found", r.method, r.path, r.body)
		}
	})
}

// otherMunicipality creates a second municipality with social services and one coordinator.
func otherMunicipality(t *testing.T, srv *apptest.Server, code, username string) {
	t.Helper()
	ctx := context.Background()
	st := srv.App.Store
	m := casework.Municipality{Code: code, Name: "Grannkommunen"}
	if err := st.CreateMunicipality(ctx, &m); err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "test"))
	ag := casework.Agency{Name: "Socialtjänsten Grannkommunen", Kind: casework.AgencySocial}
	if err := st.CreateAgency(sys, &ag); err != nil {
		t.Fatal(err)
	}
	hash, err := srv.App.Hasher.Hash("grannkommunens-lösenord")
	if err != nil {
		t.Fatal(err)
	}
	u := casework.User{Username: username, Name: "Grann Samordnare", AgencyID: ag.ID, Roles: casework.NewRoleSet(casework.RoleCoordinator)}
	if err := st.CreateUser(sys, &u, hash); err != nil {
		t.Fatal(err)
	}
}

// The enum tags of the request and response types are string literals (struct tags must be);
// they must list exactly the domain's values.
func TestEnumTagsFollowTheDomain(t *testing.T) {
	enum := func(v any, field string) []string {
		f, ok := reflect.TypeOf(v).FieldByName(field)
		if !ok {
			t.Fatalf("%T has no field %s", v, field)
		}
		return strings.Split(f.Tag.Get("enum"), ",")
	}
	strs := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	steps := strs(len(casework.Steps), func(i int) string { return string(casework.Steps[i]) })
	categories := strs(len(casework.ConsentCategories), func(i int) string { return string(casework.ConsentCategories[i]) })
	meetingStatuses := []string{string(casework.MeetingPlanned), string(casework.MeetingHeld), string(casework.MeetingCancelled)}
	tests := []struct {
		name      string
		got, want []string
	}{
		{"move actions", enum(api.MoveRequest{}, "Action"), strs(len(casework.Actions), func(i int) string { return string(casework.Actions[i]) })},
		{"closure reasons to choose", enum(api.MoveRequest{}, "ClosureReason"), strs(len(casework.ClosureReasons), func(i int) string { return string(casework.ClosureReasons[i]) })},
		{"steps in lists", enum(api.CaseSummary{}, "Step"), steps},
		{"steps in the detail", enum(api.CaseDetail{}, "Step"), steps},
		{"steps in counts", enum(api.StepCount{}, "Step"), steps},
		{"steps after a move", enum(api.MoveResult{}, "Step"), steps},
		{"steps of my groups", enum(api.GroupSummary{}, "Step"), steps},
		{"note categories", enum(api.NoteRequest{}, "Category"), strs(len(casework.ConsentCategories), func(i int) string { return string(casework.ConsentCategories[i]) })},
		{"agency kinds", enum(api.Agency{}, "Kind"), strs(len(casework.AgencyKinds), func(i int) string { return string(casework.AgencyKinds[i]) })},
		{"genders", enum(api.Youth{}, "Gender"), strs(len(casework.Genders), func(i int) string { return string(casework.Genders[i]) })},
		{"relation kinds", enum(api.PersonInput{}, "Kind"), strs(len(casework.RelationKinds), func(i int) string { return string(casework.RelationKinds[i]) })},
		{"risk levels", enum(api.AssessmentInput{}, "RiskLevel"), strs(len(casework.RiskLevels), func(i int) string { return string(casework.RiskLevels[i]) })},
		{"time points", enum(api.AssessmentInput{}, "TimePoint"), strs(len(casework.TimePoints), func(i int) string { return string(casework.TimePoints[i]) })},
		{"withdrawal modes", enum(api.WithdrawalRequest{}, "How"), strs(len(casework.WithdrawalModes), func(i int) string { return string(casework.WithdrawalModes[i]) })},
		{"consent languages", enum(api.ConsentRequest{}, "Language"), casework.ConsentLanguages},
		{"member kinds", enum(api.MemberRequest{}, "Kind"), strs(len(casework.MemberKinds), func(i int) string { return string(casework.MemberKinds[i]) })},
		{"member kinds in the group", enum(api.GroupMember{}, "Kind"), strs(len(casework.MemberKinds), func(i int) string { return string(casework.MemberKinds[i]) })},
		{"member kinds at a meeting", enum(api.Attendee{}, "Kind"), strs(len(casework.MemberKinds), func(i int) string { return string(casework.MemberKinds[i]) })},
		{"meeting statuses", enum(api.Meeting{}, "Status"), meetingStatuses},
		{"my meetings' statuses", enum(api.MyMeeting{}, "Status"), meetingStatuses},
		{"minutes categories", enum(api.HeldRequest{}, "MinutesCategory"), categories},
		{"task statuses", enum(api.Task{}, "Status"), []string{string(casework.TaskOpen), string(casework.TaskDone)}},
		{"method kinds", enum(api.Method{}, "Kind"), strs(len(casework.MethodKinds), func(i int) string { return string(casework.MethodKinds[i]) })},
		{"evidence levels", enum(api.Method{}, "Evidence"), strs(len(casework.EvidenceLevels), func(i int) string { return string(casework.EvidenceLevels[i]) })},
		{"indicator time points", enum(api.IndicatorPoint{}, "TimePoint"), stats.TimePoints},
		{"indicator categories", enum(api.IndicatorValue{}, "Category"), categories},
		{"cost categories", enum(api.UnitCost{}, "Category"), strs(len(economics.Categories), func(i int) string { return string(economics.Categories[i]) })},
		{"cost units", enum(api.UnitCost{}, "Unit"), strs(len(economics.Units), func(i int) string { return string(economics.Units[i]) })},
		{"cost tags", enum(api.UnitCost{}, "Tag"), strs(len(economics.Tags), func(i int) string { return string(economics.Tags[i]) })},
		{"cost tags to set", enum(api.UnitCostRequest{}, "Tag"), strs(len(economics.Tags), func(i int) string { return string(economics.Tags[i]) })},
		{"perspectives", enum(api.PerspectiveValue{}, "Perspective"), strs(len(economics.Perspectives), func(i int) string { return string(economics.Perspectives[i]) })},
		{"follow-up points of the report", enum(api.Assumptions{}, "After"), append([]string{""}, economics.AfterPoints[2], economics.AfterPoints[1], economics.AfterPoints[0])},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: tag %q, domain %q", tt.name, tt.got, tt.want)
		}
	}
}
