package api

import (
	"math"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store"
)

// The avoided-cost report and its cost register (docs/economics.md). The register holds no
// personal data: those who see aggregates and those who keep it read it; the steering group and
// the administrator change it, every change audited. The report is aggregates only, every figure
// resting on fewer than five young people null, and a money result on fewer than five not
// computed.

func (api *API) economicsRoutes() []Route {
	period := Param{Name: "period", Type: "string", Doc: "a published half-year, e.g. 2026H1 (published a month after it ends); the newest when left out"}
	code := Param{Name: "code", Type: "string", Doc: "a register code: a built-in one (placement.hvb, staff.coordinator, crime.robbery …), intervention.<catalogue method> or other.<your own>"}
	return []Route{
		{Method: "GET", Path: "/api/v1/economics/register", Summary: "The cost register: every unit cost with its unit, amount, range, price year and source, the price index and the assumptions", Tag: "economics",
			Response: reflect.TypeFor[CostRegister](), Handle: api.costRegister},
		{Method: "PUT", Path: "/api/v1/economics/register/{code}", Summary: "Set the municipality's figure for a unit cost (steering group, administrator); a fault refuses the whole, naming the field", Tag: "economics",
			PathParams: []Param{code}, Request: reflect.TypeFor[UnitCostRequest](), Response: reflect.TypeFor[UnitCost](), Handle: api.saveUnitCost},
		{Method: "DELETE", Path: "/api/v1/economics/register/{code}", Summary: "Drop the municipality's figure: a built-in item goes back to the national default, an own item is removed", Tag: "economics",
			PathParams: []Param{code}, Status: http.StatusNoContent, Handle: api.resetUnitCost},
		{Method: "PUT", Path: "/api/v1/economics/indexes/{year}", Summary: "Add a year of the consumer price index (KPI, 1980=100) after the shipped ones", Tag: "economics",
			PathParams: []Param{{Name: "year", Type: "integer", Doc: "a year Lots does not ship, 1980–2100"}},
			Request:    reflect.TypeFor[IndexYearRequest](), Status: http.StatusNoContent, Handle: api.saveIndexYear},
		{Method: "PUT", Path: "/api/v1/economics/assumptions", Summary: "Set the municipality's assumptions (steering group, administrator)", Tag: "economics",
			Request: reflect.TypeFor[Assumptions](), Status: http.StatusNoContent, Handle: api.saveAssumptions},
		{Method: "GET", Path: "/api/v1/economics/report", Summary: "The avoided-cost report of a half-year with the municipality's assumptions: cost, effects, the point estimate, the Monte Carlo and perspectives", Tag: "economics",
			Query:    []Param{period, {Name: "recompute", Type: "boolean", Doc: "true: compute from today's data instead of the published (frozen) report, with the differences listed"}},
			Response: reflect.TypeFor[EconomicsResult](), Handle: api.economicsReport},
		{Method: "POST", Path: "/api/v1/economics/what-if", Summary: "The report with other assumptions, computed without saving them", Tag: "economics",
			Request: reflect.TypeFor[WhatIfRequest](), Response: reflect.TypeFor[EconomicsResult](), Handle: api.economicsWhatIf},
	}
}

