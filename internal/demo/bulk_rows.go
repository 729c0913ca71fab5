package demo

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// bulkCols are the columns SeedBulk writes, per table.
var bulkCols = map[string]string{
	"youths": "id, municipality_id, first_name, last_name, sort_key, search_key, personal_number, reserve_id, birth_date, gender, " +
		"district_id, school, address, languages, interpreter, protected_identity, created_at, updated_at",
	"related_persons": "id, municipality_id, youth_id, kind, name, relation, has_custody, phone, language, interpreter, note, created_at",
	"cases": "id, municipality_id, youth_id, program, step, step_since, risk_level, risk_reason, closure_reason, irk_clear, irk_some, " +
		"opened_at, taken_on_at, assessment_done_at, decided_start_at, group_convened_at, plan_set_at, closed_at, followup6_at, followup12_at",
	"case_staff":   "municipality_id, case_id, user_id, role, since",
	"case_parties": "municipality_id, case_id, agency_id, reason, added_at",
	"case_events":  "id, municipality_id, case_id, youth_id, seq, at, user_id, user_name, agency_name, kind, from_step, to_step, reason, category",
	"assessments": "id, municipality_id, case_id, youth_id, instrument, version, time_point, assessed_at, assessor_id, assessor_name, " +
		"agency_kind, protective, note, risk_level, risk_reason, created_at, reported_name",
	"assessment_ratings": "municipality_id, assessment_id, item, value",
	"consents": "id, municipality_id, case_id, youth_id, valid_from, valid_until, renews_id, language, created_by, created_at, signed_at, " +
		"withdrawn_at, withdrawn_by, withdrawn_how",
	"consent_parties":    "municipality_id, consent_id, agency_id",
	"consent_categories": "municipality_id, consent_id, category",
	"consent_signers":    "id, municipality_id, consent_id, person, name, role, required, signed_at, signed_how, recorded_by",
	"plan_versions":      "id, municipality_id, case_id, version, content, created_by, created_by_name, created_at",
	"case_groups":        "municipality_id, case_id, rhythm_weeks, lead_member_id, updated_at",
	"group_members":      "id, municipality_id, case_id, kind, user_id, person_id, name, relation, role, added_at, added_by",
	"meetings": "id, municipality_id, case_id, starts_at, duration_minutes, pre_minutes, place, status, minutes_text, minutes_category, " +
		"held_at, created_at, created_by, updated_at",
	"meeting_attendance": "municipality_id, meeting_id, member_id, present",
	"meeting_decisions":  "id, municipality_id, case_id, meeting_id, text, created_at, created_by, created_by_name",
	"tasks":              "id, municipality_id, case_id, meeting_id, decision_id, text, owner_user_id, due_date, status, created_at, created_by, done_at, done_by",
	"indicator_points":   "id, municipality_id, case_id, youth_id, time_point, occasion, measured_on, created_at, updated_at",
	"indicator_values":   "municipality_id, point_id, code, part, category, known, number, choice, recorded_by, recorded_at",
	"follow_ups":         "id, municipality_id, case_id, youth_id, kind, done_at, done_by, reached, note",
}

// rowWriter adds rows to a Bulk, keeping the first error.
type rowWriter struct {
	b   *store.Bulk
	err error
}

func (rw *rowWriter) add(table string, values ...any) {
	if rw.err == nil {
		rw.err = rw.b.Add(table, bulkCols[table], values...)
	}
}

