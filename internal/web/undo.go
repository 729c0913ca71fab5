package web

import (
	"net/http"
	"regexp"
)

// Undo of destructive steps (issue 17:3). The answer to a removal or cancellation that can be
// undone carries, beside its flash message, the address of its undo (a cookie read once, like
// the flash); the next page shows an "Undo" button beside the message. The store allows the
// undo for store.UndoWindow and decides access again.

const undoCookie = "lots_undo"

// undoPath is the form of every undo address: nothing else is accepted from the cookie.
var undoPath = regexp.MustCompile(`^/cases/[0-9]{1,16}/(group/members|meetings)/[0-9]{1,16}/restore$`)

// offerUndo makes the next page offer the undo at path.
func (s *Server) offerUndo(w http.ResponseWriter, r *http.Request, path string) {
	s.setCookie(w, r, undoCookie, path, 60)
}

// takeUndo reads and clears the undo address offered by the previous answer.
func (s *Server) takeUndo(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(undoCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	s.setCookie(w, r, undoCookie, "", -1)
	if !undoPath.MatchString(c.Value) {
		return ""
	}
	return c.Value
}

// groupMemberRestore undoes a member's removal.
func (s *Server) groupMemberRestore(w http.ResponseWriter, r *http.Request) {
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	s.groupChange(w, r, func(caseID int64) (string, error) {
		return "group.member_restored", s.store.RestoreGroupMember(r.Context(), caseID, mid)
	})
}

// meetingRestore undoes a meeting's cancellation.
func (s *Server) meetingRestore(w http.ResponseWriter, r *http.Request) {
	s.meetingChange(w, r, func(p *Page, caseID, mid int64) (string, string, error) {
		return "meeting.restored", "", s.store.RestoreMeeting(r.Context(), caseID, mid)
	})
}
