package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Locale is a user-interface language.
type Locale string

const (
	LocaleSv Locale = "sv"
	LocaleEn Locale = "en"
)

// ParseLocale returns the locale named by s, Swedish when unknown.
func ParseLocale(s string) Locale {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "en") {
		return LocaleEn
	}
	return LocaleSv
}

// User is a person with an account. Users belong to one municipality and one agency.
type User struct {
	ID             int64
	MunicipalityID int64
	AgencyID       int64
	UnitID         int64 // 0 when none
	Username       string
	Name           string
	Email          string
	Title          string // e.g. "områdespolis", "kurator"
	Roles          RoleSet
	Locale         Locale
	TOTPEnabled    bool
	HasPasskey     bool // a passkey is registered (read with the session; docs/passkeys.md)
	Active         bool
	CreatedAt      time.Time
}

// Validate checks the fields a person types.
func (u *User) Validate() error {
	var fe FieldErrors
	if !validUsername(u.Username) {
		fe.Add("username", "user.username_invalid")
	}
	if n := strings.TrimSpace(u.Name); n == "" || utf8.RuneCountInString(n) > 200 {
		fe.Add("name", "user.name_required")
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || len(u.Email) > 254 || strings.ContainsAny(u.Email, " \t\r\n<>")) {
		fe.Add("email", "user.email_invalid")
	}
	if u.AgencyID == 0 {
		fe.Add("agency", "user.agency_required")
	}
	if len(u.Roles) == 0 {
		fe.Add("roles", "user.roles_required")
	}
	if utf8.RuneCountInString(u.Title) > 200 {
		fe.Add("title", "user.title_too_long")
	}
	return fe.Err()
}

// validUsername allows 3–64 lower-case letters, digits, '.', '-' and '_'.
func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

// NormaliseUsername is applied before storing or looking up a username.
func NormaliseUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Actor is who is acting: the user with the agency they act for. Every access decision and
// every audit entry starts from an Actor.
type Actor struct {
	User       User
	AgencyKind AgencyKind
	AgencyName string
	// Via says how the actor authenticated: ViaSession, ViaToken or ViaSystem. Recorded in
	// the audit log.
	Via string
}

// How an actor authenticated.
const (
	ViaSession = "session"
	ViaToken   = "token"
	ViaSystem  = "system" // an operator's command on the server (demo loader, lots token create)
)

// SystemActor is used by commands run by an operator on the server (demo loader, token
// creation). It is recorded as such in the audit log.
func SystemActor(municipalityID int64, what string) Actor {
	return Actor{User: User{MunicipalityID: municipalityID, Username: "system:" + what, Name: "System (" + what + ")", Active: true}, Via: ViaSystem}
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor on the context and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

type clientAddrKey struct{}

// WithClientAddr returns a context carrying the client's IP address as the web layer worked it
// out (behind trusted proxies, the rightmost untrusted hop). Login entries in the audit log
// record it.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddrFrom returns the client's address on the context, or "".
func ClientAddrFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

// FromAddr is the suffix a login entry's detail gets for the client's address: " from ADDR",
// or nothing when the address is unknown (a command on the server).
func FromAddr(addr string) string {
	if addr == "" {
		return ""
	}
	return " from " + addr
}
