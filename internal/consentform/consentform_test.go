package consentform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
)

// Every shipped language has exactly the Swedish keys with the same placeholders, so each one
// passes the check an uploaded file must pass.
func TestShippedLanguagesPassTheirOwnCheck(t *testing.T) {
	sv, err := Default("sv")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages() {
		b, err := DefaultFile(lang)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Check(lang, b); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
		def, _ := Default(lang)
		for k, v := range sv {
			if strings.HasPrefix(k, "_") {
				continue
			}
			if !slices.Equal(Placeholders(v), Placeholders(def[k])) {
				t.Errorf("%s %s: placeholders %v, Swedish has %v", lang, k, Placeholders(def[k]), Placeholders(v))
			}
		}
		if len(def) != len(sv) {
			t.Errorf("%s has %d keys, Swedish %d", lang, len(def), len(sv))
		}
		if lang == "ar" || lang == "so" {
			if !strings.Contains(def[NoteKey], "översättare") {
				t.Errorf("%s: the note must ask for a professional translator's review", lang)
			}
		}
	}
}

func TestCheckRefusesABadFileWhole(t *testing.T) {
	good, _ := Default("sv")
	edit := func(f func(m map[string]any)) []byte {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name string
		data []byte
		want []string // message keys
	}{
		{"an edited text is accepted", edit(func(m map[string]any) { m["title"] = "Samtycke för samverkan" }), nil},
		{"a Windows BOM is accepted", append([]byte("\xef\xbb\xbf"), edit(func(map[string]any) {})...), nil},
		{"an empty file", nil, []string{"consent.texts_empty_file"}},
		{"not JSON", []byte("title = Samtycke"), []string{"consent.texts_not_json"}},
		{"not UTF-8", []byte("{\"title\": \"\xe5\xe4\xf6\"}"), []string{"consent.texts_not_utf8"}},
		{"a missing key", edit(func(m map[string]any) { delete(m, "withdraw_text") }), []string{"consent.texts_missing"}},
		{"an unknown key", edit(func(m map[string]any) { m["titel"] = "x" }), []string{"consent.texts_unknown"}},
		{"a comment key is allowed", edit(func(m map[string]any) { m["_kommentar"] = "ändrad av Eva" }), nil},
		{"a placeholder removed", edit(func(m map[string]any) { m["period_text"] = "Samtycket gäller från {from}." }), []string{"consent.texts_placeholders"}},
		{"a placeholder renamed", edit(func(m map[string]any) { m["contact_text"] = "Fråga {kontakt} i {municipality}." }), []string{"consent.texts_placeholders"}},
		{"a placeholder added", edit(func(m map[string]any) { m["title"] = "Samtycke för {youth}" }), []string{"consent.texts_placeholders"}},
		{"a blank text", edit(func(m map[string]any) { m["intro"] = "  " }), []string{"consent.texts_blank"}},
		{"a number instead of a text", edit(func(m map[string]any) { m["month_1"] = 1 }), []string{"consent.texts_not_text"}},
		{"several problems are all reported", edit(func(m map[string]any) {
			delete(m, "title")
			m["period_text"] = "x"
		}), []string{"consent.texts_missing", "consent.texts_placeholders"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, err := Check("sv", tt.data)
			var got []string
			for _, e := range casework.FieldErrorsOf(err) {
				got = append(got, e.Key)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v (%v), want %v", got, err, tt.want)
			}
			if tt.want != nil && texts != nil {
				t.Fatal("a refused file returned texts")
			}
		})
	}
	if _, err := Check("fi", []byte("{}")); casework.FieldErrorsOf(err)[0].Key != "consent.texts_language" {
		t.Fatalf("unknown language: %v", err)
	}
}

