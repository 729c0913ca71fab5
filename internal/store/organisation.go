package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// The organisation (districts, agencies, units) is not personal data; reading it needs only a
// municipality, writing it is an administrator's (or the system actor's) action, audited.

// orgUpdate runs an organisation change for the actor on ctx in the actor's municipality.
func (s *Store) orgUpdate(ctx context.Context, object string, fn func(tx *Tx, municipalityID int64) (int64, error)) error {
	w := What{Action: audit.ActionCreate, Object: object}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		id, err := fn(tx, a.User.MunicipalityID)
		if err != nil {
			return err
		}
		w.ObjectID = id
		return tx.audit(a, w, d)
	})
}

// CreateDistrict adds a district to a municipality.
func (s *Store) CreateDistrict(ctx context.Context, d *casework.District) error {
	d.Name = strings.TrimSpace(d.Name)
	if d.Name == "" {
		return casework.Invalid("name", "org.name_required")
	}
	return s.orgUpdate(ctx, "district", func(tx *Tx, mid int64) (int64, error) {
		d.ID, d.MunicipalityID = newID(), mid
		_, err := tx.Exec(`INSERT INTO districts (id, municipality_id, name) VALUES ($1, $2, $3)`, d.ID, d.MunicipalityID, d.Name)
		return d.ID, orgInsertErr(err)
	})
}

// CreateAgency adds an agency to a municipality.
func (s *Store) CreateAgency(ctx context.Context, a *casework.Agency) error {
	a.Name = strings.TrimSpace(a.Name)
	var fe casework.FieldErrors
	if a.Name == "" {
		fe.Add("name", "org.name_required")
	}
	if !a.Kind.Valid() {
		fe.Add("kind", "org.kind_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.orgUpdate(ctx, "agency", func(tx *Tx, mid int64) (int64, error) {
		a.ID, a.MunicipalityID = newID(), mid
		_, err := tx.Exec(`INSERT INTO agencies (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)`, a.ID, a.MunicipalityID, a.Name, string(a.Kind))
		return a.ID, orgInsertErr(err)
	})
}

// CreateUnit adds a unit to an agency of the same municipality.
func (s *Store) CreateUnit(ctx context.Context, u *casework.Unit) error {
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		return casework.Invalid("name", "org.name_required")
	}
	return s.orgUpdate(ctx, "unit", func(tx *Tx, mid int64) (int64, error) {
		u.ID, u.MunicipalityID = newID(), mid
		_, err := tx.Exec(`INSERT INTO units (id, municipality_id, agency_id, name) VALUES ($1, $2, $3, $4)`, u.ID, u.MunicipalityID, u.AgencyID, u.Name)
		return u.ID, orgInsertErr(err)
	})
}

func orgInsertErr(err error) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return casework.Invalid("name", "org.name_taken")
	case isForeignKeyViolation(err):
		return casework.NotFound("parent")
	default:
		return casework.Internal(err)
	}
}

// Districts lists a municipality's districts by name.
func (s *Store) Districts(ctx context.Context, municipalityID int64) ([]casework.District, error) {
	return queryAll(ctx, s.rd(ctx), `SELECT id, municipality_id, name FROM districts WHERE municipality_id = $1 ORDER BY name`,
		[]any{municipalityID}, func(sc scanner) (casework.District, error) {
			var d casework.District
			return d, sc.Scan(&d.ID, &d.MunicipalityID, &d.Name)
		})
}

// Agencies lists a municipality's agencies by name.
func (s *Store) Agencies(ctx context.Context, municipalityID int64) ([]casework.Agency, error) {
	return queryAll(ctx, s.rd(ctx), `SELECT id, municipality_id, name, kind FROM agencies WHERE municipality_id = $1 ORDER BY name`,
		[]any{municipalityID}, scanAgency)
}

func scanAgency(sc scanner) (casework.Agency, error) {
	var a casework.Agency
	var kind string
	err := sc.Scan(&a.ID, &a.MunicipalityID, &a.Name, &kind)
	a.Kind = casework.AgencyKind(kind)
	return a, err
}

// Agency returns one agency of the municipality.
func (s *Store) Agency(ctx context.Context, municipalityID, id int64) (casework.Agency, error) {
	a, err := scanAgency(s.rd(ctx).QueryRowContext(ctx, `SELECT id, municipality_id, name, kind FROM agencies WHERE municipality_id = $1 AND id = $2`, municipalityID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, casework.NotFound("agency")
	}
	if err != nil {
		return a, casework.Internal(err)
	}
	return a, nil
}

// Units lists a municipality's units by agency and name.
func (s *Store) Units(ctx context.Context, municipalityID int64) ([]casework.Unit, error) {
	return queryAll(ctx, s.rd(ctx), `SELECT u.id, u.municipality_id, u.agency_id, u.name FROM units u
		JOIN agencies a ON a.id = u.agency_id WHERE u.municipality_id = $1 ORDER BY a.name, u.name`,
		[]any{municipalityID}, func(sc scanner) (casework.Unit, error) {
			var u casework.Unit
			return u, sc.Scan(&u.ID, &u.MunicipalityID, &u.AgencyID, &u.Name)
		})
}

type scanner interface{ Scan(...any) error }

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// queryAll runs q and scans every row with scan.
func queryAll[T any](ctx context.Context, db querier, q string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}
