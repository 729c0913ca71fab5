package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
)

// Passkeys (docs/passkeys.md) with github.com/go-webauthn/webauthn: a signed-in user registers
// a passkey on their security page; it then serves as the second factor after the password,
// as a passwordless login (a discoverable credential with user verification, which is itself
// two factors), and for step-up. Every ceremony's challenge is stored once (the store's
// passkey_challenges), bound to the browser by a random token in a cookie, taken by the
// answer and refused after PasskeyTTL. A signature counter that does not go up marks the
// passkey as possibly cloned: the login is refused and the passkey stays refused until its
// owner removes it.

// PasskeyTTL is how long a ceremony may take.
const PasskeyTTL = 5 * time.Minute

// PasskeyCeremony is a ceremony begun: the options for navigator.credentials (JSON) and the
// token the browser keeps in a cookie until it answers.
type PasskeyCeremony struct {
	Options json.RawMessage
	Token   string
}

// passkeyUser is a Lots user as the WebAuthn library sees one.
type passkeyUser struct {
	handle []byte
	name   string
	title  string
	keys   []store.Passkey
	creds  []webauthn.Credential
}

func (u *passkeyUser) WebAuthnID() []byte                         { return u.handle }
func (u *passkeyUser) WebAuthnName() string                       { return u.name }
func (u *passkeyUser) WebAuthnDisplayName() string                { return u.title }
func (u *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func (u *passkeyUser) key(credentialID []byte) (store.Passkey, bool) {
	for _, k := range u.keys {
		if bytes.Equal(k.CredentialID, credentialID) {
			return k, true
		}
	}
	return store.Passkey{}, false
}

// relyingParty is the WebAuthn relying party of origin (Lots' own origin as the browser sees
// it: the RP ID is its host name, so a passkey made for lots.kommun.se works there only).
func relyingParty(origin string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return nil, casework.Errorf(casework.EInvalid, "passkey.failed", "no origin")
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID: u.Hostname(), RPDisplayName: "Lots", RPOrigins: []string{origin},
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationPreferred,
		},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: PasskeyTTL, TimeoutUVD: PasskeyTTL},
			Registration: webauthn.TimeoutConfig{Timeout: PasskeyTTL, TimeoutUVD: PasskeyTTL},
		},
	})
	if err != nil {
		// An origin that is no domain (an IP address) cannot have passkeys.
		return nil, casework.Errorf(casework.EInvalid, "passkey.origin", "relying party %s: %v", origin, err)
	}
	return wa, nil
}

// passkeyUserOf reads a user's passkeys as the library wants them.
func (s *Service) passkeyUserOf(ctx context.Context, u casework.User) (*passkeyUser, error) {
	keys, err := s.Store.PasskeysOf(ctx, u.MunicipalityID, u.ID)
	if err != nil {
		return nil, err
	}
	pu := &passkeyUser{name: u.Username, title: u.Name, keys: keys}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return nil, casework.Internal(err)
		}
		pu.creds = append(pu.creds, c)
		pu.handle = k.UserHandle
	}
	if pu.handle == nil {
		pu.handle = make([]byte, 32)
		_, _ = rand.Read(pu.handle)
	}
	return pu, nil
}

// begin stores a ceremony's session data and returns its options and cookie token.
func (s *Service) beginPasskey(ctx context.Context, purpose string, u casework.User, options any, sd *webauthn.SessionData) (PasskeyCeremony, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return PasskeyCeremony{}, casework.Internal(err)
	}
	raw, err := json.Marshal(sd)
	if err != nil {
		return PasskeyCeremony{}, casework.Internal(err)
	}
	token, hash := NewSessionToken()
	if err := s.Store.BeginPasskey(ctx, store.PasskeyChallenge{KeyHash: hash, MunicipalityID: u.MunicipalityID, UserID: u.ID,
		Purpose: purpose, Session: raw, ExpiresAt: s.Now().Add(PasskeyTTL)}); err != nil {
		return PasskeyCeremony{}, err
	}
	return PasskeyCeremony{Options: opts, Token: token}, nil
}

