package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// listsDistrict is the option value of district name in the concern form.
func listsDistrict(t *testing.T, srv *apptest.Server, c *http.Client, name string) string {
	t.Helper()
	_, form := srv.Get(t, c, "/concerns/new")
	m := regexp.MustCompile(`<option value="(\d+)">` + name + `</option>`).FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("no district %s in the concern form", name)
	}
	return m[1]
}

var listsReceipt = regexp.MustCompile(`^/concerns/\d+/receipt`)

// listsConcern reports a concern over HTTP as c: the first clear factors a clear risk, the rest
// some risk.
func listsConcern(t *testing.T, srv *apptest.Server, c *http.Client, first, last, pnr string, clear int) {
	t.Helper()
	v := url.Values{"first_name": {first}, "last_name": {last}, "personal_number": {pnr},
		"district": {listsDistrict(t, srv, c, "Södra")}, "program": {"sig"}}
	for i, d := range casework.IRK().Domains {
		value := "some"
		if i < clear {
			value = "clear"
		}
		v.Set("item_"+d.Items[0].Code, value)
	}
	res, body := srv.PostForm(t, c, "/concerns", v)
	if res.StatusCode != http.StatusSeeOther || !listsReceipt.MatchString(res.Header.Get("Location")) {
		t.Fatalf("concern about %s %s: %d\n%s", first, last, res.StatusCode, body)
	}
}

// listsCaseID finds the case of name in the coordinator's list of all cases.
func listsCaseID(t *testing.T, srv *apptest.Server, coord *http.Client, name string) int64 {
	t.Helper()
	_, body := srv.Get(t, coord, "/worklist?tab=all&q="+url.QueryEscape(name))
	m := regexp.MustCompile(`<a href="/cases/(\d+)">` + name + `</a>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no case of %s in the coordinator's list", name)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// listsTakeOn has the demo coordinator take a case on and name the police a party, as the
// case pages would: the case then has a coordinator, and the police see its anonymous card.
func listsTakeOn(t *testing.T, srv *apptest.Server, caseID int64) {
	t.Helper()
	st := srv.App.Store
	m, err := st.MunicipalityByCode(t.Context(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	uid, err := st.UserIDByUsername(t.Context(), m.ID, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Actor(t.Context(), m.ID, uid, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	ctx := casework.WithActor(t.Context(), a)
	if _, err := st.Move(ctx, caseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
		t.Fatal(err)
	}
	ags, err := st.Agencies(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ag := range ags {
		if ag.Kind == casework.AgencyPolice {
			if err := st.SetParties(ctx, caseID, []casework.Party{{AgencyID: ag.ID}}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A police officer reports a concern with Check: IRK on a phone: a mistyped personnummer
// comes back in Swedish next to the field with everything else kept, radio choices included;
// fixed, it gives the receipt.
func TestPoliceReportsConcernOnPhone(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := newBrowser(t)
	do(t, ctx, chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile))
	login(t, ctx, srv.URL, "polis", demo.Password)

	clickAndWait(t, ctx, "a.concern-cta", "concern_form")
	if h := text(t, ctx, "main h1"); h != "Anmäl oro (Check: IRK)" {
		t.Fatalf("form heading %q", h)
	}
	checkA11y(t, ctx, "empty concern form")

	good := storetest.TestPersonalNumbers[len(storetest.TestPersonalNumbers)-2]
	bad := good[:len(good)-1] + strconv.Itoa(int(good[len(good)-1]-'0'+1)%10)
	do(t, ctx,
		chromedp.SendKeys(css("#f-first_name"), "Nils"),
		chromedp.SendKeys(css("#f-last_name"), "Mobilsson"),
		chromedp.SendKeys(css("#f-personal_number"), bad),
		chromedp.SendKeys(css("#f-school"), "Söderskolan"),
	)
	eval[bool](t, ctx, `(() => { const s = document.querySelector('#f-district');
		s.value = [...s.options].find(o => o.text === 'Södra').value; return true })()`)
	for i, d := range casework.IRK().Domains {
		value := "some"
		if i < 3 {
			value = "clear"
		}
		do(t, ctx, chromedp.Click(css("#f-item_"+d.Items[0].Code+"-"+value)))
	}
	do(t, ctx,
		chromedp.SendKeys(css("#f-note_peers"), "Umgås med äldre i gänget vid torget"),
		chromedp.SendKeys(css("#f-protective"), "Tränar boxning"),
		chromedp.Click(css("form[action='/concerns'] button[type=submit]")),
		chromedp.WaitVisible(css("#error-summary")),
	)
	if msg := text(t, ctx, "#e-personal_number"); !strings.HasPrefix(msg, "Kontrollsiffran stämmer inte") {
		t.Fatalf("the error at the field: %q", msg)
	}
	if !eval[bool](t, ctx, `(() => { const f = document.querySelector('#f-personal_number');
		return f.closest('.field').contains(document.querySelector('#e-personal_number')) &&
			f.getAttribute('aria-describedby').split(' ').includes('e-personal_number') &&
			f.getAttribute('aria-invalid') === 'true' })()`) {
		t.Fatal("the error is not next to the field nor linked to it")
	}
	if s := text(t, ctx, "#error-summary"); !strings.Contains(s, "Kontrollsiffran stämmer inte") {
		t.Fatalf("error summary: %q", s)
	}
	// Focus moves to the summary, so a keyboard or screen-reader user starts from the errors.
	if id := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`); id != "error-summary" {
		t.Errorf("after the failed submit the focus is on %q, not the error summary", id)
	}
	for sel, want := range map[string]string{"#f-first_name": "Nils", "#f-last_name": "Mobilsson", "#f-personal_number": bad,
		"#f-school": "Söderskolan", "#f-note_peers": "Umgås med äldre i gänget vid torget", "#f-protective": "Tränar boxning"} {
		if got := get(t, ctx, chromedp.Value(css(sel))); got != want {
			t.Errorf("%s kept as %q, want %q", sel, got, want)
		}
	}
	if d := eval[string](t, ctx, `document.querySelector('#f-district').selectedOptions[0].text`); d != "Södra" {
		t.Errorf("district kept as %q", d)
	}
	kept := eval[string](t, ctx, `[...document.querySelectorAll('.irk-factor input:checked')].map(i => i.value).join(',')`)
	if kept != "clear,clear,clear,some,some,some,some,some" {
		t.Errorf("radio choices kept as %q", kept)
	}
	checkA11y(t, ctx, "concern form with errors")

	do(t, ctx,
		chromedp.Clear(css("#f-personal_number")),
		chromedp.SendKeys(css("#f-personal_number"), good[:8]+"-"+good[8:]),
		chromedp.Click(css("form[action='/concerns'] button[type=submit]")),
	)
	waitPage(t, ctx, "concern_receipt")
	if h := text(t, ctx, "main h1"); h != "Oron är registrerad" {
		t.Fatalf("receipt heading %q", h)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "3 av 8 faktorer") {
		t.Errorf("the receipt does not say what was reported:\n%s", body)
	}
	checkA11y(t, ctx, "receipt")
	clickAndWait(t, ctx, "a[href='/concerns']", "concern_list")
	checkA11y(t, ctx, "my reports")
}

