package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// The settings page's agencies that see security assessments (issue 14): police and social
// services always do and are not offered; a kind that is not offered is refused in Swedish at
// the field and nothing is saved; the school ticked is added to the default; a post without
// the fieldset keeps what is stored; nothing ticked is the default again.
func TestSettingsSecurityAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		admin := srv.Login(t, "admin")
		stored := func() []casework.AgencyKind {
			t.Helper()
			m, err := srv.App.Store.MunicipalityByCode(t.Context(), demo.Code)
			if err != nil {
				t.Fatal(err)
			}
			return m.Settings.SecurityAgencies
		}
		_, page := srv.Get(t, admin, "/admin/settings")
		if !strings.Contains(page, `name="security_agencies" value="skola"`) || strings.Contains(page, `name="security_agencies" value="polis"`) ||
			strings.Contains(page, `name="security_agencies" value="socialtjanst"`) {
			t.Fatalf("the choices offered:\n%s", page)
		}
		post := func(kinds ...string) (int, string) {
			v := settingsPost(nil)
			v.Set("security_agencies_shown", "1")
			v["security_agencies"] = kinds
			res, body := srv.PostForm(t, admin, "/admin/settings", v)
			return res.StatusCode, body
		}
		status, body := post("skola", "maffian")
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Verksamheter som ser säkerhetsbedömningar: välj bland de listade verksamheterna.") ||
			!strings.Contains(body, `id="e-security_agencies"`) {
			t.Fatalf("an unknown kind: %d\n%s", status, body)
		}
		if got := stored(); got != nil {
			t.Fatalf("a refused form saved %q", got)
		}
		if status, _ := post("skola", "polis", "skola"); status != http.StatusSeeOther {
			t.Fatalf("saving the school: %d", status)
		}
		want := []casework.AgencyKind{casework.AgencyPolice, casework.AgencySocial, casework.AgencySchool}
		if got := stored(); !slices.Equal(got, want) {
			t.Fatalf("saved %q, want %q", got, want)
		}
		if _, page := srv.Get(t, admin, "/admin/settings"); !regexp.MustCompile(`value="skola"[^>]*checked`).MatchString(page) {
			t.Errorf("the school is not shown ticked")
		}
		if res, _ := srv.PostForm(t, admin, "/admin/settings", settingsPost(nil)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a post without the fieldset: %d", res.StatusCode)
		}
		if got := stored(); !slices.Equal(got, want) {
			t.Fatalf("a post without the fieldset changed them to %q", got)
		}
		if status, _ := post(); status != http.StatusSeeOther {
			t.Fatalf("none ticked: %d", status)
		}
		if got := stored(); got != nil {
			t.Fatalf("none ticked saved %q, want the default", got)
		}
	})
}
