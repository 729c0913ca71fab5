package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// Nothing typed is lost (issue 17:1): the page warns two minutes before the session ends and
// "stay signed in" is reached and pressed by keyboard; a form typed and sent after the session
// ended by the clock comes back, text and all, on the same page after the next login.
func TestNothingTypedIsLost(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	ctx := newBrowser(t)
	waitJS := func(t *testing.T, expr string) {
		t.Helper()
		get(t, ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second)))
	}
	const note = "Mötet 12 maj: skolan rapporterar ökad frånvaro, fritidsgården ser honom varje kväll."
	const more = " Mamma ringer tillbaka på fredag."

	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/concerns/new"))
	waitPage(t, ctx, "concern_form")
	do(t, ctx, chromedp.WaitVisible(css("#f-note")), chromedp.SendKeys(css("#f-note"), note))
	waitJS(t, `document.querySelector("form[data-draft='/concerns']").dataset.draftSaved === "yes"`)

	t.Run("the warning two minutes ahead, and staying signed in by keyboard", func(t *testing.T) {
		clock.Advance(28*time.Minute + 30*time.Second)
		// The page's own countdown reaches the warning (the browser's clock did not move with
		// the server's): the page asks the server, which says 90 seconds.
		eval[bool](t, ctx, `(document.getElementById("session-warning").dataset.ends = String(Date.now() + 100000), true)`)
		waitJS(t, `document.getElementById("session-warning").open`)
		if got := text(t, ctx, "#session-warning-title"); got != "Du loggas snart ut" {
			t.Errorf("warning title %q", got)
		}
		if !eval[bool](t, ctx, `document.activeElement === document.querySelector("[data-session-keep]")`) {
			t.Fatalf("focus is not on 'stay signed in' but on %s", eval[string](t, ctx, `document.activeElement.outerHTML`))
		}
		checkA11y(t, ctx, "the session warning")
		do(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitJS(t, `!document.getElementById("session-warning").open`)
		left := eval[float64](t, ctx, `fetch("/session/left").then(r => r.json()).then(b => b.left)`)
		if left != 30*60 {
			t.Errorf("after 'stay signed in' the session has %v s left, want 1800", left)
		}
		// 29 minutes later the session still lives: the button used it.
		clock.Advance(29 * time.Minute)
		if left := eval[float64](t, ctx, `fetch("/session/left").then(r => r.json()).then(b => b.left)`); left != 60 {
			t.Errorf("29 minutes after 'stay signed in': %v s left, want 60", left)
		}
	})

	t.Run("a form sent after the end comes back after the next login", func(t *testing.T) {
		// More text, not yet saved as a draft when the session ends by the clock.
		eval[bool](t, ctx, `(document.getElementById("f-note").value += `+jsString(more)+`, true)`)
		clock.Advance(31 * time.Minute)
		do(t, ctx, chromedp.Click(css("form[action='/concerns'] button[type=submit]")))
		waitPage(t, ctx, "login")
		if got := text(t, ctx, ".flash"); !strings.Contains(got, "gått ut") {
			t.Errorf("the login page says %q, not that the session ended", got)
		}
		do(t, ctx,
			chromedp.SendKeys(css("#f-username"), "samordnare"),
			chromedp.SendKeys(css("#f-password"), demo.Password),
			chromedp.Click(css("form[action^='/login'] button[type=submit]")),
		)
		waitPage(t, ctx, "concern_form")
		waitJS(t, `document.querySelector("form[data-draft='/concerns']").dataset.draftRestored === "yes"`)
		if got := eval[string](t, ctx, `document.getElementById("f-note").value`); got != note+more {
			t.Errorf("the note after the login is %q, want %q", got, note+more)
		}
		if got := text(t, ctx, ".draft-notice"); !strings.Contains(got, "lagts tillbaka") {
			t.Errorf("restored-draft notice %q", got)
		}
		checkA11y(t, ctx, "the form with its draft put back")
	})

	t.Run("a draft is read back by its writer only, and discarded on request", func(t *testing.T) {
		other := srv.Login(t, "analytiker")
		if code, body := srv.Get(t, other, "/drafts?form=%2Fconcerns"); code != 204 {
			t.Errorf("another user's read of the draft: %d %s", code, body)
		}
		do(t, ctx, chromedp.Click(css(".draft-notice button")))
		waitJS(t, `document.getElementById("f-note").value === ""`)
		if code := eval[float64](t, ctx, `fetch("/drafts?form=%2Fconcerns").then(r => r.status)`); code != 204 {
			t.Errorf("after discarding, the draft is still served: %v", code)
		}
	})
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// Destructive steps ask first and can be undone (issue 17:3): removing a group member and
// cancelling a meeting open a confirmation reached and answered by keyboard (Escape keeps
// everything), and the page after offers "Ångra"; closing a case asks too, and a closed case is
// reopened with a reason — offered exactly when the server's May says the move is possible.
func TestDestructiveStepsAskAndCanBeUndone(t *testing.T) {
	clock := storetest.NewClock(groupsE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f, caseID := groupsE2ECase(t, srv)
	st := srv.App.Store
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	police := f.Users[casework.RoleGroupMember]
	if _, err := st.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID, Role: "kontaktpolis"}); err != nil {
		t.Fatal(err)
	}
	members := func() int {
		g, err := st.Group(coord, caseID)
		if err != nil {
			t.Fatal(err)
		}
		return len(g.Members)
	}
	casePath := srv.URL + "/cases/" + strconv.FormatInt(caseID, 10)
	ctx := newBrowser(t)
	waitJS := func(t *testing.T, expr string) {
		t.Helper()
		get(t, ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second)))
	}
	focused := func(t *testing.T, sel string) {
		t.Helper()
		if !eval[bool](t, ctx, `document.activeElement === document.querySelector(`+jsString(sel)+`)`) {
			t.Fatalf("focus is not on %s but on %s", sel, eval[string](t, ctx, `document.activeElement.outerHTML`))
		}
	}
	// press sends keys to the focused element and, with name, waits for a new page of that name.
	press := func(t *testing.T, name string, keys ...string) {
		t.Helper()
		eval[bool](t, ctx, `document.body.dataset.dailyStale = "1", true`)
		for _, k := range keys {
			do(t, ctx, chromedp.KeyEvent(k))
		}
		if name != "" {
			do(t, ctx, chromedp.WaitVisible(css("body[data-page='"+name+"']:not([data-daily-stale]) main")))
		}
	}
	login(t, ctx, srv.URL, "samordnare", demo.Password)

	t.Run("removing a member asks, by keyboard, and can be undone", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(casePath+"/group"))
		waitPage(t, ctx, "group_show")
		remove := "form[action$='/remove'] button"
		eval[bool](t, ctx, `document.querySelector(`+jsString(remove)+`).focus(), true`)
		press(t, "", kb.Enter)
		waitJS(t, `document.getElementById("confirm-dialog").open`)
		focused(t, "[data-confirm-cancel]")
		if got := text(t, ctx, "#confirm-dialog-text"); !strings.Contains(got, "tas bort ur gruppen") {
			t.Errorf("the question %q", got)
		}
		checkA11y(t, ctx, "the confirmation of a removal")
		press(t, "", kb.Escape)
		waitJS(t, `!document.getElementById("confirm-dialog").open`)
		focused(t, remove)
		if n := members(); n != 1 {
			t.Fatalf("Escape removed the member: %d members", n)
		}
		press(t, "", kb.Enter)
		waitJS(t, `document.getElementById("confirm-dialog").open`)
		press(t, "group_show", "\t", kb.Enter) // Tab to the yes button, Enter
		if n := members(); n != 0 {
			t.Fatalf("after the confirmed removal %d members", n)
		}
		if fl := text(t, ctx, ".flash"); fl != "Personen är borttagen ur gruppen." {
			t.Errorf("flash %q", fl)
		}
		checkA11y(t, ctx, "the group page offering the undo")
		eval[bool](t, ctx, `document.querySelector(".undo-form button").focus(), true`)
		press(t, "group_show", kb.Enter)
		if fl := text(t, ctx, ".flash"); fl != "Personen är tillbaka i gruppen." {
			t.Errorf("flash after the undo %q", fl)
		}
		if n := members(); n != 1 {
			t.Fatalf("after the undo %d members", n)
		}
	})

	t.Run("cancelling a meeting asks and can be undone", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(casePath+"/meetings"))
		waitPage(t, ctx, "meeting_list")
		groupsSubmit(t, ctx, "meeting_show", "form[action$='/meetings'] button[type=submit]",
			chromedp.SendKeys(css("#f-place"), "Familjehuset, rum 2"))
		do(t, ctx, chromedp.SendKeys(css("form[action$='/cancel'] input[name=reason]"), "Skolan har studiedag"),
			chromedp.Click(css("form[action$='/cancel'] button[type=submit]")))
		waitJS(t, `document.getElementById("confirm-dialog").open`)
		focused(t, "[data-confirm-cancel]")
		press(t, "meeting_show", "\t", kb.Enter)
		if fl := text(t, ctx, ".flash"); !strings.HasPrefix(fl, "Mötet är inställt") {
			t.Errorf("flash %q", fl)
		}
		groupsSubmit(t, ctx, "meeting_show", ".undo-form button")
		if fl := text(t, ctx, ".flash"); !strings.HasPrefix(fl, "Mötet är planerat igen") {
			t.Errorf("flash after the undo %q", fl)
		}
		if n := eval[float64](t, ctx, `document.querySelectorAll("form[action$='/cancel']").length`); n != 1 {
			t.Errorf("the meeting planned again offers no cancel form (%v)", n)
		}
		checkA11y(t, ctx, "the meeting planned again")
	})

	t.Run("closing asks; a closed case is reopened with a reason as the server allows", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(casePath))
		waitPage(t, ctx, "case_show")
		do(t, ctx, chromedp.SetValue(css("#f-closure-close"), "goals_reached"),
			chromedp.Click(css("#move-close button[type=submit]")))
		waitJS(t, `document.getElementById("confirm-dialog").open`)
		press(t, "", kb.Escape)
		if d, err := st.CaseDetail(coord, caseID); err != nil || d.Case.Step != casework.StepActive {
			t.Fatalf("Escape closed the case: %v %v", d.Case.Step, err)
		}
		do(t, ctx, chromedp.Click(css("#move-close button[type=submit]")))
		waitJS(t, `document.getElementById("confirm-dialog").open`)
		groupsSubmit(t, ctx, "case_show", "[data-confirm-yes]")
		d, err := st.CaseDetail(coord, caseID)
		if err != nil || d.Case.Step != casework.StepClosed {
			t.Fatalf("after the confirmed close: %v %v", d.Case.Step, err)
		}
		o, _ := d.May.Move(casework.ActReopen)
		shown := eval[bool](t, ctx, `!!document.querySelector("#move-reopen")`)
		if !o.Possible() || !shown {
			t.Fatalf("reopen: the server says possible=%v, the page shows it=%v", o.Possible(), shown)
		}
		checkA11y(t, ctx, "a closed case")
		// Without a reason the server refuses at the field.
		groupsSubmit(t, ctx, "case_show", "#move-reopen button[type=submit]")
		if got := text(t, ctx, "#move-reopen"); !strings.Contains(got, "Skriv varför") ||
			!eval[bool](t, ctx, `document.getElementById("f-reason-reopen").getAttribute("aria-invalid") === "true"`) {
			t.Errorf("reopen without a reason is not refused at the field: %q", got)
		}
		groupsSubmit(t, ctx, "case_show", "#move-reopen button[type=submit]",
			chromedp.SendKeys(css("#f-reason-reopen"), "Ny oro från skolan en vecka efter avslutet."))
		if d, err := st.CaseDetail(coord, caseID); err != nil || d.Case.Step != casework.StepAssessment || d.Case.ClosureReason != "" {
			t.Fatalf("after reopening: step %v, closure %q, %v", d.Case.Step, d.Case.ClosureReason, err)
		}
		// The police member under the consent sees no reopen, as May says.
		pol := f.Ctx(t, st, casework.RoleGroupMember)
		if d, err := st.CaseDetail(pol, caseID); err == nil {
			if o, ok := d.May.Move(casework.ActReopen); ok && o.Decision.Allowed {
				t.Errorf("the police member may reopen: %+v", o)
			}
		}
	})
}

