package economics

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/casework"
)

// The unit-cost register: what a day of a placement, an hour of a professional, a session of an
// intervention or a reported offence costs, each with its unit, amount, price year, range
// (low ≤ amount ≤ high) and source. Lots ships a national default set in which every figure
// names its source (defaults/register.json, described in docs/economics.md); a municipality lays
// its own figures over it and adds items of its own.

// Tag says how sure a figure is.
type Tag string

const (
	TagVerified   Tag = "verified"   // read in the source as it stands
	TagDerived    Tag = "derived"    // computed from figures read in the source; the note shows how
	TagInferred   Tag = "inferred"   // a reading or a mapping of the source that is not verified
	TagAssumption Tag = "assumption" // no source: an assumption, to be replaced by a better figure
	TagLocal      Tag = "local"      // the municipality's own figure
)

// Tags lists the tags in display order.
var Tags = []Tag{TagVerified, TagDerived, TagInferred, TagAssumption, TagLocal}

// UnitCost is one item of the register.
type UnitCost struct {
	Code     string   `json:"code"`
	Category Category `json:"category"`
	// Name is the name of a municipality's own item; built-in items are named by the
	// catalogue (economics.item.<code>) and interventions by the intervention catalogue.
	Name      casework.Text `json:"name,omitempty"`
	Unit      Unit          `json:"unit"`
	Amount    Money         `json:"amount"`
	Low       Money         `json:"low"`
	High      Money         `json:"high"`
	PriceYear int           `json:"price_year"`
	Source    string        `json:"source"`
	URL       string        `json:"url,omitempty"`
	Tag       Tag           `json:"tag"`
	Note      casework.Text `json:"note,omitempty"`
	Shares    Shares        `json:"shares"`
	// PerCourse is, for an intervention priced per session, how many sessions one intervention
	// has (Komet: 11); for other units 0.
	PerCourse float64 `json:"per_course,omitempty"`

	// Set when read from a store.
	Builtin   bool      `json:"-"` // the code is one of Lots' own slots
	Edited    bool      `json:"-"` // the municipality has its own figure
	UpdatedAt time.Time `json:"-"`
}

// Slot is a code Lots knows: its category, its fixed unit (none for interventions and the
// municipality's own items, which choose among their category's units) and who pays by default.
type Slot struct {
	Code     string
	Category Category
	Unit     Unit // "" when the item chooses
	Shares   Shares
}

