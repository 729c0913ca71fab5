package store

import (
	"context"

	"lots/internal/casework"
)

// Group synchronisation (docs/sso.md, "Group changes on a schedule"): the refresh token of a
// person's latest single sign-on, sealed, so that a scheduled job can ask the provider for
// their groups again between sign-ins.

var colSSORefresh = SealedColumn{Table: "sso_refresh_tokens", Column: "token", Key: "id"}

// SSORefresh is a stored refresh token.
type SSORefresh struct {
	ID             int64
	MunicipalityID int64
	ProviderID     int64
	UserID         int64
	Subject        string
	Token          string
}

// SaveSSORefresh keeps (or replaces) the refresh token of a provider's subject.
func (s *Store) SaveSSORefresh(ctx context.Context, r SSORefresh) error {
	return s.update(ctx, func(tx *Tx) error {
		sealed, err := tx.sealText(colSSORefresh, r.Token)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sso_refresh_tokens WHERE provider_id = $1 AND subject = $2`, r.ProviderID, r.Subject); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO sso_refresh_tokens (id, municipality_id, provider_id, user_id, subject, token, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), r.MunicipalityID, r.ProviderID, r.UserID, r.Subject, sealed, tx.now); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// SSORefreshTokens lists every stored refresh token, opened.
func (s *Store) SSORefreshTokens(ctx context.Context) ([]SSORefresh, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT id, municipality_id, provider_id, user_id, subject, token FROM sso_refresh_tokens ORDER BY id`)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []SSORefresh
	for rows.Next() {
		var r SSORefresh
		if err := rows.Scan(&r.ID, &r.MunicipalityID, &r.ProviderID, &r.UserID, &r.Subject, &r.Token); err != nil {
			return nil, casework.Internal(err)
		}
		if r.Token, err = s.openText(colSSORefresh, r.Token); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DropSSORefresh forgets a subject's refresh token (the provider refused it).
func (s *Store) DropSSORefresh(ctx context.Context, providerID int64, subject string) error {
	if _, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM sso_refresh_tokens WHERE provider_id = $1 AND subject = $2`, providerID, subject); err != nil {
		return casework.Internal(err)
	}
	return nil
}
