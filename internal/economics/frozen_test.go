package economics

import (
	"bytes"
	"math"
	"testing"
)

// A frozen report reads back as it was written: every figure, the hidden ones hidden, and the
// ratios that are not a number still not a number.
func TestFrozenReportRoundTrip(t *testing.T) {
	in := largeInput(40)
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	r.BreakEven = append(r.BreakEven, BreakEven{Code: "reference.school_failure", Value: 0, Count: math.NaN()})
	b, err := MarshalFrozen(r)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.BreakEven[len(r.BreakEven)-1].Count) {
		t.Fatal("marshalling changed the report")
	}
	back, err := UnmarshalFrozen(b)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.BreakEven[len(back.BreakEven)-1].Count) {
		t.Error("a NaN came back as a number")
	}
	again, err := MarshalFrozen(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("the report read back is not the report written")
	}
	if back.Point.Net != r.Point.Net || back.Simulation.ProbBenefitsExceedCosts != r.Simulation.ProbBenefitsExceedCosts ||
		back.N.Value != r.N.Value || len(back.Simulation.Net) != len(r.Simulation.Net) || back.Point.AtLow != r.Point.AtLow {
		t.Errorf("figures changed: %+v vs %+v", back.Point, r.Point)
	}
	pb, _ := back.Effects.Placement.Placed()
	pr, _ := r.Effects.Placement.Placed()
	if pb == nil || pr == nil || pb.Value != pr.Value || pb.Suppressed != pr.Suppressed {
		t.Errorf("placed before lost: %+v vs %+v", pb, pr)
	}
	if _, err := UnmarshalFrozen([]byte(`{"version":99,"report":{}}`)); err == nil {
		t.Error("an unknown version must be refused")
	}
}

func TestCompareShowsTheDifference(t *testing.T) {
	in := largeInput(40)
	a, _ := Build(in)
	in.Cohort = in.Cohort[:38]
	b, _ := Build(in)
	d := Compare(a, b)
	by := map[string]Difference{}
	for _, x := range d {
		by[x.Key] = x
	}
	if v, ok := by["cohort"].Delta(); !ok || v != -2 || !by["cohort"].DeltaHidden() {
		t.Errorf("cohort difference %+v", by["cohort"])
	}
	if v, ok := by["net"].Delta(); !ok || v != b.Point.Net-a.Point.Net || v == 0 {
		t.Errorf("net difference %+v", by["net"])
	}
	if by["net"].DeltaHidden() {
		t.Error("a money difference is not a count of young people")
	}
	same := Compare(a, a)
	for _, x := range same {
		if v, ok := x.Delta(); ok && v != 0 {
			t.Errorf("%s differs from itself by %v", x.Key, v)
		}
	}
}
