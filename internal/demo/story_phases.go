package demo

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// plannedConsent is a consent as the story plans it: drawn up on a day, signed by each
// required signer on a day (zero: not yet), valid for the municipality's months.
type plannedConsent struct {
	draw, from, until time.Time
	signs             map[int]time.Time // by person: -1 the young person, else an index into story.people
	agencies          []int64
	categories        []casework.Category
	renews            *plannedConsent
	withdrawn         time.Time
	c                 casework.Consent // when drawn up
}

// complete is the day the last required signature was given, zero while one is missing.
func (pc *plannedConsent) complete() time.Time {
	var last time.Time
	for _, d := range pc.signs {
		if d.IsZero() {
			return time.Time{}
		}
		if d.After(last) {
			last = d
		}
	}
	return last
}

// covers reports whether the consent lets a party of agency see category on day: signed
// before that day, in force the whole day, not withdrawn.
func (pc *plannedConsent) covers(day time.Time, agency int64, cat casework.Category) bool {
	done := pc.complete()
	return !done.IsZero() && done.Before(day) && !pc.from.After(day) && pc.until.After(day.AddDate(0, 0, 1)) &&
		(pc.withdrawn.IsZero() || pc.withdrawn.After(day)) &&
		slices.Contains(pc.agencies, agency) && slices.Contains(pc.categories, cat)
}

func (s *story) covered(day time.Time, agency int64, cat casework.Category) bool {
	for _, pc := range s.consents {
		if pc.covers(day, agency, cat) {
			return true
		}
	}
	return false
}

var partyReason = map[casework.AgencyKind]string{
	casework.AgencySocial:     "Samordning, utredning och insatser.",
	casework.AgencyPolice:     "Områdespolisen känner den unge och umgänget.",
	casework.AgencySchool:     "Mentor och elevhälsa: närvaro och studier.",
	casework.AgencyLeisure:    "Fritidsgården den unge besöker; meningsfull fritid.",
	casework.AgencyProbation:  "Verkställighet av ungdomstjänst.",
	casework.AgencyEmployment: "Sommarjobb, praktik och vägen till arbete.",
	casework.AgencyBUP:        "Utredning av koncentrationssvårigheter.",
}

// chooseParties picks the parties the case needs, from those suggested for the young person's
// age.
func (s *story) chooseParties(age int) {
	for _, k := range casework.SuggestedParties(age) {
		ok := true
		switch k {
		case casework.AgencyLeisure:
			ok = chance(s.r, 0.7)
		case casework.AgencyProbation:
			ok = s.truth["criminal_history"] == "clear" && chance(s.r, 0.6)
		case casework.AgencyEmployment:
			ok = chance(s.r, 0.5)
		}
		if ok {
			s.parties = append(s.parties, k)
		}
	}
	if (s.truth["personality"] != "no" || s.truth["substances"] == "clear") && chance(s.r, 0.35) {
		s.parties = append(s.parties, casework.AgencyBUP)
	}
}

// agencyOf is the agency a party of kind is for this young person.
func (s *story) agencyOf(k casework.AgencyKind, age int) int64 {
	if k == casework.AgencySchool {
		return s.w.schoolFor(age).ID
	}
	return s.w.agency[k].ID
}

// partiesPhase identifies the parties and confirms them.
func (s *story) partiesPhase(h *history, day time.Time) {
	age := s.ageAt(day)
	s.chooseParties(age)
	var ps []casework.Party
	for _, k := range s.parties {
		if id := s.agencyOf(k, age); id != 0 && !slices.ContainsFunc(ps, func(p casework.Party) bool { return p.AgencyID == id }) {
			ps = append(ps, casework.Party{AgencyID: id, Reason: partyReason[k]})
		}
	}
	next, left := s.left(casework.StepParties)
	if !left && day.Equal(s.cal.last) {
		return
	}
	setDay := day
	if left && next.After(day) && chance(s.r, 0.5) {
		setDay = s.cal.weekday(day.AddDate(0, 0, 1))
	}
	w := s.w
	s.ev(h, setDay, "parties", func() error { return w.st.SetParties(w.as(s.coord), s.caseID, ps) })
	if left && s.program != casework.ProgramSSPF { // SSPF names its parties in the consent
		s.move(h, next, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActPartiesSet}})
	}
}

// signers plans whose signatures a consent valid from day needs: the young person, and each
// guardian with custody while the young person is under the municipality's age.
func (s *story) signers(from time.Time) []int {
	set := s.w.m.Settings.WithDefaults()
	age := s.ageAt(from)
	var out []int
	if age >= set.ConsentYouthSignsFromAge {
		out = append(out, -1)
	}
	for i, p := range s.people {
		if p.HasCustody && age < set.ConsentGuardiansUntilAge {
			out = append(out, i)
		}
	}
	return out
}

