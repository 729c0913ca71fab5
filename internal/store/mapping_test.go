package store_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// districtsOf are a fixture's districts as the mapping matches them.
func districtsOf(f *storetest.Fixture) []mapping.District {
	var out []mapping.District
	for _, d := range f.Districts {
		out = append(out, mapping.District{ID: d.ID, Name: d.Name})
	}
	return out
}

func popFile(year int, norra, sodra int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\"Folkmängd efter region, ålder, kön och år\"\n\n\"region\";\"ålder\";\"kön\";\"%d\"\n", year)
	for age := 12; age <= 17; age++ {
		for _, sex := range []string{"män", "kvinnor"} {
			fmt.Fprintf(&b, "\"Norra\";\"%d år\";\"%s\";%d\n\"Södra\";\"%d år\";\"%s\";%d\n", age, sex, norra, age, sex, sodra)
		}
	}
	return b.String()
}

// The population and the resource registry on both engines: who reads and who changes them,
// each import all or nothing and the same file twice changing nothing, every change audited,
// and one municipality's figures its own.
func TestMappingRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, func() time.Time { return dashAt })
		f := storetest.Seed(t, s, "9901", "")
		other := storetest.Seed(t, s, "9902", "b-")
		admin, steering, analyst := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleSteering), f.Ctx(t, s, casework.RoleAnalyst)
		parse := func(file string) []mapping.PopRow {
			t.Helper()
			rows, err := mapping.ParsePopulation([]byte(file), districtsOf(f))
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		years := func(r casework.Role) []store.PopulationYear {
			t.Helper()
			reg, err := s.MappingRegistry(f.Ctx(t, s, r))
			if err != nil {
				t.Fatal(err)
			}
			return reg.Population
		}

		t.Run("the administrator imports a year; importing it again changes nothing", func(t *testing.T) {
			for i := 0; i < 2; i++ {
				if err := s.ImportPopulation(admin, parse(popFile(2025, 50, 30))); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := years(casework.RoleAnalyst), []store.PopulationYear{{Year: 2025, People: 6 * 2 * 80, Districts: 2}}; !reflect.DeepEqual(got, want) {
				t.Errorf("population %+v, want %+v", got, want)
			}
		})
		t.Run("a new file for the year replaces it, other years stay", func(t *testing.T) {
			if err := s.ImportPopulation(steering, parse(popFile(2024, 10, 10))); err != nil {
				t.Fatal(err)
			}
			if err := s.ImportPopulation(steering, parse(popFile(2025, 40, 30))); err != nil {
				t.Fatal(err)
			}
			want := []store.PopulationYear{{Year: 2025, People: 6 * 2 * 70, Districts: 2}, {Year: 2024, People: 6 * 2 * 20, Districts: 2}}
			if got := years(casework.RoleAdmin); !reflect.DeepEqual(got, want) {
				t.Errorf("population %+v, want %+v", got, want)
			}
		})
		t.Run("a row that cannot be stored refuses the whole file", func(t *testing.T) {
			rows := parse(popFile(2025, 99, 99))
			rows = append(rows, mapping.PopRow{District: other.Districts[0].ID, Year: 2023, Age: 14, Sex: "m", People: 5})
			if err := s.ImportPopulation(admin, rows); casework.ErrorCode(err) != casework.EInvalid {
				t.Fatalf("another municipality's district: %v", err)
			}
			if got := years(casework.RoleAdmin); len(got) != 2 || got[0].People != 6*2*70 {
				t.Errorf("half an import was saved: %+v", got)
			}
		})
		t.Run("those who only see aggregates read but do not import; case workers see nothing", func(t *testing.T) {
			if err := s.ImportPopulation(analyst, parse(popFile(2025, 1, 1))); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("analyst imported: %v", err)
			}
			for _, r := range []casework.Role{casework.RoleGroupMember, casework.RoleCaseOfficer, casework.RoleAuditor} {
				if _, err := s.MappingRegistry(f.Ctx(t, s, r)); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s: %v", r, err)
				}
			}
			reg, err := s.MappingRegistry(other.Ctx(t, s, casework.RoleAdmin))
			if err != nil || len(reg.Population) != 0 {
				t.Errorf("the other municipality sees %+v, %v", reg, err)
			}
		})
		t.Run("the registry file replaces the registry and reads back the same", func(t *testing.T) {
			file := "namn;typ;huvudman;stadsdel;adress;ålder från;ålder till;nivå;kapacitet;årskostnad;betalare;kvällar;helger;behov;insatser\n" +
				"Gården;youth_centre;Fritid;Norra;Torget 1;13;17;universell;40;1200000;Fritidsnämnden;ja;nej;leisure,peers;\n" +
				"Fältarna;field_workers;Socialtjänsten;;;13;20;selektiv;;900000;Socialnämnden;ja;ja;peers;\n"
			rs, err := mapping.ParseResources([]byte(file), districtsOf(f))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if err := s.ReplaceResources(admin, rs); err != nil {
					t.Fatal(err)
				}
			}
			reg, err := s.MappingRegistry(analyst)
			if err != nil {
				t.Fatal(err)
			}
			if len(reg.Resources) != 2 || reg.Resources[0].Name != "Fältarna" || reg.Resources[1].District != f.Districts[0].ID {
				t.Fatalf("registry %+v", reg.Resources)
			}
			again, err := mapping.ParseResources(mapping.WriteResources(reg.Resources, reg.Districts), reg.Districts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range again {
				again[i].ID = reg.Resources[i].ID
			}
			if !reflect.DeepEqual(again, reg.Resources) {
				t.Errorf("exported and read again:\n%+v\nwant\n%+v", again, reg.Resources)
			}
			if err := s.ReplaceResources(admin, append(rs, rs[0])); casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("two resources of one name: %v", err)
			}
			if reg, _ := s.MappingRegistry(analyst); len(reg.Resources) != 2 {
				t.Errorf("a refused registry left %d resources", len(reg.Resources))
			}
		})
		t.Run("every change is audited", func(t *testing.T) {
			pop, res := auditDetails(t, s, f, "population"), auditDetails(t, s, f, "resources")
			if len(pop) != 5 || !strings.Contains(pop[0], "update allowed years 2025, 24 rows") || !strings.Contains(pop[4], "denied") {
				t.Errorf("population audit %q", pop)
			}
			if len(res) != 2 || !strings.Contains(res[0], "2 resources") {
				t.Errorf("resources audit %q", res)
			}
		})
	})
}

