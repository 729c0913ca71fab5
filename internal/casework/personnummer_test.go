package casework

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// About the numbers in these tests: every number that is valid, or differs from a valid one
// only in its century, is one of Skatteverket's reserved test personnummer
// (testdata/personnummer/skatteverket-testpersonnummer-2000-2009.csv and the full list in
// /work/shared/data), a samordningsnummer from the personnummer libraries' shared test list
// (testdata/personnummer/personnummer-testdata.json), or 19121212-1212 ("Tolvan Tolvansson"),
// the well-known example number. Invalid numbers are made invalid by an impossible date, serial
// 000 or a wrong check digit, so they belong to nobody. No number here was made up otherwise.

// testNow is the fixed reference time: the personnummer libraries infer the century from the
// current date, and the shared list's separated forms ("090527+1474") are right at this date.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// cet is a fixed UTC+1 zone (Swedish winter time) that needs no tz database.
var cet = time.FixedZone("CET", 60*60)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

type parseCase struct {
	name  string
	in    string
	now   time.Time // the zero time means testNow
	want  string    // canonical number when the input is valid
	key   string    // message key when it is not
	birth string    // date of birth, "2006-01-02"
	sex   Sex
	coord bool
	age   int // at now
}

var parseCases = []parseCase{
	// Valid personnummer, every accepted shape. 20000101-2384, 19991231-2395, 20000229-2399,
	// 18960229-9803, 18901212-9814, 19261223-9232, 19261112-8311, 20100301-2380 and
	// 20240101-2394 are Skatteverket test numbers; 19090527-1474 is from the shared list.
	{name: "a twelve-digit number without separator is accepted", in: "200001012384", want: "200001012384", birth: "2000-01-01", sex: SexFemale, age: 26},
	{name: "a twelve-digit number with a dash is accepted", in: "20000101-2384", want: "200001012384", birth: "2000-01-01", sex: SexFemale, age: 26},
	{name: "a ten-digit number with a dash is read as under 100 years old", in: "000101-2384", want: "200001012384", birth: "2000-01-01", sex: SexFemale, age: 26},
	{name: "a ten-digit number without separator is read as under 100 years old", in: "0001012384", want: "200001012384", birth: "2000-01-01", sex: SexFemale, age: 26},
	{name: "surrounding whitespace is trimmed", in: " \t20000101-2384\r\n", want: "200001012384", birth: "2000-01-01", sex: SexFemale, age: 26},
	{name: "an odd second-to-last digit is a man", in: "19991231-2395", want: "199912312395", birth: "1999-12-31", sex: SexMale, age: 26},
	{name: "a ten-digit number with a dash can be from the last century", in: "991231-2395", want: "199912312395", birth: "1999-12-31", sex: SexMale, age: 26},
	{name: "29 February of a leap year is a date", in: "20000229-2399", want: "200002292399", birth: "2000-02-29", sex: SexMale, age: 26},
	{name: "29 February of 1896 is a date reached with a plus", in: "960229+9803", want: "189602299803", birth: "1896-02-29", sex: SexFemale, age: 130},
	{name: "a plus means 100 or older so 121212+1212 is born in 1912", in: "121212+1212", want: "191212121212", birth: "1912-12-12", sex: SexMale, age: 113},
	{name: "a plus can reach back to the 1800s", in: "901212+9814", want: "189012129814", birth: "1890-12-12", sex: SexMale, age: 135},
	{name: "a twelve-digit number keeps its century whatever the separator", in: "19090527+1474", want: "190905271474", birth: "1909-05-27", sex: SexMale, age: 117},
	{name: "someone who is 99 and turns 100 later this year is under 100 with a dash", in: "261223-9232", want: "192612239232", birth: "1926-12-23", sex: SexMale, age: 99},
	{name: "someone who turns 100 later this year may also be written with a plus as the law says", in: "261223+9232", want: "192612239232", birth: "1926-12-23", sex: SexMale, age: 99},
	{name: "someone who turned 100 earlier this year is written with a plus", in: "261112+8311", want: "192611128311", birth: "1926-11-12", sex: SexMale, age: 100},

	// The century of a dash at the 100th birthday. 2110 is used so that the other reading of
	// 100301-2380 is a number nobody can hold yet.
	{name: "a dash on the day before the 100th birthday is the person aged 99", in: "100301-2380", now: date(2110, 2, 28), want: "201003012380", birth: "2010-03-01", sex: SexFemale, age: 99},
	{name: "a dash on the 100th birthday is a child born that day", in: "100301-2380", now: date(2110, 3, 1), want: "211003012380", birth: "2110-03-01", sex: SexFemale, age: 0},
	{name: "a plus on the 100th birthday is the person aged 100", in: "100301+2380", now: date(2110, 3, 1), want: "201003012380", birth: "2010-03-01", sex: SexFemale, age: 100},
	{name: "a plus on the day before the 100th birthday is the person turning 100 that year", in: "100301+2380", now: date(2110, 2, 28), want: "201003012380", birth: "2010-03-01", sex: SexFemale, age: 99},

	// The future check and the reference date.
	{name: "a child born today is accepted", in: "20240101-2394", now: date(2024, 1, 1), want: "202401012394", birth: "2024-01-01", sex: SexMale, age: 0},
	{name: "a date of birth after now is rejected", in: "20240101-2394", now: date(2023, 12, 31), key: "pnr.future"},
	{name: "now is read in its own time zone so 00:30 Swedish time is already the new day", in: "20240101-2394", now: time.Date(2024, 1, 1, 0, 30, 0, 0, cet), want: "202401012394", birth: "2024-01-01", sex: SexMale, age: 0},
	{name: "the same instant in UTC is still the day before", in: "20240101-2394", now: time.Date(2024, 1, 1, 0, 30, 0, 0, cet).UTC(), key: "pnr.future"},

	// Samordningsnummer: day + 60. Both valid ones are from the shared list (day 88 and 91).
	{name: "a samordningsnummer with day 88 is 28 February", in: "19730288-9931", want: "197302889931", birth: "1973-02-28", sex: SexMale, coord: true, age: 53},
	{name: "a samordningsnummer with day 91 is the 31st", in: "210791-9967", want: "202107919967", birth: "2021-07-31", sex: SexFemale, coord: true, age: 5},
	{name: "a ten-digit samordningsnummer without separator is accepted", in: "7302889931", want: "197302889931", birth: "1973-02-28", sex: SexMale, coord: true, age: 53},
	{name: "a samordningsnummer with day 92 is rejected", in: "19730292-9935", key: "pnr.date"},
	{name: "a samordningsnummer with day 60 is rejected", in: "19730260-9933", key: "pnr.date"},
	{name: "a samordningsnummer for 29 February of a non-leap year is rejected", in: "20230289-2381", key: "pnr.date"},
	{name: "a samordningsnummer for 31 April is rejected", in: "20000491-2382", key: "pnr.date"},

	// Impossible dates. Each of these has a right check digit, so only the date is wrong.
	{name: "29 February 2023 is rejected", in: "20230229-2384", key: "pnr.date"},
	{name: "29 February 1900 is rejected since 1900 was no leap year", in: "000229+2381", key: "pnr.date"},
	{name: "month 13 is rejected", in: "001301-2380", key: "pnr.date"},
	{name: "month 00 is rejected", in: "000001-2385", key: "pnr.date"},
	{name: "day 00 is rejected", in: "000100-2385", key: "pnr.date"},
	{name: "day 32 is rejected", in: "000132-2387", key: "pnr.date"},
	{name: "a year before 1800 is rejected as a date before the serial is looked at", in: "17991231-0001", key: "pnr.date"},
	{name: "an organisation number is rejected by its month", in: "802005-1952", key: "pnr.date"},
	{name: "an organisation number with the prefix 16 is rejected by its year", in: "16802005-1952", key: "pnr.date"},

	// Serial and check digit.
	{name: "serial 000 is rejected even with a right check digit", in: "20150916-0006", key: "pnr.serial"},
	{name: "serial 000 is rejected in the ten-digit form too", in: "1509160006", key: "pnr.serial"},
	{name: "a wrong check digit is rejected", in: "20000101-2385", key: "pnr.checksum"},
	{name: "two swapped digits are caught by the check digit", in: "20000101-2834", key: "pnr.checksum"},
	{name: "a wrong check digit is rejected in the ten-digit form", in: "000101-2385", key: "pnr.checksum"},

	// Empty input and shapes that are not accepted.
	{name: "an empty string is rejected as empty", in: "", key: "pnr.empty"},
	{name: "only whitespace is rejected as empty", in: " \t\n", key: "pnr.empty"},
	{name: "a space as separator is rejected", in: "19090527 1474", key: "pnr.format"},
	{name: "a space as separator in the ten-digit form is rejected", in: "090527 1474", key: "pnr.format"},
	{name: "a space inside the date is rejected", in: "2000 0101-2384", key: "pnr.format"},
	{name: "a space after the separator is rejected", in: "20000101- 2384", key: "pnr.format"},
	{name: "a tab as separator is rejected", in: "20000101\t2384", key: "pnr.format"},
	{name: "an interim number with a letter is rejected", in: "000101-T220", key: "pnr.format"},
	{name: "a twelve-digit interim number is rejected", in: "20000101T220", key: "pnr.format"},
	{name: "a letter as check digit is rejected", in: "20000101-238X", key: "pnr.format"},
	{name: "a placeholder is rejected", in: "ÅÅMMDD-NNNN", key: "pnr.format"},
	{name: "full-width digits are rejected", in: "２００００１０１２３８４", key: "pnr.format"},
	{name: "nine digits are rejected", in: "000101238", key: "pnr.format"},
	{name: "eleven digits are rejected", in: "20000101238", key: "pnr.format"},
	{name: "thirteen digits are rejected", in: "2000010123840", key: "pnr.format"},
	{name: "two separators are rejected", in: "000101--2384", key: "pnr.format"},
	{name: "a separator in the wrong place is rejected", in: "0001012-384", key: "pnr.format"},
	{name: "a leading plus is rejected", in: "+0001012384", key: "pnr.format"},
	{name: "a trailing dash is rejected", in: "0001012384-", key: "pnr.format"},
	{name: "a slash as separator is rejected", in: "20000101/2384", key: "pnr.format"},
	{name: "an en dash as separator is rejected", in: "000101–2384", key: "pnr.format"},
	{name: "a negative number is rejected", in: "-200001012384", key: "pnr.format"},
}

