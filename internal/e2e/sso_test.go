package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/auth/idptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// An administrator connects the municipality's OpenID Connect provider in the browser; a
// coordinator signs in through it (the provider's own login form, on its own port), sees their
// sessions, and logs out of both; a person whose groups give no role gets a clear page.
func TestSingleSignOnInTheBrowser(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	idp := idptest.Start(t, "lots-e2e", "e2e-hemlighet", nil)
	idp.Add("anna", idptest.Person{Subject: "sub-anna", Username: "anna.berg@demo.example", Name: "Anna Berg",
		Groups: []string{"g-sig"}, AMR: []string{"pwd", "mfa"}})
	idp.Add("otto", idptest.Person{Subject: "sub-otto", Username: "otto@demo.example", Name: "Otto Utan", Groups: []string{"g-annat"}})
	ctx := newBrowser(t)

	login(t, ctx, srv.URL, "admin", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/sso"))
	waitPage(t, ctx, "admin_sso")
	checkA11y(t, ctx, "single sign-on administration")
	do(t, ctx,
		chromedp.SendKeys(css("#f-slug"), "entra"),
		chromedp.SendKeys(css("#f-name"), "Demo kommun (Entra ID)"),
		chromedp.SendKeys(css("#f-issuer"), idp.URL),
		chromedp.SendKeys(css("#f-client_id"), "lots-e2e"),
		chromedp.SendKeys(css("#f-client_secret"), "e2e-hemlighet"),
		chromedp.SendKeys(css("#f-groups"), "g-sig = coordinator"),
		chromedp.Click(css("input[name=create_users]")),
	)
	eval[bool](t, ctx, `document.querySelector('#f-agency').selectedIndex = 1; true`)
	reloadAfterClick(t, ctx, "form[action='/admin/sso'] button[type=submit]", "admin_sso")
	if f := text(t, ctx, ".flash"); f != "Identitetsleverantören är sparad." {
		t.Fatalf("after saving: %q", f)
	}
	if uris := text(t, ctx, "main table.providers"); !strings.Contains(uris, srv.URL+"/login/sso/entra/callback") {
		t.Fatalf("redirect URI not shown: %q", uris)
	}
	// The coordinators must use a second factor.
	do(t, ctx, chromedp.Click(css("input[name=mfa_roles][value=coordinator]")))
	reloadAfterClick(t, ctx, "form[action='/admin/sso/policy'] button[type=submit]", "admin_sso")
	if f := text(t, ctx, ".flash"); f != "Kraven för inloggning är sparade." {
		t.Fatalf("after saving the policy: %q", f)
	}
	clickAndWait(t, ctx, ".user-menu button", "login")

	// A coordinator with a password only is sent to set up the second factor.
	submitLogin(t, ctx, srv.URL, "samordnare", demo.Password)
	waitPage(t, ctx, "settings_totp")
	if f := text(t, ctx, ".flash"); f != "Din roll kräver en andra faktor. Aktivera tvåstegsverifiering innan du fortsätter." {
		t.Fatalf("flash %q", f)
	}
	checkA11y(t, ctx, "second factor required")
	do(t, ctx, chromedp.Navigate(srv.URL+"/worklist"))
	waitPage(t, ctx, "settings_totp")
	clickAndWait(t, ctx, ".user-menu button", "login")

	// The coordinator signs in through the provider.
	checkA11y(t, ctx, "login page with a provider")
	do(t, ctx, chromedp.Click(css("a[href^='/login/sso/entra']"))) // to the provider's own page
	do(t, ctx, chromedp.WaitVisible(css("#login")), chromedp.SendKeys(css("#login"), "anna"), chromedp.Click(css("#idp-submit")))
	waitPage(t, ctx, "home")
	if h := text(t, ctx, "main h1"); h != "Välkommen, Anna Berg" {
		t.Fatalf("start page heading %q", h)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/settings/sessions"))
	waitPage(t, ctx, "settings_sessions")
	if s := text(t, ctx, "main table"); !strings.Contains(s, "Organisationens konto (SSO), med andra faktor") {
		t.Fatalf("sessions: %q", s)
	}
	checkA11y(t, ctx, "own sessions")

	// Logging out offers to end the provider's session too, which sends the browser back.
	clickAndWait(t, ctx, ".user-menu button", "sso_logged_out")
	checkA11y(t, ctx, "logged out of Lots, not yet of the provider")
	clickAndWait(t, ctx, "#sso-end", "login")
	if len(idp.Ended) != 1 {
		t.Fatalf("provider's end-session calls: %v", idp.Ended)
	}

	// A person whose groups give no role.
	do(t, ctx, chromedp.Click(css("a[href^='/login/sso/entra']")))
	do(t, ctx, chromedp.WaitVisible(css("#login")), chromedp.SendKeys(css("#login"), "otto"), chromedp.Click(css("#idp-submit")))
	waitPage(t, ctx, "sso_error")
	if msg := text(t, ctx, "main .error"); !strings.Contains(msg, "ger ingen roll i Lots") {
		t.Fatalf("refusal: %q", msg)
	}
	checkA11y(t, ctx, "refused single sign-on")
}
