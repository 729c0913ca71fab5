package store

import (
	"context"
	"database/sql"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// instrument returns the municipality's definition of an instrument (its latest loaded
// version), else the built-in one.
func (tx *Tx) instrument(municipalityID int64, code string) (casework.Instrument, error) {
	var def string
	err := tx.QueryRow(`SELECT definition FROM instruments WHERE municipality_id = $1 AND code = $2 ORDER BY loaded_at DESC LIMIT 1`,
		municipalityID, code).Scan(&def)
	if err == nil {
		return casework.ParseInstrument([]byte(def))
	}
	if err != sql.ErrNoRows {
		return casework.Instrument{}, casework.Internal(err)
	}
	for _, in := range casework.BuiltinInstruments() {
		if in.Code == code {
			return in, nil
		}
	}
	return casework.Instrument{}, casework.Invalid("instrument", "assessment.instrument_unknown")
}

// Instruments lists the instruments the municipality can use: its own loaded definitions
// (latest version each) and the built-in ones it has not replaced.
func (s *Store) Instruments(ctx context.Context) ([]casework.Instrument, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	own := map[string]casework.Instrument{}
	var order []string
	err = s.view(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT code, definition FROM instruments WHERE municipality_id = $1 ORDER BY code, loaded_at`, a.User.MunicipalityID)
		if err != nil {
			return casework.Internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var code, def string
			if err := rows.Scan(&code, &def); err != nil {
				return casework.Internal(err)
			}
			in, err := casework.ParseInstrument([]byte(def))
			if err != nil {
				continue
			}
			if _, ok := own[code]; !ok {
				order = append(order, code)
			}
			own[code] = in
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var out []casework.Instrument
	for _, in := range casework.BuiltinInstruments() {
		if o, ok := own[in.Code]; ok {
			in = o
			delete(own, in.Code)
		}
		out = append(out, in)
	}
	for _, code := range order {
		if in, ok := own[code]; ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// LoadInstrument stores a definition file for the municipality (administrators). Loading the
// same code again adds a new version; assessments keep the version they were made with.
func (s *Store) LoadInstrument(ctx context.Context, definition []byte) (casework.Instrument, error) {
	w := What{Action: audit.ActionCreate, Object: "instrument"}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return casework.Instrument{}, err
	}
	in, err := casework.ParseInstrument(definition)
	if err != nil {
		return in, err
	}
	if in.Code == casework.IRKCode {
		return in, casework.Invalid("definition", "instrument.irk_builtin")
	}
	err = s.update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO instruments (municipality_id, code, version, definition, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.User.MunicipalityID, in.Code, in.Version, string(definition), tx.now, a.User.ID)
		if isUniqueViolation(err) {
			return casework.Invalid("definition", "instrument.version_exists")
		}
		if err != nil {
			return casework.Internal(err)
		}
		w.Detail = in.Code + " " + in.Version
		return tx.audit(a, w, d)
	})
	return in, err
}
