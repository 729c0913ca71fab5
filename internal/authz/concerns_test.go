package authz

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"lots/internal/api"
	"lots/internal/store/storetest"
)

var concernIDs = regexp.MustCompile(`/concerns/(\d+)/receipt`)

// concernOracle names the concern check in knownBugs (it is not one route of the table).
const concernOracle = "POST /concerns about a known personnummer"

// concernsAreNoSearch: registering a concern is not a way to ask whether social services know
// someone. A group member who reports a young person by the personnummer of a case they may
// not see gets the same answers — the receipt, their list of concerns — as for a young person
// nobody knows, and never the name the register holds. (This adds cases: it runs last.)
func (w *world) concernsAreNoSearch(t *testing.T) {
	facts := w.allFacts(t)
	var known *mcase
	for _, c := range w.cases {
		if c.pnr != "" && !c.state.intake && !c.protected && c.state.name == "none" {
			known = c
		}
	}
	if known == nil {
		t.Skip("needs the case without consent")
	}
	fresh := storetest.TestPersonalNumbers[len(storetest.TestPersonalNumbers)-1:]
	for _, reporter := range []string{"polis", "skola"} {
		ac := w.byName[reporter]
		t.Run(reporter, func(t *testing.T) {
			if bug := knownBug(concernOracle, reqSpec{}, nil, ac); bug != "" {
				t.Skip("BUG: " + bug)
			}
			pnrs := map[string]string{"known": known.pnr, "unknown": fresh[0]}
			if reporter == "skola" {
				pnrs["unknown"] = storetest.TestPersonalNumbers[len(storetest.TestPersonalNumbers)-2]
			}
			type answers struct{ apiReceipt, webReceipt, receiptPage response }
			got := map[string]answers{}
			for _, which := range []string{"known", "unknown"} {
				pnr := pnrs[which]
				var a answers
				// The API.
				body, _ := json.Marshal(api.ConcernRequest{
					Youth:   api.YouthInput{FirstName: "Anna", LastName: "Anmäld", PersonalNumber: pnr, DistrictID: w.f.Districts[0].ID},
					Ratings: apiRatings(),
				})
				res := w.send(t, ac, httpReq{method: "POST", path: "/api/v1/concerns", api: true, json: string(body)})
				var rc api.ConcernReceipt
				if err := json.Unmarshal([]byte(res.body), &rc); err != nil || res.status != 201 {
					t.Fatalf("API concern: %s", res)
				}
				a.apiReceipt = res.normalised(itoa(rc.ConcernID), "{concern}")
				// The web form, and the receipt it leads to.
				f := url.Values{"first_name": {"Anna"}, "last_name": {"Anmäld"}, "personal_number": {pnr},
					"district": {itoa(w.f.Districts[0].ID)}}
				for _, r := range storetest.IRKRatings(3) {
					f.Set("item_"+r.Item, r.Value)
				}
				res = w.send(t, ac, httpReq{method: "POST", path: "/concerns", form: f})
				m := concernIDs.FindStringSubmatch(res.location)
				if res.status != 303 || m == nil {
					t.Fatalf("web concern: %s", res)
				}
				a.webReceipt = res.normalised(m[1], "{concern}")
				page := w.send(t, ac, httpReq{method: "GET", path: res.location})
				w.checkContent(t, ac, "GET /concerns/{id}/receipt", page, facts)
				a.receiptPage = page.normalised(m[1], "{concern}")
				got[which] = a
			}
			k, u := got["known"], got["unknown"]
			if !k.apiReceipt.same(u.apiReceipt) {
				t.Errorf("the API's receipt tells a known young person from an unknown one:\n known: %s\nunknown: %s", k.apiReceipt, u.apiReceipt)
			}
			if !k.webReceipt.same(u.webReceipt) {
				t.Errorf("the form's answer tells a known young person from an unknown one:\n known: %s\nunknown: %s", k.webReceipt, u.webReceipt)
			}
			if !k.receiptPage.same(u.receiptPage) {
				t.Errorf("the receipt tells a known young person from an unknown one:\n%s", firstDifference(k.receiptPage, u.receiptPage))
			}
			// The reporter's lists of their concerns.
			w.checkContent(t, ac, "GET /concerns", w.send(t, ac, httpReq{method: "GET", path: "/concerns"}), facts)
			w.checkContent(t, ac, "GET /{$}", w.send(t, ac, httpReq{method: "GET", path: "/"}), facts)
			mine := w.send(t, ac, httpReq{method: "GET", path: "/api/v1/concerns", api: true})
			w.checkContent(t, ac, "API GET /api/v1/concerns", mine, facts)
			if strings.Count(mine.body, "Anna Anmäld") != 4 {
				t.Errorf("the reporter's concerns do not show what they wrote: %s", mine)
			}
		})
	}
}

// apiRatings rates every IRK factor.
func apiRatings() []api.Rating {
	var out []api.Rating
	for _, r := range storetest.IRKRatings(3) {
		out = append(out, api.Rating{Item: r.Item, Value: r.Value})
	}
	return out
}
