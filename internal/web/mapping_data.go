package web

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store"
)

// The mapping's data: the youth population per district (Statistics Sweden's file) and the
// resource registry (CSV in, CSV out). A refused file lists every error with its line and
// column, and nothing of it is saved.

// maxMappingFile bounds an uploaded file: a population file of 300 districts, 26 ages, two
// sexes and ten years is about 1 MB.
const maxMappingFile = 8 << 20

type mapResourceRow struct {
	Name, Kind, Owner, District, Ages, Level, Capacity, Cost, Payer, Hours, Needs string
}

type mapPopYear struct {
	Year, People, Districts string
}

type mapDataPage struct {
	Districts  int
	Shapes     int
	Population []mapPopYear
	Resources  []mapResourceRow
	CanEdit    bool
	FileErrors []string // the refused file's errors, one a line
	Form       string   // which form they belong to: "population" or "resources"
	Preview    *mapPreview
	Jobs       []mapJobRow // the latest population imports
}

func (s *Server) mappingData(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "mapping.data_title")
	s.renderMappingData(w, r, p, http.StatusOK, "")
}

func (s *Server) renderMappingData(w http.ResponseWriter, r *http.Request, p *Page, status int, form string) {
	s.renderMappingDataWith(w, r, p, status, form, nil)
}

func (s *Server) renderMappingDataWith(w http.ResponseWriter, r *http.Request, p *Page, status int, form string, preview *mapPreview) {
	reg, err := s.store.MappingRegistry(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	d := mapDataPage{Districts: len(reg.Districts), Shapes: reg.Shapes, Form: form, Preview: preview}
	for _, pp := range store.MappingEditors {
		d.CanEdit = d.CanEdit || access.Can(a, pp).Allowed
	}
	for _, y := range reg.Population {
		d.Population = append(d.Population, mapPopYear{Year: strconv.Itoa(y.Year), People: formatNumber(p.Locale, float64(y.People), 0),
			Districts: strconv.Itoa(y.Districts)})
	}
	names := map[int64]string{}
	for _, x := range reg.Districts {
		names[x.ID] = x.Name
	}
	for _, res := range reg.Resources {
		row := mapResourceRow{Name: res.Name, Kind: p.T("mapping.kind." + res.Kind), Owner: res.Owner, District: names[res.District],
			Ages: p.T("mapping.ages", res.AgeFrom, res.AgeTo), Level: p.T("mapping.level." + res.Level), Payer: res.Payer,
			Cost: money(p, float64(res.Cost)), Needs: needsLabel(p, res.Needs)}
		if res.District == 0 {
			row.District = p.T("mapping.whole_municipality")
		}
		if res.Capacity > 0 {
			row.Capacity = strconv.Itoa(res.Capacity)
		}
		var hours []string
		if res.Evenings {
			hours = append(hours, p.T("mapping.evenings"))
		}
		if res.Weekends {
			hours = append(hours, p.T("mapping.weekends"))
		}
		row.Hours = strings.Join(hours, ", ")
		d.Resources = append(d.Resources, row)
	}
	if d.Jobs, err = s.mapJobRows(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range p.Errors {
		d.FileErrors = append(d.FileErrors, s.catalog.Error(p.Locale, e))
	}
	p.Data = d
	s.render(w, r, status, "mapping_data", p)
}

// readMappingFile reads the uploaded file "file".
func readMappingFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxMappingFile+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, casework.Invalid("file", "mapping.file_too_large")
		}
		return nil, casework.Invalid("file", "mapping.file_required")
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		// The file carried by a preview's save form (mapping_preview.go).
		if data := r.PostFormValue("data"); data != "" {
			b, err := base64.StdEncoding.DecodeString(data)
			if err != nil || len(b) > maxMappingFile {
				return nil, casework.Invalid("file", "mapping.file_required")
			}
			return b, nil
		}
		return nil, casework.Invalid("file", "mapping.file_required")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMappingFile+1))
	if err != nil {
		return nil, casework.Internal(err)
	}
	if len(b) > maxMappingFile {
		return nil, casework.Invalid("file", "mapping.file_too_large")
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, casework.Invalid("file", "mapping.file_required")
	}
	return b, nil
}

// mappingImport reads the file, parses it against the districts and stores it; a refused
// file shows its errors on the data page.
func (s *Server) mappingImport(w http.ResponseWriter, r *http.Request, form string, save func(b []byte, ds []mapping.District) error) {
	p := s.page(w, r, "mapping.data_title")
	b, err := readMappingFile(w, r)
	if err == nil {
		var reg *store.MappingRegistry
		if reg, err = s.store.MappingRegistry(r.Context()); err == nil {
			err = save(b, reg.Districts)
		}
	}
	if err == nil {
		s.setFlash(w, r, "mapping."+form+"_imported")
		http.Redirect(w, r, "/mapping/data", http.StatusSeeOther)
		return
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderMappingData(w, r, p, http.StatusUnprocessableEntity, form)
}

func (s *Server) mappingPopulationImport(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("preview") != "" {
		b, err := readMappingFile(w, r)
		if err != nil {
			p := s.page(w, r, "mapping.data_title")
			p.Errors = casework.FieldErrorsOf(err)
			s.renderMappingData(w, r, p, http.StatusUnprocessableEntity, "population")
			return
		}
		s.mappingPopulationPreview(w, r, b, uploadName(r))
		return
	}
	s.mappingPopulationStart(w, r)
}

func (s *Server) mappingResourcesImport(w http.ResponseWriter, r *http.Request) {
	s.mappingImport(w, r, "resources", func(b []byte, ds []mapping.District) error {
		rs, err := mapping.ParseResources(b, ds)
		if err != nil {
			return err
		}
		return s.store.ReplaceResources(r.Context(), rs)
	})
}

// mappingResourcesCSV exports the registry as the import reads it.
func (s *Server) mappingResourcesCSV(w http.ResponseWriter, r *http.Request) {
	reg, err := s.store.MappingRegistry(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="resurser.csv"`)
	_, _ = w.Write(mapping.WriteResources(reg.Resources, reg.Districts))
}

func (s *Server) mappingShapesImport(w http.ResponseWriter, r *http.Request) {
	s.mappingImport(w, r, "shapes", func(b []byte, ds []mapping.District) error {
		shapes, err := mapping.ParseGeoJSON(b, ds)
		if err != nil {
			return err
		}
		return s.store.ImportShapes(r.Context(), shapes)
	})
}
