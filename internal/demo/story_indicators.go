package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// The follow-up manual's indicators (docs/uppfoljning.md), recorded through the store's
// RecordIndicators as the people who know them would: the school its attendance and grades,
// the police its reports, the coordinator the rest — each only on a day the consent lets them
// (a refused category would fail the whole recording). A started case gets values at intake,
// at some of the follow-up meetings after the plan is set, at closure when it got as far as
// the group's work, and at the 6- and 12-month calls that reached the young person.
//
// The numbers follow the young person's figures: a baseline drawn from the profile (truancy
// starts with low attendance, violence with many police reports) and a trend (most improve,
// some stand still, a few get worse; a goal reached mostly means better, a placement worse)
// reached gradually over the months of the work.
//
// The draws come from the story's own generator for indicators (story.ri) and the recordings
// happen in the afternoon (story.islots): the rest of each story is the same with or without
// them.

// Trends.
const (
	trendBetter = iota
	trendSame
	trendWorse
)

// figures is a young person's situation at intake and where it is heading.
type figures struct {
	start     time.Time // the intake date: the decision to start SIG
	trend     int
	speed     int  // days from intake until the trend has run its course
	relapse   bool // after the case closed, halfway back
	att       [2]float64
	pass      [2]float64 // share of the graded subjects passed
	crimes    [2]int
	victim    [2]int
	mix       []string // crime categories the reports fall in, a category as often as it weighs
	subst     [2]int   // 0 none, 1 occasional, 2 regular
	progress  [2]int
	leisure   [2]bool
	placement [2]string
	adultOcc  [2]string // occupation from 19, when school is over
	relatives bool      // lives with relatives rather than the guardians when not placed
	unknown   map[string]bool
}

// profileFigures are the baselines by profile: attendance (%), reports as suspected and as a
// victim in the last six months, the crime categories, the chance of regular substance use and
// of being placed at intake.
var profileFigures = map[string]struct {
	att, crimes, victim [2]int
	mix                 []string
	regular, placed     float64
}{
	"recruitment": {att: [2]int{40, 65}, crimes: [2]int{2, 6}, victim: [2]int{0, 2}, mix: []string{"drugs", "drugs", "theft", "weapons", "robbery", "other"}, regular: .2, placed: .1},
	"drugs":       {att: [2]int{35, 60}, crimes: [2]int{2, 6}, victim: [2]int{0, 1}, mix: []string{"drugs", "drugs", "drugs", "theft", "other"}, regular: .65, placed: .1},
	"violence":    {att: [2]int{45, 70}, crimes: [2]int{3, 8}, victim: [2]int{0, 3}, mix: []string{"violence", "violence", "threats", "robbery", "vandalism", "weapons"}, regular: .2, placed: .15},
	"truancy":     {att: [2]int{15, 45}, crimes: [2]int{0, 2}, victim: [2]int{0, 1}, mix: []string{"theft", "vandalism", "other"}, regular: .1, placed: .05},
	"family":      {att: [2]int{40, 65}, crimes: [2]int{0, 3}, victim: [2]int{0, 2}, mix: []string{"violence", "threats", "theft"}, regular: .15, placed: .35},
	"network":     {att: [2]int{30, 55}, crimes: [2]int{4, 8}, victim: [2]int{1, 3}, mix: []string{"drugs", "weapons", "robbery", "violence", "threats"}, regular: .3, placed: .25},
	"street":      {att: [2]int{40, 60}, crimes: [2]int{2, 6}, victim: [2]int{0, 2}, mix: []string{"theft", "theft", "vandalism", "robbery", "threats"}, regular: .25, placed: .1},
	"threatened":  {att: [2]int{45, 70}, crimes: [2]int{0, 2}, victim: [2]int{2, 5}, mix: []string{"threats", "violence", "other"}, regular: .1, placed: .15},
}

