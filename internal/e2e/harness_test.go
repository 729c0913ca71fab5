package e2e

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// The accessibility check must be able to fail: a page with an unlabelled input and an image
// without alternative text has violations.
func TestAxeFindsViolations(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>bad</title></head><body><main><img src="x.png"><input type="text"></main></body></html>`))
	}))
	defer bad.Close()
	ctx := newBrowser(t)
	do(t, ctx, chromedp.Navigate(bad.URL))
	found := map[string]bool{}
	for _, v := range axeViolations(t, ctx) {
		found[v.ID] = true
	}
	for _, rule := range []string{"image-alt", "label", "html-has-lang"} {
		if !found[rule] {
			t.Errorf("axe did not report %s; found %v", rule, found)
		}
	}
}
