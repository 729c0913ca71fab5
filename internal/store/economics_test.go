package store_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

func hvbItem(amount economics.Money, year int) economics.UnitCost {
	return economics.UnitCost{Code: "placement.hvb", Unit: economics.PerDay, Amount: amount, Low: amount, High: amount + 100_000,
		PriceYear: year, Source: "Kommunens årsredovisning"}
}

// auditDetails are the details of the municipality's audit entries about an object.
func auditDetails(t *testing.T, s *store.Store, f *storetest.Fixture, object string) []string {
	t.Helper()
	var out []string
	if err := s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(e audit.Entry) error {
		if e.Object == object {
			out = append(out, e.Action+" "+map[bool]string{true: "allowed", false: "denied"}[e.Allowed]+" "+e.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The register on both engines: who reads and who changes it, every change audited, a fault
// refuses the whole and names its field, a price year needs an index the administrator can add,
// and one municipality's figures are its own.
func TestCostRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s := storetest.Open(t, e, func() time.Time { return dashAt })
		f := storetest.Seed(t, s, "9901", "")
		other := storetest.Seed(t, s, "9902", "b-")
		steering, admin, analyst := f.Ctx(t, s, casework.RoleSteering), f.Ctx(t, s, casework.RoleAdmin), f.Ctx(t, s, casework.RoleAnalyst)

		t.Run("those who see aggregates or keep the register read it; case workers do not", func(t *testing.T) {
			for _, r := range []casework.Role{casework.RoleSteering, casework.RoleAnalyst, casework.RoleCoordinator, casework.RoleAdmin} {
				reg, err := s.CostRegister(f.Ctx(t, s, r))
				if err != nil {
					t.Fatalf("%s: %v", r, err)
				}
				if u, _ := reg.Item("placement.hvb"); u.Amount != 300_100 || u.Edited {
					t.Errorf("%s: the national default %+v", r, u)
				}
			}
			for _, r := range []casework.Role{casework.RoleGroupMember, casework.RoleCaseOfficer, casework.RoleAuditor} {
				if _, err := s.CostRegister(f.Ctx(t, s, r)); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s: %v", r, err)
				}
			}
		})

		t.Run("the steering group sets its own figure, audited", func(t *testing.T) {
			if err := s.SaveUnitCost(steering, hvbItem(420_000, 2023), false); err != nil {
				t.Fatal(err)
			}
			reg, _ := s.CostRegister(analyst)
			if u, _ := reg.Item("placement.hvb"); u.Amount != 420_000 || !u.Edited || u.Source != "Kommunens årsredovisning" || !u.Shares.Valid() {
				t.Fatalf("saved %+v", u)
			}
			ds := auditDetails(t, s, f, "unit_cost")
			if len(ds) != 1 || !strings.Contains(ds[0], "placement.hvb 4200 per day") || !strings.Contains(ds[0], "price year 2023") {
				t.Fatalf("audit %q", ds)
			}
		})

		t.Run("a fault refuses the whole change and names the field", func(t *testing.T) {
			bad := hvbItem(999_900, 2023)
			bad.Unit = economics.PerYear
			bad.Low = 1_000_000
			err := s.SaveUnitCost(steering, bad, false)
			fields := map[string]string{}
			for _, fe := range casework.FieldErrorsOf(err) {
				fields[fe.Field] = fe.Key
			}
			if fields["unit"] != "economics.unit_must_be.day" || fields["low"] != "economics.range_low" {
				t.Fatalf("%v", err)
			}
			reg, _ := s.CostRegister(analyst)
			if u, _ := reg.Item("placement.hvb"); u.Amount != 420_000 || u.Unit != economics.PerDay {
				t.Fatalf("half saved: %+v", u)
			}
		})

		t.Run("a price year needs an index, which the administrator adds", func(t *testing.T) {
			err := s.SaveUnitCost(steering, hvbItem(430_000, 2024), false)
			if fe := casework.FieldErrorsOf(err); len(fe) != 1 || fe[0].Field != "price_year" {
				t.Fatalf("%v", err)
			}
			if err := s.SavePriceIndex(admin, economics.IndexYear{Year: 2020, Value: 1}); casework.FieldErrorsOf(err) == nil {
				t.Fatal("a shipped year was replaced")
			}
			if err := s.SavePriceIndex(analyst, economics.IndexYear{Year: 2024, Value: 414.25}); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("an analyst added an index: %v", err)
			}
			if err := s.SavePriceIndex(admin, economics.IndexYear{Year: 2024, Value: 414.25, Source: "SCB"}); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveUnitCost(steering, hvbItem(430_000, 2024), false); err != nil {
				t.Fatal(err)
			}
			reg, _ := s.CostRegister(analyst)
			if reg.Index[2024].Value != 414.25 || reg.Index[2024].Builtin {
				t.Fatalf("index %+v", reg.Index[2024])
			}
			if ds := auditDetails(t, s, f, "price_index"); len(ds) != 2 || !strings.Contains(ds[0], "denied") || !strings.Contains(ds[1], "2024 = 414.25") {
				t.Fatalf("audit %q", ds)
			}
		})

		t.Run("an analyst may not change it, and the refusal is audited", func(t *testing.T) {
			if err := s.SaveUnitCost(analyst, hvbItem(1, 2023), false); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatal(err)
			}
			ds := auditDetails(t, s, f, "unit_cost")
			if !strings.Contains(ds[len(ds)-1], "denied") {
				t.Fatalf("audit %q", ds)
			}
		})

		t.Run("an own item, its code taken once, removed again", func(t *testing.T) {
			item := economics.UnitCost{Code: "other.lokaler", Name: casework.Text{"sv": "Lokaler"}, Unit: economics.PerYear, Amount: 12_000_000,
				Low: 10_000_000, High: 14_000_000, PriceYear: 2023, Source: "Lokalbudget"}
			if err := s.SaveUnitCost(admin, item, true); err != nil {
				t.Fatal(err)
			}
			err := s.SaveUnitCost(admin, item, true)
			if fe := casework.FieldErrorsOf(err); len(fe) != 1 || fe[0].Key != "economics.code_taken" {
				t.Fatalf("%v", err)
			}
			if err := s.SaveUnitCost(admin, economics.UnitCost{Code: "placement.sis", Unit: economics.PerDay, Amount: 1, Low: 1, High: 1, PriceYear: 2023, Source: "x"}, true); casework.FieldErrorsOf(err) == nil {
				t.Fatal("a built-in code created as new")
			}
			if err := s.ResetUnitCost(admin, "other.lokaler"); err != nil {
				t.Fatal(err)
			}
			if err := s.ResetUnitCost(admin, "other.lokaler"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("reset twice: %v", err)
			}
			if err := s.ResetUnitCost(steering, "placement.hvb"); err != nil {
				t.Fatal(err)
			}
			reg, _ := s.CostRegister(analyst)
			if u, _ := reg.Item("placement.hvb"); u.Amount != 300_100 || u.Edited {
				t.Fatalf("not back to the default: %+v", u)
			}
		})

		t.Run("assumptions are checked and saved", func(t *testing.T) {
			a := economics.DefaultAssumptions()
			a.CoordinatorFTE = 1.5
			a.Attribution = economics.Range{Value: 0.3, Low: 0.4, High: 0.5}
			if err := s.SaveEconomicsAssumptions(steering, a); casework.FieldErrorsOf(err)[0].Field != "attribution_low" {
				t.Fatalf("%v", err)
			}
			a.Attribution.Low = 0.2
			if err := s.SaveEconomicsAssumptions(steering, a); err != nil {
				t.Fatal(err)
			}
			reg, _ := s.CostRegister(analyst)
			if !reg.AssumptionsSaved || reg.Assumptions.CoordinatorFTE != 1.5 || reg.Assumptions.Attribution.Low != 0.2 {
				t.Fatalf("%+v", reg.Assumptions)
			}
		})

		t.Run("another municipality's register is its own", func(t *testing.T) {
			reg, err := s.CostRegister(other.Ctx(t, s, casework.RoleAnalyst))
			if err != nil {
				t.Fatal(err)
			}
			if reg.AssumptionsSaved || reg.Index.Has(2024) {
				t.Fatal("the other municipality sees this one's register")
			}
		})
	})
}