func (c parseCase) reference() time.Time {
	if c.now.IsZero() {
		return testNow
	}
	return c.now
}

func TestParsePersonalNumber(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			now := c.reference()
			p, err := ParsePersonalNumber(c.in, now)
			checkTestNumber(t, c)
			if c.key != "" {
				assertInvalid(t, c.in, p, err, c.key)
				return
			}
			if err != nil {
				t.Fatalf("ParsePersonalNumber(%q) failed: %v", c.in, err)
			}
			if p.IsZero() {
				t.Fatal("a parsed number is zero")
			}
			if got := p.String(); got != c.want {
				t.Errorf("String() = %q, want %q", got, c.want)
			}
			if got, want := p.Formatted(), c.want[:8]+"-"+c.want[8:]; got != want {
				t.Errorf("Formatted() = %q, want %q", got, want)
			}
			birth := p.BirthDate()
			if got := birth.Format(time.DateOnly); got != c.birth {
				t.Errorf("BirthDate() = %s, want %s", got, c.birth)
			}
			if birth.Location() != time.UTC || birth.Hour() != 0 || birth.Minute() != 0 || birth.Second() != 0 || birth.Nanosecond() != 0 {
				t.Errorf("BirthDate() = %v, want midnight UTC", birth)
			}
			if got := p.Sex(); got != c.sex {
				t.Errorf("Sex() = %q, want %q", got, c.sex)
			}
			if got := p.IsCoordinationNumber(); got != c.coord {
				t.Errorf("IsCoordinationNumber() = %v, want %v", got, c.coord)
			}
			if got := p.AgeAt(now); got != c.age {
				t.Errorf("AgeAt(%s) = %d, want %d", now.Format(time.DateOnly), got, c.age)
			}
		})
	}
}

