package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/stats"
)

// Needs and resource mapping, and capacity (package mapping, docs/mapping.md). The population
// per district and the resource registry are not personal data: those who see aggregates read
// them, the administrator (organisation) and the steering group (who keep the cost register)
// change them, each change one transaction with its audit entry. The picture's needs are the
// dashboard's released figures (releases.go), already suppressed; the capacity view counts
// open cases per coordinator, naming no young person.

// permitAny is permit for an action any of several permissions allows.
func (s *Store) permitAny(ctx context.Context, ps []access.Permission, w What) (casework.Actor, access.Decision, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return a, access.Decision{}, err
	}
	var d access.Decision
	for _, p := range ps {
		if d = access.Can(a, p); d.Allowed {
			return a, d, nil
		}
	}
	s.auditDenied(ctx, a, w, d)
	return a, d, casework.Errorf(casework.EForbidden, "error.forbidden", "%s needs one of %v", w.Action, ps)
}

// MappingEditors may change the population and the resource registry.
var MappingEditors = []access.Permission{access.ManageOrganisation, access.EditCostRegister}

// mappingReaders may read them.
var mappingReaders = []access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}

// PopulationYear is a year of imported population: how many people and districts.
type PopulationYear struct {
	Year, People, Districts int
}

// MappingRegistry is what the mapping's data page shows: the districts, the population years
// imported and the resources.
type MappingRegistry struct {
	Districts  []mapping.District
	Population []PopulationYear
	Resources  []mapping.Resource
	Shapes     int // districts with a boundary
}

// MappingRegistry reads the districts, the population years and the resource registry.
func (s *Store) MappingRegistry(ctx context.Context) (*MappingRegistry, error) {
	a, _, err := s.permitAny(ctx, mappingReaders, What{Action: audit.ActionRead, Object: "mapping_registry"})
	if err != nil {
		return nil, err
	}
	out := &MappingRegistry{}
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		mid := a.User.MunicipalityID
		if out.Districts, err = tx.mapDistricts(mid); err != nil {
			return err
		}
		if out.Resources, err = tx.mapResources(mid); err != nil {
			return err
		}
		out.Population, err = queryAll(tx.ctx, tx, `SELECT year, SUM(people), COUNT(DISTINCT district_id) FROM district_population
			WHERE municipality_id = $1 GROUP BY year ORDER BY year DESC`, []any{mid}, func(sc scanner) (PopulationYear, error) {
			var y PopulationYear
			return y, sc.Scan(&y.Year, &y.People, &y.Districts)
		})
		if err != nil {
			return err
		}
		if err := tx.QueryRow(`SELECT COUNT(*) FROM district_shapes WHERE municipality_id = $1`, mid).Scan(&out.Shapes); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
	return out, err
}

func (tx *Tx) mapDistricts(mid int64) ([]mapping.District, error) {
	ds, err := queryAll(tx.ctx, tx, `SELECT id, name FROM districts WHERE municipality_id = $1`, []any{mid}, func(sc scanner) (mapping.District, error) {
		var d mapping.District
		return d, sc.Scan(&d.ID, &d.Name)
	})
	col := collate.New(language.Swedish, collate.IgnoreCase)
	sort.SliceStable(ds, func(i, j int) bool { return col.CompareString(ds[i].Name, ds[j].Name) < 0 })
	return ds, err
}

func (tx *Tx) mapResources(mid int64) ([]mapping.Resource, error) {
	rs, err := queryAll(tx.ctx, tx, `SELECT id, name, kind, owner, COALESCE(district_id, 0), address, age_from, age_to, level, capacity,
		yearly_cost, payer, evenings, weekends, needs, methods FROM map_resources WHERE municipality_id = $1`, []any{mid},
		func(sc scanner) (mapping.Resource, error) {
			var r mapping.Resource
			var needs, methods string
			err := sc.Scan(&r.ID, &r.Name, &r.Kind, &r.Owner, &r.District, &r.Address, &r.AgeFrom, &r.AgeTo, &r.Level, &r.Capacity,
				&r.Cost, &r.Payer, &r.Evenings, &r.Weekends, &needs, &methods)
			if needs != "" {
				r.Needs = strings.Fields(needs)
			}
			if methods != "" {
				r.Methods = strings.Fields(methods)
			}
			return r, err
		})
	col := collate.New(language.Swedish, collate.IgnoreCase)
	sort.SliceStable(rs, func(i, j int) bool { return col.CompareString(rs[i].Name, rs[j].Name) < 0 })
	return rs, err
}

