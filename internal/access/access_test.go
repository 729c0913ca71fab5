package access

import (
	"testing"

	"lots/internal/casework"
)

func actor(active bool, roles ...casework.Role) casework.Actor {
	return casework.Actor{User: casework.User{ID: 1, MunicipalityID: 7, Active: active, Roles: casework.NewRoleSet(roles...)}}
}

func TestRolePermissions(t *testing.T) {
	tests := []struct {
		name  string
		actor casework.Actor
		perm  Permission
		want  bool
	}{
		{"administrator manages users", actor(true, casework.RoleAdmin), ManageUsers, true},
		{"administrator does not work with cases", actor(true, casework.RoleAdmin), WorkWithCases, false},
		{"administrator does not see aggregates", actor(true, casework.RoleAdmin), ViewAggregates, false},
		{"coordinator works with cases", actor(true, casework.RoleCoordinator), WorkWithCases, true},
		{"coordinator does not manage users", actor(true, casework.RoleCoordinator), ManageUsers, false},
		{"group member works with cases", actor(true, casework.RoleGroupMember), WorkWithCases, true},
		{"steering group sees aggregates", actor(true, casework.RoleSteering), ViewAggregates, true},
		{"steering group does not work with cases", actor(true, casework.RoleSteering), WorkWithCases, false},
		{"analyst does not work with cases", actor(true, casework.RoleAnalyst), WorkWithCases, false},
		{"inactive coordinator may do nothing", actor(false, casework.RoleCoordinator), WorkWithCases, false},
		{"user without roles may do nothing", actor(true), WorkWithCases, false},
		{"admin who is also coordinator works with cases", actor(true, casework.RoleAdmin, casework.RoleCoordinator), WorkWithCases, true},
		{"steering group edits the cost register", actor(true, casework.RoleSteering), EditCostRegister, true},
		{"administrator edits the cost register", actor(true, casework.RoleAdmin), EditCostRegister, true},
		{"analyst reads but does not edit the cost register", actor(true, casework.RoleAnalyst), EditCostRegister, false},
		{"coordinator does not edit the cost register", actor(true, casework.RoleCoordinator), EditCostRegister, false},
		{"group member does not edit the cost register", actor(true, casework.RoleGroupMember), EditCostRegister, false},
		{"auditor does not edit the cost register", actor(true, casework.RoleAuditor), EditCostRegister, false},
		{"inactive steering group member edits nothing", actor(false, casework.RoleSteering), EditCostRegister, false},
		{"auditor makes register extracts", actor(true, casework.RoleAuditor), RegisterExtract, true},
		{"administrator does not make register extracts", actor(true, casework.RoleAdmin), RegisterExtract, false},
		{"coordinator does not make register extracts", actor(true, casework.RoleCoordinator), RegisterExtract, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Can(tt.actor, tt.perm)
			if d.Allowed != tt.want {
				t.Fatalf("Can(%v, %s) = %+v, want allowed=%v", tt.actor.User.Roles, tt.perm, d, tt.want)
			}
			if d.Ground.IsZero() {
				t.Fatal("a decision must name its ground")
			}
		})
	}
}

func TestSameMunicipality(t *testing.T) {
	a := actor(true, casework.RoleCoordinator)
	if !SameMunicipality(a, 7).Allowed {
		t.Fatal("own municipality denied")
	}
	if SameMunicipality(a, 8).Allowed {
		t.Fatal("other municipality allowed")
	}
	if SameMunicipality(casework.Actor{}, 0).Allowed {
		t.Fatal("actor without municipality allowed on municipality 0")
	}
}

func TestSystemActor(t *testing.T) {
	sys := casework.SystemActor(7, "demo")
	if !Can(sys, ManageUsers).Allowed {
		t.Fatal("system actor may not create users")
	}
	if Can(sys, WorkWithCases).Allowed || Can(sys, ViewAggregates).Allowed {
		t.Fatal("system actor must not reach case content or statistics")
	}
}

func TestNationalSupport(t *testing.T) {
	analyst := actor(true, casework.RoleAnalyst)
	if !NationalSupport(analyst, NationalSupportCode).Allowed {
		t.Fatal("an analyst of the national support tenant is not national support")
	}
	if NationalSupport(analyst, "0180").Allowed {
		t.Fatal("an analyst of a municipality is national support")
	}
	if NationalSupport(actor(true, casework.RoleGroupMember), NationalSupportCode).Allowed {
		t.Fatal("a group member is national support")
	}
}