// checkTestNumber makes sure a case tests what its name says: the check digit of a number
// rejected for its date, serial or future date is right, and that of a number rejected for its
// check digit is wrong. It uses a Luhn formulation of its own (from the right, over all ten
// digits) rather than the code under test.
func checkTestNumber(t *testing.T, c parseCase) {
	t.Helper()
	ten, ok := tenDigits(c.in)
	switch {
	case c.key == "" || c.key == "pnr.date" || c.key == "pnr.serial" || c.key == "pnr.future":
		if !ok || !luhnValid(ten) {
			t.Fatalf("test case %q should have a right check digit", c.in)
		}
	case c.key == "pnr.checksum":
		if !ok || luhnValid(ten) {
			t.Fatalf("test case %q should have a wrong check digit", c.in)
		}
	}
}

// tenDigits returns the last ten digits of a number written in one of the accepted shapes.
func tenDigits(s string) (string, bool) {
	s = strings.NewReplacer("-", "", "+", "").Replace(strings.TrimSpace(s))
	if len(s) != 10 && len(s) != 12 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s[len(s)-10:], true
}

// luhnValid is the textbook Luhn test: from the right, double every second digit, subtract 9
// from products over 9; the total must be divisible by 10.
func luhnValid(digits string) bool {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

var personalNumberKeys = map[string]bool{
	"pnr.empty": true, "pnr.format": true, "pnr.date": true,
	"pnr.future": true, "pnr.serial": true, "pnr.checksum": true,
}

// assertInvalid checks that err is a validation error of the personal_number field with the key
// want (any of the known keys when want is ""), that p is zero, and that the error text does not
// repeat the input.
func assertInvalid(t *testing.T, in string, p PersonalNumber, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("ParsePersonalNumber(%q) = %q, want an error", in, p.String())
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is a %T, want *Error", err, err)
	}
	if e.Code != EInvalid || e.Field != "personal_number" {
		t.Errorf("error code %q field %q, want %q %q", e.Code, e.Field, EInvalid, "personal_number")
	}
	if want != "" && e.Key != want {
		t.Errorf("error key %q, want %q", e.Key, want)
	}
	if !personalNumberKeys[e.Key] {
		t.Errorf("error key %q is not one of the documented keys", e.Key)
	}
	if !p.IsZero() {
		t.Errorf("a failed parse returned %q, want the zero value", p.String())
	}
	if ten, ok := tenDigits(in); ok && strings.Contains(err.Error(), ten[:6]) {
		t.Errorf("error %q repeats the number, which is personal data", err)
	}
}