var (
	methodPart = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,39}$`)
)

// slots are the built-in codes, in register order.
var slots = func() []Slot {
	s := []Slot{
		{"placement.hvb", CatPlacement, PerDay, One(MunicipalitySocial)},
		{"placement.sis", CatPlacement, PerDay, Shares{MunicipalitySocial: 0.72, State: 0.28}},
		{"placement.family_home", CatPlacement, PerDay, One(MunicipalitySocial)},
		{"placement.family_home_consulent", CatPlacement, PerDay, One(MunicipalitySocial)},
		{"staff.coordinator", CatStaff, PerFTEYear, One(MunicipalitySocial)},
	}
	payer := map[StaffGroup]Perspective{StaffSocial: MunicipalitySocial, StaffSchool: MunicipalitySchool, StaffLeisure: MunicipalityOther,
		StaffState: State, StaffHealth: Region, StaffOther: Others}
	for _, g := range StaffGroups {
		s = append(s, Slot{g.Code(), CatStaff, PerHour, One(payer[g])})
	}
	for _, c := range CrimeCategories {
		s = append(s, Slot{"crime." + c, CatCrime, PerOffence, One(Others)})
	}
	s = append(s,
		Slot{"employment.exclusion_year", CatEmployment, PerYear, One(Others)},
		Slot{"reference.sig_year", CatReference, PerYear, One(MunicipalitySocial)},
		Slot{"reference.placement_year", CatReference, PerYear, One(MunicipalitySocial)},
		Slot{"reference.gang_member_year", CatReference, PerYear, One(Others)},
		Slot{"reference.gang_year", CatReference, PerYear, One(Others)},
		Slot{"reference.school_failure", CatReference, PerPerson, One(Others)},
		Slot{"reference.job_cost", CatReference, PerPerson, One(MunicipalityOther)},
		Slot{"reference.job_return", CatReference, PerPerson, One(Others)},
	)
	return s
}()

// Slots returns the built-in codes in register order.
func Slots() []Slot { return slices.Clone(slots) }

// SlotOf returns the slot of a code: a built-in one, an intervention (intervention.<method>),
// or one of the municipality's own items (other.<name>). ok is false for any other code.
func SlotOf(code string) (Slot, bool) {
	for _, s := range slots {
		if s.Code == code {
			return s, true
		}
	}
	if m, ok := strings.CutPrefix(code, "intervention."); ok && methodPart.MatchString(m) {
		return Slot{Code: code, Category: CatIntervention, Shares: One(MunicipalitySocial)}, true
	}
	if m, ok := strings.CutPrefix(code, "other."); ok && methodPart.MatchString(m) {
		return Slot{Code: code, Category: CatOther, Shares: One(MunicipalitySocial)}, true
	}
	return Slot{}, false
}

// IsBuiltin reports whether code is one of Lots' own slots.
func IsBuiltin(code string) bool {
	return slices.ContainsFunc(slots, func(s Slot) bool { return s.Code == code })
}

// InterventionCode is the register code of a catalogue method.
func InterventionCode(method string) string { return "intervention." + method }

// DefaultRegister returns the national default set: every figure with its source.
func DefaultRegister() []UnitCost {
	var out []UnitCost
	mustJSON("defaults/register.json", &out)
	for i := range out {
		out[i].Builtin = IsBuiltin(out[i].Code)
		out[i].Normalise()
	}
	return out
}

// MarshalJSON writes amounts in kronor.
func (u UnitCost) MarshalJSON() ([]byte, error) {
	type plain UnitCost
	return json.Marshal(struct {
		plain
		Amount float64 `json:"amount"`
		Low    float64 `json:"low"`
		High   float64 `json:"high"`
	}{plain(u), u.Amount.Kronor(), u.Low.Kronor(), u.High.Kronor()})
}

// UnmarshalJSON reads amounts in kronor.
func (u *UnitCost) UnmarshalJSON(b []byte) error {
	type plain UnitCost
	var v struct {
		plain
		Amount float64 `json:"amount"`
		Low    float64 `json:"low"`
		High   float64 `json:"high"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*u = UnitCost(v.plain)
	u.Amount, u.Low, u.High = Money(math.Round(v.Amount*100)), Money(math.Round(v.Low*100)), Money(math.Round(v.High*100))
	return nil
}

// Normalise trims texts, takes the slot's category (and fixed unit when none is given),
// fills an empty range with the amount, default shares and drops zero ones.
func (u *UnitCost) Normalise() {
	u.Code = strings.ToLower(strings.TrimSpace(u.Code))
	u.Source, u.URL = strings.TrimSpace(u.Source), strings.TrimSpace(u.URL)
	for k, v := range u.Name {
		u.Name[k] = strings.TrimSpace(v)
	}
	for k, v := range u.Note {
		u.Note[k] = strings.TrimSpace(v)
	}
	if s, ok := SlotOf(u.Code); ok {
		u.Category = s.Category
		if u.Unit == "" {
			u.Unit = s.Unit
		}
		if len(u.Shares.Normalise()) == 0 {
			u.Shares = s.Shares
		}
	}
	u.Shares = u.Shares.Normalise()
	if u.Unit != PerSession {
		u.PerCourse = 0
	}
	if u.Tag == "" {
		u.Tag = TagLocal
	}
}

