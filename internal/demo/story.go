package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"lots/internal/casework"
)

// spec says where a young person's story stands today, and what is special about it.
type spec struct {
	step    casework.Step          // the case's step now
	closure casework.ClosureReason // why it closed (closed and followed_up)
	// age is how many days ago the case entered its step now (open cases) or closed (closed
	// ones): a range to draw from.
	age [2]int

	motivation       bool // the case went (or is going) through the motivation phase
	awaitingGuardian bool // consent step: drawn up, the young person has signed, a guardian not yet
	unsigned         bool // consent step: drawn up, nobody has signed yet
	followUp6Late    bool // closed more than six months ago and the call is not yet made
	reserve          bool // personnummer unknown: birth date and a reserve identity
	protected        bool // protected identity
	reopened         bool // closed "not now" a year ago, reported again
	savry            bool // a SAVRY-structure assessment at intake besides IRK
	duplicateOf      int  // 1-based index of the story this is a second registration of
	simple           bool // Seed's stories: fewer notes, no renewals, no second concerns
	// sspf: an SSPF case whatever the age; at the planning step it stands at SSPF's mapping
	// conversation when mapping is set, else at the network meeting.
	sspf, mapping bool
}

// story is one young person's way through Lots, planned first (who, which day each step was
// taken) and then turned into events (story_events.go).
type story struct {
	w     *world
	r     *rand.Rand
	sp    spec
	cal   *calendar
	prof  *profile
	level int               // 0 low … 3 very high
	truth map[string]string // the IRK factors as they really are at intake
	bg    *background
	male  bool
	first string
	last  string
	pnr   string
	birth time.Time
	// the person's other details
	district casework.District
	school   string
	address  string
	program  casework.Program
	people   []casework.RelatedPerson
	coord    string
	reporter casework.AgencyKind

	reached  casework.Step // the furthest step the case got to (see reach)
	segs     []seg         // the steps entered, in order, with the day
	closeDay time.Time     // zero while open
	earlier  time.Time     // the first concern of a young person reported again (spec.reopened)
	// withdrawDay is when the consent is withdrawn (closure consent_withdrawn)
	withdrawDay time.Time
	parties     []casework.AgencyKind
	plan        casework.Plan // the plan as set

	// the group: its members' ids (while playing) and the first day a meeting may be booked
	members   []int64
	bookAfter time.Time

	// while playing
	caseID   int64
	slots    map[time.Time]time.Time
	consents []*plannedConsent

	// the follow-up indicators (story_indicators.go): their own generator and afternoon
	// slots, the figures drawn at intake, the meetings held once the plan was set and the
	// calls after closure that reached the young person
	ri     *rand.Rand
	islots map[time.Time]time.Time
	fig    *figures
	held   []time.Time
	calls  []call
}

// seg is a step entered on a day.
type seg struct {
	step casework.Step
	day  time.Time
}

// calendar turns "so many days ago" into days in Swedish local time. Events happen on
// weekdays, in the past: the last day is yesterday.
type calendar struct {
	loc   *time.Location
	now   time.Time
	today time.Time
	last  time.Time
	first time.Time // the demo municipality's first day
}

func newCalendar(now time.Time) *calendar {
	loc := casework.Stockholm
	l := now.In(loc)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return &calendar{loc: loc, now: now, today: today, last: today.AddDate(0, 0, -1), first: today.AddDate(0, -22, 0)}
}

func (c *calendar) ago(days int) time.Time { return c.today.AddDate(0, 0, -days) }

// weekday moves a day forward to a weekday, but never past the last day.
func (c *calendar) weekday(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	if d.After(c.last) {
		return c.last
	}
	return d
}

// within returns the weekday of d (see weekday) and whether d itself is in the past: a day
// after the last one would otherwise be pulled back onto it.
func (c *calendar) within(d time.Time) (time.Time, bool) { return c.weekday(d), !d.After(c.last) }

// between draws a number in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// reach is the furthest step the case got to before it closed (or where it is). A case that
// moves away may do so at any step, but one followed up had started.
func (s *story) reach() casework.Step {
	if s.reached != "" {
		return s.reached
	}
	s.reached = s.drawReach()
	return s.reached
}

