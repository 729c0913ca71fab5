package web

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"

	"lots/internal/casework"
	"lots/internal/mapping"
)

// The preview of a population file (docs/mapping.md): the file is read and checked as the
// import would, and shown — its first rows, its totals per year, or every error — without
// saving anything. The page carries the file (base64, in a hidden field) in a form that saves
// exactly it, so nothing has to be chosen again and no file is kept on the server between the
// two requests; the save parses it again, all or nothing as always.

// previewRows is how many of the file's rows the preview shows.
const previewRows = 10

type mapPreviewRow struct {
	District, Age, Sex, People string
	Year                       int
}

type mapPreviewYear struct {
	Year                    int
	People, Districts, Rows string
}

type mapPreview struct {
	Name  string
	Rows  []mapPreviewRow
	Total int // rows in the file
	Years []mapPreviewYear
	Data  string // the file, base64, for the save form
}

// mappingPopulationPreview checks a population file and shows it without saving.
func (s *Server) mappingPopulationPreview(w http.ResponseWriter, r *http.Request, b []byte, name string) {
	p := s.page(w, r, "mapping.data_title")
	reg, err := s.store.MappingRegistry(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := mapping.ParsePopulation(b, reg.Districts)
	if err != nil {
		if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderMappingDataWith(w, r, p, http.StatusUnprocessableEntity, "population", nil)
		return
	}
	names := map[int64]string{}
	for _, d := range reg.Districts {
		names[d.ID] = d.Name
	}
	pv := &mapPreview{Name: name, Total: len(rows), Data: base64.StdEncoding.EncodeToString(b)}
	for _, x := range rows[:min(previewRows, len(rows))] {
		pv.Rows = append(pv.Rows, mapPreviewRow{District: names[x.District], Year: x.Year, Age: strconv.Itoa(x.Age),
			Sex: p.T("mapping.sex." + x.Sex), People: formatNumber(p.Locale, float64(x.People), 0)})
	}
	type tot struct {
		people, rows int
		districts    map[int64]bool
	}
	per := map[int]*tot{}
	for _, x := range rows {
		t := per[x.Year]
		if t == nil {
			t = &tot{districts: map[int64]bool{}}
			per[x.Year] = t
		}
		t.people += x.People
		t.rows++
		t.districts[x.District] = true
	}
	for y, t := range per {
		pv.Years = append(pv.Years, mapPreviewYear{Year: y, People: formatNumber(p.Locale, float64(t.people), 0),
			Districts: strconv.Itoa(len(t.districts)), Rows: strconv.Itoa(t.rows)})
	}
	sort.Slice(pv.Years, func(i, j int) bool { return pv.Years[i].Year < pv.Years[j].Year })
	s.renderMappingDataWith(w, r, p, http.StatusOK, "population", pv)
}
