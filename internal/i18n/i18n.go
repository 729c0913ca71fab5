// Package i18n holds the interface texts in Swedish (the default) and English. The texts live
// in locales/<lang>/<part>.json — one file per part of Lots, each a flat object of key → text;
// placeholders are fmt verbs (%d, %s). A key may appear in one file only. Tests keep the two
// languages' keys in step and check that every key the code uses exists.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"lots/internal/casework"
)

//go:embed locales
var files embed.FS

// Catalog maps locale → key → text.
type Catalog struct {
	texts map[casework.Locale]map[string]string
}

// Locales are the interface languages, the default first.
var Locales = []casework.Locale{casework.LocaleSv, casework.LocaleEn}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{texts: map[casework.Locale]map[string]string{}}
	for _, l := range Locales {
		paths, err := fs.Glob(files, "locales/"+string(l)+"/*.json")
		if err != nil {
			return nil, err
		}
		all := map[string]string{}
		for _, p := range paths {
			b, err := files.ReadFile(p)
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", p, err)
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is also in another file", p, k)
				}
				all[k] = v
			}
		}
		c.texts[l] = all
	}
	return c, nil
}

// MustLoad is Load for program start and tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// T returns the text for key in locale l, formatted with args. A missing key falls back to
// Swedish, then to the key itself (which the catalogue test prevents).
func (c *Catalog) T(l casework.Locale, key string, args ...any) string {
	s, ok := c.texts[l][key]
	if !ok {
		if s, ok = c.texts[casework.LocaleSv][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N returns the text for key in the plural form that count n takes in locale l, formatted
// with n followed by args. The bare key is the "other" form (the plural: "%d ärenden"); a
// language adds the forms it needs as key.one, key.two, key.few, key.many or key.zero ("%d
// ärende"), chosen by the CLDR cardinal rules (golang.org/x/text/feature/plural): Swedish and
// English have one (exactly 1) and other; Arabic has all six; Somali has one and other. A form
// a catalogue lacks falls back to the bare key.
func (c *Catalog) N(l casework.Locale, key string, n int, args ...any) string {
	k := key
	if form := PluralForm(l, n); form != "other" {
		if _, ok := c.texts[l][key+"."+form]; ok {
			k = key + "." + form
		}
	}
	return c.T(l, k, append([]any{n}, args...)...)
}

// pluralForms names the CLDR forms as the catalogue's key suffixes.
var pluralForms = map[plural.Form]string{plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many"}

// PluralForm is the CLDR cardinal plural form of the whole number n in locale l ("one",
// "other", …).
func PluralForm(l casework.Locale, n int) string {
	tag, err := language.Parse(string(l))
	if err != nil {
		tag = language.Swedish
	}
	if n < 0 {
		n = -n
	}
	return pluralForms[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]
}

// Has reports whether key exists in locale l.
func (c *Catalog) Has(l casework.Locale, key string) bool {
	_, ok := c.texts[l][key]
	return ok
}

// Keys returns the keys of locale l, sorted.
func (c *Catalog) Keys(l casework.Locale) []string {
	var ks []string
	for k := range c.texts[l] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Error renders a domain error for people: its message key, or a generic text.
func (c *Catalog) Error(l casework.Locale, err error) string {
	e := casework.AsError(err)
	if e.Key != "" && c.Has(l, e.Key) {
		return c.T(l, e.Key, e.Args...)
	}
	return c.T(l, "error."+string(e.Code))
}

// MeetingCalendar is the words of a meeting's calendar file in locale l — the meeting's kind
// and the case's short reference, never a name or a place (issue 14:1) — and the file's name.
// The page and the API serve the same file.
func (c *Catalog) MeetingCalendar(l casework.Locale, caseID int64, m casework.Meeting) (casework.CalendarTexts, string) {
	ref := casework.CaseReference(caseID)
	t := casework.CalendarTexts{
		Summary:     c.T(l, "kinds14.calendar_summary", c.T(l, "kinds14.kind."+string(m.Kind)), ref),
		PreSummary:  c.T(l, "calendar.pre_summary", ref),
		Description: c.T(l, "calendar.description", ref),
	}
	return t, "sig-mote-" + ref + "-" + m.Start.In(casework.Stockholm).Format("20060102") + ".ics"
}
