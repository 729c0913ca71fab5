package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/economics"
)

// This file keeps each municipality's cost register for the avoided-cost report
// (docs/economics.md): its unit costs laid over the national defaults, the price-index years it
// adds, and its assumptions. The register holds no personal data. Those who see the report
// (view aggregates) and those who keep the register (edit cost register: the steering group and
// the administrator) read it; only the latter change it, each change in one transaction with its
// audit entry.

// CostRegister is a municipality's register as the report uses it.
type CostRegister struct {
	// Items are every built-in slot (priced by default, by the municipality, or not at all),
	// then interventions and the municipality's own items.
	Items []economics.UnitCost
	// Index is the price index: SCB's shipped years and the municipality's own.
	Index economics.Index
	// Methods name the municipality's catalogue's methods by code, for pricing interventions.
	Methods map[string]string
	// Assumptions are the municipality's, or the defaults when it has set none.
	Assumptions        economics.Assumptions
	AssumptionsSaved   bool
	AssumptionsSavedAt time.Time
}

// Item returns the register's item with code, or false.
func (r *CostRegister) Item(code string) (economics.UnitCost, bool) {
	for _, u := range r.Items {
		if u.Code == code {
			return u, true
		}
	}
	return economics.UnitCost{}, false
}

// readCostRegister permits the actors who see the report or keep the register.
func (s *Store) readCostRegister(ctx context.Context) (casework.Actor, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return a, err
	}
	if !access.Can(a, access.ViewAggregates).Allowed && !access.Can(a, access.EditCostRegister).Allowed {
		s.auditDenied(ctx, a, What{Action: audit.ActionRead, Object: "cost_register"}, access.Can(a, access.EditCostRegister))
		return a, casework.Errorf(casework.EForbidden, "error.forbidden", "the cost register needs aggregates or the register")
	}
	return a, nil
}

// CostRegister returns the actor's municipality's register.
func (s *Store) CostRegister(ctx context.Context) (*CostRegister, error) {
	a, err := s.readCostRegister(ctx)
	if err != nil {
		return nil, err
	}
	var r *CostRegister
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		r, err = tx.costRegister(a.User.MunicipalityID)
		return err
	})
	return r, err
}

// costRegister reads a municipality's register inside tx.
func (tx *Tx) costRegister(municipalityID int64) (*CostRegister, error) {
	own, err := tx.ownUnitCosts(municipalityID)
	if err != nil {
		return nil, err
	}
	years, err := tx.ownIndexYears(municipalityID)
	if err != nil {
		return nil, err
	}
	methods, err := tx.catalogueNames(municipalityID)
	if err != nil {
		return nil, err
	}
	r := &CostRegister{Items: economics.MergeRegister(economics.DefaultRegister(), own), Index: economics.NewIndex(years),
		Assumptions: economics.DefaultAssumptions(), Methods: methods}
	var content string
	var at time.Time
	err = tx.QueryRow(`SELECT content, updated_at FROM economics_settings WHERE municipality_id = $1`, municipalityID).Scan(&content, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, casework.Internal(err)
	default:
		var as economics.Assumptions
		if err := json.Unmarshal([]byte(content), &as); err != nil {
			return nil, casework.Internal(err)
		}
		r.Assumptions, r.AssumptionsSaved, r.AssumptionsSavedAt = as.WithDefaults(), true, at.UTC()
	}
	return r, nil
}

// unitCostContent is what the content column holds: the item but its code, category, unit,
// amounts and price year, which have columns of their own.
type unitCostContent struct {
	Name      casework.Text    `json:"name,omitempty"`
	Source    string           `json:"source"`
	URL       string           `json:"url,omitempty"`
	Tag       economics.Tag    `json:"tag"`
	Note      casework.Text    `json:"note,omitempty"`
	Shares    economics.Shares `json:"shares"`
	PerCourse float64          `json:"per_course,omitempty"`
}

