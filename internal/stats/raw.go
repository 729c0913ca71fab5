package stats

import (
	"time"

	"lots/internal/casework"
)

// Slices: every count is made per district, so that the dashboard filtered on one district and
// the whole municipality are parts of one suppression (a district's figure subtracted from the
// municipality's must not reveal a small rest).
const (
	// All is the view of the whole municipality.
	All int64 = -1
	// NoDistrict is the slice of young people registered without a district.
	NoDistrict int64 = 0
)

// Named is a district or a coordinator: an id and a name.
type Named struct {
	ID   int64
	Name string
}

// Deadlines are the municipality's deadlines in days (casework.Settings): SIG's, and SSPF's
// (nil in a release made before the tracks had their own), each case measured against its
// track's.
type Deadlines struct {
	Assessment, Group, Plan int
	SSPF                    *Deadlines `json:",omitempty"`
}

// PairSum is a paired comparison of a numeric indicator over N young people: the sum of their
// values at intake (Before) and at a later time point (After).
type PairSum struct {
	N             int
	Before, After float64
}

// GoalSums counts sub-goals in the action plans of closed cases: Plans young people, SubGoals
// sub-goals in their last plans, Reached of them reached.
type GoalSums struct {
	Plans, SubGoals, Reached int
}

// Raw is what the store counts in SQL for one period, per slice (district id, or NoDistrict).
// It holds counts and sums only, never a row per young person; Build turns it into suppressed
// tables. Raw never leaves the store.
type Raw struct {
	Period       Period
	Now          time.Time
	Districts    []Named // the municipality's districts, in display order
	Coordinators []Named // everyone who coordinates an open case, in display order
	Deadlines    Deadlines
	// Previous is the published release of the period before, when there is one: this
	// period's open cases are protected together with it (see Build).
	Previous *Dashboard
	prevOpen map[int64]map[string]int // open at the previous period's end, counted now: gender|"total"

	steps     map[int64]map[string]int               // open cases now by step
	wait      map[int64]map[int]int                  // identified now: days waited → cases
	caseload  map[int64]map[int64]int                // open cases now by coordinator (0: none)
	flow      map[int64]map[string]*[6]int           // opened|started|closed by month of the period
	closures  map[int64]map[string]*[2]int           // reason → [all closed, closed after a start]
	times     map[int64]map[string]map[int]int       // measure → days → cases
	deadlines map[int64]map[string]*[2]int           // assessment|group|plan → [within, late]
	consent   map[int64]map[string]int               // proposed|consented|withdrawn
	numbers   map[int64]map[string]*PairSum          // indicator/later point → paired sums
	choices   map[int64]map[string]map[[2]string]int // indicator/later point → (before, after) → young people
	goals     map[int64]*GoalSums
	ages      map[int64]map[string]*[3]int // age band → [open now, opened, closed]
	genders   map[int64]map[string]*[3]int // gender → [open now, opened, closed]
	programs  map[int64]map[string]*[3]int // track (sig, sspf) → [open now, opened, closed]

	// needs: needs column → age band → young people (needs.go).
	needs map[int64]map[string]map[string]int
}

// NewRaw starts the counts of a period.
func NewRaw(p Period, now time.Time) *Raw {
	return &Raw{Period: p, Now: now,
		steps: map[int64]map[string]int{}, wait: map[int64]map[int]int{}, caseload: map[int64]map[int64]int{},
		flow: map[int64]map[string]*[6]int{}, closures: map[int64]map[string]*[2]int{}, times: map[int64]map[string]map[int]int{},
		deadlines: map[int64]map[string]*[2]int{}, consent: map[int64]map[string]int{}, numbers: map[int64]map[string]*PairSum{},
		choices: map[int64]map[string]map[[2]string]int{}, goals: map[int64]*GoalSums{},
		ages: map[int64]map[string]*[3]int{}, genders: map[int64]map[string]*[3]int{}, programs: map[int64]map[string]*[3]int{}, prevOpen: map[int64]map[string]int{},
	}
}

func sub[K comparable, V any](m map[int64]map[K]V, slice int64) map[K]V {
	x := m[slice]
	if x == nil {
		x = map[K]V{}
		m[slice] = x
	}
	return x
}

func ptr[K comparable, V any](m map[K]*V, k K) *V {
	v := m[k]
	if v == nil {
		v = new(V)
		m[k] = v
	}
	return v
}

// AddStep counts n open cases in step.
func (r *Raw) AddStep(slice int64, step string, n int) { sub(r.steps, slice)[step] += n }