// UnitCost is an item of the cost register. Amounts are kronor in the item's price year.
type UnitCost struct {
	Code      string             `json:"code"`
	Category  string             `json:"category" enum:"placement,staff,intervention,crime,employment,reference,other"`
	Name      string             `json:"name,omitempty" doc:"an own item's name, in your language"`
	Unit      string             `json:"unit,omitempty" enum:"day,week,month,year,hour,fte_year,session,programme,offence,person"`
	Priced    bool               `json:"priced" doc:"false: a built-in slot nobody has priced (no national source); it counts as missing"`
	Amount    float64            `json:"amount"`
	Low       float64            `json:"low"`
	High      float64            `json:"high"`
	PriceYear int                `json:"price_year,omitempty"`
	Source    string             `json:"source,omitempty"`
	URL       string             `json:"url,omitempty"`
	Tag       string             `json:"tag,omitempty" enum:"verified,derived,inferred,assumption,local" doc:"how sure: read in the source, derived from it, inferred, an assumption, the municipality's own"`
	Note      string             `json:"note,omitempty" doc:"how the figure was read or derived, in your language"`
	Shares    map[string]float64 `json:"shares,omitempty" doc:"who pays, by perspective (municipality_social, municipality_school, municipality_other, region, state, youth, others); sums to 1"`
	PerCourse float64            `json:"per_course,omitempty" doc:"sessions in one intervention, for a price per session"`
	Builtin   bool               `json:"builtin"`
	Edited    bool               `json:"edited" doc:"the municipality has its own figure"`
	UpdatedAt time.Time          `json:"updated_at,omitzero"`
}

// IndexYear is a year of the consumer price index.
type IndexYear struct {
	Year    int     `json:"year"`
	Value   float64 `json:"value"`
	Source  string  `json:"source,omitempty"`
	URL     string  `json:"url,omitempty"`
	Builtin bool    `json:"builtin" doc:"shipped with Lots (SCB's established figure)"`
}

// Range is an uncertain assumption: the value and the range the Monte Carlo draws from.
type Range struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Assumptions are what Lots cannot know and the municipality sets.
type Assumptions struct {
	PriceYear      int     `json:"price_year" doc:"the year whose prices every amount is shown in; needs an index"`
	CoordinatorFTE float64 `json:"coordinator_fte" doc:"the coordinators' posts for SIG and SSPF, full-time equivalents, at most two decimals"`
	Attribution    Range   `json:"attribution" doc:"the share (0–1) of the observed change attributed to the work"`
	Persistence    Range   `json:"persistence_years" doc:"how many years an effect lasts (0–30)"`
	Discount       Range   `json:"discount_rate" doc:"the yearly discount rate (0–0.2); 0.035 by default (HM Treasury's Green Book)"`
	After          string  `json:"after" enum:",closure,followup_6,followup_12" doc:"the time point the follow-up is read at; empty: for each measure the latest with at least five young people"`
	Draws          int     `json:"draws" doc:"Monte Carlo draws, 100–100 000"`
	Seed           uint64  `json:"seed" doc:"the same seed gives the same result"`
}

// CostRegister is the municipality's register.
type CostRegister struct {
	Items            []UnitCost  `json:"items" doc:"every built-in slot, then interventions and the municipality's own items"`
	Index            []IndexYear `json:"index"`
	Assumptions      Assumptions `json:"assumptions"`
	AssumptionsSaved bool        `json:"assumptions_saved" doc:"false: Lots' defaults"`
}

// UnitCostRequest sets an item's figure. Amounts are kronor with at most two decimals; an
// omitted low or high is the amount.
type UnitCostRequest struct {
	Unit      string             `json:"unit" doc:"placements per day, the coordinator per fte_year, group members per hour, offences per offence …; another is refused at unit"`
	Amount    float64            `json:"amount"`
	Low       *float64           `json:"low,omitempty"`
	High      *float64           `json:"high,omitempty"`
	PriceYear int                `json:"price_year" doc:"needs an index year"`
	Source    string             `json:"source"`
	URL       string             `json:"url,omitempty"`
	Tag       string             `json:"tag,omitempty" enum:"verified,derived,inferred,assumption,local" doc:"local when left out"`
	Note      string             `json:"note,omitempty"`
	Name      string             `json:"name,omitempty" doc:"required for an own item (other.…)"`
	Shares    map[string]float64 `json:"shares,omitempty" doc:"who pays, summing to 1; the item's default payer when left out"`
	PerCourse float64            `json:"per_course,omitempty"`
}

// IndexYearRequest is a year's index.
type IndexYearRequest struct {
	Value  float64 `json:"value" doc:"SCB's established annual average, two decimals"`
	Source string  `json:"source,omitempty"`
	URL    string  `json:"url,omitempty"`
}

