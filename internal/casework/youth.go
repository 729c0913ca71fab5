package casework

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Gender as recorded for follow-up (the legal sex of a personnummer is a default, not a rule).
type Gender string

const (
	GenderFemale  Gender = "female"
	GenderMale    Gender = "male"
	GenderOther   Gender = "other"
	GenderUnknown Gender = "unknown"
)

// Genders lists the values in form order.
var Genders = []Gender{GenderFemale, GenderMale, GenderOther, GenderUnknown}

// Valid reports whether g is known.
func (g Gender) Valid() bool {
	for _, x := range Genders {
		if x == g {
			return true
		}
	}
	return false
}

// Youth is a young person in the register.
type Youth struct {
	ID             int64
	MunicipalityID int64
	FirstName      string
	LastName       string
	// PersonalNumber is the personnummer or samordningsnummer; zero when unknown, in which case
	// ReserveID identifies the person and BirthDate is entered by hand.
	PersonalNumber PersonalNumber
	ReserveID      string
	BirthDate      time.Time
	Gender         Gender
	DistrictID     int64
	School         string // protected when ProtectedIdentity
	Address        string // protected when ProtectedIdentity
	Languages      []string
	Interpreter    bool
	// ProtectedIdentity: skyddade personuppgifter (skyddad folkbokföring, sekretessmarkering,
	// fingerade personuppgifter). Address, school and meeting places are then hidden from
	// everyone but the roles the municipality designates.
	ProtectedIdentity bool
	// Unidentified: registered without a personnummer and not yet identified (issue 19:1). Until
	// identified the record is handled as protected (Protected), since it may be a young person
	// with protected identity whom nobody has matched yet.
	Unidentified bool
	MergedInto   int64 // set when this record was merged into another
	CreatedAt    time.Time
}

// Protected reports whether the young person's address, school and meeting places are hidden
// from everyone but the designated roles: a protected identity, or one not yet identified.
func (y Youth) Protected() bool { return y.ProtectedIdentity || y.Unidentified }

// Name is the full name.
func (y Youth) Name() string { return strings.TrimSpace(y.FirstName + " " + y.LastName) }

// AgeAt is the age in full years at t.
func (y Youth) AgeAt(t time.Time) int {
	if y.BirthDate.IsZero() {
		return -1
	}
	return Age(y.BirthDate, t)
}

// Identity is how the person is shown identified: the personnummer, else the reserve id.
func (y Youth) Identity() string {
	if !y.PersonalNumber.IsZero() {
		return y.PersonalNumber.Formatted()
	}
	return y.ReserveID
}

// YouthInput is what a form or the API gives to register or change a young person.
type YouthInput struct {
	FirstName, LastName string
	PersonalNumber      string // any accepted form; empty when unknown
	BirthDate           string // YYYY-MM-DD, required when PersonalNumber is empty
	Gender              string // empty: from the personnummer, else unknown
	DistrictID          int64
	School, Address     string
	Languages           string // comma separated
	Interpreter         bool
	ProtectedIdentity   bool
}

// ParseYouth validates input at now and returns the young person (without ids), or all the
// field errors at once.
func ParseYouth(in YouthInput, now time.Time) (Youth, error) {
	var fe FieldErrors
	y := Youth{
		FirstName: clean(in.FirstName), LastName: clean(in.LastName), DistrictID: in.DistrictID,
		School: clean(in.School), Address: clean(in.Address), Interpreter: in.Interpreter,
		ProtectedIdentity: in.ProtectedIdentity,
	}
	if y.FirstName == "" || utf8.RuneCountInString(y.FirstName) > 100 {
		fe.Add("first_name", "youth.first_name_required")
	}
	if y.LastName == "" || utf8.RuneCountInString(y.LastName) > 100 {
		fe.Add("last_name", "youth.last_name_required")
	}
	if strings.TrimSpace(in.PersonalNumber) != "" {
		pn, err := ParsePersonalNumber(in.PersonalNumber, now)
		if err != nil {
			_ = fe.AddErr(err)
		} else {
			y.PersonalNumber, y.BirthDate = pn, pn.BirthDate()
		}
	} else {
		d, err := time.Parse("2006-01-02", strings.TrimSpace(in.BirthDate))
		switch {
		case strings.TrimSpace(in.BirthDate) == "":
			fe.Add("personal_number", "youth.identity_required")
		case err != nil:
			fe.Add("birth_date", "youth.birth_date_invalid")
		case d.After(now) || d.Year() < now.Year()-40:
			fe.Add("birth_date", "youth.birth_date_range")
		default:
			y.BirthDate = d
		}
	}
	switch g := Gender(strings.TrimSpace(in.Gender)); {
	case g == "" && !y.PersonalNumber.IsZero():
		if y.PersonalNumber.Sex() == SexFemale {
			y.Gender = GenderFemale
		} else {
			y.Gender = GenderMale
		}
	case g == "":
		y.Gender = GenderUnknown
	case g.Valid():
		y.Gender = g
	default:
		fe.Add("gender", "youth.gender_invalid")
	}
	for _, l := range strings.Split(in.Languages, ",") {
		if l = clean(l); l != "" {
			y.Languages = append(y.Languages, l)
		}
	}
	if utf8.RuneCountInString(y.School) > 200 {
		fe.Add("school", "youth.too_long")
	}
	if utf8.RuneCountInString(y.Address) > 300 {
		fe.Add("address", "youth.too_long")
	}
	if len(y.Languages) > 10 {
		fe.Add("languages", "youth.too_long")
	}
	return y, fe.Err()
}