// The picture's needs are the release's figures: the same cells, hidden or shown, as the
// dashboard publishes for the half-year, per district; the population is the imported year.
func TestMappingPictureReadsTheRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		for i := 0; i < 7; i++ {
			f.Concern(t, s, casework.RoleCoordinator, "Ung", fmt.Sprintf("Nr%d", i), storetest.TestPersonalNumbers[i])
		}
		admin, analyst := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleAnalyst)
		rows, err := mapping.ParsePopulation([]byte(popFile(2025, 50, 30)), districtsOf(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ImportPopulation(admin, rows); err != nil {
			t.Fatal(err)
		}
		geo := `{"type": "FeatureCollection", "features": [
			{"type": "Feature", "properties": {"name": "Norra"}, "geometry": {"type": "Polygon", "coordinates": [[[18, 59.5], [18.1, 59.5], [18.1, 59.6], [18, 59.5]]]}},
			{"type": "Feature", "properties": {"name": "Södra"}, "geometry": {"type": "Polygon", "coordinates": [[[18, 59.4], [18.1, 59.4], [18.1, 59.5], [18, 59.4]]]}}]}`
		shapes, err := mapping.ParseGeoJSON([]byte(geo), districtsOf(f))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // the same file twice changes nothing
			if err := s.ImportShapes(admin, shapes); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ImportShapes(analyst, shapes); casework.ErrorCode(err) != casework.EForbidden {
			t.Errorf("the analyst imported boundaries: %v", err)
		}
		if reg, err := s.MappingRegistry(analyst); err != nil || reg.Shapes != 2 {
			t.Errorf("registry shapes %v, %v", reg, err)
		}
		p := stats.Period{Year: 2026, Half: 1}
		if _, err := s.MappingPicture(analyst, p, ""); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("a half-year not yet published: %v", err)
		}
		clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
		pic, err := s.MappingPicture(analyst, p, "")
		if err != nil {
			t.Fatal(err)
		}
		dash, err := s.Dashboard(analyst, store.DashboardQuery{Period: p, District: stats.All})
		if err != nil {
			t.Fatal(err)
		}
		byDistrict := func(ss []mapping.Shape) map[int64]mapping.Shape {
			m := map[int64]mapping.Shape{}
			for _, x := range ss {
				m[x.District] = x
			}
			return m
		}
		if !reflect.DeepEqual(byDistrict(pic.Shapes), byDistrict(shapes)) {
			t.Errorf("shapes read back %+v, want %+v", pic.Shapes, shapes)
		}
		if pic.Year != 2025 || len(pic.Rows) != 3 || pic.Rows[0].Name != "Norra" || pic.Rows[2].ID != stats.All {
			t.Fatalf("picture %+v", pic)
		}
		for _, row := range pic.Rows {
			v, ok := dash.View(row.ID)
			if !ok {
				continue
			}
			age := v.Table("breakdown_age")
			for _, c := range row.Cells {
				rc := age.Cell(c.Band, "open")
				if c.Open.Shown != rc.Show() || (rc.Show() && c.Open.Value != rc.Value) || (!rc.Show() && c.Open.Primary != rc.Primary) {
					t.Errorf("%s %s: picture %+v, release %+v", row.Name, c.Band, c.Open, rc)
				}
			}
		}
		if r := pic.Rows[0]; r.Population != 6*2*50 || r.Cells[1].Population != 3*2*50 {
			t.Errorf("Norra's population %d, 13–15 %d", r.Population, r.Cells[1].Population)
		}
		for _, r := range []casework.Role{casework.RoleAdmin, casework.RoleGroupMember} {
			if _, err := s.MappingPicture(f.Ctx(t, s, r), p, ""); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("%s: %v", r, err)
			}
		}
		if got := auditDetails(t, s, f, "mapping"); len(got) != 3 || got[0] != "list allowed period 2026H1" || got[2] != "list denied period 2026H1" {
			t.Errorf("audit %q", got)
		}
	})
}

