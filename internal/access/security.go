package access

import (
	"slices"
	"time"

	"lots/internal/casework"
)

// security decides the security categories (issue 14): casework.CatSecurity — the security
// assessments and the exit pathway — and casework.CatExitDestination, where a defector lives.
// Rules 1 and 2 of Case have been applied. Then:
//
//  1. Social services staff assigned to the case (coordinator, case officer) see the security
//     information: social services' duty of protection rests on it. Protected identity changes
//     nothing here: an assessment holds no address.
//  2. Intake (the preparatory group deciding whether to take the case on) gives none of it.
//  3. Anyone else sees it only while a valid consent names their agency or them AND their
//     agency kind is one the municipality lists (Settings.SecurityAgencyKinds: the police and
//     social services by default). A school or a leisure club named by the consent does not.
//  4. The destination of an exit pathway: only the police and social-services staff named on
//     the pathway (CaseFacts.ExitNamed), and only while rule 1 or 3 lets them see security
//     information — not the rest of the staff, never a protected-identity role as such.
func security(a casework.Actor, f CaseFacts, cat casework.Category, now time.Time) Decision {
	u := a.User
	d := deny("security_no_ground")
	if role, ok := f.staffRole(u.ID); ok {
		d = allowOn(Ground{Kind: GroundStaff, Role: string(role)})
	} else if slices.Contains(f.Settings.SecurityAgencyKinds(), a.AgencyKind) {
		for _, c := range f.Consents {
			if c.ValidAt(now) && c.CoversParty(u.AgencyID, u.ID) {
				d = allowOn(consentGround(c, u))
				break
			}
		}
	} else {
		for _, c := range f.Consents {
			if c.ValidAt(now) && c.CoversParty(u.AgencyID, u.ID) {
				d = deny("security_agency")
				break
			}
		}
	}
	if !d.Allowed || cat == casework.CatSecurity {
		return d
	}
	if !slices.Contains(f.ExitNamed, u.ID) {
		return deny("exit_not_named")
	}
	return d
}
