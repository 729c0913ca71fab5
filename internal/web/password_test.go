package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// The passwords the outside test could set (issue 19, point 10) are refused at the field, in
// Swedish; a phrase of one's own is taken.
func TestPasswordChangeRefusesWeakPasswords(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	c := srv.Login(t, "samordnare")
	for pw, msg := range map[string]string{
		"aaaaaaaaaa":               "upprepningar och serier",
		"1234567890":               "vanliga och läckta lösenord",
		"samordnare":               "ditt användarnamn",
		demo.Password:              "vanliga och läckta lösenord",
		"          ":               "upprepningar och serier",
		strings.Repeat("\x00", 10): "styrtecken",
	} {
		res, body := srv.PostForm(t, c, "/settings/password", url.Values{"current": {demo.Password}, "password": {pw}, "repeat": {pw}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, msg) {
			t.Errorf("%q: %d, want 422 with %q", pw, res.StatusCode, msg)
		}
	}
	good := "tre blå bussar vid kajen"
	if res, _ := srv.PostForm(t, c, "/settings/password", url.Values{"current": {demo.Password}, "password": {good}, "repeat": {good}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good password: %d", res.StatusCode)
	}
}