// take takes a ceremony (once) and reads its session data.
func (s *Service) takePasskey(ctx context.Context, token, purpose string) (store.PasskeyChallenge, webauthn.SessionData, error) {
	var sd webauthn.SessionData
	if token == "" {
		return store.PasskeyChallenge{}, sd, casework.Errorf(casework.EUnauthorized, "passkey.challenge", "no ceremony in this browser")
	}
	c, err := s.Store.TakePasskey(ctx, HashToken(token), purpose)
	if err != nil {
		return c, sd, err
	}
	if err := json.Unmarshal(c.Session, &sd); err != nil {
		return c, sd, casework.Internal(err)
	}
	return c, sd, nil
}

func passkeyErr(format string, args ...any) error {
	return casework.Errorf(casework.EUnauthorized, "passkey.failed", format, args...)
}

// refusePasskey logs a refused ceremony in the access log of the user's municipality (when
// known) and in the server log, and returns err as the caller's answer.
func (s *Service) refusePasskey(ctx context.Context, a casework.Actor, action, reason string, err error) error {
	if a.User.MunicipalityID != 0 {
		_ = s.Store.AuditSystem(ctx, audit.Entry{
			MunicipalityID: a.User.MunicipalityID, UserID: a.User.ID, Username: a.User.Username, Roles: a.User.Roles.String(),
			AgencyID: a.User.AgencyID, AgencyKind: string(a.AgencyKind), Via: casework.ViaSession,
			Action: action, Object: "passkey", ObjectID: a.User.ID, Ground: "denied:passkey_" + reason,
			Detail: "passkey_" + reason + casework.FromAddr(casework.ClientAddrFrom(ctx)),
		})
	}
	if s.Log != nil {
		s.Log.Warn("passkey refused", "reason", reason, "user", a.User.ID, "err", err)
	}
	var ce *casework.Error
	if errors.As(err, &ce) {
		switch ce.Code {
		case casework.EInternal, casework.EInvalid, casework.EConflict, casework.ETooMany:
			return err
		}
		if ce.Key == "passkey.challenge" { // its own message: start again
			return err
		}
	}
	return passkeyErr("%s: %v", reason, err)
}

// BeginPasskeyRegistration starts adding a passkey for the signed-in actor at origin. The
// passkeys they have are excluded (the same authenticator is not registered twice).
func (s *Service) BeginPasskeyRegistration(ctx context.Context, a casework.Actor, origin string) (PasskeyCeremony, error) {
	wa, err := relyingParty(origin)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	u, err := s.passkeyUserOf(ctx, a.User)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	creation, sd, err := wa.BeginRegistration(u, webauthn.WithExclusions(webauthn.Credentials(u.creds).CredentialDescriptors()))
	if err != nil {
		return PasskeyCeremony{}, casework.Internal(err)
	}
	return s.beginPasskey(ctx, store.PasskeyRegister, a.User, creation, sd)
}

// FinishPasskeyRegistration checks the authenticator's answer (body: the credential as JSON)
// to the actor's own ceremony and stores the passkey under name.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, a casework.Actor, origin, token, name string, body []byte) (store.Passkey, error) {
	if _, err := store.ValidatePasskeyName(name); err != nil {
		return store.Passkey{}, err
	}
	c, sd, err := s.takePasskey(ctx, token, store.PasskeyRegister)
	if err != nil {
		return store.Passkey{}, s.refusePasskey(ctx, a, audit.ActionCreate, "challenge", err)
	}
	if c.UserID != a.User.ID || c.MunicipalityID != a.User.MunicipalityID {
		return store.Passkey{}, s.refusePasskey(ctx, a, audit.ActionCreate, "other_user", errors.New("ceremony of another user"))
	}
	wa, err := relyingParty(origin)
	if err != nil {
		return store.Passkey{}, err
	}
	u, err := s.passkeyUserOf(ctx, a.User)
	if err != nil {
		return store.Passkey{}, err
	}
	// The handle the ceremony was begun with (a first passkey's handle is new then).
	u.handle = sd.UserID
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		return store.Passkey{}, s.refusePasskey(ctx, a, audit.ActionCreate, "malformed", err)
	}
	cred, err := wa.CreateCredential(u, sd, parsed)
	if err != nil {
		return store.Passkey{}, s.refusePasskey(ctx, a, audit.ActionCreate, "invalid", err)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return store.Passkey{}, casework.Internal(err)
	}
	p := store.Passkey{CredentialID: cred.ID, UserHandle: sd.UserID, Name: name, Credential: raw, SignCount: cred.Authenticator.SignCount}
	if err := s.Store.AddPasskey(ctx, a, &p); err != nil {
		return p, err
	}
	return p, nil
}

