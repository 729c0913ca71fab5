package i18n

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/economics"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	c := MustLoad()
	sv, en := c.Keys(casework.LocaleSv), c.Keys(casework.LocaleEn)
	in := func(ks []string) map[string]bool {
		m := map[string]bool{}
		for _, k := range ks {
			m[k] = true
		}
		return m
	}
	svm, enm := in(sv), in(en)
	for _, k := range sv {
		if !enm[k] {
			t.Errorf("%q is in sv.json but not in en.json", k)
		}
	}
	for _, k := range en {
		if !svm[k] {
			t.Errorf("%q is in en.json but not in sv.json", k)
		}
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	c := MustLoad()
	verbs := regexp.MustCompile(`%[dsv]`)
	for _, k := range c.Keys(casework.LocaleSv) {
		a := verbs.FindAllString(c.texts[casework.LocaleSv][k], -1)
		b := verbs.FindAllString(c.texts[casework.LocaleEn][k], -1)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q: placeholders differ: sv %v, en %v", k, a, b)
		}
	}
}

// keyPattern matches a catalogue key in Go or template source: a quoted string that starts
// with one of the catalogue's sections.
var keyPattern = regexp.MustCompile(`"((?:error|login|user|pnr|settings|token|totp|admin|org|nav|home|soon|a11y|layout|form|role|agency|password|session|municipality|api|case|cases|consent|youth|irk|group|meeting|plan|followup|audit|instrument|step|closure|flow|list|lists|dashboard|stats|intervention|task|concern|parties|staff|person|note|assessment|card|cards|deadline|risk|timeline|gender|relation|program|log|category|signer|evidence|catalogue|agenda|calendar|reminder|indicator|national|export|print|demo|economics|register|hold|identify|retention)\.[a-z0-9_.]+)"`)

// Keys used in Go code and templates must exist in the catalogue.
func TestEveryUsedKeyExists(t *testing.T) {
	c := MustLoad()
	hint := regexp.MustCompile(`"hint:([a-z0-9_.]+)"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var keys []string
		for _, m := range keyPattern.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		for _, m := range hint.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		for _, k := range keys {
			if strings.HasSuffix(k, ".") || strings.HasSuffix(k, ".html") || strings.HasSuffix(k, ".json") {
				continue // a prefix built on in the template, checked by TestEveryEnumHasAText
			}
			if !c.Has(casework.LocaleSv, k) {
				t.Errorf("%s uses %q, which sv.json lacks", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The avoided-cost report's keys built from values: every unit, category, perspective, tag,
// built-in register item, age band and time point has its text, in both languages.
func TestEveryEconomicsEnumHasAText(t *testing.T) {
	c := MustLoad()
	var keys []string
	for _, u := range economics.Units {
		keys = append(keys, "economics.per."+string(u), "economics.qty."+string(u), "economics.unit_must_be."+string(u))
	}
	for _, cat := range economics.Categories {
		keys = append(keys, "economics.category."+string(cat), "economics.category."+string(cat)+"_intro")
	}
	for _, p := range economics.Perspectives {
		keys = append(keys, "economics.perspective."+string(p))
	}
	for _, tg := range economics.Tags {
		keys = append(keys, "economics.tag."+string(tg))
	}
	for _, s := range economics.Slots() {
		keys = append(keys, "economics.item."+s.Code)
	}
	for _, b := range economics.AgeBands {
		keys = append(keys, "economics.age."+b)
	}
	for _, at := range economics.AfterPoints {
		keys = append(keys, "economics.after."+at)
	}
	for i := 1; i <= 5; i++ {
		keys = append(keys, fmt.Sprintf("economics.cannot.%d", i))
	}
	for _, code := range []string{"reference.placement_year", "reference.gang_member_year", "reference.school_failure"} {
		keys = append(keys, "economics.break_even."+code)
	}
	for _, k := range keys {
		for _, l := range Locales {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// Keys built from values (role.<role>, agency.<kind>, settings.<field>) exist for every value.
func TestEveryEnumHasAText(t *testing.T) {
	c := MustLoad()
	var keys []string
	for _, r := range casework.Roles {
		keys = append(keys, "role."+string(r), "role."+string(r)+"_hint")
	}
	for _, k := range casework.AgencyKinds {
		keys = append(keys, "agency."+string(k))
	}
	for _, f := range []string{"min_age", "max_age", "group_within_days", "action_plan_within_days", "assessment_within_days",
		"consent_validity_months", "session_idle_minutes", "session_max_hours"} {
		keys = append(keys, "settings."+f, "settings."+f+"_hint")
	}
	for _, st := range casework.Steps {
		keys = append(keys, "step."+string(st))
	}
	for _, st := range casework.StepsOf(casework.ProgramSSPF) {
		keys = append(keys, "step.sspf."+string(st))
	}
	for _, a := range casework.Actions {
		keys = append(keys, "flow.act_"+string(a))
	}
	for _, f := range []string{"min_age", "max_age", "group_within_days", "action_plan_within_days", "assessment_within_days"} {
		keys = append(keys, "settings.sspf_"+f, "settings.sspf_"+f+"_hint")
	}
	for _, code := range []casework.Code{casework.EInvalid, casework.ENotFound, casework.EConflict, casework.EUnauthorized, casework.EForbidden, casework.ETooMany, casework.EInternal, casework.EUnavailable} {
		keys = append(keys, "error."+string(code))
	}
	for _, k := range keys {
		if !c.Has(casework.LocaleSv, k) {
			t.Errorf("sv.json lacks %q", k)
		}
	}
}
