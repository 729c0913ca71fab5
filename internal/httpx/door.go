package httpx

import (
	"context"
	"net/http"
)

// Finisher ends a request's visit to the store: it writes the request's audit entry and
// returns once the entry is durable.
type Finisher interface {
	Finish(context.Context) error
}

// Door begins a visit for every request (begin) and finishes it before the first byte of the
// answer leaves — so no answer carrying personal data leaves before the log records who read
// it. If the entry cannot be written, the answer the handler prepared is dropped and fail
// answers instead (a server error).
func Door(begin func(context.Context) (context.Context, Finisher), fail func(w http.ResponseWriter, r *http.Request, err error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, v := begin(r.Context())
		r = r.WithContext(ctx)
		fw := &finishWriter{ResponseWriter: w, r: r, v: v, fail: fail}
		next.ServeHTTP(fw, r)
		fw.finish()
	})
}

// finishWriter finishes the visit at the first WriteHeader or Write.
type finishWriter struct {
	http.ResponseWriter
	r        *http.Request
	v        Finisher
	fail     func(w http.ResponseWriter, r *http.Request, err error)
	finished bool
	failed   bool
}

// finish finishes the visit once; on failure it answers with fail and swallows what the
// handler writes after.
func (w *finishWriter) finish() bool {
	if w.finished {
		return !w.failed
	}
	w.finished = true
	if err := w.v.Finish(w.r.Context()); err != nil {
		w.failed = true
		h := w.ResponseWriter.Header()
		for k := range h {
			if k != "Content-Security-Policy" && k != "X-Content-Type-Options" && k != "X-Frame-Options" &&
				k != "Referrer-Policy" && k != "Cache-Control" && k != "Strict-Transport-Security" && k != "Permissions-Policy" {
				h.Del(k)
			}
		}
		w.fail(w.ResponseWriter, w.r, err)
		return false
	}
	return true
}

func (w *finishWriter) WriteHeader(code int) {
	if w.finish() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *finishWriter) Write(b []byte) (int, error) {
	if !w.finished {
		w.WriteHeader(http.StatusOK)
	}
	if w.failed {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *finishWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
