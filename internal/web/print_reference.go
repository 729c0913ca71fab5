package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// printReferenceURL is the address of the running header of a printed page about a case:
// the case's short reference and, when given (consentID > 0), the consent's number.
func printReferenceURL(caseID, consentID int64) string {
	u := "/print/reference.css?case=" + strconv.FormatInt(caseID, 10)
	if consentID > 0 {
		u += "&consent=" + strconv.FormatInt(consentID, 10)
	}
	return u
}

// printReference serves a printed document's page furniture as a stylesheet — the content
// security policy allows no inline style, and CSS page-margin boxes cannot read the page:
// on every printed page the case's reference and the consent's number at the top, "Sida 2 av
// 5" at the bottom (issue 17:7). It reads nothing from the store: it writes back the numbers
// of its address, checked as numbers, with the case shortened as everywhere outside Lots
// (casework.CaseReference), and labels in the user's language.
func (s *Server) printReference(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(name string) (int64, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil && n > 0
	}
	caseID, ok1 := num("case")
	consentID, ok2 := num("consent")
	if !ok1 || !ok2 {
		http.Error(w, "bad reference", http.StatusBadRequest)
		return
	}
	l := s.locale(r)
	var ref []string
	if caseID > 0 {
		ref = append(ref, s.catalog.T(l, "print.ref_case", casework.CaseReference(caseID)))
	}
	if consentID > 0 {
		ref = append(ref, s.catalog.T(l, "print.ref_consent", strconv.FormatInt(consentID, 10)))
	}
	var b strings.Builder
	b.WriteString("@page {\n")
	if len(ref) > 0 {
		b.WriteString("  @top-right { content: " + cssString(strings.Join(ref, " · ")) + "; font-size: 8.5pt; color: #000; }\n")
	}
	b.WriteString("  @bottom-right { content: " + cssString(s.catalog.T(l, "print.page")+" ") + " counter(page) " +
		cssString(" "+s.catalog.T(l, "print.page_of")+" ") + " counter(pages); font-size: 8.5pt; color: #000; }\n}\n")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write([]byte(b.String()))
}

// cssString quotes s as a CSS string: backslash-escaped, no quote, line break or angle
// bracket left as it is.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '<' || r == '>' || r < 0x20 || r == 0x7f:
			b.WriteString("\\" + strconv.FormatInt(int64(r), 16) + " ")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
