package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/stats"
)

// The needs and resource mapping and the capacity view (docs/mapping.md). The picture's needs
// are the dashboard's published figures: a hidden one is null with its label, and so is its
// rate. The registry and the population are not personal data; the capacity view counts cases
// per coordinator and names no young person.

func (api *API) mappingRoutes() []Route {
	period := Param{Name: "period", Type: "string", Doc: "a published half-year, e.g. 2026H1; the newest published when left out"}
	return []Route{
		{Method: "GET", Path: "/api/v1/mapping", Summary: "The joint picture of needs, population and resources per district and age band for a published half-year, with the gap analysis", Tag: "mapping",
			Query: []Param{period}, Response: reflect.TypeFor[MappingPicture](), Handle: api.mappingPicture},
		{Method: "GET", Path: "/api/v1/mapping/registry", Summary: "The resource registry and the population years imported", Tag: "mapping",
			Response: reflect.TypeFor[MappingRegistry](), Handle: api.mappingRegistry},
		{Method: "POST", Path: "/api/v1/mapping/resources", Summary: "Add a resource to the registry (administrator, steering group)", Tag: "mapping",
			Request: reflect.TypeFor[ResourceInput](), Response: reflect.TypeFor[Resource](), Status: http.StatusCreated, Handle: api.createResource},
		{Method: "PUT", Path: "/api/v1/mapping/resources/{id}", Summary: "Replace a resource of the registry", Tag: "mapping",
			Request: reflect.TypeFor[ResourceInput](), Response: reflect.TypeFor[Resource](), Handle: api.updateResource},
		{Method: "DELETE", Path: "/api/v1/mapping/resources/{id}", Summary: "Remove a resource from the registry", Tag: "mapping",
			Status: http.StatusNoContent, Handle: api.deleteResource},
		{Method: "POST", Path: "/api/v1/cases/{id}/extensions", Summary: "Extend the case's planned length, with the reason (required)", Tag: "mapping",
			Request: reflect.TypeFor[ExtensionRequest](), Status: http.StatusNoContent, Handle: api.extendPlan},
		{Method: "GET", Path: "/api/v1/capacity", Summary: "Every coordinator's open cases against the municipality's cap, with the warning state", Tag: "mapping",
			Response: reflect.TypeFor[CapacityView](), Handle: api.capacity},
	}
}

// MapFigure is a published figure: its value, or null and why.
type MapFigure struct {
	Value  *float64 `json:"value"`
	Hidden string   `json:"hidden,omitempty" enum:",<5,–" doc:"<5: rests on fewer than five young people; –: hidden to protect another figure"`
}

func mapFigure(f mapping.Figure) MapFigure {
	switch {
	case f.None:
		return MapFigure{}
	case f.Shown:
		v := f.Value
		return MapFigure{Value: &v}
	case f.Primary:
		return MapFigure{Hidden: "<5"}
	}
	return MapFigure{Hidden: "–"}
}

// MapCell is a district's age band.
type MapCell struct {
	Band        string    `json:"band" enum:"0-12,13-15,16-17,18-20,21-25,26-"`
	Population  int       `json:"population"`
	Open        MapFigure `json:"open" doc:"cases open at the half-year's end"`
	Opened      MapFigure `json:"opened" doc:"cases opened in the half-year"`
	OpenPer1000 MapFigure `json:"open_per_1000"`
	Resources   int       `json:"resources" doc:"resources of the district or the whole municipality serving the band"`
	Capacity    int       `json:"capacity"`
	Evenings    bool      `json:"evenings"`
	Weekends    bool      `json:"weekends"`
	Missing     []string  `json:"missing" doc:"IRK needs no resource here meets"`
	Priority    bool      `json:"priority" doc:"open cases per 1 000 shown and at least the municipality's, and something missing"`
	Needs       []MapNeed `json:"needs" doc:"the release's needs of the band (empty for a release made before they were counted)"`
}

