package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// addAuthenticator gives the browser a virtual platform authenticator (CDP WebAuthn domain):
// CTAP2, resident keys, user verification that succeeds, presence simulated.
func addAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
				Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
				IsUserVerified: true, AutomaticPresenceSimulation: true,
			}})
		if err != nil {
			return err
		}
		id = res.AuthenticatorID
		return nil
	}))
	return id
}

// The auditor adds a passkey on their security page with the browser's (virtual)
// authenticator, signs in with it without a password, then with the password and the passkey
// as second factor, and confirms an access-log extract with it when the login is no longer
// fresh. A passkey the browser lost cannot sign in: the page says so and no session begins.
func TestPasskeysInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(time.Now().UTC())
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	// WebAuthn needs a domain name as relying party: localhost, not 127.0.0.1.
	base := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	ctx := newBrowser(t)
	auth := addAuthenticator(t, ctx)

	login(t, ctx, base, "granskare", demo.Password)
	do(t, ctx, chromedp.Navigate(base+"/settings"))
	waitPage(t, ctx, "settings")
	clickAndWait(t, ctx, "a[href='/settings/passkeys']", "settings_passkeys")
	checkA11y(t, ctx, "passkeys, none yet")
	do(t, ctx, chromedp.SendKeys(css("#f-passkey-name"), "Jobbdatorn"), chromedp.Click(css("#passkey-add")))
	do(t, ctx, chromedp.WaitVisible(css("table#passkeys")))
	if f := text(t, ctx, ".flash"); f != "Nyckeln är tillagd. Du kan nu logga in med den." {
		t.Fatalf("flash %q", f)
	}
	if row := text(t, ctx, "table#passkeys tbody"); !strings.Contains(row, "Jobbdatorn") {
		t.Fatalf("passkeys: %q", row)
	}
	checkA11y(t, ctx, "passkeys, one registered")
	clickAndWait(t, ctx, ".user-menu button", "login")

	// Passwordless.
	checkA11y(t, ctx, "login page with the passkey button")
	clickAndWait(t, ctx, "#passkey-login", "home")
	if h := text(t, ctx, "main h1"); h != "Välkommen, Eva Strand" {
		t.Fatalf("start page heading %q", h)
	}
	do(t, ctx, chromedp.Navigate(base+"/settings/sessions"))
	waitPage(t, ctx, "settings_sessions")
	if s := text(t, ctx, "main table"); !strings.Contains(s, "Nyckel (passkey), med andra faktor") {
		t.Fatalf("sessions: %q", s)
	}
	clickAndWait(t, ctx, ".user-menu button", "login")

	// The password, then the passkey as the second factor.
	submitLogin(t, ctx, base, "granskare", demo.Password)
	waitPage(t, ctx, "login_passkey")
	checkA11y(t, ctx, "passkey as second factor")
	clickAndWait(t, ctx, "#passkey-second", "home")

	// Step-up: twenty minutes later the extract asks for a fresh login; the passkey gives it.
	clock.Advance(20 * time.Minute)
	do(t, ctx, chromedp.Navigate(base+"/audit/youth?identity=R2026-000000"))
	waitPage(t, ctx, "login_reauth")
	checkA11y(t, ctx, "step-up with a passkey")
	clickAndWait(t, ctx, "#passkey-reauth", "audit_index")
	if u := eval[string](t, ctx, `location.pathname + location.search`); u != "/audit/youth?identity=R2026-000000" {
		t.Fatalf("after step-up at %s", u)
	}

	// The browser loses its passkey: the login is refused on the page, no session begins.
	clickAndWait(t, ctx, ".user-menu button", "login")
	do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, webauthn.ClearCredentials, webauthn.ClearCredentialsParams{AuthenticatorID: auth})
		return err
	}))
	do(t, ctx, chromedp.Click(css("#passkey-login")))
	do(t, ctx, chromedp.WaitVisible(css(".passkey-login [data-passkey-error]:not(:empty)")))
	if msg := text(t, ctx, ".passkey-login [data-passkey-error]"); msg != "Nyckeln användes inte. Försök igen." {
		t.Fatalf("error shown: %q", msg)
	}
	do(t, ctx, chromedp.Navigate(base+"/"))
	waitPage(t, ctx, "login")
}
