package api

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// The indicators of the follow-up manual (docs/uppfoljning.md), recorded per case at fixed time
// points. Each indicator belongs to an information category, so the consent decides who reads
// and records it: the police their reports, the school attendance, social services staff all.

func (api *API) indicatorRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/indicators", Summary: "The case's recorded indicators, only in the categories you may read", Tag: "indicators",
			Response: reflect.TypeFor[IndicatorSheet](), Handle: api.indicators},
		{Method: "PUT", Path: "/api/v1/cases/{id}/indicators/{at}", Summary: "Record the indicators of a time point; one category you may not record refuses the whole (403) and nothing is saved", Tag: "indicators",
			PathParams: []Param{{Name: "at", Type: "string", Doc: "the time point; any other answers 404", Enum: stats.TimePoints}},
			Request:    reflect.TypeFor[IndicatorRequest](), Status: http.StatusNoContent, Handle: api.recordIndicators},
	}
}

// IndicatorSheet is a case's indicators as you may read and record them.
type IndicatorSheet struct {
	CaseID   int64            `json:"case_id"`
	Started  bool             `json:"started" doc:"the decision to start was taken (follow-up meetings may be recorded)"`
	Closed   string           `json:"closed,omitempty" doc:"YYYY-MM-DD the case closed (follow-ups may be recorded from then)"`
	Readable []string         `json:"readable" doc:"the information categories of indicators you may read"`
	Writable []string         `json:"writable" doc:"the categories you may record"`
	Points   []IndicatorPoint `json:"points" doc:"in time point order, then by date"`
}

// IndicatorPoint is one recording occasion.
type IndicatorPoint struct {
	TimePoint  string           `json:"time_point" enum:"intake,meeting,closure,followup_6,followup_12"`
	Occasion   string           `json:"occasion,omitempty" doc:"a follow-up meeting's date, YYYY-MM-DD"`
	MeasuredOn string           `json:"measured_on" doc:"YYYY-MM-DD, the date the values describe"`
	UpdatedAt  time.Time        `json:"updated_at"`
	Values     []IndicatorValue `json:"values" doc:"only those in categories you may read"`
}

// IndicatorValue is one recorded value.
type IndicatorValue struct {
	Code     string   `json:"code" doc:"the indicator, e.g. school_attendance, police_suspect"`
	Part     string   `json:"part,omitempty" doc:"a part of the indicator (a crime category of police_suspect); the whole is their sum"`
	Category string   `json:"category" enum:"basic,school,police,social,health,family,leisure"`
	Known    bool     `json:"known" doc:"false: recorded as not known"`
	Number   *float64 `json:"number,omitempty" doc:"numeric indicators (percent, count, scale)"`
	Choice   string   `json:"choice,omitempty" doc:"choice and yes/no indicators"`
}

