package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"lots/internal/casework"
)

// demoCast is where Demo kommun's 150 young people stand today: some in every step of the
// flow, most of them active or closed, with the special cases the demo should show.
func demoCast() []spec {
	var out []spec
	add := func(n int, sp spec) {
		for range n {
			out = append(out, sp)
		}
	}
	const (
		identified = casework.StepIdentified
		assessment = casework.StepAssessment
		closed     = casework.StepClosed
		followedUp = casework.StepFollowedUp
	)
	add(9, spec{step: identified, age: [2]int{1, 25}})
	add(1, spec{step: identified, age: [2]int{3, 12}, reserve: true})
	add(5, spec{step: assessment, age: [2]int{3, 36}})
	add(2, spec{step: assessment, age: [2]int{5, 30}, savry: true})
	add(3, spec{step: assessment, age: [2]int{44, 60}}) // the six weeks have passed
	add(2, spec{step: assessment, age: [2]int{39, 41}}) // the six weeks end within days
	add(1, spec{step: assessment, age: [2]int{5, 30}, reopened: true})
	add(5, spec{step: casework.StepDecision, age: [2]int{1, 14}})
	add(2, spec{step: casework.StepDecision, age: [2]int{1, 14}, savry: true})
	add(6, spec{step: casework.StepParties, age: [2]int{1, 12}})
	add(7, spec{step: casework.StepMotivation, age: [2]int{5, 70}, motivation: true})
	add(2, spec{step: casework.StepConsent, age: [2]int{6, 25}, awaitingGuardian: true})
	add(1, spec{step: casework.StepConsent, age: [2]int{6, 25}, awaitingGuardian: true, protected: true})
	add(2, spec{step: casework.StepConsent, age: [2]int{3, 12}, unsigned: true})
	add(3, spec{step: casework.StepConsent, age: [2]int{1, 10}})
	add(1, spec{step: casework.StepConsent, age: [2]int{1, 10}, motivation: true})
	add(3, spec{step: casework.StepPlanning, age: [2]int{1, 25}})
	add(2, spec{step: casework.StepPlanning, age: [2]int{1, 25}, sspf: true, mapping: true}) // SSPF: the mapping conversation
	add(1, spec{step: casework.StepPlanning, age: [2]int{1, 25}, sspf: true})                // SSPF: the network meeting
	add(1, spec{step: casework.StepPlanning, age: [2]int{1, 25}, protected: true})
	add(1, spec{step: casework.StepPlanning, age: [2]int{1, 25}, reserve: true})
	add(22, spec{step: casework.StepActive, age: [2]int{10, 330}})
	add(6, spec{step: casework.StepActive, age: [2]int{10, 330}, savry: true})
	add(4, spec{step: casework.StepActive, age: [2]int{10, 300}, motivation: true})
	add(2, spec{step: casework.StepActive, age: [2]int{10, 330}, protected: true})
	add(1, spec{step: casework.StepActive, age: [2]int{10, 200}, reserve: true})
	add(5, spec{step: closed, closure: casework.CloseNotNow, age: [2]int{20, 400}})
	add(4, spec{step: closed, closure: casework.CloseReferred, age: [2]int{20, 400}})
	add(3, spec{step: closed, closure: casework.CloseNotStarted, age: [2]int{10, 380}})
	add(1, spec{step: closed, closure: casework.CloseNotStarted, age: [2]int{10, 380}, savry: true})
	// Goals reached, spread over the last year so that every half-year has closures to follow
	// up (the dashboard's outcomes pair intake with closure for the cases closed in it).
	add(2, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{5, 60}})
	add(3, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{60, 120}})
	add(2, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{120, 175}})
	add(1, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{5, 175}, protected: true})
	add(2, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{200, 270}})
	add(3, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{270, 350}})
	add(1, spec{step: closed, closure: casework.CloseGoalsReached, age: [2]int{190, 230}, followUp6Late: true})
	add(5, spec{step: closed, closure: casework.CloseMoved, age: [2]int{10, 350}})
	add(3, spec{step: closed, closure: casework.ClosePlaced, age: [2]int{10, 340}})
	add(2, spec{step: closed, closure: casework.CloseDeclined, age: [2]int{10, 300}})
	add(1, spec{step: closed, closure: casework.CloseDeclined, age: [2]int{10, 300}, motivation: true})
	add(1, spec{step: closed, closure: casework.CloseConsentWithdrawn, age: [2]int{20, 200}})
	add(3, spec{step: closed, closure: casework.CloseAgedOut, age: [2]int{10, 300}})
	add(6, spec{step: followedUp, closure: casework.CloseGoalsReached, age: [2]int{380, 400}})
	add(2, spec{step: followedUp, closure: casework.CloseMoved, age: [2]int{380, 400}})
	add(1, spec{step: followedUp, closure: casework.ClosePlaced, age: [2]int{380, 400}})
	add(1, spec{step: followedUp, closure: casework.CloseAgedOut, age: [2]int{380, 400}})
	add(1, spec{step: followedUp, closure: casework.CloseDeclined, age: [2]int{380, 400}})
	add(1, spec{step: followedUp, closure: casework.CloseConsentWithdrawn, age: [2]int{380, 400}})
	// Two likely duplicates: reported again without a personnummer, with the same birth date
	// and the name spelled a little differently, for the merge feature.
	for i, sp := range out {
		if sp.step == casework.StepActive && !sp.reserve && !sp.protected {
			out = append(out, spec{step: identified, age: [2]int{2, 8}, duplicateOf: i + 1})
			break
		}
	}
	for i, sp := range out {
		if sp.step == assessment && !sp.reserve && !sp.reopened && sp.age[0] < 39 {
			out = append(out, spec{step: identified, age: [2]int{1, 5}, duplicateOf: i + 1})
			break
		}
	}
	return out
}

