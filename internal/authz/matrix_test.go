package authz

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// nowhere is a case id (and object id) that does not exist: the answer about it is what every
// refused actor must get.
const nowhere int64 = 4503599627370497

// TestAuthorizationMatrix runs the table on both engines: on SQLite every case-scoped request
// for every actor on every case; on PostgreSQL (and with -short) the same for a representative
// part of the cases, everything else in full. LOTS_AUTHZ_FULL=1 runs the full product on both.
func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		start := time.Now()
		var only func(consentState, bool) bool
		if (e == storetest.Postgres || testing.Short()) && os.Getenv("LOTS_AUTHZ_FULL") == "" {
			only = representative
		}
		w := newWorld(t, e, only)
		built := time.Since(start)
		t.Run("every route is in the table", w.everyRouteIsInTheTable)
		t.Run("case routes", w.caseRoutes)
		t.Run("another case's objects", w.foreignObjects)
		t.Run("other routes", w.otherRoutes)
		t.Run("own objects", w.ownObjects)
		t.Run("lists, search, counts and exports", w.lists)
		t.Run("security alerts reach only who may see them", w.securityAlerts)
		t.Run("the checks saw something", w.notVacuous)
		t.Run("a concern is no search", w.concernsAreNoSearch) // last: it adds cases
		t.Logf("%s: %d cases, %d actors, %d requests; built in %s, all in %s", e, len(w.cases), len(w.actors), w.requests,
			built.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	})
}

// representative are the cases PostgreSQL runs: a consent that covers the police (with and
// without protected identity: the twins), none at all (the anonymous card), an expired, a
// withdrawn one, one for another agency, one of the wrong categories (protected), intake and
// intake closed, and a concern without personnummer at intake (protected identity at intake) —
// every consent state, every ground of access.Case and every kind of
// refusal, each at least once.
func representative(s consentState, prot bool) bool {
	switch s.name {
	case "valid":
		return true // the twins: merging and duplicates
	case "other-categories", "closed-at-intake", "expired":
		return prot
	case "none", "withdrawn", "intake", "other-agency", "unidentified-intake":
		return !prot
	}
	return false
}

// everyRouteIsInTheTable: a route the servers register but the table does not govern fails,
// and so does a table entry for a route that no longer exists.
func (w *world) everyRouteIsInTheTable(t *testing.T) {
	registered := map[string]bool{}
	for _, p := range w.srv.App.Web.Routes() {
		registered[p] = true
	}
	for _, rt := range w.srv.App.API.Routes() {
		registered["API "+rt.Method+" "+rt.Path] = true
	}
	inTable := map[string]bool{}
	for _, r := range table {
		if inTable[r.key] {
			t.Errorf("%s is in the table twice", r.key)
		}
		inTable[r.key] = true
		if len(r.reqs) == 0 {
			t.Errorf("%s has no request in the table", r.key)
		}
	}
	for k := range registered {
		if !inTable[k] {
			t.Errorf("route %q is not in the authorization table (internal/authz/table_test.go): say how it is governed", k)
		}
	}
	for k := range inTable {
		if !registered[k] {
			t.Errorf("the authorization table names %q, which is not a registered route", k)
		}
	}
	if len(registered) < 100 {
		t.Errorf("only %d routes registered: is the route listing broken?", len(registered))
	}
	t.Logf("%d routes registered (web and API), %d in the table", len(registered), len(inTable))
}

