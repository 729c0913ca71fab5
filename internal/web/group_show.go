package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// groupShowData is the case's operative group page.
type groupShowData struct {
	caseView
	Group     casework.Group
	Members   []memberView
	Lead      *memberView
	Uncovered int
	HasYouth  bool
	// Forms, for those who work the case.
	Colleagues    []caseChoice // covered by the consent (or staff)
	NotCovered    []caseChoice // the consent does not cover them: the store will refuse
	Adults        []caseChoice // related persons who may be trusted adults
	Guardians     []caseChoice
	LeadChoices   []caseChoice
	RhythmChoices []caseChoice
	Roles         []string
	// ConsentHelp: the refusal named a missing party: link to the consents.
	ConsentHelp bool
	// Composition: parties to consider, needs without a party, the size (group_composition.go).
	Composition *compositionView
}

// groupShow shows the group: its members with their consent coverage and the lead contact,
// and, for those who work the case, the forms to change it.
func (s *Server) groupShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "group.title")
	v, ok := s.loadGroupCaseView(w, r, p, "group")
	if !ok {
		return
	}
	s.renderGroup(w, r, p, v, http.StatusOK)
}

func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "group.title", v)
	g, err := s.store.Group(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := groupShowData{caseView: v, Group: g, Members: memberViews(p, g, v.Detail.Youth.Name()), Roles: casework.SuggestedGroupRoles}
	d.ConsentHelp = p.FieldError("user") != "" && v.May.Edit()
	inGroup := map[int64]bool{}
	linked := map[int64]bool{}
	for i, m := range d.Members {
		if m.Lead {
			d.Lead = &d.Members[i]
		}
		if m.Kind == casework.MemberProfessional && !m.Covered {
			d.Uncovered++
		}
		if m.Kind == casework.MemberYouth {
			d.HasYouth = true
		}
		inGroup[m.UserID] = m.UserID != 0
		linked[m.PersonID] = m.PersonID != 0
		if (m.Kind == casework.MemberProfessional && m.Covered) || m.Kind == casework.MemberTrustedAdult {
			d.LeadChoices = append(d.LeadChoices, caseChoice{Value: strconv.FormatInt(m.ID, 10), Label: m.Label + " (" + m.KindLabel + ")", Selected: m.Lead})
		}
	}
	for wk := 1; wk <= 8; wk++ {
		d.RhythmChoices = append(d.RhythmChoices, caseChoice{Value: strconv.Itoa(wk), Label: p.T("group.rhythm_weeks", wk), Selected: wk == g.RhythmWeeks})
	}
	if v.May.Edit() && v.Detail.Case.Step.Open() {
		if err := s.groupFormChoices(r, p, v, &d, inGroup, linked); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Composition, err = s.groupComposition(r, p, v); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "group_show", p)
}

// groupFormChoices lists who can be added: colleagues split by whether the valid consent covers
// them (the page says so before the store refuses), and the young person's related persons.
func (s *Server) groupFormChoices(r *http.Request, p *Page, v caseView, d *groupShowData, inGroup, linked map[int64]bool) error {
	cs, err := s.store.Colleagues(r.Context(), "")
	if err != nil {
		return err
	}
	var consents []casework.Consent
	if v.Detail.HasConsent {
		consents = []casework.Consent{v.Detail.Consent}
	}
	now := s.now()
	for _, c := range cs {
		if inGroup[c.ID] {
			continue
		}
		val := strconv.FormatInt(c.ID, 10)
		label := c.Name + ", " + c.AgencyName
		if c.Title != "" {
			label = c.Name + " (" + c.Title + "), " + c.AgencyName
		}
		ch := caseChoice{Value: val, Label: label, Selected: p.V("user") == val}
		if _, err := casework.MemberCoverage(casework.Professional{UserID: c.ID, AgencyID: c.AgencyID, AgencyName: c.AgencyName}, v.Detail.Staff, consents, now); err == nil {
			d.Colleagues = append(d.Colleagues, ch)
		} else {
			d.NotCovered = append(d.NotCovered, ch)
		}
	}
	persons, err := s.store.RelatedPersons(r.Context(), v.ID)
	if err != nil {
		if casework.ErrorCode(err) == casework.ENotFound {
			return nil // may not see the family category: no linking then
		}
		return err
	}
	for _, rp := range persons {
		if linked[rp.ID] {
			continue
		}
		label := rp.Name
		if rp.Relation != "" {
			label += " (" + rp.Relation + ")"
		}
		ch := caseChoice{Value: strconv.FormatInt(rp.ID, 10), Label: label}
		if rp.Kind == casework.RelGuardian || rp.Kind == casework.RelParent {
			d.Guardians = append(d.Guardians, ch)
		} else {
			d.Adults = append(d.Adults, ch)
		}
	}
	return nil
}

