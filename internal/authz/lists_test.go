package authz

import (
	"archive/zip"
	"bytes"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lots/internal/access"
	"lots/internal/api"
	"lots/internal/casework"
)

// nobodyByThatName is a search term that matches no young person.
const nobodyByThatName = "MatrisFinnsInte"

var (
	cardID       = regexp.MustCompile(`aria-labelledby="card-(\d+)"`)
	webStepCount = regexp.MustCompile(`href="/worklist\?program=(?:sig|sspf)&amp;step=([a-z_]+)&amp;tab=steps"[^>]*>[^<]*</a></td><td class="num">(\d+)</td>`)
)

// lists: for every actor, the work list, the API's case list, the step counts and the cards
// hold exactly the cases access.Case allows (basic; cards: the anonymous card and not basic),
// and a search for a name or personnummer the actor may not see answers exactly like a search
// for nobody. The follow-up exports are aggregates: no name, no personnummer.
func (w *world) lists(t *testing.T) {
	facts := w.allFacts(t)
	for _, ac := range w.actors {
		t.Run(ac.name, func(t *testing.T) {
			t.Parallel()
			var visible, carded []int64
			steps := map[string]int{}
			for _, c := range w.cases {
				f := facts[c]
				switch {
				case access.Case(ac.a, f, casework.CatBasic, t0).Allowed:
					visible = append(visible, c.id)
					steps[string(f.Step)]++
				case access.Case(ac.a, f, casework.CatAnonymous, t0).Allowed:
					carded = append(carded, c.objects["card"])
				}
			}
			if !access.Can(ac.a, access.WorkWithCases).Allowed {
				if len(visible)+len(carded) > 0 {
					t.Fatalf("access.Case lets %s, who does not work with cases, see %v %v", ac.name, visible, carded)
				}
				for _, p := range []string{"/worklist?tab=all", "/worklist?tab=all&q=" + w.cases[0].surname, "/cards"} {
					if got := w.send(t, ac, httpReq{method: "GET", path: p}); got.status != 403 {
						t.Errorf("%s: want 403, got %s", p, got)
					}
				}
				for _, p := range []string{"/api/v1/cases?q=" + w.cases[0].surname, "/api/v1/cases/steps", "/api/v1/cards"} {
					if got := w.send(t, ac, httpReq{method: "GET", path: p, api: true}); got.status != 403 {
						t.Errorf("%s: want 403, got %s", p, got)
					}
				}
				w.exportsHoldNoNames(t, ac)
				return
			}

			t.Run("the work list", func(t *testing.T) {
				got := w.send(t, ac, httpReq{method: "GET", path: "/worklist?tab=all"})
				var listed []int64
				for _, c := range w.cases {
					if strings.Contains(got.body, c.surname) {
						listed = append(listed, c.id)
					}
				}
				sameSet(t, "listed", listed, visible)
			})
			t.Run("the API's case list", func(t *testing.T) {
				var cl api.CaseList
				apiJSON(t, w.send(t, ac, httpReq{method: "GET", path: "/api/v1/cases?limit=500", api: true}), &cl)
				var listed []int64
				for _, it := range cl.Items {
					listed = append(listed, it.CaseID)
				}
				sameSet(t, "listed", listed, visible)
				if cl.Total != len(visible) {
					t.Errorf("total %d, want %d", cl.Total, len(visible))
				}
			})
			t.Run("the step counts", func(t *testing.T) {
				var sc api.StepCountList
				apiJSON(t, w.send(t, ac, httpReq{method: "GET", path: "/api/v1/cases/steps", api: true}), &sc)
				got := map[string]int{}
				for _, it := range sc.Items {
					if it.Count != 0 {
						got[it.Step] += it.Count // a step both tracks share is counted per track
					}
				}
				if !mapsEqual(got, steps) {
					t.Errorf("API counts %v, want %v", got, steps)
				}
				page := w.send(t, ac, httpReq{method: "GET", path: "/worklist?tab=steps"})
				web := map[string]int{}
				for _, m := range webStepCount.FindAllStringSubmatch(page.body, -1) {
					if n, _ := strconv.Atoi(m[2]); n != 0 {
						web[m[1]] += n
					}
				}
				if !mapsEqual(web, steps) {
					t.Errorf("the steps tab counts %v, want %v", web, steps)
				}
			})
			t.Run("the anonymous cards", func(t *testing.T) {
				page := w.send(t, ac, httpReq{method: "GET", path: "/cards"})
				var shown []int64
				for _, m := range cardID.FindAllStringSubmatch(page.body, -1) {
					id, _ := strconv.ParseInt(m[1], 10, 64)
					shown = append(shown, id)
				}
				sameSet(t, "cards", shown, carded)
				var cl api.CardList
				apiJSON(t, w.send(t, ac, httpReq{method: "GET", path: "/api/v1/cards", api: true}), &cl)
				shown = nil
				for _, it := range cl.Items {
					shown = append(shown, it.ID)
				}
				sameSet(t, "API cards", shown, carded)
				w.checkContent(t, ac, "GET /cards", page, facts)
			})
			t.Run("search", func(t *testing.T) {
				web := func(q string) response {
					// The term comes back as typed (the heading, the field) and in the links that
					// keep it (the track filter: escaped for a URL, then for HTML).
					inURL := url.QueryEscape(q)
					return w.send(t, ac, httpReq{method: "GET", path: "/worklist?tab=all&q=" + inURL}).normalised(
						q, "{q}", inURL, "{q}", strings.ReplaceAll(inURL, "+", "&#43;"), "{q}")
				}
				apiSearch := func(q string) response {
					return w.send(t, ac, httpReq{method: "GET", path: "/api/v1/cases?q=" + url.QueryEscape(q), api: true}).normalised(q, "{q}")
				}
				noWeb, noAPI := web(nobodyByThatName), apiSearch(nobodyByThatName)
				for _, c := range w.cases {
					sees := slices.Contains(visible, c.id)
					for _, term := range []string{c.surname, c.pnr} {
						if term == "" {
							continue // the twin has no personnummer
						}
						gotWeb, gotAPI := web(term), apiSearch(term)
						if sees {
							if !strings.Contains(gotWeb.body, "/cases/"+itoa(c.id)) {
								t.Errorf("searching %q does not find case %s, which %s sees", term, c.name(), ac.name)
							}
							var cl api.CaseList
							apiJSON(t, gotAPI, &cl)
							if cl.Total != 1 || len(cl.Items) != 1 || cl.Items[0].CaseID != c.id {
								t.Errorf("API search %q: %+v, want case %s", term, cl, c.name())
							}
							continue
						}
						if !gotWeb.same(noWeb) {
							t.Errorf("searching %q (case %s, hidden from %s) answers differently from a search for nobody:\n got: %s\nwant: %s",
								term, c.name(), ac.name, gotWeb, noWeb)
						}
						if !gotAPI.same(noAPI) {
							t.Errorf("API search %q (case %s, hidden from %s) answers differently from a search for nobody:\n got: %s\nwant: %s",
								term, c.name(), ac.name, gotAPI, noAPI)
						}
					}
					// Protected details are not a way in: a search for the address or school
					// finds the case only for someone who may see them.
					for _, term := range []string{c.address, c.school} {
						gotWeb, gotAPI := web(term), apiSearch(term)
						found := strings.Contains(gotWeb.body, "/cases/"+itoa(c.id)) || strings.Contains(gotAPI.body, itoa(c.id))
						if found && !access.Case(ac.a, facts[c], casework.CatProtected, t0).Allowed {
							t.Errorf("searching the protected %q finds case %s for %s", term, c.name(), ac.name)
						}
						if !found && (!gotWeb.same(noWeb) || !gotAPI.same(noAPI)) {
							t.Errorf("searching the protected %q (case %s) answers %s differently from a search for nobody", term, c.name(), ac.name)
						}
					}
				}
			})
			w.exportsHoldNoNames(t, ac)
		})
	}
}

