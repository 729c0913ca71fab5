package casework

import (
	"slices"
	"strings"
)

// Role is what a user does in Lots. A user may hold several.
type Role string

const (
	RoleCoordinator Role = "coordinator"  // SIG-samordnare: owns the case flow
	RoleCaseOfficer Role = "case_officer" // socialsekreterare with legal authority
	RoleGroupMember Role = "group_member" // police, school, leisure, BUP … in operative groups
	RolePrepGroup   Role = "prep_group"   // beredningsgrupp: decides who is taken on
	RoleSteering    Role = "steering"     // styrgrupp: aggregates only
	RoleAnalyst     Role = "analyst"      // follow-up and statistics: aggregates only
	RoleAuditor     Role = "auditor"      // logggranskare / dataskydd: reviews the access log
	RoleAdmin       Role = "admin"        // manages accounts and settings, never case content
)

// Roles lists every role in the order forms show them.
var Roles = []Role{RoleCoordinator, RoleCaseOfficer, RoleGroupMember, RolePrepGroup, RoleSteering, RoleAnalyst, RoleAuditor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// RoleSet is a set of roles kept sorted in the order of Roles.
type RoleSet []Role

// ParseRoles parses a comma-separated list, ignoring unknown or repeated names.
func ParseRoles(s string) RoleSet {
	var rs RoleSet
	for _, p := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(p))
		if r.Valid() && !rs.Has(r) {
			rs = append(rs, r)
		}
	}
	return rs.normalise()
}

func (rs RoleSet) normalise() RoleSet {
	out := RoleSet{}
	for _, r := range Roles {
		if slices.Contains(rs, r) {
			out = append(out, r)
		}
	}
	return out
}

// NewRoleSet returns the valid roles among rs, sorted and without repeats.
func NewRoleSet(rs ...Role) RoleSet { return RoleSet(rs).normalise() }

// Has reports whether the set holds r.
func (rs RoleSet) Has(r Role) bool { return slices.Contains(rs, r) }

// String is the comma-separated form stored in the database.
func (rs RoleSet) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}
