package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// Nothing typed is lost (issue 17:1). A long form — one with a text area — keeps a draft on the
// server while it is being written (static/js/daily.js sends it a moment after each change), per
// user and form, sealed like other personal data (store/drafts.go). When the session ends by
// time the page has warned two minutes ahead; a form sent after the end is kept as the draft
// too, and the login returns to the page, which puts the text back. A form sent successfully
// (any answer below 400) deletes its draft.

// draftField marks a form whose text is kept as a draft; the script adds it as a hidden field.
const draftField = "lots_draft"

// draftCaseID is the case a form's address belongs to (/cases/{id}/…), or 0.
func draftCaseID(form string) int64 {
	rest, ok := strings.CutPrefix(form, "/cases/")
	if !ok {
		return 0
	}
	idText, _, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// draftJSON is a draft as the script sends and receives it: the form's fields as name/value
// pairs, in order.
type draftJSON struct {
	Fields [][2]string `json:"fields"`
}

// draftShow answers GET /drafts?form=…: the actor's draft of the form, or 204 when there is
// none. A case form's draft comes back only while the actor may still open the case (the store
// reads the case through the door first).
func (s *Server) draftShow(w http.ResponseWriter, r *http.Request) {
	form := r.URL.Query().Get("form")
	d, err := s.store.DraftOf(r.Context(), form)
	if casework.ErrorCode(err) == casework.ENotFound {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		s.draftProblem(w, r, err)
		return
	}
	var content draftJSON
	if err := json.Unmarshal([]byte(d.Content), &content); err != nil {
		s.draftProblem(w, r, casework.Internal(err))
		return
	}
	l := s.locale(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"fields": content.Fields,
		"saved":  d.UpdatedAt.Format(time.RFC3339),
		"notice": s.catalog.T(l, "draft.restored", d.UpdatedAt.In(stockholm).Format("2006-01-02 15:04")),
	})
}

// draftSave answers POST /drafts (form, content): keeps the actor's draft of the form.
func (s *Server) draftSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 512<<10)
	form, content := r.PostFormValue("form"), r.PostFormValue("content")
	var parsed draftJSON
	if err := json.Unmarshal([]byte(content), &parsed); err != nil {
		s.draftProblem(w, r, casework.Invalid("content", "draft.content_invalid"))
		return
	}
	if err := s.store.SaveDraft(r.Context(), store.Draft{Form: form, CaseID: draftCaseID(form), Content: content}); err != nil {
		s.draftProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// draftDiscard answers POST /drafts/discard (form): the actor throws the draft away.
func (s *Server) draftDiscard(w http.ResponseWriter, r *http.Request) {
	if err := s.store.DeleteDraft(r.Context(), r.PostFormValue("form")); err != nil {
		s.draftProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// keepLateForm keeps a form that arrived after its session ended by time as the draft of its
// user (the session's token matched; nothing is done in the user's name but keeping the text).
// Only forms the script marked as drafts are kept, without password fields, and the script's
// own saves. Only the first request after the end can be kept: it ends the session on the
// server and clears the cookie (the script therefore sends the text once when it learns of the
// end).
func (s *Server) keepLateForm(r *http.Request, sess store.Session) {
	if r.Method != http.MethodPost || sess.UserID == 0 || sess.MFAPending {
		return
	}
	if r.URL.Path == "/drafts" { // the script's own save, the first after the end
		r.Body = http.MaxBytesReader(nil, r.Body, 512<<10)
		form, content := r.PostFormValue("form"), r.PostFormValue("content")
		if json.Valid([]byte(content)) {
			if err := s.store.SaveLateDraft(r.Context(), sess, store.Draft{Form: form, CaseID: draftCaseID(form), Content: content}); err != nil {
				s.log.Warn("keep late draft", "err", err)
			}
		}
		return
	}
	if !isDraftForm(r) {
		return
	}
	var d draftJSON
	for name, values := range r.PostForm {
		if name == draftField || strings.Contains(strings.ToLower(name), "password") {
			continue
		}
		for _, v := range values {
			d.Fields = append(d.Fields, [2]string{name, v})
		}
	}
	b, _ := json.Marshal(d)
	if err := s.store.SaveLateDraft(r.Context(), sess, store.Draft{Form: r.URL.Path, CaseID: draftCaseID(r.URL.Path), Content: string(b)}); err != nil {
		s.log.Warn("keep late form", "err", err, "path", r.URL.Path)
	}
}

// isDraftForm reports whether a POST is a form the script keeps drafts of: a small
// URL-encoded form with the mark. Its fields are parsed here, before the handler, which finds
// them parsed (a larger or multipart form is left to its handler and keeps its draft until
// the draft's time runs out or it is discarded).
func isDraftForm(r *http.Request) bool {
	// Parsed here only when no handler's own limit could be smaller (the concern form's is the
	// smallest, 256 kB): a larger form is left to its handler's limit, and keeps its draft.
	if r.Method != http.MethodPost || r.ContentLength < 0 || r.ContentLength > maxConcernBytes ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	if err := r.ParseForm(); err != nil {
		return false
	}
	return r.PostForm.Get(draftField) != ""
}

// draftSent deletes the draft of a form sent successfully (the answer was not an error).
func (s *Server) draftSent(r *http.Request, status int) {
	if status >= 400 {
		return
	}
	if err := s.store.DeleteDraft(r.Context(), r.URL.Path); err != nil {
		s.log.Warn("delete sent draft", "err", err, "path", r.URL.Path)
	}
}

// sessionLeft answers GET /session/left: the seconds the session lives unless used. Asking
// does not use it.
func (s *Server) sessionLeft(w http.ResponseWriter, r *http.Request) {
	s.answerSessionLeft(w, r, false)
}

// sessionKeep answers POST /session/keep ("stay signed in"): the session is used now.
func (s *Server) sessionKeep(w http.ResponseWriter, r *http.Request) {
	s.answerSessionLeft(w, r, true)
}

func (s *Server) answerSessionLeft(w http.ResponseWriter, r *http.Request, keep bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"left": 0})
		return
	}
	var left time.Duration
	if keep {
		left, err = s.auth.KeepSession(r.Context(), c.Value)
	} else {
		left, err = s.auth.SessionLeft(r.Context(), c.Value)
	}
	if err != nil {
		if casework.ErrorCode(err) == casework.EInternal {
			s.draftProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"left": 0})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"left": int(left / time.Second)})
}

// draftProblem answers a drafts request that failed with an RFC 9457 problem.
func (s *Server) draftProblem(w http.ResponseWriter, r *http.Request, err error) {
	e := casework.AsError(err)
	status := http.StatusInternalServerError
	switch e.Code {
	case casework.EInvalid:
		status = http.StatusUnprocessableEntity
	case casework.ENotFound, casework.EForbidden:
		status = http.StatusNotFound
	case casework.EConflict:
		status = http.StatusConflict
	case casework.EUnauthorized:
		status = http.StatusUnauthorized
	default:
		s.log.Error("drafts", "err", err, "path", r.URL.Path)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"status": status, "title": s.catalog.T(s.locale(r), map[bool]string{true: e.Key, false: "error.internal"}[status != 500]),
	})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sameOriginReferer is the local address of the page a request came from, when the browser
// said and it is this site's; "" otherwise.
func sameOriginReferer(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Path == "" {
		return ""
	}
	return safeNext(u.RequestURI())
}