// newConsent plans a consent drawn up on draw, valid from from, covering the case's parties.
func (s *story) newConsent(draw, from time.Time, renews *plannedConsent) *plannedConsent {
	pc := &plannedConsent{draw: draw, from: from, until: from.AddDate(0, s.w.m.Settings.WithDefaults().ConsentValidityMonths, 0),
		signs: map[int]time.Time{}, renews: renews}
	if renews != nil {
		pc.agencies, pc.categories = renews.agencies, renews.categories
		return pc
	}
	age := s.ageAt(from)
	cats := []casework.Category{casework.CatPolice, casework.CatSchool}
	for _, k := range s.parties {
		if k == casework.AgencySocial {
			continue // social services work on the case as staff, not under the consent
		}
		if id := s.agencyOf(k, age); id != 0 && !slices.Contains(pc.agencies, id) {
			pc.agencies = append(pc.agencies, id)
		}
		switch k {
		case casework.AgencyLeisure:
			cats = append(cats, casework.CatLeisure)
		case casework.AgencyBUP:
			cats = append(cats, casework.CatHealth)
		case casework.AgencyProbation:
			cats = append(cats, casework.CatSocial)
		}
	}
	if chance(s.r, 0.6) {
		cats = append(cats, casework.CatFamily)
	}
	if chance(s.r, 0.4) {
		cats = append(cats, casework.CatSocial)
	}
	slices.Sort(cats)
	pc.categories = slices.Compact(cats)
	return pc
}

// draftConsent schedules drawing up the consent and the signatures planned for it.
func (s *story) draftConsent(h *history, pc *plannedConsent) {
	w := s.w
	lang := "sv"
	for _, p := range s.people {
		if p.Interpreter && p.HasCustody {
			lang = map[string]string{"arabiska": "ar", "somaliska": "so"}[p.Language]
			if lang == "" {
				lang = "sv"
			}
		}
	}
	in := casework.ConsentInput{ValidFrom: pc.from, AgencyIDs: pc.agencies, Categories: pc.categories, Language: lang}
	what := "consent"
	if pc.renews != nil {
		what = "consent renewal"
	}
	s.ev(h, pc.draw, what, func() error {
		if pc.renews != nil {
			in.RenewsID, in.ValidFrom = pc.renews.c.ID, pc.renews.c.ValidUntil
		}
		c, err := w.st.CreateConsent(w.as(s.coord), s.caseID, in)
		pc.c = c
		return err
	})
	type sig struct {
		person int
		day    time.Time
	}
	var sigs []sig
	for p, d := range pc.signs {
		if !d.IsZero() {
			sigs = append(sigs, sig{p, d})
		}
	}
	slices.SortFunc(sigs, func(a, b sig) int {
		if n := a.day.Compare(b.day); n != 0 {
			return n
		}
		return a.person - b.person
	})
	for _, sg := range sigs {
		how := "paper"
		switch {
		case sg.day.Equal(pc.draw):
			how = "meeting"
		case chance(s.r, 0.3):
			how = "digital"
		}
		s.ev(h, sg.day, "signature", func() error {
			person := "youth"
			if sg.person >= 0 {
				person = "person:" + strconv.FormatInt(s.people[sg.person].ID, 10)
			}
			for _, signer := range pc.c.Signers {
				if signer.Person == person {
					return ignore1(w.st.SignConsent(w.as(s.coord), s.caseID, pc.c.ID, signer.ID, how, time.Time{}))
				}
			}
			return fmt.Errorf("no signer %s on consent %d", person, pc.c.ID)
		})
	}
}

// consentPhase draws up the consent, has it signed, gives it (consent → planning), and renews
// it every six months while the case is open.
func (s *story) consentPhase(h *history) {
	start, ok := s.entered(casework.StepConsent)
	if !ok {
		return
	}
	if mot, ok := s.entered(casework.StepMotivation); ok && s.program != casework.ProgramSSPF {
		s.move(h, mot, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActStartMotivation,
			Reason: "Den unge är tveksam till att delta; motiverande samtal innan samtycket tas upp igen."}})
		if !mot.Before(start) {
			return // in the motivation phase now
		}
		s.move(h, start, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActMotivationDone,
			Reason: "Den unge vill nu vara med."}})
	}
	end, left := s.left(casework.StepConsent)
	if !left {
		end = s.cal.last
		if !s.sp.awaitingGuardian && !s.sp.unsigned {
			return // the consent meeting is still to come
		}
	}
	span := max(int(end.Sub(start).Hours()/24), 0)
	draw := s.cal.weekday(start.AddDate(0, 0, between(s.r, 0, min(3, span))))
	pc := s.newConsent(draw, draw, nil)
	declined := s.sp.closure == casework.CloseDeclined
	who := s.signers(draw)
	for i, p := range who {
		switch {
		case declined || s.sp.unsigned:
			pc.signs[p] = time.Time{}
		case s.sp.awaitingGuardian && i == len(who)-1 && len(who) > 1:
			pc.signs[p] = time.Time{} // the last guardian has not signed yet
		case p == -1:
			pc.signs[p] = draw
		default:
			pc.signs[p] = s.cal.weekday(draw.AddDate(0, 0, between(s.r, 0, max(0, int(end.Sub(draw).Hours()/24)))))
			if pc.signs[p].After(end) {
				pc.signs[p] = end
			}
		}
	}
	s.consents = append(s.consents, pc)
	s.draftConsent(h, pc)
	if !left || declined {
		return
	}
	s.move(h, end, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActConsentGiven}})
	s.groupSetup(h, end)
	s.bookAfter = end
	s.renewals(h, pc)
}