// AddWaiting counts n cases waiting for the preparatory group for days days.
func (r *Raw) AddWaiting(slice int64, days, n int) { sub(r.wait, slice)[max(days, 0)] += n }

// AddCaseload counts n open cases of a coordinator (0: none).
func (r *Raw) AddCaseload(slice, coordinator int64, n int) { sub(r.caseload, slice)[coordinator] += n }

// AddFlow counts n cases opened, started or closed in month (0–5) of the period.
func (r *Raw) AddFlow(slice int64, row string, month, n int) {
	if month >= 0 && month < 6 {
		ptr(sub(r.flow, slice), row)[month] += n
	}
}

// AddClosure counts n cases closed in the period for reason; started says SIG had started.
func (r *Raw) AddClosure(slice int64, reason string, started bool, n int) {
	known := false
	for _, x := range closureReasons {
		known = known || x == reason
	}
	if !known {
		reason = string(casework.CloseOther)
	}
	c := ptr(sub(r.closures, slice), reason)
	c[0] += n
	if started {
		c[1] += n
	}
}

// AddTime counts n cases for which a measure took days days.
func (r *Raw) AddTime(slice int64, measure string, days, n int) {
	t := sub(r.times, slice)
	if t[measure] == nil {
		t[measure] = map[int]int{}
	}
	t[measure][max(days, 0)] += n
}

// AddDeadline counts n cases whose deadline fell due in the period, met in time or not.
func (r *Raw) AddDeadline(slice int64, deadline string, within bool, n int) {
	d := ptr(sub(r.deadlines, slice), deadline)
	if within {
		d[0] += n
	} else {
		d[1] += n
	}
}

// AddConsent counts n cases: proposed (decided to start in the period), consented (of those,
// a consent was signed) or withdrawn (a consent was withdrawn in the period).
func (r *Raw) AddConsent(slice int64, row string, n int) { sub(r.consent, slice)[row] += n }

// AddNumbers adds paired sums of a numeric indicator (or of one of its parts, code
// "police_suspect.violence") between intake and a later time point.
func (r *Raw) AddNumbers(slice int64, code, later string, s PairSum) {
	p := ptr(sub(r.numbers, slice), code+"/"+later)
	p.N += s.N
	p.Before += s.Before
	p.After += s.After
}

// AddChoices counts n young people with the value before at intake and after at a later
// time point.
func (r *Raw) AddChoices(slice int64, code, later, before, after string, n int) {
	c := sub(r.choices, slice)
	k := code + "/" + later
	if c[k] == nil {
		c[k] = map[[2]string]int{}
	}
	c[k][[2]string{before, after}] += n
}

// AddGoals adds sub-goal counts of closed cases' last plans.
func (r *Raw) AddGoals(slice int64, g GoalSums) {
	x := r.goals[slice]
	if x == nil {
		x = &GoalSums{}
		r.goals[slice] = x
	}
	x.Plans += g.Plans
	x.SubGoals += g.SubGoals
	x.Reached += g.Reached
}

// Breakdown columns.
const (
	ColOpen   = 0 // open now
	ColOpened = 1 // opened in the period
	ColClosed = 2 // closed in the period
)

// AddAge counts n cases of an age band in a breakdown column.
func (r *Raw) AddAge(slice int64, band string, col, n int) { ptr(sub(r.ages, slice), band)[col] += n }

// Programs are the tracks the dashboard counts apart: SIG and SSPF.
var Programs = []string{string(casework.ProgramSIG), string(casework.ProgramSSPF)}

// AddProgram counts n cases of a track (sig, sspf; anything else counts as SIG) in a
// breakdown column.
func (r *Raw) AddProgram(slice int64, program string, col, n int) {
	if program != string(casework.ProgramSSPF) {
		program = string(casework.ProgramSIG)
	}
	ptr(sub(r.programs, slice), program)[col] += n
}

// AddGender counts n cases of a gender in a breakdown column.
func (r *Raw) AddGender(slice int64, gender string, col, n int) {
	if !casework.Gender(gender).Valid() {
		gender = string(casework.GenderUnknown)
	}
	ptr(sub(r.genders, slice), gender)[col] += n
}

// AddPreviousOpen counts n cases of a gender open at the end of the previous period, as the
// data stands now (to check that the previous release's figures still hold).
func (r *Raw) AddPreviousOpen(slice int64, gender string, n int) {
	if !casework.Gender(gender).Valid() {
		gender = string(casework.GenderUnknown)
	}
	m := sub(r.prevOpen, slice)
	m[gender] += n
	m["total"] += n
}