// drawTrend draws where the young person is heading, by how the case ends.
func (s *story) drawTrend() int {
	odds := [3]float64{.6, .27, .13} // better, same, worse: a case still open
	switch s.sp.closure {
	case casework.CloseGoalsReached:
		odds = [3]float64{.85, .12, .03}
	case casework.ClosePlaced:
		odds = [3]float64{.05, .35, .6}
	case casework.CloseConsentWithdrawn, casework.CloseDeclined:
		odds = [3]float64{.2, .5, .3}
	case casework.CloseMoved, casework.CloseAgedOut:
		odds = [3]float64{.45, .35, .2}
	}
	x := s.ri.Float64()
	switch {
	case x < odds[0]:
		return trendBetter
	case x < odds[0]+odds[1]:
		return trendSame
	}
	return trendWorse
}

// drawFigures draws the young person's figures at intake (day) and where they head.
func (s *story) drawFigures(day time.Time) *figures {
	r := s.ri
	pf, ok := profileFigures[s.prof.code]
	if !ok {
		pf = profileFigures["recruitment"]
	}
	f := &figures{start: day, trend: s.drawTrend(), speed: between(r, 60, 160), unknown: map[string]bool{}}
	f.relapse = f.trend == trendBetter && chance(r, .2)
	more := max(s.level-1, 0) // a higher risk, a few more reports
	f.att[0] = float64(between(r, pf.att[0], pf.att[1])) + r.Float64()
	f.pass[0] = .25 + .45*r.Float64()
	f.crimes[0] = between(r, pf.crimes[0], pf.crimes[1]+more)
	f.victim[0] = between(r, pf.victim[0], pf.victim[1])
	f.mix = pf.mix
	switch {
	case chance(r, pf.regular):
		f.subst[0] = 2
	case chance(r, .45):
		f.subst[0] = 1
	}
	f.progress[0] = between(r, 2, 5)
	f.leisure[0] = chance(r, .25)
	f.placement[0] = "none"
	if chance(r, pf.placed) {
		f.placement[0] = pick(r, []string{"family_home", "family_home", "hvb", "hvb", "sis"})
	}
	f.adultOcc[0] = pick(r, []string{"none", "none", "internship"})
	f.relatives = chance(r, .1)
	f.unknown["substance_use"] = chance(r, .06)
	f.unknown["own_progress"] = chance(r, .08)

	f.att[1], f.pass[1], f.crimes[1], f.victim[1] = f.att[0], f.pass[0], f.crimes[0], f.victim[0]
	f.subst[1], f.progress[1], f.leisure[1], f.placement[1], f.adultOcc[1] = f.subst[0], f.progress[0], f.leisure[0], f.placement[0], f.adultOcc[0]
	switch f.trend {
	case trendBetter:
		f.att[1] = float64(between(r, 70, 92)) + r.Float64()
		f.pass[1] = min(f.pass[0]+.2+.25*r.Float64(), 1)
		f.crimes[1] = min(between(r, 0, 2), f.crimes[0])
		f.victim[1] = min(between(r, 0, 1), f.victim[0])
		if f.subst[0] > 0 && chance(r, .8) {
			f.subst[1] = f.subst[0] - 1
		}
		f.progress[1] = between(r, 6, 9)
		f.leisure[1] = f.leisure[0] || chance(r, .6)
		if f.placement[0] != "none" && chance(r, .75) {
			f.placement[1] = "none" // back home
		}
		f.adultOcc[1] = pick(r, []string{"work", "work", "internship", "school"})
	case trendSame:
		f.att[1] = math.Max(f.att[0]+float64(between(r, -8, 8)), 0)
		f.crimes[1] = max(f.crimes[0]+between(r, -2, 1), 0)
		f.progress[1] = f.progress[0] + between(r, 0, 2)
	case trendWorse:
		f.att[1] = math.Max(f.att[0]-float64(between(r, 10, 30)), 0)
		f.pass[1] = math.Max(f.pass[0]-.1-.2*r.Float64(), 0)
		f.crimes[1] = f.crimes[0] + between(r, 1, 5)
		f.victim[1] = f.victim[0] + between(r, 0, 2)
		if f.subst[0] < 2 && chance(r, .5) {
			f.subst[1] = f.subst[0] + 1
		}
		f.progress[1] = between(r, 1, 3)
		f.leisure[1] = false
		f.adultOcc[1] = "none"
	}
	if s.sp.closure == casework.ClosePlaced {
		f.placement[1] = pick(r, []string{"hvb", "hvb", "sis", "family_home"})
	}
	return f
}

