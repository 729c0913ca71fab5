package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

func TestLoginStartPageLogout(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := newBrowser(t)

	do(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(css("#f-username")))
	if h := text(t, ctx, "h1"); h != "Logga in i Lots" {
		t.Fatalf("login page heading %q", h)
	}
	checkA11y(t, ctx, "login page")

	login(t, ctx, srv.URL, "samordnare", demo.Password)
	if h := text(t, ctx, "main h1"); h != "Välkommen, Sara Lindqvist" {
		t.Fatalf("start page heading %q", h)
	}
	if nav := text(t, ctx, "nav.nav-wide"); !strings.Contains(nav, "Ärenden") || strings.Contains(nav, "Användare") {
		t.Fatalf("coordinator's navigation: %q", nav)
	}
	checkA11y(t, ctx, "coordinator's start page")

	clickAndWait(t, ctx, ".user-menu button", "login")
	if f := text(t, ctx, ".flash"); f != "Du är utloggad." {
		t.Fatalf("after logout: %q", f)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	waitPage(t, ctx, "login")
}

func TestWrongPasswordShowsSwedishError(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := newBrowser(t)
	submitLogin(t, ctx, srv.URL, "polis", "fel-lösenord-123")
	do(t, ctx, chromedp.WaitVisible(css(".alert")))
	if msg := text(t, ctx, ".alert"); msg != "Fel användarnamn eller lösenord." {
		t.Fatalf("error message %q", msg)
	}
	kept := get(t, ctx, chromedp.Value(css("#f-username")))
	if kept != "polis" {
		t.Fatalf("username not kept: %q", kept)
	}
	checkA11y(t, ctx, "login page with error")
}

// Every role's start page is accessible and shows what the role does.
func TestStartPagePerRole(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	tests := []struct {
		username string
		sees     string
		notSees  string
	}{
		{"samordnare", "Mina ärenden", "Administration"},
		{"handlaggare", "Mina ärenden", "Administration"},
		{"polis", "Mina uppgifter", "Uppföljning"},
		{"beredning", "Mina ärenden", "Administration"},
		{"styrgrupp", "Uppföljning", "Mina ärenden"},
		{"analytiker", "Uppföljning", "Mina ärenden"},
		{"admin", "Administration", "Mina ärenden"},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			ctx := newBrowser(t)
			login(t, ctx, srv.URL, tt.username, demo.Password)
			body := text(t, ctx, "main")
			if !strings.Contains(body, tt.sees) || strings.Contains(body, tt.notSees) {
				t.Fatalf("start page of %s should show %q and not %q:\n%s", tt.username, tt.sees, tt.notSees, body)
			}
			checkA11y(t, ctx, tt.username+"'s start page")
			if tt.username == "admin" {
				for _, page := range []struct{ path, name string }{{"/admin/settings", "admin_settings"}, {"/admin/users", "admin_users"}} {
					do(t, ctx, chromedp.Navigate(srv.URL+page.path))
					waitPage(t, ctx, page.name)
					checkA11y(t, ctx, page.path)
				}
			}
		})
	}
}

func TestPhoneLayoutHasMenu(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile))
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	if eval[bool](t, ctx, `getComputedStyle(document.querySelector('nav.nav-wide')).display !== 'none'`) {
		t.Fatal("the wide navigation shows on a phone")
	}
	do(t, ctx,
		chromedp.Click(css(".nav-toggle summary")),
		chromedp.WaitVisible(css("nav.nav-narrow a[href='/cases']")),
	)
	checkA11y(t, ctx, "start page on a phone")
}