// vars are the placeholders of case c (nil: only the global ones), with subject (if any)
// pointing nowhere.
func (w *world) vars(c *mcase, subject string) map[string]string {
	v := map[string]string{}
	for k, x := range w.globals {
		v[k] = x
	}
	if c != nil {
		v["{id}"] = itoa(c.id)
		for k, id := range c.objects {
			v["{"+k+"}"] = itoa(id)
		}
	}
	if subject != "" {
		v["{"+subject+"}"] = itoa(nowhere)
	}
	return v
}

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// fill makes the concrete request; ok is false when the case lacks an object the request
// needs (an intake case has no consent, group or meeting).
func (w *world) fill(q reqSpec, c *mcase, fake bool) (httpReq, bool) {
	subject := ""
	if fake {
		subject = q.subjectName()
	}
	v := w.vars(c, subject)
	ok := true
	rep := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			x, found := v[m]
			if !found {
				ok = false
			}
			return x
		})
	}
	r := httpReq{method: q.method, path: rep(q.path), api: q.api, json: rep(q.json), file: q.file, raw: q.raw}
	if q.form != nil {
		r.form = map[string][]string{}
		for k, vs := range q.form {
			for _, x := range vs {
				r.form[rep(k)] = append(r.form[rep(k)], rep(x))
			}
		}
	}
	return r, ok
}

func (w *world) send(t *testing.T, ac *actor, r httpReq) response {
	t.Helper()
	w.mu.Lock()
	w.requests++
	w.mu.Unlock()
	return w.do(t, ac, r)
}

// nowhereAnswer is the answer to ac for q about a record that does not exist (cached: it is
// the same for every case unless the request names one of the case's objects).
func (w *world) nowhereAnswer(t *testing.T, ac *actor, q reqSpec, c *mcase) response {
	t.Helper()
	r, _ := w.fill(q, c, true)
	key := ac.name + "\x00" + r.method + " " + r.path + "\x00" + r.form.Encode() + "\x00" + r.json
	w.mu.Lock()
	res, ok := w.baseline[key]
	w.mu.Unlock()
	if ok {
		return res
	}
	res = w.send(t, ac, r)
	w.mu.Lock()
	w.baseline[key] = res
	w.mu.Unlock()
	return res
}

// caseRoutes: every case-scoped request, for every actor, on every case.
func (w *world) caseRoutes(t *testing.T) {
	facts := w.allFacts(t)
	for _, c := range w.cases {
		t.Run(c.name(), func(t *testing.T) {
			f := facts[c]
			for _, r := range table {
				if r.gov != caseScoped {
					continue
				}
				for _, q := range r.reqs {
					if _, ok := w.fill(q, c, false); !ok {
						continue // the case has no such object (intake)
					}
					t.Run(q.label(), func(t *testing.T) {
						for _, ac := range w.actors {
							t.Run(ac.name, func(t *testing.T) {
								if q.restore == nil {
									t.Parallel() // one case, many actors: only a request that changes the case waits its turn
								}
								if bug := knownBug(r.key, q, c, ac); bug != "" {
									t.Skip("BUG: " + bug)
								}
								want := expectCase(r, q, ac, c, f, t0)
								req, _ := w.fill(q, c, false) // after a restore, the objects are new
								got := w.send(t, ac, req)
								base := w.nowhereAnswer(t, ac, q, c)
								subj := "{" + q.subjectName() + "}"
								real := itoa(c.id)
								if q.subjectName() != "id" {
									real = itoa(c.objects[q.subjectName()])
								}
								gn := got.normalised(real, subj, itoa(nowhere), subj)
								bn := base.normalised(real, subj, itoa(nowhere), subj)
								w.count(func() { w.outcomes[want]++ })
								// One door per request: every case-scoped request, allowed or refused,
								// and the same request about a case that does not exist, writes
								// exactly one audit entry.
								if got.entries != 1 || base.entries != 1 {
									t.Errorf("audit entries: %d for the request, %d for the same about no case; want exactly 1 each (%s)",
										got.entries, base.entries, got)
								}
								switch want {
								case notFound:
									if !gn.same(bn) {
										t.Errorf("refused (%s) but answered differently from a record that does not exist:\n got: %s\nwant: %s\n%s",
											groundOf(r, q, ac, f), got, base, firstDifference(gn, bn))
									}
								case forbidden:
									if got.status != 403 {
										t.Errorf("sees the case but may not do this: want 403, got %s", got)
									}
								case allowed:
									if gn.same(bn) {
										t.Errorf("allowed (%s) but answered like a record that does not exist: %s", groundOf(r, q, ac, f), got)
									} else if !slices.Contains(q.want, got.status) {
										t.Errorf("allowed (%s): want status %v, got %s", groundOf(r, q, ac, f), q.want, got)
									}
								}
								w.checkContent(t, ac, r.key, got, facts)
								w.checkMay(t, r, q, ac, c, want)
								if q.restore != nil {
									if err := q.restore(w, c, got); err != nil {
										t.Fatalf("putting the case back: %v", err)
									}
								}
							})
						}
					})
				}
			}
		})
	}
}