// groupMemberAdd adds a member: kind professional (user, role), trusted_adult (person, or
// name, relation, contact), guardian (person) or youth.
func (s *Server) groupMemberAdd(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "group.title")
	v, ok := s.loadGroupCaseView(w, r, p, "group")
	if !ok {
		return
	}
	in := casework.MemberInput{Kind: casework.MemberKind(r.PostFormValue("kind")), Role: r.PostFormValue("role"),
		Name: r.PostFormValue("name"), Relation: r.PostFormValue("relation"), Contact: r.PostFormValue("contact")}
	in.UserID, _ = strconv.ParseInt(r.PostFormValue("user"), 10, 64)
	in.PersonID, _ = strconv.ParseInt(r.PostFormValue("person_"+string(in.Kind)), 10, 64)
	_, err := s.store.AddGroupMember(r.Context(), v.ID, in)
	if err == nil {
		s.setFlash(w, r, "group.member_added")
		http.Redirect(w, r, caseURL(v.ID, "/group"), http.StatusSeeOther)
		return
	}
	formValues(r, p, "kind", "user", "role", "name", "relation", "contact")
	if status, ok := s.caseRefusal(p, err); ok {
		// The form of each kind has its own fields; a person chosen from the list is at
		// person_<kind>.
		for i, e := range p.Errors {
			if e.Field == "person" {
				c := *e
				c.Field = "person_" + string(in.Kind)
				p.Errors[i] = &c
			}
		}
		s.renderGroup(w, r, p, v, status)
		return
	}
	s.fail(w, r, err)
}

// groupMemberRemove takes a member out of the group.
func (s *Server) groupMemberRemove(w http.ResponseWriter, r *http.Request) {
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	s.groupChange(w, r, func(caseID int64) (string, error) {
		err := s.store.RemoveGroupMember(r.Context(), caseID, mid)
		if err == nil { // undo.go: the next page offers the undo
			s.offerUndo(w, r, caseURL(caseID, "/group/members/"+strconv.FormatInt(mid, 10)+"/restore"))
		}
		return "group.member_removed", err
	})
}

// groupLead records the group's lead contact.
func (s *Server) groupLead(w http.ResponseWriter, r *http.Request) {
	mid, _ := strconv.ParseInt(r.PostFormValue("lead"), 10, 64)
	s.groupChange(w, r, func(caseID int64) (string, error) {
		return "group.lead_saved", s.store.SetGroupLead(r.Context(), caseID, mid)
	})
}

// groupRhythm sets how often the group meets.
func (s *Server) groupRhythm(w http.ResponseWriter, r *http.Request) {
	weeks, _ := strconv.Atoi(r.PostFormValue("rhythm"))
	s.groupChange(w, r, func(caseID int64) (string, error) {
		return "group.rhythm_saved", s.store.SetGroupRhythm(r.Context(), caseID, weeks)
	})
}

// groupChange makes one change to the case's group: it loads the case (access is the
// store's), calls change, and on success redirects to the group page with the message change
// returns; a refusal the page can show (invalid input, a conflict) renders the group page
// again with it, as meetingChange does for meetings.
func (s *Server) groupChange(w http.ResponseWriter, r *http.Request, change func(caseID int64) (flash string, err error)) {
	p := s.page(w, r, "group.title")
	v, ok := s.loadGroupCaseView(w, r, p, "group")
	if !ok {
		return
	}
	key, err := change(v.ID)
	if err == nil {
		s.setFlash(w, r, key)
		http.Redirect(w, r, caseURL(v.ID, "/group"), http.StatusSeeOther)
		return
	}
	if status, ok := s.caseRefusal(p, err); ok {
		s.renderGroup(w, r, p, v, status)
		return
	}
	s.fail(w, r, err)
}
