package api_test

import (
	"testing"

	"lots/internal/api"
	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// The cost register and the report through the API, on both engines: who reads, who changes,
// faults refused as problem documents naming the field with nothing saved, and a report that
// says "too few" rather than a number.
func TestEconomicsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		steering, admin, analyst, police := clientFor(t, srv, "styrgrupp"), clientFor(t, srv, "admin"), clientFor(t, srv, "analytiker"), clientFor(t, srv, "polis")

		var reg api.CostRegister
		analyst.want(200, "GET", "/api/v1/economics/register", nil, &reg)
		items := map[string]api.UnitCost{}
		for _, u := range reg.Items {
			items[u.Code] = u
		}
		if hvb := items["placement.hvb"]; !hvb.Edited || hvb.Amount != 4800 || hvb.Unit != "day" {
			t.Fatalf("Demo kommun's HVB price: %+v", hvb)
		}
		if c := items["crime.robbery"]; c.Edited || c.Amount != 226000 || c.PriceYear != 2012 || c.Source == "" || c.Tag != "verified" {
			t.Fatalf("the national robbery: %+v", c)
		}
		if reg.Index[len(reg.Index)-1].Year != 2023 || !reg.AssumptionsSaved || reg.Assumptions.CoordinatorFTE != 2 {
			t.Fatalf("index %+v, assumptions %+v", reg.Index[len(reg.Index)-1], reg.Assumptions)
		}
		police.problem(403, "forbidden", "error.forbidden", "GET", "/api/v1/economics/register", nil)

		t.Run("a fault refuses the whole and names the field", func(t *testing.T) {
			p := steering.problem(422, "invalid", "error.invalid", "PUT", "/api/v1/economics/register/placement.hvb",
				`{"unit": "year", "amount": 1000000, "price_year": 2031, "source": "Budget"}`)
			fields := map[string]string{}
			for _, f := range p.Errors {
				fields[f.Field] = f.Key
			}
			if fields["unit"] != "economics.unit_must_be.day" || fields["price_year"] != "economics.price_year_no_index" {
				t.Fatalf("errors %+v", p.Errors)
			}
			p = steering.problem(422, "invalid", "economics.amount_decimals", "PUT", "/api/v1/economics/register/placement.hvb",
				`{"unit": "day", "amount": 4800.125, "price_year": 2023, "source": "Budget"}`)
			if p.Errors[0].Field != "amount" {
				t.Fatalf("errors %+v", p.Errors)
			}
			steering.problem(422, "invalid", "economics.range_low", "PUT", "/api/v1/economics/register/placement.hvb",
				`{"unit": "day", "amount": 4800, "low": 5000, "price_year": 2023, "source": "Budget"}`)
			steering.problem(422, "invalid", "economics.amount_negative", "PUT", "/api/v1/economics/register/placement.hvb",
				`{"unit": "day", "amount": -1, "price_year": 2023, "source": "Budget"}`)
			analyst.want(200, "GET", "/api/v1/economics/register", nil, &reg)
			for _, u := range reg.Items {
				if u.Code == "placement.hvb" && u.Amount != 4800 {
					t.Fatalf("half saved: %+v", u)
				}
			}
		})

		t.Run("the steering group sets a figure, the analyst may not", func(t *testing.T) {
			var u api.UnitCost
			steering.want(200, "PUT", "/api/v1/economics/register/intervention.mst", `{"unit": "week", "amount": 9500.5, "low": 8000, "high": 12000,
				"price_year": 2023, "source": "Avtal med utföraren", "shares": {"municipality_social": 0.8, "region": 0.2}}`, &u)
			if u.Amount != 9500.5 || !u.Edited || u.Shares["region"] != 0.2 || u.Tag != "local" {
				t.Fatalf("saved %+v", u)
			}
			analyst.problem(403, "forbidden", "error.forbidden", "PUT", "/api/v1/economics/register/intervention.mst",
				`{"unit": "week", "amount": 1, "price_year": 2023, "source": "x"}`)
			steering.want(204, "DELETE", "/api/v1/economics/register/intervention.mst", nil, nil)
			steering.problem(404, "not_found", "error.not_found", "DELETE", "/api/v1/economics/register/intervention.mst", nil)
			steering.problem(404, "not_found", "error.not_found", "PUT", "/api/v1/economics/register/castle", `{"unit": "day", "amount": 1, "price_year": 2023, "source": "x"}`)
		})

		t.Run("the administrator adds a year of the index", func(t *testing.T) {
			admin.problem(422, "invalid", "economics.index_year_shipped", "PUT", "/api/v1/economics/indexes/2020", `{"value": 336}`)
			admin.want(204, "PUT", "/api/v1/economics/indexes/2024", `{"value": 414.25, "source": "SCB"}`, nil)
			steering.want(200, "PUT", "/api/v1/economics/register/placement.hvb", `{"unit": "day", "amount": 5000, "price_year": 2024, "source": "Budget 2024"}`, nil)
		})

		t.Run("assumptions", func(t *testing.T) {
			bad := `{"price_year": 2023, "coordinator_fte": 2, "attribution": {"value": 0.3, "low": 0.4, "high": 0.5}, "persistence_years": {"value": 2, "low": 1, "high": 5},
				"discount_rate": {"value": 0.035, "low": 0, "high": 0.05}, "after": "", "draws": 10000, "seed": 1}`
			p := steering.problem(422, "invalid", "economics.range_low", "PUT", "/api/v1/economics/assumptions", bad)
			if p.Errors[0].Field != "attribution_low" {
				t.Fatalf("%+v", p.Errors)
			}
		})

		t.Run("the report says too few rather than a number", func(t *testing.T) {
			var r api.EconomicsResult
			analyst.want(200, "GET", "/api/v1/economics/report", nil, &r)
			if !r.TooFew || r.YoungPeople != nil || r.Estimate != nil || r.Simulation != nil || r.PriceYear != 2023 {
				t.Fatalf("report %+v", r)
			}
			if r.Published == nil || r.Published.FrozenAt.IsZero() || r.Live || len(r.Differences) != 0 {
				t.Fatalf("the published report: %+v live %v differences %v", r.Published, r.Live, r.Differences)
			}
			var rc api.EconomicsResult
			analyst.want(200, "GET", "/api/v1/economics/report?recompute=true", nil, &rc)
			if !rc.Live || rc.Published == nil || rc.Published.FrozenAt != r.Published.FrozenAt || len(rc.Differences) == 0 || rc.Differences[0].Key != "cohort" {
				t.Fatalf("recomputed: live %v published %+v differences %+v", rc.Live, rc.Published, rc.Differences)
			}
			// The cohort is too few: neither its size nor its difference is given.
			if d := rc.Differences[0]; d.Published != nil || d.Now != nil || d.Difference != nil {
				t.Fatalf("a cohort below five in the differences: %+v", d)
			}
			if p := analyst.problem(422, "invalid", "economics2.recompute_invalid", "GET", "/api/v1/economics/report?recompute=yes", nil); p.Errors[0].Field != "recompute" {
				t.Fatalf("%+v", p.Errors)
			}
			analyst.problem(422, "invalid", "economics.period_invalid", "GET", "/api/v1/economics/report?period=2026Q1", nil)
			police.problem(403, "forbidden", "error.forbidden", "GET", "/api/v1/economics/report", nil)
			admin.problem(403, "forbidden", "error.forbidden", "GET", "/api/v1/economics/report", nil)
			var w api.EconomicsResult
			analyst.want(200, "POST", "/api/v1/economics/what-if", `{"assumptions": {"price_year": 2015, "coordinator_fte": 1, "attribution": {"value": 0.5, "low": 0.5, "high": 0.5},
				"persistence_years": {"value": 1, "low": 1, "high": 1}, "discount_rate": {"value": 0, "low": 0, "high": 0}, "after": "closure", "draws": 100, "seed": 3}}`, &w)
			if w.PriceYear != 2015 || w.Assumptions.Attribution.Value != 0.5 || !w.Live || w.Published == nil {
				t.Fatalf("what-if %+v", w.Assumptions)
			}
			analyst.want(200, "GET", "/api/v1/economics/register", nil, &reg)
			if reg.Assumptions.PriceYear != 2023 {
				t.Fatal("the what-if was saved")
			}
		})
	})
}