// seedCast draws n specs for Seed: every step, weighted roughly like a municipality in steady
// state, with simpler stories.
func seedCast(r *rand.Rand, n int, motivation bool) []spec {
	type option struct {
		weight int
		sp     spec
	}
	opts := []option{
		{8, spec{step: casework.StepIdentified, age: [2]int{1, 25}}},
		{10, spec{step: casework.StepAssessment, age: [2]int{3, 50}}},
		{4, spec{step: casework.StepDecision, age: [2]int{1, 14}}},
		{4, spec{step: casework.StepParties, age: [2]int{1, 12}}},
		{4, spec{step: casework.StepConsent, age: [2]int{6, 25}, awaitingGuardian: true}},
		{2, spec{step: casework.StepConsent, age: [2]int{3, 12}, unsigned: true}},
		{6, spec{step: casework.StepPlanning, age: [2]int{1, 25}}},
		{30, spec{step: casework.StepActive, age: [2]int{10, 160}}},
		{3, spec{step: casework.StepClosed, closure: casework.CloseNotNow, age: [2]int{10, 360}}},
		{2, spec{step: casework.StepClosed, closure: casework.CloseReferred, age: [2]int{10, 360}}},
		{2, spec{step: casework.StepClosed, closure: casework.CloseNotStarted, age: [2]int{10, 360}}},
		{6, spec{step: casework.StepClosed, closure: casework.CloseGoalsReached, age: [2]int{5, 360}}},
		{2, spec{step: casework.StepClosed, closure: casework.CloseMoved, age: [2]int{5, 360}}},
		{2, spec{step: casework.StepClosed, closure: casework.ClosePlaced, age: [2]int{5, 360}}},
		{1, spec{step: casework.StepClosed, closure: casework.CloseDeclined, age: [2]int{5, 360}}},
		{1, spec{step: casework.StepClosed, closure: casework.CloseConsentWithdrawn, age: [2]int{5, 360}}},
		{2, spec{step: casework.StepClosed, closure: casework.CloseAgedOut, age: [2]int{5, 360}}},
		{6, spec{step: casework.StepFollowedUp, closure: casework.CloseGoalsReached, age: [2]int{380, 400}}},
		{2, spec{step: casework.StepFollowedUp, closure: casework.CloseMoved, age: [2]int{380, 400}}},
	}
	if motivation {
		opts = append(opts, option{3, spec{step: casework.StepMotivation, age: [2]int{5, 60}, motivation: true}})
	}
	total := 0
	for _, o := range opts {
		total += o.weight
	}
	out := make([]spec, 0, n)
	for range n {
		x := r.IntN(total)
		for _, o := range opts {
			if x < o.weight {
				sp := o.sp
				sp.simple, sp.reserve = true, r.IntN(50) == 0
				out = append(out, sp)
				break
			}
			x -= o.weight
		}
	}
	return out
}

var profileWeights = map[string]int{"recruitment": 22, "drugs": 15, "violence": 14, "truancy": 15, "family": 10, "network": 7, "street": 11, "threatened": 6}

func pickProfile(r *rand.Rand) *profile {
	total := 0
	for _, p := range profiles {
		total += profileWeights[p.code]
	}
	x := r.IntN(total)
	for i := range profiles {
		if x < profileWeights[profiles[i].code] {
			return &profiles[i]
		}
		x -= profileWeights[profiles[i].code]
	}
	return &profiles[0]
}

// ageAtConcern draws the young person's age when first reported: mostly 13–16.
func ageAtConcern(r *rand.Rand, p *profile) int {
	if p.code == "network" || p.code == "violence" {
		return between(r, 14, 17)
	}
	ages := []int{12, 12, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17}
	return pick(r, ages)
}

// noon is a day at noon UTC, for age arithmetic that does not depend on the hour.
func noon(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC)
}

