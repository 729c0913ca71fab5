package economics

import (
	"math"
	"slices"
)

// Unit is what an amount of the register is per.
type Unit string

const (
	PerDay       Unit = "day"       // a day (dygn) of a placement
	PerMonth     Unit = "month"     // a month of an intervention
	PerYear      Unit = "year"      // a year: a cost that recurs yearly
	PerHour      Unit = "hour"      // an hour of a professional's time
	PerFTEYear   Unit = "fte_year"  // a full-time post for a year (the coordinator)
	PerSession   Unit = "session"   // one session of an intervention (a group meeting of Komet)
	PerWeek      Unit = "week"      // a week of an intervention
	PerProgramme Unit = "programme" // a whole intervention, start to end
	PerOffence   Unit = "offence"   // one reported offence
	PerPerson    Unit = "person"    // once per person (a lifetime cost, a job found)
)

// Units lists the units in display order.
var Units = []Unit{PerDay, PerWeek, PerMonth, PerYear, PerHour, PerFTEYear, PerSession, PerProgramme, PerOffence, PerPerson}

// Category groups the register.
type Category string

const (
	CatPlacement    Category = "placement"    // placements out of the home, per day
	CatStaff        Category = "staff"        // the coordinator's post and the group members' hours
	CatIntervention Category = "intervention" // the catalogue's interventions, per unit
	CatCrime        Category = "crime"        // a reported offence, by the follow-up manual's crime categories
	CatEmployment   Category = "employment"   // being outside work and study
	CatReference    Category = "reference"    // published figures for comparison and break-even, not summed
	CatOther        Category = "other"        // the municipality's own items: further programme costs
)

// Categories lists the categories in display order.
var Categories = []Category{CatPlacement, CatStaff, CatIntervention, CatCrime, CatEmployment, CatReference, CatOther}

// categoryUnits are the units an item of a category may have. A built-in item has one unit
// fixed by its slot; these bound the municipality's own items and interventions.
var categoryUnits = map[Category][]Unit{
	CatPlacement:    {PerDay},
	CatStaff:        {PerHour, PerFTEYear},
	CatIntervention: {PerSession, PerWeek, PerMonth, PerDay, PerProgramme},
	CatCrime:        {PerOffence},
	CatEmployment:   {PerYear},
	CatReference:    {PerYear, PerPerson},
	CatOther:        {PerYear, PerPerson},
}

// UnitsOf lists the units a category allows.
func UnitsOf(c Category) []Unit { return categoryUnits[c] }

// Days is how many days a unit of time lasts, for interventions priced per day, week or month.
func (u Unit) Days() float64 {
	switch u {
	case PerDay:
		return 1
	case PerWeek:
		return 7
	case PerMonth:
		return 365.0 / 12
	case PerYear:
		return 365
	}
	return 0
}

// Perspective is who pays a cost or gains a benefit. Society is the sum of them all.
type Perspective string

const (
	MunicipalitySocial Perspective = "municipality_social" // the municipality's social services
	MunicipalitySchool Perspective = "municipality_school" // the municipality's schools
	MunicipalityOther  Perspective = "municipality_other"  // leisure and the rest of the municipality
	Region             Perspective = "region"              // health care: BUP, habilitation
	State              Perspective = "state"               // police, courts, prison and probation service, SiS, Arbetsförmedlingen
	YoungPerson        Perspective = "youth"               // the young person
	Others             Perspective = "others"              // victims of crime, and costs a source does not allocate to a payer
)

// Perspectives lists them in display order.
var Perspectives = []Perspective{MunicipalitySocial, MunicipalitySchool, MunicipalityOther, Region, State, YoungPerson, Others}

// Shares says how much of an item falls on each perspective; the shares sum to one.
type Shares map[Perspective]float64

// Valid reports whether every share is between 0 and 1, names a known perspective, and they
// sum to one.
func (s Shares) Valid() bool {
	sum := 0.0
	for p, v := range s {
		if !slices.Contains(Perspectives, p) || v < 0 || v > 1 || math.IsNaN(v) {
			return false
		}
		sum += v
	}
	return math.Abs(sum-1) < 1e-6
}

// Normalise drops zero shares.
func (s Shares) Normalise() Shares {
	out := Shares{}
	for p, v := range s {
		if v != 0 {
			out[p] = v
		}
	}
	return out
}

// One is a payer who bears the whole.
func One(p Perspective) Shares { return Shares{p: 1} }

// StaffGroup is whose hours a group member's meeting time is: the kinds of agency grouped by
// who pays their staff.
type StaffGroup string

const (
	StaffSocial  StaffGroup = "social"  // social services, HVB
	StaffSchool  StaffGroup = "school"  // school
	StaffLeisure StaffGroup = "leisure" // leisure and the municipality's management
	StaffState   StaffGroup = "state"   // police, probation service, Arbetsförmedlingen
	StaffHealth  StaffGroup = "health"  // BUP, habilitation
	StaffOther   StaffGroup = "other"   // civil society and others
)

// StaffGroups lists them in display order.
var StaffGroups = []StaffGroup{StaffSocial, StaffSchool, StaffLeisure, StaffState, StaffHealth, StaffOther}

// StaffGroupOf maps an agency kind (casework.AgencyKind's value) to its staff group.
func StaffGroupOf(agencyKind string) StaffGroup {
	switch agencyKind {
	case "socialtjanst", "hvb":
		return StaffSocial
	case "skola":
		return StaffSchool
	case "fritid", "kommunledning":
		return StaffLeisure
	case "polis", "frivard", "arbetsformedlingen":
		return StaffState
	case "bup", "habilitering":
		return StaffHealth
	}
	return StaffOther
}

// Code is the register code of a staff group's hourly cost.
func (g StaffGroup) Code() string { return "staff." + string(g) }

// The follow-up manual's crime categories (docs/uppfoljning.md, police_suspect), in order.
var CrimeCategories = []string{"violence", "sexual", "robbery", "theft", "fraud", "vandalism", "threats", "drugs", "weapons", "other"}

// The placements of the follow-up manual's placement indicator, in order.
var PlacementForms = []string{"family_home", "hvb", "sis"}
