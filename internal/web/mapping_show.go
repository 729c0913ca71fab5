package web

import (
	"net/http"
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

type mapPictureData struct {
	Periods     []caseChoice
	PeriodLabel string
	Unpublished bool
	Year        int
	Bands       []string
	Rows        []mapRow
	Gaps        []mapGap
	AnyHidden   bool
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
		s.fillMapping(p, &d, pic)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "mapping_show", p)
}

func (s *Server) fillMapping(p *Page, d *mapPictureData, pic mapping.Picture) {
	d.Year = pic.Year
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
			mc := mapCell{Rate: figureText(p, c.OpenPer1000, 1), Count: figureText(p, c.Open, 0), Resources: c.Resources,
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
