// Package access is the one place that decides what an actor may do. Handlers and the store
// ask it; none of them decides on its own. Every decision carries the ground it rests on, which
// the audit log records.
package access

import (
	"lots/internal/casework"
)

// Decision is the answer to "may this actor do this now, and why".
type Decision struct {
	Allowed bool
	// Ground is what allowed it — recorded in the audit log as "role:admin", "consent:123", …
	// For a denial it names the rule that refused.
	Ground Ground
}

// Permission is a kind of action that depends on role alone, not on a particular case.
type Permission string

const (
	// ManageUsers: create, change and deactivate accounts in the own municipality.
	ManageUsers Permission = "manage_users"
	// ManageOrganisation: districts, agencies, units and municipal settings.
	ManageOrganisation Permission = "manage_organisation"
	// WorkWithCases: open the case-work part of Lots at all. Which cases and which parts of
	// them is decided per case (the consent issue builds that on top).
	WorkWithCases Permission = "work_with_cases"
	// ViewAggregates: the municipality's statistics, never a single person.
	ViewAggregates Permission = "view_aggregates"
	// ReviewAuditLog: read the access log — extracts for one young person (loggutdrag), the
	// log review (loggkontroll) and the tree head. The log names who was read, so it is a
	// role of its own: administrators do not get it, and an auditor sees no case content.
	ReviewAuditLog Permission = "review_audit_log"
	// EditCostRegister: the unit-cost register, the price index and the assumptions of the
	// avoided-cost report. It holds no personal data; the steering group owns the figures it
	// argues with, the administrator keeps them up to date. Neither gets case content by it.
	EditCostRegister Permission = "edit_cost_register"
	// RegisterExtract: make the register extract (GDPR art. 15) for a young person or a
	// guardian who asks — all their personal data and who read it — and record its delivery.
	// It reads case content, so it is its own permission; the auditor role (the data protection
	// coordinator, who handles data subjects' requests) has it.
	RegisterExtract Permission = "register_extract"
	// ViewCaseload: the capacity view — how many active young people each coordinator carries
	// against the municipality's cap (docs/mapping.md). Counts per staff member, no young
	// person: coordinators (who share the load), the steering group and the administrator.
	ViewCaseload Permission = "view_caseload"
	// PrepGroup: the preparatory group's meetings — their schedule, agendas of new concerns
	// and the decisions minuted (docs/daily-work.md). Those who sit in the group: the
	// preparatory group and the coordinators. Which concerns an agenda names is still the
	// intake rule, per case.
	PrepGroup Permission = "prep_group"
)

// rolePermissions is the role → permission table. It is the whole rule for role-level
// permissions; docs/security-model.md describes it in words.
var rolePermissions = map[casework.Role][]Permission{
	casework.RoleAdmin:       {ManageUsers, ManageOrganisation, EditCostRegister, ViewCaseload},
	casework.RoleCoordinator: {WorkWithCases, ViewAggregates, ViewCaseload, PrepGroup},
	casework.RoleCaseOfficer: {WorkWithCases},
	casework.RoleGroupMember: {WorkWithCases},
	casework.RolePrepGroup:   {WorkWithCases, PrepGroup},
	casework.RoleSteering:    {ViewAggregates, EditCostRegister, ViewCaseload},
	casework.RoleAnalyst:     {ViewAggregates},
	casework.RoleAuditor:     {ReviewAuditLog, RegisterExtract},
}

// Can decides a role-level permission. An inactive user may do nothing. The system actor
// (operators' commands on the server, never a web request) may manage accounts and the
// organisation, nothing else.
func Can(a casework.Actor, p Permission) Decision {
	if a.Via == casework.ViaSystem {
		if p == ManageUsers || p == ManageOrganisation {
			return allowOn(Ground{Kind: GroundSystem})
		}
		return deny("system_actor")
	}
	if !a.User.Active {
		return deny("inactive_user")
	}
	for _, r := range a.User.Roles {
		for _, q := range rolePermissions[r] {
			if q == p {
				return allowOn(Ground{Kind: GroundRole, Role: string(r)})
			}
		}
	}
	return deny("no_role_for_" + string(p))
}

// NationalSupportCode is the kommunkod of the national support organisation's tenant
// (Förstärkningsteam, SKR): `lots municipality create --code 0000 --name "Nationellt stöd"`.
const NationalSupportCode = "0000"

// NationalSupport decides whether the actor compares municipalities as national support:
// someone who views aggregates in the national support tenant. They see every municipality's
// imported figures side by side (figures only; no tenant's case data) and import the files.
func NationalSupport(a casework.Actor, municipalityCode string) Decision {
	if !Can(a, ViewAggregates).Allowed {
		return deny("no_role_for_" + string(ViewAggregates))
	}
	if municipalityCode != NationalSupportCode {
		return deny("not_national_support")
	}
	return allowOn(Ground{Kind: GroundNationalSupport})
}

// SameMunicipality is tenant isolation: an actor touches only its own municipality's data.
func SameMunicipality(a casework.Actor, municipalityID int64) Decision {
	if a.User.MunicipalityID != 0 && a.User.MunicipalityID == municipalityID {
		return allowOn(Ground{Kind: GroundTenant})
	}
	return deny("other_municipality")
}
