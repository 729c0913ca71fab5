package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// auditorLogin logs in Demo kommun's auditor ("Logggranskare, dataskydd").
func auditorLogin(t *testing.T, srv *apptest.Server, _ *storetest.Fixture) *http.Client {
	t.Helper()
	return srv.Login(t, "granskare")
}

// The auditor gets the extract of one young person (page and CSV), the review, a user's
// entries and the tree head; administrators and coordinators get 403 on every audit page.
func auditorPages(t *testing.T, srv *apptest.Server, f *storetest.Fixture) {
	caseID := consentCase(t, srv, f, "Åsa", "Öberg", "Märta Öberg")
	cid := strconv.FormatInt(caseID, 10)
	coord := srv.Login(t, "samordnare")
	police := srv.Login(t, "polis")
	srv.Get(t, coord, "/cases/"+cid+"/consents")
	srv.Get(t, police, "/cases/"+cid+"/consents") // refused: no consent
	auditor := auditorLogin(t, srv, f)

	pages := []string{"/audit", "/audit/youth?case=" + cid, "/audit/youth?case=" + cid + "&format=csv", "/audit/review",
		"/audit/user?user=" + strconv.FormatInt(f.Users[casework.RoleCoordinator].ID, 10), "/audit/head"}
	t.Run("administrators and case workers get 403 on every audit page", func(t *testing.T) {
		for _, user := range []string{"admin", "samordnare", "polis", "analytiker"} {
			c := srv.Login(t, user)
			for _, p := range pages {
				if code, _ := srv.Get(t, c, p); code != http.StatusForbidden {
					t.Errorf("%s %s: %d", user, p, code)
				}
			}
		}
	})
	t.Run("the auditor reaches every audit page", func(t *testing.T) {
		for _, p := range pages {
			if code, body := srv.Get(t, auditor, p); code != http.StatusOK {
				t.Errorf("%s: %d\n%s", p, code, body)
			}
		}
	})

	t.Run("the extract names everyone who read the young person, the refusal included", func(t *testing.T) {
		code, page := srv.Get(t, auditor, "/audit/youth?case="+cid)
		if code != http.StatusOK {
			t.Fatal(code)
		}
		for _, want := range []string{"Loggutdrag för Åsa Öberg", "Sara Lindqvist", "Erik Nilsson", "Nekad", "Polisen, lokalpolisområde Demo",
			"Samordnare", "samtycke", "Ladda ner som CSV"} {
			if !strings.Contains(page, want) {
				t.Errorf("the extract lacks %q", want)
			}
		}
	})
	t.Run("the CSV opens in Excel: BOM, header row, quoted fields, å ä ö", func(t *testing.T) {
		res, err := auditor.Get(srv.URL + "/audit/youth?case=" + cid + "&format=csv")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("headers %v", res.Header)
		}
		if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			t.Fatal("no byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(b[3:]))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 3 || rows[0][0] != "Tid" || rows[0][1] != "Användare" {
			t.Fatalf("rows %q", rows)
		}
		var police bool
		for _, r := range rows[1:] {
			if len(r) != len(rows[0]) {
				t.Fatalf("row %q has %d fields, the header %d", r, len(r), len(rows[0]))
			}
			police = police || (r[1] == "Erik Nilsson" && r[10] == "Nekad")
		}
		if !police {
			t.Error("the police's refused attempt is not in the CSV")
		}
		if !bytes.Contains(b, []byte("\r\n")) {
			t.Error("RFC 4180 wants CRLF line ends")
		}
	})
	t.Run("an extract is found by personnummer search or says nobody matches", func(t *testing.T) {
		code, page := srv.Get(t, auditor, "/audit/youth?identity="+url.QueryEscape("20110405-0000"))
		if code != http.StatusNotFound || !strings.Contains(page, "Ingen ung person med det numret finns i kommunen.") {
			t.Fatalf("%d", code)
		}
		code, page = srv.Get(t, auditor, "/audit/youth")
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Ange personnummer, reservnummer eller ärendenummer.") {
			t.Fatalf("empty search: %d", code)
		}
	})
	t.Run("making an extract is itself in the log", func(t *testing.T) {
		_, page := srv.Get(t, auditor, "/audit/youth?case="+cid)
		if !strings.Contains(page, "Eva Strand") || !strings.Contains(page, "loggutdrag") {
			t.Fatal("the auditor's earlier extract is not in the extract")
		}
	})
	t.Run("the review flags the refused attempt and links to the user's entries", func(t *testing.T) {
		_, page := srv.Get(t, auditor, "/audit/review?from=2026-03-01&to=2026-03-10")
		if !strings.Contains(page, "Nekade försök") || !strings.Contains(page, "Erik Nilsson (polis)") || !strings.Contains(page, "/audit/user?") ||
			!strings.Contains(page, "Öppnade ärenden utan roll i gruppen") {
			t.Fatalf("review:\n%s", page)
		}
		code, page := srv.Get(t, auditor, "/audit/review?from=2026-01-01&to=2026-12-31")
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Perioden får vara högst tre månader.") {
			t.Fatalf("a year: %d", code)
		}
	})
	t.Run("the tree head is text an operator can verify against", func(t *testing.T) {
		res, err := auditor.Get(srv.URL + "/audit/head")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") || !strings.HasPrefix(string(b), "lots audit tree head\nmunicipality ") {
			t.Fatalf("%v %q", res.Header, b)
		}
	})
}