// WhatIfRequest is a report with other assumptions.
type WhatIfRequest struct {
	Period      string      `json:"period,omitempty" doc:"a published half-year; the newest when left out"`
	Assumptions Assumptions `json:"assumptions"`
}

func unitCostOut(u economics.UnitCost, l casework.Locale) UnitCost {
	out := UnitCost{Code: u.Code, Category: string(u.Category), Name: u.Name.In(l), Unit: string(u.Unit), Priced: u.Priced(), Builtin: u.Builtin, Edited: u.Edited,
		UpdatedAt: utc(u.UpdatedAt)}
	if u.Priced() {
		out.Amount, out.Low, out.High, out.PriceYear = u.Amount.Kronor(), u.Low.Kronor(), u.High.Kronor(), u.PriceYear
		out.Source, out.URL, out.Tag, out.Note, out.PerCourse = u.Source, u.URL, string(u.Tag), u.Note.In(l), u.PerCourse
		out.Shares = map[string]float64{}
		for p, v := range u.Shares {
			out.Shares[string(p)] = v
		}
	}
	return out
}

func assumptionsOut(a economics.Assumptions) Assumptions {
	r := func(x economics.Range) Range { return Range{x.Value, x.Low, x.High} }
	return Assumptions{PriceYear: a.PriceYear, CoordinatorFTE: a.CoordinatorFTE, Attribution: r(a.Attribution), Persistence: r(a.Persistence),
		Discount: r(a.Discount), After: a.After, Draws: a.Draws, Seed: a.Seed}
}

func assumptionsIn(a Assumptions) economics.Assumptions {
	r := func(x Range) economics.Range { return economics.Range{Value: x.Value, Low: x.Low, High: x.High} }
	return economics.Assumptions{PriceYear: a.PriceYear, CoordinatorFTE: a.CoordinatorFTE, Attribution: r(a.Attribution), Persistence: r(a.Persistence),
		Discount: r(a.Discount), After: a.After, Draws: a.Draws, Seed: a.Seed}
}

func (api *API) costRegister(w http.ResponseWriter, r *http.Request) error {
	reg, err := api.store.CostRegister(r.Context())
	if err != nil {
		return err
	}
	l := api.locale(r)
	out := CostRegister{Items: []UnitCost{}, Index: []IndexYear{}, Assumptions: assumptionsOut(reg.Assumptions), AssumptionsSaved: reg.AssumptionsSaved}
	for _, u := range reg.Items {
		out.Items = append(out.Items, unitCostOut(u, l))
	}
	for _, y := range reg.Index.Years() {
		x := reg.Index[y]
		out.Index = append(out.Index, IndexYear{Year: y, Value: x.Value, Source: x.Source, URL: x.URL, Builtin: x.Builtin})
	}
	return writeJSON(w, http.StatusOK, out)
}

