package mapping

import (
	"slices"
	"strings"
	"unicode/utf8"

	"lots/internal/casework"
)

// Validate checks one resource written through the API, after trimming its texts: every
// fault at its field (the API's names), all at once. The district's existence is the store's
// question.
func (r *Resource) Validate() error {
	r.Name, r.Owner, r.Address, r.Payer = strings.TrimSpace(r.Name), strings.TrimSpace(r.Owner), strings.TrimSpace(r.Address), strings.TrimSpace(r.Payer)
	var fe casework.FieldErrors
	switch {
	case r.Name == "":
		fe.Add("name", "mapping.resource.name_required")
	case utf8.RuneCountInString(r.Name) > 200:
		fe.Add("name", "mapping.resource.too_long", 200)
	}
	for f, v := range map[string]string{"owner": r.Owner, "address": r.Address, "payer": r.Payer} {
		if utf8.RuneCountInString(v) > 200 {
			fe.Add(f, "mapping.resource.too_long", 200)
		}
	}
	if !slices.Contains(Kinds, r.Kind) {
		fe.Add("kind", "mapping.resource.kind", strings.Join(Kinds, ", "))
	}
	if r.AgeFrom < 0 || r.AgeFrom > 120 {
		fe.Add("age_from", "mapping.resource.age")
	}
	if r.AgeTo < 0 || r.AgeTo > 120 || r.AgeTo < r.AgeFrom {
		fe.Add("age_to", "mapping.resource.age_to")
	}
	if !slices.Contains(Levels, r.Level) {
		fe.Add("level", "mapping.resource.level", strings.Join(Levels, ", "))
	}
	if r.Capacity < 0 {
		fe.Add("capacity", "mapping.resource.negative")
	}
	if r.Cost < 0 {
		fe.Add("yearly_cost", "mapping.resource.negative")
	}
	var needs []string
	for _, n := range r.Needs {
		if !slices.Contains(casework.IRKNeeds, n) {
			fe.Add("needs", "mapping.resource.need", n)
			break
		}
		if !slices.Contains(needs, n) {
			needs = append(needs, n)
		}
	}
	r.Needs = needs
	var methods []string
	for _, m := range r.Methods {
		if m = strings.TrimSpace(m); m == "" || strings.ContainsAny(m, " \t,") {
			fe.Add("methods", "mapping.resource.method")
			break
		}
		if !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	r.Methods = methods
	return fe.Err()
}
