package web

import (
	"net/http"
	"slices"
	"strings"

	"lots/internal/mapping"
	"lots/internal/stats"
)

// The joint picture of needs, population and resources per district and age band for a
// published half-year (package mapping). The needs are the dashboard's released figures, so a
// hidden one is shown as it is there: "<5" or "–".

type mapFigure struct {
	Text      string
	Hidden    bool
	Secondary bool
}

type mapCell struct {
	Rate, Count mapFigure
	Population  string
	Resources   int
	Missing     string
	Priority    bool
}

type mapRow struct {
	Name       string
	Total      bool
	Cells      []mapCell
	Population string
	Resources  int
	Cost       string
	PerYoung   string
	Missing    int
}

type mapGap struct {
	District, Band, Rate, Municipality, Missing, Hours string
}

// mapSVG is the choropleth: districts drawn from their boundaries on the server, coloured by
// the chosen indicator; the same figures are in the needs table.
type mapSVG struct {
	Width, Height int
	Title, Desc   string
	Areas         []mapSVGArea
	Legend        []mapLegend
}

type mapSVGArea struct {
	Path, Class, Label string
}

type mapLegend struct {
	Class, Label string
}

type mapPictureData struct {
	Map         *mapSVG
	Indicator   string // the band the map shows, "" for every age
	Indicators  []caseChoice
	Periods     []caseChoice
	PeriodLabel string
	Unpublished bool
	Year        int
	Bands       []string
	Rows        []mapRow
	Gaps        []mapGap
	AnyHidden   bool

	// Measure is what the map and the needs table show (mapping.Measures), the open cases by
	// default; Summary is every measure for the whole municipality by band.
	Measure      string
	MeasureLabel string
	Measures     []caseChoice
	Summary      []mapSummaryRow
}

// figureText formats a figure: its value, "<5", "–", or blank when there is none.
func figureText(p *Page, f mapping.Figure, decimals int) mapFigure {
	switch {
	case f.None:
		return mapFigure{Text: ""}
	case f.Shown:
		return mapFigure{Text: formatNumber(p.Locale, f.Value, decimals)}
	case f.Primary:
		return mapFigure{Text: Hidden, Hidden: true}
	}
	return mapFigure{Text: Protected, Hidden: true, Secondary: true}
}

func bandLabel(p *Page, b string) string {
	return p.T("dashboard.age." + strings.ReplaceAll(b, "-", "_"))
}

func needsLabel(p *Page, needs []string) string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = p.T("indicator.irk_domain." + n)
	}
	return strings.Join(out, ", ")
}

