package authz

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"lots/internal/api"
	"lots/internal/casework"
)

// mayCache holds what the API said each actor may do with each case.
type mayCache struct {
	mu sync.Mutex
	m  map[string]*api.CaseDetail // nil: the actor does not see the case
}

// mayOf asks the API, as the actor, what they may do with the case (cached; the matrix's
// cases do not change what anyone may do).
func (w *world) mayOf(t *testing.T, ac *actor, c *mcase) *api.CaseDetail {
	t.Helper()
	key := ac.name + "\x00" + itoa(c.id)
	w.may.mu.Lock()
	if w.may.m == nil {
		w.may.m = map[string]*api.CaseDetail{}
	}
	cd, ok := w.may.m[key]
	w.may.mu.Unlock()
	if ok {
		return cd
	}
	res := w.send(t, ac, httpReq{method: "GET", path: "/api/v1/cases/" + itoa(c.id), api: true})
	if res.status == 200 {
		cd = &api.CaseDetail{}
		if err := json.Unmarshal([]byte(res.body), cd); err != nil {
			t.Fatal(err)
		}
	}
	w.may.mu.Lock()
	w.may.m[key] = cd
	w.may.mu.Unlock()
	return cd
}

// checkMay: the "may" the API shows for the case agrees with what the request met — a read
// is allowed exactly when the category is among those the actor reads, a change exactly when
// the work is allowed in its category.
func (w *world) checkMay(t *testing.T, r route, q reqSpec, ac *actor, c *mcase, want outcome) {
	t.Helper()
	if r.expect != nil || r.cat == casework.CatAnonymous {
		return // an object-level rule of its own; the anonymous card is not the case
	}
	cat, work := r.cat, r.work
	if q.cat != "" {
		cat = q.cat
	}
	if q.work != "" {
		work = q.work
	}
	if cat == "" {
		cat = casework.CatBasic
	}
	cd := w.mayOf(t, ac, c)
	var may bool
	switch {
	case cd == nil:
		may = false
	case work == "":
		may = slices.Contains(cd.May.Read, string(cat))
	default:
		for _, wa := range cd.May.Work {
			if wa.Work == string(work) && slices.Contains(wa.Categories, string(cat)) {
				may = true
			}
		}
	}
	if may != (want == allowed) {
		t.Errorf("the API's may says %v for %s work in %s, the request was %s", may, work, cat, want)
	}
}
