package economics

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"lots/internal/casework"
)

// The consumer price index, KPI (1980=100), annual averages of the established figures
// (fastställda tal). Every amount of the register is nominal for its price year; the report
// shows all of them in one chosen price year:
//
//	amount in year b = amount in year a × KPI(b) / KPI(a)
//
// Lots ships SCB's figures (defaults/kpi.json, with the source); a municipality's
// administrator adds later years as SCB publishes them.

// IndexYear is one year's index.
type IndexYear struct {
	Year   int     `json:"year"`
	Value  float64 `json:"value"`
	Source string  `json:"source,omitempty"`
	URL    string  `json:"url,omitempty"`
	// Builtin marks a figure that ships with Lots; the others a municipality added.
	Builtin bool `json:"-"`
}

// Index is the index by year.
type Index map[int]IndexYear

//go:embed defaults/*.json
var defaultFiles embed.FS

// DefaultIndex returns the index years that ship with Lots.
func DefaultIndex() []IndexYear {
	var ys []IndexYear
	mustJSON("defaults/kpi.json", &ys)
	for i := range ys {
		ys[i].Builtin = true
	}
	return ys
}

func mustJSON(name string, v any) {
	b, err := defaultFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		panic(name + ": " + err.Error())
	}
}

// NewIndex lays the municipality's years over the shipped ones. A shipped year is never
// replaced: SCB's established figures do not change.
func NewIndex(own []IndexYear) Index {
	ix := Index{}
	for _, y := range own {
		ix[y.Year] = y
	}
	for _, y := range DefaultIndex() {
		ix[y.Year] = y
	}
	return ix
}

// Years lists the years with an index, in order.
func (ix Index) Years() []int {
	var ys []int
	for y := range ix {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Latest is the last year with an index.
func (ix Index) Latest() int {
	ys := ix.Years()
	if len(ys) == 0 {
		return 0
	}
	return ys[len(ys)-1]
}

// Has reports whether year has an index.
func (ix Index) Has(year int) bool { _, ok := ix[year]; return ok }

// Factor is what an amount of year from is multiplied by to be in year to's prices.
func (ix Index) Factor(from, to int) (float64, error) {
	a, ok := ix[from]
	if !ok {
		return 0, fmt.Errorf("no price index for %d", from)
	}
	b, ok := ix[to]
	if !ok {
		return 0, fmt.Errorf("no price index for %d", to)
	}
	return b.Value / a.Value, nil
}

// Convert gives an amount of kronor in year from's prices in year to's prices.
func (ix Index) Convert(kronor float64, from, to int) (float64, error) {
	f, err := ix.Factor(from, to)
	return kronor * f, err
}

// Validate checks a year a municipality adds: a year from 1980 to 2100, not one Lots ships, an
// index above zero with at most two decimals (SCB publishes two).
func (y IndexYear) Validate() error {
	var fe casework.FieldErrors
	if y.Year < 1980 || y.Year > 2100 {
		fe.Add("year", "economics.index_year_range")
	}
	for _, d := range DefaultIndex() {
		if d.Year == y.Year {
			fe.Add("year", "economics.index_year_shipped")
		}
	}
	switch {
	case math.IsNaN(y.Value) || y.Value <= 0 || y.Value > 100000:
		fe.Add("value", "economics.index_value_range")
	case math.Abs(y.Value*100-math.Round(y.Value*100)) > 1e-6:
		fe.Add("value", "economics.index_value_decimals")
	}
	if len(y.Source) > 300 || len(y.URL) > 500 {
		fe.Add("source", "economics.too_long")
	}
	return fe.Err()
}
