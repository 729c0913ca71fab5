package auth

import (
	"context"
	"errors"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"lots/internal/casework"
	"lots/internal/store"
)

// Group changes at the identity provider reach Lots' roles on a schedule, not only at the next
// sign-in (docs/sso.md). For every person whose latest single sign-on left a refresh token,
// SyncGroups asks the provider for a new ID token with it, verifies it like a login's (issuer,
// audience, signature, expiry; the subject must be the same person) and sets the roles from
// its groups with the same mapping as at sign-in (store.SSOUser, audited as the provider's
// doing). When the provider refuses the refresh token (the person was removed, or their
// session revoked), or their groups now give no role, the person's sessions from that provider
// end and the token is forgotten: the next sign-in decides again.

// GroupSync is what one run did.
type GroupSync struct {
	Checked, Changed, Ended, Failed int
}

// SyncGroups runs the group synchronisation over every stored refresh token.
func (s *Service) SyncGroups(ctx context.Context) (GroupSync, error) {
	var out GroupSync
	list, err := s.Store.SSORefreshTokens(ctx)
	if err != nil {
		return out, err
	}
	for _, rt := range list {
		out.Checked++
		p, err := s.Store.SSOProviderByID(ctx, rt.ProviderID)
		if err != nil {
			out.Failed++
			continue // an inactive provider: its people cannot sign in either
		}
		changed, ended, err := s.syncOne(ctx, p, rt)
		switch {
		case err != nil:
			out.Failed++
			if s.Log != nil {
				s.Log.Warn("group synchronisation", "provider", p.ProviderKey(), "user", rt.UserID, "err", err)
			}
		case ended:
			out.Ended++
		case changed:
			out.Changed++
		}
	}
	return out, nil
}

func (s *Service) syncOne(ctx context.Context, p store.SSOProvider, rt store.SSORefresh) (changed, ended bool, err error) {
	c, err := s.oidcClient(ctx, p)
	if err != nil {
		return false, false, err // the provider unreachable: try again next time
	}
	hctx := oidc.ClientContext(ctx, s.ssoHTTP())
	tok, err := c.config(p, "").TokenSource(hctx, &oauth2.Token{RefreshToken: rt.Token}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			return false, true, s.endFromProvider(ctx, p, rt, "refresh_refused")
		}
		return false, false, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return false, false, errors.New("no id_token in the refresh answer")
	}
	idt, err := s.verifier(c, p).Verify(hctx, raw)
	if err != nil {
		return false, false, err
	}
	if idt.Subject != rt.Subject {
		return false, false, errors.New("the refreshed ID token names another subject")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return false, false, err
	}
	if tok.RefreshToken != "" && tok.RefreshToken != rt.Token {
		if err := s.Store.SaveSSORefresh(ctx, store.SSORefresh{MunicipalityID: rt.MunicipalityID, ProviderID: rt.ProviderID,
			UserID: rt.UserID, Subject: rt.Subject, Token: tok.RefreshToken}); err != nil {
			return false, false, err
		}
	}
	before, err := s.Store.Actor(ctx, rt.MunicipalityID, rt.UserID, casework.ViaSession)
	if err != nil {
		return false, true, s.endFromProvider(ctx, p, rt, "inactive")
	}
	after, err := s.Store.SSOUser(ctx, p, store.SSOIdentity{Subject: rt.Subject, Username: str(claims["preferred_username"]),
		Name: str(claims["name"]), Email: str(claims["email"]), Groups: strs(claims[p.GroupsClaim])})
	if err != nil {
		if casework.ErrorCode(err) == casework.EForbidden { // no role any more
			return false, true, s.endFromProvider(ctx, p, rt, casework.AsError(err).Key)
		}
		return false, false, err
	}
	return before.User.Roles.String() != after.User.Roles.String(), false, nil
}

// endFromProvider ends a person's sessions from provider p and forgets the refresh token.
func (s *Service) endFromProvider(ctx context.Context, p store.SSOProvider, rt store.SSORefresh, reason string) error {
	if _, err := s.Store.EndIdPSessions(ctx, p, rt.Subject, ""); err != nil {
		return err
	}
	if s.Log != nil {
		s.Log.Info("group synchronisation ended sessions", "provider", p.ProviderKey(), "user", rt.UserID, "reason", reason)
	}
	return s.Store.DropSSORefresh(ctx, p.ID, rt.Subject)
}