// along is how far the trend has come on day: 0 at intake, 1 when it has run its course; at
// the calls after closure (after), 1 — or halfway back after a relapse.
func (f *figures) along(day time.Time, after bool) float64 {
	if after {
		if f.relapse {
			return .5
		}
		return 1
	}
	days := day.Sub(f.start).Hours() / 24
	return math.Min(math.Max(days/float64(f.speed), 0), 1)
}

func lerp(a, b, x float64) float64 { return a + (b-a)*x }

// attendance is the attendance when the trend has come x of the way, with the noise of one
// month against another.
func (s *story) attendance(x float64) float64 {
	f := s.fig
	a := lerp(f.att[0], f.att[1], x)
	if x > 0 {
		a += 6 * (2*s.ri.Float64() - 1)
	}
	return math.Round(math.Min(math.Max(a, 0), 100)*10) / 10
}

// enrolled reports whether the young person goes to school on day (the manual leaves the
// school's fields empty for one who does not).
func (s *story) enrolled(day time.Time) bool { return s.ageAt(day) < 19 }

// schoolFields are the school's values on day: attendance and, at intake and closure, the
// grades of the last term.
func (s *story) schoolFields(day time.Time, x float64, grades bool) map[string]string {
	if !s.enrolled(day) {
		return nil
	}
	out := map[string]string{stats.Field("school_attendance", ""): strconv.FormatFloat(s.attendance(x), 'f', 1, 64)}
	if grades {
		graded := 16 // the subjects of compulsory school
		if s.ageAt(day) >= 16 {
			graded = 8 + int(s.fig.pass[0]*10)%5 // courses at the gymnasium
		}
		passed := int(math.Round(float64(graded) * lerp(s.fig.pass[0], s.fig.pass[1], x)))
		out[stats.Field("graded_subjects", "")] = strconv.Itoa(graded)
		out[stats.Field("passed_subjects", "")] = strconv.Itoa(min(passed, graded))
	}
	return out
}

// policeFields are the police's reports of the last six months on day, by crime category.
func (s *story) policeFields(x float64) map[string]string {
	f, r := s.fig, s.ri
	x = min(1.5*x, 1) // the reports change first: the group meets the police's worries first
	n := int(math.Round(lerp(float64(f.crimes[0]), float64(f.crimes[1]), x)))
	if x > 0 && chance(r, .25) {
		n = max(n+pick(r, []int{-1, 1}), 0)
	}
	per := map[string]int{}
	for range n {
		per[pick(r, f.mix)]++
	}
	out := map[string]string{}
	for _, c := range stats.CrimeCategories {
		out[stats.Field("police_suspect", c)] = strconv.Itoa(per[c])
	}
	v := int(math.Round(lerp(float64(f.victim[0]), float64(f.victim[1]), x)))
	out[stats.Field("police_victim", "")] = strconv.Itoa(v)
	return out
}

