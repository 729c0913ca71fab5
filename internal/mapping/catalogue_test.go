package mapping_test

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/mapping"
)

// The catalogue's local availability is the registry's answer: available exactly when a
// resource offers the method (never a method that must not be used), from the resources
// offering it, the capacity the municipality wrote or else their places.
func TestOfferedFollowsTheRegistry(t *testing.T) {
	ms := []casework.Method{
		{Code: "komet", Evidence: casework.EvidenceRecommended, Available: true, Provider: "typed"},
		{Code: "mst", Evidence: casework.EvidenceRecommended, Capacity: "2 platser per år"},
		{Code: "faltarbete", Evidence: casework.EvidenceLocal},
		{Code: "scared-straight", Evidence: casework.EvidenceWarning},
	}
	rs := []mapping.Resource{
		{Name: "Familjestödet", Capacity: 40, Methods: []string{"komet", "mst"}},
		{Name: "Grannkommunen", Capacity: 0, Methods: []string{"mst", "scared-straight"}},
		{Name: "Gården", Capacity: 60},
	}
	got := mapping.Offered(ms, rs)
	for _, tt := range []struct {
		code, provider, capacity string
		available                bool
		offeredBy                int
	}{
		{"komet", "Familjestödet", "40", true, 1},
		{"mst", "Familjestödet, Grannkommunen", "2 platser per år", true, 2},
		{"faltarbete", "", "", false, 0},      // no resource offers it, whatever was ticked before
		{"scared-straight", "", "", false, 1}, // offered, but it must not be used
	} {
		var m casework.Method
		for _, x := range got {
			if x.Code == tt.code {
				m = x
			}
		}
		if m.Available != tt.available || m.Provider != tt.provider || m.Capacity != tt.capacity || len(m.OfferedBy) != tt.offeredBy {
			t.Errorf("%s: %+v", tt.code, m)
		}
	}
	if ms[0].Provider != "typed" {
		t.Error("Offered changed its input")
	}
	if got := mapping.Offered(ms, nil); got[0].Available || got[0].Usable() {
		t.Errorf("without a registry nothing is available: %+v", got[0])
	}
}