func TestPersonalNumberZeroValueHoldsNoNumber(t *testing.T) {
	var p PersonalNumber
	if !p.IsZero() {
		t.Error("the zero value is not zero")
	}
	if p.String() != "" || p.Formatted() != "" {
		t.Errorf("zero value prints as %q / %q, want empty strings", p.String(), p.Formatted())
	}
	if !p.BirthDate().IsZero() {
		t.Errorf("BirthDate() = %v, want the zero time", p.BirthDate())
	}
	if p.Sex() != "" || p.IsCoordinationNumber() || p.AgeAt(testNow) != 0 {
		t.Errorf("zero value has sex %q, coordination %v, age %d", p.Sex(), p.IsCoordinationNumber(), p.AgeAt(testNow))
	}
}

func TestParsedNumbersCompareEqualAcrossShapes(t *testing.T) {
	var first PersonalNumber
	for i, in := range []string{"19991231-2395", "199912312395", "991231-2395", "9912312395", " 19991231+2395 "} {
		p, err := ParsePersonalNumber(in, testNow)
		if err != nil {
			t.Fatalf("ParsePersonalNumber(%q): %v", in, err)
		}
		if i == 0 {
			first = p
		} else if p != first {
			t.Errorf("%q parsed to %q, want it equal to %q", in, p, first)
		}
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		name  string
		birth time.Time
		at    time.Time
		want  int
	}{
		{"a child is 0 on the day of birth", date(2026, 3, 1), date(2026, 3, 1), 0},
		{"a person turns a year older on the birthday", date(2000, 3, 1), date(2026, 3, 1), 26},
		{"a person is a year younger on the day before the birthday", date(2000, 3, 1), date(2026, 2, 28), 25},
		{"a person is a year younger at the end of the day before the birthday", date(2000, 3, 1), time.Date(2026, 2, 28, 23, 59, 59, 0, time.UTC), 25},
		{"a leap-day child is still younger on 28 February of a non-leap year", date(2000, 2, 29), date(2025, 2, 28), 24},
		{"a leap-day child turns a year older on 1 March of a non-leap year", date(2000, 2, 29), date(2025, 3, 1), 25},
		{"a leap-day child turns a year older on 29 February of a leap year", date(2000, 2, 29), date(2024, 2, 29), 24},
		{"the date of at is read in its own time zone", time.Date(2000, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 30, 0, 0, cet), 26},
		{"a person born at the end of the year is younger until new year", date(1999, 12, 31), date(2026, 12, 30), 26},
		{"someone not yet born has a negative age", date(2026, 12, 1), date(2026, 11, 22), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Age(tt.birth, tt.at); got != tt.want {
				t.Errorf("Age(%s, %s) = %d, want %d", tt.birth.Format(time.DateOnly), tt.at, got, tt.want)
			}
		})
	}
}

