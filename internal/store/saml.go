package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"lots/internal/casework"
)

// SAML 2.0 providers (docs/sso.md): an sso_providers row of kind "saml" whose Issuer is the
// identity provider's entity id and ClientID Lots' own (the service provider's) entity id,
// with a saml_providers row for what only SAML has.

// SAMLConfig is what a SAML provider has beyond the common columns.
type SAMLConfig struct {
	MetadataURL string // where the IdP's metadata was fetched from ("" : pasted)
	Metadata    string // the IdP's metadata XML
	HSAAttr     string // the attribute with the person's HSA-id ("" : the NameID is the subject)
	SPKey       string // Lots' private key for this provider, PEM; sealed at rest, empty in lists
	SPCert      string // its certificate, PEM (in Lots' metadata)
}

var colSAMLKey = SealedColumn{Table: "saml_providers", Column: "sp_key", Key: "provider_id"}

// validateSAML checks a SAML provider's own fields (Validate calls it for kind "saml").
func (p *SSOProvider) validateSAML(fe *casework.FieldErrors) {
	if p.Issuer == "" || len(p.Issuer) > 1024 || strings.ContainsAny(p.Issuer, " \t\r\n") {
		fe.Add("metadata", "saml.metadata_invalid")
	}
	if p.ClientID == "" || len(p.ClientID) > 1024 {
		fe.Add("client_id", "sso.client_id_required")
	}
	if p.SAML == nil || strings.TrimSpace(p.SAML.Metadata) == "" {
		fe.Add("metadata", "saml.metadata_invalid")
		return
	}
	p.SAML.HSAAttr = strings.TrimSpace(p.SAML.HSAAttr)
	p.SAML.MetadataURL = strings.TrimSpace(p.SAML.MetadataURL)
	if p.SAML.MetadataURL != "" && !ValidIssuer(p.SAML.MetadataURL) {
		fe.Add("metadata_url", "saml.metadata_url_invalid")
	}
	if p.ID == 0 && (p.SAML.SPKey == "" || p.SAML.SPCert == "") {
		fe.Add("metadata", "saml.metadata_invalid")
	}
}

// saveSAML writes a SAML provider's own row in the provider's transaction. An empty key on a
// change keeps the old key pair.
func (tx *Tx) saveSAML(p *SSOProvider) error {
	c := p.SAML
	key := ""
	if c.SPKey != "" {
		var err error
		if key, err = tx.sealText(colSAMLKey, c.SPKey); err != nil {
			return err
		}
	}
	_, err := tx.Exec(`INSERT INTO saml_providers (provider_id, metadata_url, metadata, hsa_attr, sp_key, sp_cert, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (provider_id) DO UPDATE SET metadata_url = excluded.metadata_url, metadata = excluded.metadata,
			hsa_attr = excluded.hsa_attr, updated_at = excluded.updated_at,
			sp_key = CASE WHEN excluded.sp_key = '' THEN saml_providers.sp_key ELSE excluded.sp_key END,
			sp_cert = CASE WHEN excluded.sp_key = '' THEN saml_providers.sp_cert ELSE excluded.sp_cert END`,
		p.ID, c.MetadataURL, c.Metadata, c.HSAAttr, key, c.SPCert, tx.now)
	if err != nil {
		return casework.Internal(err)
	}
	return nil
}

// samlConfig reads a SAML provider's own row; withKey opens the private key.
func (s *Store) samlConfig(ctx context.Context, providerID int64, withKey bool) (*SAMLConfig, error) {
	var c SAMLConfig
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT metadata_url, metadata, hsa_attr, sp_key, sp_cert FROM saml_providers
		WHERE provider_id = $1`, providerID).Scan(&c.MetadataURL, &c.Metadata, &c.HSAAttr, &c.SPKey, &c.SPCert)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casework.NotFound("sso_provider")
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	if !withKey {
		c.SPKey = ""
	} else if c.SPKey, err = s.openText(colSAMLKey, c.SPKey); err != nil {
		return nil, err
	}
	return &c, nil
}

// UseSAMLID records the id of an accepted assertion or logout request of a provider until
// expires; false when it was recorded before (a replay).
func (s *Store) UseSAMLID(ctx context.Context, providerID int64, id string, expires time.Time) (bool, error) {
	return s.useOnce(ctx, "saml_assertions", "assertion_id", providerID, id, expires)
}
