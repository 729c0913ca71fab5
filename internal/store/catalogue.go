package store

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// This file keeps each municipality's intervention catalogue: the built-in methods with the
// municipality's own facts laid over them (capacity, a note) and its own methods; whether a
// method is available, and from whom, is read from the resource registry (mapping.Offered). The catalogue holds no personal data; changes are audited like settings.

// Catalogue returns the municipality's catalogue: built-in methods (changed ones as changed),
// then its own. Case workers read it to plan; administrators to keep it.
func (s *Store) Catalogue(ctx context.Context) ([]casework.Method, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !access.Can(a, access.WorkWithCases).Allowed && !access.Can(a, access.ManageOrganisation).Allowed {
		d := access.Can(a, access.WorkWithCases)
		s.auditDenied(ctx, a, What{Action: audit.ActionRead, Object: "catalogue"}, d)
		return nil, casework.Errorf(casework.EForbidden, "error.forbidden", "catalogue needs case work or organisation rights")
	}
	own, err := s.ownMethods(ctx, a.User.MunicipalityID)
	if err != nil {
		return nil, err
	}
	// Whether a method is available here is the resource registry's answer (issue 13:2).
	offers, err := queryAll(ctx, s.rd(ctx), `SELECT name, capacity, methods FROM map_resources WHERE municipality_id = $1 AND methods <> ''`,
		[]any{a.User.MunicipalityID}, func(sc scanner) (mapping.Resource, error) {
			var r mapping.Resource
			var methods string
			err := sc.Scan(&r.Name, &r.Capacity, &methods)
			r.Methods = strings.Fields(methods)
			return r, err
		})
	if err != nil {
		return nil, casework.Internal(err)
	}
	sort.SliceStable(offers, func(i, j int) bool { return offers[i].Name < offers[j].Name })
	return mapping.Offered(casework.MergeCatalogue(casework.DefaultCatalogue(), own), offers), nil
}

func (s *Store) ownMethods(ctx context.Context, municipalityID int64) ([]casework.Method, error) {
	return queryAll(ctx, s.rd(ctx), `SELECT content, updated_at FROM catalogue_methods WHERE municipality_id = $1 ORDER BY code`,
		[]any{municipalityID}, func(sc scanner) (casework.Method, error) {
			var m casework.Method
			var content string
			if err := sc.Scan(&content, &m.UpdatedAt); err != nil {
				return m, err
			}
			at := m.UpdatedAt.UTC()
			err := json.Unmarshal([]byte(content), &m)
			m.UpdatedAt = at
			return m, err
		})
}

// Method returns one method of the municipality's catalogue.
func (s *Store) Method(ctx context.Context, code string) (casework.Method, error) {
	ms, err := s.Catalogue(ctx)
	if err != nil {
		return casework.Method{}, err
	}
	for _, m := range ms {
		if m.Code == code {
			return m, nil
		}
	}
	return casework.Method{}, casework.NotFound("method")
}

// SaveMethod stores the municipality's version of a method: a built-in one changed (same code)
// or one of its own. With isNew the code must not be taken yet. Administrators keep the
// catalogue (manage organisation).
func (s *Store) SaveMethod(ctx context.Context, m casework.Method, isNew bool) error {
	w := What{Action: audit.ActionUpdate, Object: "catalogue_method", Detail: "method " + m.Code}
	if isNew {
		w.Action = audit.ActionCreate
	}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	m.Normalise()
	w.Detail = "method " + m.Code
	if err := m.Validate(); err != nil {
		return err
	}
	builtin := slices.ContainsFunc(casework.DefaultCatalogue(), func(x casework.Method) bool { return x.Code == m.Code })
	return s.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM catalogue_methods WHERE municipality_id = $1 AND code = $2`, a.User.MunicipalityID, m.Code).Scan(&n); err != nil {
			return casework.Internal(err)
		}
		exists := builtin || n > 0
		if isNew && exists {
			return casework.Invalid("code", "catalogue.code_taken")
		}
		if !isNew && !exists {
			return casework.NotFound("method")
		}
		b, err := json.Marshal(m)
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO catalogue_methods (municipality_id, code, content, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (municipality_id, code) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			a.User.MunicipalityID, m.Code, string(b), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, w, d)
	})
}

// ResetMethod drops the municipality's changes to a built-in method (or removes one of its
// own).
func (s *Store) ResetMethod(ctx context.Context, code string) error {
	w := What{Action: audit.ActionDelete, Object: "catalogue_method", Detail: "method " + code}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM catalogue_methods WHERE municipality_id = $1 AND code = $2`, a.User.MunicipalityID, code)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("method")
		}
		return tx.audit(a, w, d)
	})
}