// economicsCases are six young people whose SIG started on 5 October 2025 and closed on 15
// March 2026 (one of them SSPF), each with one robbery in the six months before intake and none
// before the six-month follow-up, one placed in an HVB at intake and none after; five had Komet
// (11 sessions, started in January) and two ESTER; three meetings with the police and a case officer
// present (90 minutes and a pre-meeting of 30) for the first. Four more young people ran all
// half-year. n closed ones are made (6, or fewer to test the suppression).
func economicsCases(f *storetest.Fixture, n int) []store.SeedCase {
	policeUser, officer := f.Users[casework.RoleGroupMember].ID, f.Users[casework.RoleCaseOfficer].ID
	coord := f.Users[casework.RoleCoordinator].ID
	var out []store.SeedCase
	for i := range n {
		c := store.SeedCase{District: f.Districts[0].ID, Gender: casework.GenderMale, Birth: day("2010-03-01"), Step: casework.StepClosed,
			Closure: casework.CloseGoalsReached, Coordinator: coord, Opened: day("2025-09-01"), TakenOn: day("2025-09-10"), AssessmentDone: day("2025-10-01"),
			DecidedStart: day("2025-10-05"), GroupConvened: day("2025-10-10"), PlanSet: day("2025-10-20"), Closed: day("2026-03-15")}
		if i == 5 {
			c.Program = casework.ProgramSSPF
		}
		placed := "none"
		if i == 0 {
			placed = "hvb"
		}
		c.Indicators = map[string][]stats.Value{
			stats.AtIntake:  append([]stats.Value{choice("placement", placed), choice("occupation", "school")}, police("robbery", 1)...),
			stats.AtFollow6: append([]stats.Value{choice("placement", "none"), choice("occupation", "school")}, police("robbery", 0)...),
		}
		if i < 5 {
			c.Interventions = append(c.Interventions, casework.Intervention{ID: "k", Method: "komet", Name: "Komet", Start: "2026-01-10", Status: "done", End: "2026-03-01"})
		}
		if i < 2 {
			c.Interventions = append(c.Interventions, casework.Intervention{ID: "e", Method: "ester", Name: "ESTER", Start: "2026-01-12", Status: "done", End: "2026-01-12"})
		}
		if i == 0 {
			for _, d := range []string{"2026-01-13", "2026-02-10", "2026-03-10"} {
				c.Meetings = append(c.Meetings, store.SeedMeeting{Start: day(d), Minutes: 90, Pre: 30, Present: []int64{policeUser, officer, coord}})
			}
		}
		out = append(out, c)
	}
	for range 4 {
		out = append(out, store.SeedCase{District: f.Districts[1].ID, Gender: casework.GenderFemale, Birth: day("2011-05-05"), Step: casework.StepActive,
			Opened: day("2025-11-01"), TakenOn: day("2025-11-02"), AssessmentDone: day("2025-11-20"), DecidedStart: day("2025-12-01"), GroupConvened: day("2025-12-05"),
			PlanSet: day("2025-12-10")})
	}
	return out
}

