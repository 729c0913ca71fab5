package access

import (
	"strconv"
	"strings"

	"lots/internal/casework"
)

// GroundKind is the kind of rule a decision rests on.
type GroundKind string

const (
	// GroundSystem: an operator's command on the server (never a web request).
	GroundSystem GroundKind = "system"
	// GroundRole: a role-level permission; Role names the role.
	GroundRole GroundKind = "role"
	// GroundNationalSupport: the national support tenant compares municipalities.
	GroundNationalSupport GroundKind = "national_support"
	// GroundTenant: the actor's own municipality.
	GroundTenant GroundKind = "tenant"
	// GroundStaff: social services staff assigned to the case; Role is the staff role.
	GroundStaff GroundKind = "staff"
	// GroundIntake: the case is with the preparatory group; Role is "coordinator" or
	// "prep_group".
	GroundIntake GroundKind = "intake"
	// GroundConsent: a valid consent names the actor's agency or the actor; ConsentID, Party
	// and Categories say which consent, which of its parties and what it covers.
	GroundConsent GroundKind = "consent"
	// GroundPreConsentCard: the anonymous card before any consent was signed.
	GroundPreConsentCard GroundKind = "pre_consent_card"
	// GroundDenied: a refusal; Rule names the rule that refused.
	GroundDenied GroundKind = "denied"

	// Grounds of what an actor does about themselves or as the author of a record.
	GroundSelf        GroundKind = "self"        // one's own account, sessions, tokens
	GroundAuthor      GroundKind = "author"      // the concerns one reported
	GroundCredentials GroundKind = "credentials" // a login with a password
	GroundTOTP        GroundKind = "totp"        // the second factor given
	GroundPasskey     GroundKind = "passkey"     // a passkey's signature (passwordless, or as second factor)
	GroundOperator    GroundKind = "operator"    // an operator's command (imports, exports)
)

// Ground is what a decision rests on: typed, so callers switch on its kind instead of parsing
// text. Its String form is what the audit log records ("staff:coordinator", "consent:123",
// "denied:no_consent"), unchanged since the log began, so old and new entries read alike.
type Ground struct {
	Kind GroundKind
	// Role: the role of a role ground, the staff role of a staff ground, "coordinator" or
	// "prep_group" for an intake ground.
	Role string
	// ConsentID, Party and Categories: a consent ground's consent, the party of it that
	// names the actor, and the categories it covers.
	ConsentID  int64
	Party      casework.ConsentParty
	Categories []casework.Category
	// Rule: why a refusal refused ("no_consent", "protected_identity", …).
	Rule string
	// National: the ground also rests on the national support tenant (imports of the national
	// comparison's files).
	National bool
}

// String is the ground as the audit log records it.
func (g Ground) String() string {
	var s string
	switch g.Kind {
	case "":
		return ""
	case GroundConsent:
		s = "consent:" + strconv.FormatInt(g.ConsentID, 10)
	case GroundDenied:
		s = "denied:" + g.Rule
	default:
		s = string(g.Kind)
		if g.Role != "" {
			s += ":" + g.Role
		}
	}
	if g.National {
		s += "+national_support"
	}
	return s
}

// IsZero reports whether the ground is unset.
func (g Ground) IsZero() bool { return g.Kind == "" }

// ParseGround reads a ground from its audit-log form. It is for reading the log (the log
// review, extracts); decisions carry the typed value.
func ParseGround(s string) Ground {
	var g Ground
	s, g.National = strings.CutSuffix(s, "+national_support")
	kind, rest, _ := strings.Cut(s, ":")
	g.Kind = GroundKind(kind)
	switch g.Kind {
	case GroundConsent:
		g.ConsentID, _ = strconv.ParseInt(rest, 10, 64)
	case GroundDenied:
		g.Rule = rest
	default:
		g.Role = rest
	}
	return g
}

func allowOn(g Ground) Decision { return Decision{Allowed: true, Ground: g} }

// Allow is an allowing decision of a kind that needs no rule here (the actor's own account,
// the author of a record, an operator's command); role qualifies it ("system:consent_reminder").
func Allow(kind GroundKind, role ...string) Decision {
	g := Ground{Kind: kind}
	if len(role) > 0 {
		g.Role = role[0]
	}
	return allowOn(g)
}
func deny(rule string) Decision { return Decision{Ground: Ground{Kind: GroundDenied, Rule: rule}} }

// Denied is a refusal on rule, for callers that refuse on a fact outside this package (a case
// that does not exist, an object of another case).
func Denied(rule string) Decision { return deny(rule) }