// TestBirthDayOfEveryWrittenDay goes through every day 00–99 as written in every month of a
// leap year, a non-leap year and 1900: the days 1–31 and 61–91 (samordningsnummer) are dates
// when the month has them, and nothing else is.
func TestBirthDayOfEveryWrittenDay(t *testing.T) {
	for _, year := range []int{1900, 2000, 2023, 2024} {
		for month := 0; month <= 13; month++ {
			for dd := 0; dd <= 99; dd++ {
				wantDay, coord := dd, false
				if dd >= 61 {
					wantDay, coord = dd-60, true
				}
				want := month >= 1 && month <= 12 && wantDay >= 1 && wantDay <= 31 &&
					time.Date(year, time.Month(month), wantDay, 0, 0, 0, 0, time.UTC).Day() == wantDay
				day, ok := birthDay(year, month, dd)
				if ok != want || ok && day != wantDay {
					t.Errorf("birthDay(%d, %d, %02d) = %d, %v; want %d, %v", year, month, dd, day, ok, wantDay, want)
				}
				if _, gotCoord := dayOfBirth(dd); gotCoord != coord {
					t.Errorf("dayOfBirth(%02d) says samordningsnummer %v, want %v", dd, gotCoord, coord)
				}
			}
		}
	}
	// The edges, spelled out.
	for _, c := range []struct {
		year, month, dd int
		ok              bool
	}{
		{2023, 1, 61, true}, {2023, 1, 91, true}, {2023, 1, 92, false}, {2023, 1, 60, false},
		{2023, 2, 88, true}, {2023, 2, 89, false}, {2024, 2, 89, true}, {2024, 2, 90, false},
		{2023, 4, 90, true}, {2023, 4, 91, false}, {2023, 12, 31, true}, {2023, 12, 32, false},
	} {
		if _, ok := birthDay(c.year, c.month, c.dd); ok != c.ok {
			t.Errorf("birthDay(%d, %d, %d) ok = %v, want %v", c.year, c.month, c.dd, ok, c.ok)
		}
	}
}

// TestCenturyOfTenDigitForms checks the century rule for every two-digit year, month and day
// against a set of reference dates, without needing any numbers: a dash (or no separator) gives
// the most recent date that is not after now; a plus gives the most recent year that is at
// least 100 years before now's year.
func TestCenturyOfTenDigitForms(t *testing.T) {
	nows := []time.Time{
		testNow, date(2026, 1, 1), date(2026, 12, 31), date(2024, 2, 28), date(2024, 2, 29),
		date(2000, 2, 28), date(2000, 3, 1), date(2099, 12, 31), date(2100, 1, 1),
		time.Date(2026, 6, 15, 23, 30, 0, 0, cet),
	}
	for _, now := range nows {
		ny, nm, nd := now.Date()
		t.Run("at "+now.Format(time.RFC3339), func(t *testing.T) {
			for yy := 0; yy <= 99; yy++ {
				for month := 1; month <= 12; month++ {
					for day := 1; day <= 31; day++ {
						y := inferYear(yy, month, day, false, now)
						if mod(y, 100) != yy || dateAfter(y, month, day, ny, int(nm), nd) || !dateAfter(y+100, month, day, ny, int(nm), nd) {
							t.Fatalf("dash: %02d-%02d-%02d read as %d", yy, month, day, y)
						}
						y = inferYear(yy, month, day, true, now)
						if mod(y, 100) != yy || y > ny-100 || y+100 <= ny-100 {
							t.Fatalf("plus: %02d-%02d-%02d read as %d", yy, month, day, y)
						}
					}
				}
			}
		})
	}
}

// sharedEntry is one entry of the personnummer libraries' test lists (facts-sweden.md §5).
type sharedEntry struct {
	Integer         int64  `json:"integer"`
	LongFormat      string `json:"long_format"`
	ShortFormat     string `json:"short_format"`
	SeparatedFormat string `json:"separated_format"`
	SeparatedLong   string `json:"separated_long"`
	Valid           bool   `json:"valid"`
	Type            string `json:"type"`
	IsMale          bool   `json:"isMale"`
	IsFemale        bool   `json:"isFemale"`
}