// economicsSetup seeds the cases and a register: the coordinator's post 600 000 a year, Komet
// 1 500 a session, one post, everything in 2023 prices, half of the change SIG's, for one year,
// undiscounted, read at the six-month follow-up.
func economicsSetup(t *testing.T, e storetest.Engine, n int) (*store.Store, *storetest.Fixture) {
	t.Helper()
	s := storetest.Open(t, e, func() time.Time { return dashAt })
	f := storetest.Seed(t, s, "9901", "")
	if err := s.SeedCasesForTest(context.Background(), f.Municipality.ID, economicsCases(f, n)); err != nil {
		t.Fatal(err)
	}
	steering := f.Ctx(t, s, casework.RoleSteering)
	for _, u := range []economics.UnitCost{
		{Code: "staff.coordinator", Unit: economics.PerFTEYear, Amount: 60_000_000, Low: 60_000_000, High: 60_000_000, PriceYear: 2023, Source: "Lönekostnad"},
		{Code: "intervention.komet", Unit: economics.PerSession, PerCourse: 11, Amount: 150_000, Low: 150_000, High: 150_000, PriceYear: 2023, Source: "Avtal"},
	} {
		if err := s.SaveUnitCost(steering, u, false); err != nil {
			t.Fatal(err)
		}
	}
	a := economics.DefaultAssumptions()
	a.PriceYear, a.CoordinatorFTE, a.After = 2023, 1, economics.AtFollow6
	a.Attribution, a.Persistence, a.Discount = economics.Range{Value: 0.5, Low: 0.5, High: 0.5}, economics.Range{Value: 1, Low: 1, High: 1}, economics.Range{}
	if err := s.SaveEconomicsAssumptions(steering, a); err != nil {
		t.Fatal(err)
	}
	return s, f
}