func (s *Server) mappingShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "mapping.title")
	periods, err := s.store.DashboardPeriods(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := s.dashboardQuery(r, periods)
	d := mapPictureData{Unpublished: q.Period.IsZero()}
	for _, x := range periods {
		d.Periods = append(d.Periods, caseChoice{Value: x.String(), Label: periodLabel(p, x), Selected: x == q.Period})
	}
	if !d.Unpublished {
		pic, err := s.store.MappingPicture(r.Context(), q.Period, "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.PeriodLabel = periodLabel(p, q.Period)
		d.Measure = r.URL.Query().Get("measure")
		s.fillMapping(p, &d, pic)
		d.Indicator = r.URL.Query().Get("map")
		s.fillMap(p, &d, pic)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "mapping_show", p)
}

func (s *Server) fillMapping(p *Page, d *mapPictureData, pic mapping.Picture) {
	d.Year = pic.Year
	s.fillMeasures(p, d, pic)
	for _, b := range pic.Bands {
		d.Bands = append(d.Bands, bandLabel(p, b))
	}
	var all mapping.Row
	for _, row := range pic.Rows {
		mr := mapRow{Name: row.Name, Total: row.ID == stats.All, Resources: row.Resources, Missing: row.MissingBands,
			Population: formatNumber(p.Locale, float64(row.Population), 0), Cost: money(p, float64(row.Cost))}
		if mr.Total {
			mr.Name = p.T("mapping.municipality")
			all = row
		}
		if f := figureText(p, row.CostPerYoung, 0); f.Text != "" {
			mr.PerYoung = p.T("economics.sek", f.Text)
		}
		for _, c := range row.Cells {
			count, rate := c.Measure(d.Measure)
			mc := mapCell{Rate: figureText(p, rate, 1), Count: figureText(p, count, 0), Resources: c.Resources,
				Population: formatNumber(p.Locale, float64(c.Population), 0), Missing: needsLabel(p, c.Missing), Priority: c.Priority}
			d.AnyHidden = d.AnyHidden || mc.Rate.Hidden || mc.Count.Hidden
			mr.Cells = append(mr.Cells, mc)
		}
		d.Rows = append(d.Rows, mr)
	}
	for _, g := range pic.Gaps() {
		j := 0
		for i, b := range pic.Bands {
			if b == g.Cell.Band {
				j = i
			}
		}
		var hours []string
		if !g.Cell.Evenings {
			hours = append(hours, p.T("mapping.no_evenings"))
		}
		if !g.Cell.Weekends {
			hours = append(hours, p.T("mapping.no_weekends"))
		}
		d.Gaps = append(d.Gaps, mapGap{District: g.District, Band: bandLabel(p, g.Cell.Band),
			Rate: formatNumber(p.Locale, g.Cell.OpenPer1000.Value, 1), Municipality: figureText(p, all.Cells[j].OpenPer1000, 1).Text,
			Missing: needsLabel(p, g.Cell.Missing), Hours: strings.Join(hours, ", ")})
	}
}

// mapWidth is the map's view box width.
const mapWidth = 640

// fillMap draws the choropleth of open cases per 1 000 young people, of every age or of one
// band, when the districts have boundaries.
func (s *Server) fillMap(p *Page, d *mapPictureData, pic mapping.Picture) {
	if !slices.Contains(pic.Bands, d.Indicator) {
		d.Indicator = ""
	}
	d.Indicators = []caseChoice{{Value: "", Label: p.T("mapping.map_all_ages"), Selected: d.Indicator == ""}}
	for _, b := range pic.Bands {
		d.Indicators = append(d.Indicators, caseChoice{Value: b, Label: bandLabel(p, b), Selected: d.Indicator == b})
	}
	if len(pic.Shapes) == 0 {
		return
	}
	figs := map[int64]mapping.Figure{}
	names := map[int64]string{}
	for _, row := range pic.Rows {
		if row.ID == stats.All {
			continue
		}
		names[row.ID] = row.Name
		_, figs[row.ID] = row.Measure(d.Measure)
		for _, c := range row.Cells {
			if c.Band == d.Indicator {
				_, figs[row.ID] = c.Measure(d.Measure)
			}
		}
	}
	areas, classes, height := mapping.DrawMap(pic.Shapes, figs, mapWidth)
	if len(areas) == 0 {
		return
	}
	what := p.T("mapping.map_all_ages")
	switch {
	case d.Measure != mapping.MeasureOpen:
		ages := p.T("needs13.all_ages")
		if d.Indicator != "" {
			ages = bandLabel(p, d.Indicator)
		}
		what = p.T("needs13.map_what", d.MeasureLabel, ages)
	case d.Indicator != "":
		what = bandLabel(p, d.Indicator)
	}
	m := &mapSVG{Width: mapWidth, Height: int(height), Title: p.T("mapping.map_title", what, d.PeriodLabel), Desc: p.T("mapping.map_desc")}
	for _, a := range areas {
		f := figureText(p, figs[a.District], 1)
		label := names[a.District] + ": " + f.Text
		if f.Text == "" {
			label = names[a.District] + ": " + p.T("mapping.map_no_figure")
		}
		m.Areas = append(m.Areas, mapSVGArea{Path: a.Path, Class: "map-" + a.Class, Label: label})
	}
	for _, c := range classes {
		m.Legend = append(m.Legend, mapLegend{Class: "map-" + c.Class, Label: p.T("mapping.map_range", formatNumber(p.Locale, c.Low, 1), formatNumber(p.Locale, c.High, 1))})
	}
	m.Legend = append(m.Legend, mapLegend{Class: "map-hidden", Label: p.T("mapping.map_hidden")}, mapLegend{Class: "map-none", Label: p.T("mapping.map_no_figure")})
	d.Map = m
}