func loadSharedList(tb testing.TB, name string) []sharedEntry {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "personnummer", name))
	if err != nil {
		tb.Fatal(err)
	}
	var list []sharedEntry
	if err := json.Unmarshal(b, &list); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if len(list) == 0 {
		tb.Fatalf("%s is empty", name)
	}
	return list
}

// formats returns every string form of e: the four string fields (when present) and the
// integer (when not 0).
func (e sharedEntry) formats() map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{
		"long_format": e.LongFormat, "short_format": e.ShortFormat,
		"separated_format": e.SeparatedFormat, "separated_long": e.SeparatedLong,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if e.Integer != 0 {
		m["integer"] = strconv.FormatInt(e.Integer, 10)
	}
	return m
}

// sharedListReasons says why each invalid entry of the shared list is invalid.
var sharedListReasons = map[string]string{
	"201509160006":  "pnr.serial",
	"197004289895":  "pnr.checksum",
	"194205669899":  "pnr.checksum",
	"196004309886":  "pnr.checksum",
	"197210869924":  "pnr.checksum",
	"19090527 1474": "pnr.format",
}

func TestSharedPersonnummerList(t *testing.T) {
	list := loadSharedList(t, "personnummer-testdata.json")
	if len(list) != 14 {
		t.Fatalf("the shared list has %d entries, want 14", len(list))
	}
	for _, e := range list {
		for format, in := range e.formats() {
			verdict := "invalid"
			if e.Valid {
				verdict = "valid"
			}
			t.Run(fmt.Sprintf("%s %s written as %s is %s", e.Type, e.LongFormat, format, verdict), func(t *testing.T) {
				p, err := ParsePersonalNumber(in, testNow)
				if !e.Valid {
					assertInvalid(t, in, p, err, sharedListReasons[e.LongFormat])
					return
				}
				if err != nil {
					t.Fatalf("ParsePersonalNumber(%q): %v", in, err)
				}
				// Without separator a ten-digit number means under 100, so 0905271474 is a
				// child born in 2009, not the list's 1909; every other form names the century.
				if format != "short_format" && p.String() != e.LongFormat {
					t.Errorf("String() = %q, want %q", p.String(), e.LongFormat)
				}
				if p.String()[2:] != e.LongFormat[2:] {
					t.Errorf("String() = %q, want the digits of %q", p.String(), e.LongFormat)
				}
				if got := p.Sex() == SexMale; got != e.IsMale {
					t.Errorf("Sex() = %q, want isMale %v", p.Sex(), e.IsMale)
				}
				if got := p.Sex() == SexFemale; got != e.IsFemale {
					t.Errorf("Sex() = %q, want isFemale %v", p.Sex(), e.IsFemale)
				}
				if got := p.IsCoordinationNumber(); got != (e.Type == "con") {
					t.Errorf("IsCoordinationNumber() = %v for type %q", got, e.Type)
				}
			})
		}
	}
}

func TestInterimNumbersAreRejected(t *testing.T) {
	list := loadSharedList(t, "personnummer-testdata-interim.json")
	for _, e := range list {
		for format, in := range e.formats() {
			t.Run(fmt.Sprintf("interim number %s written as %s is rejected", e.LongFormat, format), func(t *testing.T) {
				p, err := ParsePersonalNumber(in, testNow)
				assertInvalid(t, in, p, err, "pnr.format")
			})
		}
	}
}

func TestOrganisationNumbersAreRejected(t *testing.T) {
	list := loadSharedList(t, "personnummer-testdata-orgnumber.json")
	for _, e := range list {
		forms := e.formats()
		// Organisation numbers are also written with the prefix 16 as twelve digits.
		forms["prefixed_16"] = "16" + e.ShortFormat
		forms["prefixed_16_separated"] = "16" + e.SeparatedFormat
		for format, in := range forms {
			t.Run(fmt.Sprintf("organisation number %s written as %s is rejected", e.SeparatedFormat, format), func(t *testing.T) {
				p, err := ParsePersonalNumber(in, testNow)
				assertInvalid(t, in, p, err, "pnr.date")
			})
		}
	}
}

func loadSkatteverketNumbers(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "personnummer", "skatteverket-testpersonnummer-2000-2009.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var numbers []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line == "Testpersonnummer" {
			continue
		}
		numbers = append(numbers, line)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return numbers
}

