package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// TestDatabaseUnavailablePage: while no database can be reached (a failover under way) a page
// says in Swedish to try again — accessible, the person still logged in — and when the
// database is back the same session goes on (issue 18).
func TestDatabaseUnavailablePage(t *testing.T) {
	var proxy *apptest.CutProxy
	srv := apptest.Start(t, storetest.Postgres, apptest.Options{
		DB: apptest.ThroughCutProxy(t, func(p *apptest.CutProxy) { proxy = p }),
	})
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)

	proxy.Cut()
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	waitPage(t, ctx, "error")
	if h := text(t, ctx, "main h1"); h != "Försök igen om en stund" {
		t.Fatalf("heading %q", h)
	}
	if msg := text(t, ctx, "main"); !strings.Contains(msg, "Lots når inte databasen just nu. Försök igen om en stund.") {
		t.Fatalf("message %q", msg)
	}
	checkA11y(t, ctx, "database unavailable page")

	proxy.Restore()
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	waitPage(t, ctx, "home")
	if h := text(t, ctx, "main h1"); h != "Välkommen, Sara Lindqvist" {
		t.Fatalf("after the database is back: %q (the session must survive)", h)
	}
}
