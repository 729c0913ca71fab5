package api_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

func tokenFor(t testing.TB, srv *apptest.Server, username string) string {
	t.Helper()
	ctx := context.Background()
	c, err := srv.App.Store.CredentialsByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(c.User.MunicipalityID, "test"))
	tok, _, err := srv.App.Auth.CreateAPIToken(sys, c.User.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func call(t *testing.T, srv *apptest.Server, method, path, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestMeWithToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		tok := tokenFor(t, srv, "polis")
		res, body := call(t, srv, "GET", "/api/v1/me", tok, "")
		if res.StatusCode != 200 {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		var me api.Me
		if err := json.Unmarshal(body, &me); err != nil {
			t.Fatal(err)
		}
		if me.Username != "polis" || me.AgencyKind != "polis" || me.Municipality != "Demo kommun" || len(me.Roles) != 1 || me.Roles[0] != "group_member" {
			t.Fatalf("me = %+v", me)
		}
	})
}

func TestUnauthenticatedCallsGetProblems(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	tests := []struct {
		name, token string
	}{
		{"no token", ""},
		{"a token without the prefix", "abc"},
		{"an unknown token", "lots_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := call(t, srv, "GET", "/api/v1/me", tt.token, "")
			if res.StatusCode != 401 || res.Header.Get("Content-Type") != "application/problem+json" || res.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("%d %q %s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			var p struct {
				Status int    `json:"status"`
				Code   string `json:"code"`
				Title  string `json:"title"`
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != 401 || p.Code != "unauthorized" || p.Title == "" {
				t.Fatalf("problem %+v %v", p, err)
			}
		})
	}
	t.Run("an unknown endpoint is a 404 problem", func(t *testing.T) {
		res, _ := call(t, srv, "GET", "/api/v1/nothing-here", tokenFor(t, srv, "polis"), "")
		if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%d", res.StatusCode)
		}
	})
}

func TestOpenAPIDocumentDescribesEveryRoute(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	res, body := call(t, srv, "GET", "/api/v1/openapi.json", "", "")
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	a, err := api.New(srv.App.Store, srv.App.Auth, srv.App.Catalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range a.Routes() {
		p := strings.TrimPrefix(rt.Path, "/api/v1")
		op, ok := doc.Paths[p][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s missing from the document", rt.Method, p)
			continue
		}
		if op["summary"] == "" || op["responses"] == nil {
			t.Errorf("%s %s: no summary or responses", rt.Method, p)
		}
		// Every path and query parameter is described.
		documented := map[string]bool{}
		ps, _ := op["parameters"].([]any)
		for _, x := range ps {
			if m, ok := x.(map[string]any); ok {
				documented[fmt.Sprint(m["in"], ":", m["name"])] = true
			}
		}
		for _, m := range regexpPathParams.FindAllStringSubmatch(rt.Path, -1) {
			if !documented["path:"+m[1]] {
				t.Errorf("%s %s: path parameter %s undocumented", rt.Method, p, m[1])
			}
		}
		for _, q := range rt.Query {
			if !documented["query:"+q.Name] {
				t.Errorf("%s %s: query parameter %s undocumented", rt.Method, p, q.Name)
			}
		}
		if (rt.Request != nil || rt.RequestMedia != nil) && op["requestBody"] == nil {
			t.Errorf("%s %s: request body undocumented", rt.Method, p)
		}
		responses, _ := op["responses"].(map[string]any)
		for _, code := range rt.Problems {
			if responses[fmt.Sprint(code)] == nil {
				t.Errorf("%s %s: problem %d undocumented", rt.Method, p, code)
			}
		}
		for _, mt := range rt.ResponseMedia {
			ok, _ := responses[fmt.Sprint(cmp.Or(rt.Status, 200))].(map[string]any)
			if content, _ := ok["content"].(map[string]any); content[mt] == nil {
				t.Errorf("%s %s: response type %s undocumented", rt.Method, p, mt)
			}
		}
	}
	// Every $ref resolves.
	for _, m := range regexpRefs.FindAllStringSubmatch(string(body), -1) {
		if _, ok := doc.Comps.Schemas[m[1]]; !ok {
			t.Errorf("unresolved $ref %s", m[1])
		}
	}
}

var (
	regexpRefs       = regexp.MustCompile(`"#/components/schemas/([A-Za-z0-9_]+)"`)
	regexpPathParams = regexp.MustCompile(`\{([a-z_]+)\}`)
)