// BeginPasskeyLogin starts a passwordless login at origin: any user's discoverable passkey,
// with user verification (a PIN or biometric on the authenticator: the second factor).
func (s *Service) BeginPasskeyLogin(ctx context.Context, origin string) (PasskeyCeremony, error) {
	wa, err := relyingParty(origin)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	assertion, sd, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return PasskeyCeremony{}, casework.Internal(err)
	}
	return s.beginPasskey(ctx, store.PasskeyLogin, casework.User{}, assertion, sd)
}

// BeginPasskeyCheck starts a passkey check of the signed-in actor (purpose store.PasskeyMFA
// or store.PasskeyStepUp): only their own passkeys are allowed.
func (s *Service) BeginPasskeyCheck(ctx context.Context, a casework.Actor, origin, purpose string) (PasskeyCeremony, error) {
	wa, err := relyingParty(origin)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	u, err := s.passkeyUserOf(ctx, a.User)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	if len(u.creds) == 0 {
		return PasskeyCeremony{}, casework.Errorf(casework.EConflict, "passkey.none", "no passkey registered")
	}
	assertion, sd, err := wa.BeginLogin(u)
	if err != nil {
		return PasskeyCeremony{}, casework.Internal(err)
	}
	return s.beginPasskey(ctx, purpose, a.User, assertion, sd)
}

// verifyAssertion checks an assertion of user u and records its counter; a counter that did
// not go up, or a passkey already marked, refuses.
func (s *Service) verifyAssertion(ctx context.Context, wa *webauthn.WebAuthn, a casework.Actor, u *passkeyUser, sd webauthn.SessionData,
	parsed *protocol.ParsedCredentialAssertionData, discoverable bool) (store.Passkey, *webauthn.Credential, string, error) {
	var cred *webauthn.Credential
	var err error
	if discoverable {
		_, cred, err = wa.ValidatePasskeyLogin(func(rawID, handle []byte) (webauthn.User, error) {
			if !bytes.Equal(handle, u.handle) {
				return nil, errors.New("user handle is not the credential's owner's")
			}
			return u, nil
		}, sd, parsed)
	} else {
		cred, err = wa.ValidateLogin(u, sd, parsed)
	}
	if err != nil {
		return store.Passkey{}, nil, "invalid", err
	}
	k, ok := u.key(cred.ID)
	if !ok {
		return k, nil, "unknown_credential", errors.New("credential not the user's")
	}
	if k.CloneWarning {
		return k, nil, "clone_warning", errors.New("passkey marked as possibly cloned")
	}
	got := parsed.Response.AuthenticatorData.Counter
	clone := (got != 0 || k.SignCount != 0) && got <= k.SignCount
	raw, err := json.Marshal(cred)
	if err != nil {
		return k, nil, "internal", casework.Internal(err)
	}
	k.Credential, k.CloneWarning = raw, clone
	if !clone {
		k.SignCount = got
	}
	if err := s.Store.PasskeyUsed(ctx, a, k); err != nil {
		return k, nil, "internal", err
	}
	if clone {
		return k, nil, "clone_warning", errors.New("signature counter did not go up")
	}
	return k, cred, "", nil
}

// FinishPasskeyLogin checks a passwordless login's answer and starts a session: the
// passkey's owner, active, not of a role that must use single sign-on. A refusal is logged,
// counts against the client address, and starts no session.
func (s *Service) FinishPasskeyLogin(ctx context.Context, origin, token string, body []byte, addr string) (casework.Actor, string, error) {
	if blocked, wait, err := s.Addrs.Blocked(ctx, "a:"+addr); err != nil {
		return casework.Actor{}, "", err
	} else if blocked {
		return casework.Actor{}, "", errTooMany(wait)
	}
	a, sessToken, err := s.finishPasskeyLogin(ctx, origin, token, body)
	if err != nil && casework.ErrorCode(err) != casework.EInternal {
		if ferr := s.Addrs.Fail(ctx, "a:"+addr); ferr != nil {
			return casework.Actor{}, "", ferr
		}
	}
	return a, sessToken, err
}