// MapNeed is one of the release's needs of a band (or of every age): young people, each once,
// and per 1 000 young people of the population.
type MapNeed struct {
	Need    string    `json:"need" enum:"concerns,sig,sspf,placed,placed_began,irk_assessed,irk.criminal_history,irk.personality,irk.attitudes,irk.peers,irk.substances,irk.family,irk.school_work,irk.leisure" doc:"concerns: with a concern received in the half-year, in the district it was received in; sig, sspf: with a case open in SIG, in SSPF, some moment of it (a case moved from SSPF to SIG in it counts in both); placed: with a placement in force some day of it; placed_began: one that began in it; irk_assessed: with a Check: IRK checklist in it; irk.<factor>: whose latest marks the factor as some or clear risk"`
	Count   MapFigure `json:"count"`
	Per1000 MapFigure `json:"per_1000"`
}

// mapNeeds lists a cell's or a row's needs.
func mapNeeds(n int, measure func(string) (mapping.Figure, mapping.Figure)) []MapNeed {
	out := []MapNeed{}
	if n == 0 {
		return out
	}
	for _, col := range stats.NeedsCols {
		count, rate := measure(col)
		out = append(out, MapNeed{Need: col, Count: mapFigure(count), Per1000: mapFigure(rate)})
	}
	return out
}

// MapRow is a district, or the whole municipality (district_id null).
type MapRow struct {
	DistrictID   *int64    `json:"district_id"`
	Name         string    `json:"name"`
	Population   int       `json:"population"`
	Resources    int       `json:"resources"`
	YearlyCost   int64     `json:"yearly_cost" doc:"kronor a year, the district's own resources (the municipality: all)"`
	CostPerYoung MapFigure `json:"cost_per_young"`
	Cells        []MapCell `json:"cells"`
	Needs        []MapNeed `json:"needs" doc:"the release's needs over every age, per 1 000 young people of the bands' population"`
}

// MappingPicture is the picture of a half-year.
type MappingPicture struct {
	Period         string   `json:"period"`
	PopulationYear int      `json:"population_year" doc:"0: no population imported"`
	Rows           []MapRow `json:"rows"`
}

func (api *API) mappingPicture(w http.ResponseWriter, r *http.Request) error {
	periods, err := api.store.DashboardPeriods(r.Context())
	if err != nil {
		return err
	}
	if len(periods) == 0 {
		return casework.Errorf(casework.ENotFound, "dashboard.not_published", "nothing published")
	}
	p := periods[0]
	if given := r.URL.Query().Get("period"); given != "" {
		if p, err = stats.ParsePeriod(given); err != nil {
			return casework.Invalid("period", "economics.period_invalid")
		}
	}
	pic, err := api.store.MappingPicture(r.Context(), p, "json")
	if err != nil {
		return err
	}
	out := MappingPicture{Period: pic.Period.String(), PopulationYear: pic.Year}
	for _, row := range pic.Rows {
		mr := MapRow{Name: row.Name, Population: row.Population, Resources: row.Resources, YearlyCost: row.Cost, CostPerYoung: mapFigure(row.CostPerYoung),
			Needs: mapNeeds(len(row.Needs), row.Measure)}
		if row.ID != stats.All {
			id := row.ID
			mr.DistrictID = &id
		}
		for _, c := range row.Cells {
			mr.Cells = append(mr.Cells, MapCell{Band: c.Band, Population: c.Population, Open: mapFigure(c.Open), Opened: mapFigure(c.Opened),
				OpenPer1000: mapFigure(c.OpenPer1000), Resources: c.Resources, Capacity: c.Capacity, Evenings: c.Evenings, Weekends: c.Weekends,
				Missing: append([]string{}, c.Missing...), Priority: c.Priority, Needs: mapNeeds(len(c.Needs), c.Measure)})
		}
		out.Rows = append(out.Rows, mr)
	}
	return writeJSON(w, http.StatusOK, out)
}