// groundOf names the access decision behind an expectation, for messages.
func groundOf(r route, q reqSpec, ac *actor, f access.CaseFacts) string {
	cat, work := r.cat, r.work
	if q.cat != "" {
		cat = q.cat
	}
	if q.work != "" {
		work = q.work
	}
	if work == "" {
		return access.Case(ac.a, f, cat, t0).Ground.String()
	}
	return access.CaseWrite(ac.a, f, work, cat, t0).Ground.String()
}

// allFacts reads every case's facts once.
func (w *world) allFacts(t *testing.T) map[*mcase]access.CaseFacts {
	t.Helper()
	out := map[*mcase]access.CaseFacts{}
	for _, c := range w.cases {
		out[c] = w.facts(t, c)
	}
	return out
}

// checkContent: an answer names a young person (surname or personnummer) only to someone who
// may see that case, and shows protected details only to someone who may see them. The
// auditor's pages name the young people of the log: that is what the auditor is for.
func (w *world) checkContent(t *testing.T, ac *actor, routeKey string, r response, facts map[*mcase]access.CaseFacts) {
	t.Helper()
	if strings.Contains(routeKey, " /audit") && access.Can(ac.a, access.ReviewAuditLog).Allowed {
		return
	}
	if r.status >= 300 && r.status < 400 {
		return // a redirect's body is its target: the request's own address, echoed
	}
	for _, c := range w.cases {
		f := facts[c]
		check := func(what string, cat casework.Category, texts ...string) {
			for _, s := range texts {
				if s == "" || !strings.Contains(r.body, s) {
					continue
				}
				w.count(func() { w.seen[cat]++ })
				if d := access.Case(ac.a, f, cat, t0); !d.Allowed {
					t.Errorf("shows %s of case %s (%q) to %s, who may not see %s (%s)", what, c.name(), s, ac.name, cat, d.Ground)
				}
				return
			}
		}
		ids := []string{c.surname}
		if c.pnr != "" {
			ids = append(ids, c.pnr, c.pnr[:8]+"-"+c.pnr[8:])
		}
		check("the young person's name or personnummer", casework.CatBasic, ids...)
		check("the protected details", casework.CatProtected, c.address, c.school)
		if c.placement != "" && strings.Contains(r.body, c.placement) {
			w.count(func() { w.seen[placementPlace]++ })
			for _, cat := range []casework.Category{casework.CatSocial, casework.CatProtected} {
				if d := access.Case(ac.a, f, cat, t0); !d.Allowed {
					t.Errorf("shows where the young person of case %s is placed to %s, who may not see %s (%s)", c.name(), ac.name, cat, d.Ground)
				}
			}
		}
		for cat, m := range c.markers {
			check("information", cat, m)
		}
	}
}

// placementPlace tallies the answers that showed where a young person is placed (a
// placement's place), which needs both the social and the protected category.
const placementPlace casework.Category = "placement place"