func (s *story) drawReach() casework.Step {
	if s.sp.step.Open() {
		return s.sp.step
	}
	switch s.sp.closure {
	case casework.CloseNotNow, casework.CloseReferred:
		return casework.StepIdentified
	case casework.CloseNotStarted:
		return casework.StepDecision
	case casework.CloseDeclined:
		return casework.StepConsent
	case casework.CloseMoved:
		if s.sp.step == casework.StepFollowedUp {
			return pick(s.r, []casework.Step{casework.StepPlanning, casework.StepActive, casework.StepActive})
		}
		return pick(s.r, []casework.Step{casework.StepAssessment, casework.StepPlanning, casework.StepActive, casework.StepActive})
	}
	return casework.StepActive
}

// path lists the steps the case entered, in order.
func (s *story) path(reach casework.Step) []casework.Step {
	var out []casework.Step
	for _, st := range []casework.Step{casework.StepIdentified, casework.StepAssessment, casework.StepDecision, casework.StepParties,
		casework.StepConsent, casework.StepPlanning, casework.StepActive} {
		if st == casework.StepConsent && (s.sp.motivation || reach == casework.StepMotivation) {
			out = append(out, casework.StepConsent, casework.StepMotivation)
			if reach == casework.StepMotivation {
				return out
			}
		}
		out = append(out, st)
		if st == reach {
			return out
		}
	}
	return out
}

// gap is how many days a case stays in step from before moving on to the next.
func (s *story) gap(from casework.Step, next casework.Step) int {
	r := s.r
	switch from {
	case casework.StepIdentified:
		return between(r, 5, 18)
	case casework.StepAssessment:
		if !s.sp.simple && chance(r, 0.12) {
			return between(r, 43, 52) // the six weeks were not enough
		}
		return between(r, 16, 40)
	case casework.StepDecision:
		return between(r, 2, 9)
	case casework.StepParties:
		return between(r, 2, 8)
	case casework.StepConsent:
		if next == casework.StepMotivation {
			return between(r, 1, 6)
		}
		return between(r, 6, 18)
	case casework.StepMotivation:
		return between(r, 14, 55)
	case casework.StepPlanning:
		return between(r, 4, 14)
	}
	return 7
}

// activeDays is how long a case stays active before it closes for reason.
func (s *story) activeDays() int {
	r := s.r
	if s.sp.simple {
		return between(r, 40, 150)
	}
	switch s.sp.closure {
	case casework.CloseGoalsReached:
		if s.sp.step == casework.StepFollowedUp {
			return between(r, 60, 110)
		}
		return between(r, 110, 240)
	case casework.CloseAgedOut:
		return between(r, 60, 180)
	}
	return between(r, 25, 120)
}

// schedule draws the days: backwards from today (or from the closing day) through each step.
func (s *story) schedule() {
	reach := s.reach()
	steps := s.path(reach)
	days := make([]time.Time, len(steps))
	lastIdx := len(steps) - 1
	if s.sp.step.Open() {
		days[lastIdx] = s.cal.ago(between(s.r, s.sp.age[0], s.sp.age[1]))
	} else {
		s.closeDay = s.cal.ago(between(s.r, s.sp.age[0], s.sp.age[1]))
		var d int
		switch reach {
		case casework.StepActive:
			d = s.activeDays()
		case casework.StepConsent:
			d = between(s.r, 8, 30)
		case casework.StepIdentified:
			d = between(s.r, 5, 18)
		default:
			d = between(s.r, 3, 20)
		}
		days[lastIdx] = s.closeDay.AddDate(0, 0, -d)
	}
	for i := lastIdx; i > 0; i-- {
		days[i-1] = days[i].AddDate(0, 0, -s.gap(steps[i-1], steps[i]))
	}
	if days[0].Before(s.cal.first) { // keep the story inside the municipality's history
		shift := int(s.cal.first.Sub(days[0]).Hours()/24) + 1
		for i := range days {
			days[i] = days[i].AddDate(0, 0, shift)
		}
		if !s.closeDay.IsZero() {
			s.closeDay = s.closeDay.AddDate(0, 0, shift)
		}
	}
	var prev time.Time
	for i, st := range steps {
		d := days[i]
		if i > 0 || s.reporter != casework.AgencyPolice { // the police report on weekends too
			d = s.cal.weekday(d)
		}
		if d.Before(prev) {
			d = prev
		}
		prev = d
		s.segs = append(s.segs, seg{st, d})
	}
	if !s.closeDay.IsZero() {
		s.closeDay = s.cal.weekday(s.closeDay)
		if s.closeDay.Before(prev) {
			s.closeDay = prev
		}
	}
}

