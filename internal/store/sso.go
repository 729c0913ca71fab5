package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Single sign-on (docs/sso.md): a municipality's administrator registers its identity
// provider (OpenID Connect: an issuer, a client id and secret) and maps the provider's groups
// to Lots roles. A person signing in through the provider is found by the provider's subject
// (user_identities); the roles follow the groups at every login.

// SSOProvider is a municipality's identity provider.
type SSOProvider struct {
	ID             int64
	MunicipalityID int64
	Slug           string // in the URLs: /login/sso/{slug}; never changes
	Kind           string // "oidc"
	Name           string // on the login button
	Issuer         string
	ClientID       string
	ClientSecret   string // sealed at rest; empty in lists
	AgencyID       int64  // the agency of users the provider creates
	CreateUsers    bool   // a person first seen becomes a user when their groups give a role
	// LinkUsers: a person first seen whose username is an existing account's of the same
	// municipality becomes that account (moving password users to single sign-on). Only for a
	// provider whose usernames the municipality controls (Entra ID's UPN).
	LinkUsers   bool
	GroupsClaim string // the ID token's claim with the group ids ("groups" in Entra ID)
	MFAACR      string // an acr value that also counts as a second factor ("" : only amr)
	Active      bool
	Groups      []SSOGroupRole
	SAML        *SAMLConfig // kind "saml" only (saml.go)
}

// SSOGroupRole maps one of the provider's groups to a Lots role.
type SSOGroupRole struct {
	GroupID string
	Role    casework.Role
}

// ProviderKey is the provider's name in user_identities.
func (p SSOProvider) ProviderKey() string { return p.Kind + ":" + p.Slug }

// RolesFor returns the roles the groups give.
func (p SSOProvider) RolesFor(groups []string) casework.RoleSet {
	var rs []casework.Role
	for _, g := range p.Groups {
		if slices.Contains(groups, g.GroupID) {
			rs = append(rs, g.Role)
		}
	}
	return casework.NewRoleSet(rs...)
}

var colSSOSecret = SealedColumn{Table: "sso_providers", Column: "client_secret", Key: "id"}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Validate checks a provider an administrator enters.
func (p *SSOProvider) Validate() error {
	var fe casework.FieldErrors
	p.Slug, p.Name, p.Issuer = strings.TrimSpace(p.Slug), strings.TrimSpace(p.Name), strings.TrimRight(strings.TrimSpace(p.Issuer), "/")
	p.ClientID, p.GroupsClaim, p.MFAACR = strings.TrimSpace(p.ClientID), strings.TrimSpace(p.GroupsClaim), strings.TrimSpace(p.MFAACR)
	if p.Kind == "" {
		p.Kind = "oidc"
	}
	if p.GroupsClaim == "" {
		p.GroupsClaim = "groups"
	}
	if !slugPattern.MatchString(p.Slug) {
		fe.Add("slug", "sso.slug_invalid")
	}
	if p.Name == "" || len(p.Name) > 100 {
		fe.Add("name", "sso.name_required")
	}
	if p.Kind == "saml" {
		p.validateSAML(&fe)
	} else {
		if !ValidIssuer(p.Issuer) {
			fe.Add("issuer", "sso.issuer_invalid")
		}
		if p.ClientID == "" {
			fe.Add("client_id", "sso.client_id_required")
		}
	}
	if p.AgencyID == 0 {
		fe.Add("agency", "user.agency_required")
	}
	for _, g := range p.Groups {
		if strings.TrimSpace(g.GroupID) == "" || !g.Role.Valid() {
			fe.Add("groups", "sso.groups_invalid")
			break
		}
	}
	return fe.Err()
}

// ValidIssuer accepts an https URL, or http on the loopback address (a provider on the same
// machine, in tests and trials).
func ValidIssuer(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	h := u.Hostname()
	return u.Scheme == "https" || (u.Scheme == "http" && (h == "127.0.0.1" || h == "localhost" || h == "::1"))
}

const ssoCols = `id, municipality_id, slug, kind, name, issuer, client_id, client_secret, agency_id, create_users,
	groups_claim, mfa_acr, active, link_users`

func (s *Store) scanSSO(sc scanner) (SSOProvider, error) {
	var p SSOProvider
	err := sc.Scan(&p.ID, &p.MunicipalityID, &p.Slug, &p.Kind, &p.Name, &p.Issuer, &p.ClientID, &p.ClientSecret,
		&p.AgencyID, &p.CreateUsers, &p.GroupsClaim, &p.MFAACR, &p.Active, &p.LinkUsers)
	if err != nil {
		return p, err
	}
	if p.ClientSecret != "" {
		if p.ClientSecret, err = s.openText(colSSOSecret, p.ClientSecret); err != nil {
			return p, err
		}
	}
	return p, nil
}

