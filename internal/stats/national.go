package stats

import "sort"

// Comparable says how a figure compares between municipalities of different sizes: shares,
// means and medians as they are; sums of crimes per young person; counts of young people as a
// share of their table's total in the same column. Counts without a total (people per month)
// do not compare and are left out (ok false).
func Comparable(f Figure, all map[string]Figure) (value float64, how string, ok bool) {
	if f.Suppressed || f.Value == nil {
		return 0, "", false
	}
	switch f.Kind {
	case KindShare, KindMean, KindMedian:
		return *f.Value, "value", true
	case KindSum:
		if f.N == nil || *f.N == 0 {
			return 0, "", false
		}
		return *f.Value / float64(*f.N), "per_youth", true
	case KindCount:
		if f.Row == "total" {
			return 0, "", false
		}
		t, found := all[f.Table+"/total/"+f.Col]
		if !found || t.Suppressed || t.Value == nil || *t.Value == 0 {
			return 0, "", false
		}
		return *f.Value / *t.Value, "share_of_total", true
	}
	return 0, "", false
}

// FigureMap indexes a file's figures by key.
func FigureMap(e *Export) map[string]Figure {
	m := make(map[string]Figure, len(e.Figures))
	for _, f := range e.Figures {
		m[f.Key()] = f
	}
	return m
}

// Spread is the national distribution of one comparable figure.
type Spread struct {
	Key, Table, Row, Col string
	Kind, How            string
	Own                  float64
	HasOwn               bool
	Median, Q1, Q3       float64
	Min, Max             float64
	Count                int // municipalities with a comparable value, own included
}

// Compare sets the own municipality's figures against the distribution over every file
// (own included, each municipality once): median, quartiles, minimum and maximum, per
// figure, in the order of own's figures (then the rest).
func Compare(own *Export, others []*Export) []Spread {
	type acc struct {
		Spread
		values []float64
	}
	byKey := map[string]*acc{}
	var order []string
	add := func(e *Export, isOwn bool) {
		m := FigureMap(e)
		for _, f := range e.Figures {
			v, how, ok := Comparable(f, m)
			if !ok {
				continue
			}
			a := byKey[f.Key()]
			if a == nil {
				a = &acc{Spread: Spread{Key: f.Key(), Table: f.Table, Row: f.Row, Col: f.Col, Kind: f.Kind, How: how}}
				byKey[f.Key()] = a
				order = append(order, f.Key())
			}
			a.values = append(a.values, v)
			if isOwn {
				a.Own, a.HasOwn = v, true
			}
		}
	}
	if own != nil {
		add(own, true)
	}
	for _, e := range others {
		if own != nil && e.Municipality.Code == own.Municipality.Code {
			continue
		}
		add(e, false)
	}
	var out []Spread
	for _, k := range order {
		a := byKey[k]
		sort.Float64s(a.values)
		a.Count = len(a.values)
		a.Min, a.Max = a.values[0], a.values[len(a.values)-1]
		a.Q1, a.Median, a.Q3 = quantile(a.values, .25), quantile(a.values, .5), quantile(a.values, .75)
		out = append(out, a.Spread)
	}
	return out
}

// quantile of sorted values, interpolating linearly between order statistics (R's type 7).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}
