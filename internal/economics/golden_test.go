package economics

import (
	"math"
	"testing"
)

// The seed figures of the domain notes, reproduced from the national default register — the
// figures SKL's booklet (2018) quotes from Växjö's economists and from Ingvar Nilsson — through
// the same functions the report uses.

func defaultItem(t *testing.T, code string) UnitCost {
	t.Helper()
	for _, u := range DefaultRegister() {
		if u.Code == code {
			return u
		}
	}
	t.Fatalf("the default register has no %s", code)
	return UnitCost{}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.2f, want %.2f (± %.2f)", what, got, want, tol)
	}
}

func TestGoldenVaxjo(t *testing.T) {
	sig := defaultItem(t, "reference.sig_year").Amount.Kronor()
	placement := defaultItem(t, "reference.placement_year").Amount.Kronor()
	t.Run("a SIG costs 900 000 a year against 2 726 000 for a placement, about three times as much", func(t *testing.T) {
		near(t, "SIG a year", sig, 900_000, 0)
		near(t, "placement a year", placement, 2_726_000, 0)
		near(t, "placement / SIG", placement/sig, 3, 0.05)
	})
	t.Run("each young person not placed saves about 1.8 MSEK", func(t *testing.T) {
		avoided := AvoidedPerPlacement(placement, sig)
		near(t, "avoided", avoided, 1_826_000, 0)
		near(t, "avoided in MSEK, one decimal", math.Round(avoided/100_000)/10, 1.8, 0)
	})
}

func TestGoldenGangs(t *testing.T) {
	member := defaultItem(t, "reference.gang_member_year")
	gang := defaultItem(t, "reference.gang_year")
	t.Run("one gang criminal committing crimes for 15 years costs society 23 MSEK", func(t *testing.T) {
		near(t, "15 years", CareerCost(member.Amount.Kronor(), 1, 15, 0), 23_000_000, 1)
	})
	t.Run("a gang of 15 over 20 years costs 280 MSEK, double with society's protection", func(t *testing.T) {
		near(t, "15 × 20 years", CareerCost(gang.Amount.Kronor(), 15, 20, 0), 280_000_000, 100)
		near(t, "with protection", CareerCost(gang.High.Kronor(), 15, 20, 0), 560_000_000, 100)
	})
	t.Run("discounted at 3.5 % the 15 years are worth less today", func(t *testing.T) {
		// Σ_{k=0}^{14} 1.035^−k = (1 − 1.035^−15) / (1 − 1/1.035) = 11.920520…
		near(t, "present value", CareerCost(member.Amount.Kronor(), 1, 15, 0.035), 1_533_333.33*11.920520, 5)
	})
}

func TestGoldenJobs(t *testing.T) {
	cost := defaultItem(t, "reference.job_cost").Amount.Kronor()
	ret := defaultItem(t, "reference.job_return").Amount.Kronor()
	near(t, "a job costs", cost, 250_000, 0)
	near(t, "return / cost", ret/cost, 60, 0)
	share := BreakEvenCount(cost, ret)
	near(t, "successes needed per attempt", share, 1.0/60, 1e-12)
	if n := math.Round(1 / share); n != 60 {
		t.Errorf("one success in %v pays for all, want one in 60", n)
	}
}

func TestAnnuity(t *testing.T) {
	for _, tc := range []struct {
		name        string
		years, rate float64
		want        float64
	}{
		{"no years are worth nothing", 0, 0.035, 0},
		{"one year counts in full", 1, 0.035, 1},
		{"two years at 3.5 %: 1 + 1/1.035", 2, 0.035, 1 + 1/1.035},
		{"half a year is half the first", 0.5, 0.035, 0.5},
		{"two and a half years: the half is discounted twice", 2.5, 0.1, 1 + 1/1.1 + 0.5/1.21},
		{"undiscounted years are years", 15, 0, 15},
	} {
		t.Run(tc.name, func(t *testing.T) { near(t, "annuity", Annuity(tc.years, tc.rate), tc.want, 1e-9) })
	}
}