// null maps zero values to NULL.
func null[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

func nullT(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// write writes one young person's rows: the person, the case and everything that happened.
func (w *bulkWorld) write(b *store.Bulk, y *bulkYouth) error {
	rw := &rowWriter{b: b}
	r, mid, ids := y.r, w.m.ID, &w.ids
	a := y.area
	yid, cid := ids.id(), ids.id()

	// The young person and the adults around them.
	yt := casework.Youth{FirstName: y.first, LastName: y.last, ReserveID: y.reserve}
	if y.pnr != "" {
		yt.PersonalNumber, _ = casework.ParsePersonalNumber(y.pnr, w.now)
	}
	gender := casework.GenderFemale
	if y.male {
		gender = casework.GenderMale
	}
	district := w.districts[0]
	for _, d := range w.districts {
		if d.ID == a.district {
			district = d
		}
	}
	school := schoolName(district.Name, casework.Age(y.birth, y.opened))
	addr, err := w.st.SealYouthAddress(address(r))
	if err != nil {
		return err
	}
	rw.add("youths", yid, mid, y.first, y.last, casework.SortKey(y.last, y.first), store.YouthSearchKey(yt), null(yt.PersonalNumber.String()),
		null(y.reserve), y.birth.Format(time.DateOnly), string(gender), a.district, school, addr, y.bg.language, false, false, y.opened, y.opened)
	type person struct {
		id       int64
		p        casework.RelatedPerson
		guardian bool
	}
	var people []person
	for _, p := range y.people {
		pid := ids.id()
		people = append(people, person{pid, p, p.HasCustody})
		rw.add("related_persons", pid, mid, yid, string(p.Kind), p.Name, p.Relation, p.HasCustody, p.Phone, p.Language, p.Interpreter, p.Note, y.opened)
	}

	// The concern and the case.
	irk := w.irk
	truth := y.truth()
	sum := casework.SummariseIRK(ratingsOf(truth))
	risk, riskReason := casework.RiskLevel(""), ""
	if !y.assessed.IsZero() {
		risk = casework.RiskLevels[min(3, sum.Clear/2+r.IntN(2))]
		riskReason = riskReasonOf(truth)
	}
	rw.add("cases", cid, mid, yid, string(y.program), string(y.step), y.stepSince(), string(risk), riskReason, string(y.closure),
		sum.Clear, sum.Some, y.opened, nullT(y.takenOn), nullT(y.assessed), nullT(y.decided), nullT(y.convened), nullT(y.planSet),
		nullT(y.closed), nullT(y.follow6), nullT(y.follow12))
	reporter := a.staff[y.reporter]
	if len(reporter) == 0 {
		reporter = a.staff[casework.AgencyPolice]
	}
	rep := reporter[r.IntN(len(reporter))]
	seq := 0
	event := func(at time.Time, u bulkUser, agency, kind string, from, to casework.Step, reason string) {
		seq++
		rw.add("case_events", ids.id(), mid, cid, yid, seq, at, u.id, u.name, agency, kind, string(from), string(to), reason, string(casework.CatBasic))
	}
	assessment := func(tp casework.TimePoint, at time.Time, u bulkUser, ratings map[string]string, note, reported string, risk casework.RiskLevel, reason string) {
		aid := ids.id()
		rw.add("assessments", aid, mid, cid, yid, irk.Code, irk.Version, string(tp), at, u.id, u.name, string(u.kind), "", note, string(risk), reason, at, reported)
		for _, d := range stats.IRKDomains {
			rw.add("assessment_ratings", mid, aid, d, ratings[d])
		}
	}
	concern := pick(r, y.prof.concern[y.reporter])
	if concern == "" {
		concern = "Oro för den unges situation."
	}
	assessment(casework.TPConcern, y.opened, rep, truth, concern, y.first+" "+y.last, "", "")
	event(y.opened, rep, a.agencyName[rep.kind], "concern", "", "", a.agencyName[rep.kind])
	if y.takenOn.IsZero() {
		if !y.closed.IsZero() {
			kind := casework.ActPrepNotNow
			if y.closure == casework.CloseReferred {
				kind = casework.ActPrepRefer
			}
			event(y.closed, rep, w.socName, string(kind), casework.StepIdentified, casework.StepClosed, "Inte aktuellt nu.")
		}
		return rw.err
	}
	co := *y.coord
	rw.add("case_staff", mid, cid, co.id, string(casework.StaffCoordinator), y.takenOn)
	event(y.takenOn, co, w.socName, string(casework.ActPrepTakeOn), casework.StepIdentified, casework.StepAssessment, "")
	event(y.takenOn, co, w.socName, "staff_coordinator", "", "", "")
	sspf := y.program == casework.ProgramSSPF
	if sspf && y.decided.IsZero() { // the coordinator found SSPF not applicable (closed), or is still assessing
		if !y.closed.IsZero() {
			event(y.closed, co, w.socName, string(casework.ActSSPFNotApplicable), casework.StepAssessment, casework.StepClosed, "SSPF bedöms inte vara aktuellt.")
		}
		return rw.err
	}
	if y.assessed.IsZero() {
		return rw.err
	}
	assessment(casework.TPIntake, y.assessed, *y.officer, truth, "", "", risk, riskReason)
	if sspf {
		// Finding that SSPF applies is the assessment done and the decision to start at once.
		event(y.decided, co, w.socName, string(casework.ActSSPFApplies), casework.StepAssessment, casework.StepConsent, "")
	} else {
		event(y.assessed, co, w.socName, string(casework.ActAssessmentDone), casework.StepAssessment, casework.StepDecision, "")
		if y.decided.IsZero() {
			if !y.closed.IsZero() {
				event(y.closed, co, w.socName, string(casework.ActDecideNotStart), casework.StepDecision, casework.StepClosed, "Insatsen bedöms inte behövas.")
			}
			return rw.err
		}
		event(y.decided, co, w.socName, string(casework.ActDecideStart), casework.StepDecision, casework.StepParties, "")
		if y.parties.IsZero() {
			return rw.err
		}
	}
	if sspf {
		// SSPF names the network's parties with the consent: school, social services, police
		// and leisure.
		y.parties = y.decided
	}
	// The parties: the area's police, school, leisure and (often) child psychiatry.
	kinds := []casework.AgencyKind{casework.AgencyPolice, casework.AgencySchool, casework.AgencyLeisure}
	if chance(r, 0.5) {
		kinds = append(kinds, casework.AgencyBUP)
	}
	for _, k := range kinds {
		rw.add("case_parties", mid, cid, a.agency[k], "", y.parties)
	}
	event(y.parties, co, w.socName, "parties_identified", "", "", "")
	if !sspf {
		event(y.parties, co, w.socName, string(casework.ActPartiesSet), casework.StepParties, casework.StepConsent, "")
	}
	if y.consent.IsZero() {
		return rw.err
	}

	// Consents: signed by the young person and the guardians, naming the parties and social
	// services, renewed while the work goes on.
	months := w.m.Settings.ConsentValidityMonths
	if months <= 0 {
		months = 12
	}
	until := y.closed
	if until.IsZero() {
		until = w.now
	}
	cats := []casework.Category{casework.CatBasic, casework.CatSocial, casework.CatSchool, casework.CatPolice, casework.CatLeisure, casework.CatFamily}
	if slices.Contains(kinds, casework.AgencyBUP) {
		cats = append(cats, casework.CatHealth)
	}
	var renews int64
	for from := y.consent; from.Before(until); {
		kid := ids.id()
		validUntil := casework.AddMonths(from, months)
		withdrawn := time.Time{}
		if !y.withdrawn.IsZero() && y.withdrawn.Before(validUntil) && !y.withdrawn.Before(from) {
			withdrawn = y.withdrawn
		}
		rw.add("consents", kid, mid, cid, yid, from, validUntil, null(renews), "sv", co.id, from.AddDate(0, 0, -3), from,
			nullT(withdrawn), map[bool]string{true: y.first + " " + y.last, false: ""}[!withdrawn.IsZero()],
			map[bool]string{true: string(casework.WithdrawnByPhone), false: ""}[!withdrawn.IsZero()])
		rw.add("consent_parties", mid, kid, w.social)
		for _, k := range kinds {
			rw.add("consent_parties", mid, kid, a.agency[k])
		}
		for _, c := range cats {
			rw.add("consent_categories", mid, kid, string(c))
		}
		rw.add("consent_signers", ids.id(), mid, kid, "youth", y.first+" "+y.last, "youth", true, from, "meeting", co.id)
		if casework.Age(y.birth, from) < 18 {
			for _, p := range people {
				if p.guardian {
					rw.add("consent_signers", ids.id(), mid, kid, fmt.Sprintf("person:%d", p.id), p.p.Name, "guardian", true, from, "paper", co.id)
				}
			}
		}
		kind := "consent_created"
		if renews != 0 {
			kind = "consent_renewed"
		}
		event(from.AddDate(0, 0, -3), co, w.socName, kind, "", "", "")
		event(from, co, w.socName, "consent_signed", "", "", "")
		if !withdrawn.IsZero() {
			event(withdrawn, co, w.socName, "consent_withdrawn", "", "", y.first+" "+y.last+" (phone)")
			break
		}
		renews, from = kid, validUntil.AddDate(0, 0, -14) // renewed two weeks before it ends
	}
	if sspf {
		event(y.consent, co, w.socName, string(casework.ActConsentGiven), casework.StepConsent, casework.StepMapping, "")
		if y.mapped.IsZero() {
			return rw.err
		}
		event(y.mapped, co, w.socName, string(casework.ActMappingDone), casework.StepMapping, casework.StepNetwork, "")
	} else {
		event(y.consent, co, w.socName, string(casework.ActConsentGiven), casework.StepConsent, casework.StepPlanning, "")
	}

	// The group: the coordinator, a case officer, a field worker, and the parties'
	// professionals — eight to twelve — and the young person with a guardian.
	if y.convened.IsZero() {
		return rw.err
	}
	type member struct {
		id int64
		u  bulkUser
	}
	var members []member
	addMember := func(u bulkUser) {
		m := member{ids.id(), u}
		members = append(members, m)
		rw.add("group_members", m.id, mid, cid, string(casework.MemberProfessional), u.id, nil, u.name, "", u.title, y.convened, co.id)
	}
	addMember(co)
	addMember(*y.officer)
	addMember(pick(r, a.staff[casework.AgencySocial]))
	want := 8 + r.IntN(5)
	for i := 0; len(members) < want; i++ {
		k := kinds[i%len(kinds)]
		staff := a.staff[k]
		u := staff[(y.i+i/len(kinds))%len(staff)]
		if slices.ContainsFunc(members, func(m member) bool { return m.u.id == u.id }) {
			if i > 40 {
				break
			}
			continue
		}
		addMember(u)
	}
	rw.add("group_members", ids.id(), mid, cid, string(casework.MemberYouth), nil, nil, y.first+" "+y.last, "", "", y.convened, co.id)
	for _, p := range people {
		if p.guardian {
			rw.add("group_members", ids.id(), mid, cid, string(casework.MemberGuardian), nil, p.id, p.p.Name, p.p.Relation, "", y.convened, co.id)
			break
		}
	}
	rhythm := 4 + 2*r.IntN(2)
	rw.add("case_groups", mid, cid, rhythm, members[0].id, y.convened)
	event(y.convened, co, w.socName, "group_convened", "", "", "")

	// Meetings every rhythm weeks from the group's start until closure, the next one booked.
	end := y.closed
	if end.IsZero() {
		end = w.now
	}
	first := time.Date(y.convened.Year(), y.convened.Month(), y.convened.Day(), 13, 0, 0, 0, time.UTC).AddDate(0, 0, 7)
	held := 0
	for at := first; !at.After(end.AddDate(0, 0, 7*rhythm)); at = at.AddDate(0, 0, 7*rhythm) {
		mtg := ids.id()
		if !at.Before(end) { // the next meeting: booked (open cases only)
			if y.closed.IsZero() && at.After(w.now) {
				rw.add("meetings", mtg, mid, cid, at, 60, 15, "Samordnarens kontor", string(casework.MeetingPlanned), "", string(casework.CatBasic),
					nil, w.now.AddDate(0, 0, -7), co.id, w.now.AddDate(0, 0, -7))
				event(w.now.AddDate(0, 0, -7), co, w.socName, "meeting_planned", "", "", "")
			}
			break
		}
		held++
		minutes := pick(r, meetingNotes)
		rw.add("meetings", mtg, mid, cid, at, 60, 15, "Samordnarens kontor", string(casework.MeetingHeld), minutes, string(casework.CatBasic),
			at.Add(time.Hour), at.AddDate(0, 0, -7*rhythm), co.id, at.Add(time.Hour))
		for _, m := range members {
			if chance(r, 0.8) {
				rw.add("meeting_attendance", mid, mtg, m.id, true)
			}
		}
		event(at.Add(time.Hour), co, w.socName, "meeting_held", "", "", "")
		if chance(r, 0.6) {
			dec := ids.id()
			owner := pick(r, members).u
			text := pick(r, subGoalTemplates).text
			rw.add("meeting_decisions", dec, mid, cid, mtg, text, at.Add(time.Hour), co.id, co.name)
			due := at.AddDate(0, 0, 7*rhythm)
			status, doneAt, doneBy := string(casework.TaskOpen), any(nil), any(nil)
			if due.Before(w.now) {
				status, doneAt, doneBy = string(casework.TaskDone), due.Add(-48*time.Hour), owner.id
			}
			rw.add("tasks", ids.id(), mid, cid, mtg, dec, text, owner.id, due.Format(time.DateOnly), status, at.Add(time.Hour), co.id, doneAt, doneBy)
		}
	}
	if y.planSet.IsZero() {
		return rw.err
	}

	// The action plan, revised every half-year or so.
	plan := casework.Plan{OwnGoal: pick(r, y.prof.goals)}
	for g, t := range pickN(r, subGoalTemplates, 3+r.IntN(3)) {
		plan.SubGoals = append(plan.SubGoals, casework.SubGoal{ID: fmt.Sprintf("g%d", g+1), Text: t.text, Criterion: t.criterion,
			Responsible: t.responsible, Due: y.planSet.AddDate(0, 3+g, 0).Format(time.DateOnly), Status: casework.GoalOpen})
		if iv, ok := interventionTemplates[t.need]; ok && len(plan.Interventions) < 3 {
			iv.ID, iv.Start, iv.Status = fmt.Sprintf("i%d", g+1), y.planSet.Format(time.DateOnly), "ongoing"
			plan.Interventions = append(plan.Interventions, iv)
		}
	}
	plan.Agreements = []casework.Agreement{{ID: "a1", Text: pick(r, agreements)}}
	plan.TriedBefore = []string{pick(r, triedBefore)}
	version := 0
	for at := y.planSet; !at.After(end); at = at.AddDate(0, 6, 0) {
		version++
		if version > 1 {
			for g := range plan.SubGoals {
				if plan.SubGoals[g].Status == casework.GoalOpen && chance(r, 0.5) {
					plan.SubGoals[g].Status = casework.GoalReached
				}
			}
		}
		content, err := json.Marshal(plan)
		if err != nil {
			return err
		}
		rw.add("plan_versions", ids.id(), mid, cid, version, string(content), co.id, co.name, at)
	}
	planStep := casework.StepPlanning // SSPF sets the commitment plan at the network meeting
	if sspf {
		planStep = casework.StepNetwork
	}
	event(y.planSet, co, w.socName, string(casework.ActPlanSet), planStep, casework.StepActive, "")

	// The follow-up indicators at intake, closure and the follow-ups.
	before := float64(r.IntN(8))
	w.indicators(rw, r, cid, yid, stats.AtIntake, y.planSet, before, co)
	if y.closed.IsZero() {
		return rw.err
	}
	closing := casework.StepActive
	event(y.closed, co, w.socName, string(casework.ActClose), closing, casework.StepClosed, string(y.closure))
	closed := truth
	for d, v := range truth {
		if v == "clear" && chance(r, 0.6) {
			closed = maps(closed, d, "some")
		} else if v == "some" && chance(r, 0.5) {
			closed = maps(closed, d, "no")
		}
	}
	assessment(casework.TPClosure, y.closed, *y.officer, closed, "", "", "", "")
	w.indicators(rw, r, cid, yid, stats.AtClosure, y.closed, before/2, co)
	for _, f := range []struct {
		kind, tp string
		at       time.Time
	}{{"6", stats.AtFollow6, y.follow6}, {"12", stats.AtFollow12, y.follow12}} {
		if f.at.IsZero() {
			break
		}
		rw.add("follow_ups", ids.id(), mid, cid, yid, f.kind, f.at, co.id, chance(r, 0.8), "")
		w.indicators(rw, r, cid, yid, f.tp, f.at, float64(r.IntN(3)), co)
		event(f.at, co, w.socName, "followup_"+f.kind, "", "", "")
	}
	if !y.follow12.IsZero() {
		event(y.follow12, co, w.socName, string(casework.ActFollowUpDone), casework.StepClosed, casework.StepFollowedUp, "")
	}
	return rw.err
}

// indicators records the follow-up manual's indicators at a time point.
func (w *bulkWorld) indicators(rw *rowWriter, r interface{ IntN(int) int }, cid, yid int64, tp string, at time.Time, crimes float64, by bulkUser) {
	pid := w.ids.id()
	mid := w.m.ID
	rw.add("indicator_points", pid, mid, cid, yid, tp, "", at.Format(time.DateOnly), at, at)
	val := func(code, part string, num any, choice string) {
		in, _ := stats.IndicatorByCode(code)
		rw.add("indicator_values", mid, pid, code, part, string(in.Category), true, num, choice, by.id, at)
	}
	choose := func(code string) {
		in, _ := stats.IndicatorByCode(code)
		val(code, "", nil, in.Values[r.IntN(len(in.Values))])
	}
	val("school_attendance", "", float64(40+r.IntN(61)), "")
	val("passed_subjects", "", float64(r.IntN(17)), "")
	val("graded_subjects", "", 16.0, "")
	for _, c := range []string{"occupation", "housing", "income", "substance_use", "placement", "organised_leisure"} {
		choose(c)
	}
	val("own_progress", "", float64(1+r.IntN(10)), "")
	val("police_victim", "", float64(r.IntN(2)), "")
	val("police_suspect", "", crimes, "")
	if crimes > 0 {
		val("police_suspect", stats.CrimeCategories[r.IntN(len(stats.CrimeCategories))], crimes, "")
	}
}

// truth is the young person's IRK ratings at the concern, from their profile and level of
// risk (story.makeTruth's rule, over the IRK's domains without parsing the instrument again).
func (y *bulkYouth) truth() map[string]string {
	r, level := y.r, levelFor(y.r, y.prof, spec{})
	pClear := []float64{0, 0.3, 0.55, 0.85}[level]
	pOther := []float64{0.1, 0.25, 0.4, 0.55}[level]
	t := make(map[string]string, len(stats.IRKDomains))
	for _, f := range stats.IRKDomains {
		switch {
		case slices.Contains(y.prof.core, f):
			t[f] = "clear"
			if level == 0 {
				t[f] = "some"
			}
		case slices.Contains(y.prof.secondary, f):
			t[f] = "some"
			if chance(r, pClear) {
				t[f] = "clear"
			} else if chance(r, 0.25) {
				t[f] = "no"
			}
		default:
			t[f] = "no"
			if chance(r, pOther) {
				t[f] = "some"
			}
		}
	}
	return t
}

func ratingsOf(m map[string]string) []casework.Rating {
	var out []casework.Rating
	for _, d := range stats.IRKDomains {
		out = append(out, casework.Rating{Item: d, Value: m[d]})
	}
	return out
}

func riskReasonOf(truth map[string]string) string {
	var clear []string
	for _, d := range stats.IRKDomains {
		if truth[d] == "clear" {
			clear = append(clear, irkName[d])
		}
	}
	if len(clear) == 0 {
		return "Inga tydliga riskfaktorer; skyddsfaktorer i familj och skola."
	}
	return "Tydlig risk inom " + joinSv(clear) + "."
}

// maps returns a copy of m with k set to v.
func maps(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m))
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// pickN draws n different elements.
func pickN[T any](r interface{ IntN(int) int }, xs []T, n int) []T {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	var out []T
	for i := 0; i < n && i < len(xs); i++ {
		j := i + r.IntN(len(xs)-i)
		idx[i], idx[j] = idx[j], idx[i]
		out = append(out, xs[idx[i]])
	}
	return out
}

// stepSince is when the case entered its step now.
func (y *bulkYouth) stepSince() time.Time {
	for _, t := range []time.Time{y.follow12, y.closed, y.planSet, y.mapped, y.consent, y.parties, y.decided, y.assessed, y.takenOn} {
		if !t.IsZero() {
			if t == y.follow12 && y.step != casework.StepFollowedUp {
				continue
			}
			return t
		}
	}
	return y.opened
}
