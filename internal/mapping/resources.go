package mapping

import (
	"slices"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/csvout"
)

// Resource is an organisation or activity young people can go to: a youth centre, an
// association, sport, a pool, a library, the field workers, BUP, the employment service …
// It holds no personal data.
type Resource struct {
	ID       int64
	Name     string
	Kind     string
	Owner    string // huvudman
	District int64  // 0: the whole municipality
	Address  string
	AgeFrom  int
	AgeTo    int
	Level    string // universal, selective, indicated
	Capacity int    // young people at a time, 0 unknown
	Cost     int64  // a year, whole kronor
	Payer    string
	Evenings bool
	Weekends bool
	Needs    []string // IRK needs it meets (casework.IRKNeeds)
	Methods  []string // catalogue methods it offers
}

// Kinds of resources.
var Kinds = []string{"youth_centre", "association", "sport", "pool", "library", "field_workers", "school", "bup", "employment", "social_services", "other"}

// Levels of prevention.
var Levels = []string{"universal", "selective", "indicated"}

var levelWords = map[string]string{"universell": "universal", "selektiv": "selective", "indikerad": "indicated",
	"universal": "universal", "selective": "selective", "indicated": "indicated"}

// Covers reports whether the resource serves age.
func (r Resource) Covers(age int) bool { return age >= r.AgeFrom && age <= r.AgeTo }

// Meets reports whether the resource meets IRK need n.
func (r Resource) Meets(n string) bool { return slices.Contains(r.Needs, n) }

// resourceColumns are the registry file's columns, in order (Swedish headings).
var resourceColumns = []string{"namn", "typ", "huvudman", "stadsdel", "adress", "ålder från", "ålder till", "nivå",
	"kapacitet", "årskostnad", "betalare", "kvällar", "helger", "behov", "insatser"}

// ParseResources reads the registry's CSV (semicolon-separated, the headings of
// resourceColumns, as WriteResources writes it). A district is named; empty is the whole
// municipality. needs and methods are lists separated by commas. Every error names its line
// and column; a file with any error is refused whole; two resources may not share a name.
func ParseResources(b []byte, districts []District) ([]Resource, error) {
	recs, lines, err := readRecords(b)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, casework.Invalid("file", "mapping.res.empty")
	}
	var le lineErrors
	for j, want := range resourceColumns {
		if j >= len(recs[0]) || norm(strings.ReplaceAll(recs[0][j], "_", " ")) != want {
			le.add(lines[0], j+1, "mapping.res.header", want)
			return nil, le.err()
		}
	}
	byName := map[string]int64{}
	for _, d := range districts {
		byName[norm(d.Name)] = d.ID
	}
	names := map[string]int{}
	var out []Resource
	for i := 1; i < len(recs); i++ {
		rec, line := recs[i], lines[i]
		if len(rec) != len(resourceColumns) {
			le.add(line, 1, "mapping.csv.fields", len(rec), len(resourceColumns))
			continue
		}
		for j := range rec {
			rec[j] = csvout.Restore(rec[j]) // a cell WriteResources neutralised
		}
		r := Resource{Name: rec[0], Kind: rec[1], Owner: rec[2], Address: rec[4], Payer: rec[10]}
		if r.Name == "" {
			le.add(line, 1, "mapping.res.name_required")
		} else if first, dup := names[norm(r.Name)]; dup {
			le.add(line, 1, "mapping.res.duplicate", first)
		} else {
			names[norm(r.Name)] = line
		}
		if !slices.Contains(Kinds, r.Kind) {
			le.add(line, 2, "mapping.res.bad_kind", r.Kind)
		}
		if rec[3] != "" {
			id, ok := byName[norm(rec[3])]
			if !ok {
				le.add(line, 4, "mapping.pop.unknown_district", rec[3])
			}
			r.District = id
		}
		from, ok1 := parseCount(rec[5])
		to, ok2 := parseCount(rec[6])
		switch {
		case !ok1 || from > 120:
			le.add(line, 6, "mapping.res.bad_age", rec[5])
		case !ok2 || to > 120 || to < from:
			le.add(line, 7, "mapping.res.bad_age", rec[6])
		}
		r.AgeFrom, r.AgeTo = from, to
		lv, ok := levelWords[norm(rec[7])]
		if !ok {
			le.add(line, 8, "mapping.res.bad_level", rec[7])
		}
		r.Level = lv
		if rec[8] != "" {
			if r.Capacity, ok = parseCount(rec[8]); !ok {
				le.add(line, 9, "mapping.res.bad_number", rec[8])
			}
		}
		if rec[9] != "" {
			c, ok := parseCount(rec[9])
			if !ok {
				le.add(line, 10, "mapping.res.bad_number", rec[9])
			}
			r.Cost = int64(c)
		}
		for k, p := range []*bool{&r.Evenings, &r.Weekends} {
			switch norm(rec[11+k]) {
			case "ja", "yes", "1", "x":
				*p = true
			case "nej", "no", "0", "":
			default:
				le.add(line, 12+k, "mapping.res.bad_bool", rec[11+k])
			}
		}
		for _, n := range list(rec[13]) {
			if !slices.Contains(casework.IRKNeeds, n) {
				le.add(line, 14, "mapping.res.bad_need", n)
			}
			r.Needs = append(r.Needs, n)
		}
		r.Methods = list(rec[14])
		out = append(out, r)
	}
	if err := le.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func list(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// WriteResources writes the registry as ParseResources reads it (UTF-8 with a byte order mark,
// which Excel needs to read å, ä and ö).
func WriteResources(rs []Resource, districts []District) []byte {
	names := map[int64]string{}
	for _, d := range districts {
		names[d.ID] = d.Name
	}
	w := csvout.New(';') // with the byte order mark; formulas neutralised (ParseResources restores them)
	w.Row(resourceColumns...)
	yn := func(b bool) string {
		if b {
			return "ja"
		}
		return "nej"
	}
	for _, r := range rs {
		w.Row([]string{r.Name, r.Kind, r.Owner, names[r.District], r.Address, strconv.Itoa(r.AgeFrom), strconv.Itoa(r.AgeTo),
			r.Level, strconv.Itoa(r.Capacity), strconv.FormatInt(r.Cost, 10), r.Payer, yn(r.Evenings), yn(r.Weekends),
			strings.Join(r.Needs, ","), strings.Join(r.Methods, ",")}...)
	}
	return w.Bytes()
}
