package stats

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The export file: a municipality's aggregates for one period, for national comparison. It is
// documented in docs/uppfoljning.md and described by docs/stats-export.schema.json.
const (
	ExportFormat        = "lots-stats-export"
	ExportSchemaVersion = 2
	checksumPrefix      = "sha256:"
	// MaxExportBytes bounds a file to import.
	MaxExportBytes = 4 << 20
)

// Export is the file.
type Export struct {
	Format        string             `json:"format"`
	SchemaVersion int                `json:"schema_version"`
	Municipality  ExportMunicipality `json:"municipality"`
	Period        string             `json:"period"`
	GeneratedAt   time.Time          `json:"generated_at"`
	Generator     string             `json:"generator"`
	MinCell       int                `json:"min_cell"`
	DeadlineDays  ExportDeadlines    `json:"deadline_days"`
	Figures       []Figure           `json:"figures"`
	// Economics is the avoided-cost report's aggregate per young person (from schema version
	// 2; absent in version 1 files and when the municipality exports none).
	Economics *ExportEconomics `json:"economics,omitempty"`
	// Mapping is the needs and gaps of the mapping (from schema version 3, export_mapping.go;
	// absent when the municipality has no population or registry).
	Mapping  *ExportMapping `json:"mapping,omitempty"`
	Checksum string         `json:"checksum"`
}

// ExportEconomics is the avoided-cost report of the period's cohort (docs/economics.md), per
// young person, so municipalities can compare what the work costs and what it may save: the
// programme's cost and the avoided cost (present value) per young person, in kronor of the
// price year, the chance that benefits exceed costs, and the assumptions they rest on. With
// fewer than min_cell young people it is suppressed: n and the figures are null.
type ExportEconomics struct {
	PriceYear               int      `json:"price_year"`
	N                       *int     `json:"n"`
	CostPerYouth            *float64 `json:"cost_per_youth"`
	AvoidedCostPerYouth     *float64 `json:"avoided_cost_per_youth"`
	ProbBenefitsExceedCosts *float64 `json:"probability_benefits_exceed_costs"`
	Attribution             float64  `json:"attribution"`
	PersistenceYears        float64  `json:"persistence_years"`
	DiscountRate            float64  `json:"discount_rate"`
	After                   string   `json:"after"`
	Suppressed              bool     `json:"suppressed"`
}

// ExportMunicipality names who exported.
type ExportMunicipality struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ExportDeadlines are the municipality's deadlines in days, which the deadline figures rest on:
// SIG's, and SSPF's in SSPF (absent in files made before the tracks had their own); each case
// is measured against its track's.
type ExportDeadlines struct {
	Assessment int              `json:"assessment"`
	Group      int              `json:"group"`
	Plan       int              `json:"plan"`
	SSPF       *ExportDeadlines `json:"sspf,omitempty"`
}

// Figure is one published figure. A suppressed figure has no value and no n.
type Figure struct {
	Table      string   `json:"table"`
	Row        string   `json:"row"`
	Col        string   `json:"col"`
	Kind       string   `json:"kind"`
	Value      *float64 `json:"value"`
	N          *int     `json:"n"`
	Suppressed bool     `json:"suppressed"`
}

// Key identifies a figure within a file.
func (f Figure) Key() string { return f.Table + "/" + f.Row + "/" + f.Col }

// NewExport builds the export of a dashboard's municipality-wide view: every table marked
// National, without the changes (they can be computed). It refuses a dashboard whose
// suppression does not verify.
func NewExport(d *Dashboard, code, name string, generatedAt time.Time) (*Export, error) {
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("suppression check failed, nothing exported: %w", err)
	}
	if err := d.CheckPublished(); err != nil {
		return nil, fmt.Errorf("suppression check failed, nothing exported: %w", err)
	}
	v, _ := d.View(All)
	e := &Export{
		Format: ExportFormat, SchemaVersion: ExportSchemaVersion,
		Municipality: ExportMunicipality{Code: code, Name: strings.TrimSpace(name)},
		Period:       d.Period.String(), GeneratedAt: generatedAt.UTC().Truncate(time.Second), Generator: "Lots",
		MinCell:      MinCell,
		DeadlineDays: ExportDeadlines{Assessment: d.Deadlines.Assessment, Group: d.Deadlines.Group, Plan: d.Deadlines.Plan},
	}
	if sp := d.Deadlines.SSPF; sp != nil {
		e.DeadlineDays.SSPF = &ExportDeadlines{Assessment: sp.Assessment, Group: sp.Group, Plan: sp.Plan}
	}
	for _, t := range v.Tables {
		if !t.National {
			continue
		}
		for _, r := range t.Rows {
			for i, col := range t.Cols {
				c := r.Cells[i]
				if c == nil || c.Kind == KindChange || c.Pending {
					continue // a pending figure is not published yet: it is left out, not hidden
				}
				f := Figure{Table: t.ID, Row: r.Code, Col: col.Code, Kind: c.Kind, Suppressed: c.Suppressed}
				if f.Kind == "" {
					f.Kind = KindCount
				}
				if !c.Suppressed {
					val, n := round(c.Value), c.N
					f.Value, f.N = &val, &n
				}
				e.Figures = append(e.Figures, f)
			}
		}
	}
	sortFigures(e.Figures)
	return e, nil
}

