package authz

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// httpReq is one concrete request: placeholders already filled in.
type httpReq struct {
	method, path string
	api          bool
	form         url.Values // a web form (POST), sent same-origin as a browser would
	json         string     // an API body
	file         *upload    // a multipart upload with form's fields
	raw          *upload    // an API body sent as is, with name as its Content-Type
}

// upload is a file in a multipart form.
type upload struct {
	field, name string
	data        []byte
}

// response is what the matrix compares: status, redirect target and body.
type response struct {
	status   int
	location string
	ctype    string
	body     string
	entries  int // audit entries the request wrote (-1: not counted)
}

func (r response) String() string {
	b := r.body
	if len(b) > 600 {
		b = b[:600] + "…"
	}
	return strings.TrimSpace(strings.Join([]string{itoa(int64(r.status)), r.location, b}, " "))
}

// do sends req as ac (nil: nobody logged in): the session cookie on web requests, the API
// token on API requests. No cookie jar: a flash message one answer sets never shows up in the
// next, so two answers can be compared byte for byte.
func (w *world) do(t testing.TB, ac *actor, req httpReq) response {
	t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case req.file != nil:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, vs := range req.form {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		fw, err := mw.CreateFormFile(req.file.field, req.file.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(req.file.data)
		_ = mw.Close()
		body, ctype = &b, mw.FormDataContentType()
	case req.raw != nil:
		body, ctype = bytes.NewReader(req.raw.data), req.raw.name
	case req.api && req.json != "":
		body, ctype = strings.NewReader(req.json), "application/json"
	case req.form != nil:
		body, ctype = strings.NewReader(req.form.Encode()), "application/x-www-form-urlencoded"
	}
	hr, err := http.NewRequest(req.method, w.srv.URL+req.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	if req.method != "GET" && !req.api {
		hr.Header.Set("Origin", w.srv.URL)
		hr.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if ac != nil {
		if req.api {
			hr.Header.Set("Authorization", "Bearer "+ac.token)
		} else {
			hr.AddCookie(&http.Cookie{Name: "lots_session", Value: ac.session})
		}
	}
	id := w.entries.number(hr)
	res, err := w.client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, location: res.Header.Get("Location"), ctype: res.Header.Get("Content-Type"), body: string(b),
		entries: w.entries.of(id)}
}

// normalised replaces the given values (an id, a search term) by a placeholder, in the body
// and the redirect target, so an answer about a real record can be compared with the answer
// about one that does not exist.
func (r response) normalised(repl ...string) response {
	rp := strings.NewReplacer(repl...)
	r.body, r.location = rp.Replace(r.body), rp.Replace(r.location)
	return r
}

func (r response) same(o response) bool {
	return r.status == o.status && r.location == o.location && r.body == o.body
}