func categoryStrings(cs []casework.Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func (api *API) indicators(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	sh, err := api.store.IndicatorSheet(r.Context(), id)
	if err != nil {
		return err
	}
	out := IndicatorSheet{CaseID: sh.CaseID, Started: sh.Started, Readable: categoryStrings(sh.Readable), Writable: categoryStrings(sh.Writable),
		Points: []IndicatorPoint{}}
	if !sh.Closed.IsZero() {
		out.Closed = sh.Closed.In(casework.Stockholm).Format(time.DateOnly)
	}
	for _, p := range sh.Points {
		ip := IndicatorPoint{TimePoint: p.TimePoint, Occasion: p.Occasion, MeasuredOn: p.MeasuredOn.Format(time.DateOnly), UpdatedAt: utc(p.UpdatedAt),
			Values: []IndicatorValue{}}
		for _, v := range p.Values {
			ind, _ := stats.IndicatorByCode(v.Code)
			iv := IndicatorValue{Code: v.Code, Part: v.Part, Category: string(ind.Category), Known: v.Known}
			switch {
			case !v.Known:
			case ind.Numeric():
				n := v.Number
				iv.Number = &n
			default:
				iv.Choice = v.Choice
			}
			ip.Values = append(ip.Values, iv)
		}
		out.Points = append(out.Points, ip)
	}
	return writeJSON(w, http.StatusOK, out)
}

// IndicatorRequest records a time point's indicators. The values of each category covered
// replace that category's values at the time point as a whole; other categories keep theirs.
type IndicatorRequest struct {
	Date       string                `json:"date" doc:"YYYY-MM-DD, the date the values describe; not in the future"`
	Occasion   string                `json:"occasion,omitempty" doc:"meeting: the follow-up meeting's date, YYYY-MM-DD; date when left out"`
	Categories []string              `json:"categories,omitempty" doc:"the categories this recording covers; those of the values when left out. A category given without values is cleared"`
	Values     []IndicatorValueInput `json:"values"`
}

// IndicatorValueInput is one value: a number, a choice, or unknown.
type IndicatorValueInput struct {
	Code    string   `json:"code"`
	Part    string   `json:"part,omitempty" doc:"police_suspect is recorded by crime category (violence, sexual, robbery, theft, fraud, vandalism, threats, drugs, weapons, other): parts left out count as 0, the whole is their sum"`
	Number  *float64 `json:"number,omitempty" doc:"numeric indicators"`
	Choice  string   `json:"choice,omitempty" doc:"choice and yes/no indicators"`
	Unknown bool     `json:"unknown,omitempty" doc:"recorded as not known (for police_suspect: give the whole, without part)"`
}

// indicatorFields maps the store's field names to the body's: the form's names of indicators
// (ind_<code>_<part>) to values.<code>.<part>, the date the values describe to date, and a
// follow-up meeting's date to occasion.
var indicatorFields = func() map[string]string {
	m := map[string]string{"measured_on": "date", "date": "occasion"}
	for _, in := range stats.Indicators {
		m[stats.Field(in.Code, "")] = "values." + in.Code
		for _, p := range in.Parts {
			m[stats.Field(in.Code, p)] = "values." + in.Code + "." + p
		}
	}
	return m
}()

func (api *API) recordIndicators(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	at := r.PathValue("at")
	if !stats.ValidTimePoint(at) {
		return casework.NotFound("time point")
	}
	var in IndicatorRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rec, err := indicatorInput(at, in)
	if err != nil {
		return err
	}
	if _, err := api.store.RecordIndicators(r.Context(), id, rec); err != nil {
		return renameFields(err, fieldMap(indicatorFields))
	}
	return noContent(w)
}

// indicatorInput turns the body into the store's input. The values go through the rules the
// indicator form follows (stats.ParseForm): ranges, whole numbers, choices, parts and their sum.
func indicatorInput(at string, in IndicatorRequest) (store.IndicatorInput, error) {
	var fe casework.FieldErrors
	rec := store.IndicatorInput{TimePoint: at, Occasion: in.Occasion}
	if in.Date == "" {
		fe.Add("date", "indicator.date_required")
	} else if d, err := time.Parse(time.DateOnly, in.Date); err != nil {
		fe.Add("date", "api.day_invalid")
	} else {
		rec.MeasuredOn = d
	}
	if in.Occasion != "" {
		if _, err := time.Parse(time.DateOnly, in.Occasion); err != nil {
			fe.Add("occasion", "api.day_invalid")
		}
	}
	covered := map[casework.Category]bool{}
	for _, c := range in.Categories {
		if !casework.ValidConsentCategory(casework.Category(c)) {
			fe.Add("categories", "indicator.category_invalid")
			continue
		}
		covered[casework.Category(c)] = true
	}
	form := map[string]string{}
	fromValues := map[casework.Category]bool{}
	for i, v := range in.Values {
		field := "values." + strconv.Itoa(i)
		ind, ok := stats.IndicatorByCode(v.Code)
		if !ok || ind.Derived || (v.Part != "" && !slices.Contains(ind.Parts, v.Part)) {
			fe.Add(field, "indicator.unknown")
			continue
		}
		field = indicatorFields[stats.Field(v.Code, v.Part)]
		if in.Categories != nil && !covered[ind.Category] {
			fe.Add(field, "indicator.category_invalid")
			continue
		}
		fromValues[ind.Category] = true
		var text string
		given := 0
		if v.Number != nil {
			text, given = strconv.FormatFloat(*v.Number, 'f', -1, 64), given+1
		}
		if v.Choice != "" {
			text, given = v.Choice, given+1
		}
		if v.Unknown {
			text, given = "?", given+1
		}
		switch {
		case given != 1 || text == "" || (v.Choice == "?" && !v.Unknown):
			fe.Add(field, "api.indicator_value")
			continue
		case len(ind.Parts) > 0 && v.Part == "" && !v.Unknown:
			fe.Add(field, "api.indicator_parts")
			continue
		}
		if len(ind.Parts) > 0 && v.Part == "" { // the whole not known: every part not known
			for _, p := range ind.Parts {
				if _, dup := form[stats.Field(v.Code, p)]; dup {
					fe.Add(field, "indicator.twice")
				}
				form[stats.Field(v.Code, p)] = "?"
			}
			continue
		}
		if _, dup := form[stats.Field(v.Code, v.Part)]; dup {
			fe.Add(field, "indicator.twice")
			continue
		}
		form[stats.Field(v.Code, v.Part)] = text
	}
	cats := in.Categories
	if cats == nil {
		for _, c := range casework.ConsentCategories {
			if fromValues[c] {
				cats = append(cats, string(c))
			}
		}
	}
	for _, c := range cats {
		if casework.ValidConsentCategory(casework.Category(c)) {
			rec.Categories = append(rec.Categories, casework.Category(c))
		}
	}
	if len(rec.Categories) == 0 && len(fe) == 0 {
		fe.Add("values", "api.indicators_empty")
	}
	values, err := stats.ParseForm(func(f string) string { return form[f] }, rec.Categories)
	fe = append(fe, casework.FieldErrorsOf(renameFields(err, fieldMap(indicatorFields)))...)
	rec.Values = values
	return rec, fe.Err()
}
