package mapping

import (
	"sort"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// PopRow is the number of people of one age and sex living in a district at the end of a year.
type PopRow struct {
	District int64
	Year     int
	Age      int
	Sex      string // "m" or "f"
	People   int
}

// District is a district as the import matches it: by name, without case.
type District struct {
	ID   int64
	Name string
}

// ParsePopulation reads a population file in the form Statistics Sweden's database
// (statistikdatabasen, PxWeb) exports it as "semicolon-separated with headings": title lines,
// then a header naming the columns region, ålder and kön in any order followed by one column
// per year, then one line per region, age and sex — "Centrum";"13 år";"män";412;420. The
// region is a district's name, optionally after its code ("0180C1010 Centrum"). Every error
// names its line and column; a file with any error is refused whole. Totals ("totalt") are
// refused, not summed: the file must hold each age and sex once.
func ParsePopulation(b []byte, districts []District) ([]PopRow, error) {
	return ParsePopulationWith(b, districts, nil)
}

// Phases of reading a population file, as Progress reports them.
const (
	PhaseReading  = "reading"  // decoding and splitting the file into records; of its lines
	PhaseChecking = "checking" // checking each record against the districts; of its records
)

// Progress is told how far a long read has come: the phase, and done of total in it. It is
// called at the start of each phase and then every ProgressEvery lines or rows.
type Progress func(phase string, done, total int)

// ProgressEvery is how many lines or rows pass between two calls of a Progress.
const ProgressEvery = 2000

// ParsePopulationWith is ParsePopulation telling progress (nil: nobody) how far it has come.
func ParsePopulationWith(b []byte, districts []District, progress Progress) ([]PopRow, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	text, err := decode(b)
	if err != nil {
		return nil, err
	}
	recs, lines, err := recordsWith(text, progress)
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, d := range districts {
		byName[norm(d.Name)] = d.ID
	}
	var le lineErrors
	// The header: the first record with a column named region.
	h := -1
	col := map[string]int{}
	var years []int
	var yearCols []int
	for i, rec := range recs {
		for j, c := range rec {
			switch norm(c) {
			case "region", "område", "distrikt", "stadsdel":
				col["region"] = j
			case "ålder":
				col["age"] = j
			case "kön":
				col["sex"] = j
			}
		}
		if _, ok := col["region"]; ok {
			h = i
			for j, c := range rec {
				if y, err := strconv.Atoi(strings.TrimSpace(c)); err == nil && len(c) == 4 && y >= 1900 && y <= 2200 {
					years, yearCols = append(years, y), append(yearCols, j)
				}
			}
			break
		}
		col = map[string]int{}
	}
	if h < 0 {
		return nil, casework.Invalid("file", "mapping.pop.no_header")
	}
	for _, k := range []string{"age", "sex"} {
		if _, ok := col[k]; !ok {
			le.add(lines[h], 1, "mapping.pop.missing_column", map[string]string{"age": "ålder", "sex": "kön"}[k])
		}
	}
	if len(years) == 0 {
		le.add(lines[h], len(recs[h]), "mapping.pop.no_years")
	}
	if err := le.err(); err != nil {
		return nil, err
	}
	type key struct {
		d    int64
		y, a int
		s    string
	}
	seen := map[key]int{}
	var out []PopRow
	width := len(recs[h])
	progress(PhaseChecking, 0, len(recs)-h-1)
	for i := h + 1; i < len(recs); i++ {
		if n := i - h - 1; n > 0 && n%ProgressEvery == 0 {
			progress(PhaseChecking, n, len(recs)-h-1)
		}
		rec, line := recs[i], lines[i]
		if len(rec) != width {
			le.add(line, 1, "mapping.csv.fields", len(rec), width)
			continue
		}
		region := rec[col["region"]]
		id, ok := byName[norm(region)]
		if !ok {
			if _, rest, cut := strings.Cut(strings.TrimSpace(region), " "); cut {
				id, ok = byName[norm(rest)]
			}
		}
		if !ok {
			le.add(line, col["region"]+1, "mapping.pop.unknown_district", region)
		}
		age, aok := parseAge(rec[col["age"]])
		if !aok {
			le.add(line, col["age"]+1, "mapping.pop.bad_age", rec[col["age"]])
		}
		sex, sok := parseSex(rec[col["sex"]])
		if !sok {
			le.add(line, col["sex"]+1, "mapping.pop.bad_sex", rec[col["sex"]])
		}
		for k, j := range yearCols {
			n, nok := parseCount(rec[j])
			if !nok {
				le.add(line, j+1, "mapping.pop.bad_count", rec[j])
				continue
			}
			if !ok || !aok || !sok {
				continue
			}
			kk := key{id, years[k], age, sex}
			if first, dup := seen[kk]; dup {
				le.add(line, j+1, "mapping.pop.duplicate", first)
				continue
			}
			seen[kk] = line
			out = append(out, PopRow{District: id, Year: years[k], Age: age, Sex: sex, People: n})
		}
	}
	progress(PhaseChecking, len(recs)-h-1, len(recs)-h-1)
	if err := le.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, casework.Invalid("file", "mapping.pop.empty")
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.District != b.District {
			return a.District < b.District
		}
		if a.Age != b.Age {
			return a.Age < b.Age
		}
		return a.Sex < b.Sex
	})
	return out, nil
}

// Years are the years a parsed file holds, in order.
func Years(rows []PopRow) []int {
	var out []int
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1] != r.Year {
			out = append(out, r.Year)
		}
	}
	return out
}

// parseAge reads "13 år", "13", "100+ år" (as 100).
func parseAge(s string) (int, bool) {
	s = norm(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, " år"), "år")
	s = strings.TrimSuffix(strings.TrimSpace(s), "+")
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= 120
}

// parseSex reads SCB's words and codes: män/pojkar/1, kvinnor/flickor/2.
func parseSex(s string) (string, bool) {
	switch norm(s) {
	case "män", "man", "pojkar", "1", "m":
		return "m", true
	case "kvinnor", "kvinna", "flickor", "2", "k", "f":
		return "f", true
	}
	return "", false
}

// parseCount reads a whole number of people, allowing spaces as thousands separators.
func parseCount(s string) (int, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
