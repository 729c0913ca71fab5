package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// formulaNames are user names that start a formula in a spreadsheet. (Tab and CR cannot start
// a name — names are trimmed — so the writer's own test covers those two.)
var formulaNames = []string{`=HYPERLINK("http://evil.example","Sara")`, "+46 Formel", "-1+1 Formel", "@SUM(1) Formel"}

// readCells reads a CSV export (after its byte-order mark) with the given separator.
func readCells(t *testing.T, b []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = comma
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkNoFormula fails for a cell a spreadsheet would read as a formula, and requires each
// formula name to be there, neutralised.
func checkNoFormula(t *testing.T, what string, rows [][]string) {
	t.Helper()
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsAny(c[:1], "=+-@\t\r") && strings.Trim(c, "+-0123456789,.") != "" {
				t.Errorf("%s: the cell %q starts a formula", what, c)
			}
		}
	}
	for _, n := range formulaNames {
		found := false
		for _, r := range rows {
			for _, c := range r {
				found = found || strings.Contains(c, "'"+n)
			}
		}
		if !found {
			t.Errorf("%s: the name %q is not there, neutralised", what, n)
		}
	}
}

// A user name that begins with = + - or @ reaches the follow-up CSV (the caseload per
// coordinator) and the access-log extract (who read the young person's data) as text.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := demoFixture(t, srv)
	st := srv.App.Store
	admin := demoActor(t, srv, "admin")
	hash, err := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	var shared int64
	for i, name := range formulaNames {
		u := casework.User{Username: fmt.Sprintf("formel%d", i), Name: name, AgencyID: f.Agencies[casework.AgencySocial].ID,
			Roles: casework.NewRoleSet(casework.RoleCoordinator), Active: true}
		if err := st.CreateUser(admin, &u, hash); err != nil {
			t.Fatal(err)
		}
		a, err := st.Actor(context.Background(), u.MunicipalityID, u.ID, casework.ViaSession)
		if err != nil {
			t.Fatal(err)
		}
		ctx := casework.WithActor(context.Background(), a)
		// One young person all four reported (their names are in its access log) …
		rc, err := st.RegisterConcern(ctx, store.ConcernInput{Youth: casework.YouthInput{FirstName: "Delad", LastName: "Loggsson",
			PersonalNumber: storetest.TestPersonalNumbers[30], DistrictID: f.Districts[0].ID}, Ratings: storetest.IRKRatings(2)})
		if err != nil {
			t.Fatal(err)
		}
		shared = rc.CaseID
		// … and one each that they coordinate (their names are rows of the caseload table).
		own, err := st.RegisterConcern(ctx, store.ConcernInput{Youth: casework.YouthInput{FirstName: "Egen", LastName: fmt.Sprintf("Person%d", i),
			PersonalNumber: storetest.TestPersonalNumbers[31+i], DistrictID: f.Districts[0].ID}, Ratings: storetest.IRKRatings(2)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Move(ctx, own.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
			t.Fatal(err)
		}
	}
	// The half-year's figures are published, frozen, a month after it ends.
	clock.Set(stats.DueAt(stats.Period{Year: 2026, Half: 1}, stats.PartMain).Add(time.Hour))
	t.Run("the follow-up CSV", func(t *testing.T) {
		res, b := get(t, srv.Login(t, "analytiker"), srv.URL+"/followup/export.csv")
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		checkNoFormula(t, "/followup/export.csv", readCells(t, b, ';'))
	})
	t.Run("the access-log extract as CSV", func(t *testing.T) {
		res, b := get(t, srv.Login(t, "granskare"), fmt.Sprintf("%s/audit/youth?case=%d&format=csv", srv.URL, shared))
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		checkNoFormula(t, "/audit/youth?format=csv", readCells(t, b, ';'))
	})
}
