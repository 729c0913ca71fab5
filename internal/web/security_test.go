package web_test

import (
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
)

// Every participant kind, threat level and exit stage has its text in every language, and so do
// the security categories (the timeline names an event's category).
func TestSecurityEnumTexts(t *testing.T) {
	c := i18n.MustLoad()
	keys := []string{"category." + string(casework.CatSecurity), "category." + string(casework.CatExitDestination)}
	for _, k := range casework.ParticipantKinds {
		keys = append(keys, "security.participant_"+string(k))
	}
	for _, l := range casework.ThreatLevels {
		keys = append(keys, "security.level_"+string(l))
	}
	for _, s := range casework.ExitStages {
		keys = append(keys, "security.stage_"+string(s))
	}
	for _, l := range i18n.Locales {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
