package demo

import (
	"context"
	"fmt"

	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/store"
)

// Demo kommun's cost register: the national defaults with its own figures laid over them, as
// its administrator would enter them from the municipality's budget — two coordinators, its own
// HVB price and a price for each intervention its action plans use. The figures are invented for
// the demonstration and say so in their source; they are of a plausible size, so the report shows
// a result that is neither zero nor absurd.

// demoSource marks every figure of the demo's own.
const demoSource = "Demo kommun, budget 2023 (påhittad siffra för demonstrationen)"

func demoItem(code string, unit economics.Unit, kronor, low, high float64, perCourse float64, payer economics.Perspective) economics.UnitCost {
	return economics.UnitCost{Code: code, Unit: unit, Amount: economics.Money(kronor * 100), Low: economics.Money(low * 100), High: economics.Money(high * 100),
		PriceYear: 2023, Source: demoSource, Tag: economics.TagLocal, PerCourse: perCourse, Shares: economics.One(payer)}
}

var demoCosts = []economics.UnitCost{
	demoItem("staff.coordinator", economics.PerFTEYear, 720_000, 650_000, 800_000, 0, economics.MunicipalitySocial),
	demoItem("placement.hvb", economics.PerDay, 4_800, 3_900, 6_500, 0, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("komet"), economics.PerSession, 1_800, 1_400, 2_400, 11, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("fft"), economics.PerWeek, 6_000, 4_500, 8_000, 0, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("mi"), economics.PerSession, 1_200, 900, 1_600, 6, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("vagvalet"), economics.PerProgramme, 25_000, 18_000, 32_000, 0, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("kontaktperson"), economics.PerMonth, 2_500, 2_000, 3_500, 0, economics.MunicipalitySocial),
	demoItem(economics.InterventionCode("faltassistent"), economics.PerMonth, 3_000, 2_200, 4_000, 0, economics.MunicipalityOther),
	demoItem(economics.InterventionCode("studiestod"), economics.PerMonth, 4_000, 3_000, 5_500, 0, economics.MunicipalitySchool),
	demoItem(economics.InterventionCode("bup"), economics.PerProgramme, 30_000, 20_000, 45_000, 0, economics.Region),
}

// costRegister enters Demo kommun's register and assumptions as its administrator.
func costRegister(ctx context.Context, st *store.Store, m casework.Municipality, adminID int64) error {
	a, err := st.Actor(ctx, m.ID, adminID, casework.ViaSession)
	if err != nil {
		return err
	}
	ctx = casework.WithActor(ctx, a)
	for _, u := range demoCosts {
		if err := st.SaveUnitCost(ctx, u, false); err != nil {
			return fmt.Errorf("demo cost %s: %w", u.Code, err)
		}
	}
	as := economics.DefaultAssumptions()
	as.PriceYear, as.CoordinatorFTE = 2023, 2
	return st.SaveEconomicsAssumptions(ctx, as)
}
