package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/auth/idptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// An administrator connects a SAML identity provider (as for e-service cards) by its
// metadata URL in the browser; a coordinator signs in through the provider's own login form
// (the signed assertion posted back by the provider's page), and the provider's single
// logout ends the Lots session; a person whose groups give no role gets a clear page.
func TestSAMLSignOnInTheBrowser(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	idp := idptest.StartSAML(t)
	idp.Add("karin", idptest.SAMLPerson{NameID: "karin.lind@region.example", Name: "Karin Lind", HSAID: "SE2321000016-K001",
		Groups: []string{"sig"}, ClassRef: "http://id.elegnamnden.se/loa/1.0/loa3"})
	idp.Add("olle", idptest.SAMLPerson{NameID: "olle@region.example", Name: "Olle Utan", HSAID: "SE2321000016-O002", Groups: []string{"annat"}})
	ctx := newBrowser(t)

	login(t, ctx, srv.URL, "admin", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/admin/sso/saml"))
	waitPage(t, ctx, "admin_saml")
	checkA11y(t, ctx, "SAML administration")
	do(t, ctx,
		chromedp.SendKeys(css("#f-slug"), "siths"),
		chromedp.SendKeys(css("#f-name"), "E-tjänstekort (SITHS)"),
		chromedp.SendKeys(css("#f-metadata_url"), idp.URL+"/metadata"),
		chromedp.SetValue(css("#f-groups_claim"), idptest.SAMLGroupsAttr),
		chromedp.SendKeys(css("#f-hsa_attr"), idptest.SAMLHSAAttr),
		chromedp.SendKeys(css("#f-groups"), "sig = coordinator"),
		chromedp.SendKeys(css("#f-mfa_acr"), "http://id.elegnamnden.se/loa/1.0/loa3"),
		chromedp.Click(css("input[name=create_users]")),
	)
	eval[bool](t, ctx, `document.querySelector('#f-agency').selectedIndex = 1; true`)
	reloadAfterClick(t, ctx, "form[action='/admin/sso/saml'] button[type=submit]", "admin_saml")
	if f := text(t, ctx, ".flash"); f != "Identitetsleverantören är sparad." {
		t.Fatalf("after saving: %q (%s)", f, text(t, ctx, "main"))
	}
	metadata := srv.URL + "/login/saml/siths/metadata"
	if uris := text(t, ctx, "main table.providers"); !strings.Contains(uris, metadata) || !strings.Contains(uris, idp.EntityID) {
		t.Fatalf("addresses not shown: %q", uris)
	}
	checkA11y(t, ctx, "SAML provider saved")
	idp.RegisterSP(t, metadata) // the IdP's administrator registers Lots by its metadata
	clickAndWait(t, ctx, ".user-menu button", "login")

	// The coordinator signs in through the provider; its page posts the assertion back.
	do(t, ctx, chromedp.Click(css("a[href^='/login/sso/siths']")))
	do(t, ctx, chromedp.WaitVisible(css("#login")), chromedp.SendKeys(css("#login"), "karin"), chromedp.Click(css("#idp-submit")))
	waitPage(t, ctx, "home")
	if h := text(t, ctx, "main h1"); h != "Välkommen, Karin Lind" {
		t.Fatalf("start page heading %q", h)
	}
	do(t, ctx, chromedp.Navigate(srv.URL+"/settings/sessions"))
	waitPage(t, ctx, "settings_sessions")
	if s := text(t, ctx, "main table"); !strings.Contains(s, "Organisationens konto (SAML), med andra faktor") {
		t.Fatalf("sessions: %q", s)
	}
	checkA11y(t, ctx, "own sessions after SAML")

	// The person logs out at the provider: its single logout ends the Lots session.
	sid := idp.LatestSession("karin.lind@region.example")
	do(t, ctx, chromedp.Navigate(idp.URL+"/logout?session="+url.QueryEscape(sid)+"&return="+url.QueryEscape(srv.URL+"/login")))
	waitPage(t, ctx, "login")
	do(t, ctx, chromedp.Navigate(srv.URL+"/settings"))
	waitPage(t, ctx, "login")

	// A person whose groups give no role.
	do(t, ctx, chromedp.Click(css("a[href^='/login/sso/siths']")))
	do(t, ctx, chromedp.WaitVisible(css("#login")), chromedp.SendKeys(css("#login"), "olle"), chromedp.Click(css("#idp-submit")))
	waitPage(t, ctx, "sso_error")
	if msg := text(t, ctx, "main .error"); !strings.Contains(msg, "ger ingen roll i Lots") {
		t.Fatalf("refusal: %q", msg)
	}
	checkA11y(t, ctx, "refused SAML sign-on")
}