// otherRoutes: every route that is not about one case, for nobody logged in and for every
// actor: public ones answer everyone; the rest send nobody to the login page (web) or answer
// 401 (API); a role-level route answers the actors whose roles have the permission, and 403
// to the others.
func (w *world) otherRoutes(t *testing.T) {
	facts := w.allFacts(t)
	for _, r := range table {
		for _, q := range r.reqs {
			var req httpReq
			ok := false
			for _, c := range w.cases { // a case that has every object the request names
				if req, ok = w.fill(q, c, false); ok {
					break
				}
			}
			if !ok {
				t.Fatalf("%s: no case has every object the request names", q.label())
			}
			t.Run(q.label(), func(t *testing.T) {
				t.Run("nobody", func(t *testing.T) {
					got := w.send(t, nil, req)
					switch {
					case r.gov == public || r.gov == fallback:
						if !slices.Contains(q.want, got.status) {
							t.Errorf("public: want %v, got %s", q.want, got)
						}
					case q.api:
						if got.status != 401 || !strings.Contains(got.body, `"code":"unauthorized"`) {
							t.Errorf("want a 401 problem, got %s", got)
						}
					default:
						if got.status != 303 || !strings.HasPrefix(got.location, "/login") {
							t.Errorf("want a redirect to the login page, got %s", got)
						}
					}
					w.checkContent(t, &actor{name: "nobody"}, r.key, got, facts)
				})
				if r.gov == caseScoped || r.gov == own {
					return // the case matrix and ownObjects
				}
				for _, ac := range w.actors {
					t.Run(ac.name, func(t *testing.T) {
						t.Parallel()
						if bug := knownBug(r.key, q, nil, ac); bug != "" {
							t.Skip("BUG: " + bug)
						}
						who := ac
						if r.key == "POST /logout" {
							who = &actor{name: ac.name, session: w.freshSession(t, ac.name), token: ac.token, a: ac.a}
						}
						got := w.send(t, who, req)
						if r.gov == role && !r.may(ac.a) {
							if got.status != 403 || q.api && !strings.Contains(got.body, `"code":"forbidden"`) {
								t.Errorf("%s lacks %v: want 403, got %s", ac.name, r.perms, got)
							}
						} else if !slices.Contains(q.want, got.status) {
							t.Errorf("want %v, got %s", q.want, got)
						}
						w.checkContent(t, ac, r.key, got, facts)
					})
				}
			})
		}
	}
}

// ownObjects: an API token is revoked by its owner; anyone else's token is "not found",
// exactly like a token that does not exist.
func (w *world) ownObjects(t *testing.T) {
	ctx := context.Background()
	sys := casework.WithActor(ctx, casework.SystemActor(w.mid, "matrix"))
	newToken := func(t *testing.T, username string) int64 {
		_, tok, err := w.srv.App.Auth.CreateAPIToken(sys, w.userIDs[username], "matris-egen", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	var q reqSpec
	for _, r := range table {
		if r.gov == own {
			q = r.reqs[0]
		}
	}
	revoke := func(id int64) httpReq {
		return httpReq{method: "POST", path: strings.ReplaceAll(q.path, "{token}", itoa(id)), form: map[string][]string{}}
	}
	theirs := newToken(t, "samordnare")
	for _, ac := range w.actors {
		t.Run(ac.name, func(t *testing.T) {
			if got := w.send(t, ac, revoke(newToken(t, ac.name))); !slices.Contains(q.want, got.status) {
				t.Errorf("revoking an own token: want %v, got %s", q.want, got)
			}
			if ac.name == "samordnare" {
				return
			}
			got := w.send(t, ac, revoke(theirs)).normalised(itoa(theirs), "{token}")
			base := w.send(t, ac, revoke(nowhere)).normalised(itoa(nowhere), "{token}")
			if !got.same(base) {
				t.Errorf("someone else's token answered differently from one that does not exist:\n got: %s\nwant: %s", got, base)
			}
		})
	}
	// Nobody else revoked it: its owner still can.
	if got := w.send(t, w.byName["samordnare"], revoke(theirs)); !slices.Contains(q.want, got.status) {
		t.Errorf("the coordinator's token was revoked by someone else: %s", got)
	}
}

// apiJSON decodes an API answer.
func apiJSON(t *testing.T, r response, v any) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("want 200, got %s", r)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%v: %s", err, r)
	}
}