// Validate checks a normalised item against the price index: a known code, the unit its slot
// asks for (a placement is per day, not per year), the amount within its range, a price year
// the index has, a source, and shares that sum to one. Each fault names its field.
func (u UnitCost) Validate(ix Index) error {
	var fe casework.FieldErrors
	slot, ok := SlotOf(u.Code)
	if !ok {
		fe.Add("code", "economics.code_invalid")
	}
	switch {
	case !slices.Contains(Units, u.Unit):
		fe.Add("unit", "economics.unit_invalid")
	case ok && slot.Unit != "" && u.Unit != slot.Unit:
		fe.Add("unit", "economics.unit_must_be."+string(slot.Unit))
	case ok && !slices.Contains(UnitsOf(slot.Category), u.Unit):
		fe.Add("unit", "economics.unit_not_for_category")
	}
	if u.Amount < 0 || u.Low < 0 || u.High < 0 {
		fe.Add("amount", keyAmountNegative)
	}
	if u.Low > u.Amount {
		fe.Add("low", "economics.range_low")
	}
	if u.High < u.Amount {
		fe.Add("high", "economics.range_high")
	}
	if u.Amount > MaxMoney || u.High > MaxMoney {
		fe.Add("amount", keyAmountTooLarge)
	}
	if !ix.Has(u.PriceYear) {
		fe.Add("price_year", "economics.price_year_no_index", u.PriceYear)
	}
	if u.Source == "" {
		fe.Add("source", "economics.source_required")
	}
	if u.URL != "" && !strings.HasPrefix(u.URL, "https://") && !strings.HasPrefix(u.URL, "http://") {
		fe.Add("url", "economics.url_invalid")
	}
	long := func(s string, n int) bool { return utf8.RuneCountInString(s) > n }
	if long(u.Source, 500) || long(u.URL, 500) || long(u.Note["sv"]+u.Note["en"], 4000) {
		fe.Add("source", "economics.too_long")
	}
	if !u.Shares.Valid() {
		fe.Add("shares", "economics.shares_sum")
	}
	if !slices.Contains(Tags, u.Tag) {
		fe.Add("tag", "economics.tag_invalid")
	}
	if ok && slot.Category == CatOther && (u.Name.In("sv") == "" || long(u.Name.In("sv"), 200)) {
		fe.Add("name", "economics.name_required")
	}
	if u.Unit == PerSession && (u.PerCourse < 1 || u.PerCourse > 1000 || u.PerCourse != float64(int(u.PerCourse))) {
		fe.Add("per_course", "economics.per_course_range")
	}
	return fe.Err()
}

// Register is the municipality's register as the calculation uses it: each code's item.
type Register map[string]UnitCost

// MergeRegister lays the municipality's items over the national defaults. The result lists
// every built-in slot (with a default, the municipality's own figure, or neither: an item with
// a zero PriceYear is a slot no one has priced), then interventions and the municipality's own
// items by code.
func MergeRegister(defaults, own []UnitCost) []UnitCost {
	byCode := map[string]UnitCost{}
	for _, u := range defaults {
		byCode[u.Code] = u
	}
	for _, u := range own {
		u.Edited = true
		u.Builtin = IsBuiltin(u.Code)
		byCode[u.Code] = u
	}
	var out []UnitCost
	for _, s := range slots {
		u, ok := byCode[s.Code]
		if !ok {
			u = UnitCost{Code: s.Code, Category: s.Category, Unit: s.Unit, Shares: s.Shares, Builtin: true}
		}
		out = append(out, u)
		delete(byCode, s.Code)
	}
	var rest []UnitCost
	for _, u := range byCode {
		rest = append(rest, u)
	}
	sort.Slice(rest, func(i, j int) bool {
		ci, cj := slices.Index(Categories, rest[i].Category), slices.Index(Categories, rest[j].Category)
		if ci != cj {
			return ci < cj
		}
		return rest[i].Code < rest[j].Code
	})
	return append(out, rest...)
}

// Priced reports whether the item has a figure.
func (u UnitCost) Priced() bool { return u.PriceYear != 0 }

// NewRegister indexes priced items by code.
func NewRegister(items []UnitCost) Register {
	r := Register{}
	for _, u := range items {
		if u.Priced() {
			r[u.Code] = u
		}
	}
	return r
}

// In returns the item's amount, low and high in the prices of year.
func (u UnitCost) In(ix Index, year int) (amount, low, high float64, err error) {
	f, err := ix.Factor(u.PriceYear, year)
	if err != nil {
		return 0, 0, 0, err
	}
	return u.Amount.Kronor() * f, u.Low.Kronor() * f, u.High.Kronor() * f, nil
}