// coordinatorFields are the coordinator's values on day; meeting is true for a follow-up
// meeting, where only the occupation and the young person's own rating are asked.
func (s *story) coordinatorFields(day time.Time, x float64, meeting bool) map[string]string {
	f := s.fig
	age := s.ageAt(day)
	late := x >= .5 // the lasting states change halfway
	at := func(v [2]string) string {
		if late {
			return v[1]
		}
		return v[0]
	}
	occ := "school"
	switch {
	case age >= 19:
		occ = at(f.adultOcc)
	case lerp(f.att[0], f.att[1], x) < 5:
		occ = "none" // enrolled, but not there at all
	}
	out := map[string]string{stats.Field("occupation", ""): occ}
	progress := "?"
	if !f.unknown["own_progress"] || x > 0 {
		progress = strconv.Itoa(min(max(int(math.Round(lerp(float64(f.progress[0]), float64(f.progress[1]), x))), 1), 10))
	}
	out[stats.Field("own_progress", "")] = progress
	if meeting {
		return out
	}
	placement := at(f.placement)
	housing := "guardians"
	switch {
	case placement == "family_home" || placement == "hvb" || placement == "sis":
		housing = placement
		if placement == "hvb" && age >= 18 {
			housing = "supported"
		}
	case f.relatives:
		housing = "relatives"
	case age >= 19 && f.trend == trendBetter && late:
		housing = "own"
	}
	income := "guardians"
	if age >= 18 {
		income = map[string]string{"school": "student_aid", "work": "salary", "internship": "other_benefit", "none": "social_assistance"}[occ]
	}
	subst := "?"
	if !f.unknown["substance_use"] || x > 0 {
		subst = []string{"none", "occasional", "regular"}[int(math.Round(lerp(float64(f.subst[0]), float64(f.subst[1]), x)))]
	}
	leisure := "no"
	if (late && f.leisure[1]) || (!late && f.leisure[0]) {
		leisure = "yes"
	}
	out[stats.Field("housing", "")] = housing
	out[stats.Field("income", "")] = income
	out[stats.Field("substance_use", "")] = subst
	out[stats.Field("placement", "")] = placement
	out[stats.Field("organised_leisure", "")] = leisure
	return out
}

// coordinatorCategories are the categories of the coordinator's values.
var coordinatorCategories = []casework.Category{casework.CatBasic, casework.CatFamily, casework.CatSocial, casework.CatHealth, casework.CatLeisure}

// imoment returns the story's next free moment for a recording on day, in the afternoon (see
// the top of the file).
func (s *story) imoment(day time.Time) time.Time {
	if s.islots == nil {
		s.islots = map[time.Time]time.Time{}
	}
	t, ok := s.islots[day]
	if !ok {
		t = day.Add(13*time.Hour + time.Duration(s.ri.IntN(120))*time.Minute)
	}
	s.islots[day] = t.Add(time.Duration(between(s.ri, 5, 20)) * time.Minute)
	return t.Add(time.Duration(s.ri.IntN(60)) * time.Second)
}

// recordOn schedules a recording by user on day: the time point (a meeting's date as its
// occasion), the day the values describe, the categories and the form's fields — parsed as the
// form is, so the values are exactly what a user typing them would have saved.
func (s *story) recordOn(h *history, day time.Time, user, tp string, measured time.Time, cats []casework.Category, fields map[string]string) {
	if user == "" || len(fields) == 0 {
		return
	}
	w := s.w
	in := store.IndicatorInput{TimePoint: tp, MeasuredOn: measured, Categories: cats}
	if tp == stats.AtMeeting {
		in.Occasion = measured.Format(time.DateOnly)
	}
	h.add(s.imoment(day), s.first+" "+s.last+": indicators "+tp+" by "+user, func() error {
		vals, err := stats.ParseForm(func(f string) string { return fields[f] }, cats)
		if err != nil {
			return err
		}
		in.Values = vals
		_, err = w.st.RecordIndicators(w.as(user), s.caseID, in)
		return err
	})
}