func round(v float64) float64 { return math.Round(v*10000) / 10000 }

func sortFigures(fs []Figure) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Key() < fs[j].Key() })
}

// Marshal writes the file with its checksum, indented for people to read.
func (e *Export) Marshal() ([]byte, error) {
	e.Checksum = ""
	if e.Mapping != nil {
		e.SchemaVersion = ExportMappingVersion // a file without the mapping stays version 2, the same bytes as before
		if e.Mapping.HasNeeds() {
			e.SchemaVersion = ExportNeedsVersion // and one without the needs version 3
		}
		if e.Mapping.HasTrackNeeds() {
			e.SchemaVersion = ExportTrackVersion // and one without SIG and SSPF version 4
		}
	}
	sum, err := e.computeChecksum()
	if err != nil {
		return nil, err
	}
	e.Checksum = sum
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (e *Export) computeChecksum() (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	return Checksum(b)
}

// Checksum computes a file's checksum: SHA-256 over its canonical form — the JSON object
// without its "checksum" member, object keys sorted, no insignificant white space, numbers in
// their shortest form, HTML characters not escaped (RFC 8785, the JSON Canonicalization
// Scheme, as Go's encoding/json writes it).
func Checksum(file []byte) (string, error) {
	var v map[string]any
	if err := json.Unmarshal(file, &v); err != nil {
		return "", err
	}
	delete(v, "checksum")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return checksumPrefix + hex.EncodeToString(sum[:]), nil
}

// ImportError says why a file is rejected, in words for the person importing it. Key names the
// message in the catalogue and Args fill it; Detail is the English reason.
type ImportError struct {
	Key    string
	Args   []any
	Detail string
}

func (e *ImportError) Error() string { return e.Detail }

func reject(key, format string, args ...any) *ImportError {
	return &ImportError{Key: key, Args: args, Detail: fmt.Sprintf(format, args...)}
}

var (
	codePattern      = regexp.MustCompile(`^[0-9]{4}$`)
	figureCodeSyntax = regexp.MustCompile(`^[a-z0-9_\-.]{1,64}$`)
	kinds            = map[string]bool{KindCount: true, KindSum: true, KindMean: true, KindMedian: true, KindShare: true}
)

// ParseExport reads and checks a file: the format and schema version, the period, the
// municipality code, every figure (no negative numbers, no count or population below
// MinCell that is not suppressed, shares between 0 and 1) and the checksum. Any fault rejects
// the whole file.
func ParseExport(b []byte) (*Export, error) {
	if len(b) > MaxExportBytes {
		return nil, reject("national.reject_too_large", "file larger than %d bytes", MaxExportBytes)
	}
	var probe struct {
		Format        any `json:"format"`
		SchemaVersion any `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, reject("national.reject_not_json", "not a JSON object: %v", err)
	}
	if probe.Format != ExportFormat {
		return nil, reject("national.reject_format", "format is %v, want %s", probe.Format, ExportFormat)
	}
	version, ok := probe.SchemaVersion.(float64)
	if !ok || version != 1 && version != ExportSchemaVersion && version != ExportMappingVersion && version != ExportNeedsVersion && version != ExportTrackVersion {
		return nil, reject("national.reject_schema_version", "schema version %v, this Lots reads 1 to %d", probe.SchemaVersion, ExportTrackVersion)
	}
	var e Export
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, reject("national.reject_structure", "does not follow the schema: %v", err)
	}
	if dec.More() {
		return nil, reject("national.reject_structure", "does not follow the schema: %s", "more than one JSON value")
	}
	if _, err := ParsePeriod(e.Period); err != nil {
		return nil, reject("national.reject_period", "period %q is not a half-year like 2026H1", e.Period)
	}
	if !codePattern.MatchString(e.Municipality.Code) || strings.TrimSpace(e.Municipality.Name) == "" {
		return nil, reject("national.reject_municipality", "municipality code %q is not four digits, or the name is missing", e.Municipality.Code)
	}
	if e.MinCell < MinCell {
		return nil, reject("national.reject_min_cell", "min_cell %d is below %d", e.MinCell, MinCell)
	}
	if e.GeneratedAt.IsZero() {
		return nil, reject("national.reject_structure", "does not follow the schema: %s", "generated_at missing")
	}
	if dd, sp := e.DeadlineDays, e.DeadlineDays.SSPF; dd.Assessment < 0 || dd.Group < 0 || dd.Plan < 0 ||
		sp != nil && (sp.Assessment < 0 || sp.Group < 0 || sp.Plan < 0 || sp.SSPF != nil) {
		return nil, reject("national.reject_negative", "a negative number in %s", "deadline_days")
	}
	seen := map[string]bool{}
	for _, f := range e.Figures {
		if err := checkFigure(f, e.MinCell); err != nil {
			return nil, err
		}
		if seen[f.Key()] {
			return nil, reject("national.reject_figure", "figure %s appears twice", f.Key())
		}
		seen[f.Key()] = true
	}
	if len(e.Figures) == 0 {
		return nil, reject("national.reject_structure", "does not follow the schema: %s", "no figures")
	}
	if e.Economics != nil {
		if version < 2 {
			return nil, reject("national.reject_structure", "does not follow the schema: %s", "economics in a version 1 file")
		}
		if err := checkEconomics(*e.Economics, e.MinCell); err != nil {
			return nil, err
		}
	}
	if e.Mapping != nil {
		if version < ExportMappingVersion {
			return nil, reject("national.reject_structure", "does not follow the schema: %s", "mapping before version 3")
		}
		if version < ExportNeedsVersion && e.Mapping.HasNeeds() {
			return nil, reject("national.reject_structure", "does not follow the schema: %s", "mapping needs before version 4")
		}
		if version < ExportTrackVersion && e.Mapping.HasTrackNeeds() {
			return nil, reject("national.reject_structure", "does not follow the schema: %s", "needs sig and sspf before version 5")
		}
		if err := checkMapping(*e.Mapping, e.MinCell, mappingBands); err != nil {
			return nil, err
		}
	}
	want, err := Checksum(b)
	if err != nil {
		return nil, reject("national.reject_not_json", "not a JSON object: %v", err)
	}
	if e.Checksum != want {
		return nil, reject("national.reject_checksum", "checksum %q does not match the content (%s): the file was changed after export", e.Checksum, want)
	}
	return &e, nil
}

// checkEconomics checks the economics of a file: suppressed without figures, else resting on
// min_cell young people or more, no negative amount, a probability and an attribution between 0
// and 1, a persistence of at most 30 years and a discount rate of at most 20 %.
func checkEconomics(x ExportEconomics, minCell int) error {
	if x.Suppressed {
		if x.N != nil || x.CostPerYouth != nil || x.AvoidedCostPerYouth != nil || x.ProbBenefitsExceedCosts != nil {
			return reject("national.reject_suppressed_value", "figure %s is marked suppressed but carries a value", "economics")
		}
	} else {
		if x.N == nil || x.CostPerYouth == nil || x.AvoidedCostPerYouth == nil {
			return reject("national.reject_figure", "figure %s has no value and is not marked suppressed", "economics")
		}
		if *x.N < minCell {
			return reject("national.reject_small_cell", "figure %s rests on %d young people and is not suppressed", "economics", *x.N)
		}
		if *x.CostPerYouth < 0 || *x.AvoidedCostPerYouth < 0 || math.IsNaN(*x.CostPerYouth) || math.IsNaN(*x.AvoidedCostPerYouth) {
			return reject("national.reject_negative", "a negative number in %s", "economics")
		}
		if p := x.ProbBenefitsExceedCosts; p != nil && (*p < 0 || *p > 1) {
			return reject("national.reject_figure", "share %s is above 1", "economics")
		}
	}
	switch {
	case x.PriceYear < 1980 || x.PriceYear > 2100, x.Attribution < 0 || x.Attribution > 1, x.PersistenceYears < 0 || x.PersistenceYears > 30,
		x.DiscountRate < 0 || x.DiscountRate > 0.2, x.After != "auto" && x.After != "closure" && x.After != "followup_6" && x.After != "followup_12":
		return reject("national.reject_figure", "figure %q has an invalid code", "economics")
	}
	return nil
}

func checkFigure(f Figure, minCell int) error {
	k := f.Key()
	if !figureCodeSyntax.MatchString(f.Table) || !figureCodeSyntax.MatchString(f.Row) || !figureCodeSyntax.MatchString(f.Col) {
		return reject("national.reject_figure", "figure %q has an invalid code", k)
	}
	if !kinds[f.Kind] {
		return reject("national.reject_figure", "figure %s has an unknown kind", k)
	}
	if f.Suppressed {
		if f.Value != nil || f.N != nil {
			return reject("national.reject_suppressed_value", "figure %s is marked suppressed but carries a value", k)
		}
		return nil
	}
	if f.Value == nil || f.N == nil {
		return reject("national.reject_figure", "figure %s has no value and is not marked suppressed", k)
	}
	v, n := *f.Value, *f.N
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return reject("national.reject_figure", "figure %s is not a number", k)
	}
	if v < 0 || n < 0 {
		return reject("national.reject_negative", "a negative number in %s", k)
	}
	if n < minCell {
		return reject("national.reject_small_cell", "figure %s rests on %d young people and is not suppressed", k, n)
	}
	switch f.Kind {
	case KindCount:
		if v != math.Trunc(v) || int(v) != n {
			return reject("national.reject_figure", "count %s is not a whole number equal to its n", k)
		}
	case KindShare:
		if v > 1 {
			return reject("national.reject_figure", "share %s is above 1", k)
		}
	}
	return nil
}
