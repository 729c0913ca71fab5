package casework_test

import (
	"errors"
	"slices"
	"testing"

	"lots/internal/casework"
)

func securityFields(err error) []string {
	var ve *casework.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}

// A security assessment is refused with the field named: no review date, a review not after
// the assessment, a date in the future, a participant without a name, an unknown level.
func TestSecurityInputValidate(t *testing.T) {
	const today = "2026-03-02"
	for _, tt := range []struct {
		name string
		in   casework.SecurityInput
		want []string
	}{
		{"the young person with a level and a review date is fine", casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh, ReviewOn: "2026-04-01"}, nil},
		{"no review date is refused", casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh}, []string{"review_on"}},
		{"a review on the day of the assessment is refused", casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatLow, ReviewOn: today}, []string{"review_on"}},
		{"a review date that is no date is refused", casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatLow, ReviewOn: "snart"}, []string{"review_on"}},
		{"an assessment in the future is refused", casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatLow, AssessedOn: "2026-03-03", ReviewOn: "2026-05-01"}, []string{"assessed_on"}},
		{"a sibling without a name is refused", casework.SecurityInput{Kind: casework.ParticipantSibling, Level: casework.ThreatLow, ReviewOn: "2026-05-01"}, []string{"participant_name"}},
		{"an unknown participant and level are refused", casework.SecurityInput{Kind: "neighbour", Level: "extreme", ReviewOn: "2026-05-01"}, []string{"participant", "level"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := securityFields(tt.in.Validate(today)); !slices.Equal(got, tt.want) {
				t.Errorf("fields %q, want %q", got, tt.want)
			}
		})
	}
}

// An exit pathway is refused with the field named: no wish date, no named contacts, a hand-off
// without a programme, a protected relocation without a destination (one set before counts).
func TestExitInputValidate(t *testing.T) {
	const today = "2026-03-02"
	dest, empty := "Norrby", ""
	ok := casework.ExitInput{Stage: casework.ExitWish, WishOn: "2026-02-01", PoliceContactID: 1, SocialContactID: 2}
	with := func(f func(*casework.ExitInput)) casework.ExitInput { in := ok; f(&in); return in }
	for _, tt := range []struct {
		name    string
		in      casework.ExitInput
		hasDest bool
		want    []string
	}{
		{"the wish with both contacts is fine", ok, false, nil},
		{"no wish date and no contacts are refused", casework.ExitInput{Stage: casework.ExitWish}, false, []string{"wish_on", "police_contact", "social_contact"}},
		{"a wish in the future is refused", with(func(in *casework.ExitInput) { in.WishOn = "2026-03-03" }), false, []string{"wish_on"}},
		{"a hand-off without a programme is refused", with(func(in *casework.ExitInput) { in.Stage = casework.ExitProgramme }), false, []string{"programme"}},
		{"a relocation without a destination is refused", with(func(in *casework.ExitInput) { in.Stage = casework.ExitRelocated }), false, []string{"destination"}},
		{"a relocation keeping the destination set before is fine", with(func(in *casework.ExitInput) { in.Stage = casework.ExitRelocated }), true, nil},
		{"a relocation clearing the destination is refused", with(func(in *casework.ExitInput) { in.Stage = casework.ExitNewIdentity; in.Destination = &empty }), true, []string{"destination"}},
		{"a relocation with a destination is fine", with(func(in *casework.ExitInput) { in.Stage = casework.ExitRelocated; in.Destination = &dest }), false, nil},
		{"an unknown stage is refused", with(func(in *casework.ExitInput) { in.Stage = "gone" }), false, []string{"stage"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := securityFields(tt.in.Validate(today, tt.hasDest)); !slices.Equal(got, tt.want) {
				t.Errorf("fields %q, want %q", got, tt.want)
			}
		})
	}
}
