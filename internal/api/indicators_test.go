package api_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

func num(f float64) *float64 { return &f }

// values maps "code" or "code.part" to the value's number, choice or "?".
func values(p api.IndicatorPoint) map[string]string {
	out := map[string]string{}
	for _, v := range p.Values {
		k := v.Code
		if v.Part != "" {
			k += "." + v.Part
		}
		switch {
		case !v.Known:
			out[k] = "?"
		case v.Number != nil:
			out[k] = fmt.Sprint(*v.Number)
		default:
			out[k] = v.Choice
		}
	}
	return out
}

// sheet reads a case's indicators afresh (decoding into a used value would keep the parts of
// earlier values).
func sheet(c apiClient, caseID int64) api.IndicatorSheet {
	c.t.Helper()
	var sh api.IndicatorSheet
	c.want(200, "GET", casePath(caseID, "/indicators"), nil, &sh)
	return sh
}

func TestIndicatorsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		coord := clientFor(t, srv, "samordnare")
		police := clientFor(t, srv, "polis")
		fc := toConsentStep(t, coord, "Mätsson")
		consentFor(t, coord, fc) // the police, police information
		today := srv.App.Store.Now().In(casework.Stockholm).Format("2006-01-02")
		path := casePath(fc.ID, "/indicators/intake")

		// The coordinator records school, police and family indicators at intake.
		coord.want(204, "PUT", path, api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{
			{Code: "school_attendance", Number: num(85)},
			{Code: "police_suspect", Part: "theft", Number: num(2)},
			{Code: "police_suspect", Part: "violence", Number: num(1)},
			{Code: "police_victim", Number: num(0)},
			{Code: "housing", Choice: "guardians"},
		}}, nil)
		sh := sheet(coord, fc.ID)
		if len(sh.Points) != 1 || sh.Points[0].TimePoint != "intake" || sh.Points[0].MeasuredOn != today || !sh.Started {
			t.Fatalf("sheet %+v", sh)
		}
		got := values(sh.Points[0])
		for k, want := range map[string]string{"school_attendance": "85", "police_suspect": "3", "police_suspect.theft": "2", "police_suspect.violence": "1",
			"police_suspect.fraud": "0", "police_victim": "0", "housing": "guardians"} {
			if got[k] != want {
				t.Errorf("%s = %q, want %q (all: %v)", k, got[k], want, got)
			}
		}

		// The police read the police indicators only: the consent covers police information.
		sh = sheet(police, fc.ID)
		if strings.Join(sh.Readable, ",") != "basic,police" || strings.Join(sh.Writable, ",") != "basic,police" || len(sh.Points) != 1 {
			t.Fatalf("police sheet %+v", sh)
		}
		for _, v := range sh.Points[0].Values {
			if v.Category != "police" {
				t.Errorf("the police read %+v", v)
			}
		}
		if got := values(sh.Points[0]); got["police_suspect"] != "3" || got["police_victim"] != "0" || len(got) != 12 {
			t.Fatalf("police values %v", got)
		}

		// One category the police may not record refuses the whole: nothing is saved.
		police.problem(403, "forbidden", "indicator.category_forbidden", "PUT", path, api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{
			{Code: "police_victim", Number: num(4)}, {Code: "school_attendance", Number: num(10)}}})
		sh = sheet(coord, fc.ID)
		if got := values(sh.Points[0]); got["police_victim"] != "0" || got["school_attendance"] != "85" {
			t.Fatalf("a refused recording was saved: %v", got)
		}
		// Their own category they record; the others keep their values.
		police.want(204, "PUT", path, api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "police_victim", Number: num(1)},
			{Code: "police_suspect", Unknown: true}}}, nil)
		sh = sheet(coord, fc.ID)
		if got := values(sh.Points[0]); got["police_victim"] != "1" || got["police_suspect"] != "?" || got["police_suspect.theft"] != "" ||
			got["school_attendance"] != "85" || got["housing"] != "guardians" {
			t.Fatalf("after the police's recording: %v", got)
		}

		// Mistakes are named by the body's fields, and change nothing.
		tests := []struct {
			name   string
			body   api.IndicatorRequest
			key    string
			fields []string
		}{
			{"a number out of range", api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "school_attendance", Number: num(150)}}},
				"indicator.range", []string{"values.school_attendance"}},
			{"an unknown indicator", api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "shoe_size", Number: num(40)}}},
				"indicator.unknown", []string{"values.0"}},
			{"a choice not offered", api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "housing", Choice: "castle"}}},
				"indicator.choice_invalid", []string{"values.housing"}},
			{"a number and a choice", api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "housing", Choice: "own", Number: num(1)}}},
				"api.indicator_value", []string{"values.housing"}},
			{"the whole of an indicator with parts", api.IndicatorRequest{Date: today, Values: []api.IndicatorValueInput{{Code: "police_suspect", Number: num(3)}}},
				"api.indicator_parts", []string{"values.police_suspect"}},
			{"no date", api.IndicatorRequest{Values: []api.IndicatorValueInput{{Code: "housing", Choice: "own"}}},
				"indicator.date_required", []string{"date"}},
			{"a date in the future", api.IndicatorRequest{Date: "2999-01-01", Values: []api.IndicatorValueInput{{Code: "housing", Choice: "own"}}},
				"indicator.date_in_future", []string{"date"}},
			{"nothing at all", api.IndicatorRequest{Date: today}, "api.indicators_empty", []string{"values"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := coord
				c.t = t
				p := c.problem(422, "invalid", tt.key, "PUT", path, tt.body)
				var fields []string
				for _, f := range p.Errors {
					fields = append(fields, f.Field)
				}
				if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
					t.Errorf("fields %q, want %q", fields, tt.fields)
				}
			})
		}
		sh = sheet(coord, fc.ID)
		if got := values(sh.Points[0]); len(sh.Points) != 1 || got["school_attendance"] != "85" || got["housing"] != "guardians" {
			t.Fatalf("after the refusals: %v", got)
		}
		coord.problem(404, "not_found", "error.not_found", "PUT", casePath(fc.ID, "/indicators/someday"), api.IndicatorRequest{Date: today})
		coord.problem(409, "conflict", "followup.not_closed", "PUT", casePath(fc.ID, "/indicators/followup_6"), api.IndicatorRequest{Date: today,
			Values: []api.IndicatorValueInput{{Code: "housing", Choice: "own"}}})
		clientFor(t, srv, "skola").problem(404, "not_found", "error.not_found", "GET", casePath(fc.ID, "/indicators"), nil)
	})
}

