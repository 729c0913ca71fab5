package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The capacity rules in the browser: the administrator records a coordinator's date
// qualified and makes the experience rule refuse; the coordinator's heavy case shows its weight
// and the warning, assigning a newly graduated case officer is refused at the field, and the
// planned length is extended only with a reason. Every page passes axe.
func TestCapacityRulesInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(mapE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	rc, err := st.RegisterConcern(coord, store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Tung", LastName: "Exempel", BirthDate: "2011-04-05", DistrictID: f.Districts[0].ID},
		Ratings: storetest.IRKRatings(4),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(t, st, rc.CaseID, casework.StepParties, storetest.ConsentSpec{}) // risk judged high, start decided
	officer, err := st.UserIDByUsername(context.Background(), f.Municipality.ID, "handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	sara := strconv.FormatInt(f.Users[casework.RoleCoordinator].ID, 10)
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "admin", demo.Password)

	t.Run("the administrator records experience and makes the rule refuse", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/capacity"))
		waitPage(t, ctx, "capacity")
		if w := text(t, ctx, "#experience-warning"); !strings.Contains(w, "1 tunga ärenden") {
			t.Fatalf("warning %q", w)
		}
		checkA11y(t, ctx, "the capacity view with the experience rule")
		do(t, ctx,
			chromedp.SetValue(css("#f-user"), sara),
			chromedp.SetValue(css("#f-qualified_on"), "2030-01-01"),
			chromedp.Click(css("form[action='/capacity/experience'] button[type=submit]")),
			chromedp.WaitVisible(css("#e-qualified_on")),
		)
		if msg := text(t, ctx, "#e-qualified_on"); msg != "Examensdatumet kan inte ligga i framtiden." {
			t.Fatalf("error %q", msg)
		}
		checkA11y(t, ctx, "the refused date")
		do(t, ctx,
			chromedp.SetValue(css("#f-user"), sara),
			chromedp.SetValue(css("#f-qualified_on"), "2025-08-15"),
			chromedp.Click(css("form[action='/capacity/experience'] button[type=submit]")),
			chromedp.WaitVisible(css(".flash")),
		)
		if row := text(t, ctx, "#caseloads tbody"); !strings.Contains(row, "2025-08-15") {
			t.Fatalf("rows %q", row)
		}
		do(t, ctx,
			chromedp.SetValue(css("#f-experience_rule"), "refuse"),
			chromedp.Click(css("form[action='/capacity/cap'] button[type=submit]")),
			chromedp.WaitVisible(css(".flash")),
		)
		clickAndWait(t, ctx, ".user-menu button", "login")
	})

	staff := srv.URL + "/cases/" + strconv.FormatInt(rc.CaseID, 10) + "/staff"
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	t.Run("the heavy case warns, refuses a newly graduated case officer and extends only with a reason", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(staff))
		waitPage(t, ctx, "case_staff")
		if w := text(t, ctx, "#case-weight"); !strings.Contains(w, "vikt 3 av 4") {
			t.Fatalf("weight %q", w)
		}
		if w := text(t, ctx, "#experience-note"); !strings.Contains(w, "mindre än 2 års erfarenhet") {
			t.Fatalf("note %q", w)
		}
		if l := text(t, ctx, "#planned-length"); !strings.Contains(l, "10 månader, från beslutet 2026-03-02 till 2027-01-02") {
			t.Fatalf("length %q", l)
		}
		checkA11y(t, ctx, "the staff page of a heavy case")
		do(t, ctx,
			chromedp.SetValue(css("#f-case_officer"), strconv.FormatInt(officer, 10)),
			chromedp.Click(css("form input[value=case_officer] ~ button[type=submit]")),
			chromedp.WaitVisible(css("#e-case_officer")),
		)
		if msg := text(t, ctx, "#e-case_officer"); !strings.Contains(msg, "Ärendet är tungt") {
			t.Fatalf("refusal %q", msg)
		}
		checkA11y(t, ctx, "the refused assignment")
		do(t, ctx,
			chromedp.SetValue(css("#f-months"), "3"),
			chromedp.Click(css("form[action$='/extend'] button[type=submit]")),
			chromedp.WaitVisible(css("#e-reason")),
		)
		if msg := text(t, ctx, "#e-reason"); msg != "Ange skälet till förlängningen." {
			t.Fatalf("reason error %q", msg)
		}
		checkA11y(t, ctx, "the extension without a reason")
		do(t, ctx,
			chromedp.SetValue(css("#f-months"), "3"),
			chromedp.SetValue(css("#f-reason"), "Behöver stöd över skolstarten"),
			chromedp.Click(css("form[action$='/extend'] button[type=submit]")),
			chromedp.WaitVisible(css(".flash")),
		)
		if l := text(t, ctx, "#planned-length"); !strings.Contains(l, "13 månader") || !strings.Contains(l, "2027-04-02") {
			t.Fatalf("length after the extension %q", l)
		}
		if x := text(t, ctx, "#extensions"); !strings.Contains(x, "Behöver stöd över skolstarten") || !strings.Contains(x, "Sara Lindqvist") {
			t.Fatalf("extensions %q", x)
		}
	})
}

// The preview of a population file: the administrator sees a refused file's errors, then a
// good file's first rows and totals with nothing saved, and saves exactly that file from the
// preview without choosing it again. Every page passes axe.
func TestPopulationPreviewInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(mapE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "admin", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/mapping/data"))
	waitPage(t, ctx, "mapping_data")

	bad := "\"region\";\"ålder\";\"kön\";\"2025\"\n\"Centrum\";\"13 år\";\"män\";50\n\"Österby\";\"13 år\";\"män\";-3\n"
	do(t, ctx,
		chromedp.SetUploadFiles(css("#f-population"), []string{writeTemp(t, "bad.csv", []byte(bad))}),
		chromedp.Click(css("#population-preview")),
		chromedp.WaitVisible(css("#file-errors")),
	)
	if errs := text(t, ctx, "#file-errors"); !strings.Contains(errs, "Rad 3") {
		t.Fatalf("errors %q", errs)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#preview').length`); n != 0 {
		t.Fatal("a refused file was previewed")
	}
	checkA11y(t, ctx, "the refused preview")

	do(t, ctx,
		chromedp.SetUploadFiles(css("#f-population"), []string{mapPopulation(t)}),
		chromedp.Click(css("#population-preview")),
		chromedp.WaitVisible(css("#preview")),
	)
	if s := text(t, ctx, "#preview-summary"); !strings.Contains(s, "48 rader") {
		t.Fatalf("summary %q", s)
	}
	if y := text(t, ctx, "#preview-years tbody"); !strings.Contains(y, "2025") || !strings.Contains(y, "2400") || !strings.Contains(y, "48") {
		t.Fatalf("years %q", y)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#preview-rows tbody tr').length`); n != 10 {
		t.Fatalf("%d first rows", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#population').length`); n != 0 {
		t.Fatal("the preview saved the population")
	}
	checkA11y(t, ctx, "the preview")
	clickAndWait(t, ctx, "#preview-save", "mapping_job")
	waitJobEnd(t, ctx, "done")
	if name := text(t, ctx, ".case-facts dd"); name != "folkmangd.csv" {
		t.Errorf("the saved preview's file is called %q", name)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/mapping/data"))
	waitPage(t, ctx, "mapping_data")
	if got := text(t, ctx, "#population tbody"); !strings.Contains(got, "2025") || !strings.Contains(got, "2400") {
		t.Fatalf("population after saving the preview %q", got)
	}
}
