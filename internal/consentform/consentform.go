// Package consentform holds the texts of the printable consent form and turns a consent into
// what the form shows. The texts are plain language for a young person who may be twelve:
// what is shared, between whom, which kinds of information, for how long, that it is
// voluntary, how to withdraw and who to ask.
//
// The defaults are embedded (texts/<lang>.json, one flat object of key → text). A
// municipality may download a language's file, edit it and upload it again; Check refuses a
// file that lacks a key of the default, adds an unknown one, leaves a text empty or changes a
// text's placeholders ({youth}, {from}, …). The package does no I/O beyond its embedded files.
package consentform

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/casework"
)

//go:embed texts/*.json
var files embed.FS

// MaxFileBytes is the largest text file an administrator may upload.
const MaxFileBytes = 256 << 10

// NoteKey is the file's comment for whoever edits it; keys starting with "_" are comments
// and are neither required nor shown.
const NoteKey = "_note"

// Texts is one language's texts: key → text with {placeholders}.
type Texts map[string]string

// Languages are the languages the form exists in, in the order pages list them.
func Languages() []string { return slices.Clone(casework.ConsentLanguages) }

// Supported reports whether lang is a form language.
func Supported(lang string) bool { return slices.Contains(casework.ConsentLanguages, lang) }

// DefaultFile returns the embedded default file of a language, as shipped.
func DefaultFile(lang string) ([]byte, error) {
	if !Supported(lang) {
		return nil, fmt.Errorf("consentform: no language %q", lang)
	}
	return files.ReadFile("texts/" + lang + ".json")
}

// Default returns the embedded default texts of a language.
func Default(lang string) (Texts, error) {
	b, err := DefaultFile(lang)
	if err != nil {
		return nil, err
	}
	var t Texts
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("consentform: default %s: %w", lang, err)
	}
	return t, nil
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Placeholders returns the sorted, distinct placeholders of a text.
func Placeholders(s string) []string {
	ps := placeholder.FindAllString(s, -1)
	sort.Strings(ps)
	return slices.Compact(ps)
}

