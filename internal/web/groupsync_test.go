package web_test

import (
	"net/http"
	"strings"
	"testing"

	"lots/internal/audit"
	"lots/internal/auth/idptest"
	"lots/internal/store/storetest"
)

// Group changes at the provider reach Lots' roles on a schedule, between sign-ins: the job
// refreshes each person's sealed refresh token at the real test provider and reads the groups
// in the new ID token; a person whose groups give no role, or whom the provider no longer
// knows, loses their Lots sessions from it.
func TestGroupSyncOnASchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSSOWorld(t, e)
		anna, otto := w.srv.Client(), w.srv.Client()
		if try := w.signIn(t, anna, "anna", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("anna: %d %s", try.res.StatusCode, try.body)
		}
		w.idp.Add("otto", idptest.Person{Subject: "sub-otto", Username: "otto@demo.example", Name: "Otto Utan", Groups: []string{"g-polis"}})
		if try := w.signIn(t, otto, "otto", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("otto: %d %s", try.res.StatusCode, try.body)
		}
		toks, err := w.srv.App.Store.SSORefreshTokens(t.Context())
		if err != nil || len(toks) != 2 {
			t.Fatalf("refresh tokens kept: %d, %v", len(toks), err)
		}
		// Nothing changed at the provider: nothing changes in Lots.
		r, err := w.srv.App.Auth.SyncGroups(t.Context())
		if err != nil || r.Checked != 2 || r.Changed != 0 || r.Ended != 0 || r.Failed != 0 {
			t.Fatalf("first run: %+v, %v", r, err)
		}

		// Anna moves from the SIG group to the police group; Otto's group gives no role any
		// more; both stay signed in at the provider.
		w.idp.Add("anna", idptest.Person{Subject: "sub-anna", Username: "anna.berg@demo.example", Name: "Anna Berg", Groups: []string{"g-polis"}})
		w.idp.Add("otto", idptest.Person{Subject: "sub-otto", Username: "otto@demo.example", Name: "Otto Utan", Groups: []string{"g-annat"}})
		before := w.idp.Refreshes
		r, err = w.srv.App.Auth.SyncGroups(t.Context())
		if err != nil || r.Changed != 1 || r.Ended != 1 {
			t.Fatalf("second run: %+v, %v", r, err)
		}
		if w.idp.Refreshes != before+2 {
			t.Fatalf("the provider was asked %d times", w.idp.Refreshes-before)
		}
		if u := w.user(t, "anna.berg"); u.Roles.String() != "group_member" {
			t.Fatalf("anna's roles %s", u.Roles)
		}
		if e := w.lastEntry(t, audit.ActionUpdate); !strings.Contains(e.Detail, "coordinator -> group_member") {
			t.Fatalf("entry %+v", e)
		}
		if code, _ := w.srv.Get(t, anna, "/settings"); code != http.StatusOK {
			t.Fatalf("anna's session after the change: %d", code)
		}
		if code, _ := w.srv.Get(t, otto, "/settings"); code != http.StatusSeeOther {
			t.Fatalf("otto's session after losing his role: %d", code)
		}

		// Anna is removed at the provider: the refresh is refused, her session ends, her token
		// is forgotten.
		w.idp.Remove("anna")
		r, err = w.srv.App.Auth.SyncGroups(t.Context())
		if err != nil || r.Ended != 1 || r.Checked != 1 {
			t.Fatalf("third run: %+v, %v", r, err)
		}
		if code, _ := w.srv.Get(t, anna, "/settings"); code != http.StatusSeeOther {
			t.Fatalf("anna's session after removal: %d", code)
		}
		if toks, _ := w.srv.App.Store.SSORefreshTokens(t.Context()); len(toks) != 0 {
			t.Fatalf("tokens left: %d", len(toks))
		}
	})
}
