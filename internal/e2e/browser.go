// Package e2e holds the end-to-end tests: the real Lots on a random port, driven by Debian's
// chromium through chromedp, with axe-core checking accessibility.
//
// Without chromium (/usr/bin/chromium, or LOTS_CHROMIUM) or axe-core (node_modules, installed
// by `make test`) the tests skip — except under CI=true, where they fail.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing under CI=true: %v", what, err)
	}
	t.Skipf("%s not available (%v); `make test` installs it", what, err)
}

func chromiumPath() (string, error) {
	if p := os.Getenv("LOTS_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath("chromium")
}

// repoRoot finds the module root from this file's location.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// newBrowser starts a headless chromium for the test and returns its tab's context.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := chromiumPath()
	need(t, "chromium", err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		need(t, "a working chromium", err)
	}
	return ctx
}

// do runs steps, failing the test (with a screenshot for the post-mortem) on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		fatalWithScreenshot(t, ctx, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		fatalWithScreenshot(t, ctx, err)
	}
	return v
}

func fatalWithScreenshot(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	if buf, e := chromedp.Run(ctx, chromedp.FullScreenshot(80)); e == nil {
		p := filepath.Join(os.TempDir(), fmt.Sprintf("lots-e2e-%s.jpg", strings.ReplaceAll(t.Name(), "/", "_")))
		_ = os.WriteFile(p, buf, 0o644)
		t.Fatalf("browser: %v (screenshot %s)", err, p)
	}
	t.Fatalf("browser: %v", err)
}

// css selects the first element matching a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, chromedp.Text(css(sel))))
}

// eval evaluates a JavaScript expression, awaiting a promise.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[T](expr, func(p *cdpruntime.EvaluateParams) { p.AwaitPromise = new(true) }))
}

// login fills in the login form and waits for the start page.
func login(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	submitLogin(t, ctx, base, username, password)
	waitPage(t, ctx, "home")
}

// submitLogin fills in and submits the login form.
func submitLogin(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#f-username")),
		chromedp.SendKeys(css("#f-username"), username),
		chromedp.SendKeys(css("#f-password"), password),
		chromedp.Click(css("form[action='/login'] button[type=submit]")),
	)
}

// waitPage waits until the page rendered from template name is shown (the layout puts the
// name on <body data-page>). A form that fails re-renders its own page: wait for an element
// of the answer then, not for the page.
func waitPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	do(t, ctx, chromedp.WaitVisible(css("body[data-page='"+name+"'] main")))
}

// clickAndWait clicks sel and waits for the page name.
func clickAndWait(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	do(t, ctx, chromedp.Click(css(sel)))
	waitPage(t, ctx, name)
}

var axeSource string

// axeViolation is what axe-core reports per rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the current page for WCAG 2.1 A and AA and fails on any
// violation; and the page checks of pagechecks.go.
func checkA11y(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	checkPagePatterns(t, ctx, what) // pagechecks.go: unique ids, no sideways scroll on a phone
	for _, v := range axeViolations(t, ctx) {
		for _, n := range v.Nodes {
			t.Errorf("%s: axe %s (%s): %s at %v: %s", what, v.ID, v.Impact, v.Help, n.Target, n.HTML)
		}
	}
}

// axeViolations runs axe-core on the current page for WCAG 2.1 A and AA.
func axeViolations(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	if axeSource == "" {
		b, err := os.ReadFile(filepath.Join(repoRoot(), "node_modules", "axe-core", "axe.min.js"))
		need(t, "axe-core (npm ci)", err)
		axeSource = string(b)
	}
	eval[bool](t, ctx, axeSource+";true")
	raw := eval[string](t, ctx, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}