// Check parses an uploaded file for lang and compares it with the default: every key of the
// default must be there, not empty, with the same placeholders, and no unknown key may be
// added. It returns the texts, or every problem at once as field errors on "file" — a bad file
// is refused whole.
func Check(lang string, data []byte) (Texts, error) {
	var fe casework.FieldErrors
	def, err := Default(lang)
	if err != nil {
		fe.Add("language", "consent.texts_language")
		return nil, fe.Err()
	}
	switch {
	case len(data) == 0:
		fe.Add("file", "consent.texts_empty_file")
	case len(data) > MaxFileBytes:
		fe.Add("file", "consent.texts_too_large")
	case !utf8.Valid(data):
		fe.Add("file", "consent.texts_not_utf8")
	}
	if len(fe) > 0 {
		return nil, fe.Err()
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from a Windows editor
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		fe.Add("file", "consent.texts_not_json")
		return nil, fe.Err()
	}
	t := Texts{}
	var missing, unknown, notText []string
	for k, v := range raw {
		if _, ok := def[k]; !ok && !strings.HasPrefix(k, "_") {
			unknown = append(unknown, k)
			continue
		}
		s, ok := v.(string)
		if !ok {
			notText = append(notText, k)
			continue
		}
		t[k] = s
	}
	for _, k := range sortedKeys(def) {
		if strings.HasPrefix(k, "_") {
			continue
		}
		if _, ok := raw[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(unknown)
	sort.Strings(notText)
	if len(missing) > 0 {
		fe.Add("file", "consent.texts_missing", strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		fe.Add("file", "consent.texts_unknown", strings.Join(unknown, ", "))
	}
	if len(notText) > 0 {
		fe.Add("file", "consent.texts_not_text", strings.Join(notText, ", "))
	}
	for _, k := range sortedKeys(def) {
		s, ok := t[k]
		if !ok || strings.HasPrefix(k, "_") {
			continue
		}
		if strings.TrimSpace(s) == "" {
			fe.Add("file", "consent.texts_blank", k)
			continue
		}
		want, got := Placeholders(def[k]), Placeholders(s)
		if !slices.Equal(want, got) {
			w := strings.Join(want, " ")
			if w == "" {
				w = "–"
			}
			fe.Add("file", "consent.texts_placeholders", k, w)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

func sortedKeys(t Texts) []string {
	ks := make([]string, 0, len(t))
	for k := range t {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Party is one party of the consent as the form names it.
type Party struct {
	Name   string
	Agency string // for a named person: their agency; "" for an agency party
}

// Signer is someone who signs the form.
type Signer struct {
	Name string
	Role string // "youth" or "guardian"
}

// Input is what the form is about: only the young person's name and the consent's content.
type Input struct {
	Reference    string // the consent's number, so a scanned signed form finds its consent
	Municipality string
	YouthName    string
	Parties      []Party
	Categories   []casework.Category
	From, Until  time.Time
	Signers      []Signer // the required signers, each gets a signature line
	Contact      string   // who to ask and to tell about a withdrawal (the coordinator)
	Renewal      bool
	// Program is the case's track: an SSPF consent has its own subtitle and introduction
	// (the texts' sspf_ keys), naming school, social services, police and leisure and the
	// commitment plan instead of the social intervention group.
	Program casework.Program
}

// trackKeys are the texts a track other than SIG words its own way: the key, read from
// "<track>_<key>" for that track.
var trackKeys = []string{"subtitle", "intro"}

// Category is one kind of information, explained.
type Category struct {
	Key  casework.Category
	Text string
}

// SignatureLine is one signer's line.
type SignatureLine struct {
	Role string // translated
	Name string
}

// View is the form ready for the template: every text in the form's language, placeholders
// filled in.
type View struct {
	Lang       string
	Dir        string // "rtl" for Arabic
	Texts      Texts
	Reference  string
	YouthName  string
	Parties    []string
	Categories []Category
	Renewal    bool
	Signatures []SignatureLine
}

// T returns the text of key.
func (v View) T(key string) string { return v.Texts[key] }

// Render fills the texts of lang (the municipality's own, or the defaults when texts is nil)
// with the consent's content. Times are shown as dates in loc.
func Render(lang string, texts Texts, in Input, loc *time.Location) (View, error) {
	if texts == nil {
		var err error
		if texts, err = Default(lang); err != nil {
			return View{}, err
		}
	}
	dir := "ltr"
	if casework.RTL(lang) {
		dir = "rtl"
	}
	v := View{Lang: lang, Dir: dir, Texts: Texts{}, Reference: in.Reference, YouthName: in.YouthName, Renewal: in.Renewal}
	date := func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		t = t.In(loc)
		r := strings.NewReplacer("{day}", strconv.Itoa(t.Day()), "{month}", texts["month_"+strconv.Itoa(int(t.Month()))], "{year}", strconv.Itoa(t.Year()))
		return r.Replace(texts["date_format"])
	}
	fill := strings.NewReplacer(
		"{youth}", in.YouthName, "{municipality}", in.Municipality, "{from}", date(in.From), "{until}", date(in.Until),
		"{contact}", in.Contact, "{reference}", in.Reference,
	)
	for k, s := range texts {
		if !strings.HasPrefix(k, "_") {
			v.Texts[k] = fill.Replace(s)
		}
	}
	if in.Program == casework.ProgramSSPF {
		for _, k := range trackKeys {
			s, ok := texts["sspf_"+k]
			if !ok { // a municipality's own texts from before the tracks had their own: the default's
				def, err := Default(lang)
				if err != nil {
					return View{}, err
				}
				s = def["sspf_"+k]
			}
			v.Texts[k] = fill.Replace(s)
		}
	}
	for _, p := range in.Parties {
		if p.Agency == "" {
			v.Parties = append(v.Parties, p.Name)
			continue
		}
		v.Parties = append(v.Parties, strings.NewReplacer("{name}", p.Name, "{agency}", p.Agency).Replace(texts["party_person"]))
	}
	for _, c := range casework.ConsentCategories {
		if c == casework.CatBasic || slices.Contains(in.Categories, c) {
			v.Categories = append(v.Categories, Category{Key: c, Text: v.Texts["category_"+string(c)]})
		}
	}
	for _, s := range in.Signers {
		v.Signatures = append(v.Signatures, SignatureLine{Role: v.Texts["signer_"+s.Role], Name: s.Name})
	}
	return v, nil
}