// The report on hand-made data, on both engines: what Lots records, priced.
func TestEconomicsReportKnownAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := economicsSetup(t, e, 6)
		out, err := s.Economics(f.Ctx(t, s, casework.RoleSteering), store.EconomicsQuery{Period: h1})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Report
		kpi := func(from int) float64 {
			return 403.70 / map[int]float64{2012: 314.20, 2014: 313.49, 2015: 313.35}[from]
		}
		lines := map[string]economics.CostLine{}
		for _, l := range r.Costs {
			lines[l.Code] = l
		}

		t.Run("the programme's cost", func(t *testing.T) {
			if int(r.Served.Value) != 10 || int(r.N.Value) != 6 || r.TooFew {
				t.Fatalf("served %v, cohort %v", r.Served.Value, r.N.Value)
			}
			// One post for half a year.
			near(t, "coordinator", lines["staff.coordinator"].Amount, 300_000, 1e-6)
			// Three meetings of 90 + 30 minutes with the police and the school present (the case's
			// coordinator is counted in the post): 6 hours each at 660 kr in 2015 prices.
			near(t, "police hours", lines["staff.state"].Quantity, 6, 1e-9)
			near(t, "school hours", lines["staff.social"].Quantity, 6, 1e-9) // the fixture's case officer is social services
			near(t, "police cost", lines["staff.state"].Amount, 6*660*kpi(2015), 1e-6)
			// Komet: five started in the half-year, 11 sessions at 1 500 kr.
			near(t, "Komet", lines["intervention.komet"].Amount, 5*11*1500, 1e-6)
			// ESTER: two, 4 754 kr each in 2015 prices.
			near(t, "ESTER", lines["intervention.ester"].Amount, 2*4754*kpi(2015), 1e-6)
		})

		t.Run("an intervention on fewer than five young people is hidden, and so is the one beside it", func(t *testing.T) {
			if lines["intervention.ester"].Cell.Show() {
				t.Error("ESTER's cost for two young people is shown")
			}
			if lines["intervention.komet"].Cell.Show() {
				t.Error("Komet's cost is shown beside the intervention total: the total minus Komet is ESTER's")
			}
			if !r.InterventionTotal.Show() {
				t.Error("the interventions' total on five young people is hidden")
			}
			usage := map[string]economics.UsageRow{}
			for _, u := range r.Usage {
				usage[u.Method] = u
			}
			// Komet's five young people were all in SIG. Its split by programme hides SIG's five
			// beside SSPF's "<5" (the 0), and a hidden five is shown as "–", five or more: with
			// the total of five beside it, SSPF's "<5" would be pinned to 0. So the total is hidden
			// too; the five action plans, a figure of its own, are shown.
			if k := usage["komet"]; k.Youths.Show() || k.ByProgram["sig"].Show() || !k.Plans.Show() || k.Plans.Value != 5 {
				t.Errorf("Komet's use %+v %+v plans %+v", k.Youths, k.ByProgram["sig"], k.Plans)
			}
			if usage["ester"].Plans.Show() {
				t.Error("ESTER's two plans are shown")
			}
			if out.MethodNames["komet"] != "Komet" {
				t.Errorf("method names %v", out.MethodNames)
			}
		})

		t.Run("the effects and what they are worth", func(t *testing.T) {
			if r.Afters != economics.Same(economics.AtFollow6) || r.Paired != [4]int{6, 6, 6, 0} {
				t.Fatalf("after %s, paired %v", r.Assumptions.After, r.Paired)
			}
			if v := r.Effects.Offences.TotalBefore; !v.Show() || v.Value != 12 {
				t.Errorf("robberies a year before: %+v", v)
			}
			if v, _ := r.Effects.Placement.Placed(); v.Show() {
				t.Error("one young person placed at intake is shown")
			}
			// Per young person a year: 2 robberies at 226 000 (2012), and one HVB placement of six
			// ended at 3 001 a day (2014); half of it SIG's, for one year, six young people.
			perYear := 2*226_000*kpi(2012) + 365*3001*kpi(2014)/6
			near(t, "benefit", r.Point.Benefit, 6*0.5*perYear, 1e-3)
			// The cost: a case-month's cost times the cohort's months.
			perMonth := r.CostTotal.Value / r.CaseMonths
			near(t, "cost", r.Point.Cost, perMonth*6*r.MeanMonths, 1e-3)
			near(t, "mean months", r.MeanMonths, 161/(365.0/12), 0.05)
			if s := r.Simulation; s == nil || s.Draws != 10000 || math.IsNaN(s.ProbBenefitsExceedCosts) {
				t.Fatalf("simulation %+v", s)
			}
		})

		t.Run("the read is audited as aggregates, naming no young person", func(t *testing.T) {
			var found bool
			_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
				if en.Object == "economics" {
					found = true
					if en.YouthID != 0 || en.Detail != "period 2026H1" || en.Action != audit.ActionList {
						t.Errorf("entry %+v", en)
					}
				}
				return nil
			})
			if !found {
				t.Fatal("no audit entry")
			}
		})

		t.Run("what if: other assumptions for one view, nothing saved", func(t *testing.T) {
			a := r.Assumptions
			a.Attribution = economics.Range{Value: 1, Low: 1, High: 1}
			w, err := s.Economics(f.Ctx(t, s, casework.RoleAnalyst), store.EconomicsQuery{Period: h1, WhatIf: &a})
			if err != nil {
				t.Fatal(err)
			}
			near(t, "twice the benefit", w.Report.Point.Benefit, 2*r.Point.Benefit, 1e-3)
			bad := a
			bad.Persistence.High = 0
			if _, err := s.Economics(f.Ctx(t, s, casework.RoleAnalyst), store.EconomicsQuery{Period: h1, WhatIf: &bad}); casework.FieldErrorsOf(err) == nil {
				t.Fatal("a bad what-if computed")
			}
			reg, _ := s.CostRegister(f.Ctx(t, s, casework.RoleAnalyst))
			if reg.Assumptions.Attribution.Value != 0.5 {
				t.Fatal("the what-if was saved")
			}
		})

		t.Run("only those who see aggregates", func(t *testing.T) {
			for _, role := range []casework.Role{casework.RoleAdmin, casework.RoleGroupMember, casework.RoleAuditor} {
				if _, err := s.Economics(f.Ctx(t, s, role), store.EconomicsQuery{Period: h1}); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s: %v", role, err)
				}
			}
		})

		t.Run("the national export carries the cost and avoided cost per young person", func(t *testing.T) {
			b, err := s.ExportStats(f.Ctx(t, s, casework.RoleAnalyst), h1)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := stats.ParseExport(b)
			if err != nil {
				t.Fatal(err)
			}
			x := ex.Economics
			if ex.SchemaVersion != 2 || x == nil || x.Suppressed || *x.N != 6 || x.PriceYear != 2023 {
				t.Fatalf("economics %+v", x)
			}
			near(t, "avoided cost per young person", *x.AvoidedCostPerYouth, math.Round(r.Point.BenefitPer), 0)
			near(t, "cost per young person", *x.CostPerYouth, math.Round(r.Point.CostPer), 0)
			var raw map[string]any
			_ = json.Unmarshal(b, &raw)
			if strings.Contains(string(b), "Seed") || strings.Contains(string(b), "Nr0000") {
				t.Fatal("a name in the export")
			}
		})
	})
}