// The capacity view on both engines: every coordinator's open cases against the cap, the
// warning at the cap and over it, the cap the administrator's setting.
func TestCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		admin, coord := f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleCoordinator)
		load := func() (int, mapping.Caseload) {
			t.Helper()
			c, err := s.Capacity(coord)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range c.Caseloads {
				if l.UserID == f.Users[casework.RoleCoordinator].ID {
					return c.Cap, l
				}
			}
			t.Fatalf("the coordinator is not in %+v", c.Caseloads)
			return 0, mapping.Caseload{}
		}
		if cap, l := load(); cap != mapping.DefaultCaseloadCap || l.Active != 0 || l.State != mapping.LoadOK {
			t.Fatalf("before any case: cap %d, %+v", cap, l)
		}
		settings := func(cap, months, wait int) store.CapacitySettings {
			c := store.DefaultCapacitySettings()
			c.Cap, c.PlannedMonths, c.WaitDays = cap, months, wait
			return c
		}
		if err := s.SetCapacity(admin, settings(2, 10, 7)); err != nil {
			t.Fatal(err)
		}
		var cases []int64
		for i := 0; i < 3; i++ {
			id := f.Concern(t, s, casework.RoleCoordinator, "Ung", fmt.Sprintf("Nr%d", i), storetest.TestPersonalNumbers[i]).CaseID
			cases = append(cases, id)
		}
		if _, l := load(); l.Active != 0 {
			t.Fatalf("concerns not taken on are nobody's caseload: %+v", l)
		}
		for i, want := range []string{mapping.LoadOK, mapping.LoadFull, mapping.LoadOver} {
			f.Advance(t, s, cases[i], casework.StepAssessment, storetest.ConsentSpec{})
			if cap, l := load(); cap != 2 || l.Active != i+1 || l.State != want {
				t.Errorf("after %d taken on: cap %d, %+v, want %s", i+1, cap, l, want)
			}
		}
		t.Run("the waiting list from decision to the first group meeting, and the planned length", func(t *testing.T) {
			f.Advance(t, s, cases[0], casework.StepParties, storetest.ConsentSpec{}) // decided to start today
			c, err := s.Capacity(coord)
			if err != nil {
				t.Fatal(err)
			}
			if c.Waiting != 1 || c.Late != 0 || c.Longest != 0 {
				t.Errorf("on the day of the decision: waiting %d, late %d, longest %d", c.Waiting, c.Late, c.Longest)
			}
			clock.Advance(8 * 24 * time.Hour)
			if c, _ = s.Capacity(coord); c.Waiting != 1 || c.Late != 1 || c.Longest != 8 {
				t.Errorf("eight days later: waiting %d, late %d, longest %d", c.Waiting, c.Late, c.Longest)
			}
			clock.Set(time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC))
			if _, l := load(); l.Ending != 1 || l.Overrun != 0 {
				t.Errorf("three weeks before ten months: %+v", l)
			}
			clock.Set(time.Date(2027, 1, 3, 9, 0, 0, 0, time.UTC))
			if _, l := load(); l.Ending != 0 || l.Overrun != 1 {
				t.Errorf("after ten months: %+v", l)
			}
		})
		if err := s.SetCapacity(admin, settings(0, 10, 100)); casework.ErrorCode(err) != casework.EInvalid ||
			len(casework.FieldErrorsOf(err)) != 2 || casework.FieldErrorsOf(err)[0].Field != "caseload_cap" || casework.FieldErrorsOf(err)[1].Field != "wait_days" {
			t.Errorf("a cap of 0 and a wait of 100 days: %v", err)
		}
		if err := s.SetCapacity(coord, settings(12, 10, 7)); casework.ErrorCode(err) != casework.EForbidden {
			t.Errorf("a coordinator set the cap: %v", err)
		}
		for _, r := range []casework.Role{casework.RoleGroupMember, casework.RoleAnalyst, casework.RoleAuditor} {
			if _, err := s.Capacity(f.Ctx(t, s, r)); casework.ErrorCode(err) != casework.EForbidden {
				t.Errorf("%s sees the caseloads: %v", r, err)
			}
		}
		for _, r := range []casework.Role{casework.RoleAdmin, casework.RoleSteering} {
			if _, err := s.Capacity(f.Ctx(t, s, r)); err != nil {
				t.Errorf("%s: %v", r, err)
			}
		}
		if got := auditDetails(t, s, f, "capacity_settings"); len(got) != 2 || got[0] != "update allowed caseload cap 2, planned 10 months, wait 7 days, group cap 10, experience 2 years from high (warn)" ||
			got[1] != "update denied caseload cap 12, planned 10 months, wait 7 days, group cap 10, experience 2 years from high (warn)" {
			t.Errorf("cap audit %q", got)
		}
	})
}
