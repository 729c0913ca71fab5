package web

import "net/http"

// auditHead exports the municipality's current tree head as text, the same three lines that
// `lots audit head` prints and `lots audit verify --head` reads. The export is logged.
func (s *Server) auditHead(w http.ResponseWriter, r *http.Request) {
	h, err := s.store.ExportAuditHead(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="lots-audit-head-`+s.now().In(stockholm).Format("2006-01-02")+`.txt"`)
	_, _ = w.Write([]byte(h.String()))
}