// saveUnitCost reads the body as the item of the path and saves it. Amounts with more than two
// decimals, or negative, are refused at their field before the store sees them.
func (api *API) saveUnitCost(w http.ResponseWriter, r *http.Request) error {
	var in UnitCostRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	code := r.PathValue("code")
	slot, ok := economics.SlotOf(code)
	if !ok {
		return casework.NotFound("unit cost")
	}
	reg, err := api.store.CostRegister(r.Context())
	if err != nil {
		return err
	}
	base, _ := reg.Item(code)
	l := string(api.locale(r))
	u := economics.UnitCost{Code: code, Category: slot.Category, Unit: economics.Unit(in.Unit), PriceYear: in.PriceYear, Source: in.Source, URL: in.URL,
		Tag: economics.Tag(in.Tag), PerCourse: in.PerCourse, Name: copyText(base.Name), Note: copyText(base.Note)}
	if in.Note != "" {
		u.Note[l] = in.Note
	}
	if in.Name != "" {
		u.Name[l] = in.Name
		if u.Name["sv"] == "" {
			u.Name["sv"] = in.Name
		}
	}
	if in.Shares != nil {
		u.Shares = economics.Shares{}
		for p, v := range in.Shares {
			u.Shares[economics.Perspective(p)] = v
		}
	}
	var fe casework.FieldErrors
	amount := func(field string, v float64) economics.Money {
		m, key := economics.AmountOf(v)
		if key != "" {
			fe.Add(field, key)
		}
		return m
	}
	u.Amount = amount("amount", in.Amount)
	u.Low, u.High = u.Amount, u.Amount
	if in.Low != nil {
		u.Low = amount("low", *in.Low)
	}
	if in.High != nil {
		u.High = amount("high", *in.High)
	}
	if len(fe) > 0 {
		return fe.Err()
	}
	if err := api.store.SaveUnitCost(r.Context(), u, false); err != nil {
		return err
	}
	// The item as saved (a read now would see the request's snapshot from before the write).
	u.Normalise()
	u.Builtin, u.Edited, u.UpdatedAt = economics.IsBuiltin(code), true, api.store.Now()
	return writeJSON(w, http.StatusOK, unitCostOut(u, api.locale(r)))
}