func (tx *Tx) ownUnitCosts(municipalityID int64) ([]economics.UnitCost, error) {
	rows, err := tx.Query(`SELECT code, category, unit, amount, low, high, price_year, content, updated_at FROM unit_costs
		WHERE municipality_id = $1 ORDER BY code`, municipalityID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []economics.UnitCost
	for rows.Next() {
		var u economics.UnitCost
		var content string
		if err := rows.Scan(&u.Code, &u.Category, &u.Unit, &u.Amount, &u.Low, &u.High, &u.PriceYear, &content, &u.UpdatedAt); err != nil {
			return nil, casework.Internal(err)
		}
		var c unitCostContent
		if err := json.Unmarshal([]byte(content), &c); err != nil {
			return nil, casework.Internal(err)
		}
		u.Name, u.Source, u.URL, u.Tag, u.Note, u.Shares, u.PerCourse = c.Name, c.Source, c.URL, c.Tag, c.Note, c.Shares, c.PerCourse
		u.UpdatedAt = u.UpdatedAt.UTC()
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

func (tx *Tx) ownIndexYears(municipalityID int64) ([]economics.IndexYear, error) {
	rows, err := tx.Query(`SELECT year, value, source, url FROM price_indexes WHERE municipality_id = $1 ORDER BY year`, municipalityID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []economics.IndexYear
	for rows.Next() {
		var y economics.IndexYear
		var hundredths int64
		if err := rows.Scan(&y.Year, &hundredths, &y.Source, &y.URL); err != nil {
			return nil, casework.Internal(err)
		}
		y.Value = float64(hundredths) / 100
		out = append(out, y)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

// SaveUnitCost stores the municipality's figure for an item: a built-in slot's own figure, an
// intervention, or an item of its own (with isNew, its code must not be taken). The item is
// normalised and checked against the municipality's price index in the same transaction as the
// write; a fault refuses the whole, naming the field. The audit entry records the code, the
// amount and the price year.
func (s *Store) SaveUnitCost(ctx context.Context, u economics.UnitCost, isNew bool) error {
	u.Normalise()
	w := What{Action: audit.ActionUpdate, Object: "unit_cost", Detail: "unit cost " + u.Code}
	if isNew {
		w.Action = audit.ActionCreate
	}
	a, d, err := s.permit(ctx, access.EditCostRegister, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		years, err := tx.ownIndexYears(mid)
		if err != nil {
			return err
		}
		if err := u.Validate(economics.NewIndex(years)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM unit_costs WHERE municipality_id = $1 AND code = $2`, mid, u.Code).Scan(&n); err != nil {
			return casework.Internal(err)
		}
		if isNew && (n > 0 || economics.IsBuiltin(u.Code)) {
			return casework.Invalid("code", "economics.code_taken")
		}
		b, err := json.Marshal(unitCostContent{Name: u.Name, Source: u.Source, URL: u.URL, Tag: u.Tag, Note: u.Note, Shares: u.Shares, PerCourse: u.PerCourse})
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO unit_costs (municipality_id, code, category, unit, amount, low, high, price_year, content, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (municipality_id, code) DO UPDATE SET category = excluded.category, unit = excluded.unit, amount = excluded.amount,
				low = excluded.low, high = excluded.high, price_year = excluded.price_year, content = excluded.content,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			mid, u.Code, string(u.Category), string(u.Unit), int64(u.Amount), int64(u.Low), int64(u.High), u.PriceYear, string(b), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		w.Detail = fmt.Sprintf("unit cost %s %s per %s (%s–%s), price year %d", u.Code, u.Amount, u.Unit, u.Low, u.High, u.PriceYear)
		return tx.audit(a, w, d)
	})
}

// ResetUnitCost drops the municipality's figure for an item: a built-in one goes back to the
// national default (or to unpriced), an intervention or own item is removed.
func (s *Store) ResetUnitCost(ctx context.Context, code string) error {
	w := What{Action: audit.ActionDelete, Object: "unit_cost", Detail: "unit cost " + code}
	a, d, err := s.permit(ctx, access.EditCostRegister, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM unit_costs WHERE municipality_id = $1 AND code = $2`, a.User.MunicipalityID, code)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("unit cost")
		}
		return tx.audit(a, w, d)
	})
}

// SavePriceIndex adds (or corrects) a year of the price index the municipality keeps: a year
// Lots does not ship, with SCB's figure.
func (s *Store) SavePriceIndex(ctx context.Context, y economics.IndexYear) error {
	w := What{Action: audit.ActionUpdate, Object: "price_index", Detail: fmt.Sprintf("price index %d", y.Year)}
	a, d, err := s.permit(ctx, access.EditCostRegister, w)
	if err != nil {
		return err
	}
	if err := y.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO price_indexes (municipality_id, year, value, source, url, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (municipality_id, year) DO UPDATE SET value = excluded.value, source = excluded.source, url = excluded.url,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			a.User.MunicipalityID, y.Year, int64(math.Round(y.Value*100)), y.Source, y.URL, tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		w.Detail = fmt.Sprintf("price index %d = %.2f", y.Year, y.Value)
		return tx.audit(a, w, d)
	})
}

// SaveEconomicsAssumptions stores the municipality's assumptions, checked against its index.
func (s *Store) SaveEconomicsAssumptions(ctx context.Context, as economics.Assumptions) error {
	w := What{Action: audit.ActionUpdate, Object: "economics_assumptions"}
	a, d, err := s.permit(ctx, access.EditCostRegister, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		years, err := tx.ownIndexYears(a.User.MunicipalityID)
		if err != nil {
			return err
		}
		if err := as.Validate(economics.NewIndex(years)); err != nil {
			return err
		}
		b, err := json.Marshal(as)
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO economics_settings (municipality_id, content, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (municipality_id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			a.User.MunicipalityID, string(b), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		w.Detail = fmt.Sprintf("assumptions price year %d, coordinator FTE %.2f, attribution %.2f (%.2f–%.2f), persistence %.1f (%.1f–%.1f), discount %.3f (%.3f–%.3f)",
			as.PriceYear, as.CoordinatorFTE, as.Attribution.Value, as.Attribution.Low, as.Attribution.High,
			as.Persistence.Value, as.Persistence.Low, as.Persistence.High, as.Discount.Value, as.Discount.Low, as.Discount.High)
		return tx.audit(a, w, d)
	})
}