func TestRenderFillsTheConsent(t *testing.T) {
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	in := Input{
		Reference: "123", Municipality: "Demo kommun", YouthName: "Ali Hassan",
		Parties:    []Party{{Name: "Polisen"}, {Name: "Maria Svensson", Agency: "Grundskoleförvaltningen"}},
		Categories: []casework.Category{casework.CatSchool, casework.CatPolice},
		From:       time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		Signers: []Signer{{Name: "Ali Hassan", Role: "youth"}, {Name: "Mona Nordh", Role: "guardian"}},
		Contact: "Sara Lindqvist",
	}
	v, err := Render("sv", nil, in, stockholm)
	if err != nil {
		t.Fatal(err)
	}
	if v.Dir != "ltr" || !strings.Contains(v.T("period_text"), "1 mars 2026 till 1 september 2026") {
		t.Fatalf("period: %q", v.T("period_text"))
	}
	if !strings.Contains(v.T("withdraw_text"), "Sara Lindqvist") || !strings.Contains(v.T("subtitle"), "Demo kommun") {
		t.Fatalf("contact or municipality missing: %q %q", v.T("withdraw_text"), v.T("subtitle"))
	}
	if !slices.Equal(v.Parties, []string{"Polisen", "Maria Svensson, Grundskoleförvaltningen"}) {
		t.Fatalf("parties %v", v.Parties)
	}
	var cats []casework.Category
	for _, c := range v.Categories {
		cats = append(cats, c.Key)
	}
	if !slices.Equal(cats, []casework.Category{casework.CatBasic, casework.CatSchool, casework.CatPolice}) {
		t.Fatalf("categories %v: basic always, then in form order", cats)
	}
	if len(v.Signatures) != 2 || v.Signatures[1].Role != "Vårdnadshavare" {
		t.Fatalf("signatures %+v", v.Signatures)
	}
	for k, s := range v.Texts {
		if k != "party_person" && k != "date_format" && len(Placeholders(s)) > 0 {
			t.Errorf("%s still has placeholders: %q", k, s)
		}
	}
	ar, err := Render("ar", nil, in, stockholm)
	if err != nil || ar.Dir != "rtl" || ar.Lang != "ar" {
		t.Fatalf("Arabic: %v %q", err, ar.Dir)
	}
	own := Texts{}
	for k, s := range ar.Texts {
		own[k] = s
	}
	own["title"] = "Egen rubrik"
	v, _ = Render("sv", own, in, stockholm)
	if v.T("title") != "Egen rubrik" {
		t.Fatal("the municipality's own texts are not used")
	}
}

// TestSSPFConsentHasItsOwnTexts: an SSPF case's form has SSPF's own subtitle and
// introduction (school, social services, police and leisure; the commitment plan), a SIG
// case's the social intervention group's; a municipality's own SSPF wording is used, and own
// texts from before the tracks had theirs fall back to the default SSPF wording, never SIG's.
func TestSSPFConsentHasItsOwnTexts(t *testing.T) {
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	in := Input{Reference: "1", Municipality: "Demo kommun", YouthName: "Saga Berg"}
	sig, err := Render("sv", nil, in, stockholm)
	if err != nil {
		t.Fatal(err)
	}
	in.Program = casework.ProgramSSPF
	sspf, err := Render("sv", nil, in, stockholm)
	if err != nil {
		t.Fatal(err)
	}
	if sig.T("subtitle") != "Social insatsgrupp i Demo kommun" || sspf.T("subtitle") != "SSPF – skola, socialtjänst, polis och fritid i Demo kommun" {
		t.Fatalf("subtitles: SIG %q, SSPF %q", sig.T("subtitle"), sspf.T("subtitle"))
	}
	if !strings.Contains(sspf.T("intro"), "åtagandeplan") || strings.Contains(sig.T("intro"), "åtagandeplan") {
		t.Fatalf("introductions: SIG %q, SSPF %q", sig.T("intro"), sspf.T("intro"))
	}
	for _, lang := range Languages() {
		def, _ := Default(lang)
		if def["sspf_subtitle"] == "" || def["sspf_intro"] == "" || def["sspf_subtitle"] == def["subtitle"] {
			t.Errorf("%s: no SSPF wording of its own", lang)
		}
	}
	own, _ := Default("sv")
	own["sspf_subtitle"] = "Tidiga insatser i {municipality}"
	if v, _ := Render("sv", own, in, stockholm); v.T("subtitle") != "Tidiga insatser i Demo kommun" {
		t.Errorf("the municipality's own SSPF subtitle: %q", v.T("subtitle"))
	}
	delete(own, "sspf_subtitle")
	own["subtitle"] = "Vår sociala insatsgrupp i {municipality}"
	if v, _ := Render("sv", own, in, stockholm); v.T("subtitle") != sspf.T("subtitle") {
		t.Errorf("older own texts without SSPF's: %q", v.T("subtitle"))
	}
}