// Resource is an organisation or activity in the registry.
type Resource struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind" enum:"youth_centre,association,sport,pool,library,field_workers,school,bup,employment,social_services,other"`
	Owner      string   `json:"owner"`
	DistrictID *int64   `json:"district_id" doc:"null: the whole municipality"`
	Address    string   `json:"address"`
	AgeFrom    int      `json:"age_from"`
	AgeTo      int      `json:"age_to"`
	Level      string   `json:"level" enum:"universal,selective,indicated"`
	Capacity   int      `json:"capacity" doc:"places, 0 unknown"`
	YearlyCost int64    `json:"yearly_cost" doc:"kronor a year"`
	Payer      string   `json:"payer"`
	Evenings   bool     `json:"evenings"`
	Weekends   bool     `json:"weekends"`
	Needs      []string `json:"needs" doc:"IRK needs it meets"`
	Methods    []string `json:"methods" doc:"catalogue methods it offers"`
}

// PopulationYear is a year of imported population.
type PopulationYear struct {
	Year      int `json:"year"`
	People    int `json:"people"`
	Districts int `json:"districts"`
}

// MappingRegistry is the registry and the population years.
type MappingRegistry struct {
	Resources  []Resource       `json:"resources"`
	Population []PopulationYear `json:"population"`
}

func (api *API) mappingRegistry(w http.ResponseWriter, r *http.Request) error {
	reg, err := api.store.MappingRegistry(r.Context())
	if err != nil {
		return err
	}
	out := MappingRegistry{Resources: []Resource{}, Population: []PopulationYear{}}
	for _, x := range reg.Resources {
		out.Resources = append(out.Resources, resourceOut(x))
	}
	for _, y := range reg.Population {
		out.Population = append(out.Population, PopulationYear(y))
	}
	return writeJSON(w, http.StatusOK, out)
}

// Caseload is a coordinator's open cases.
type Caseload struct {
	UserID      int64   `json:"user_id"`
	Name        string  `json:"name"`
	Active      int     `json:"active"`
	State       string  `json:"state" enum:"ok,full,over" doc:"full: at the cap, the next young person overloads; over: above it"`
	Ending      int     `json:"ending" doc:"open cases whose planned length (with its extensions) runs out within a month"`
	Overrun     int     `json:"overrun" doc:"open cases past their planned length"`
	QualifiedOn *string `json:"qualified_on" doc:"the date they qualified as a social worker (YYYY-MM-DD); null: not recorded"`
	Heavy       int     `json:"heavy" doc:"open cases at or above the heavy risk level"`
	Mismatched  int     `json:"mismatched" doc:"of them, cases the experience rule warns about"`
}

// GroupLoad is a professional's seats in open cases' operative groups.
type GroupLoad struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Groups int    `json:"groups"`
	State  string `json:"state" enum:"ok,full,over" doc:"against group_cap"`
}

// CapacityView is the capacity view.
type CapacityView struct {
	Cap             int         `json:"cap" doc:"active young people per coordinator (default 10)"`
	PlannedMonths   int         `json:"planned_months" doc:"the planned length of an intervention (default 10)"`
	WaitDays        int         `json:"wait_days" doc:"days from decision to the first group meeting before a wait is late (default 7)"`
	GroupCap        int         `json:"group_cap" doc:"young people whose operative group one professional sits in (default 10)"`
	ExperienceYears int         `json:"experience_years" doc:"years qualified a heavy case needs (default 2)"`
	HeavyFrom       string      `json:"heavy_from" enum:"low,moderate,high,very_high" doc:"the risk level from which a case is heavy (default high)"`
	ExperienceRule  string      `json:"experience_rule" enum:"warn,refuse" doc:"whether assigning a heavy case to someone with less experience warns or is refused"`
	Caseloads       []Caseload  `json:"caseloads"`
	Groups          []GroupLoad `json:"groups"`
	Waiting         int         `json:"waiting" doc:"open cases with a decision and no first group meeting"`
	Late            int         `json:"late" doc:"of them, waiting longer than wait_days"`
	Longest         int         `json:"longest_wait_days"`
	Extended        int         `json:"extended" doc:"open cases whose planned length has been extended"`
}