func (s *Service) finishPasskeyLogin(ctx context.Context, origin, token string, body []byte) (casework.Actor, string, error) {
	none := casework.Actor{}
	_, sd, err := s.takePasskey(ctx, token, store.PasskeyLogin)
	if err != nil {
		return none, "", s.refusePasskey(ctx, none, audit.ActionLoginFailed, "challenge", err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return none, "", s.refusePasskey(ctx, none, audit.ActionLoginFailed, "malformed", err)
	}
	k, err := s.Store.PasskeyByCredential(ctx, parsed.RawID)
	if err != nil {
		return none, "", s.refusePasskey(ctx, none, audit.ActionLoginFailed, "unknown_credential", err)
	}
	a, err := s.Store.Actor(ctx, k.MunicipalityID, k.UserID, casework.ViaSession)
	if err != nil {
		return none, "", s.refusePasskey(ctx, casework.Actor{User: casework.User{MunicipalityID: k.MunicipalityID, ID: k.UserID}},
			audit.ActionLoginFailed, "inactive_user", err)
	}
	wa, err := relyingParty(origin)
	if err != nil {
		return none, "", err
	}
	u, err := s.passkeyUserOf(ctx, a.User)
	if err != nil {
		return none, "", err
	}
	if _, _, reason, err := s.verifyAssertion(ctx, wa, a, u, sd, parsed, true); err != nil {
		return none, "", s.refusePasskey(ctx, a, audit.ActionLoginFailed, reason, err)
	}
	m, err := s.Store.Municipality(ctx, a.User.MunicipalityID)
	if err != nil {
		return none, "", err
	}
	if slices.ContainsFunc(m.Settings.SSORoles, a.User.Roles.Has) {
		_ = s.refusePasskey(ctx, a, audit.ActionLoginFailed, "sso_required", errors.New("role needs single sign-on"))
		return none, "", casework.Errorf(casework.EUnauthorized, "sso.required", "role needs single sign-on")
	}
	// User verification was required: the passkey is two factors by itself.
	sessToken, err := s.StartSessionWith(ctx, a, store.Session{AuthMethod: "passkey", MFA: true})
	if err != nil {
		return none, "", err
	}
	return a, sessToken, nil
}

// CheckPasskey checks the signed-in actor's passkey answer for purpose (store.PasskeyMFA or
// store.PasskeyStepUp). Another user's credential, a ceremony of another user or purpose, and
// a used or expired challenge are refused and logged.
func (s *Service) CheckPasskey(ctx context.Context, a casework.Actor, origin, token, purpose string, body []byte) error {
	c, sd, err := s.takePasskey(ctx, token, purpose)
	if err != nil {
		return s.refusePasskey(ctx, a, audit.ActionLoginFailed, "challenge", err)
	}
	if c.UserID != a.User.ID || c.MunicipalityID != a.User.MunicipalityID {
		return s.refusePasskey(ctx, a, audit.ActionLoginFailed, "other_user", errors.New("ceremony of another user"))
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return s.refusePasskey(ctx, a, audit.ActionLoginFailed, "malformed", err)
	}
	wa, err := relyingParty(origin)
	if err != nil {
		return err
	}
	u, err := s.passkeyUserOf(ctx, a.User)
	if err != nil {
		return err
	}
	if _, ok := u.key(parsed.RawID); !ok {
		return s.refusePasskey(ctx, a, audit.ActionLoginFailed, "unknown_credential", errors.New("credential not the user's"))
	}
	if _, _, reason, err := s.verifyAssertion(ctx, wa, a, u, sd, parsed, false); err != nil {
		return s.refusePasskey(ctx, a, audit.ActionLoginFailed, reason, err)
	}
	return nil
}

// PasskeySecondFactor completes a pending second factor (or the policy's) with a passkey
// answer and marks the session.
func (s *Service) PasskeySecondFactor(ctx context.Context, a casework.Actor, origin, ceremony, session string, body []byte) error {
	if err := s.CheckPasskey(ctx, a, origin, ceremony, store.PasskeyMFA, body); err != nil {
		return err
	}
	return s.Store.PasskeySecondFactor(ctx, a, HashToken(session))
}

// PasskeyStepUp is StepUp with a passkey instead of the password: the session is renewed as
// one with a second factor, authenticated now; the new token is returned.
func (s *Service) PasskeyStepUp(ctx context.Context, a casework.Actor, origin, ceremony, session string, body []byte) (string, error) {
	if err := s.CheckPasskey(ctx, a, origin, ceremony, store.PasskeyStepUp, body); err != nil {
		return "", err
	}
	next, hash := NewSessionToken()
	if err := s.Store.Reauthenticated(ctx, a, HashToken(session), hash, true); err != nil {
		return "", err
	}
	return next, nil
}