// exportsHoldNoNames: the follow-up exports (for whoever may view aggregates) name nobody.
// The CSV and JSON are checked as text; the workbook's cells are in its XML parts.
func (w *world) exportsHoldNoNames(t *testing.T, ac *actor) {
	t.Helper()
	if !access.Can(ac.a, access.ViewAggregates).Allowed {
		return
	}
	for _, p := range []string{"/followup/export.csv", "/followup/export.json?period=2025H2", "/followup/export.xlsx"} {
		got := w.send(t, ac, httpReq{method: "GET", path: p})
		if got.status != 200 {
			t.Errorf("%s: %s", p, got)
			continue
		}
		text := got.body
		if strings.Contains(p, ".xlsx") {
			text = xlsxText(t, got.body)
		}
		for _, c := range w.cases {
			texts := []string{c.surname, c.address, c.school}
			if c.pnr != "" {
				texts = append(texts, c.pnr, c.pnr[:8]+"-"+c.pnr[8:])
			}
			for _, m := range c.markers {
				texts = append(texts, m)
			}
			for _, s := range texts {
				if strings.Contains(text, s) {
					t.Errorf("%s names %q of case %s", p, s, c.name())
				}
			}
		}
	}
}

// xlsxText is every XML part of a workbook, concatenated.
func xlsxText(t *testing.T, body string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}

func sameSet(t *testing.T, what string, got, want []int64) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s %v, want %v", what, g, w)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