// The focus ring has at least 3:1 against what surrounds it (issue 17:7; WCAG 1.4.11): the
// first elements reached by Tab on the start page, the case list and a form — the skip link over
// the header, the header's links, links and fields on white — are measured: the outline's
// colour against the background just outside the element.
func TestFocusRingContrast(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	const measure = `(() => {
		const lum = (c) => {
			const m = c.match(/[\d.]+/g).map(Number);
			const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
			return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
		};
		const opaque = (c) => c && c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c);
		const e = document.activeElement;
		const st = getComputedStyle(e);
		const r = e.getBoundingClientRect();
		const off = parseFloat(st.outlineOffset) + parseFloat(st.outlineWidth) + 2;
		let x = r.left - off, y = r.top + r.height / 2;
		if (x < 0) { x = r.right + off; }
		let bg = "rgb(255, 255, 255)";
		for (const under of document.elementsFromPoint(x, y)) {
			if (under === e || e.contains(under)) continue;
			let p = under, c = null;
			for (; p; p = p.parentElement) { c = getComputedStyle(p).backgroundColor; if (opaque(c)) break; }
			if (p) bg = c;
			break;
		}
		const a = lum(st.outlineColor), b = lum(bg);
		return JSON.stringify({el: e.outerHTML.slice(0, 80), style: st.outlineStyle, outline: st.outlineColor, bg,
			ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
	})()`
	type ring struct {
		El, Style, Outline, Bg string
		Ratio                  float64
	}
	measured := 0
	for _, path := range []string{"/", "/worklist?tab=all", "/concerns/new"} {
		do(t, ctx, chromedp.Navigate(srv.URL+path))
		do(t, ctx, chromedp.WaitVisible(css("body main")))
		for i := 0; i < 14; i++ {
			do(t, ctx, chromedp.KeyEvent("\t"))
			var r ring
			if err := json.Unmarshal([]byte(eval[string](t, ctx, measure)), &r); err != nil {
				t.Fatal(err)
			}
			if r.Style == "none" {
				t.Errorf("%s, Tab %d: no focus ring on %s", path, i+1, r.El)
				continue
			}
			measured++
			if r.Ratio < 3 {
				t.Errorf("%s, Tab %d: focus ring %s on %s is %.2f:1 (want ≥ 3:1) on %s", path, i+1, r.Outline, r.Bg, r.Ratio, r.El)
			}
		}
	}
	if measured < 30 {
		t.Errorf("only %d focus rings measured", measured)
	}
}