// The work lists, the cards and every role's start page, with cases on them, pass axe-core.
func TestListsAreAccessible(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	police := srv.Login(t, "polis")
	coord := srv.Login(t, "samordnare")
	n := len(storetest.TestPersonalNumbers)
	listsConcern(t, srv, police, "Vera", "Väntlund", storetest.TestPersonalNumbers[n-3], 4)
	listsConcern(t, srv, coord, "Omar", "Tagensson", storetest.TestPersonalNumbers[n-4], 2)
	listsTakeOn(t, srv, listsCaseID(t, srv, coord, "Omar Tagensson"))

	t.Run("the coordinator's work lists", func(t *testing.T) {
		ctx := newBrowser(t)
		login(t, ctx, srv.URL, "samordnare", demo.Password)
		for _, tab := range []struct{ tab, label, sees string }{
			{"mine", "Mina ärenden", "Omar Tagensson"},
			{"waiting", "Väntelista", "Vera Väntlund"},
			{"deadlines", "Tidsfrister", ""},
			{"all", "Alla ärenden", "Vera Väntlund"},
		} {
			do(t, ctx, chromedp.Navigate(srv.URL+"/worklist?tab="+tab.tab))
			waitPage(t, ctx, "cases_list")
			if cur := text(t, ctx, ".lists-tabs a[aria-current='page']"); cur != tab.label {
				t.Errorf("tab %s: current tab %q", tab.tab, cur)
			}
			if tab.sees != "" && !strings.Contains(text(t, ctx, "#worklist"), tab.sees) {
				t.Errorf("tab %s lacks %s", tab.tab, tab.sees)
			}
			checkA11y(t, ctx, "work list "+tab.tab)
		}

		// Live search: typing updates the list without leaving the page.
		do(t, ctx, chromedp.Navigate(srv.URL+"/worklist?tab=all"))
		waitPage(t, ctx, "cases_list")
		eval[bool](t, ctx, `(window.listsMarker = true)`)
		do(t, ctx, chromedp.SendKeys(css("#f-q"), "väntl"))
		get(t, ctx, chromedp.Poll[bool](`document.querySelector('#worklist h2').textContent.includes('väntl')`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if body := text(t, ctx, "#worklist"); !strings.Contains(body, "Vera Väntlund") || strings.Contains(body, "Omar Tagensson") {
			t.Errorf("live search result:\n%s", body)
		}
		if !eval[bool](t, ctx, `window.listsMarker === true && location.search.includes('q=')`) {
			t.Error("live search reloaded the page or left the address as it was")
		}
		if s := text(t, ctx, "#worklist-status"); s != "Antal ärenden: 1" {
			t.Errorf("status line %q", s)
		}
		checkA11y(t, ctx, "work list after live search")
	})

	t.Run("the steps tab", func(t *testing.T) {
		if code, _ := srv.Get(t, coord, "/worklist?tab=steps"); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		ctx := newBrowser(t)
		login(t, ctx, srv.URL, "samordnare", demo.Password)
		do(t, ctx, chromedp.Navigate(srv.URL+"/worklist?tab=steps&step=identified"))
		waitPage(t, ctx, "cases_list")
		checkA11y(t, ctx, "work list per step")
	})

	t.Run("the cards", func(t *testing.T) {
		ctx := newBrowser(t)
		login(t, ctx, srv.URL, "polis", demo.Password)
		do(t, ctx, chromedp.Navigate(srv.URL+"/cards"))
		waitPage(t, ctx, "cards")
		if body := text(t, ctx, "main"); strings.Contains(body, "Tagensson") || !strings.Contains(body, "Södra") {
			t.Errorf("police cards:\n%s", body)
		}
		checkA11y(t, ctx, "cards")
		clickAndWait(t, ctx, ".lists-card h2 a", "cards_show")
		checkA11y(t, ctx, "one card")
	})

	for _, user := range []string{"samordnare", "handlaggare", "polis", "skola", "beredning", "styrgrupp", "analytiker", "admin"} {
		t.Run(user+"'s start page", func(t *testing.T) {
			ctx := newBrowser(t)
			login(t, ctx, srv.URL, user, demo.Password)
			checkA11y(t, ctx, user+"'s start page")
		})
	}
}
