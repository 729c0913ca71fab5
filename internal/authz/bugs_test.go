package authz

// knownBugs are access bugs the matrix found that are not fixed yet, by route key; each entry
// says for which requests, cases and actors it applies. Their cases skip with "BUG: …" so the
// suite stays green until the fix, and the report names them. Remove an entry with its fix.
var knownBugs = []knownBugEntry{}

type knownBugEntry struct {
	route string
	req   string // request label; "" for every request of the route
	cases func(*mcase) bool
	actor func(*actor) bool
	what  string
}

// knownBug returns the description of a known bug for this request, case (nil outside the
// case matrix) and actor, or "".
func knownBug(route string, q reqSpec, c *mcase, ac *actor) string {
	for _, b := range knownBugs {
		if b.route != route || b.req != "" && b.req != q.label() {
			continue
		}
		if b.cases != nil && (c == nil || !b.cases(c)) {
			continue
		}
		if b.actor != nil && !b.actor(ac) {
			continue
		}
		return b.what
	}
	return ""
}
