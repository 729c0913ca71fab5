package casework

// Personnummer and samordningsnummer (Swedish personal identity and coordination numbers).
//
// A personnummer is the date of birth YYMMDD, a three-digit födelsenummer (001–999, whose last
// digit is odd for men and even for women) and a Luhn check digit computed over the ten digits
// without the century. A samordningsnummer has the same form with 60 added to the day (61–91).
// Interim numbers ("T-numbers", a letter in the födelsenummer) are issued by universities and
// others, not by Skatteverket, and are not accepted. Organisation numbers fail as dates
// (their "month" is 20 or more).
//
// Validation errors are Invalid("personal_number", key) with one key per kind of fault. Texts for
// the i18n catalogues (copy into locales/sv.json and locales/en.json):
//
//	sv.json
//	"pnr.empty":    "Fyll i personnummer eller samordningsnummer.",
//	"pnr.format":   "Skriv personnumret med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN. Bokstäver och mellanslag går inte att använda.",
//	"pnr.date":     "Datumet i personnumret finns inte. Kontrollera år, månad och dag.",
//	"pnr.future":   "Födelsedatumet i personnumret har inte inträffat än. Kontrollera årtalet.",
//	"pnr.serial":   "Födelsenumret (de tre siffrorna efter datumet) kan inte vara 000.",
//	"pnr.checksum": "Kontrollsiffran stämmer inte. Kontrollera att personnumret är rätt skrivet.",
//
//	en.json
//	"pnr.empty":    "Enter a personal identity number or coordination number.",
//	"pnr.format":   "Write the personal identity number with 10 or 12 digits, for example YYYYMMDD-NNNN or YYMMDD-NNNN. Letters and spaces cannot be used.",
//	"pnr.date":     "The date in the personal identity number does not exist. Check the year, month and day.",
//	"pnr.future":   "The date of birth in the personal identity number has not happened yet. Check the year.",
//	"pnr.serial":   "The birth number (the three digits after the date) cannot be 000.",
//	"pnr.checksum": "The check digit does not match. Check that the personal identity number is written correctly.",
//
// When each key is used, in the order the checks run (the first fault found is reported):
//
//	pnr.empty     nothing but whitespace
//	pnr.format    not one of the accepted shapes: wrong length, letters (interim numbers), spaces
//	              or other characters inside, separator in the wrong place
//	pnr.date      no such date (month 13, day 00 or 32, 29 February in a non-leap year, day 32–60
//	              or 92–99), or a birth year before 1800
//	pnr.serial    födelsenummer 000
//	pnr.checksum  the Luhn check digit is wrong
//	pnr.future    the date of birth is after the reference date

import (
	"strconv"
	"strings"
	"time"
)

// personalNumberField is the form field that this file's validation errors name.
const personalNumberField = "personal_number"

// coordinationDayOffset is what Skatteverket adds to the day of birth in a samordningsnummer.
const coordinationDayOffset = 60

// minBirthYear is the earliest accepted year of birth: Folkbokföringsdatabasen stores the
// centuries 18, 19 and 20 only.
const minBirthYear = 1800

// Sex is the legal sex recorded in a personnummer.
type Sex string

const (
	SexMale   Sex = "male"
	SexFemale Sex = "female"
)

// PersonalNumber is a validated Swedish personnummer or samordningsnummer in canonical 12-digit
// form "YYYYMMDDNNNC". The zero value is "no number" (see IsZero). Values are comparable with ==.
//
// The number is personal data: never log it or put it in an error detail.
type PersonalNumber struct {
	s string // canonical "YYYYMMDDNNNC"; "" for the zero value
}

// ParsePersonalNumber parses s at reference time now.
//
// Accepted shapes, after trimming surrounding whitespace: "YYYYMMDDNNNC", "YYYYMMDD-NNNC",
// "YYYYMMDD+NNNC", "YYMMDDNNNC", "YYMMDD-NNNC" and "YYMMDD+NNNC", ASCII digits only. With a
// four-digit year the separator carries no information and is ignored.
//
// The century of the ten-digit shapes is inferred from the calendar date of now (in now's
// location):
//   - "-" or no separator: the person is under 100, so the most recent date not after now;
//   - "+": the person turns 100 this year or was born earlier (18 § folkbokföringslagen: the
//     separator becomes "+" from the year a person turns 100), so the most recent year at least
//     100 years before now's year. For someone who turns 100 later this year both "+" (the legal
//     form) and "-" (a common mistake) give the same date of birth.
//
// Errors are *Error with Code EInvalid, Field "personal_number" and one of the keys listed at
// the top of this file.
func ParsePersonalNumber(s string, now time.Time) (PersonalNumber, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.empty")
	}
	digits, plus, ok := splitPersonalNumber(s)
	if !ok {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.format")
	}

	// ten is YYMMDDNNNC: the digits the check digit covers.
	ten := digits[len(digits)-10:]
	month := atoi(ten[2:4])
	dd := atoi(ten[4:6]) // as written: day + 60 for a samordningsnummer

	var year int
	if len(digits) == 12 {
		year = atoi(digits[:4])
	} else {
		day, _ := dayOfBirth(dd)
		year = inferYear(atoi(ten[:2]), month, day, plus, now)
	}
	day, ok := birthDay(year, month, dd)
	if !ok || year < minBirthYear || year > 9999 {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.date")
	}
	if ten[6:9] == "000" {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.serial")
	}
	if luhnCheckDigit(ten[:9]) != ten[9] {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.checksum")
	}
	ny, nm, nd := now.Date()
	if dateAfter(year, month, day, ny, int(nm), nd) {
		return PersonalNumber{}, Invalid(personalNumberField, "pnr.future")
	}
	return PersonalNumber{s: pad4(year) + ten[2:]}, nil
}