// TestSkatteverketTestNumbersBorn2000To2009AreValid parses every test personnummer Skatteverket
// reserves for people born 2000–2009, in all five shapes.
func TestSkatteverketTestNumbersBorn2000To2009AreValid(t *testing.T) {
	numbers := loadSkatteverketNumbers(t)
	if len(numbers) != 7323 {
		t.Fatalf("read %d numbers, want 7323", len(numbers))
	}
	failures := 0
	for _, n := range numbers {
		for _, in := range []string{n, n[:8] + "-" + n[8:], n[2:], n[2:8] + "-" + n[8:], n[:8] + "+" + n[8:]} {
			p, err := ParsePersonalNumber(in, testNow)
			if err == nil && p.String() == n && p.Formatted() == n[:8]+"-"+n[8:] && !p.IsCoordinationNumber() {
				continue
			}
			t.Errorf("ParsePersonalNumber(%q) = %q, %v; want %s", in, p.String(), err, n)
			if failures++; failures > 20 {
				t.Fatal("too many failures")
			}
		}
	}
}

// FuzzParsePersonalNumber checks that parsing never panics, that every error is a documented
// validation error, and that every accepted number round-trips through String and Formatted.
// The second argument moves the reference date by up to ±300 years from testNow.
func FuzzParsePersonalNumber(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in, int32(c.reference().Sub(testNow).Hours()/24))
	}
	for _, name := range []string{"personnummer-testdata.json", "personnummer-testdata-interim.json", "personnummer-testdata-orgnumber.json"} {
		for _, e := range loadSharedList(f, name) {
			for _, in := range e.formats() {
				f.Add(in, int32(0))
			}
		}
	}
	for _, n := range loadSkatteverketNumbers(f)[:50] {
		f.Add(n, int32(0))
		f.Add(n[2:8]+"-"+n[8:], int32(36500))
		f.Add(n[2:8]+"+"+n[8:], int32(-36500))
	}

	f.Fuzz(func(t *testing.T, s string, nowOffsetDays int32) {
		now := testNow.AddDate(0, 0, int(nowOffsetDays%(300*366)))
		p, err := ParsePersonalNumber(s, now)
		if err != nil {
			assertInvalid(t, s, p, err, "")
			return
		}
		str := p.String()
		if p.IsZero() || len(str) != 12 {
			t.Fatalf("accepted %q as %q", s, str)
		}
		if _, ok := tenDigits(str); !ok {
			t.Fatalf("String() = %q is not twelve digits", str)
		}
		if p.Formatted() != str[:8]+"-"+str[8:] {
			t.Fatalf("Formatted() = %q for %q", p.Formatted(), str)
		}
		for _, again := range []string{str, p.Formatted()} {
			q, err := ParsePersonalNumber(again, now)
			if err != nil || q != p {
				t.Fatalf("%q parsed to %q, but %q parsed to %q, %v", s, str, again, q.String(), err)
			}
		}

		in := strings.TrimSpace(s)
		ten, ok := tenDigits(in)
		if !ok || ten != str[2:] {
			t.Fatalf("%q parsed to %q, whose last ten digits differ", s, str)
		}
		if !luhnValid(ten) || ten[6:9] == "000" {
			t.Fatalf("%q accepted with a wrong check digit or serial 000", s)
		}
		birth := p.BirthDate()
		if birth.Year() < 1800 || birth.After(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("%q has date of birth %s at %s", s, birth.Format(time.DateOnly), now.Format(time.DateOnly))
		}
		if p.Sex() != SexMale && p.Sex() != SexFemale {
			t.Fatalf("Sex() = %q", p.Sex())
		}
		switch age := p.AgeAt(now); {
		case age < 0:
			t.Fatalf("%q has age %d at %s", s, age, now.Format(time.DateOnly))
		case len(in) == 10 || len(in) == 11 && in[6] == '-':
			if age >= 100 {
				t.Fatalf("%q without plus is %d years old at %s", s, age, now.Format(time.DateOnly))
			}
		case len(in) == 11 && in[6] == '+':
			if birth.Year() > now.Year()-100 {
				t.Fatalf("%q with plus is born %d, after %d", s, birth.Year(), now.Year()-100)
			}
		default:
			if str[:4] != in[:4] {
				t.Fatalf("%q changed its century to %q", s, str)
			}
		}
	})
}