func (api *API) capacity(w http.ResponseWriter, r *http.Request) error {
	c, err := api.store.Capacity(r.Context())
	if err != nil {
		return err
	}
	out := CapacityView{Cap: c.Cap, PlannedMonths: c.PlannedMonths, WaitDays: c.WaitDays, GroupCap: c.GroupCap, ExperienceYears: c.ExperienceYears,
		HeavyFrom: string(c.HeavyFrom), ExperienceRule: c.Rule, Caseloads: []Caseload{}, Groups: []GroupLoad{},
		Waiting: c.Waiting, Late: c.Late, Longest: c.Longest, Extended: c.Extended}
	for _, l := range c.Caseloads {
		cl := Caseload{UserID: l.UserID, Name: l.Name, Active: l.Active, State: l.State, Ending: l.Ending, Overrun: l.Overrun, Heavy: l.Heavy, Mismatched: l.Mismatched}
		if !l.Qualified.IsZero() {
			q := l.Qualified.In(casework.Stockholm).Format(time.DateOnly)
			cl.QualifiedOn = &q
		}
		out.Caseloads = append(out.Caseloads, cl)
	}
	for _, m := range c.Members {
		out.Groups = append(out.Groups, GroupLoad{UserID: m.UserID, Name: m.Name, Groups: m.Active, State: m.State})
	}
	return writeJSON(w, http.StatusOK, out)
}

// ResourceInput is a resource to add or to replace one with.
type ResourceInput struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind" enum:"youth_centre,association,sport,pool,library,field_workers,school,bup,employment,social_services,other"`
	Owner      string   `json:"owner"`
	DistrictID *int64   `json:"district_id" doc:"null: the whole municipality"`
	Address    string   `json:"address"`
	AgeFrom    int      `json:"age_from"`
	AgeTo      int      `json:"age_to"`
	Level      string   `json:"level" enum:"universal,selective,indicated"`
	Capacity   int      `json:"capacity" doc:"places, 0 unknown"`
	YearlyCost int64    `json:"yearly_cost" doc:"kronor a year"`
	Payer      string   `json:"payer"`
	Evenings   bool     `json:"evenings"`
	Weekends   bool     `json:"weekends"`
	Needs      []string `json:"needs" doc:"IRK need codes it meets"`
	Methods    []string `json:"methods" doc:"catalogue method codes it offers"`
}

func (in ResourceInput) resource(id int64) mapping.Resource {
	r := mapping.Resource{ID: id, Name: in.Name, Kind: in.Kind, Owner: in.Owner, Address: in.Address, AgeFrom: in.AgeFrom, AgeTo: in.AgeTo,
		Level: in.Level, Capacity: in.Capacity, Cost: in.YearlyCost, Payer: in.Payer, Evenings: in.Evenings, Weekends: in.Weekends,
		Needs: in.Needs, Methods: in.Methods}
	if in.DistrictID != nil {
		r.District = *in.DistrictID
	}
	return r
}

func resourceOut(x mapping.Resource) Resource {
	res := Resource{ID: x.ID, Name: x.Name, Kind: x.Kind, Owner: x.Owner, Address: x.Address, AgeFrom: x.AgeFrom, AgeTo: x.AgeTo,
		Level: x.Level, Capacity: x.Capacity, YearlyCost: x.Cost, Payer: x.Payer, Evenings: x.Evenings, Weekends: x.Weekends,
		Needs: append([]string{}, x.Needs...), Methods: append([]string{}, x.Methods...)}
	if x.District != 0 {
		id := x.District
		res.DistrictID = &id
	}
	return res
}

func (api *API) createResource(w http.ResponseWriter, r *http.Request) error {
	var in ResourceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := api.store.CreateResource(r.Context(), in.resource(0))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, resourceOut(res))
}

func (api *API) updateResource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in ResourceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := api.store.UpdateResource(r.Context(), in.resource(id))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resourceOut(res))
}

func (api *API) deleteResource(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := api.store.DeleteResource(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}

// ExtensionRequest extends a case's planned length.
type ExtensionRequest struct {
	Months int    `json:"months" doc:"1–24"`
	Reason string `json:"reason" doc:"required"`
}

func (api *API) extendPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in ExtensionRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.ExtendPlan(r.Context(), id, in.Months, in.Reason); err != nil {
		return err
	}
	return noContent(w)
}