func copyText(t casework.Text) casework.Text {
	out := casework.Text{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

func (api *API) resetUnitCost(w http.ResponseWriter, r *http.Request) error {
	if err := api.store.ResetUnitCost(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	return noContent(w)
}

func (api *API) saveIndexYear(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return casework.NotFound("index year")
	}
	var in IndexYearRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.SavePriceIndex(r.Context(), economics.IndexYear{Year: year, Value: in.Value, Source: in.Source, URL: in.URL}); err != nil {
		return err
	}
	return noContent(w)
}

func (api *API) saveAssumptions(w http.ResponseWriter, r *http.Request) error {
	var in Assumptions
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.SaveEconomicsAssumptions(r.Context(), assumptionsIn(in)); err != nil {
		return err
	}
	return noContent(w)
}

// economicsPeriod reads a period: the one given, else the newest published half-year (the store
// refuses a half-year not published).
func (api *API) economicsPeriod(r *http.Request, given string) (stats.Period, error) {
	periods, err := api.store.DashboardPeriods(r.Context())
	if err != nil {
		return stats.Period{}, err
	}
	if given != "" {
		p, err := stats.ParsePeriod(given)
		if err != nil {
			return p, casework.Invalid("period", "economics.period_invalid")
		}
		return p, nil
	}
	if len(periods) > 0 {
		return periods[0], nil // the newest published
	}
	return stats.PeriodOf(api.store.Now()), nil // not published: the store says so
}

func (api *API) economicsReport(w http.ResponseWriter, r *http.Request) error {
	p, err := api.economicsPeriod(r, r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	q := store.EconomicsQuery{Period: p, Export: "json"}
	switch v := r.URL.Query().Get("recompute"); v {
	case "", "false":
	case "true":
		q.Recompute = true
	default:
		return casework.Invalid("recompute", "economics2.recompute_invalid")
	}
	out, err := api.store.Economics(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, economicsResult(out))
}

func (api *API) economicsWhatIf(w http.ResponseWriter, r *http.Request) error {
	var in WhatIfRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := api.economicsPeriod(r, in.Period)
	if err != nil {
		return err
	}
	a := assumptionsIn(in.Assumptions)
	out, err := api.store.Economics(r.Context(), store.EconomicsQuery{Period: p, WhatIf: &a, Export: "json"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, economicsResult(out))
}

// EconomicsResult is the report. Every number resting on fewer than five young people is null.
type EconomicsResult struct {
	Period      string            `json:"period"`
	PriceYear   int               `json:"price_year"`
	Assumptions Assumptions       `json:"assumptions"`
	After       map[string]string `json:"after" doc:"the time point each measure was read at: offences, placement, occupation, attendance"`
	YoungPeople *int              `json:"young_people" doc:"the cohort: SIG or SSPF started, closed in the period; null below five"`
	TooFew      bool              `json:"too_few" doc:"fewer than five young people: no money result (\"too few to say\")"`
	NoEffects   bool              `json:"no_effects" doc:"no valued change rests on five young people paired"`
	Cost        EconomicsCost     `json:"cost"`
	Usage       []InterventionUse `json:"usage"`
	Effects     EconomicsEffects  `json:"effects"`
	Estimate    *Estimate         `json:"estimate" doc:"the point estimate; null when too few"`
	Simulation  *Simulation       `json:"simulation" doc:"the Monte Carlo; null when too few"`
	BreakEven   []BreakEven       `json:"break_even"`
	Used        []UsedUnitCost    `json:"used" doc:"the register items the calculation used, in the price year"`
	// The published report is frozen with the half-year's release.
	Published   *PublishedReport `json:"published" doc:"the published (frozen) report this is or is compared with"`
	Live        bool             `json:"live" doc:"true: computed now (recompute or what-if), not the published report"`
	Differences []Difference     `json:"differences" doc:"when live: the headline figures published and now"`
}

// PublishedReport says which frozen report is published: the release part it was frozen with.
type PublishedReport struct {
	Part     string    `json:"part" enum:"main,followup_6,followup_12"`
	FrozenAt time.Time `json:"frozen_at"`
}

// Difference is a headline figure of the published report beside the same figure now.
type Difference struct {
	Key        string   `json:"key" enum:"cohort,paired_offences,paired_placement,paired_occupation,cost_total,benefit,cost,net,ratio,chance"`
	Kind       string   `json:"kind" enum:"count,money,ratio,share"`
	Published  *float64 `json:"published" doc:"null when not shown"`
	Now        *float64 `json:"now" doc:"null when not shown"`
	Difference *float64 `json:"difference" doc:"now minus published; null when either is not shown or when it is one to four young people"`
}

// EconomicsCost is the programme's cost in the period.
type EconomicsCost struct {
	Total          *float64   `json:"total"`
	PerYoungPerson *float64   `json:"per_young_person_served"`
	PerCaseMonth   *float64   `json:"per_case_month"`
	PerParticipant *float64   `json:"per_participant" doc:"per case-month times the cohort's mean months"`
	Interventions  *float64   `json:"interventions"`
	Served         *int       `json:"served" doc:"young people whose work ran in the period"`
	CaseMonths     float64    `json:"case_months"`
	Lines          []CostLine `json:"lines"`
}

// CostLine is one part of the cost.
type CostLine struct {
	Kind     string   `json:"kind" enum:"coordinator,meetings,intervention,other"`
	Code     string   `json:"code"`
	Unit     string   `json:"unit"`
	Quantity *float64 `json:"quantity" doc:"null when the line is hidden"`
	Priced   bool     `json:"priced"`
	Amount   *float64 `json:"amount" doc:"kronor in the price year; null when hidden or unpriced"`
}

// InterventionUse is how often a method was used.
type InterventionUse struct {
	Method      string          `json:"method"`
	Catalogue   bool            `json:"catalogue"`
	Plans       *int            `json:"plans"`
	YoungPeople *int            `json:"young_people"`
	ByAge       map[string]*int `json:"by_age" doc:"age bands 0-12, 13-15, 16-17, 18-20, 21-25, 26-, unknown"`
	ByProgram   map[string]*int `json:"by_program" doc:"sig, sspf"`
}

// EconomicsEffects are the paired changes.
type EconomicsEffects struct {
	Offences   OffenceEffect `json:"offences" doc:"offences a year (six months' count twice)"`
	Placement  ChoiceEffect  `json:"placement"`
	Occupation ChoiceEffect  `json:"occupation"`
	Adult      ChoiceEffect  `json:"adult_occupation" doc:"18 or older: occupied (school, work, internship) or none"`
	Attendance MeanEffect    `json:"attendance"`
}

// OffenceEffect is offences a year before and after, by crime category.
type OffenceEffect struct {
	At          string              `json:"at"`
	YoungPeople *int                `json:"young_people"`
	Twelve      *int                `json:"counted_twelve_months" doc:"young people whose year after was counted over 12 months (6 + 12 months after closure) rather than six months twice"`
	Before      map[string]*float64 `json:"before"`
	After       map[string]*float64 `json:"after"`
}

// ChoiceEffect is young people by value before and after.
type ChoiceEffect struct {
	At          string          `json:"at"`
	YoungPeople *int            `json:"young_people"`
	Before      map[string]*int `json:"before"`
	After       map[string]*int `json:"after"`
	Placed      []*int          `json:"placed,omitempty" doc:"placement only: placed in any form before and after"`
}

// MeanEffect is a mean before and after.
type MeanEffect struct {
	At          string   `json:"at"`
	YoungPeople *int     `json:"young_people"`
	Before      *float64 `json:"before"`
	After       *float64 `json:"after"`
}

// Estimate is the point estimate.
type Estimate struct {
	Benefit      float64            `json:"benefit"`
	Cost         float64            `json:"cost"`
	Net          float64            `json:"net"`
	Ratio        *float64           `json:"ratio" doc:"benefit/cost; null without cost"`
	BenefitPer   float64            `json:"benefit_per_young_person"`
	CostPer      float64            `json:"cost_per_young_person"`
	NetPer       float64            `json:"net_per_young_person"`
	Perspectives []PerspectiveValue `json:"perspectives"`
	AtLow        Sensitivity        `json:"attribution_low" doc:"the point estimate with the attribution at the low end of its range"`
	AtHigh       Sensitivity        `json:"attribution_high" doc:"… at the high end"`
}

// Sensitivity is the point estimate with the attribution at another value.
type Sensitivity struct {
	Attribution float64  `json:"attribution"`
	Benefit     float64  `json:"benefit"`
	Cost        float64  `json:"cost"`
	Net         float64  `json:"net"`
	Ratio       *float64 `json:"ratio" doc:"null without cost"`
}

// PerspectiveValue is who pays and who gains.
type PerspectiveValue struct {
	Perspective string  `json:"perspective" enum:"municipality_social,municipality_school,municipality_other,region,state,youth,others"`
	Benefit     float64 `json:"benefit"`
	Cost        float64 `json:"cost"`
	Net         float64 `json:"net"`
	MeanNet     float64 `json:"mean_net" doc:"the Monte Carlo's mean"`
}

// Simulation is the Monte Carlo.
type Simulation struct {
	Draws                   int            `json:"draws"`
	Seed                    uint64         `json:"seed"`
	MeanBenefit             float64        `json:"mean_benefit"`
	MeanCost                float64        `json:"mean_cost"`
	MeanNet                 float64        `json:"mean_net"`
	P5                      float64        `json:"net_p5"`
	P50                     float64        `json:"net_p50"`
	P95                     float64        `json:"net_p95"`
	RatioP5                 *float64       `json:"ratio_p5"`
	RatioP50                *float64       `json:"ratio_p50"`
	RatioP95                *float64       `json:"ratio_p95"`
	ProbBenefitsExceedCosts float64        `json:"probability_benefits_exceed_costs"`
	Histogram               []HistogramBin `json:"histogram"`
}

// HistogramBin is a bar of the net benefit's histogram.
type HistogramBin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
	Below bool    `json:"below,omitempty" doc:"also holds the draws below from"`
	Above bool    `json:"above,omitempty" doc:"also holds the draws above to"`
}

// BreakEven is what the period's cost equals.
type BreakEven struct {
	Code  string  `json:"code"`
	Value float64 `json:"value"`
	Count float64 `json:"count"`
}

// UsedUnitCost is an item as the calculation used it.
type UsedUnitCost struct {
	Code         string  `json:"code"`
	Unit         string  `json:"unit"`
	Value        float64 `json:"value"`
	Low          float64 `json:"low"`
	High         float64 `json:"high"`
	SourceAmount float64 `json:"source_amount"`
	SourceYear   int     `json:"source_price_year"`
	Source       string  `json:"source"`
	Tag          string  `json:"tag"`
}

func cellNumber(c *stats.Cell) *float64 {
	if c == nil || !c.Show() {
		return nil
	}
	v := math.Round(c.Value*100) / 100
	return &v
}

func cellCount(c *stats.Cell) *int {
	if c == nil || !c.Show() {
		return nil
	}
	n := int(c.Value)
	return &n
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func economicsResult(out *store.EconomicsReport) EconomicsResult {
	r := out.Report
	res := EconomicsResult{Period: out.Period.String(), PriceYear: r.PriceYear, Assumptions: assumptionsOut(r.Assumptions), YoungPeople: cellCount(r.N),
		TooFew: r.TooFew, NoEffects: r.NoEffects, Usage: []InterventionUse{}, BreakEven: []BreakEven{}, Used: []UsedUnitCost{},
		After: map[string]string{"offences": r.Afters[0], "placement": r.Afters[1], "occupation": r.Afters[2], "attendance": r.Afters[3]}}
	res.Cost = EconomicsCost{Total: cellNumber(r.CostTotal), PerYoungPerson: cellNumber(r.CostPerServed), PerCaseMonth: cellNumber(r.CostPerCaseMonth),
		PerParticipant: cellNumber(r.CostPerParticipant), Interventions: cellNumber(r.InterventionTotal), Served: cellCount(r.Served),
		CaseMonths: math.Round(r.CaseMonths*10) / 10, Lines: []CostLine{}}
	for _, l := range r.Costs {
		cl := CostLine{Kind: l.Kind, Code: l.Code, Unit: string(l.Unit), Priced: l.Priced}
		if l.Cell.Show() {
			q := math.Round(l.Quantity*100) / 100
			cl.Quantity = &q
			if l.Priced {
				cl.Amount = cellNumber(l.Cell)
			}
		}
		res.Cost.Lines = append(res.Cost.Lines, cl)
	}
	for _, u := range r.Usage {
		iu := InterventionUse{Method: u.Method, Catalogue: u.Catalogue, Plans: cellCount(u.Plans), YoungPeople: cellCount(u.Youths), ByAge: map[string]*int{}, ByProgram: map[string]*int{}}
		for k, c := range u.ByAge {
			iu.ByAge[k] = cellCount(c)
		}
		for k, c := range u.ByProgram {
			iu.ByProgram[k] = cellCount(c)
		}
		res.Usage = append(res.Usage, iu)
	}
	e := r.Effects
	res.Effects.Offences = OffenceEffect{At: e.Offences.At, YoungPeople: cellCount(e.Offences.N), Twelve: cellCount(e.Offences.Whole),
		Before: map[string]*float64{}, After: map[string]*float64{}}
	for _, c := range economics.CrimeCategories {
		res.Effects.Offences.Before[c], res.Effects.Offences.After[c] = cellNumber(e.Offences.Before[c]), cellNumber(e.Offences.After[c])
	}
	res.Effects.Offences.Before["all"], res.Effects.Offences.After["all"] = cellNumber(e.Offences.TotalBefore), cellNumber(e.Offences.TotalAfter)
	choice := func(ce economics.ChoiceEffect) ChoiceEffect {
		out := ChoiceEffect{At: ce.At, YoungPeople: cellCount(ce.N), Before: map[string]*int{}, After: map[string]*int{}}
		for _, v := range ce.Values {
			out.Before[v], out.After[v] = cellCount(ce.Before[v]), cellCount(ce.After[v])
		}
		if b, a := ce.Placed(); b != nil {
			out.Placed = []*int{cellCount(b), cellCount(a)}
		}
		return out
	}
	res.Effects.Placement, res.Effects.Occupation, res.Effects.Adult = choice(e.Placement), choice(e.Occupation), choice(e.Adult)
	res.Effects.Attendance = MeanEffect{At: e.Attendance.At, YoungPeople: cellCount(e.Attendance.N), Before: cellNumber(e.Attendance.Before), After: cellNumber(e.Attendance.After)}
	if p := r.Point; p != nil {
		est := &Estimate{Benefit: math.Round(p.Benefit), Cost: math.Round(p.Cost), Net: math.Round(p.Net), Ratio: finite(p.Ratio),
			BenefitPer: math.Round(p.BenefitPer), CostPer: math.Round(p.CostPer), NetPer: math.Round(p.NetPer), Perspectives: []PerspectiveValue{}}
		for _, x := range p.Perspectives {
			est.Perspectives = append(est.Perspectives, PerspectiveValue{Perspective: string(x.Perspective), Benefit: math.Round(x.Benefit), Cost: math.Round(x.Cost),
				Net: math.Round(x.Net), MeanNet: math.Round(x.MeanNet)})
		}
		sens := func(x economics.Sensitivity) Sensitivity {
			return Sensitivity{Attribution: x.Value, Benefit: math.Round(x.Benefit), Cost: math.Round(x.Cost), Net: math.Round(x.Net), Ratio: finite(x.Ratio)}
		}
		est.AtLow, est.AtHigh = sens(p.AtLow), sens(p.AtHigh)
		res.Estimate = est
	}
	if d := r.Simulation; d != nil {
		sim := &Simulation{Draws: d.Draws, Seed: d.Seed, MeanBenefit: math.Round(d.MeanBenefit), MeanCost: math.Round(d.MeanCost), MeanNet: math.Round(d.MeanNet),
			P5: math.Round(d.P5), P50: math.Round(d.P50), P95: math.Round(d.P95), RatioP5: finite(d.RatioP5), RatioP50: finite(d.RatioP50), RatioP95: finite(d.RatioP95),
			ProbBenefitsExceedCosts: d.ProbBenefitsExceedCosts, Histogram: []HistogramBin{}}
		for _, b := range economics.Histogram(d.Net, 20) {
			sim.Histogram = append(sim.Histogram, HistogramBin{From: math.Round(b.From), To: math.Round(b.To), Count: b.Count, Below: b.Below, Above: b.Above})
		}
		res.Simulation = sim
	}
	for _, b := range r.BreakEven {
		res.BreakEven = append(res.BreakEven, BreakEven{Code: b.Code, Value: math.Round(b.Value), Count: math.Round(b.Count*100) / 100})
	}
	for _, u := range r.Used {
		res.Used = append(res.Used, UsedUnitCost{Code: u.Item.Code, Unit: string(u.Item.Unit), Value: math.Round(u.Value*100) / 100, Low: math.Round(u.Low*100) / 100,
			High: math.Round(u.High*100) / 100, SourceAmount: u.Item.Amount.Kronor(), SourceYear: u.Item.PriceYear, Source: u.Item.Source, Tag: string(u.Item.Tag)})
	}
	if fr := out.Frozen; fr != nil {
		res.Published = &PublishedReport{Part: fr.Part, FrozenAt: fr.ComputedAt}
	}
	res.Live, res.Differences = out.Live, []Difference{}
	for _, d := range out.Differences {
		x := Difference{Key: d.Key, Kind: d.Kind}
		num := func(v float64) *float64 {
			if d.Kind == "money" {
				v = math.Round(v)
			}
			return finite(v)
		}
		if d.PublishedShown {
			x.Published = num(d.Published)
		}
		if d.NowShown {
			x.Now = num(d.Now)
		}
		if v, ok := d.Delta(); ok && !d.DeltaHidden() {
			x.Difference = num(v)
		}
		res.Differences = append(res.Differences, x)
	}
	return res
}