// splitPersonalNumber checks the shape of s and returns its 10 or 12 digits and whether the
// separator was "+".
func splitPersonalNumber(s string) (digits string, plus bool, ok bool) {
	switch len(s) {
	case 10, 12:
		digits = s
	case 11, 13:
		i := len(s) - 5
		if s[i] != '-' && s[i] != '+' {
			return "", false, false
		}
		plus = s[i] == '+'
		digits = s[:i] + s[i+1:]
	default:
		return "", false, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false, false
		}
	}
	return digits, plus, true
}

// dayOfBirth returns the day of the month that dd, the day as written, stands for, and whether
// it is written as a samordningsnummer day (dd 61–91). The day is not checked against a month.
func dayOfBirth(dd int) (day int, coordination bool) {
	if dd > coordinationDayOffset {
		return dd - coordinationDayOffset, true
	}
	return dd, false
}

// birthDay returns the real day of birth for the day dd as written (day + 60 for a
// samordningsnummer) and whether year-month-day is a date in the proleptic Gregorian calendar.
func birthDay(year, month, dd int) (int, bool) {
	day, _ := dayOfBirth(dd)
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	return day, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// inferYear returns the full year of birth for the two-digit year yy of a ten-digit number
// (see ParsePersonalNumber).
func inferYear(yy, month, day int, plus bool, now time.Time) int {
	ny, nm, nd := now.Date()
	if plus {
		base := ny - 100
		return base - mod(base-yy, 100)
	}
	y := ny - mod(ny-yy, 100)
	if dateAfter(y, month, day, ny, int(nm), nd) {
		y -= 100
	}
	return y
}

// dateAfter reports whether y1-m1-d1 is after y2-m2-d2 (fields compared in order, so it also
// works for days that do not exist in the month).
func dateAfter(y1, m1, d1, y2, m2, d2 int) bool {
	if y1 != y2 {
		return y1 > y2
	}
	if m1 != m2 {
		return m1 > m2
	}
	return d1 > d2
}

func mod(a, n int) int {
	r := a % n
	if r < 0 {
		r += n
	}
	return r
}

// luhnCheckDigit returns the check digit for nine ASCII digits YYMMDDNNN: multiply alternately
// by 2 and 1 starting with 2, add the digits of the products, and take 10 minus the last digit
// of the sum (10 becomes 0).
func luhnCheckDigit(nine string) byte {
	sum := 0
	for i := 0; i < len(nine); i++ {
		d := int(nine[i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // callers pass ASCII digits only
	return n
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 4-len(s)) + s
}

// String returns the canonical form "YYYYMMDDNNNC" used for storage, or "" for the zero value.
// It is personal data: do not log it.
func (p PersonalNumber) String() string { return p.s }

// Formatted returns "YYYYMMDD-NNNC" for display, or "" for the zero value.
func (p PersonalNumber) Formatted() string {
	if p.s == "" {
		return ""
	}
	return p.s[:8] + "-" + p.s[8:]
}

// BirthDate returns the date of birth at midnight UTC; for a samordningsnummer the day is the
// written day minus 60. The zero value returns the zero time.
func (p PersonalNumber) BirthDate() time.Time {
	if p.s == "" {
		return time.Time{}
	}
	day, _ := dayOfBirth(atoi(p.s[6:8]))
	return time.Date(atoi(p.s[:4]), time.Month(atoi(p.s[4:6])), day, 0, 0, 0, 0, time.UTC)
}

// IsCoordinationNumber reports whether p is a samordningsnummer (day 61–91).
func (p PersonalNumber) IsCoordinationNumber() bool {
	if p.s == "" {
		return false
	}
	_, coordination := dayOfBirth(atoi(p.s[6:8]))
	return coordination
}

// Sex returns the sex recorded in the second-to-last digit (odd male, even female), or "" for
// the zero value.
func (p PersonalNumber) Sex() Sex {
	if p.s == "" {
		return ""
	}
	if (p.s[10]-'0')%2 == 1 {
		return SexMale
	}
	return SexFemale
}

// AgeAt returns the age in full years at t (see Age). The zero value returns 0.
func (p PersonalNumber) AgeAt(t time.Time) int {
	if p.s == "" {
		return 0
	}
	return Age(p.BirthDate(), t)
}

// IsZero reports whether p holds no number.
func (p PersonalNumber) IsZero() bool { return p.s == "" }

// Age returns the number of full years from birth to at, comparing calendar dates (each in its
// own location). Someone born on 29 February turns a year older on 1 March in non-leap years.
// The result is negative when at is before birth.
func Age(birth, at time.Time) int {
	by, bm, bd := birth.Date()
	ay, am, ad := at.Date()
	age := ay - by
	if am < bm || am == bm && ad < bd {
		age--
	}
	return age
}
