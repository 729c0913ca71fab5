package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
)

// The avoided-cost report is frozen like the dashboard's releases (releases.go): when a part of
// a half-year's release falls due (the half-year a month after it ends, the follow-ups six and
// twelve months after closure seven and thirteen months after), the report is computed once
// with the municipality's saved assumptions and register and stored in economics_releases. The
// page, the API and the national export show the stored report of the latest part due, so a
// value recorded late — an indicator registered after publication — does not change what was
// published. Recomputing (EconomicsQuery.Recompute) or a what-if computes from today's data and
// lists the differences from the published report (economics.Compare).

// frozenContent is a stored report: the report and the names of the methods it priced, as they
// were.
type frozenContent struct {
	Report      json.RawMessage   `json:"report"`
	MethodNames map[string]string `json:"method_names"`
}

// Frozen says which stored report is shown: the release part it was frozen with and when.
type Frozen struct {
	Part       string
	ComputedAt time.Time
}

// latestDuePart is the last part of a period's release that is due at now.
func latestDuePart(p stats.Period, now time.Time) string {
	part := stats.PartMain
	for _, x := range stats.Parts {
		if !stats.DueAt(p, x).After(now) {
			part = x
		}
	}
	return part
}

// frozenEconomics returns the stored report of the latest due part of a published half-year,
// computing and storing it first when it is not there (a half-year published before reports
// were frozen, or a part whose release was made without it). When two requests freeze the
// same part at once, the first stored wins and both return it.
func (s *Store) frozenEconomics(ctx context.Context, municipalityID int64, p stats.Period) (*EconomicsReport, *Frozen, error) {
	part := latestDuePart(p, s.now())
	out, fr, err := s.storedEconomics(ctx, municipalityID, p, part)
	if err != nil || out != nil {
		return out, fr, err
	}
	if err := s.freezeEconomics(ctx, municipalityID, p, part); err != nil {
		return nil, nil, err
	}
	out, fr, err = s.storedEconomics(ctx, municipalityID, p, part)
	if err == nil && out == nil {
		err = casework.Internal(fmt.Errorf("economics release %s %s not stored", p, part))
	}
	return out, fr, err
}

// storedEconomics reads a stored report; nil when there is none.
func (s *Store) storedEconomics(ctx context.Context, municipalityID int64, p stats.Period, part string) (*EconomicsReport, *Frozen, error) {
	var content string
	var computed time.Time
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT content, computed_at FROM economics_releases WHERE municipality_id = $1 AND period = $2 AND part = $3`,
		municipalityID, p.String(), part).Scan(&content, &computed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil, nil
	case err != nil:
		return nil, nil, casework.Internal(err)
	}
	var fc frozenContent
	if err := json.Unmarshal([]byte(content), &fc); err != nil {
		return nil, nil, casework.Internal(fmt.Errorf("economics release: %w", err))
	}
	r, err := economics.UnmarshalFrozen(fc.Report)
	if err != nil {
		return nil, nil, casework.Internal(err)
	}
	if fc.MethodNames == nil {
		fc.MethodNames = map[string]string{}
	}
	return &EconomicsReport{Period: p, Report: r, MethodNames: fc.MethodNames}, &Frozen{Part: part, ComputedAt: computed.UTC()}, nil
}

// freezeEconomics computes a period's report with the saved assumptions and stores it for a
// part, unless one is stored already.
func (s *Store) freezeEconomics(ctx context.Context, municipalityID int64, p stats.Period, part string) error {
	r, err := s.economics(ctx, municipalityID, EconomicsQuery{Period: p})
	if err != nil {
		return err
	}
	rep, err := economics.MarshalFrozen(r.Report)
	if err != nil {
		return casework.Internal(err)
	}
	content, err := json.Marshal(frozenContent{Report: rep, MethodNames: r.MethodNames})
	if err != nil {
		return casework.Internal(err)
	}
	computed := s.now().UTC().Truncate(time.Second)
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO economics_releases (municipality_id, period, part, computed_at, content) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (municipality_id, period, part) DO NOTHING`, municipalityID, p.String(), part, computed, string(content)); err != nil {
			return casework.Internal(fmt.Errorf("store economics release: %w", err))
		}
		return nil
	})
}

// frozenEconomicsReport is the published report with the register as it stands (for the
// items' names and the saved assumptions the what-if form starts from).
func (s *Store) frozenEconomicsReport(ctx context.Context, municipalityID int64, p stats.Period) (*EconomicsReport, *Frozen, error) {
	out, fr, err := s.frozenEconomics(ctx, municipalityID, p)
	if err != nil {
		return nil, nil, err
	}
	err = s.view(ctx, func(tx *Tx) error {
		reg, err := tx.costRegister(municipalityID)
		out.Register, out.Now = reg, tx.now
		return err
	})
	return out, fr, err
}