// SSOProviders lists the active providers of every municipality, for the login page (no
// secrets).
func (s *Store) SSOProviders(ctx context.Context) ([]SSOProvider, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT id, municipality_id, slug, kind, name FROM sso_providers
		WHERE active = $1 ORDER BY name, slug`, true)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []SSOProvider
	for rows.Next() {
		var p SSOProvider
		if err := rows.Scan(&p.ID, &p.MunicipalityID, &p.Slug, &p.Kind, &p.Name); err != nil {
			return nil, casework.Internal(err)
		}
		p.Active = true
		out = append(out, p)
	}
	return out, rows.Err()
}

// SSOProviderBySlug returns a provider with its secret and its group mapping, for the login
// flow. An unknown or inactive provider is not found.
func (s *Store) SSOProviderBySlug(ctx context.Context, slug string) (SSOProvider, error) {
	return s.ssoProvider(ctx, "slug", slug)
}

// SSOProviderByID is SSOProviderBySlug by id.
func (s *Store) SSOProviderByID(ctx context.Context, id int64) (SSOProvider, error) {
	return s.ssoProvider(ctx, "id", id)
}

func (s *Store) ssoProvider(ctx context.Context, col string, v any) (SSOProvider, error) {
	p, err := s.scanSSO(s.rd(ctx).QueryRowContext(ctx, `SELECT `+ssoCols+` FROM sso_providers WHERE `+col+` = $1 AND active = $2`, v, true))
	if errors.Is(err, sql.ErrNoRows) {
		return p, casework.NotFound("sso_provider")
	}
	if err != nil {
		return p, casework.Internal(err)
	}
	p.Groups, err = s.ssoGroups(ctx, s.rd(ctx), p.ID)
	if err == nil && p.Kind == "saml" {
		p.SAML, err = s.samlConfig(ctx, p.ID, true)
	}
	return p, err
}

func (s *Store) ssoGroups(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, providerID int64) ([]SSOGroupRole, error) {
	rows, err := q.QueryContext(ctx, `SELECT group_id, role FROM sso_group_roles WHERE provider_id = $1 ORDER BY group_id, role`, providerID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []SSOGroupRole
	for rows.Next() {
		var g SSOGroupRole
		if err := rows.Scan(&g.GroupID, &g.Role); err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// MunicipalSSOProviders lists the actor's municipality's providers with their mapping, for
// the administrator (secrets left out).
func (s *Store) MunicipalSSOProviders(ctx context.Context) ([]SSOProvider, error) {
	a, _, err := s.permit(ctx, access.ManageOrganisation, What{Action: audit.ActionRead, Object: "sso_provider"})
	if err != nil {
		return nil, err
	}
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT `+ssoCols+` FROM sso_providers WHERE municipality_id = $1 ORDER BY name, slug`, a.User.MunicipalityID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	var out []SSOProvider
	for rows.Next() {
		p, err := s.scanSSO(rows)
		if err != nil {
			rows.Close()
			return nil, casework.Internal(err)
		}
		p.ClientSecret = ""
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	for i := range out {
		if out[i].Groups, err = s.ssoGroups(ctx, s.rd(ctx), out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Kind == "saml" {
			if out[i].SAML, err = s.samlConfig(ctx, out[i].ID, false); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// SaveSSOProvider creates a provider (ID 0) or changes one of the actor's municipality, with
// its group mapping, in one transaction. An empty secret on a change keeps the old one.
func (s *Store) SaveSSOProvider(ctx context.Context, p *SSOProvider) error {
	w := What{Action: audit.ActionUpdate, Object: "sso_provider", ObjectID: p.ID}
	if p.ID == 0 {
		w.Action = audit.ActionCreate
	}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.MunicipalityID = a.User.MunicipalityID
	return s.update(ctx, func(tx *Tx) error {
		secret := ""
		if p.ClientSecret != "" {
			var err error
			if secret, err = tx.sealText(colSSOSecret, p.ClientSecret); err != nil {
				return err
			}
		}
		var err error
		if p.ID == 0 {
			p.ID = newID()
			_, err = tx.Exec(`INSERT INTO sso_providers (id, municipality_id, slug, kind, name, issuer, client_id, client_secret,
				agency_id, create_users, groups_claim, mfa_acr, active, created_at, link_users)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				p.ID, p.MunicipalityID, p.Slug, p.Kind, p.Name, p.Issuer, p.ClientID, secret, p.AgencyID, p.CreateUsers,
				p.GroupsClaim, p.MFAACR, p.Active, tx.now, p.LinkUsers)
		} else {
			var res sql.Result
			res, err = tx.Exec(`UPDATE sso_providers SET name = $1, issuer = $2, client_id = $3,
				client_secret = CASE WHEN $4 = '' THEN client_secret ELSE $4 END,
				agency_id = $5, create_users = $6, groups_claim = $7, mfa_acr = $8, active = $9, link_users = $12
				WHERE municipality_id = $10 AND id = $11 AND kind = $13`,
				p.Name, p.Issuer, p.ClientID, secret, p.AgencyID, p.CreateUsers, p.GroupsClaim, p.MFAACR, p.Active,
				p.MunicipalityID, p.ID, p.LinkUsers, p.Kind)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return casework.NotFound("sso_provider")
				}
			}
		}
		switch {
		case isUniqueViolation(err):
			return casework.Invalid("slug", "sso.slug_taken")
		case err != nil && isForeignKeyViolation(err):
			return casework.Invalid("agency", "user.agency_required")
		case err != nil:
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`DELETE FROM sso_group_roles WHERE provider_id = $1`, p.ID); err != nil {
			return casework.Internal(err)
		}
		seen := map[SSOGroupRole]bool{}
		for _, g := range p.Groups {
			g.GroupID = strings.TrimSpace(g.GroupID)
			if seen[g] {
				continue
			}
			seen[g] = true
			if _, err := tx.Exec(`INSERT INTO sso_group_roles (municipality_id, provider_id, group_id, role) VALUES ($1, $2, $3, $4)`,
				p.MunicipalityID, p.ID, g.GroupID, string(g.Role)); err != nil {
				return casework.Internal(err)
			}
		}
		if p.Kind == "saml" {
			if err := tx.saveSAML(p); err != nil {
				return err
			}
		}
		w.ObjectID = p.ID
		w.Detail = fmt.Sprintf("%s %s, %d group mappings", p.Kind, p.Slug, len(seen))
		return tx.audit(a, w, d)
	})
}

// SSORequest is a login on its way through the provider: what the callback must find again.
// The state's hash is the key; the row is deleted when the callback takes it, so a callback
// (and the code and ID token in it) cannot be replayed.
type SSORequest struct {
	StateHash  []byte
	ProviderID int64
	Nonce      string
	Verifier   string // PKCE code verifier
	Next       string
	Fresh      bool // a step-up: the provider must have authenticated the person just now
	ExpiresAt  time.Time
}

// BeginSSO stores a login request (and deletes requests past their time).
func (s *Store) BeginSSO(ctx context.Context, r SSORequest) error {
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM sso_requests WHERE expires_at <= $1`, tx.now); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO sso_requests (state_hash, provider_id, nonce, verifier, next, fresh, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.StateHash, r.ProviderID, r.Nonce, r.Verifier, r.Next, r.Fresh, r.ExpiresAt.UTC()); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// TakeSSO returns and deletes the login request with this state hash; a request unknown,
// already taken or past its time is unauthorized.
func (s *Store) TakeSSO(ctx context.Context, stateHash []byte) (SSORequest, error) {
	var r SSORequest
	err := s.update(ctx, func(tx *Tx) error {
		err := tx.QueryRow(`SELECT state_hash, provider_id, nonce, verifier, next, fresh, expires_at FROM sso_requests WHERE state_hash = $1`,
			stateHash).Scan(&r.StateHash, &r.ProviderID, &r.Nonce, &r.Verifier, &r.Next, &r.Fresh, &r.ExpiresAt)
		if errors.Is(err, sql.ErrNoRows) {
			return casework.Errorf(casework.EUnauthorized, "sso.state", "unknown or used state")
		}
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`DELETE FROM sso_requests WHERE state_hash = $1`, stateHash); err != nil {
			return casework.Internal(err)
		}
		if !tx.now.Before(r.ExpiresAt) {
			return casework.Errorf(casework.EUnauthorized, "sso.state", "login request expired")
		}
		return nil
	})
	return r, err
}

// SSOIdentity is what a verified ID token says of the person.
type SSOIdentity struct {
	Subject   string
	Username  string // preferred_username or e-mail
	Name      string
	Email     string
	Groups    []string
	SessionID string // the provider's sid, which its back-channel logout names
}

// SSOUser finds or creates the user the provider's subject is, and sets their roles to what
// their groups give, in one transaction. A person whose groups give no role is refused; one
// first seen becomes a user only when the provider may create users. Role changes and
// creations are audited as the provider's doing.
func (s *Store) SSOUser(ctx context.Context, p SSOProvider, id SSOIdentity) (casework.Actor, error) {
	roles := p.RolesFor(id.Groups)
	var uid int64
	err := s.update(ctx, func(tx *Tx) error {
		err := tx.QueryRow(`SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2 AND municipality_id = $3`,
			p.ProviderKey(), id.Subject, p.MunicipalityID).Scan(&uid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return casework.Internal(err)
		}
		if len(roles) == 0 {
			return casework.Errorf(casework.EForbidden, "sso.no_role", "groups map to no role")
		}
		sys := casework.Actor{User: casework.User{MunicipalityID: p.MunicipalityID, Username: p.ProviderKey()}, Via: casework.ViaSession}
		linked := false
		if uid == 0 && p.LinkUsers {
			// An account of the same username with no identity at this provider yet.
			err := tx.QueryRow(`SELECT u.id FROM users u WHERE u.municipality_id = $1 AND u.username = $2
				AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.provider = $3)`,
				p.MunicipalityID, ssoUsername(id), p.ProviderKey()).Scan(&uid)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return casework.Internal(err)
			}
			if uid != 0 {
				if _, err := tx.Exec(`INSERT INTO user_identities (municipality_id, user_id, provider, subject, created_at)
					VALUES ($1, $2, $3, $4, $5)`, p.MunicipalityID, uid, p.ProviderKey(), id.Subject, tx.now); err != nil {
					return casework.Internal(err)
				}
				linked = true
			}
		}
		if uid == 0 {
			if !p.CreateUsers {
				return casework.Errorf(casework.EForbidden, "sso.no_account", "no user for subject")
			}
			u := casework.User{MunicipalityID: p.MunicipalityID, AgencyID: p.AgencyID, Username: ssoUsername(id),
				Name: strings.TrimSpace(id.Name), Email: strings.TrimSpace(id.Email), Roles: roles, Locale: casework.LocaleSv}
			if u.Name == "" {
				u.Name = u.Username
			}
			if u.Email != "" && (!strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n<>")) {
				u.Email = ""
			}
			if err := u.Validate(); err != nil {
				return casework.Errorf(casework.EForbidden, "sso.username_invalid", "cannot make a user: %v", err)
			}
			uid = newID()
			_, err := tx.Exec(`INSERT INTO users (id, municipality_id, agency_id, username, name, email, roles, locale,
				password_hash, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $10)`,
				uid, u.MunicipalityID, u.AgencyID, u.Username, u.Name, u.Email, roles.String(), string(u.Locale), true, tx.now)
			if isUniqueViolation(err) {
				return casework.Errorf(casework.EForbidden, "sso.username_taken", "username %s taken", u.Username)
			}
			if err != nil {
				return casework.Internal(err)
			}
			if _, err := tx.Exec(`INSERT INTO user_identities (municipality_id, user_id, provider, subject, created_at)
				VALUES ($1, $2, $3, $4, $5)`, p.MunicipalityID, uid, p.ProviderKey(), id.Subject, tx.now); err != nil {
				return casework.Internal(err)
			}
			return tx.audit(sys, What{Action: audit.ActionCreate, Object: "user", ObjectID: uid, Detail: "from " + p.ProviderKey() + ": " + roles.String()},
				access.Allow(access.GroundSystem))
		}
		var old string
		var active bool
		if err := tx.QueryRow(`SELECT roles, active FROM users WHERE municipality_id = $1 AND id = $2`, p.MunicipalityID, uid).Scan(&old, &active); err != nil {
			return casework.Internal(err)
		}
		if !active {
			return casework.Errorf(casework.EForbidden, "sso.inactive", "user inactive")
		}
		detail := ""
		if linked {
			detail = "linked to " + p.ProviderKey()
		}
		if casework.ParseRoles(old).String() != roles.String() {
			if _, err := tx.Exec(`UPDATE users SET roles = $1, updated_at = $2 WHERE municipality_id = $3 AND id = $4`,
				roles.String(), tx.now, p.MunicipalityID, uid); err != nil {
				return casework.Internal(err)
			}
			detail = strings.TrimPrefix(detail+"; roles from "+p.ProviderKey()+": "+old+" -> "+roles.String(), "; ")
		}
		if detail == "" {
			return nil
		}
		return tx.audit(sys, What{Action: audit.ActionUpdate, Object: "user", ObjectID: uid, Detail: detail}, access.Allow(access.GroundSystem))
	})
	if err != nil {
		return casework.Actor{}, err
	}
	return s.Actor(ctx, p.MunicipalityID, uid, casework.ViaSession)
}

// ssoUsername makes a Lots username of the provider's: the part before "@", in lower case.
func ssoUsername(id SSOIdentity) string {
	u := id.Username
	if u == "" {
		u = id.Email
	}
	if i := strings.IndexByte(u, '@'); i >= 0 {
		u = u[:i]
	}
	return casework.NormaliseUsername(u)
}

// UseLogoutToken records a back-channel logout token's id; false when it was seen before.
func (s *Store) UseLogoutToken(ctx context.Context, providerID int64, jti string, expires time.Time) (bool, error) {
	return s.useOnce(ctx, "sso_logout_tokens", "jti", providerID, jti, expires)
}

// useOnce records a provider's message id in table (column col) until expires, clearing the
// ids expired an hour ago; false when the id was recorded before (a replay).
func (s *Store) useOnce(ctx context.Context, table, col string, providerID int64, id string, expires time.Time) (bool, error) {
	fresh := false
	err := s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM `+table+` WHERE expires_at <= $1`, tx.now.Add(-time.Hour)); err != nil {
			return casework.Internal(err)
		}
		res, err := tx.Exec(`INSERT INTO `+table+` (provider_id, `+col+`, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (provider_id, `+col+`) DO NOTHING`, providerID, id, expires.UTC())
		if err != nil {
			return casework.Internal(err)
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	return fresh, err
}

// EndIdPSessions ends the Lots sessions a provider's logout names: those of its session id,
// or when it names none, every session of its subject. It returns how many ended and writes
// one audit entry per user.
func (s *Store) EndIdPSessions(ctx context.Context, p SSOProvider, subject, sid string) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *Tx) error {
		q := `SELECT token_hash, user_id FROM sessions WHERE idp_provider = $1 AND municipality_id = $2 AND idp_subject = $3`
		args := []any{p.ID, p.MunicipalityID, subject}
		if subject == "" {
			q = `SELECT token_hash, user_id FROM sessions WHERE idp_provider = $1 AND municipality_id = $2 AND idp_session = $3`
			args[2] = sid
		} else if sid != "" {
			q += ` AND idp_session = $4`
			args = append(args, sid)
		}
		rows, err := tx.Query(q, args...)
		if err != nil {
			return casework.Internal(err)
		}
		type ended struct {
			hash []byte
			uid  int64
		}
		var all []ended
		for rows.Next() {
			var e ended
			if err := rows.Scan(&e.hash, &e.uid); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			all = append(all, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		users := map[int64]bool{}
		for _, e := range all {
			if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = $1`, e.hash); err != nil {
				return casework.Internal(err)
			}
			users[e.uid] = true
		}
		n = len(all)
		for uid := range users {
			sys := casework.Actor{User: casework.User{MunicipalityID: p.MunicipalityID, ID: uid, Username: p.ProviderKey()}, Via: casework.ViaSession}
			if err := tx.audit(sys, What{Action: audit.ActionLogout, Object: "session", ObjectID: uid, Detail: "back-channel logout from " + p.ProviderKey()},
				access.Allow(access.GroundSystem)); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// EndUserSessions ends every session of a user of the administrator's municipality, without
// deactivating them (ASVS 7.4.5: a lost phone, a suspected theft). It returns how many ended.
func (s *Store) EndUserSessions(ctx context.Context, userID int64) (int64, error) {
	w := What{Action: audit.ActionLogout, Object: "user", ObjectID: userID, Detail: "all sessions ended by an administrator"}
	a, d, err := s.permit(ctx, access.ManageUsers, w)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.update(ctx, func(tx *Tx) error {
		var one int
		if err := tx.QueryRow(`SELECT 1 FROM users WHERE municipality_id = $1 AND id = $2`, a.User.MunicipalityID, userID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return casework.NotFound("user")
			}
			return casework.Internal(err)
		}
		res, err := tx.Exec(`DELETE FROM sessions WHERE municipality_id = $1 AND user_id = $2`, a.User.MunicipalityID, userID)
		if err != nil {
			return casework.Internal(err)
		}
		n, _ = res.RowsAffected()
		w.Detail += fmt.Sprintf(" (%d)", n)
		return tx.audit(a, w, d)
	})
	return n, err
}
