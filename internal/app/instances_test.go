package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// TestTwoInstancesOneDatabase: two `lots serve` on one database behind a load balancer that
// sends each request wherever it likes (issue 18). Nothing a person sees depends on which
// instance answers: the login brake counts failures made on either, a session begun on one is
// good on the other, a scheduled job runs once, and the audit log both append to verifies.
func TestTwoInstancesOneDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		srv := apptest.StartInstances(t, engine, 2, apptest.Options{})
		a, b := srv[0], srv[1]
		login := func(s *apptest.Server, c *http.Client, user, password string) (int, string) {
			t.Helper()
			res, body := s.PostForm(t, c, "/login", url.Values{"username": {user}, "password": {password}})
			return res.StatusCode, body
		}

		t.Run("five wrong passwords spread over both instances brake the sixth attempt on either", func(t *testing.T) {
			c := a.Client()
			for i := range 5 {
				s := srv[i%2]
				if code, _ := login(s, c, "polis", "fel lösenord"); code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d on instance %d: status %d", i+1, i%2+1, code)
				}
			}
			for i, s := range srv {
				code, body := login(s, c, "polis", demo.Password)
				if code != http.StatusUnauthorized || !strings.Contains(body, "För många misslyckade inloggningsförsök") {
					t.Fatalf("right password on instance %d after five failures: status %d, braked %v", i+1, code,
						strings.Contains(body, "För många"))
				}
			}
			// Another user is not braked.
			if code, _ := login(b, b.Client(), "samordnare", demo.Password); code != http.StatusSeeOther {
				t.Fatalf("another user's login: status %d", code)
			}
		})

		t.Run("a session begun on one instance is good on the other", func(t *testing.T) {
			c := a.Login(t, "samordnare")
			code, body := b.Get(t, c, "/")
			if code != http.StatusOK || !strings.Contains(body, "Sara Lindqvist") {
				t.Fatalf("start page on the second instance: status %d, user shown %v", code, strings.Contains(body, "Sara Lindqvist"))
			}
			res, _ := b.PostForm(t, c, "/logout", nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout on the second instance: %d", res.StatusCode)
			}
			if code, _ := a.Get(t, c, "/"); code != http.StatusSeeOther {
				t.Fatalf("the first instance after logging out on the second: status %d, want a redirect to the login", code)
			}
		})

		t.Run("daily retention started on both at once runs once", func(t *testing.T) {
			ctx := context.Background()
			var wg sync.WaitGroup
			for _, s := range srv {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.App.DailyRetention(ctx)
				}()
			}
			wg.Wait()
			f := a.DemoFixture(t, map[casework.Role]string{casework.RoleAdmin: "admin"})
			runs, err := b.App.Store.RetentionRuns(f.Ctx(t, b.App.Store, casework.RoleAdmin), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 1 {
				t.Fatalf("%d retention runs, want 1", len(runs))
			}
		})

		t.Run("the audit log both instances append to at once verifies", func(t *testing.T) {
			users := []string{"samordnare", "samordnare2", "handlaggare", "skola"}
			var wg sync.WaitGroup
			for i, user := range users {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range 4 {
						s := srv[(i+j)%2]
						c := s.Login(t, user)
						for _, p := range []string{"/", "/worklist", "/concerns"} {
							if code, _ := srv[(i+j+1)%2].Get(t, c, p); code != http.StatusOK && code != http.StatusForbidden {
								t.Errorf("%s %s: %d", user, p, code)
							}
						}
					}
				}()
			}
			wg.Wait()
			m, err := a.App.Store.MunicipalityByCode(context.Background(), demo.Code)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range srv {
				h, err := s.App.Store.VerifyAudit(context.Background(), m.ID)
				if err != nil {
					t.Fatalf("verify on instance %d: %v", i+1, err)
				}
				if h.Size < int64(len(users)*4) {
					t.Fatalf("head size %d: the logins are not all there", h.Size)
				}
			}
		})
	})
}
