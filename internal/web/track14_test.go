package web_test

import (
	"net/http"
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
		// The same as reportConcern, for an SSPF case.
		_, form := srv.Get(t, police, "/concerns/new")
		district := districtOpt.FindStringSubmatch(form)[1]
		reported := false
		for i := len(storetest.TestPersonalNumbers) - 1; i >= 0 && !reported; i-- {
			pnr := storetest.TestPersonalNumbers[i]
			if used[pnr] {
				continue
			}
			used[pnr] = true
			v := concernForm("Siri", "Spårsson", pnr, district)
			v.Set("program", "sspf")
			res, body := srv.PostForm(t, police, "/concerns", v)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("SSPF concern: %d\n%s", res.StatusCode, body)
			}
			_, receipt := srv.Get(t, police, res.Header.Get("Location"))
			reported = strings.Contains(receipt, "Siri Spårsson")
		}
		if !reported {
			t.Fatal("no SSPF concern registered")
		}
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
		// The tabs keep the track.
		if _, body := srv.Get(t, coord, "/worklist?tab=waiting&program=sspf"); !strings.Contains(body, `href="/worklist?program=sspf&amp;tab=all"`) {
			t.Error("the tabs do not keep the track filter")
		}
	})
}
