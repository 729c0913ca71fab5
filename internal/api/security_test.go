package api_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// The security API: an assessment without a review date is a problem naming review_on and
// leaves nothing; a valid one is recorded; an exit pathway without its named contacts names
// both fields as the body does; the school never gets the case's security information.
func TestSecurityAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		coord := clientFor(t, srv, "samordnare")
		var rc api.ConcernReceipt
		coord.want(201, "POST", "/api/v1/concerns", api.ConcernRequest{Youth: api.YouthInput{FirstName: "Siri", LastName: "Skydd", BirthDate: "2011-01-01"},
			Ratings: irkRatings(1)}, &rc)
		coord.move(rc.CaseID, api.MoveRequest{Action: "prep_take_on"})
		path := casePath(rc.CaseID, "/security")

		p := coord.problem(422, "invalid", "security.review_required", "POST", path+"/assessments", `{"participant": "youth", "level": "high", "threats": "Hot"}`)
		if len(p.Errors) != 1 || p.Errors[0].Field != "review_on" || p.Errors[0].Key != "security.review_required" {
			t.Fatalf("problem %+v", p)
		}
		var sec api.Security
		coord.want(200, "GET", path, nil, &sec)
		if len(sec.Assessments) != 0 || sec.Exit != nil {
			t.Fatalf("a refused assessment left %+v", sec)
		}
		review := time.Now().In(casework.Stockholm).AddDate(0, 0, 30).Format(casework.DateLayout)
		var a api.SecurityAssessment
		coord.want(201, "POST", path+"/assessments", api.SecurityAssessmentInput{Participant: "witness", ParticipantName: "Grannen", Level: "elevated",
			Threats: "Hotad efter vittnesmål", ReviewOn: review}, &a)
		if a.ParticipantName != "Grannen" || a.Level != "elevated" || a.PreviousLevel != "" || !a.Current {
			t.Errorf("recorded %+v", a)
		}
		p = coord.problem(422, "invalid", "error.invalid", "PUT", path+"/exit", `{"stage": "wish", "wish_on": "2020-01-01"}`)
		var fields []string
		for _, f := range p.Errors {
			fields = append(fields, f.Field)
		}
		if !slices.Equal(fields, []string{"police_contact_id", "social_contact_id"}) {
			t.Errorf("exit pathway problem fields %q", fields)
		}
		school := clientFor(t, srv, "skola")
		if st, b := school.do("GET", path, nil); st != 404 || strings.Contains(string(b), "Grannen") {
			t.Errorf("the school: %d %s", st, b)
		}
	})
}

func TestSecurityEnumTags(t *testing.T) {
	enum := func(v any, field string) []string {
		f, _ := reflect.TypeOf(v).FieldByName(field)
		return strings.Split(f.Tag.Get("enum"), ",")
	}
	strs := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	kinds := strs(len(casework.ParticipantKinds), func(i int) string { return string(casework.ParticipantKinds[i]) })
	levels := strs(len(casework.ThreatLevels), func(i int) string { return string(casework.ThreatLevels[i]) })
	stages := strs(len(casework.ExitStages), func(i int) string { return string(casework.ExitStages[i]) })
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"participants in", enum(api.SecurityAssessmentInput{}, "Participant"), kinds},
		{"participants out", enum(api.SecurityAssessment{}, "Participant"), kinds},
		{"levels in", enum(api.SecurityAssessmentInput{}, "Level"), levels},
		{"levels out", enum(api.SecurityAssessment{}, "Level"), levels},
		{"stages in", enum(api.ExitPathwayInput{}, "Stage"), stages},
		{"stages out", enum(api.ExitPathway{}, "Stage"), stages},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
