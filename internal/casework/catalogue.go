package casework

import (
	"embed"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The intervention catalogue: Socialstyrelsen's recommended interventions (the 2021 knowledge
// support for social services' work with children 6–17) with named methods as examples, the
// methods municipalities commonly use, and a warning about what must not be used. Each
// municipality keeps its own copy: whether a method is available, from whom, with what
// capacity. "Most of the recommended skills programmes do not exist in the city" (Skarpnäck,
// 2024) — knowing what is missing is itself a feature.

// Method is an intervention method in the catalogue.
type Method struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Kind    MethodKind  `json:"kind"`
	Summary Text        `json:"summary"`
	AgeMin  int         `json:"age_min"`
	AgeMax  int         `json:"age_max"`
	Risk    []RiskLevel `json:"risk"`  // the risk levels it is meant for
	Needs   []string    `json:"needs"` // the IRK needs it addresses (criminal_history, personality, …)
	// Evidence says what is known: recommended (Socialstyrelsen), local practice, contested,
	// or a warning — a method that must not be used.
	Evidence     Evidence `json:"evidence"`
	EvidenceNote Text     `json:"evidence_note"`
	Source       string   `json:"source"`
	// The municipality's own facts.
	Available bool   `json:"available"`
	Provider  string `json:"provider"`
	Capacity  string `json:"capacity"`
	LocalNote string `json:"local_note"`

	// Set when read from a store: whether the method ships with Lots, and whether the
	// municipality has changed it.
	Builtin   bool      `json:"-"`
	Edited    bool      `json:"-"`
	UpdatedAt time.Time `json:"-"`
	// OfferedBy are the resources of the registry that offer it (mapping.Offered), which is
	// what Available and Provider are read from.
	OfferedBy []string `json:"-"`
}

// MethodKind groups methods the way the knowledge support does.
type MethodKind string

const (
	KindParentTraining MethodKind = "parent_training"
	KindSkills         MethodKind = "skills_programme"
	KindFamilyTherapy  MethodKind = "family_therapy"
	KindFosterCare     MethodKind = "foster_care"
	KindIndividualCBT  MethodKind = "individual_cbt"
	KindMotivational   MethodKind = "motivational"
	KindStructured     MethodKind = "structured_programme"
	KindAssessmentLed  MethodKind = "assessment_led"
	KindMentorship     MethodKind = "mentorship"
	KindOutreach       MethodKind = "outreach"
	KindOther          MethodKind = "other"
)

// MethodKinds lists the kinds in display order.
var MethodKinds = []MethodKind{KindParentTraining, KindSkills, KindFamilyTherapy, KindFosterCare, KindIndividualCBT,
	KindMotivational, KindStructured, KindAssessmentLed, KindMentorship, KindOutreach, KindOther}

// Evidence is what is known about a method.
type Evidence string

const (
	EvidenceRecommended Evidence = "recommended" // Socialstyrelsen recommends the intervention
	EvidenceLocal       Evidence = "local"       // common local practice; effects less studied
	EvidenceContested   Evidence = "contested"   // evaluations disagree
	EvidenceWarning     Evidence = "warning"     // do not use: shown to do harm
)

// EvidenceLevels lists the levels in display order.
var EvidenceLevels = []Evidence{EvidenceRecommended, EvidenceLocal, EvidenceContested, EvidenceWarning}

// IRKNeeds are the criminogenic needs of Check: IRK, the "central eight", in order.
var IRKNeeds = []string{"criminal_history", "personality", "attitudes", "peers", "substances", "family", "school_work", "leisure"}

//go:embed catalogue/*.json
var catalogueFiles embed.FS

// DefaultCatalogue returns the methods that ship with Lots, in catalogue order. None is marked
// available: that is for each municipality to say.
func DefaultCatalogue() []Method {
	b, err := catalogueFiles.ReadFile("catalogue/methods.json")
	if err != nil {
		panic(err)
	}
	var ms []Method
	if err := json.Unmarshal(b, &ms); err != nil {
		panic("catalogue/methods.json: " + err.Error())
	}
	for i := range ms {
		ms[i].Builtin = true
	}
	return ms
}

var methodCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,39}$`)

// Normalise trims texts and orders the lists.
func (m *Method) Normalise() {
	m.Code = strings.ToLower(strings.TrimSpace(m.Code))
	m.Name, m.Provider, m.Capacity, m.Source = clean(m.Name), clean(m.Provider), clean(m.Capacity), clean(m.Source)
	m.LocalNote = strings.TrimSpace(m.LocalNote)
	for k, v := range m.Summary {
		m.Summary[k] = strings.TrimSpace(v)
	}
	for k, v := range m.EvidenceNote {
		m.EvidenceNote[k] = strings.TrimSpace(v)
	}
	var rs []RiskLevel
	for _, r := range RiskLevels {
		if slices.Contains(m.Risk, r) {
			rs = append(rs, r)
		}
	}
	m.Risk = rs
	var ns []string
	for _, n := range IRKNeeds {
		if slices.Contains(m.Needs, n) {
			ns = append(ns, n)
		}
	}
	m.Needs = ns
}

// Validate checks a normalised method.
func (m Method) Validate() error {
	var fe FieldErrors
	if !methodCode.MatchString(m.Code) {
		fe.Add("code", "catalogue.code_invalid")
	}
	if m.Name == "" || utf8.RuneCountInString(m.Name) > 200 {
		fe.Add("name", "catalogue.name_required")
	}
	if !slices.Contains(MethodKinds, m.Kind) {
		fe.Add("kind", "catalogue.kind_invalid")
	}
	if !slices.Contains(EvidenceLevels, m.Evidence) {
		fe.Add("evidence", "catalogue.evidence_invalid")
	}
	if m.AgeMin < 0 || m.AgeMax > 30 || (m.AgeMax != 0 && m.AgeMax < m.AgeMin) {
		fe.Add("age_max", "catalogue.age_range")
	}
	if m.Evidence == EvidenceWarning && m.Available {
		fe.Add("available", "catalogue.warning_not_available")
	}
	long := func(s string, n int) bool { return utf8.RuneCountInString(s) > n }
	if long(m.Provider, 200) || long(m.Capacity, 200) || long(m.Source, 300) || long(m.LocalNote, 2000) ||
		long(m.Summary["sv"]+m.Summary["en"], 4000) || long(m.EvidenceNote["sv"]+m.EvidenceNote["en"], 4000) {
		fe.Add("local_note", "catalogue.too_long")
	}
	return fe.Err()
}

// ForAge reports whether the method is meant for a young person of age (0: any age).
func (m Method) ForAge(age int) bool {
	return age == 0 || ((m.AgeMin == 0 || age >= m.AgeMin) && (m.AgeMax == 0 || age <= m.AgeMax))
}

// Usable reports whether the method is available here and not one that must not be used.
func (m Method) Usable() bool { return m.Available && m.Evidence != EvidenceWarning }

// Addresses reports whether the method addresses need.
func (m Method) Addresses(need string) bool { return slices.Contains(m.Needs, need) }

// MethodFilter selects methods for the catalogue page.
type MethodFilter struct {
	Age           int    // 0: any
	Need          string // an IRK need; "": any
	Risk          RiskLevel
	AvailableOnly bool
}

// FilterMethods returns the methods matching f, in their order. Warnings are kept unless only
// available methods are asked for: the warning is the point.
func FilterMethods(ms []Method, f MethodFilter) []Method {
	var out []Method
	for _, m := range ms {
		if !m.ForAge(f.Age) || (f.Need != "" && !m.Addresses(f.Need)) || (f.AvailableOnly && !m.Usable()) {
			continue
		}
		if f.Risk != "" && len(m.Risk) > 0 && !slices.Contains(m.Risk, f.Risk) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// MissingNeeds lists the IRK needs no available method addresses (for a young person of age;
// 0: any age) — what the municipality lacks.
func MissingNeeds(ms []Method, age int) []string {
	var out []string
	for _, n := range IRKNeeds {
		found := false
		for _, m := range ms {
			if m.Usable() && m.ForAge(age) && m.Addresses(n) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, n)
		}
	}
	return out
}

// MergeCatalogue lays the municipality's methods over the defaults: a stored method replaces
// the built-in one with its code; new codes follow the built-in methods, by name.
func MergeCatalogue(defaults, own []Method) []Method {
	byCode := map[string]Method{}
	for _, m := range own {
		byCode[m.Code] = m
	}
	var out []Method
	seen := map[string]bool{}
	for _, d := range defaults {
		if m, ok := byCode[d.Code]; ok {
			m.Builtin, m.Edited = true, true
			out = append(out, m)
		} else {
			out = append(out, d)
		}
		seen[d.Code] = true
	}
	var extra []Method
	for _, m := range own {
		if !seen[m.Code] {
			m.Edited = true
			extra = append(extra, m)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return strings.ToLower(extra[i].Name) < strings.ToLower(extra[j].Name) })
	return append(out, extra...)
}