// newStory plans the i-th young person of a cast: the profile and who reports, the days, then
// the person (whose age must fit those days), the adults and the coordinator.
func newStory(w *world, cal *calendar, sp spec, r *rand.Rand, pool *numberPool, stories []*story) *story {
	s := &story{w: w, r: r, sp: sp, cal: cal, prof: pickProfile(r)}
	s.reporter = pick(r, s.prof.reporters)
	if sp.duplicateOf > 0 {
		s.reporter = casework.AgencyLeisure
	}
	if sp.reopened {
		s.reporter = casework.AgencyPolice
		s.earlier = cal.weekday(cal.ago(between(r, 390, 430)))
	}
	s.schedule()
	s.level = levelFor(r, s.prof, sp)
	s.makeTruth()
	s.coord = w.coordinators[0]
	if len(w.coordinators) > 1 && !chance(r, 0.55) {
		s.coord = pick(r, w.coordinators[1:])
	}
	if sp.duplicateOf > 0 {
		o := stories[sp.duplicateOf-1]
		s.male, s.bg, s.birth, s.district = o.male, o.bg, o.birth, o.district
		s.first, s.last = o.first, misspell(o.last)
		if chance(r, 0.5) {
			s.first = misspell(o.first)
		}
		s.school, s.address, s.program = o.school, o.address, o.program
		return s
	}
	s.person(pool)
	return s
}

// person draws the young person: background, sex, name, a test personnummer (or, for a
// reserve identity, a birth date) of someone who was the drawn age at the first concern.
func (s *story) person(pool *numberPool) {
	r := s.r
	s.bg = pickBackground(r)
	s.male = chance(r, 0.78)
	s.first, s.last = youthName(r, s.bg, s.male, s.w.names)
	first := s.segs[0].day
	if s.sp.reopened {
		first = s.earlier
	}
	age := ageAtConcern(r, s.prof)
	years := []int{first.Year() - age - 1, first.Year() - age}
	ok := func(b time.Time) bool {
		return casework.Age(b, noon(first)) == age && casework.Age(b, s.cal.now) <= 20
	}
	if s.sp.closure == casework.CloseAgedOut {
		years = []int{s.closeDay.Year() - 20, s.closeDay.Year() - 19}
		ok = func(b time.Time) bool {
			return casework.Age(b, noon(s.closeDay)) == 19 && casework.Age(b, noon(first)) >= 12
		}
	}
	if !s.sp.reserve {
		for _, y := range years {
			if s.pnr = pool.take(y, s.male, r.IntN(1000), ok); s.pnr != "" {
				s.birth = birthOf(s.pnr)
				break
			}
		}
	}
	if s.pnr == "" { // a reserve identity: the birth date is entered by hand
		start := time.Date(years[0], 1, 1, 0, 0, 0, 0, time.UTC)
		off := r.IntN(730)
		for i := range 730 {
			if b := start.AddDate(0, 0, (off+i)%730); ok(b) {
				s.birth = b
				break
			}
		}
	}
	s.district = pickDistrict(r, s.w.districts)
	a := s.ageAt(first)
	s.school = schoolName(s.district.Name, a)
	s.address = address(r)
	s.program = casework.ProgramSIG
	if (a <= 13 && chance(r, 0.35)) || s.sp.sspf {
		s.program = casework.ProgramSSPF
	}
	adult := s.ageAt(s.segs[min(1, len(s.segs)-1)].day) >= 18
	s.people = relatives(r, s.bg, s.last, adult)
	if s.sp.simple { // the guardians only
		s.people = slices.DeleteFunc(s.people, func(p casework.RelatedPerson) bool { return !p.HasCustody && !adult })
	}
}

// pickDistrict draws a district; Södra, where the demo's trouble concentrates, twice as often.
func pickDistrict(r *rand.Rand, ds []casework.District) casework.District {
	total := 0
	for _, d := range ds {
		total += districtWeight(d)
	}
	x := r.IntN(total)
	for _, d := range ds {
		if x < districtWeight(d) {
			return d
		}
		x -= districtWeight(d)
	}
	return ds[0]
}

func districtWeight(d casework.District) int {
	if d.Name == "Södra" {
		return 2
	}
	return 1
}

var districtSchool = map[string]string{"Centrum": "Centrumskolan", "Norra": "Norrskolan", "Södra": "Söderskolan", "Västra": "Västerskolan"}

func schoolName(district string, age int) string {
	switch {
	case age >= 19:
		return ""
	case age >= 16:
		return "Demo gymnasium"
	}
	return districtSchool[district]
}

// misspell writes a name the way a hurried second report might: a hyphen dropped, a double
// letter single, or one letter swapped for its sound-alike — at most two edits away.
func misspell(name string) string {
	if i := strings.Index(name, "-"); i >= 0 {
		rs := []rune(name[i+1:])
		rs[0] = unicode.ToLower(rs[0])
		return name[:i] + string(rs)
	}
	rs := []rune(name)
	for i := 1; i < len(rs); i++ {
		if rs[i] == rs[i-1] {
			return string(append(rs[:i:i], rs[i+1:]...))
		}
	}
	for i, c := range rs {
		if alt, ok := map[rune]rune{'i': 'y', 'y': 'i', 'k': 'c', 'c': 'k', 'e': 'é', 'o': 'u', 'u': 'o'}[c]; ok && i > 0 {
			rs[i] = alt
			return string(rs)
		}
	}
	return name + "e"
}
