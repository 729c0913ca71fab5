package e2e

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Checks every page pattern gets with its accessibility check (issue 17:7): no element id used
// twice (a label, a fragment link or aria-describedby would find the wrong one), and no
// horizontal scroll on a phone 360 px wide (the narrowest of the 360–390 px) — content
// too wide scrolls inside its own box.

// phoneWidth is the narrowest common phone's viewport width in CSS pixels.
const phoneWidth = 360

// checkPagePatterns runs the checks on the current page.
func checkPagePatterns(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if dups := duplicateIDs(t, ctx); len(dups) > 0 {
		t.Errorf("%s: ids used more than once: %v", what, dups)
	}
	if wide := phoneOverflow(t, ctx); len(wide) > 0 {
		t.Errorf("%s: the page scrolls sideways at %d px; too wide: %v", what, phoneWidth, wide)
	}
}

// duplicateIDs lists the ids more than one element of the page has.
func duplicateIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	raw := eval[string](t, ctx, `(() => {
		const seen = new Set(), dup = new Set();
		for (const e of document.querySelectorAll("[id]")) { if (seen.has(e.id)) dup.add(e.id); seen.add(e.id); }
		return JSON.stringify([...dup]);
	})()`)
	var out []string
	_ = json.Unmarshal([]byte(raw), &out)
	return out
}

// phoneOverflow shows the page phoneWidth wide and, when the document is wider than the screen,
// names the outermost elements that reach past its edge; then the window's size is back.
func phoneOverflow(t *testing.T, ctx context.Context) []string {
	t.Helper()
	do(t, ctx, chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
	// Back to the window's own size and a desktop (not ResetViewport: it leaves an override).
	defer do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
		return err
	}))
	raw := eval[string](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => {
		const root = document.documentElement;
		if (root.scrollWidth <= root.clientWidth) return r("[]");
		const out = [];
		// inside a box that scrolls (a wide table's wrap), reaching past the edge is the point
		const inScroller = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== "visible") return true; } return false; };
		for (const e of document.body.querySelectorAll("*")) {
			const b = e.getBoundingClientRect();
			if (b.right <= root.clientWidth + 1 || b.width === 0 || inScroller(e)) continue;
			// the outermost elements too wide: their parent fits
			const pb = e.parentElement.getBoundingClientRect();
			if (e.parentElement !== document.body && pb.right > root.clientWidth + 1) continue;
			out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " (" + Math.round(b.right) + " px)");
			if (out.length >= 6) break;
		}
		if (!out.length) { // content spilling out of a box that fits
			for (const e of document.body.querySelectorAll("*")) {
				if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible" && e.scrollWidth > root.clientWidth && !inScroller(e)) {
					out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " (content " + e.scrollWidth + " px)");
				}
				if (out.length >= 6) break;
			}
		}
		r(JSON.stringify(out.length ? out : ["the document is " + root.scrollWidth + " px wide"]));
	})))`)
	var out []string
	_ = json.Unmarshal([]byte(raw), &out)
	return out
}
