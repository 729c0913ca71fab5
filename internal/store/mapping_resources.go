package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// Writing one resource of the registry (the API's create, update and delete; the CSV import
// replaces the whole registry): the same editors, one transaction with its audit entry naming
// the resource. A resource of another municipality is not found.

// CreateResource adds a resource to the registry and returns it with its id.
func (s *Store) CreateResource(ctx context.Context, r mapping.Resource) (mapping.Resource, error) {
	r.ID = newID()
	err := s.mapEdit(ctx, What{Action: audit.ActionCreate, Object: "resource", ObjectID: r.ID}, func(tx *Tx, mid int64) (string, error) {
		if err := r.Validate(); err != nil { // after the permission: a refused actor learns nothing
			return "", err
		}
		return r.Name, tx.writeResource(mid, r, true)
	})
	return r, err
}

// UpdateResource replaces a resource of the registry.
func (s *Store) UpdateResource(ctx context.Context, r mapping.Resource) (mapping.Resource, error) {
	err := s.mapEdit(ctx, What{Action: audit.ActionUpdate, Object: "resource", ObjectID: r.ID}, func(tx *Tx, mid int64) (string, error) {
		if err := r.Validate(); err != nil {
			return "", err
		}
		return r.Name, tx.writeResource(mid, r, false)
	})
	return r, err
}

// DeleteResource removes a resource from the registry.
func (s *Store) DeleteResource(ctx context.Context, id int64) error {
	return s.mapEdit(ctx, What{Action: audit.ActionDelete, Object: "resource", ObjectID: id}, func(tx *Tx, mid int64) (string, error) {
		var name string
		err := tx.QueryRow(`SELECT name FROM map_resources WHERE municipality_id = $1 AND id = $2`, mid, id).Scan(&name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return "", casework.NotFound("resource")
		case err != nil:
			return "", casework.Internal(err)
		}
		if _, err := tx.Exec(`DELETE FROM map_resources WHERE municipality_id = $1 AND id = $2`, mid, id); err != nil {
			return "", casework.Internal(err)
		}
		return name, nil
	})
}

func (tx *Tx) writeResource(mid int64, r mapping.Resource, create bool) error {
	var district any
	if r.District != 0 {
		district = r.District
	}
	needs, methods := strings.Join(r.Needs, " "), strings.Join(r.Methods, " ")
	var err error
	if create {
		_, err = tx.Exec(`INSERT INTO map_resources (id, municipality_id, name, kind, owner, district_id, address, age_from, age_to, level,
			capacity, yearly_cost, payer, evenings, weekends, needs, methods, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			r.ID, mid, r.Name, r.Kind, r.Owner, district, r.Address, r.AgeFrom, r.AgeTo, r.Level, r.Capacity, r.Cost, r.Payer,
			r.Evenings, r.Weekends, needs, methods, tx.now)
	} else {
		var res sql.Result
		res, err = tx.Exec(`UPDATE map_resources SET name = $3, kind = $4, owner = $5, district_id = $6, address = $7, age_from = $8, age_to = $9,
			level = $10, capacity = $11, yearly_cost = $12, payer = $13, evenings = $14, weekends = $15, needs = $16, methods = $17, updated_at = $18
			WHERE municipality_id = $1 AND id = $2`,
			mid, r.ID, r.Name, r.Kind, r.Owner, district, r.Address, r.AgeFrom, r.AgeTo, r.Level, r.Capacity, r.Cost, r.Payer,
			r.Evenings, r.Weekends, needs, methods, tx.now)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return casework.NotFound("resource")
			}
		}
	}
	switch {
	case isForeignKeyViolation(err):
		return casework.Invalid("district_id", "mapping.resource.district")
	case isUniqueViolation(err):
		return casework.Invalid("name", "mapping.resource.duplicate", r.Name)
	case err != nil:
		return casework.Internal(err)
	}
	return nil
}
