package mapping

import (
	"slices"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// Offered lays the resource registry over the intervention catalogue (issue 13:2): a method is
// available in the municipality exactly when a resource of the registry offers it (its
// "insatser"), never when the catalogue warns against it; its provider is the resources
// offering it, by name; its capacity, when the municipality wrote none, their places. There is
// no checkbox to keep in step with the registry: the registry is the answer.
func Offered(ms []casework.Method, rs []Resource) []casework.Method {
	out := make([]casework.Method, len(ms))
	for i, m := range ms {
		var names []string
		places := 0
		for _, r := range rs {
			if slices.Contains(r.Methods, m.Code) {
				names = append(names, r.Name)
				places += r.Capacity
			}
		}
		m.Available = len(names) > 0 && m.Evidence != casework.EvidenceWarning
		m.Provider = ""
		if m.Available {
			m.Provider = strings.Join(names, ", ")
			if strings.TrimSpace(m.Capacity) == "" && places > 0 {
				m.Capacity = strconv.Itoa(places)
			}
		}
		m.OfferedBy = names
		out[i] = m
	}
	return out
}
