package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
)

// Service is the login flow: password, optional second factor, sessions and API tokens.
// Single sign-on (OIDC, SAML) is another way to arrive at StartSession with a user; the
// session, the actor and everything after do not change.
type Service struct {
	Store  *store.Store
	Hasher *Hasher
	// Users limits failed attempts per username, Addrs per client address.
	Users, Addrs *Limiter
	Now          func() time.Time
	// HTTP talks to identity providers (a 10-second timeout when nil); Log receives the
	// reasons single sign-ons were refused.
	HTTP *http.Client
	Log  *slog.Logger

	oidcOnce sync.Once
	oidc     *oidcClients
}

// NewService returns the login flow with the default brakes: 5 failures per username and 30
// per address within 15 minutes.
func NewService(s *store.Store, h *Hasher, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{
		Store: s, Hasher: h, Now: now,
		Users: NewLimiter(s, 5, 15*time.Minute, now),
		Addrs: NewLimiter(s, 30, 15*time.Minute, now),
	}
}

// Errors of the login flow. Unknown user, wrong password and inactive account are the same
// error, so the answer does not reveal which usernames exist.
func errLoginFailed() error {
	return casework.Errorf(casework.EUnauthorized, "login.failed", "wrong username or password")
}

func errTooMany(wait time.Duration) error {
	minutes := int(wait.Round(time.Minute) / time.Minute)
	return &casework.Error{Code: casework.ETooMany, Key: "login.too_many", Args: []any{max(minutes, 1)}, Detail: "too many failed attempts"}
}

// Login checks a username and password. It returns the actor and whether a second factor is
// still needed.
func (s *Service) Login(ctx context.Context, username, password, addr string) (casework.Actor, bool, error) {
	username = casework.NormaliseUsername(username)
	// Wrong second-factor codes brake the password too, and a right password does not lift
	// their brake (codeKey): knowing the password is no way to go on guessing codes.
	for _, b := range []struct {
		l   *Limiter
		key string
	}{{s.Users, "u:" + username}, {s.Users, codeKey(username)}, {s.Addrs, "a:" + addr}} {
		if blocked, wait, err := b.l.Blocked(ctx, b.key); err != nil {
			return casework.Actor{}, false, err
		} else if blocked {
			return casework.Actor{}, false, errTooMany(wait)
		}
	}
	fail := func(c *store.Credentials, reason string) (casework.Actor, bool, error) {
		if err := errors.Join(s.Users.Fail(ctx, "u:"+username), s.Addrs.Fail(ctx, "a:"+addr)); err != nil {
			return casework.Actor{}, false, err
		}
		if c != nil {
			_ = s.Store.AuditSystem(ctx, audit.Entry{
				MunicipalityID: c.User.MunicipalityID, UserID: c.User.ID, Username: c.User.Username,
				Roles: c.User.Roles.String(), AgencyID: c.User.AgencyID, Via: casework.ViaSession,
				Action: audit.ActionLoginFailed, Object: "session", ObjectID: c.User.ID,
				Ground: "denied:" + reason, Detail: reason + casework.FromAddr(addr),
			})
		}
		return casework.Actor{}, false, errLoginFailed()
	}
	if username == "" || password == "" {
		return fail(nil, "empty")
	}
	c, err := s.Store.CredentialsByUsername(ctx, username)
	if casework.ErrorCode(err) == casework.ENotFound {
		s.Hasher.Waste(password)
		return fail(nil, "unknown_user")
	}
	if err != nil {
		return casework.Actor{}, false, err
	}
	if !s.Hasher.Check(password, c.PasswordHash) {
		return fail(&c, "wrong_password")
	}
	if !c.User.Active {
		return fail(&c, "inactive_user")
	}
	a, err := s.Store.Actor(ctx, c.User.MunicipalityID, c.User.ID, casework.ViaSession)
	if err != nil {
		return fail(&c, "no_actor")
	}
	// A role that must sign in through the municipality's identity provider never logs in
	// with a password (docs/sso.md).
	m, err := s.Store.Municipality(ctx, c.User.MunicipalityID)
	if err != nil {
		return casework.Actor{}, false, err
	}
	if slices.ContainsFunc(m.Settings.SSORoles, a.User.Roles.Has) {
		_, _, _ = fail(&c, "sso_required")
		return casework.Actor{}, false, casework.Errorf(casework.EUnauthorized, "sso.required", "role needs single sign-on")
	}
	if err := s.Users.Reset(ctx, "u:"+username); err != nil {
		return casework.Actor{}, false, err
	}
	// A passkey is a second factor as a TOTP app is (docs/passkeys.md).
	keys, err := s.Store.PasskeysOf(ctx, c.User.MunicipalityID, c.User.ID)
	if err != nil {
		return casework.Actor{}, false, err
	}
	return a, c.User.TOTPEnabled || len(keys) > 0, nil
}

// codeKey is the limiter key of a user's wrong second-factor codes, apart from their wrong
// passwords ("u:"), which a right password resets.
func codeKey(username string) string { return "t:" + username }

