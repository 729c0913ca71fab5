package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// CreateMunicipality creates a tenant with an empty audit log. It is an operator's action
// (the demo loader, an installation script), not a user's.
func (s *Store) CreateMunicipality(ctx context.Context, m *casework.Municipality) error {
	var fe casework.FieldErrors
	if strings.TrimSpace(m.Name) == "" {
		fe.Add("name", "municipality.name_required")
	}
	if !validMunicipalityCode(m.Code) {
		fe.Add("code", "municipality.code_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	m.Settings = m.Settings.WithDefaults()
	if err := m.Settings.Validate(); err != nil {
		return err
	}
	settings, _ := json.Marshal(m.Settings)
	return s.update(ctx, func(tx *Tx) error {
		m.ID, m.CreatedAt = newID(), tx.now
		_, err := tx.Exec(`INSERT INTO municipalities (id, code, name, settings, created_at) VALUES ($1, $2, $3, $4, $5)`,
			m.ID, m.Code, strings.TrimSpace(m.Name), string(settings), tx.now)
		if isUniqueViolation(err) {
			return casework.Invalid("code", "municipality.code_taken")
		}
		if err != nil {
			return casework.Internal(err)
		}
		var empty tlog.Hash
		if _, err := tx.Exec(`INSERT INTO audit_heads (municipality_id, size, root) VALUES ($1, 0, $2)`, m.ID, empty[:]); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// validMunicipalityCode accepts a four-digit kommunkod.
func validMunicipalityCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

const municipalityCols = `id, code, name, settings, created_at`

func scanMunicipality(sc interface{ Scan(...any) error }) (casework.Municipality, error) {
	var m casework.Municipality
	var settings string
	if err := sc.Scan(&m.ID, &m.Code, &m.Name, &settings, &m.CreatedAt); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(settings), &m.Settings); err != nil {
		return m, err
	}
	m.Settings = m.Settings.WithDefaults()
	m.CreatedAt = m.CreatedAt.UTC()
	return m, nil
}

// Municipality returns a municipality by id. Its name and settings are not personal data.
func (s *Store) Municipality(ctx context.Context, id int64) (casework.Municipality, error) {
	m, err := scanMunicipality(s.rd(ctx).QueryRowContext(ctx, `SELECT `+municipalityCols+` FROM municipalities WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, casework.NotFound("municipality")
	}
	if err != nil {
		return m, casework.Internal(err)
	}
	return m, nil
}

// MunicipalityByCode returns a municipality by its kommunkod.
func (s *Store) MunicipalityByCode(ctx context.Context, code string) (casework.Municipality, error) {
	m, err := scanMunicipality(s.rd(ctx).QueryRowContext(ctx, `SELECT `+municipalityCols+` FROM municipalities WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return m, casework.NotFound("municipality")
	}
	if err != nil {
		return m, casework.Internal(err)
	}
	return m, nil
}

// Municipalities lists all tenants (for operators' commands).
func (s *Store) Municipalities(ctx context.Context) ([]casework.Municipality, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT `+municipalityCols+` FROM municipalities ORDER BY code`)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []casework.Municipality
	for rows.Next() {
		m, err := scanMunicipality(rows)
		if err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// UpdateSettings replaces the actor's municipality's settings (administrators).
func (s *Store) UpdateSettings(ctx context.Context, st casework.Settings) error {
	w := What{Action: audit.ActionUpdate, Object: "settings"}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE municipalities SET settings = $1 WHERE id = $2`, string(b), a.User.MunicipalityID); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID = a.User.MunicipalityID
		return tx.audit(a, w, d)
	})
}

func parseSettings(s string) (casework.Settings, error) {
	var st casework.Settings
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return st, err
	}
	return st.WithDefaults(), nil
}

// settingsCache keeps parsed settings by the text they were parsed from: the session's
// lookup and every case's facts read a municipality's settings on every request, and they
// change only when an administrator saves them — which stores a new text, so an entry is never
// stale. It holds a few municipalities' current and recent texts, and starts over when full.
type settingsCache struct {
	mu sync.Mutex
	m  map[string]casework.Settings
}

const maxCachedSettings = 64

// parse is parseSettings through the cache. Each caller gets its own copy of the lists in
// the settings (Settings.Clone).
func (c *settingsCache) parse(raw string) (casework.Settings, error) {
	c.mu.Lock()
	st, ok := c.m[raw]
	c.mu.Unlock()
	if !ok {
		var err error
		if st, err = parseSettings(raw); err != nil {
			return st, err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCachedSettings {
			c.m = map[string]casework.Settings{}
		}
		c.m[raw] = st
		c.mu.Unlock()
	}
	return st.Clone(), nil
}
