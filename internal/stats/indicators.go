package stats

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// Indicator is one measure of the follow-up manual (docs/uppfoljning.md): a code, a unit, the
// allowed values, who usually supplies it and the information category it belongs to — so the
// consent decides who may record and read it for one young person. The manual defines each
// indicator precisely; TestManualDescribesEveryIndicator keeps the two in step.
type Indicator struct {
	Code   string
	Unit   string   // UnitPercent, UnitCount, UnitScale, UnitChoice or UnitYesNo
	Min    float64  // for numbers
	Max    float64  // for numbers
	Values []string // for choices, in form order
	// Parts are sub-codes the value is recorded per (crime categories); the whole is their sum.
	Parts    []string
	Supplier casework.AgencyKind
	Category casework.Category
	// Better tells how change is read: "higher", "lower" or "" (no direction, e.g. housing).
	Better string
	// Carry: a new recording starts from the latest value of the case (states that last, like
	// housing), not from empty (measures of a period, like attendance last month).
	Carry bool
	// Derived indicators are not typed in the indicator form: they come from other records
	// (the assessment domains from Check: IRK assessments).
	Derived bool
}

// Units of indicators.
const (
	UnitPercent = "percent" // 0–100
	UnitCount   = "count"   // whole numbers from 0
	UnitScale   = "scale"   // whole numbers on a scale
	UnitChoice  = "choice"  // one of Values
	UnitYesNo   = "yesno"   // "yes" or "no"
)

// When an indicator is recorded.
const (
	AtIntake   = "intake"
	AtMeeting  = "meeting"
	AtClosure  = "closure"
	AtFollow6  = "followup_6"
	AtFollow12 = "followup_12"
)

// TimePoints in order.
var TimePoints = []string{AtIntake, AtMeeting, AtClosure, AtFollow6, AtFollow12}

// ValidTimePoint reports whether tp is a time point.
func ValidTimePoint(tp string) bool {
	for _, x := range TimePoints {
		if x == tp {
			return true
		}
	}
	return false
}

// LaterPoints are the time points compared with intake on the dashboard, in order.
var LaterPoints = []string{AtClosure, AtFollow6, AtFollow12}

// CrimeCategories break down police reports: the main groups of the Penal Code (brottsbalken)
// and the special laws that matter for young people, as the manual defines them.
var CrimeCategories = []string{"violence", "sexual", "robbery", "theft", "fraud", "vandalism", "threats", "drugs", "weapons", "other"}

// IRKDomains are the eight domains of Check: IRK, whose ratings are the assessment indicator.
var IRKDomains = []string{"criminal_history", "personality", "attitudes", "peers", "substances", "family", "school_work", "leisure"}

// Indicators is the fixed set every municipality records the same way.
var Indicators = []Indicator{
	{Code: "school_attendance", Unit: UnitPercent, Min: 0, Max: 100, Supplier: casework.AgencySchool, Category: casework.CatSchool, Better: "higher"},
	{Code: "passed_subjects", Unit: UnitCount, Min: 0, Max: 40, Supplier: casework.AgencySchool, Category: casework.CatSchool, Better: "higher", Carry: true},
	{Code: "graded_subjects", Unit: UnitCount, Min: 0, Max: 40, Supplier: casework.AgencySchool, Category: casework.CatSchool, Carry: true},
	{Code: "occupation", Unit: UnitChoice, Values: []string{"school", "work", "internship", "none"}, Supplier: casework.AgencySocial, Category: casework.CatBasic, Carry: true},
	{Code: "housing", Unit: UnitChoice, Values: []string{"guardians", "relatives", "family_home", "hvb", "supported", "sis", "own", "homeless"}, Supplier: casework.AgencySocial, Category: casework.CatFamily, Carry: true},
	{Code: "income", Unit: UnitChoice, Values: []string{"guardians", "salary", "student_aid", "social_assistance", "other_benefit", "none"}, Supplier: casework.AgencySocial, Category: casework.CatSocial, Carry: true},
	{Code: "police_suspect", Unit: UnitCount, Min: 0, Max: 500, Parts: CrimeCategories, Supplier: casework.AgencyPolice, Category: casework.CatPolice, Better: "lower"},
	{Code: "police_victim", Unit: UnitCount, Min: 0, Max: 500, Supplier: casework.AgencyPolice, Category: casework.CatPolice, Better: "lower"},
	{Code: "substance_use", Unit: UnitChoice, Values: []string{"none", "occasional", "regular"}, Supplier: casework.AgencySocial, Category: casework.CatHealth},
	{Code: "placement", Unit: UnitChoice, Values: []string{"none", "family_home", "hvb", "sis"}, Supplier: casework.AgencySocial, Category: casework.CatSocial, Carry: true},
	{Code: "organised_leisure", Unit: UnitYesNo, Values: []string{"yes", "no"}, Supplier: casework.AgencyLeisure, Category: casework.CatLeisure, Better: "higher", Carry: true},
	{Code: "own_progress", Unit: UnitScale, Min: 1, Max: 10, Supplier: casework.AgencySocial, Category: casework.CatBasic, Better: "higher"},
	{Code: "irk_domain", Unit: UnitScale, Min: 0, Max: 2, Parts: IRKDomains, Supplier: casework.AgencySocial, Category: casework.CatSocial, Better: "lower", Derived: true},
}

