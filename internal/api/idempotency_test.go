package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// callKey sends a request with an Idempotency-Key (none when key is "").
func callKey(t *testing.T, srv *apptest.Server, method, path, token, key, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(api.IdempotencyHeader, key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func problemOf(t *testing.T, b []byte) api.Problem {
	t.Helper()
	var p api.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return p
}

// TestIdempotencyKeys: a write sent again with its Idempotency-Key — to the same Lots instance
// or another — is done once and answered as the first time; the same key with another body is
// a 422 problem; a key whose write committed without a recorded answer is a 409 problem.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Now())
		srvs := apptest.StartInstances(t, e, 2, apptest.Options{Now: clock.Now})
		one, two := srvs[0], srvs[1]
		tok := tokenFor(t, one, "samordnare")
		coord := clientFor(t, one, "samordnare")
		concerns := func() int {
			var l api.ConcernList
			coord.want(200, "GET", "/api/v1/concerns", nil, &l)
			return len(l.Items)
		}
		before := concerns()
		body, _ := json.Marshal(api.ConcernRequest{Youth: api.YouthInput{FirstName: "Ida", LastName: "Omförsök", BirthDate: "2011-04-04"}, Ratings: irkRatings(2)})

		res1, b1 := callKey(t, one, "POST", "/api/v1/concerns", tok, "concern-1", string(body))
		if res1.StatusCode != 201 || res1.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %s", res1.StatusCode, b1)
		}
		var rc api.ConcernReceipt
		if err := json.Unmarshal(b1, &rc); err != nil || rc.CaseID == 0 {
			t.Fatalf("receipt %s: %v", b1, err)
		}

		t.Run("sent again, to either instance, it is answered as the first time and done once", func(t *testing.T) {
			for _, srv := range []*apptest.Server{one, two, two} {
				res, b := callKey(t, srv, "POST", "/api/v1/concerns", tok, "concern-1", string(body))
				if res.StatusCode != 201 || string(b) != string(b1) || res.Header.Get("Idempotent-Replayed") != "true" ||
					res.Header.Get("Content-Type") != res1.Header.Get("Content-Type") {
					t.Fatalf("retry: %d %q %s; want 201 %s", res.StatusCode, res.Header.Get("Idempotent-Replayed"), b, b1)
				}
			}
			if n := concerns(); n != before+1 {
				t.Fatalf("%d concerns after three retries; want %d", n, before+1)
			}
		})

		t.Run("the same key with another body is refused", func(t *testing.T) {
			other := strings.Replace(string(body), "Omförsök", "Annan", 1)
			res, b := callKey(t, two, "POST", "/api/v1/concerns", tok, "concern-1", other)
			p := problemOf(t, b)
			if res.StatusCode != 422 || p.Code != "invalid" || p.Key != "idempotency.key_reused" || p.Message == "" || !strings.Contains(p.Detail, "POST /api/v1/concerns") {
				t.Fatalf("%d %+v", res.StatusCode, p)
			}
			// and on another path
			res, b = callKey(t, one, "POST", casePath(rc.CaseID, "/notes"), tok, "concern-1", `{"category": "social", "text": "x"}`)
			if res.StatusCode != 422 || problemOf(t, b).Key != "idempotency.key_reused" {
				t.Fatalf("another path: %d %s", res.StatusCode, b)
			}
			if n := concerns(); n != before+1 {
				t.Fatalf("%d concerns; want %d", n, before+1)
			}
		})

		fc := toConsentStep(t, coord, "Anteckningsson") // a case the coordinator works on
		t.Run("a note sent twice is one note", func(t *testing.T) {
			note := `{"category": "social", "text": "Samtal med Ida om skolan."}`
			for range 2 {
				if res, b := callKey(t, one, "POST", casePath(fc.ID, "/notes"), tok, "note-1", note); res.StatusCode != 204 {
					t.Fatalf("%d %s", res.StatusCode, b)
				}
			}
			var tl api.Timeline
			coord.want(200, "GET", casePath(fc.ID, "/timeline"), nil, &tl)
			n := 0
			for _, ev := range tl.Items {
				if strings.Contains(ev.Text, "Samtal med Ida om skolan.") {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d notes; want 1", n)
			}
		})

		t.Run("a refused request leaves its key for the corrected one", func(t *testing.T) {
			res, b := callKey(t, one, "POST", casePath(fc.ID, "/notes"), tok, "note-2", `{"category": "nonsense", "text": "y"}`)
			if res.StatusCode != 422 {
				t.Fatalf("%d %s", res.StatusCode, b)
			}
			if res, b := callKey(t, one, "POST", casePath(fc.ID, "/notes"), tok, "note-2", `{"category": "social", "text": "y"}`); res.StatusCode != 204 {
				t.Fatalf("the corrected request: %d %s", res.StatusCode, b)
			}
		})

		t.Run("a bad key is a 400 problem", func(t *testing.T) {
			for _, k := range []string{"with space", strings.Repeat("k", 256), "åäö"} {
				res, b := callKey(t, one, "POST", "/api/v1/concerns", tok, k, string(body))
				if p := problemOf(t, b); res.StatusCode != 400 || p.Key != "idempotency.key_invalid" {
					t.Fatalf("key %q: %d %+v", k, res.StatusCode, p)
				}
			}
		})

		t.Run("a write committed without its answer is not done again", func(t *testing.T) {
			// As if the first request's connection broke at COMMIT after the write had reached
			// the database: the key is there, no answer is.
			ctx := context.Background()
			c, err := one.App.Store.CredentialsByUsername(ctx, "samordnare")
			if err != nil {
				t.Fatal(err)
			}
			a, err := one.App.Store.Actor(ctx, c.User.MunicipalityID, c.User.ID, casework.ViaSession)
			if err != nil {
				t.Fatal(err)
			}
			lost, _ := json.Marshal(api.ConcernRequest{Youth: api.YouthInput{FirstName: "Bo", LastName: "Avbruten", BirthDate: "2011-05-05"}, Ratings: irkRatings(1)})
			sum := sha256.Sum256(lost)
			req := &store.IdempotentRequest{Key: "concern-lost", Fingerprint: "POST /api/v1/concerns " + hex.EncodeToString(sum[:])}
			if _, err := one.App.Store.RegisterConcern(store.WithIdempotentRequest(casework.WithActor(ctx, a), req), store.ConcernInput{
				Youth: casework.YouthInput{FirstName: "Bo", LastName: "Avbruten", BirthDate: "2011-05-05"}, Ratings: storetest.IRKRatings(1), Program: casework.ProgramSIG,
			}); err != nil {
				t.Fatal(err)
			}
			n := concerns()
			res, b := callKey(t, two, "POST", "/api/v1/concerns", tok, "concern-lost", string(lost))
			p := problemOf(t, b)
			if res.StatusCode != 409 || p.Code != "conflict" || p.Key != "idempotency.pending" || res.Header.Get("Retry-After") == "" {
				t.Fatalf("%d %+v", res.StatusCode, p)
			}
			if concerns() != n {
				t.Fatal("the retry wrote the concern again")
			}
			// A minute on, no answer is coming: the first request broke after its commit.
			clock.Advance(store.IdempotencyAnswerWait)
			res, b = callKey(t, one, "POST", "/api/v1/concerns", tok, "concern-lost", string(lost))
			if p := problemOf(t, b); res.StatusCode != 409 || p.Key != "idempotency.answer_lost" || res.Header.Get("Retry-After") != "" || p.Message == "" {
				t.Fatalf("after IdempotencyAnswerWait: %d %+v", res.StatusCode, p)
			}
			if concerns() != n {
				t.Fatal("the retry wrote the concern again")
			}
		})
	})
}
