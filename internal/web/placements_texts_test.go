package web

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
)

// Every placement form and legal basis has its text in every language (the page builds the
// keys from the values).
func TestPlacementEnumTexts(t *testing.T) {
	c := i18n.MustLoad()
	var keys []string
	for _, f := range casework.PlacementForms {
		keys = append(keys, "placement.form_"+string(f))
	}
	for _, b := range casework.LegalBases {
		keys = append(keys, "placement.basis_"+string(b))
	}
	for _, l := range i18n.Locales {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
