package casework

import "slices"

// Group composition (issue 14:7): the operative group is composed per young person — 8–12
// professionals chosen by need and age (Eskilstuna; the employment service matters at 18, not
// at 14). Composition suggests the parties the young person's age and assessed needs call for,
// warns when a need the plan works on has no party in the group able to meet it, and checks the
// group's size against the municipality's range (Settings.GroupSizeMin, GroupSizeMax). It
// advises; it never refuses a member.

// NeedAgencies are the kinds of agency able to meet each need: the IRK domains (the
// assessment's risk factors, which the plan's interventions name as their need).
var NeedAgencies = map[string][]AgencyKind{
	"criminal_history": {AgencyPolice, AgencyProbation, AgencySocial},
	"personality":      {AgencyBUP, AgencyHabilitation},
	"attitudes":        {AgencySocial, AgencyProbation, AgencyBUP},
	"peers":            {AgencyLeisure, AgencyCivilSociety, AgencySocial, AgencyPolice},
	"substances":       {AgencySocial, AgencyBUP},
	"family":           {AgencySocial},
	"school_work":      {AgencySchool, AgencyEmployment},
	"leisure":          {AgencyLeisure, AgencyCivilSociety},
}

// AdultAge is the age from which the employment service is suggested rather than the school
// for school or work (the school stays suggested for a young person still in upper secondary).
const AdultAge = 18

// Suggestion is a party the group should have: the agency kind and why ("age" or a need).
type Suggestion struct {
	Agency AgencyKind
	Why    string // "age", "core" or the need's code
}

// Composition is the advice on a case's group.
type Composition struct {
	Suggestions []Suggestion // kinds of agency not yet in the group
	// Gaps are needs the plan's interventions work on that no member's agency can meet.
	Gaps     []string
	Size     int // professionals and trusted adults
	Min, Max int
}

// TooSmall and TooLarge report a size outside the municipality's range.
func (c Composition) TooSmall() bool { return c.Size < c.Min }
func (c Composition) TooLarge() bool { return c.Size > c.Max }

// Compose advises on a group: age is the young person's age, assessed the needs the latest
// assessment found (domains at risk), planNeeds the needs the plan's interventions name.
func Compose(age int, assessed, planNeeds []string, members []GroupMember, s Settings) Composition {
	s = s.WithDefaults()
	c := Composition{Min: s.GroupSizeMin, Max: s.GroupSizeMax}
	have := map[AgencyKind]bool{}
	for _, m := range members {
		switch m.Kind {
		case MemberProfessional:
			c.Size++
			if m.Covered {
				have[m.AgencyKind] = true
			}
		case MemberTrustedAdult:
			c.Size++
		}
	}
	suggested := map[AgencyKind]bool{}
	suggest := func(k AgencyKind, why string) {
		if !have[k] && !suggested[k] {
			suggested[k] = true
			c.Suggestions = append(c.Suggestions, Suggestion{Agency: k, Why: why})
		}
	}
	// The core of every group: social services and the police (SIG is their collaboration).
	suggest(AgencySocial, "core")
	suggest(AgencyPolice, "core")
	if age >= AdultAge {
		suggest(AgencyEmployment, "age")
	} else {
		suggest(AgencySchool, "age")
	}
	for _, n := range assessed {
		for _, k := range NeedAgencies[n] {
			if k == AgencyEmployment && age < AdultAge-2 {
				continue // work is for the older ones
			}
			if have[k] {
				break // the need is met by a member already
			}
			suggest(k, n)
			break // the first able kind is the suggestion
		}
	}
	for _, n := range planNeeds {
		if n == "" || slices.Contains(c.Gaps, n) {
			continue
		}
		ks, known := NeedAgencies[n]
		if !known {
			continue // a need outside the domains: nothing to check it against
		}
		met := false
		for _, k := range ks {
			met = met || have[k]
		}
		if !met {
			c.Gaps = append(c.Gaps, n)
		}
	}
	return c
}
