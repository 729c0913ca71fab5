package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// The steering group's dashboard at a glance (issue 17:5): on the demo municipality it opens
// with the key figures — share on time among them, shown or hidden with its reason — and the
// detailed sections collapsed under their headings, so the page at 1280 px is less than half
// as tall as with every section open (the page as it was). A section opens by keyboard, a
// printout opens them all, and axe finds nothing either way.
func TestDashboardAtAGlance(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Demo: true})
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "analytiker", demo.Password)
	do(t, ctx, chromedp.EmulateViewport(1280, 900))
	do(t, ctx, chromedp.Navigate(srv.URL+"/followup"))
	waitPage(t, ctx, "dashboard_show")
	checkA11y(t, ctx, "the dashboard with its sections collapsed")

	// The key figures come before every section, and share on time is among them: a
	// percentage, or a hidden mark with the reason.
	if !eval[bool](t, ctx, `(() => {
		const k = document.querySelector("#key-figures"), s = document.querySelector(".fu-section");
		return !!k && !!s && !!(k.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING);
	})()`) {
		t.Fatal("the key figures do not come before the sections")
	}
	onTime := eval[[]string](t, ctx, `[...document.querySelectorAll("#key-figures li[id^=key-on-time-]")].map(li => li.innerText.replace(/\s+/g, " ").trim())`)
	t.Logf("share on time in the key figures: %q", onTime)
	if len(onTime) != 3 {
		t.Fatalf("share on time in the key figures: %q", onTime)
	}
	for _, s := range onTime {
		shown := strings.Contains(s, "%")
		explained := strings.Contains(s, "Dold") && strings.Contains(s, "ärenden")
		if !strings.HasPrefix(s, "Andel i tid") || shown == explained {
			t.Errorf("share on time reads %q: neither a share nor a reason why it is hidden", s)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#key-figures li").length`); n < 6 || n > 8 {
		t.Errorf("%d key figures: a steering group reads a handful", n)
	}

	// Collapsed by default; charts still sit with their tables inside.
	if n := eval[int](t, ctx, `document.querySelectorAll(".fu-section details:not([open])").length`); n != 5 {
		t.Fatalf("%d sections collapsed, want all 5", n)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll(".fu-figure")].filter(f => f.querySelector("svg") && !f.querySelector("table")).length`); n != 0 {
		t.Errorf("%d charts without their table", n)
	}
	collapsed := eval[int](t, ctx, `document.documentElement.scrollHeight`)
	open := eval[int](t, ctx, `(document.querySelectorAll(".fu-section details").forEach(d => d.open = true), document.documentElement.scrollHeight)`)
	t.Logf("page height at 1280 px: %d px collapsed, %d px with every section open", collapsed, open)
	if collapsed*2 >= open {
		t.Errorf("collapsed the page is %d px, with every section open %d px: not under half", collapsed, open)
	}
	checkA11y(t, ctx, "the dashboard with every section open")
	eval[bool](t, ctx, `(document.querySelectorAll(".fu-section details").forEach(d => d.open = false), true)`)

	// A section opens from the keyboard: its summary takes focus and Enter opens it.
	eval[bool](t, ctx, `(document.querySelector("#sec-times summary").focus(), true)`)
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	if !eval[bool](t, ctx, `document.querySelector("#sec-times details").open`) {
		t.Error("Enter on a section's heading does not open it")
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))

	// Printing opens every section (lots.js on beforeprint) and closes them again after.
	printed := eval[int](t, ctx, `(window.dispatchEvent(new Event("beforeprint")), document.querySelectorAll(".fu-section details[open]").length)`)
	after := eval[int](t, ctx, `(window.dispatchEvent(new Event("afterprint")), document.querySelectorAll(".fu-section details[open]").length)`)
	if printed != 5 || after != 0 {
		t.Errorf("sections open when printing: %d (want 5), after: %d (want 0)", printed, after)
	}
	// And in print media the closed sections' content is laid out too (::details-content).
	do(t, ctx, emulateMedia("print"))
	if h := eval[float64](t, ctx, `document.querySelector("#sec-times details:not([open]) table").getBoundingClientRect().height`); h == 0 {
		t.Error("a closed section's table is not laid out in print media")
	}
	do(t, ctx, emulateMedia(""))
}