// mapEdit runs a change of the mapping's data with its audit entry, in one transaction.
func (s *Store) mapEdit(ctx context.Context, w What, fn func(tx *Tx, mid int64) (string, error)) error {
	a, d, err := s.permitAny(ctx, MappingEditors, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		detail, err := fn(tx, a.User.MunicipalityID)
		if err != nil {
			return err
		}
		w.Detail = detail
		return tx.audit(a, w, d)
	})
}

// insertBatch is how many rows one INSERT carries.
const insertBatch = 50

// ImportPopulation stores parsed population rows (mapping.ParsePopulation): each year in the
// file replaces what was stored for that year, so importing the same file again changes
// nothing. All or nothing, in one transaction. The pages and the API import through a
// background job instead (StartPopulationImport), which shows its progress.
func (s *Store) ImportPopulation(ctx context.Context, rows []mapping.PopRow) error {
	if len(rows) == 0 {
		return casework.Invalid("file", "mapping.pop.empty")
	}
	return s.mapEdit(ctx, What{Action: audit.ActionUpdate, Object: "population"}, func(tx *Tx, mid int64) (string, error) {
		return tx.savePopulation(mid, rows, nil)
	})
}

// savePopulation replaces the years of rows with rows, telling saved (nil: nobody) how many
// rows are written after each batch, and returns the audit detail.
func (tx *Tx) savePopulation(mid int64, rows []mapping.PopRow, saved func(n int)) (string, error) {
	years := mapping.Years(rows)
	for _, y := range years {
		if _, err := tx.Exec(`DELETE FROM district_population WHERE municipality_id = $1 AND year = $2`, mid, y); err != nil {
			return "", casework.Internal(err)
		}
	}
	for start := 0; start < len(rows); start += insertBatch {
		batch := rows[start:min(start+insertBatch, len(rows))]
		var sb strings.Builder
		args := make([]any, 0, 6*len(batch))
		sb.WriteString(`INSERT INTO district_population (municipality_id, district_id, year, age, sex, people) VALUES `)
		for i, r := range batch {
			if i > 0 {
				sb.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
			args = append(args, mid, r.District, r.Year, r.Age, r.Sex, r.People)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			if isForeignKeyViolation(err) {
				return "", casework.Invalid("file", "mapping.district_gone", "")
			}
			return "", casework.Internal(err)
		}
		if saved != nil {
			saved(start + len(batch))
		}
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return fmt.Sprintf("years %s, %d rows", strings.Join(ys, " "), len(rows)), nil
}

// ReplaceResources stores the resource registry (mapping.ParseResources): the file is the
// registry, so importing the same file again changes nothing. All or nothing.
func (s *Store) ReplaceResources(ctx context.Context, rs []mapping.Resource) error {
	return s.mapEdit(ctx, What{Action: audit.ActionUpdate, Object: "resources"}, func(tx *Tx, mid int64) (string, error) {
		if _, err := tx.Exec(`DELETE FROM map_resources WHERE municipality_id = $1`, mid); err != nil {
			return "", casework.Internal(err)
		}
		for _, r := range rs {
			var district any
			if r.District != 0 {
				district = r.District
			}
			_, err := tx.Exec(`INSERT INTO map_resources (id, municipality_id, name, kind, owner, district_id, address, age_from, age_to, level,
				capacity, yearly_cost, payer, evenings, weekends, needs, methods, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
				newID(), mid, r.Name, r.Kind, r.Owner, district, r.Address, r.AgeFrom, r.AgeTo, r.Level, r.Capacity, r.Cost, r.Payer,
				r.Evenings, r.Weekends, strings.Join(r.Needs, " "), strings.Join(r.Methods, " "), tx.now)
			switch {
			case isForeignKeyViolation(err):
				return "", casework.Invalid("file", "mapping.district_gone", r.Name)
			case isUniqueViolation(err):
				return "", casework.Invalid("file", "mapping.res.duplicate_name", r.Name)
			case err != nil:
				return "", casework.Internal(err)
			}
		}
		return fmt.Sprintf("%d resources", len(rs)), nil
	})
}

// MappingPicture returns the joint picture of needs, population and resources for a
// published half-year, and records it as a read of aggregates. A half-year not published is
// not found.
func (s *Store) MappingPicture(ctx context.Context, p stats.Period, export string) (mapping.Picture, error) {
	w := What{Action: audit.ActionList, Object: "mapping", Detail: "period " + p.String()}
	if export != "" {
		w.Action, w.Detail = audit.ActionExport, w.Detail+" export "+export
	}
	a, d, err := s.permit(ctx, access.ViewAggregates, w)
	if err != nil {
		return mapping.Picture{}, err
	}
	mid := a.User.MunicipalityID
	dash, err := s.release(ctx, mid, p)
	if err != nil {
		return mapping.Picture{}, err
	}
	pic, err := s.mapPicture(ctx, mid, dash)
	if err != nil {
		return pic, err
	}
	return pic, s.auditRead(ctx, a, w, d)
}

// mapPicture builds a municipality's picture of a released half-year (no access decision:
// the callers make it).
func (s *Store) mapPicture(ctx context.Context, mid int64, dash *stats.Dashboard) (mapping.Picture, error) {
	var pic mapping.Picture
	err := s.view(ctx, func(tx *Tx) error {
		districts, err := tx.mapDistricts(mid)
		if err != nil {
			return err
		}
		res, err := tx.mapResources(mid)
		if err != nil {
			return err
		}
		years, err := queryAll(tx.ctx, tx, `SELECT DISTINCT year FROM district_population WHERE municipality_id = $1`, []any{mid},
			func(sc scanner) (int, error) {
				var y int
				return y, sc.Scan(&y)
			})
		if err != nil {
			return err
		}
		year := mapping.PopulationYear(years, dash.Period)
		pop, err := queryAll(tx.ctx, tx, `SELECT district_id, year, age, sex, people FROM district_population WHERE municipality_id = $1 AND year = $2`,
			[]any{mid, year}, func(sc scanner) (mapping.PopRow, error) {
				var r mapping.PopRow
				return r, sc.Scan(&r.District, &r.Year, &r.Age, &r.Sex, &r.People)
			})
		if err != nil {
			return err
		}
		pic = mapping.Build(dash, year, pop, res, districts)
		pic.Shapes, err = tx.mapShapes(mid)
		return err
	})
	return pic, err
}

// CapacitySettings are the municipality's capacity limits.
type CapacitySettings struct {
	Cap           int // active young people per coordinator
	PlannedMonths int // the planned length of an intervention
	WaitDays      int // days from decision to the first group meeting before an alert
	GroupCap      int // young people whose operative group one professional sits in
	// The experience rule (mapping.Rule): the years qualified a heavy case needs, the risk
	// level from which a case is heavy, and whether the rule warns or refuses.
	ExperienceYears int
	HeavyFrom       casework.RiskLevel
	Rule            string
}

// ExperienceRule is the settings' experience rule.
func (c CapacitySettings) ExperienceRule() mapping.Rule {
	return mapping.Rule{Years: c.ExperienceYears, HeavyFrom: c.HeavyFrom, Mode: c.Rule}
}

// DefaultCapacitySettings are the settings of a municipality that has set none.
func DefaultCapacitySettings() CapacitySettings {
	return CapacitySettings{Cap: mapping.DefaultCaseloadCap, PlannedMonths: mapping.DefaultPlannedMonths, WaitDays: mapping.DefaultWaitDays,
		GroupCap: mapping.DefaultGroupCap, ExperienceYears: mapping.DefaultExperienceYears, HeavyFrom: mapping.DefaultHeavyFrom, Rule: mapping.RuleWarn}
}

// Validate checks the settings, naming the field at fault.
func (c CapacitySettings) Validate() error {
	var fe casework.FieldErrors
	if c.Cap < 1 || c.Cap > mapping.MaxCaseloadCap {
		fe.Add("caseload_cap", "capacity.cap_range", 1, mapping.MaxCaseloadCap)
	}
	if c.PlannedMonths < 1 || c.PlannedMonths > 36 {
		fe.Add("planned_months", "capacity.months_range", 1, 36)
	}
	if c.WaitDays < 1 || c.WaitDays > 90 {
		fe.Add("wait_days", "capacity.days_range", 1, 90)
	}
	if c.GroupCap < 1 || c.GroupCap > mapping.MaxCaseloadCap {
		fe.Add("group_cap", "capacity.cap_range", 1, mapping.MaxCaseloadCap)
	}
	if c.ExperienceYears < 0 || c.ExperienceYears > mapping.MaxExperienceYears {
		fe.Add("experience_years", "capacity.years_range", 0, mapping.MaxExperienceYears)
	}
	if !c.HeavyFrom.Valid() {
		fe.Add("heavy_from", "capacity.heavy_invalid")
	}
	if c.Rule != mapping.RuleWarn && c.Rule != mapping.RuleRefuse {
		fe.Add("experience_rule", "capacity.rule_invalid")
	}
	return fe.Err()
}

func (tx *Tx) capacitySettings(mid int64) (CapacitySettings, error) {
	c := DefaultCapacitySettings()
	var heavy string
	err := tx.QueryRow(`SELECT caseload_cap, planned_months, wait_days, group_cap, experience_years, heavy_from, experience_rule
		FROM capacity_settings WHERE municipality_id = $1`, mid).Scan(&c.Cap, &c.PlannedMonths, &c.WaitDays, &c.GroupCap, &c.ExperienceYears, &heavy, &c.Rule)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, casework.Internal(err)
	}
	if err == nil {
		c.HeavyFrom = casework.RiskLevel(heavy)
	}
	return c, nil
}

// Capacity is the capacity view: the settings, every coordinator's caseload, every
// professional's load in the operative groups, and the waiting list from decision to the
// first group meeting.
type Capacity struct {
	CapacitySettings
	Caseloads []mapping.Caseload
	// Members are the professionals who sit in an open case's operative group, with the
	// number of those young people against GroupCap (Active, State; the rest unused).
	Members []mapping.Caseload
	// Waiting are the open cases decided and not yet convened; Late those waiting longer than
	// WaitDays; Longest the longest wait in days.
	Waiting, Late, Longest int
	// Extended are the open cases whose planned length has been extended.
	Extended int
	Now      time.Time
}

// Capacity counts, for every active coordinator and everyone else who coordinates an open
// case, the open cases they coordinate against the municipality's cap, how many of them have
// run out of, or soon run out of, their planned length (the municipality's plus the case's
// extensions), and how many are heavy and — by the experience rule — too heavy for them; for
// every professional in an open case's group, those groups against the group cap; and the
// waiting list. It names no young person; it is recorded as a read of aggregates.
func (s *Store) Capacity(ctx context.Context) (*Capacity, error) {
	w := What{Action: audit.ActionList, Object: "caseload"}
	a, d, err := s.permit(ctx, access.ViewCaseload, w)
	if err != nil {
		return nil, err
	}
	mid := a.User.MunicipalityID
	out := &Capacity{Now: s.now()}
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		if out.CapacitySettings, err = tx.capacitySettings(mid); err != nil {
			return err
		}
		type row struct {
			mapping.Caseload
			roles     string
			qualified sql.NullTime
		}
		rows, err := queryAll(tx.ctx, tx, `SELECT u.id, u.name, u.roles, x.qualified_on, COUNT(c.id) FROM users u
			LEFT JOIN staff_experience x ON x.municipality_id = u.municipality_id AND x.user_id = u.id
			LEFT JOIN case_staff s ON s.municipality_id = u.municipality_id AND s.user_id = u.id AND s.role = 'coordinator'
			LEFT JOIN cases c ON c.municipality_id = s.municipality_id AND c.id = s.case_id AND c.step NOT IN ('closed', 'followed_up')
			WHERE u.municipality_id = $1 AND u.active = TRUE
			GROUP BY u.id, u.name, u.roles, x.qualified_on`, []any{mid}, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.UserID, &r.Name, &r.roles, &r.qualified, &r.Active)
		})
		if err != nil {
			return err
		}
		qualified := map[int64]time.Time{}
		for _, r := range rows {
			if r.qualified.Valid {
				qualified[r.UserID] = r.qualified.Time
			}
		}
		// The open cases: their coordinator (0: none), risk level, decision, whether the group
		// has met and the months of their extensions. One row a case, no young person.
		type open struct {
			coord    int64
			risk     string
			decided  sql.NullTime
			convened bool
			extended int
		}
		opens, err := queryAll(tx.ctx, tx, `SELECT COALESCE(s.user_id, 0), COALESCE(c.risk_level, ''), c.decided_start_at, c.group_convened_at IS NOT NULL,
			COALESCE((SELECT SUM(e.months) FROM case_extensions e WHERE e.municipality_id = c.municipality_id AND e.case_id = c.id), 0) FROM cases c
			LEFT JOIN case_staff s ON s.municipality_id = c.municipality_id AND s.case_id = c.id AND s.role = 'coordinator'
			WHERE c.municipality_id = $1 AND c.step NOT IN ('closed', 'followed_up')`, []any{mid},
			func(sc scanner) (open, error) {
				var x open
				return x, sc.Scan(&x.coord, &x.risk, &x.decided, &x.convened, &x.extended)
			})
		if err != nil {
			return err
		}
		ending, overrun, heavy, mismatched := map[int64]int{}, map[int64]int{}, map[int64]int{}, map[int64]int{}
		rule := out.ExperienceRule()
		for _, x := range opens {
			risk := casework.RiskLevel(x.risk)
			if x.coord != 0 && mapping.Heavy(risk, rule.HeavyFrom) {
				heavy[x.coord]++
				if rule.Check(risk, qualified[x.coord], out.Now) != mapping.AssignOK {
					mismatched[x.coord]++
				}
			}
			if x.extended > 0 {
				out.Extended++
			}
			if !x.decided.Valid {
				continue
			}
			switch mapping.PlanState(x.decided.Time, mapping.PlannedMonths(out.PlannedMonths, x.extended), out.Now) {
			case mapping.PlanEnding:
				ending[x.coord]++
			case mapping.PlanOverrun:
				overrun[x.coord]++
			}
			if !x.convened {
				days := mapping.WaitedDays(x.decided.Time, out.Now)
				out.Waiting++
				out.Longest = max(out.Longest, days)
				if days > out.WaitDays {
					out.Late++
				}
			}
		}
		for _, r := range rows {
			if r.Active == 0 && !casework.ParseRoles(r.roles).Has(casework.RoleCoordinator) {
				continue
			}
			r.State = mapping.LoadState(r.Active, out.Cap)
			r.Ending, r.Overrun = ending[r.UserID], overrun[r.UserID]
			r.Qualified, r.Heavy, r.Mismatched = qualified[r.UserID], heavy[r.UserID], mismatched[r.UserID]
			out.Caseloads = append(out.Caseloads, r.Caseload)
		}
		// The professionals in the open cases' groups (present members who are users).
		out.Members, err = queryAll(tx.ctx, tx, `SELECT u.id, u.name, COUNT(DISTINCT c.id) FROM group_members g
			JOIN users u ON u.municipality_id = g.municipality_id AND u.id = g.user_id
			JOIN cases c ON c.municipality_id = g.municipality_id AND c.id = g.case_id AND c.step NOT IN ('closed', 'followed_up')
			WHERE g.municipality_id = $1 AND g.user_id IS NOT NULL AND g.removed_at IS NULL
			GROUP BY u.id, u.name`, []any{mid}, func(sc scanner) (mapping.Caseload, error) {
			var l mapping.Caseload
			err := sc.Scan(&l.UserID, &l.Name, &l.Active)
			l.State = mapping.LoadState(l.Active, out.GroupCap)
			return l, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	col := collate.New(language.Swedish, collate.IgnoreCase)
	sort.SliceStable(out.Caseloads, func(i, j int) bool { return col.CompareString(out.Caseloads[i].Name, out.Caseloads[j].Name) < 0 })
	sort.SliceStable(out.Members, func(i, j int) bool { return col.CompareString(out.Members[i].Name, out.Members[j].Name) < 0 })
	return out, s.auditRead(ctx, a, w, d)
}

// SetCapacity changes the municipality's capacity settings (an administrator's setting).
func (s *Store) SetCapacity(ctx context.Context, c CapacitySettings) error {
	if err := c.Validate(); err != nil {
		return err
	}
	w := What{Action: audit.ActionUpdate, Object: "capacity_settings",
		Detail: fmt.Sprintf("caseload cap %d, planned %d months, wait %d days, group cap %d, experience %d years from %s (%s)",
			c.Cap, c.PlannedMonths, c.WaitDays, c.GroupCap, c.ExperienceYears, c.HeavyFrom, c.Rule)}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO capacity_settings (municipality_id, caseload_cap, planned_months, wait_days, group_cap, experience_years,
			heavy_from, experience_rule, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (municipality_id) DO UPDATE SET caseload_cap = EXCLUDED.caseload_cap, planned_months = EXCLUDED.planned_months,
			wait_days = EXCLUDED.wait_days, group_cap = EXCLUDED.group_cap, experience_years = EXCLUDED.experience_years,
			heavy_from = EXCLUDED.heavy_from, experience_rule = EXCLUDED.experience_rule, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
			a.User.MunicipalityID, c.Cap, c.PlannedMonths, c.WaitDays, c.GroupCap, c.ExperienceYears, string(c.HeavyFrom), c.Rule, tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, w, d)
	})
}

// ImportShapes stores the districts' boundaries (mapping.ParseGeoJSON): the file replaces
// every boundary, all or nothing.
func (s *Store) ImportShapes(ctx context.Context, shapes []mapping.Shape) error {
	return s.mapEdit(ctx, What{Action: audit.ActionUpdate, Object: "district_shapes"}, func(tx *Tx, mid int64) (string, error) {
		if _, err := tx.Exec(`DELETE FROM district_shapes WHERE municipality_id = $1`, mid); err != nil {
			return "", casework.Internal(err)
		}
		for _, sh := range shapes {
			g, err := json.Marshal(sh.Polygons)
			if err != nil {
				return "", casework.Internal(err)
			}
			_, err = tx.Exec(`INSERT INTO district_shapes (municipality_id, district_id, geometry, updated_at) VALUES ($1, $2, $3, $4)`,
				mid, sh.District, string(g), tx.now)
			switch {
			case isForeignKeyViolation(err):
				return "", casework.Invalid("file", "mapping.district_gone", "")
			case err != nil:
				return "", casework.Internal(err)
			}
		}
		return fmt.Sprintf("%d districts", len(shapes)), nil
	})
}

func (tx *Tx) mapShapes(mid int64) ([]mapping.Shape, error) {
	return queryAll(tx.ctx, tx, `SELECT district_id, geometry FROM district_shapes WHERE municipality_id = $1 ORDER BY district_id`, []any{mid},
		func(sc scanner) (mapping.Shape, error) {
			var sh mapping.Shape
			var g string
			if err := sc.Scan(&sh.District, &g); err != nil {
				return sh, err
			}
			return sh, json.Unmarshal([]byte(g), &sh.Polygons)
		})
}