// renewals renews the consent before it ends, as long as the case is open: drawn up two to
// four weeks before, signed within ten days. A renewal still being signed stops the chain.
func (s *story) renewals(h *history, cur *plannedConsent) {
	stop := s.cal.last
	if !s.closeDay.IsZero() {
		stop = s.closeDay.AddDate(0, 0, -1)
	}
	if !s.withdrawDay.IsZero() {
		stop = s.withdrawDay.AddDate(0, 0, -1)
	}
	for {
		draw, past := s.cal.within(cur.until.AddDate(0, 0, -between(s.r, 14, 28)))
		if !past || draw.After(stop) {
			return
		}
		next := s.newConsent(draw, cur.until, cur)
		for _, p := range s.signers(cur.until) {
			d, past := s.cal.within(draw.AddDate(0, 0, between(s.r, 0, 10)))
			if !past || d.After(stop) || !d.Before(cur.until.AddDate(0, 0, -1)) {
				d = time.Time{} // not signed yet
			}
			next.signs[p] = d
		}
		s.consents = append(s.consents, next)
		s.draftConsent(h, next)
		if next.complete().IsZero() {
			return
		}
		cur = next
	}
}

// newPlan makes the action plan: the young person's own goal and two to four sub-goals
// answering the factors that are a clear risk, with interventions, agreements and what was
// tried before.
func (s *story) newPlan(day time.Time) casework.Plan {
	p := casework.Plan{OwnGoal: pick(s.r, s.prof.goals)}
	var need []string
	for _, d := range casework.IRK().Domains {
		if f := d.Items[0].Code; s.truth[f] == "clear" {
			need = append(need, f)
		}
	}
	n := between(s.r, 2, 4)
	var goals []subGoalTemplate
	for _, i := range s.r.Perm(len(subGoalTemplates)) {
		if g := subGoalTemplates[i]; slices.Contains(need, g.need) && len(goals) < n {
			goals = append(goals, g)
		}
	}
	for _, i := range s.r.Perm(len(subGoalTemplates)) {
		if g := subGoalTemplates[i]; !slices.Contains(goals, g) && len(goals) < n {
			goals = append(goals, g)
		}
	}
	for _, g := range goals {
		due := day.AddDate(0, between(s.r, 1, 5), 0)
		p.SubGoals = append(p.SubGoals, casework.SubGoal{ID: casework.NewItemID(), Text: g.text, Criterion: g.criterion,
			Responsible: g.responsible, Due: due.Format("2006-01-02"), Status: casework.GoalOpen})
	}
	for _, f := range need {
		if in, ok := interventionTemplates[f]; ok && len(p.Interventions) < 3 {
			in.ID, in.Start, in.Status = casework.NewItemID(), day.Format("2006-01-02"), "ongoing"
			if chance(s.r, 0.3) {
				in.Status = "planned"
			}
			p.Interventions = append(p.Interventions, in)
		}
	}
	for range between(s.r, 0, 2) {
		a := casework.Agreement{ID: casework.NewItemID(), Text: pick(s.r, agreements)}
		if !slices.ContainsFunc(p.Agreements, func(x casework.Agreement) bool { return x.Text == a.Text }) {
			p.Agreements = append(p.Agreements, a)
		}
	}
	if chance(s.r, 0.5) {
		p.TriedBefore = append(p.TriedBefore, pick(s.r, triedBefore))
	}
	return p
}

// savePlan schedules saving a version of the plan (a copy: later versions change their own).
func (s *story) savePlan(h *history, day time.Time, user string, p casework.Plan) {
	p.SubGoals = slices.Clone(p.SubGoals)
	p.Interventions = slices.Clone(p.Interventions)
	s.ev(h, day, "plan", func() error {
		_, err := s.w.st.SavePlan(s.w.as(user), s.caseID, p)
		return err
	})
}

// planningPhase drafts the plan and sets it (planning → active).
func (s *story) planningPhase(h *history) {
	start, ok := s.entered(casework.StepPlanning)
	if !ok {
		return
	}
	plan := s.newPlan(start)
	active, set := s.entered(casework.StepActive)
	if s.program == casework.ProgramSSPF && (set || !s.sp.mapping) {
		// SSPF: the mapping conversation with the young person and the guardians is held as
		// planning begins; the network meeting sets the commitment plan.
		s.move(h, start, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActMappingDone}})
	}
	until := s.end()
	if set {
		until = active
	}
	if span := int(until.Sub(start).Hours() / 24); span >= 2 && (!s.sp.simple || !set) {
		draft := plan
		draft.SubGoals = plan.SubGoals[:1]
		draft.Interventions, draft.Agreements = nil, nil
		s.savePlan(h, s.cal.weekday(start.AddDate(0, 0, between(s.r, 1, span-1))), s.coord, draft)
	}
	if !set {
		return
	}
	s.savePlan(h, active, s.coord, plan)
	s.move(h, active, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActPlanSet}})
	s.plan = plan
}
