package authz

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"lots/internal/httpx"
	"lots/internal/store"
)

// entryHeader carries the matrix's number for a request, so the server side can say how many
// audit entries that request wrote.
const entryHeader = "X-Matrix-Request"

// entryCounts records, for each request the matrix numbers, how many audit entries it wrote.
// It begins the request's visit itself, around the whole handler (Lots' own door uses a visit
// already begun), and reads the count when the visit finishes — before the first byte of the
// answer leaves, so the count is there when the client has its answer.
type entryCounts struct {
	mu   sync.Mutex
	m    map[string]int
	next atomic.Int64
	st   *store.Store
}

func (c *entryCounts) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(entryHeader)
		if id == "" || c.st == nil {
			next.ServeHTTP(w, r)
			return
		}
		begin := func(ctx context.Context) (context.Context, httpx.Finisher) {
			ctx, v := c.st.Visit(ctx)
			return ctx, countingFinisher{v: v, done: func(n int) {
				c.mu.Lock()
				c.m[id] = n
				c.mu.Unlock()
			}}
		}
		httpx.Door(begin, func(w http.ResponseWriter, _ *http.Request, err error) { http.Error(w, err.Error(), 500) }, next).ServeHTTP(w, r)
	})
}

type countingFinisher struct {
	v    *store.Visit
	done func(int)
}

func (f countingFinisher) Finish(ctx context.Context) error {
	err := f.v.Finish(ctx)
	f.done(f.v.Entries())
	return err
}

// number gives a request its number.
func (c *entryCounts) number(r *http.Request) string {
	id := strconv.FormatInt(c.next.Add(1), 10)
	r.Header.Set(entryHeader, id)
	return id
}

// of returns how many entries request id wrote (-1: the server did not report).
func (c *entryCounts) of(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.m[id]
	if !ok {
		return -1
	}
	delete(c.m, id)
	return n
}
