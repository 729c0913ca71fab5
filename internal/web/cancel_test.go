package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A client that goes away in the middle of a request leaves its store call to fail on a
// cancelled context (or a transaction already rolled back). That is logged as a cancelled
// request with status 499, not as an error with status 500 (issue 19, point 10).
func TestDisconnectedClientIsLoggedAsCancelled(t *testing.T) {
	var logs syncBuffer
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	c := srv.Login(t, "samordnare")
	u, _ := url.Parse(srv.URL)
	var cookie *http.Cookie
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == "lots_session" {
			cookie = k
		}
	}
	if cookie == nil {
		t.Fatal("no session")
	}
	tok := apiToken(t, srv, "samordnare")
	for _, path := range []string{"/worklist", "/api/v1/cases"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client is gone before the store is asked
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
		req.AddCookie(cookie)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.App.Web.Handler().ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError {
			t.Errorf("%s: answered 500", path)
		}
	}
	out := logs.String()
	if strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
		t.Errorf("a cancelled request is logged as an error:\n%s", out)
	}
	for _, want := range []string{`msg="request cancelled" method=GET path=/worklist`, `msg="api request cancelled" method=GET path=/api/v1/cases`, "status=499"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

// apiToken makes an API token for username.
func apiToken(t *testing.T, srv *apptest.Server, username string) string {
	t.Helper()
	ctx := context.Background()
	c, err := srv.App.Store.CredentialsByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := srv.App.Auth.CreateAPIToken(casework.WithActor(ctx, casework.SystemActor(c.User.MunicipalityID, "test")), c.User.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