// CheckSecondFactor checks a TOTP code for the actor. A code is accepted once: the step it
// belongs to is recorded, and a code of that step or an earlier one is refused afterwards
// (RFC 6238 §5.2), so a code seen over someone's shoulder cannot be used again. Wrong codes
// count against the user (five in fifteen minutes block the code and the password login).
func (s *Service) CheckSecondFactor(ctx context.Context, a casework.Actor, code string) error {
	key := codeKey(a.User.Username)
	if blocked, wait, err := s.Users.Blocked(ctx, key); err != nil {
		return err
	} else if blocked {
		return errTooMany(wait)
	}
	c, err := s.Store.CredentialsByUsername(ctx, a.User.Username)
	if err != nil {
		return err
	}
	ok := false
	if step, match := MatchTOTP(c.TOTPSecret, code, s.Now()); c.User.TOTPEnabled && match {
		if ok, err = s.Store.UseTOTPStep(ctx, a.User.MunicipalityID, a.User.ID, step); err != nil {
			return err
		}
	}
	if !ok {
		if err := s.Users.Fail(ctx, key); err != nil {
			return err
		}
		_ = s.Store.AuditSystem(ctx, audit.Entry{
			MunicipalityID: a.User.MunicipalityID, UserID: a.User.ID, Username: a.User.Username,
			Roles: a.User.Roles.String(), AgencyID: a.User.AgencyID, AgencyKind: string(a.AgencyKind), Via: casework.ViaSession,
			Action: audit.ActionLoginFailed, Object: "session", ObjectID: a.User.ID, Ground: "denied:wrong_totp", Detail: "wrong_totp" + casework.FromAddr(casework.ClientAddrFrom(ctx)),
		})
		return casework.Invalid("code", "login.totp_wrong")
	}
	return s.Users.Reset(ctx, key)
}

// CheckPassword checks the actor's own password again before a change that needs it (the
// second factor turned off, a new password). Wrong guesses count against the user as at
// login, so a stolen session is no way to guess the password unbraked.
func (s *Service) CheckPassword(ctx context.Context, a casework.Actor, password string) error {
	key := "u:" + a.User.Username
	if blocked, wait, err := s.Users.Blocked(ctx, key); err != nil {
		return err
	} else if blocked {
		return errTooMany(wait)
	}
	c, err := s.Store.CredentialsByUsername(ctx, a.User.Username)
	if err != nil {
		return err
	}
	if !s.Hasher.Check(password, c.PasswordHash) {
		if err := s.Users.Fail(ctx, key); err != nil {
			return err
		}
		return casework.Invalid("current", "password.current_wrong")
	}
	return nil
}

// EnableSecondFactor turns the second factor on with the secret prepared for the actor, once
// code proves their app has it; the code is then used (it cannot log in afterwards).
func (s *Service) EnableSecondFactor(ctx context.Context, a casework.Actor, code string) error {
	c, err := s.Store.CredentialsByUsername(ctx, a.User.Username)
	if err != nil {
		return err
	}
	if c.User.TOTPEnabled || c.TOTPSecret == "" {
		return casework.Errorf(casework.EConflict, "totp.not_prepared", "no second factor prepared")
	}
	step, ok := MatchTOTP(c.TOTPSecret, code, s.Now())
	if !ok {
		return casework.Invalid("code", "login.totp_wrong")
	}
	if err := s.Store.SetTOTP(ctx, c.TOTPSecret, true); err != nil {
		return err
	}
	_, err = s.Store.UseTOTPStep(ctx, a.User.MunicipalityID, a.User.ID, step)
	return err
}

// StartSession creates a session for an authenticated actor and returns its token.
func (s *Service) StartSession(ctx context.Context, a casework.Actor, method string, mfaPending bool) (string, error) {
	return s.StartSessionWith(ctx, a, store.Session{AuthMethod: method, MFAPending: mfaPending})
}

// StartSessionWith creates a session described by sess (its method, second factor and
// identity provider's session) and returns its token.
func (s *Service) StartSessionWith(ctx context.Context, a casework.Actor, sess store.Session) (string, error) {
	m, err := s.Store.Municipality(ctx, a.User.MunicipalityID)
	if err != nil {
		return "", err
	}
	token, hash := NewSessionToken()
	sess.TokenHash, sess.MunicipalityID, sess.UserID = hash, a.User.MunicipalityID, a.User.ID
	sess.ExpiresAt = s.Now().Add(time.Duration(m.Settings.SessionMaxHours) * time.Hour)
	if err := s.Store.CreateSession(ctx, a, &sess); err != nil {
		return "", err
	}
	return token, nil
}

// What a session still needs before anything else, by the municipality's policy (Needs).
const (
	NeedsSSO      = "sso"       // a role that must sign in through single sign-on, on a password session
	NeedsMFA      = "mfa"       // a role that needs a second factor; the user has one (code or passkey): give it
	NeedsMFASetup = "mfa_setup" // a role that needs a second factor; the user has none: set it up
)

