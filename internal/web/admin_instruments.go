package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"lots/internal/casework"
)

// maxInstrumentFile bounds an uploaded instrument definition.
const maxInstrumentFile = 1 << 20

// adminInstrumentsData lists the instruments the municipality can use.
type adminInstrumentsData struct {
	Instruments []adminInstrumentRow
}

type adminInstrumentRow struct {
	Code, Name, Version, Licence string
	StructureOnly                bool
	TimePoints                   string
	Domains, Items               int
}

// adminInstruments lists the instruments and offers to load a definition file.
func (s *Server) adminInstruments(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "instrument.admin_title")
	s.renderAdminInstruments(w, r, p, http.StatusOK)
}

// adminInstrumentLoad stores an uploaded definition (JSON). A bad file is refused with the
// store's precise reason.
func (s *Server) adminInstrumentLoad(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "instrument.admin_title")
	r.Body = http.MaxBytesReader(w, r.Body, maxInstrumentFile+64<<10)
	def, err := readInstrumentFile(r)
	if err == nil {
		if _, err = s.store.LoadInstrument(r.Context(), def); err == nil {
			s.setFlash(w, r, "instrument.loaded")
			http.Redirect(w, r, "/admin/instruments", http.StatusSeeOther)
			return
		}
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderAdminInstruments(w, r, p, http.StatusUnprocessableEntity)
}

// readInstrumentFile reads the uploaded file "definition".
func readInstrumentFile(r *http.Request) ([]byte, error) {
	if err := r.ParseMultipartForm(maxInstrumentFile); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, casework.Invalid("definition", "instrument.file_too_large")
		}
		return nil, casework.Invalid("definition", "instrument.file_required")
	}
	f, _, err := r.FormFile("definition")
	if err != nil {
		return nil, casework.Invalid("definition", "instrument.file_required")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInstrumentFile+1))
	if err != nil {
		return nil, casework.Internal(err)
	}
	if len(b) > maxInstrumentFile {
		return nil, casework.Invalid("definition", "instrument.file_too_large")
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, casework.Invalid("definition", "instrument.file_required")
	}
	return b, nil
}

func (s *Server) renderAdminInstruments(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	ins, err := s.store.Instruments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d adminInstrumentsData
	for _, in := range ins {
		row := adminInstrumentRow{Code: in.Code, Name: in.Name.In(p.Locale), Version: in.Version, Licence: in.Licence,
			StructureOnly: in.StructureOnly, Domains: len(in.Domains)}
		var tps []string
		for _, tp := range in.TimePoints {
			tps = append(tps, caseEnum(p, "assessment.", "tp_", string(tp)))
		}
		row.TimePoints = strings.Join(tps, ", ")
		for _, dom := range in.Domains {
			row.Items += len(dom.Items)
		}
		d.Instruments = append(d.Instruments, row)
	}
	p.Data = d
	s.render(w, r, status, "admin_instruments", p)
}
