package access

import (
	"slices"
	"time"

	"lots/internal/casework"
)

// CaseFacts is what the decision needs to know about a case.
type CaseFacts struct {
	MunicipalityID    int64
	Program           casework.Program // the case's track: which flow's moves it is offered
	Step              casework.Step
	TakenOn           bool // the preparatory group took the case on at some point
	ProtectedIdentity bool
	Staff             []casework.StaffLink
	PartyAgencies     []int64 // agencies identified as needed (step 5)
	Consents          []casework.Consent
	Settings          casework.Settings
	// ExitNamed are the police and social-services staff named on the case's exit pathway:
	// the only ones who see its destination (casework.CatExitDestination).
	ExitNamed []int64
}

// Staff returns the actor's role on the case, if any.
func (f CaseFacts) staffRole(userID int64) (casework.StaffRole, bool) {
	for _, s := range f.Staff {
		if s.UserID == userID {
			return s.Role, true
		}
	}
	return "", false
}

// intake reports whether the case is with the preparatory group: awaiting its decision, or
// closed by it without being taken on.
func (f CaseFacts) intake() bool {
	return !f.hasCoordinator() && !f.TakenOn && (f.Step == casework.StepIdentified || f.Step == casework.StepClosed)
}

func (f CaseFacts) hasCoordinator() bool {
	for _, s := range f.Staff {
		if s.Role == casework.StaffCoordinator {
			return true
		}
	}
	return false
}

// EverConsented reports whether a consent for the case was ever fully signed.
func (f CaseFacts) EverConsented() bool {
	for _, c := range f.Consents {
		if c.Signed() {
			return true
		}
	}
	return false
}

// Case decides whether the actor may see category cat of a case at now, and on which ground.
// It is the access rule of Lots, in the order of docs/security-model.md:
//
//  1. Only the actor's own municipality, and only an active user.
//  2. A user whose roles are only administrator, steering group or analyst never sees a
//     single case (roles combine: an administrator who is also a coordinator works as one).
//  3. Social services staff assigned to the case (coordinator, case officer) see it all —
//     the protected details of a young person with protected identity only when their role
//     is one the municipality designates.
//  4. Intake: while a case awaits the preparatory group (step 1–2, nobody has taken it on),
//     and after it was closed there without being taken on ("not now", "refer elsewhere"),
//     the municipality's coordinators and preparatory-group members in social services see it
//     — to decide, to take it on, and to find the decision when the young person comes back.
//  5. Everyone else sees a case only while a valid consent names their agency or them, and
//     only the categories some valid consent naming them covers; never the protected details.
//  6. Before any consent was ever signed, the preparatory group and the parties identified for
//     the case see the anonymous card, nothing else.
func Case(a casework.Actor, f CaseFacts, cat casework.Category, now time.Time) Decision {
	if a.Via == casework.ViaSystem {
		return deny("system_actor")
	}
	if !a.User.Active {
		return deny("inactive_user")
	}
	if d := SameMunicipality(a, f.MunicipalityID); !d.Allowed {
		return d
	}
	if !Can(a, WorkWithCases).Allowed {
		return deny("aggregates_only")
	}
	if cat == casework.CatSecurity || cat == casework.CatExitDestination {
		return security(a, f, cat, now)
	}
	u := a.User
	if role, ok := f.staffRole(u.ID); ok {
		if cat == casework.CatProtected && f.ProtectedIdentity && !protectedRole(u, f.Settings) {
			return deny("protected_identity")
		}
		return allowOn(Ground{Kind: GroundStaff, Role: string(role)})
	}
	if a.AgencyKind == casework.AgencySocial && f.intake() {
		if u.Roles.Has(casework.RoleCoordinator) {
			return protectedCheck(u, f, cat, Ground{Kind: GroundIntake, Role: "coordinator"})
		}
		if u.Roles.Has(casework.RolePrepGroup) {
			return protectedCheck(u, f, cat, Ground{Kind: GroundIntake, Role: "prep_group"})
		}
	}
	covered := false
	for _, c := range f.Consents {
		if !c.ValidAt(now) || !c.CoversParty(u.AgencyID, u.ID) {
			continue
		}
		covered = true
		if cat == casework.CatProtected && f.ProtectedIdentity {
			return deny("protected_identity")
		}
		if cat == casework.CatAnonymous || c.CoversCategory(cat) || cat == casework.CatProtected {
			return allowOn(consentGround(c, u))
		}
	}
	if covered {
		return deny("consent_category")
	}
	if cat == casework.CatAnonymous && f.Step.BeforeConsent() && !f.EverConsented() {
		if u.Roles.Has(casework.RolePrepGroup) || (u.Roles.Has(casework.RoleGroupMember) && slices.Contains(f.PartyAgencies, u.AgencyID)) {
			return allowOn(Ground{Kind: GroundPreConsentCard})
		}
	}
	return deny("no_consent")
}

func protectedRole(u casework.User, s casework.Settings) bool {
	for _, r := range s.ProtectedRoles {
		if u.Roles.Has(r) {
			return true
		}
	}
	return false
}

func protectedCheck(u casework.User, f CaseFacts, cat casework.Category, g Ground) Decision {
	if cat == casework.CatProtected && f.ProtectedIdentity && !protectedRole(u, f.Settings) {
		return deny("protected_identity")
	}
	return allowOn(g)
}

// consentGround is the ground a valid consent gives u: which consent, which party of it names
// them (the person before the agency), and what it covers.
func consentGround(c casework.Consent, u casework.User) Ground {
	g := Ground{Kind: GroundConsent, ConsentID: c.ID, Categories: c.Categories}
	for _, p := range c.Parties {
		if p.UserID != 0 && p.UserID == u.ID {
			g.Party = p
			return g
		}
		if p.AgencyID != 0 && p.AgencyID == u.AgencyID && g.Party.AgencyID == 0 {
			g.Party = p
		}
	}
	return g
}

// Sees reports whether the actor sees the case at all (its basic information), and
// SeesCard whether they see at least its anonymous card.
func Sees(a casework.Actor, f CaseFacts, now time.Time) bool {
	return Case(a, f, casework.CatBasic, now).Allowed
}

// SeesCard reports whether the actor sees at least the anonymous card.
func SeesCard(a casework.Actor, f CaseFacts, now time.Time) bool {
	return Case(a, f, casework.CatAnonymous, now).Allowed
}