// IndicatorByCode finds an indicator.
func IndicatorByCode(code string) (Indicator, bool) {
	for _, in := range Indicators {
		if in.Code == code {
			return in, true
		}
	}
	return Indicator{}, false
}

// Numeric reports whether the indicator is a number (percent, count, scale).
func (in Indicator) Numeric() bool {
	return in.Unit == UnitPercent || in.Unit == UnitCount || in.Unit == UnitScale
}

// Value is one recorded value: a number, or a choice. A value that was recorded as "not known"
// has Known false.
type Value struct {
	Code   string
	Part   string // a crime category; "" for the whole
	Number float64
	Choice string
	Known  bool
}

// Field is the form field of an indicator (or of one of its parts).
func Field(code, part string) string {
	if part == "" {
		return "ind_" + code
	}
	return "ind_" + code + "_" + part
}

// Text is the value as a form shows it again: a number with a decimal comma, a choice code, or
// "?" for not known.
func (v Value) Text() string {
	switch {
	case !v.Known:
		return "?"
	case v.Choice != "":
		return v.Choice
	}
	return strings.Replace(fmtNum(v.Number), ".", ",", 1)
}

// Parse reads a value typed in a form for the indicator: "" is not recorded (ok false), "?" is
// recorded as not known. Numbers take a decimal comma or point and an optional "%".
func (in Indicator) Parse(s string) (v Value, ok bool, err error) {
	return in.parsePart("", s)
}

func (in Indicator) parsePart(part, s string) (Value, bool, error) {
	s = strings.TrimSpace(s)
	v := Value{Code: in.Code, Part: part}
	if s == "" {
		return v, false, nil
	}
	if s == "?" {
		return v, true, nil
	}
	field := Field(in.Code, part)
	switch in.Unit {
	case UnitChoice, UnitYesNo:
		for _, x := range in.Values {
			if x == s {
				v.Choice, v.Known = s, true
				if s == "yes" {
					v.Number = 1
				}
				return v, true, nil
			}
		}
		return v, false, casework.Invalid(field, "indicator.choice_invalid")
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(strings.Replace(strings.TrimSuffix(s, "%"), ",", ".", 1)), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return v, false, casework.Invalid(field, "indicator.number_invalid")
	}
	if n < in.Min || n > in.Max {
		return v, false, &casework.Error{Code: casework.EInvalid, Key: "indicator.range", Args: []any{fmtNum(in.Min), fmtNum(in.Max)}, Field: field, Detail: fmt.Sprintf("%s out of range", in.Code)}
	}
	if (in.Unit == UnitCount || in.Unit == UnitScale) && n != math.Trunc(n) {
		return v, false, casework.Invalid(field, "indicator.whole_number")
	}
	if in.Unit == UnitPercent {
		n = math.Round(n*10) / 10 // one decimal is enough for attendance
	}
	v.Number, v.Known = n, true
	return v, true, nil
}

// ParseForm reads the indicator fields of a form for the categories the actor may record and
// returns the values to save and every field error at once. An indicator with parts (police
// reports by crime category) is recorded when any part is filled in: empty parts count as 0 and
// the whole is the sum of the parts. get returns a posted field's value.
func ParseForm(get func(field string) string, categories []casework.Category) ([]Value, error) {
	var out []Value
	var fe casework.FieldErrors
	allowed := map[casework.Category]bool{}
	for _, c := range categories {
		allowed[c] = true
	}
	for _, in := range Indicators {
		if in.Derived || !allowed[in.Category] {
			continue
		}
		if len(in.Parts) == 0 {
			v, ok, err := in.Parse(get(Field(in.Code, "")))
			if err != nil {
				fe = append(fe, casework.AsError(err))
				continue
			}
			if ok {
				out = append(out, v)
			}
			continue
		}
		var parts []Value
		filled, unknown, bad := false, false, false
		sum := 0.0
		for _, p := range in.Parts {
			raw := strings.TrimSpace(get(Field(in.Code, p)))
			if raw == "?" {
				unknown = true
				continue
			}
			v, ok, err := in.parsePart(p, raw)
			if err != nil {
				fe = append(fe, casework.AsError(err))
				bad = true
				continue
			}
			if ok {
				filled = true
				sum += v.Number
			}
			parts = append(parts, v)
		}
		if bad {
			continue
		}
		if unknown && !filled {
			out = append(out, Value{Code: in.Code})
			continue
		}
		if unknown {
			fe.Add(Field(in.Code, in.Parts[0]), "indicator.parts_unknown_mixed")
			continue
		}
		if !filled {
			continue
		}
		if sum > in.Max {
			fe = append(fe, &casework.Error{Code: casework.EInvalid, Key: "indicator.range", Args: []any{fmtNum(in.Min), fmtNum(in.Max)}, Field: Field(in.Code, in.Parts[0]), Detail: in.Code + " sum out of range"})
			continue
		}
		out = append(out, Value{Code: in.Code, Number: sum, Known: true})
		for i, p := range in.Parts {
			parts[i].Part, parts[i].Known = p, true // an empty part is a recorded 0
			out = append(out, parts[i])
		}
	}
	return out, fe.Err()
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
