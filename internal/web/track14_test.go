package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// TestWorkListFiltersByTrack: the work list shows SIG and SSPF cases together, or one track
// at a time; the filter is kept by the tabs, and an unknown track shows both.
func TestWorkListFiltersByTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		police := srv.Login(t, "polis")
		coord := srv.Login(t, "samordnare")
		used := map[string]bool{}
		reportConcern(t, srv, police, "Sigge", "Spårsson", used)
		reportSSPFConcern(t, srv, police, "Siri", "Spårsson", used)
		for _, tc := range []struct {
			path          string
			sig, sspf     bool
			currentFilter string
		}{
			{"/worklist?tab=all&q=Spårsson", true, true, "Båda arbetsformerna"},
			{"/worklist?tab=all&q=Spårsson&program=sspf", false, true, "SSPF"},
			{"/worklist?tab=all&q=Spårsson&program=sig", true, false, "SIG"},
			{"/worklist?tab=all&q=Spårsson&program=annat", true, true, "Båda arbetsformerna"},
			{"/worklist?tab=waiting&program=sspf", false, true, "SSPF"},
		} {
			code, body := srv.Get(t, coord, tc.path)
			if code != http.StatusOK {
				t.Fatalf("%s: %d", tc.path, code)
			}
			if got := strings.Contains(body, "Sigge Spårsson"); got != tc.sig {
				t.Errorf("%s: the SIG case shown %v, want %v", tc.path, got, tc.sig)
			}
			if got := strings.Contains(body, "Siri Spårsson"); got != tc.sspf {
				t.Errorf("%s: the SSPF case shown %v, want %v", tc.path, got, tc.sspf)
			}
			if !strings.Contains(body, `aria-current="page">`+tc.currentFilter+`</a>`) {
				t.Errorf("%s: the track filter does not mark %q", tc.path, tc.currentFilter)
			}
		}
		// Each row names its step as its track does, and the start page marks the SSPF case.
		if _, body := srv.Get(t, coord, "/worklist?tab=all&q=Siri+Spårsson"); !strings.Contains(body, "Oro inkommen</td>") {
			t.Error("the SSPF case's step is not named in SSPF's words")
		}
		_, home := srv.Get(t, coord, "/")
		if !regexp.MustCompile(`Siri Spårsson</a> <span class="badge track-sspf">SSPF</span>`).MatchString(home) ||
			regexp.MustCompile(`Sigge Spårsson</a> <span class="badge track-sspf">`).MatchString(home) {
			t.Error("the start page's lists do not mark the track")
		}
		// The tabs keep the track.
		if _, body := srv.Get(t, coord, "/worklist?tab=waiting&program=sspf"); !strings.Contains(body, `href="/worklist?program=sspf&amp;tab=all"`) {
			t.Error("the tabs do not keep the track filter")
		}
	})
}

// reportSSPFConcern is reportConcern for an SSPF case.
func reportSSPFConcern(t *testing.T, srv *apptest.Server, c *http.Client, first, last string, used map[string]bool) {
	t.Helper()
	_, form := srv.Get(t, c, "/concerns/new")
	district := districtOpt.FindStringSubmatch(form)[1]
	for i := len(storetest.TestPersonalNumbers) - 1; i >= 0; i-- {
		pnr := storetest.TestPersonalNumbers[i]
		if used[pnr] {
			continue
		}
		used[pnr] = true
		v := concernForm(first, last, pnr, district)
		v.Set("program", "sspf")
		res, body := srv.PostForm(t, c, "/concerns", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("SSPF concern: %d\n%s", res.StatusCode, body)
		}
		if _, receipt := srv.Get(t, c, res.Header.Get("Location")); strings.Contains(receipt, first+" "+last) {
			return
		}
	}
	t.Fatal("no SSPF concern registered")
}

// TestPlanNamePerTrack: the administrator names each track's plan form in the settings; an
// SSPF case's plan page, menu and printout use SSPF's name (åtagandeplan by default), a SIG
// case's SIG's; a name over 60 characters or on two lines is refused in Swedish at the field,
// and nothing is saved; a post without the fields keeps the names.
func TestPlanNamePerTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		police, coord, admin := srv.Login(t, "polis"), srv.Login(t, "samordnare"), srv.Login(t, "admin")
		used := map[string]bool{}
		reportSSPFConcern(t, srv, police, "Signe", "Planberg", used)
		_, list := srv.Get(t, coord, "/worklist?tab=all&q=Planberg")
		m := regexp.MustCompile(`<a href="/cases/(\d+)">Signe Planberg</a>`).FindStringSubmatch(list)
		if m == nil {
			t.Fatal("the SSPF case is not on the work list")
		}
		plan := "/cases/" + m[1] + "/plan"
		names := func(want string) {
			t.Helper()
			for _, path := range []string{plan, "/cases/" + m[1], plan + "/print"} {
				code, page := srv.Get(t, coord, path)
				page = html.UnescapeString(page)
				if code != http.StatusOK || !strings.Contains(page, want) || strings.Contains(page, "Åtgärdsplan") {
					t.Errorf("%s: %d, want %q and no Åtgärdsplan", path, code, want)
				}
			}
		}
		names("Åtagandeplan")

		_, page := srv.Get(t, admin, "/admin/settings")
		for _, want := range []string{`name="plan_name"`, `name="sspf_plan_name"`, "SSPF: planens namn"} {
			if !strings.Contains(page, want) {
				t.Errorf("the settings page lacks %q", want)
			}
		}
		post := settingsPost(nil)
		post.Set("sspf_plan_name", strings.Repeat("x", 61))
		post.Set("plan_name", "Handlingsplan\r\nrad två")
		res, body := srv.PostForm(t, admin, "/admin/settings", post)
		if res.StatusCode != http.StatusUnprocessableEntity || strings.Count(body, "Skriv namnet på en rad, högst 60 tecken.") < 2 ||
			!strings.Contains(body, `id="e-sspf_plan_name"`) || !strings.Contains(body, `id="e-plan_name"`) {
			t.Fatalf("bad names: %d\n%s", res.StatusCode, body)
		}
		names("Åtagandeplan") // nothing saved

		post.Set("sspf_plan_name", " Samverkansplan ")
		post.Set("plan_name", "Handlingsplan")
		if res, body := srv.PostForm(t, admin, "/admin/settings", post); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, body)
		}
		names("Samverkansplan")
		if res, body := srv.PostForm(t, admin, "/admin/settings", settingsPost(nil)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save without the names: %d\n%s", res.StatusCode, body)
		}
		names("Samverkansplan")
		if _, page := srv.Get(t, admin, "/admin/settings"); !strings.Contains(page, `value="Handlingsplan"`) {
			t.Error("SIG's plan name is not shown back")
		}
	})
}