// entered returns the day the case (last) entered step, and whether it did.
func (s *story) entered(step casework.Step) (time.Time, bool) {
	for i := len(s.segs) - 1; i >= 0; i-- {
		if s.segs[i].step == step {
			return s.segs[i].day, true
		}
	}
	return time.Time{}, false
}

// left returns the day the case left the segment that starts with step (the next segment's
// day, or the closing day), and whether it left it.
func (s *story) left(step casework.Step) (time.Time, bool) {
	for i := len(s.segs) - 1; i >= 0; i-- {
		if s.segs[i].step == step {
			if i+1 < len(s.segs) {
				return s.segs[i+1].day, true
			}
			return s.closeDay, !s.closeDay.IsZero()
		}
	}
	return time.Time{}, false
}

// end is the last day the case is open: the closing day, or the calendar's last day.
func (s *story) end() time.Time {
	if !s.closeDay.IsZero() {
		return s.closeDay
	}
	return s.cal.last
}

// ageAt is the young person's age on day.
func (s *story) ageAt(day time.Time) int {
	return casework.Age(s.birth, time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, time.UTC))
}

// levels of risk by index.
var levels = []casework.RiskLevel{casework.RiskLow, casework.RiskModerate, casework.RiskHigh, casework.RiskVeryHigh}

// levelFor draws how serious a profile's story is.
func levelFor(r *rand.Rand, p *profile, sp spec) int {
	switch sp.closure {
	case casework.CloseNotStarted:
		return 0
	case casework.CloseNotNow, casework.CloseReferred:
		return between(r, 0, 1)
	}
	switch p.code {
	case "network":
		return between(r, 2, 3)
	case "violence":
		return between(r, 1, 3)
	case "truancy", "street":
		return between(r, 1, 2)
	}
	return between(r, 1, 3)
}

// makeTruth rates the eight IRK factors for the story's profile and level.
func (s *story) makeTruth() {
	s.truth = map[string]string{}
	pClear := []float64{0, 0.3, 0.55, 0.85}[s.level]
	pOther := []float64{0.1, 0.25, 0.4, 0.55}[s.level]
	for _, d := range casework.IRK().Domains {
		f := d.Items[0].Code
		switch {
		case slices.Contains(s.prof.core, f):
			s.truth[f] = "clear"
			if s.level == 0 {
				s.truth[f] = "some"
			}
		case slices.Contains(s.prof.secondary, f):
			s.truth[f] = "some"
			if chance(s.r, pClear) {
				s.truth[f] = "clear"
			} else if chance(s.r, 0.25) {
				s.truth[f] = "no"
			}
		default:
			s.truth[f] = "no"
			if chance(s.r, pOther) {
				s.truth[f] = "some"
			}
		}
	}
}

// unknownTo is what a reporter of an agency kind often cannot judge.
var unknownTo = map[casework.AgencyKind]map[string]float64{
	casework.AgencyPolice:  {"family": 0.4, "school_work": 0.3, "personality": 0.5},
	casework.AgencySchool:  {"criminal_history": 0.5, "substances": 0.4},
	casework.AgencyLeisure: {"family": 0.5, "school_work": 0.3, "personality": 0.5},
	casework.AgencySocial:  {"criminal_history": 0.3},
}

// ratings is the IRK check as someone sees it: the reporter (view) with what they cannot know
// left unknown, or the assessor at intake (view ""); better shifts each factor that many
// steps towards no risk (midway, at closure).
func (s *story) ratings(view casework.AgencyKind, better int) []casework.Rating {
	var out []casework.Rating
	order := []string{"no", "some", "clear"}
	for _, d := range casework.IRK().Domains {
		f := d.Items[0].Code
		v := s.truth[f]
		if view != "" && chance(s.r, unknownTo[view][f]) {
			v = "unknown"
		} else if better > 0 {
			i := slices.Index(order, v)
			for range better {
				if i > 0 && chance(s.r, 0.6) {
					i--
				}
			}
			v = order[i]
		}
		rt := casework.Rating{Item: f, Value: v}
		if v == "clear" && better == 0 && chance(s.r, 0.5) {
			rt.Note = pick(s.r, ratingNote[f])
		}
		out = append(out, rt)
	}
	return out
}

// clearFactors lists the factors rated a clear risk.
func clearFactors(rs []casework.Rating) []string {
	var out []string
	for _, r := range rs {
		if r.Value == "clear" {
			out = append(out, r.Item)
		}
	}
	return out
}

// ignore1 drops a store call's result, keeping its error.
func ignore1[T any](_ T, err error) error { return err }
