package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// auditRegisterData is the register-extract page: the request form and the latest requests,
// the adults matching a name, or an extract.
type auditRegisterData struct {
	Requests   []registerRequestView
	Modes      []caseChoice
	Candidates []store.AdultCandidate
	Extract    *store.RegisterExtract
	Reads      []auditLine
	JSONURL    string
	Made       string
	Pruned     string // the access log's entries from before this day were deleted under retention
}

type registerRequestView struct {
	store.RegisterRequest
	Subject, Delivered string
}

// auditRegister makes a register extract (GDPR art. 15): for a young person by personnummer or
// reserve number (?subject=youth&identity=), or for an adult — first the registrations with
// their name (?subject=guardian&name=), then the extract of those the official ticks as theirs
// (&person=…). ?format=json sends it as a JSON file. Making it is recorded as a request.
func (s *Server) auditRegister(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "register.title")
	q := r.URL.Query()
	subject := store.ExtractSubject(q.Get("subject"))
	p.Form["subject"], p.Form["identity"], p.Form["name"] = string(subject), q.Get("identity"), q.Get("name")
	if p.Form["subject"] == "" {
		p.Form["subject"] = string(store.SubjectYouth)
	}
	if subject == "" {
		s.renderAuditRegister(w, r, p, http.StatusOK)
		return
	}
	var rq store.RegisterQuery
	switch subject {
	case store.SubjectYouth:
		rq = store.RegisterQuery{Subject: subject, Identity: q.Get("identity")}
		if strings.TrimSpace(rq.Identity) == "" {
			s.auditRegisterError(w, r, p, casework.Invalid("identity", "audit.identity_required"))
			return
		}
	case store.SubjectGuardian:
		rq = store.RegisterQuery{Subject: subject}
		for _, v := range q["person"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				s.notFound(w, r)
				return
			}
			rq.PersonIDs = append(rq.PersonIDs, id)
		}
		if len(rq.PersonIDs) == 0 {
			cands, err := s.store.FindAdults(r.Context(), q.Get("name"))
			if err != nil {
				s.auditRegisterError(w, r, p, err)
				return
			}
			if len(cands) == 0 {
				p.ErrorMsg = p.T("register.no_adults")
			}
			s.renderAuditRegister(w, r, p, http.StatusOK, cands...)
			return
		}
	default:
		s.auditRegisterError(w, r, p, casework.Invalid("subject", "register.subject_invalid"))
		return
	}
	x, err := s.store.MakeRegisterExtract(r.Context(), rq)
	if casework.ErrorCode(err) == casework.ENotFound {
		p.ErrorMsg = p.T("audit.not_found")
		s.renderAuditRegister(w, r, p, http.StatusNotFound)
		return
	}
	if err != nil {
		s.auditRegisterError(w, r, p, err)
		return
	}
	reads := auditLines(p, x.Reads)
	if q.Get("format") == "json" {
		s.registerJSON(w, r, x, reads)
		return
	}
	jq := r.URL.Query()
	jq.Set("format", "json")
	p.Title = p.T("register.extract_title")
	if x.Youth != nil {
		p.Title = p.T("register.extract_heading", x.Youth.Name)
	}
	p.Data = auditRegisterData{Extract: &x, Reads: reads, JSONURL: "/audit/register?" + jq.Encode(),
		Made: p.T("audit.made", auditTime(x.MadeAt), x.MadeBy), Modes: deliveryModes(p, ""), Pruned: prunedDay(x.LogPrunedBefore)}
	s.render(w, r, http.StatusOK, "audit_register", p)
}

func (s *Server) auditRegisterError(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	if fe := casework.FieldErrorsOf(err); fe != nil {
		p.Errors = fe
		s.renderAuditRegister(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.fail(w, r, err)
}

func deliveryModes(p *Page, chosen string) []caseChoice {
	var out []caseChoice
	for _, m := range store.DeliveryModes {
		out = append(out, caseChoice{Value: m, Label: p.T("register.delivery." + m), Selected: m == chosen})
	}
	return out
}

func (s *Server) renderAuditRegister(w http.ResponseWriter, r *http.Request, p *Page, status int, cands ...store.AdultCandidate) {
	reqs, err := s.store.RegisterRequests(r.Context(), 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditRegisterData{Modes: deliveryModes(p, p.Form["how"]), Candidates: cands}
	for _, rq := range reqs {
		v := registerRequestView{RegisterRequest: rq, Subject: p.T("register.subject." + string(rq.Subject))}
		if !rq.DeliveredAt.IsZero() {
			v.Delivered = p.T("register.delivered_on", auditTime(rq.DeliveredAt), p.T("register.delivery."+rq.DeliveredHow), rq.DeliveredBy)
		}
		d.Requests = append(d.Requests, v)
	}
	p.Data = d
	s.render(w, r, status, "audit_register", p)
}

// registerJSON sends the extract as a JSON file: the extract, and the reads as the page
// shows them.
func (s *Server) registerJSON(w http.ResponseWriter, r *http.Request, x store.RegisterExtract, reads []auditLine) {
	type read struct {
		At, User, Username, Role, Agency, Action, Object, Category, Ground, Outcome string
	}
	doc := struct {
		Format string `json:"format"`
		store.RegisterExtract
		Reads []read `json:"reads"`
	}{Format: "lots-register-extract-1", RegisterExtract: x}
	for _, l := range reads {
		doc.Reads = append(doc.Reads, read{At: l.Time, User: l.User, Username: l.Username, Role: l.Roles, Agency: l.Agency,
			Action: l.Action, Object: l.Object, Category: l.Category, Ground: l.Ground, Outcome: l.Outcome})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	name := "registerutdrag-" + strconv.FormatInt(x.RequestID, 10) + "-" + x.MadeAt.In(stockholm).Format(time.DateOnly) + ".json"
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// auditRegisterDelivered records that an extract was handed over, and how.
func (s *Server) auditRegisterDelivered(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.store.RecordDelivery(r.Context(), id, r.PostFormValue("how"))
	if err == nil {
		s.setFlash(w, r, "register.delivery_saved")
		http.Redirect(w, r, "/audit/register", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "register.title")
	p.Form["subject"], p.Form["how"] = string(store.SubjectYouth), r.PostFormValue("how")
	if fe := casework.FieldErrorsOf(err); fe != nil {
		p.Errors = fe
		s.renderAuditRegister(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.fail(w, r, err)
}
