package economics

import (
	"sort"

	"lots/internal/stats"
)

// The programme's cost is computed from what Lots records in the period: the coordinators' posts
// (the assumption CoordinatorFTE), the professional group members' hours at the meetings held
// (attendance × the meeting and its pre-meeting), the interventions of the action plans (days
// they ran, or how many started, × the unit cost) and the municipality's own further items.

// Programme is what the store measured of a period's work. It names no young person.
type Programme struct {
	Months     float64 // the period's length in months
	Served     int     // young people whose SIG or SSPF had started and ran some time in the period
	CaseMonths float64 // the months those cases ran within the period
	// MemberHours are the professional group members' hours at the meetings held in the period,
	// by staff group; the case's coordinator is left out (their post is counted whole).
	MemberHours map[StaffGroup]float64
	// Methods are the interventions of the action plans that ran in the period, by method.
	Methods []MethodUse
	// InterventionYouths are the young people with any intervention in the period.
	InterventionYouths int
}

// MethodUse is how one method was used in the period.
type MethodUse struct {
	Method    string         // the catalogue code (or the plan's own code)
	Catalogue bool           // the method is in the municipality's catalogue
	Plans     int            // action plans with the method
	Youths    int            // young people with the method
	ByAge     map[string]int // young people by age band at the period's end
	ByProgram map[string]int // young people by form of work: sig, sspf
	Days      float64        // days the method's interventions ran within the period
	Starts    int            // interventions of the method started in the period
}

// AgeBands are the dashboard's age bands.
var AgeBands = []string{"0-12", "13-15", "16-17", "18-20", "21-25", "26-", "unknown"}

// Programs are the forms of work.
var Programs = []string{"sig", "sspf"}

// Cost kinds.
const (
	CostCoordinator  = "coordinator"
	CostMeetings     = "meetings"
	CostIntervention = "intervention"
	CostOther        = "other"
)

// CostLine is one part of the programme's cost in the period.
type CostLine struct {
	Kind     string
	Code     string  // the register item
	Quantity float64 // in the item's unit (FTE-years, hours, days, weeks, sessions, interventions …)
	Unit     Unit
	Priced   bool    // the register has a figure
	Amount   float64 // kronor in the price year, at the item's value
	Low      float64 // … at its low and high values
	High     float64
	Shares   Shares
	Youths   int // interventions: the young people the line rests on
	// Cell is the line's cost as published (an intervention's is hidden on fewer than five
	// young people).
	Cell *stats.Cell
}

// costLines prices the programme. Unpriced lines are kept (Priced false) so the report can say
// what is missing. Prices are in the price year of prices (an item converted by ix).
func costLines(p Programme, items map[string]priced, a Assumptions, own []UnitCost) []CostLine {
	var out []CostLine
	line := func(kind, code string, q float64, unit Unit, youths int) {
		l := CostLine{Kind: kind, Code: code, Quantity: q, Unit: unit, Youths: youths}
		if it, ok := items[code]; ok {
			l.Priced, l.Shares = true, it.shares
			l.Amount, l.Low, l.High = q*it.value, q*it.low, q*it.high
			l.Unit = it.unit
		}
		out = append(out, l)
	}
	line(CostCoordinator, "staff.coordinator", a.CoordinatorFTE*p.Months/12, PerFTEYear, 0)
	for _, g := range StaffGroups {
		if h := p.MemberHours[g]; h > 0 {
			line(CostMeetings, g.Code(), h, PerHour, 0)
		}
	}
	ms := append([]MethodUse(nil), p.Methods...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Method < ms[j].Method })
	for _, m := range ms {
		code := InterventionCode(m.Method)
		it, ok := items[code]
		q, unit := m.Days, PerDay
		if ok {
			unit = it.unit
			switch it.unit {
			case PerDay, PerWeek, PerMonth:
				q = m.Days / it.unit.Days()
			case PerProgramme:
				q = float64(m.Starts)
			case PerSession:
				q = float64(m.Starts) * it.perCourse
			}
		}
		line(CostIntervention, code, q, unit, m.Youths)
	}
	for _, u := range own {
		if u.Category != CatOther || !u.Priced() {
			continue
		}
		switch u.Unit {
		case PerYear:
			line(CostOther, u.Code, p.Months/12, PerYear, 0)
		case PerPerson:
			line(CostOther, u.Code, float64(p.Served), PerPerson, 0)
		}
	}
	return out
}

// UsageRow is how often one method was used, every figure suppressed.
type UsageRow struct {
	Method    string
	Catalogue bool
	Plans     *stats.Cell
	Youths    *stats.Cell
	ByAge     map[string]*stats.Cell
	ByProgram map[string]*stats.Cell
}

// usageRows counts the methods' use; cells and groups are added for suppression.
func usageRows(p Programme, add func(*stats.Cell) *stats.Cell, group func(stats.Group)) []UsageRow {
	var out []UsageRow
	for _, m := range p.Methods {
		r := UsageRow{Method: m.Method, Catalogue: m.Catalogue, Plans: add(stats.Count(m.Plans)), Youths: add(stats.Count(m.Youths)),
			ByAge: map[string]*stats.Cell{}, ByProgram: map[string]*stats.Cell{}}
		ga, gp := stats.Group{Total: r.Youths}, stats.Group{Total: r.Youths}
		for _, b := range AgeBands {
			r.ByAge[b] = add(stats.Count(m.ByAge[b]))
			ga.Parts = append(ga.Parts, r.ByAge[b])
		}
		for _, pr := range Programs {
			r.ByProgram[pr] = add(stats.Count(m.ByProgram[pr]))
			gp.Parts = append(gp.Parts, r.ByProgram[pr])
		}
		group(ga)
		group(gp)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Catalogue != out[j].Catalogue {
			return out[i].Catalogue
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// AgeBandOf is the dashboard's age band of an age in full years (−1: unknown).
func AgeBandOf(age int) string {
	switch {
	case age < 0:
		return "unknown"
	case age <= 12:
		return "0-12"
	case age <= 15:
		return "13-15"
	case age <= 17:
		return "16-17"
	case age <= 20:
		return "18-20"
	case age <= 25:
		return "21-25"
	}
	return "26-"
}
