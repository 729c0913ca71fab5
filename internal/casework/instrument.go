package casework

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// An Instrument is a structured assessment instrument described as data: its domains, their
// items, the rating scales and how a domain is summarised. Municipalities load definitions
// (for SAVRY, YLS/CMI, ESTER …) under their own licence; Lots ships Check: IRK in full and
// structure-only definitions (codes and domain names, no licensed item texts) for SAVRY- and
// YLS/CMI-style assessments.
type Instrument struct {
	Code          string           `json:"code"`
	Version       string           `json:"version"`
	Name          Text             `json:"name"`
	Description   Text             `json:"description,omitempty"`
	Licence       string           `json:"licence"`        // "built-in", "structure only – load item texts under your licence", …
	StructureOnly bool             `json:"structure_only"` // true when the item texts are omitted
	TimePoints    []TimePoint      `json:"time_points"`
	Scales        map[string]Scale `json:"scales"`
	Domains       []Domain         `json:"domains"`
}

// Text is a text in several languages: {"sv": "…", "en": "…"}.
type Text map[string]string

// In returns the text in locale l, else Swedish, else any.
func (t Text) In(l Locale) string {
	if s := t[string(l)]; s != "" {
		return s
	}
	if s := t["sv"]; s != "" {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// TimePoint is when an instrument is administered.
type TimePoint string

const (
	TPConcern  TimePoint = "concern" // the first concern (IRK)
	TPIntake   TimePoint = "intake"
	TPMidway   TimePoint = "midway"
	TPClosure  TimePoint = "closure"
	TPFollowUp TimePoint = "followup"
)

// TimePoints in order.
var TimePoints = []TimePoint{TPConcern, TPIntake, TPMidway, TPClosure, TPFollowUp}

// Scale is a rating scale. A value without a score (e.g. "unknown") is recorded but left out
// of domain summaries.
type Scale struct {
	Values []ScaleValue `json:"values"`
}

// ScaleValue is one step of a scale.
type ScaleValue struct {
	Code  string   `json:"code"`
	Label Text     `json:"label"`
	Score *float64 `json:"score"` // nil: not scored
}

// Domain is a group of items summarised together.
type Domain struct {
	Code    string `json:"code"`
	Name    Text   `json:"name"`
	Kind    string `json:"kind"`    // "risk" or "protective"
	Summary string `json:"summary"` // "max", "sum" or "mean" of the item scores
	Items   []Item `json:"items"`
}

// Item is one rated item.
type Item struct {
	Code  string `json:"code"`
	Name  Text   `json:"name,omitempty"` // empty in structure-only definitions
	Scale string `json:"scale"`
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,39}$`)

// ParseInstrument reads and validates a definition file.
func ParseInstrument(b []byte) (Instrument, error) {
	var in Instrument
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, &Error{Code: EInvalid, Key: "instrument.invalid", Args: []any{err.Error()}, Field: "definition", Detail: err.Error()}
	}
	if dec.More() {
		return in, &Error{Code: EInvalid, Key: "instrument.invalid", Args: []any{"more than one JSON value"}, Field: "definition", Detail: "trailing data"}
	}
	return in, in.Validate()
}

// Validate checks a definition: codes, scales, summaries, that every item's scale exists and
// that codes are unique.
func (in Instrument) Validate() error {
	bad := func(format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		return &Error{Code: EInvalid, Key: "instrument.invalid", Args: []any{msg}, Field: "definition", Detail: msg}
	}
	if !codePattern.MatchString(in.Code) {
		return bad("code %q must be 1–40 lower-case letters, digits, '_', '-' or '.'", in.Code)
	}
	if strings.TrimSpace(in.Version) == "" || in.Name.In(LocaleSv) == "" {
		return bad("version and name are required")
	}
	if len(in.Domains) == 0 || len(in.TimePoints) == 0 {
		return bad("at least one domain and one time point are required")
	}
	for _, tp := range in.TimePoints {
		ok := false
		for _, x := range TimePoints {
			ok = ok || x == tp
		}
		if !ok {
			return bad("unknown time point %q", tp)
		}
	}
	for name, sc := range in.Scales {
		if len(sc.Values) < 2 {
			return bad("scale %q needs at least two values", name)
		}
		seen := map[string]bool{}
		for _, v := range sc.Values {
			if !codePattern.MatchString(v.Code) || seen[v.Code] {
				return bad("scale %q: bad or repeated value %q", name, v.Code)
			}
			seen[v.Code] = true
			if v.Score != nil && (math.IsNaN(*v.Score) || math.IsInf(*v.Score, 0)) {
				return bad("scale %q: value %q has no finite score", name, v.Code)
			}
		}
	}
	items := map[string]bool{}
	domains := map[string]bool{}
	for _, d := range in.Domains {
		if !codePattern.MatchString(d.Code) || domains[d.Code] {
			return bad("bad or repeated domain code %q", d.Code)
		}
		domains[d.Code] = true
		if d.Kind != "risk" && d.Kind != "protective" {
			return bad("domain %q: kind must be risk or protective", d.Code)
		}
		if d.Summary != "max" && d.Summary != "sum" && d.Summary != "mean" {
			return bad("domain %q: summary must be max, sum or mean", d.Code)
		}
		if len(d.Items) == 0 {
			return bad("domain %q has no items", d.Code)
		}
		for _, it := range d.Items {
			if !codePattern.MatchString(it.Code) || items[it.Code] {
				return bad("bad or repeated item code %q", it.Code)
			}
			items[it.Code] = true
			if _, ok := in.Scales[it.Scale]; !ok {
				return bad("item %q: unknown scale %q", it.Code, it.Scale)
			}
		}
	}
	return nil
}

// Item returns the item with code, its domain and scale.
func (in Instrument) Item(code string) (Item, Domain, Scale, bool) {
	for _, d := range in.Domains {
		for _, it := range d.Items {
			if it.Code == code {
				return it, d, in.Scales[it.Scale], true
			}
		}
	}
	return Item{}, Domain{}, Scale{}, false
}

// Value returns the scale value with code.
func (s Scale) Value(code string) (ScaleValue, bool) {
	for _, v := range s.Values {
		if v.Code == code {
			return v, true
		}
	}
	return ScaleValue{}, false
}

// HasTimePoint reports whether the instrument is used at tp.
func (in Instrument) HasTimePoint(tp TimePoint) bool {
	for _, x := range in.TimePoints {
		if x == tp {
			return true
		}
	}
	return false
}

// Rating is one item's rating in an assessment.
type Rating struct {
	Item  string
	Value string
	Note  string
}

// Assessment is one administration of an instrument.
type Assessment struct {
	ID             int64
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	Instrument     string
	Version        string
	TimePoint      TimePoint
	AssessedAt     time.Time
	AssessorID     int64
	AssessorName   string
	AgencyKind     AgencyKind
	Ratings        []Rating
	Protective     string    // protective factors in words
	Note           string    // free text
	RiskLevel      RiskLevel // the professional's overall judgement; may be empty
	RiskReason     string
	CreatedAt      time.Time
}

// Check validates an assessment against its instrument: every rated item exists and its value
// is on the item's scale; every item is rated; the risk judgement has a reason.
func (in Instrument) Check(a *Assessment) error {
	var fe FieldErrors
	if !in.HasTimePoint(a.TimePoint) {
		fe.Add("time_point", "assessment.time_point_invalid")
	}
	rated := map[string]bool{}
	for _, r := range a.Ratings {
		_, _, sc, ok := in.Item(r.Item)
		if !ok {
			fe.Add("item_"+r.Item, "assessment.item_unknown")
			continue
		}
		if rated[r.Item] {
			fe.Add("item_"+r.Item, "assessment.item_twice")
		}
		rated[r.Item] = true
		if _, ok := sc.Value(r.Value); !ok {
			fe.Add("item_"+r.Item, "assessment.value_invalid")
		}
		if utf8.RuneCountInString(r.Note) > 4000 {
			fe.Add("note_"+r.Item, "assessment.note_too_long")
		}
	}
	for _, d := range in.Domains {
		for _, it := range d.Items {
			if !rated[it.Code] {
				fe.Add("item_"+it.Code, "assessment.item_missing")
			}
		}
	}
	if a.RiskLevel != "" && !a.RiskLevel.Valid() {
		fe.Add("risk_level", "assessment.risk_level_invalid")
	}
	if a.RiskLevel != "" && strings.TrimSpace(a.RiskReason) == "" {
		fe.Add("risk_reason", "assessment.risk_reason_required")
	}
	if utf8.RuneCountInString(a.Protective) > 4000 {
		fe.Add("protective", "assessment.note_too_long")
	}
	if utf8.RuneCountInString(a.Note) > 8000 {
		fe.Add("note", "assessment.note_too_long")
	}
	return fe.Err()
}

// DomainScore is a domain's summary in one assessment.
type DomainScore struct {
	Domain string
	Score  float64
	Scored int // items that had a scored value
	Items  int
}

// Summarise computes each domain's summary by the domain's rule, over the scored items.
func (in Instrument) Summarise(ratings []Rating) []DomainScore {
	byItem := map[string]string{}
	for _, r := range ratings {
		byItem[r.Item] = r.Value
	}
	var out []DomainScore
	for _, d := range in.Domains {
		ds := DomainScore{Domain: d.Code, Items: len(d.Items)}
		for _, it := range d.Items {
			v, ok := in.Scales[it.Scale].Value(byItem[it.Code])
			if !ok || v.Score == nil {
				continue
			}
			s := *v.Score
			switch {
			case ds.Scored == 0:
				ds.Score = s
			case d.Summary == "max":
				ds.Score = math.Max(ds.Score, s)
			default:
				ds.Score += s
			}
			ds.Scored++
		}
		if d.Summary == "mean" && ds.Scored > 0 {
			ds.Score /= float64(ds.Scored)
		}
		out = append(out, ds)
	}
	return out
}

// DomainChange is how a domain moved between the first and the latest assessment.
type DomainChange struct {
	Domain    string
	Points    []TimePoint
	Scores    []*float64 // per point; nil where nothing was scored
	Change    *float64   // latest − first scored; nil with fewer than two
	Direction string     // "better", "worse", "same" or "" (a lower risk score and a higher protective score are better)
}

// Changes compares assessments of one instrument (in time order) per domain.
func (in Instrument) Changes(as []Assessment) []DomainChange {
	sorted := append([]Assessment(nil), as...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].AssessedAt.Before(sorted[j].AssessedAt) })
	var out []DomainChange
	for di, d := range in.Domains {
		dc := DomainChange{Domain: d.Code}
		var first, last *float64
		for _, a := range sorted {
			ds := in.Summarise(a.Ratings)[di]
			dc.Points = append(dc.Points, a.TimePoint)
			if ds.Scored == 0 {
				dc.Scores = append(dc.Scores, nil)
				continue
			}
			v := ds.Score
			dc.Scores = append(dc.Scores, &v)
			if first == nil {
				first = &v
			}
			last = &v
		}
		if first != nil && last != nil && first != last {
			c := *last - *first
			dc.Change = &c
			switch {
			case c == 0:
				dc.Direction = "same"
			case (c < 0) == (d.Kind == "risk"):
				dc.Direction = "better"
			default:
				dc.Direction = "worse"
			}
		}
		out = append(out, dc)
	}
	return out
}

//go:embed instruments/*.json
var builtinInstruments embed.FS

// BuiltinInstruments returns the instruments Lots ships: Check: IRK and the structure-only
// SAVRY- and YLS/CMI-style definitions.
func BuiltinInstruments() []Instrument {
	entries, err := builtinInstruments.ReadDir("instruments")
	if err != nil {
		panic(err)
	}
	var out []Instrument
	for _, e := range entries {
		b, err := builtinInstruments.ReadFile("instruments/" + e.Name())
		if err != nil {
			panic(err)
		}
		in, err := ParseInstrument(b)
		if err != nil {
			panic(fmt.Sprintf("built-in instrument %s: %v", e.Name(), err))
		}
		out = append(out, in)
	}
	return out
}

// IRKCode is the code of the built-in Check: IRK.
const IRKCode = "irk"

// IRK returns the built-in Check: IRK.
func IRK() Instrument {
	for _, in := range BuiltinInstruments() {
		if in.Code == IRKCode {
			return in
		}
	}
	panic("no built-in IRK")
}

// IRKSummary counts an IRK check's factors by rating: how many are a clear risk, some risk, no
// risk, unknown. It is what the anonymous card and the waiting list show.
type IRKSummary struct {
	Clear, Some, No, Unknown int
	ClearFactors             []string // item codes rated a clear risk
}

// SummariseIRK summarises IRK ratings.
func SummariseIRK(ratings []Rating) IRKSummary {
	var s IRKSummary
	for _, r := range ratings {
		switch r.Value {
		case "clear":
			s.Clear++
			s.ClearFactors = append(s.ClearFactors, r.Item)
		case "some":
			s.Some++
		case "no":
			s.No++
		default:
			s.Unknown++
		}
	}
	return s
}