// recordPoint records a time point measured on measured, on day, by whoever of the school,
// the police and the coordinator is asked: the coordinator's own values; the school's by the
// school's member when the consent covers it — or, for a young person at the gymnasium (whose
// staff are not in the group), by the coordinator, passing on what the gymnasium's mentor
// reported under the consent; the police's by the police when the consent covers them.
func (s *story) recordPoint(h *history, day time.Time, tp string, measured time.Time, x float64, school, police, coordinator bool) {
	w := s.w
	meeting := tp == stats.AtMeeting
	grades := tp == stats.AtIntake || tp == stats.AtClosure
	coordFields := map[string]string{}
	var coordCats []casework.Category
	if coordinator {
		coordFields = s.coordinatorFields(measured, x, meeting)
		coordCats = coordinatorCategories
		if meeting {
			coordCats = []casework.Category{casework.CatBasic}
		}
	}
	if school {
		schoolUser := w.member[casework.AgencySchool]
		switch {
		case schoolUser != "" && s.covered(day, w.users[schoolUser].AgencyID, casework.CatSchool):
			s.recordOn(h, day, schoolUser, tp, measured, []casework.Category{casework.CatSchool}, s.schoolFields(measured, x, grades))
		case w.upperSchool.ID != 0 && s.covered(day, w.upperSchool.ID, casework.CatSchool):
			if sf := s.schoolFields(measured, x, grades); len(sf) > 0 {
				for k, v := range sf {
					coordFields[k] = v
				}
				coordCats = append(coordCats[:len(coordCats):len(coordCats)], casework.CatSchool)
			}
		}
	}
	if police {
		if u := w.member[casework.AgencyPolice]; u != "" && s.covered(day, w.users[u].AgencyID, casework.CatPolice) {
			s.recordOn(h, day, u, tp, measured, []casework.Category{casework.CatPolice}, s.policeFields(x))
		}
	}
	s.recordOn(h, day, s.coord, tp, measured, coordCats, coordFields)
}

// indicators schedules the story's recordings. It runs after the other events are planned, when
// the consents (and their withdrawal), the meetings held and the calls made are known.
func (s *story) indicators(h *history) {
	decided, ok := s.entered(casework.StepParties)
	if !ok || s.sp.simple {
		return
	}
	s.fig = s.drawFigures(decided)
	stop := s.stop()
	// Intake: the coordinator on the day of the decision; the school and the police once the
	// consent lets them, in the first week of the group's work, for the same date.
	s.recordPoint(h, decided, stats.AtIntake, decided, 0, false, false, true)
	if given, ok := s.left(casework.StepConsent); ok && (s.closeDay.IsZero() || given.Before(s.closeDay)) {
		if d, past := s.cal.within(given.AddDate(0, 0, between(s.ri, 1, 8))); past && d.Before(stop) {
			s.recordPoint(h, d, stats.AtIntake, decided, 0, true, true, false)
		}
	}
	// Some follow-up meetings, recorded the day after with the minutes.
	for _, m := range s.held {
		if !chance(s.ri, .3) {
			continue
		}
		rec, past := s.cal.within(m.AddDate(0, 0, 1))
		if !past || !rec.Before(stop) {
			continue
		}
		s.recordPoint(h, rec, stats.AtMeeting, m, s.fig.along(m, false), chance(s.ri, .7), chance(s.ri, .5), true)
	}
	// Closure, for a case that got as far as the group's work: on the closing day.
	if _, active := s.entered(casework.StepActive); active && !s.closeDay.IsZero() {
		x := s.fig.along(s.closeDay, false)
		if s.sp.closure == casework.ClosePlaced {
			x = 1 // the placement is why it closed
		}
		s.recordPoint(h, s.closeDay, stats.AtClosure, s.closeDay, x, true, true, true)
	}
	// The calls after closure that reached the young person.
	for _, c := range s.calls {
		tp := stats.AtFollow6
		if c.kind == "12" {
			tp = stats.AtFollow12
		}
		s.recordPoint(h, c.day, tp, c.day, s.fig.along(c.day, true), true, true, true)
	}
}

// call is a follow-up call after closure that reached the young person.
type call struct {
	kind string
	day  time.Time
}

// indicatorRand is the generator of a story's indicator values, apart from the one of its
// other events.
func indicatorRand(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x5eed1d1ca7045, uint64(i)))
}
