package casework

import (
	"slices"
	"testing"
)

func TestCompose(t *testing.T) {
	pro := func(k AgencyKind, covered bool) GroupMember {
		return GroupMember{Kind: MemberProfessional, AgencyKind: k, Covered: covered}
	}
	s := DefaultSettings()
	kinds := func(c Composition) []AgencyKind {
		var out []AgencyKind
		for _, sg := range c.Suggestions {
			out = append(out, sg.Agency)
		}
		return out
	}
	t.Run("a fourteen-year-old gets the school, an eighteen-year-old the employment service", func(t *testing.T) {
		young := Compose(14, nil, nil, nil, s)
		if !slices.Contains(kinds(young), AgencySchool) || slices.Contains(kinds(young), AgencyEmployment) {
			t.Errorf("14: %v", kinds(young))
		}
		adult := Compose(18, nil, nil, nil, s)
		if !slices.Contains(kinds(adult), AgencyEmployment) || slices.Contains(kinds(adult), AgencySchool) {
			t.Errorf("18: %v", kinds(adult))
		}
	})
	t.Run("assessed needs suggest who can meet them, unless a member can", func(t *testing.T) {
		c := Compose(15, []string{"leisure", "family", "substances"}, nil, []GroupMember{pro(AgencySocial, true)}, s)
		if k := kinds(c); !slices.Contains(k, AgencyLeisure) || slices.Contains(k, AgencySocial) || slices.Contains(k, AgencyBUP) {
			t.Errorf("suggestions %v", c.Suggestions)
		}
	})
	t.Run("a need in the plan with no able member is a gap; a member without consent does not count", func(t *testing.T) {
		c := Compose(15, nil, []string{"school_work", "family", "peers"}, []GroupMember{pro(AgencySocial, true), pro(AgencySchool, false)}, s)
		if !slices.Equal(c.Gaps, []string{"school_work"}) {
			t.Errorf("gaps %v", c.Gaps)
		}
	})
	t.Run("the size counts professionals and trusted adults against the range", func(t *testing.T) {
		ms := []GroupMember{{Kind: MemberYouth}, {Kind: MemberGuardian}, {Kind: MemberTrustedAdult}}
		for range 7 {
			ms = append(ms, pro(AgencyPolice, true))
		}
		c := Compose(15, nil, nil, ms, s)
		if c.Size != 8 || c.TooSmall() || c.TooLarge() || c.Min != 8 || c.Max != 12 {
			t.Errorf("size %d in %d–%d", c.Size, c.Min, c.Max)
		}
		if c = Compose(15, nil, nil, ms[:5], s); !c.TooSmall() {
			t.Errorf("size %d is not too small", c.Size)
		}
		s2 := s
		s2.GroupSizeMax = 7
		s2.GroupSizeMin = 2
		if c = Compose(15, nil, nil, ms, s2); !c.TooLarge() {
			t.Errorf("size %d is not too large for %d–%d", c.Size, c.Min, c.Max)
		}
	})
}
