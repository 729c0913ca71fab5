package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// concernForm is a complete concern: every IRK factor rated, the first two a clear risk, a
// note on the first.
func concernForm(first, last, pnr, district string) url.Values {
	v := url.Values{
		"first_name": {first}, "last_name": {last}, "personal_number": {pnr}, "district": {district},
		"school": {"Norrskolan"}, "address": {"Storgatan 1"}, "program": {"sig"},
		"protective": {"Spelar fotboll två kvällar i veckan"}, "note": {"Setts med äldre killar vid centrum"},
	}
	for i, d := range casework.IRK().Domains {
		value := "some"
		if i < 2 {
			value = "clear"
		}
		v.Set("item_"+d.Items[0].Code, value)
	}
	v.Set("note_criminal_history", "Misstänkt för rån i mars")
	return v
}

// badChecksum changes a personnummer's check digit.
func badChecksum(pnr string) string {
	last := pnr[len(pnr)-1] - '0'
	return pnr[:len(pnr)-1] + strconv.Itoa(int(last+1)%10)
}

var (
	receiptPath = regexp.MustCompile(`^/concerns/(\d+)/receipt`)
	districtOpt = regexp.MustCompile(`<option value="(\d+)">Norra</option>`)
)

// reportConcern submits a concern as c about a young person no one has registered before: a
// test number the demo municipality may already use would join that person's case, so it
// tries the fixture's test numbers from the end until the receipt shows the name given.
func reportConcern(t *testing.T, srv *apptest.Server, c *http.Client, first, last string, used map[string]bool) (pnr string) {
	t.Helper()
	_, form := srv.Get(t, c, "/concerns/new")
	m := districtOpt.FindStringSubmatch(form)
	if m == nil {
		t.Fatal("no district Norra in the concern form")
	}
	for i := len(storetest.TestPersonalNumbers) - 1; i >= 0; i-- {
		pnr = storetest.TestPersonalNumbers[i]
		if used[pnr] {
			continue
		}
		used[pnr] = true
		res, body := srv.PostForm(t, c, "/concerns", concernForm(first, last, pnr, m[1]))
		if res.StatusCode != http.StatusSeeOther || !receiptPath.MatchString(res.Header.Get("Location")) {
			t.Fatalf("concern: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		code, receipt := srv.Get(t, c, res.Header.Get("Location"))
		if code != http.StatusOK || !strings.Contains(receipt, "Oron är registrerad") {
			t.Fatalf("receipt: %d\n%s", code, receipt)
		}
		if strings.Contains(receipt, first+" "+last) {
			return pnr
		}
	}
	t.Fatal("no unused test personnummer left")
	return ""
}

// demoActor is a demo user as an actor, for setting up what the pages of other parts do.
func demoActor(t *testing.T, srv *apptest.Server, username string) context.Context {
	t.Helper()
	st := srv.App.Store
	m, err := st.MunicipalityByCode(t.Context(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.UserIDByUsername(t.Context(), m.ID, username)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Actor(t.Context(), m.ID, id, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(t.Context(), a)
}

func TestConcernFormAndWorkLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		police := srv.Login(t, "polis")
		coord := srv.Login(t, "samordnare")
		used := map[string]bool{}

		t.Run("the concern form has the eight IRK factors as radio groups", func(t *testing.T) {
			code, body := srv.Get(t, police, "/concerns/new")
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if n := strings.Count(body, `class="field choices irk-factor`); n != 8 {
				t.Fatalf("%d IRK fieldsets, want 8", n)
			}
			for _, want := range []string{"<legend>Kriminell historik</legend>", `value="unknown"`, "Okänt", `name="note_leisure"`, `id="f-birth_date"`} {
				if !strings.Contains(body, want) {
					t.Errorf("form lacks %q", want)
				}
			}
		})

		t.Run("a bad personnummer is refused in Swedish and every value is kept", func(t *testing.T) {
			_, form := srv.Get(t, police, "/concerns/new")
			district := districtOpt.FindStringSubmatch(form)[1]
			v := concernForm("Kalle", "Felsson", badChecksum(storetest.TestPersonalNumbers[0]), district)
			v.Del("item_leisure") // and one factor left unrated
			res, body := srv.PostForm(t, police, "/concerns", v)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			if n := strings.Count(body, "Kontrollsiffran stämmer inte"); n != 2 {
				t.Errorf("the checksum message shows %d times, want at the field and in the summary", n)
			}
			for _, want := range []string{
				`id="error-summary"`, `<a href="#f-personal_number">`, `id="e-personal_number"`, `aria-invalid="true"`,
				`<a href="#f-item_leisure">Brist på positiva fritidsaktiviteter: Bedöm den här faktorn`,
				`value="Kalle"`, `value="Felsson"`, `value="` + badChecksum(storetest.TestPersonalNumbers[0]) + `"`,
				`value="Norrskolan"`, `value="Storgatan 1"`, `<option value="` + district + `" selected>Norra</option>`,
				`id="f-item_criminal_history-clear" name="item_criminal_history" value="clear" checked`,
				`id="f-item_family-some" name="item_family" value="some" checked`,
				`>Misstänkt för rån i mars</textarea>`, `>Spelar fotboll två kvällar i veckan</textarea>`,
				`>Setts med äldre killar vid centrum</textarea>`, `id="f-program" name="program" value="sig" checked`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("the form again lacks %q", want)
				}
			}
			if regexp.MustCompile(`name="item_leisure" value="\w+" checked`).MatchString(body) {
				t.Error("an unrated factor came back rated")
			}
		})

		var pnr string
		var caseID string
		t.Run("a good concern gives a receipt and a case on the coordinator's lists", func(t *testing.T) {
			pnr = reportConcern(t, srv, police, "Kalle", "Listbäck", used)
			for _, path := range []string{"/worklist?tab=all", "/worklist?tab=waiting"} {
				code, body := srv.Get(t, coord, path)
				if code != http.StatusOK || !strings.Contains(body, "Kalle Listbäck") {
					t.Fatalf("%s: %d, the new case missing", path, code)
				}
				m := regexp.MustCompile(`<a href="/cases/(\d+)">Kalle Listbäck</a>`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("%s: no link to the case", path)
				}
				caseID = m[1]
			}
			_, body := srv.Get(t, coord, "/worklist?tab=waiting")
			if !strings.Contains(body, "2 tydlig, 6 viss risk") || !strings.Contains(body, `aria-current="page">Väntelista</a>`) {
				t.Error("the waiting list lacks the IRK counts or the current tab")
			}
			if _, body := srv.Get(t, police, "/concerns"); !strings.Contains(body, "Kalle Listbäck") {
				t.Error("the reporter's own concerns lack the new one")
			}
		})

		t.Run("the steps tab counts the cases per step and lists a step's cases", func(t *testing.T) {
			code, body := srv.Get(t, coord, "/worklist?tab=steps")
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if !regexp.MustCompile(`Identifierad, väntar på beredning</a></td><td class="num">[1-9]`).MatchString(body) {
				t.Error("no count for the first step")
			}
			if _, body := srv.Get(t, coord, "/worklist?tab=steps&step=identified"); !strings.Contains(body, "Kalle Listbäck") {
				t.Error("the step's list lacks the case")
			}
		})

		t.Run("search finds by name and by personnummer", func(t *testing.T) {
			for _, q := range []string{"listbäck", "Kalle List", pnr[:8] + "-" + pnr[8:], pnr[2:]} {
				_, body := srv.Get(t, coord, "/worklist?tab=all&q="+url.QueryEscape(q))
				if !strings.Contains(body, "Kalle Listbäck") {
					t.Errorf("search %q does not find the case", q)
				}
			}
			_, body := srv.Get(t, coord, "/worklist?tab=all&q=Ingen+Alls")
			if strings.Contains(body, "Kalle Listbäck") || !strings.Contains(body, "Inga ärenden matchar sökningen") {
				t.Error("a search for someone else shows the case")
			}
		})

		t.Run("live search answers htmx with the list alone", func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/worklist?tab=all&q=listb", nil)
			req.Header.Set("HX-Request", "true")
			res, err := coord.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			body := string(b)
			if res.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, "Kalle Listbäck") ||
				!strings.Contains(body, `hx-swap-oob="innerHTML">Antal ärenden: 1<`) {
				t.Fatalf("htmx answer %d:\n%s", res.StatusCode, body)
			}
		})

		t.Run("police see neither the case nor its name without consent, only its card", func(t *testing.T) {
			id, _ := strconv.ParseInt(caseID, 10, 64)
			ctx := demoActor(t, srv, "samordnare")
			st := srv.App.Store
			if _, err := st.Move(ctx, id, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
				t.Fatal(err)
			}
			ags, err := st.Agencies(ctx, mustActor(t, ctx).User.MunicipalityID)
			if err != nil {
				t.Fatal(err)
			}
			var parties []casework.Party
			for _, a := range ags {
				if a.Kind == casework.AgencyPolice {
					parties = append(parties, casework.Party{AgencyID: a.ID})
				}
			}
			if err := st.SetParties(ctx, id, parties); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/worklist?tab=all", "/worklist?tab=all&q=listb", "/worklist?tab=waiting", "/worklist?tab=deadlines"} {
				code, body := srv.Get(t, police, path)
				if code != http.StatusOK || strings.Contains(body, "Listbäck") || strings.Contains(body, pnr[:8]+"-"+pnr[8:]) {
					t.Errorf("police %s: %d, shows the case", path, code)
				}
			}
			// The start page lists the reporter's own concern (what they wrote), never the case.
			if code, body := srv.Get(t, police, "/"); code != http.StatusOK || strings.Contains(body, `href="/cases/`+caseID+`"`) {
				t.Errorf("police start page: %d, links the case", code)
			}
			cid, err := st.CardIDOfCase(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			cardID := strconv.FormatInt(cid, 10)
			code, body := srv.Get(t, police, "/cards")
			if code != http.StatusOK || !strings.Contains(body, `href="/cards/`+cardID+`"`) || strings.Contains(body, caseID) {
				t.Fatalf("police cards: %d, no card for the case", code)
			}
			if code, _ := srv.Get(t, police, "/cards/"+caseID); code != http.StatusNotFound {
				t.Errorf("the card opens by the case's id: %d", code)
			}
			code, card := srv.Get(t, police, "/cards/"+cardID)
			if code != http.StatusOK {
				t.Fatalf("police card: %d", code)
			}
			for _, b := range []string{body, card} {
				if strings.Contains(b, "Listbäck") || strings.Contains(b, "Kalle") || strings.Contains(b, pnr[:8]+"-"+pnr[8:]) || strings.Contains(b, pnr) || strings.Contains(b, "Storgatan") {
					t.Error("the card identifies the young person")
				}
				for _, want := range []string{"13–15 år", "Kriminell historik", "Problematiska personlighetsdrag", "Bedömning", "6 av 8 faktorer"} {
					if !strings.Contains(b, want) {
						t.Errorf("the card lacks %q", want)
					}
				}
			}
			// Store.CardOf drops the district (it rebuilds the card after scanning it), so only
			// the list of cards is checked for it.
			if !strings.Contains(body, "13–15 år, Norra") {
				t.Error("the card lacks the district")
			}
			if _, home := srv.Get(t, police, "/"); !strings.Contains(home, `href="/cards/`+cardID+`"`) {
				t.Error("the police start page lacks the card of a case where the police are a party")
			}
			if _, mine := srv.Get(t, coord, "/worklist?tab=mine"); !strings.Contains(mine, "Kalle Listbäck") {
				t.Error("the coordinator who took the case on does not have it under Mina ärenden")
			}
		})

		t.Run("a coordinator's receipt links the case; nobody else learns its id", func(t *testing.T) {
			res, _ := srv.PostForm(t, coord, "/concerns", concernForm("Sara", "Kvittodotter", "", ""))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a concern without personnummer or birth date: %d", res.StatusCode)
			}
			v := concernForm("Sara", "Kvittodotter", "", "")
			v.Set("birth_date", "2012-05-01")
			v.Set("protected_identity", "on")
			res, _ = srv.PostForm(t, coord, "/concerns", v)
			loc := res.Header.Get("Location")
			m := regexp.MustCompile(`^/concerns/\d+/receipt\?case=(\d+)$`).FindStringSubmatch(loc)
			if res.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("coordinator's concern: %d %q", res.StatusCode, loc)
			}
			if _, body := srv.Get(t, coord, loc); !strings.Contains(body, `href="/cases/`+m[1]+`">Öppna ärendet</a>`) {
				t.Error("the coordinator's receipt does not link the case")
			}
			// The police reported Kalle Listbäck: their receipts carry no case id.
			_, list := srv.Get(t, police, "/concerns")
			for _, r := range regexp.MustCompile(`href="(/concerns/\d+/receipt[^"]*)"`).FindAllStringSubmatch(list, -1) {
				if strings.Contains(r[1], "case") {
					t.Errorf("police receipt link %q names the case", r[1])
				}
				if _, body := srv.Get(t, police, r[1]+"?case="+caseID); strings.Contains(body, "Öppna ärendet") {
					t.Error("a police receipt links the case")
				}
			}
			// A young person with protected identity is marked in the lists; rows never hold an address.
			_, body := srv.Get(t, coord, "/worklist?tab=all&q=kvittodotter")
			if !strings.Contains(body, `Sara Kvittodotter</a> <span class="badge">Skyddade personuppgifter</span>`) || strings.Contains(body, "Storgatan") {
				t.Error("the protected young person's row lacks the mark or shows the address")
			}
		})

		t.Run("the lists page by 50", func(t *testing.T) {
			for i := range 51 {
				v := concernForm("Sida", "Personsson"+strconv.Itoa(100+i), "", "")
				v.Set("birth_date", "2011-03-04")
				if res, body := srv.PostForm(t, police, "/concerns", v); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("concern %d: %d\n%s", i, res.StatusCode, body)
				}
			}
			_, first := srv.Get(t, coord, "/worklist?tab=all&q=personsson")
			if n := strings.Count(first, ">Sida Personsson"); n != 50 {
				t.Errorf("first page: %d rows", n)
			}
			next := regexp.MustCompile(`href="(/worklist\?[^"]*page=2[^"]*)" rel="next"`).FindStringSubmatch(first)
			if next == nil || !strings.Contains(first, "Sida 1 av 2") {
				t.Fatal("no link to the next page")
			}
			_, second := srv.Get(t, coord, strings.ReplaceAll(next[1], "&amp;", "&"))
			if n := strings.Count(second, ">Sida Personsson"); n != 1 || !strings.Contains(second, `rel="prev"`) || strings.Contains(second, `rel="next"`) {
				t.Errorf("second page: %d rows", n)
			}
		})

		t.Run("nobody else's receipt and no page for those who do not work with cases", func(t *testing.T) {
			_, list := srv.Get(t, police, "/concerns")
			m := regexp.MustCompile(`href="(/concerns/\d+/receipt)"`).FindStringSubmatch(list)
			if m == nil {
				t.Fatal("no receipt link")
			}
			if code, _ := srv.Get(t, srv.Login(t, "skola"), m[1]); code != http.StatusNotFound {
				t.Errorf("another user's receipt: %d", code)
			}
			steering := srv.Login(t, "styrgrupp")
			for _, p := range []string{"/concerns/new", "/worklist", "/cards", "/concerns"} {
				if code, _ := srv.Get(t, steering, p); code != http.StatusForbidden {
					t.Errorf("steering group %s: %d", p, code)
				}
			}
		})
	})
}

func mustActor(t *testing.T, ctx context.Context) casework.Actor {
	t.Helper()
	a, ok := casework.ActorFrom(ctx)
	if !ok {
		t.Fatal("no actor")
	}
	return a
}