// clean trims and collapses inner whitespace.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// AgeBand is the anonymous card's age: –12, 13–15, 16–17, 18–20, 21–25, 26–.
func AgeBand(age int) string {
	switch {
	case age < 0:
		return "?"
	case age <= 12:
		return "–12"
	case age <= 15:
		return "13–15"
	case age <= 17:
		return "16–17"
	case age <= 20:
		return "18–20"
	case age <= 25:
		return "21–25"
	}
	return "26–"
}

// swedishCollators hands out collators for names (å, ä, ö after z; case and accents second).
// A collate.Collator keeps state while it works and must not be shared between goroutines, so
// each call takes one of its own from the pool.
var swedishCollators = sync.Pool{New: func() any { return collate.New(language.Swedish, collate.IgnoreCase) }}

// SortKey is a byte string that sorts names in Swedish order — by last name, then first name —
// when compared bytewise, as both database engines do for a BLOB / bytea column. The two
// names' collation keys are joined by a zero byte, lower than any key byte, so "Berg, Zara"
// sorts before "Bergman, Anna".
func SortKey(last, first string) []byte {
	swedish := swedishCollators.Get().(*collate.Collator)
	defer swedishCollators.Put(swedish)
	var buf collate.Buffer
	k := append([]byte(nil), swedish.KeyFromString(&buf, strings.ToLower(last))...)
	k = append(k, 0)
	buf.Reset()
	return append(k, swedish.KeyFromString(&buf, strings.ToLower(first))...)
}

// SearchKey is the normalised form names are searched in: lower case, whitespace collapsed.
func SearchKey(s string) string { return strings.ToLower(clean(s)) }

// RelationKind says who a related person is.
type RelationKind string

const (
	RelGuardian     RelationKind = "guardian"      // vårdnadshavare
	RelParent       RelationKind = "parent"        // parent without custody
	RelTrustedAdult RelationKind = "trusted_adult" // an adult the young person names
	RelOther        RelationKind = "other"
)

// RelationKinds lists the kinds in form order.
var RelationKinds = []RelationKind{RelGuardian, RelParent, RelTrustedAdult, RelOther}

// RelatedPerson is a guardian or another adult around the young person.
type RelatedPerson struct {
	ID             int64
	MunicipalityID int64
	YouthID        int64
	Kind           RelationKind
	Name           string
	Relation       string // "mamma", "morbror", "fotbollstränare" …
	HasCustody     bool   // vårdnad
	Phone, Email   string
	Address        string
	Language       string
	Interpreter    bool
	Note           string
}

// Validate checks a related person.
func (p *RelatedPerson) Validate() error {
	var fe FieldErrors
	p.Name, p.Relation, p.Phone, p.Email = clean(p.Name), clean(p.Relation), clean(p.Phone), clean(p.Email)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 200 {
		fe.Add("name", "person.name_required")
	}
	valid := false
	for _, k := range RelationKinds {
		valid = valid || k == p.Kind
	}
	if !valid {
		fe.Add("kind", "person.kind_invalid")
	}
	if p.HasCustody && p.Kind != RelGuardian {
		fe.Add("kind", "person.custody_needs_guardian")
	}
	if p.Email != "" && (!strings.Contains(p.Email, "@") || strings.ContainsAny(p.Email, " <>")) {
		fe.Add("email", "user.email_invalid")
	}
	return fe.Err()
}