// smallPDF is a real one-page PDF: header, catalogue, pages, page, cross-reference table.
func smallPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestConsentEvidenceThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		coord := clientFor(t, srv, "samordnare")
		police := clientFor(t, srv, "polis")
		fc := toConsentStep(t, coord, "Underskriftsson")
		var k api.Consent
		coord.want(201, "POST", casePath(fc.ID, "/consents"), api.ConsentRequest{ValidFrom: time.Now().UTC().Format("2006-01-02"), Months: 6,
			AgencyIDs: []int64{fc.Agencies["polis"]}, Categories: []string{"police"}, Language: "sv"}, &k)
		path := casePath(fc.ID, fmt.Sprintf("/consents/%d/evidence", k.ID))
		pdf := smallPDF()

		// problem checks a refused upload's status and key.
		problem := func(t *testing.T, contentType string, body []byte, status int, key string) {
			t.Helper()
			res, b := raw(t, srv, coord.tok, "PUT", path, contentType, body)
			if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(b), `"key":"`+key+`"`) {
				t.Fatalf("%d %s, want %d %s", res.StatusCode, b, status, key)
			}
		}
		coord.problem(404, "not_found", "error.not_found", "GET", path, nil)
		res, b := raw(t, srv, coord.tok, "PUT", path, "application/pdf", pdf, "Content-Disposition", `attachment; filename="samtycke-underskrivet.pdf"`)
		if res.StatusCode != 200 || !strings.Contains(string(b), `"has_evidence": true`) {
			t.Fatalf("upload: %d %s", res.StatusCode, b)
		}
		t.Run("a text file sent as a PDF is refused", func(t *testing.T) {
			problem(t, "application/pdf", []byte("Jag samtycker.\nAlva Underskriftsson\n"), 422, "api.file_mismatch")
		})
		t.Run("a PDF sent as a PNG is refused", func(t *testing.T) { problem(t, "image/png", pdf, 422, "api.file_mismatch") })
		t.Run("another type is refused", func(t *testing.T) { problem(t, "image/gif", []byte("GIF89a...."), 422, "consent.file_type") })
		t.Run("no type is refused", func(t *testing.T) { problem(t, "", pdf, 422, "consent.file_type") })
		t.Run("an empty file is refused", func(t *testing.T) { problem(t, "application/pdf", nil, 422, "consent.file_empty") })
		t.Run("a file over 10 MB is too large", func(t *testing.T) {
			big := append(bytes.Clone(pdf), bytes.Repeat([]byte{' '}, 10<<20)...)
			problem(t, "application/pdf", big, 413, "consent.file_too_large")
			// Sent in chunks, without a length: the limit stops the reading.
			req, err := http.NewRequest("PUT", srv.URL+path, io.MultiReader(bytes.NewReader(big)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+coord.tok)
			req.Header.Set("Content-Type", "application/pdf")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 413 || req.ContentLength != 0 {
				t.Fatalf("chunked: %d (length %d)", res.StatusCode, req.ContentLength)
			}
		})

		// The coordinator downloads the first file: the refusals replaced nothing.
		res, b = raw(t, srv, coord.tok, "GET", path, "", nil)
		if res.StatusCode != 200 || !bytes.Equal(b, pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Disposition"), "samtycke-underskrivet.pdf") {
			t.Fatalf("download: %d %v %q", res.StatusCode, res.Header, b)
		}
		// The police have no consent in force yet: for them there is nothing.
		police.problem(404, "not_found", "error.not_found", "GET", path, nil)
		if res, _ := raw(t, srv, police.tok, "PUT", path, "application/pdf", pdf); res.StatusCode != 404 {
			t.Fatalf("police upload: %d", res.StatusCode)
		}
		// Once every signer has signed, the consent lets them see the case's basic information,
		// the signed form with it.
		for _, s := range k.Signers {
			coord.want(200, "POST", casePath(fc.ID, fmt.Sprintf("/consents/%d/signatures", k.ID)), api.SignatureRequest{SignerID: s.ID, How: "paper"}, &k)
		}
		if res, b := raw(t, srv, police.tok, "GET", path, "", nil); res.StatusCode != 200 || !bytes.Equal(b, pdf) {
			t.Fatalf("police download under the consent: %d", res.StatusCode)
		}
		// The client's file name is stored and sent back made safe, as the web upload's is.
		for name, want := range map[string]string{"../../../etc/passwd": `attachment; filename=passwd.pdf`,
			`<img src=x onerror=alert(1)>.pdf`: `attachment; filename="img src_x onerror_alert(1).pdf"`} {
			res, b := raw(t, srv, coord.tok, "PUT", path, "application/pdf", pdf, "Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			if res.StatusCode != 200 {
				t.Fatalf("upload %q: %d %s", name, res.StatusCode, b)
			}
			if res, _ := raw(t, srv, coord.tok, "GET", path, "", nil); res.Header.Get("Content-Disposition") != want {
				t.Errorf("uploaded as %q, sent back as %q, want %q", name, res.Header.Get("Content-Disposition"), want)
			}
		}
	})
}