// firstDifference shows where two answers part.
func firstDifference(a, b response) string {
	if a.status != b.status || a.location != b.location {
		return "status or redirect differ"
	}
	i := 0
	for i < len(a.body) && i < len(b.body) && a.body[i] == b.body[i] {
		i++
	}
	from := max(0, i-80)
	return "bodies part at byte " + itoa(int64(i)) + ":\n got …" + strconv.Quote(a.body[from:min(len(a.body), i+160)]) +
		"\nwant …" + strconv.Quote(b.body[from:min(len(b.body), i+160)])
}

// notVacuous: the matrix means something only if every kind of answer and every kind of
// content it looks for turned up where it is allowed.
func (w *world) notVacuous(t *testing.T) {
	for _, o := range []outcome{allowed, forbidden, notFound} {
		if w.outcomes[o] < 50 {
			t.Errorf("only %d requests expected %s", w.outcomes[o], o)
		}
	}
	for _, cat := range []casework.Category{casework.CatBasic, casework.CatProtected, casework.CatPolice, casework.CatSchool,
		casework.CatSocial, casework.CatHealth, casework.CatFamily, casework.CatLeisure, casework.CatSecurity, casework.CatExitDestination, placementPlace} {
		if w.seen[cat] == 0 {
			t.Errorf("no answer showed %s information: the content checks look for the wrong text", cat)
		}
	}
	t.Logf("expected outcomes %v; answers showing each category %v", w.outcomes, w.seen)
}

// count updates the matrix's tallies (subtests run in parallel).
func (w *world) count(f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f()
}

// foreignObjects: an object is found only under its own case. Asked for under another case
// the actor may work on, a consent, meeting, group member or related person of a second case
// answers exactly like an object that does not exist.
func (w *world) foreignObjects(t *testing.T) {
	var home, other *mcase // the valid consent (the police see it) and another case taken on
	for _, c := range w.cases {
		if c.state.name == "valid" && home == nil {
			home = c
		}
	}
	for _, c := range w.cases {
		if !c.state.intake && c != home && other == nil && home != nil {
			other = c
		}
	}
	if other == nil {
		t.Skip("needs two cases taken on")
	}
	facts := w.allFacts(t)
	objects := regexp.MustCompile(`\{(cid|wcid|pid|mid|gm)\}`)
	for _, r := range table {
		if r.gov != caseScoped {
			continue
		}
		for _, q := range r.reqs {
			if !objects.MatchString(q.path + q.json) {
				continue
			}
			t.Run(q.label(), func(t *testing.T) {
				mixed := &mcase{objects: map[string]int64{}}
				nowhereObjects := &mcase{objects: map[string]int64{}}
				var repl []string
				for k, id := range home.objects {
					mixed.objects[k], nowhereObjects.objects[k] = id, id
				}
				for _, k := range objects.FindAllStringSubmatch(q.path+q.json, -1) {
					mixed.objects[k[1]], nowhereObjects.objects[k[1]] = other.objects[k[1]], nowhere
					repl = append(repl, itoa(other.objects[k[1]]), "{"+k[1]+"}", itoa(nowhere), "{"+k[1]+"}")
				}
				mixed.id, nowhereObjects.id = home.id, home.id
				for _, ac := range w.actors {
					if expectCase(r, q, ac, home, facts[home], t0) != allowed {
						continue // refused on the case already
					}
					t.Run(ac.name, func(t *testing.T) {
						req, _ := w.fill(q, mixed, false)
						base, _ := w.fill(q, nowhereObjects, false)
						got, want := w.send(t, ac, req).normalised(repl...), w.send(t, ac, base).normalised(repl...)
						if !got.same(want) {
							t.Errorf("case %s's object under case %s answers differently from an object that does not exist:\n got: %s\nwant: %s",
								other.name(), home.name(), got, want)
						}
					})
				}
			})
		}
	}
}