// Needs is the municipality's policy for roles (Settings.MFARoles, SSORoles) applied to a
// session of u. A single sign-on whose provider says it used a second factor meets MFARoles.
// Read at every request, so a role given to a user takes effect on their next request.
func Needs(st casework.Settings, sess store.Session, u casework.User) string {
	holds := func(rs []casework.Role) bool {
		return slices.ContainsFunc(rs, u.Roles.Has)
	}
	if (sess.AuthMethod == "password" || sess.AuthMethod == "passkey") && holds(st.SSORoles) {
		return NeedsSSO
	}
	if !sess.MFA && !sess.MFAPending && holds(st.MFARoles) {
		if u.TOTPEnabled || u.HasPasskey {
			return NeedsMFA
		}
		return NeedsMFASetup
	}
	return ""
}

// SessionActor resolves a session token to its session and actor. Dead sessions (idle past
// the municipality's limit or past their end) are deleted and refused.
func (s *Service) SessionActor(ctx context.Context, token string) (store.Session, casework.Actor, error) {
	hash := HashToken(token)
	// The session, its municipality's idle time and its user, in one read.
	sess, settings, a, err := s.Store.SessionWithActor(ctx, hash)
	userGone := err != nil && sess.TokenHash != nil && casework.ErrorCode(err) == casework.EUnauthorized
	if err != nil && !userGone {
		return sess, casework.Actor{}, err
	}
	now := s.Now().UTC()
	idle := time.Duration(settings.SessionIdleMinutes) * time.Minute
	if !SessionLive(sess, now, idle) {
		_ = s.Store.ExpireSession(ctx, hash)
		return sess, casework.Actor{}, casework.Errorf(casework.EUnauthorized, "session.expired", "session expired")
	}
	if err != nil {
		_ = s.Store.ExpireSession(ctx, hash)
		return sess, a, err
	}
	sess.Needs = Needs(settings, sess, a.User)
	sess.Fresh = now.Sub(sess.AuthenticatedAt) <= time.Duration(settings.WithDefaults().StepUpMinutes)*time.Minute
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.Store.TouchSession(ctx, hash); err != nil {
			return sess, a, err
		}
	}
	return sess, a, nil
}

// SessionLive reports whether a session may still be used at now.
func SessionLive(sess store.Session, now time.Time, idle time.Duration) bool {
	return now.Before(sess.ExpiresAt) && now.Before(sess.LastSeenAt.Add(idle))
}

// CompleteSecondFactor marks the session's second factor as given.
func (s *Service) CompleteSecondFactor(ctx context.Context, a casework.Actor, token string) error {
	return s.Store.CompleteMFA(ctx, a, HashToken(token))
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, a casework.Actor, token string) error {
	return s.Store.DeleteSession(ctx, a, HashToken(token))
}

// TokenActor resolves an API token to its actor.
func (s *Service) TokenActor(ctx context.Context, token string) (casework.Actor, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return casework.Actor{}, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "malformed token")
	}
	mid, uid, err := s.Store.TokenOwner(ctx, HashToken(token))
	if err != nil {
		return casework.Actor{}, err
	}
	return s.Store.Actor(ctx, mid, uid, casework.ViaToken)
}

// CreateAPIToken makes a token for userID (the actor's own, or anyone's for administrators
// and the system actor) and returns the token text, shown once.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string, validFor time.Duration) (string, store.APIToken, error) {
	token, hash := NewAPIToken()
	t := store.APIToken{Name: name, Prefix: TokenHint(token)}
	if validFor > 0 {
		t.ExpiresAt = s.Now().Add(validFor)
	}
	if err := s.Store.CreateToken(ctx, userID, &t, hash); err != nil {
		return "", t, err
	}
	return token, t, nil
}

// ChangePassword changes the actor's own password after checking the current one. All the
// actor's sessions end; the caller starts a new one.
func (s *Service) ChangePassword(ctx context.Context, a casework.Actor, current, next, repeat string) error {
	var fe casework.FieldErrors
	if err := s.CheckPassword(ctx, a, current); err != nil {
		if casework.FieldErrorsOf(err) == nil { // braked, or the store failed
			return err
		}
		_ = fe.AddErr(err)
	}
	if err := CheckNewPassword(next, a.User); err != nil {
		_ = fe.AddErr(err)
	} else if next != repeat {
		fe.Add("repeat", "password.mismatch")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(next)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(casework.WithActor(ctx, a), a.User.ID, hash)
}

// StepUp checks the person again before an extract: their password, and their TOTP code
// when they have one (a single sign-on session steps up at its provider instead). The session
// is renewed: the new token is returned, the old one ends.
func (s *Service) StepUp(ctx context.Context, a casework.Actor, token, password, code string) (string, error) {
	if err := s.CheckPassword(ctx, a, password); err != nil {
		return "", err
	}
	if a.User.TOTPEnabled {
		if err := s.CheckSecondFactor(ctx, a, code); err != nil {
			return "", err
		}
	}
	next, hash := NewSessionToken()
	if err := s.Store.Reauthenticated(ctx, a, HashToken(token), hash, a.User.TOTPEnabled); err != nil {
		return "", err
	}
	return next, nil
}
