package casework_test

import (
	"slices"
	"strings"
	"testing"

	"lots/internal/casework"
)

func TestDefaultCatalogueIsValidAndComplete(t *testing.T) {
	ms := casework.DefaultCatalogue()
	codes := map[string]casework.Method{}
	for _, m := range ms {
		m.Normalise()
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.Code, err)
		}
		if _, dup := codes[m.Code]; dup {
			t.Errorf("%s twice", m.Code)
		}
		codes[m.Code] = m
		if m.Summary["sv"] == "" || m.Summary["en"] == "" || m.EvidenceNote["sv"] == "" || m.EvidenceNote["en"] == "" {
			t.Errorf("%s lacks a text in one language", m.Code)
		}
		if m.Available {
			t.Errorf("%s is available by default: that is for the municipality to say", m.Code)
		}
		if !m.Builtin {
			t.Errorf("%s is not marked built-in", m.Code)
		}
	}
	// The methods the knowledge support names, and the common local ones.
	for _, code := range []string{"komet", "pmto", "de-otroliga-aren", "snap", "coping-power", "bsft", "fft", "mst", "mdft", "tfco",
		"individual-cbt", "mi", "vagvalet", "ester", "art", "mentorship", "faltarbete", "scared-straight"} {
		if _, ok := codes[code]; !ok {
			t.Errorf("%s missing", code)
		}
	}
	for _, code := range []string{"komet", "snap", "bsft", "fft", "mst", "tfco"} {
		if m := codes[code]; m.Evidence != casework.EvidenceRecommended || !strings.Contains(m.Source, "Socialstyrelsen 2021") {
			t.Errorf("%s should cite Socialstyrelsen 2021: %s %q", code, m.Evidence, m.Source)
		}
	}
	if codes["art"].Evidence != casework.EvidenceContested {
		t.Error("ART's evidence is contested")
	}
	if m := codes["scared-straight"]; m.Evidence != casework.EvidenceWarning || !strings.HasPrefix(m.EvidenceNote["sv"], "Använd inte") {
		t.Errorf("Scared Straight must be a warning: %+v", m)
	}
	// Every IRK need has some method in the defaults.
	all := casework.DefaultCatalogue()
	for i := range all {
		all[i].Available = all[i].Evidence != casework.EvidenceWarning
	}
	if missing := casework.MissingNeeds(all, 0); len(missing) != 0 {
		t.Errorf("needs no built-in method addresses: %v", missing)
	}
	irk := casework.IRK()
	var domains []string
	for _, d := range irk.Domains {
		domains = append(domains, d.Code)
	}
	if !slices.Equal(domains, casework.IRKNeeds) {
		t.Errorf("IRKNeeds %v differ from Check: IRK's domains %v", casework.IRKNeeds, domains)
	}
}

func TestCatalogueFiltersAndWhatIsMissing(t *testing.T) {
	ms := casework.DefaultCatalogue()
	set := func(code string, f func(*casework.Method)) {
		for i := range ms {
			if ms[i].Code == code {
				f(&ms[i])
			}
		}
	}
	set("komet", func(m *casework.Method) { m.Available, m.Provider = true, "Öppenvården" })
	set("mst", func(m *casework.Method) { m.Available = true })
	set("faltarbete", func(m *casework.Method) { m.Available = true })
	codes := func(ms []casework.Method) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Code)
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name string
		f    casework.MethodFilter
		want string
	}{
		{"available only", casework.MethodFilter{AvailableOnly: true}, "komet mst faltarbete"},
		{"available for a 14-year-old with family needs", casework.MethodFilter{AvailableOnly: true, Age: 14, Need: "family"}, "komet mst"},
		{"available for an 8-year-old", casework.MethodFilter{AvailableOnly: true, Age: 8}, "komet"},
		{"everything for substances, the warning not among them", casework.MethodFilter{Need: "substances"}, "bsft mst mdft mi ester"},
		{"everything for criminal history keeps the warning", casework.MethodFilter{Need: "criminal_history"}, "mst tfco vagvalet ester scared-straight"},
		{"high risk, age 15, available", casework.MethodFilter{AvailableOnly: true, Age: 15, Risk: casework.RiskHigh}, "mst faltarbete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(casework.FilterMethods(ms, tt.f)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("needs with no available method", func(t *testing.T) {
		if got := strings.Join(casework.MissingNeeds(ms, 14), " "); got != "personality" {
			t.Fatalf("age 14: %q", got)
		}
		if got := strings.Join(casework.MissingNeeds(ms, 8), " "); got != "criminal_history personality peers substances school_work leisure" {
			t.Fatalf("age 8: %q", got)
		}
	})
	t.Run("a warning never covers a need, even marked available", func(t *testing.T) {
		only := []casework.Method{{Code: "x", Evidence: casework.EvidenceWarning, Available: true, Needs: []string{"attitudes"}}}
		if !slices.Contains(casework.MissingNeeds(only, 0), "attitudes") {
			t.Fatal("a warning covered a need")
		}
	})
}

func TestMergeCatalogue(t *testing.T) {
	defaults := casework.DefaultCatalogue()
	own := []casework.Method{
		{Code: "mst", Name: "MST", Kind: casework.KindFamilyTherapy, Evidence: casework.EvidenceRecommended, Available: true, Provider: "Grannkommunen", Capacity: "2 platser/år"},
		{Code: "stodboende", Name: "Stödboende", Kind: casework.KindOther, Evidence: casework.EvidenceLocal, Available: true},
	}
	ms := casework.MergeCatalogue(defaults, own)
	if len(ms) != len(defaults)+1 {
		t.Fatalf("%d methods", len(ms))
	}
	for _, m := range ms {
		switch m.Code {
		case "mst":
			if !m.Available || m.Provider != "Grannkommunen" || !m.Builtin || !m.Edited {
				t.Errorf("mst not overridden: %+v", m)
			}
		case "stodboende":
			if m.Builtin || !m.Edited {
				t.Errorf("own method: %+v", m)
			}
		case "komet":
			if m.Edited || m.Available {
				t.Errorf("untouched default changed: %+v", m)
			}
		}
	}
	if ms[len(ms)-1].Code != "stodboende" {
		t.Error("own methods come after the built-in ones")
	}
}

func TestMethodValidate(t *testing.T) {
	good := casework.Method{Code: "eget-program", Name: "Eget program", Kind: casework.KindOther, Evidence: casework.EvidenceLocal, AgeMin: 12, AgeMax: 18}
	for name, tt := range map[string]struct {
		mutate func(*casework.Method)
		field  string
	}{
		"code":      {func(m *casework.Method) { m.Code = "Ej giltig!" }, "code"},
		"name":      {func(m *casework.Method) { m.Name = "" }, "name"},
		"kind":      {func(m *casework.Method) { m.Kind = "magic" }, "kind"},
		"evidence":  {func(m *casework.Method) { m.Evidence = "great" }, "evidence"},
		"ages":      {func(m *casework.Method) { m.AgeMin, m.AgeMax = 15, 12 }, "age_max"},
		"warning":   {func(m *casework.Method) { m.Evidence, m.Available = casework.EvidenceWarning, true }, "available"},
		"unchanged": {func(m *casework.Method) {}, ""},
	} {
		m := good
		tt.mutate(&m)
		m.Normalise()
		fe := casework.FieldErrorsOf(m.Validate())
		if tt.field == "" && len(fe) != 0 || tt.field != "" && (len(fe) != 1 || fe[0].Field != tt.field) {
			t.Errorf("%s: %v", name, fe)
		}
	}
}
