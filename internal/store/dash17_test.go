package store_test

import (
	"context"
	"strings"
	"testing"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The dashboard page reads the half-year and the one before it for the key figures' changes
// (issue 17:5) in one request: one access decision, one audit entry naming both periods, and
// a refusal reads neither.
func TestDashboardWithPrevious(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := seedHandMade(t, e)
		ctx := func(r casework.Role) context.Context { return f.Ctx(t, s, r) }
		mid := f.Municipality.ID
		prev := h1.Prev()
		d, p, err := s.DashboardWithPrevious(ctx(casework.RoleSteering), store.DashboardQuery{Period: h1, District: stats.All}, prev)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil || p == nil || d.Period != h1 || p.Period != prev {
			t.Fatalf("got %v and %v, want %v and %v", d, p, h1, prev)
		}
		if v, _ := d.View(stats.All); v.Table("flow").Cell("started", "total").Value != 8 {
			t.Errorf("the half-year's figures are not the dashboard's")
		}
		if _, _, err := s.DashboardWithPrevious(ctx(casework.RoleGroupMember), store.DashboardQuery{Period: h1, District: stats.All}, prev); casework.ErrorCode(err) != casework.EForbidden {
			t.Errorf("a group member: %v, want forbidden", err)
		}
		var views []audit.Entry
		if err := s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: mid, AfterSeq: -1}, func(en audit.Entry) error {
			if en.Object == "dashboard" && en.Allowed {
				views = append(views, en)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(views) != 1 || !strings.Contains(views[0].Detail, "period "+h1.String()) || !strings.Contains(views[0].Detail, "previous "+prev.String()) {
			t.Fatalf("audit entries for the two half-years: %+v", views)
		}
	})
}