// The access-log extract reads at a glance (issue 17:6): a summary first — who read what, how
// often, first and last time — and a CSV that Swedish Excel opens in columns: a byte-order
// mark and semicolons.
func TestAccessLogExtractReadsAtAGlance(t *testing.T) {
	clock := storetest.NewClock(groupsE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	_, caseID := groupsE2ECase(t, srv)
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "granskare", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/audit/youth?case="+strconv.FormatInt(caseID, 10)))
	waitPage(t, ctx, "audit_youth")
	rows := eval[float64](t, ctx, `document.querySelectorAll(".audit-summary tbody tr").length`)
	entries := eval[float64](t, ctx, `document.querySelectorAll(".audit-table tbody tr").length`)
	if rows < 1 || rows >= entries {
		t.Errorf("the summary has %v rows for %v entries", rows, entries)
	}
	if first := text(t, ctx, ".audit-summary tbody tr td"); !strings.Contains(first, "Sara Lindqvist") {
		t.Errorf("the summary's first row (most entries) is %q, want the coordinator", first)
	}
	checkA11y(t, ctx, "the access-log extract with its summary")

	raw := eval[string](t, ctx, `fetch(document.querySelector("a[href*='format=csv']").href).then(r => r.arrayBuffer()).then(b => {
		const u = new Uint8Array(b);
		const text = new TextDecoder("utf-8", {ignoreBOM: true}).decode(u);
		return JSON.stringify({bom: u[0] === 0xef && u[1] === 0xbb && u[2] === 0xbf, header: text.slice(1).split("\r\n")[0]});
	})`)
	var got struct {
		BOM    bool
		Header string
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	cols := strings.Split(got.Header, ";")
	if !got.BOM || len(cols) != 12 || cols[0] != "Tid" || strings.Contains(got.Header, ",") {
		t.Errorf("the CSV: byte-order mark %v, header %q (%d columns by semicolon)", got.BOM, got.Header, len(cols))
	}

	// The workbook: the summary, then every entry.
	code, body := srv.Get(t, srv.Login(t, "granskare"), "/audit/youth?format=xlsx&case="+strconv.FormatInt(caseID, 10))
	if code != 200 {
		t.Fatalf("xlsx: %d", code)
	}
	book, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	if sheets := book.GetSheetList(); len(sheets) != 2 || sheets[0] != "Sammanfattning" || sheets[1] != "Händelser" {
		t.Fatalf("sheets %v", sheets)
	}
	sum, _ := book.GetRows("Sammanfattning")
	all, _ := book.GetRows("Händelser")
	// (Making the extract is itself logged: the workbook, made later, has a little more.)
	if len(sum) < int(rows)+1 || len(all) < int(entries)+1 || sum[0][5] != "Antal gånger" || !strings.Contains(sum[1][0], "Sara Lindqvist") {
		t.Errorf("workbook: %d summary rows (page %v), %d entry rows (page %v), header %v", len(sum)-1, rows, len(all)-1, entries, sum[0])
	}
}