// The report is of a published half-year only, like the dashboard: a half-year still running, or
// one to come, is refused.
func TestEconomicsReportOnlyOfPublishedHalfYears(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := economicsSetup(t, e, 6)
		steering := f.Ctx(t, s, casework.RoleSteering)
		for _, p := range []stats.Period{{Year: 2027, Half: 1}, {Year: 2027, Half: 2}} {
			if _, err := s.Economics(steering, store.EconomicsQuery{Period: p}); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("%s: %v", p, err)
			}
		}
		if _, err := s.Economics(steering, store.EconomicsQuery{Period: h1}); err != nil {
			t.Fatal(err)
		}
	})
}

// Four young people are too few to say: no money result, no figure in the export.
func TestEconomicsTooFewToSay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		s, f := economicsSetup(t, e, 4)
		out, err := s.Economics(f.Ctx(t, s, casework.RoleSteering), store.EconomicsQuery{Period: h1})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Report
		if !r.TooFew || r.Point != nil || r.Simulation != nil || r.N.Show() || r.CostPerParticipant.Show() {
			t.Fatalf("too few: %v, point %v", r.TooFew, r.Point)
		}
		if r.Effects.Offences.N.Show() || r.Effects.Offences.TotalBefore.Show() {
			t.Fatal("effects on four young people are shown")
		}
		b, err := s.ExportStats(f.Ctx(t, s, casework.RoleAnalyst), h1)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := stats.ParseExport(b)
		if err != nil {
			t.Fatal(err)
		}
		if x := ex.Economics; x == nil || !x.Suppressed || x.N != nil || x.CostPerYouth != nil {
			t.Fatalf("export %+v", x)
		}
	})
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f", what, got, want)
	}
}
