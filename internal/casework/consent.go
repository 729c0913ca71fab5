package casework

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Consent lifts confidentiality between named parties, for named categories of information,
// for a period. It is the access rule of Lots: a party sees a case only while a consent
// covering it is valid.
type Consent struct {
	ID             int64
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	ValidFrom      time.Time
	ValidUntil     time.Time
	Parties        []ConsentParty
	Categories     []Category
	Signers        []Signer
	RenewsID       int64 // the consent this one continues
	Language       string
	CreatedBy      int64
	CreatedAt      time.Time
	WithdrawnAt    time.Time
	WithdrawnBy    string // which signer withdrew (name)
	WithdrawnHow   WithdrawalMode
	WithdrawnNote  string
	EvidenceID     int64 // the uploaded signed form, if any
}

// ConsentParty is an agency, or a named person, between whom confidentiality is lifted.
type ConsentParty struct {
	AgencyID int64 // the whole agency, or
	UserID   int64 // one named person
	Name     string
}

// Signer is a person whose signature the consent needs.
type Signer struct {
	ID         int64
	Person     string // "youth", or "person:<related person id>"
	Name       string
	Role       string // "youth", "guardian"
	Required   bool
	SignedAt   time.Time
	SignedHow  string // "paper", "meeting", "digital"
	RecordedBy int64
}

// WithdrawalMode is how a withdrawal was given.
type WithdrawalMode string

const (
	WithdrawnInMeeting WithdrawalMode = "meeting"
	WithdrawnByPhone   WithdrawalMode = "phone"
	WithdrawnInWriting WithdrawalMode = "writing"
)

// WithdrawalModes lists the modes in form order.
var WithdrawalModes = []WithdrawalMode{WithdrawnInMeeting, WithdrawnByPhone, WithdrawnInWriting}

// ConsentStatus is a consent's state at a moment.
type ConsentStatus string

const (
	ConsentUnsigned  ConsentStatus = "unsigned"  // a required signature is missing
	ConsentFuture    ConsentStatus = "future"    // signed, not yet in force
	ConsentValid     ConsentStatus = "valid"     // in force
	ConsentExpired   ConsentStatus = "expired"   // past its end
	ConsentWithdrawn ConsentStatus = "withdrawn" // withdrawn by a signer
)

// Signed reports whether every required signer has signed. A consent nobody is required to
// sign is not signed.
func (c Consent) Signed() bool {
	required := false
	for _, s := range c.Signers {
		if s.Required {
			required = true
			if s.SignedAt.IsZero() {
				return false
			}
		}
	}
	return required
}

// SignedAt is when the last required signature was given (zero while one is missing).
func (c Consent) SignedAt() time.Time {
	var last time.Time
	for _, s := range c.Signers {
		if s.Required {
			if s.SignedAt.IsZero() {
				return time.Time{}
			}
			if s.SignedAt.After(last) {
				last = s.SignedAt
			}
		}
	}
	return last
}

// MissingSigners lists the required signers who have not signed.
func (c Consent) MissingSigners() []Signer {
	var out []Signer
	for _, s := range c.Signers {
		if s.Required && s.SignedAt.IsZero() {
			out = append(out, s)
		}
	}
	return out
}

// StatusAt is the consent's state at t. Withdrawal takes effect at the moment it is recorded;
// expiry at ValidUntil exactly.
func (c Consent) StatusAt(t time.Time) ConsentStatus {
	switch {
	case !c.WithdrawnAt.IsZero() && !t.Before(c.WithdrawnAt):
		return ConsentWithdrawn
	case !c.Signed():
		return ConsentUnsigned
	case !t.Before(c.ValidUntil):
		return ConsentExpired
	case t.Before(c.ValidFrom):
		return ConsentFuture
	}
	return ConsentValid
}

// ValidAt reports whether the consent is in force at t.
func (c Consent) ValidAt(t time.Time) bool { return c.StatusAt(t) == ConsentValid }

// CoversParty reports whether the consent names the agency or the user.
func (c Consent) CoversParty(agencyID, userID int64) bool {
	for _, p := range c.Parties {
		if (p.AgencyID != 0 && p.AgencyID == agencyID) || (p.UserID != 0 && p.UserID == userID) {
			return true
		}
	}
	return false
}

// CoversCategory reports whether the consent covers category cat. Basic case information is
// part of every consent: without it nothing else can be shared.
func (c Consent) CoversCategory(cat Category) bool {
	if cat == CatBasic {
		return true
	}
	for _, x := range c.Categories {
		if x == cat {
			return true
		}
	}
	return false
}

// ConsentInput is what the coordinator fills in to draw up a consent.
type ConsentInput struct {
	ValidFrom  time.Time
	Months     int       // validity; the municipality's default when 0
	ValidUntil time.Time // when it ends, instead of Months (e.g. at the end of a school term); zero: Months
	AgencyIDs  []int64
	UserIDs    []int64
	Categories []Category
	Language   string
	RenewsID   int64
}

// ConsentSoonDays is how many days before its end a consent in force counts as ending soon:
// from then the start page lists it for the staff on the case, a meeting's agenda shows when
// it ends, and — where the municipality has reminders on — its coordinator gets one e-mail
// reminder.
const ConsentSoonDays = 30

// ConsentSoon is ConsentSoonDays as a duration.
const ConsentSoon = ConsentSoonDays * 24 * time.Hour

// ConsentLanguages are the languages the printable consent form exists in (the texts live in
// editable files; the store's consent-form loader checks they exist).
var ConsentLanguages = []string{"sv", "en", "ar", "so"}

// RTL reports whether a consent-form language is written right to left.
func RTL(lang string) bool {
	return lang == "ar" || lang == "fa" || lang == "ku" || lang == "he" || lang == "ur"
}

// ConsentStart is the moment a consent starts that was drawn up to start on a calendar day
// (the date of day, midnight in Stockholm): stored as the day's UTC midnight, so that adding
// months lands on the same date (a Stockholm midnight is the previous day in UTC). Drawn up for
// today in the hour or two before UTC midnight, it starts now. The web form and the API both
// give dates through it.
func ConsentStart(day, now time.Time) time.Time {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	if start.After(now) && day.Format("2006-01-02") == now.In(Stockholm).Format("2006-01-02") {
		return now
	}
	return start
}

// BuildConsent validates input and returns the consent's period, parties and categories.
func BuildConsent(in ConsentInput, s Settings) (Consent, error) {
	var fe FieldErrors
	c := Consent{ValidFrom: in.ValidFrom.UTC(), Language: in.Language, RenewsID: in.RenewsID}
	if !in.ValidUntil.IsZero() {
		// An end date: after the start, and no later than the longest validity, 24 months.
		c.ValidUntil = in.ValidUntil.UTC()
		if !in.ValidFrom.IsZero() && (!c.ValidUntil.After(c.ValidFrom) || c.ValidUntil.After(AddMonths(c.ValidFrom, 24))) {
			fe.Add("valid_until", "consent.until_range")
		}
	} else {
		months := in.Months
		if months == 0 {
			months = s.ConsentValidityMonths
		}
		if months < 1 || months > 24 {
			fe.Add("months", "consent.months_range")
		}
		c.ValidUntil = AddMonths(c.ValidFrom, months)
	}
	if in.ValidFrom.IsZero() {
		fe.Add("valid_from", "consent.valid_from_required")
	}
	seen := map[int64]bool{}
	for _, id := range in.AgencyIDs {
		if id != 0 && !seen[id] {
			seen[id] = true
			c.Parties = append(c.Parties, ConsentParty{AgencyID: id})
		}
	}
	seenU := map[int64]bool{}
	for _, id := range in.UserIDs {
		if id != 0 && !seenU[id] {
			seenU[id] = true
			c.Parties = append(c.Parties, ConsentParty{UserID: id})
		}
	}
	if len(c.Parties) == 0 {
		fe.Add("parties", "consent.parties_required")
	}
	cats := map[Category]bool{CatBasic: true}
	c.Categories = []Category{CatBasic}
	for _, cat := range in.Categories {
		if !ValidConsentCategory(cat) {
			fe.Add("categories", "consent.category_invalid")
			continue
		}
		if !cats[cat] {
			cats[cat] = true
			c.Categories = append(c.Categories, cat)
		}
	}
	ok := false
	for _, l := range ConsentLanguages {
		ok = ok || l == in.Language
	}
	if !ok {
		fe.Add("language", "consent.language_invalid")
	}
	return c, fe.Err()
}

// SignerPerson is someone who may have to sign: the young person or a related adult.
type SignerPerson struct {
	Person     string // "youth" or "person:<id>"
	Name       string
	IsYouth    bool
	HasCustody bool
}

// RequiredSigners decides whose signature a consent needs, by the municipality's rule: the
// young person from Settings.ConsentYouthSignsFromAge, and every guardian with custody while
// the young person is under Settings.ConsentGuardiansUntilAge (18 by default: from 18 the
// young person alone). The default asks the young person and every guardian with custody.
func RequiredSigners(age int, people []SignerPerson, s Settings) []Signer {
	var out []Signer
	for _, p := range people {
		switch {
		case p.IsYouth:
			out = append(out, Signer{Person: p.Person, Name: p.Name, Role: "youth", Required: age >= s.ConsentYouthSignsFromAge})
		case p.HasCustody && age < s.ConsentGuardiansUntilAge:
			out = append(out, Signer{Person: p.Person, Name: p.Name, Role: "guardian", Required: true})
		}
	}
	return out
}

// Withdrawal validates a withdrawal.
func Withdrawal(by string, how WithdrawalMode, note string) error {
	var fe FieldErrors
	if strings.TrimSpace(by) == "" {
		fe.Add("withdrawn_by", "consent.withdrawn_by_required")
	}
	ok := false
	for _, m := range WithdrawalModes {
		ok = ok || m == how
	}
	if !ok {
		fe.Add("withdrawn_how", "consent.withdrawn_how_required")
	}
	if utf8.RuneCountInString(note) > 4000 {
		fe.Add("withdrawn_note", "flow.reason_too_long")
	}
	return fe.Err()
}

// CurrentConsent returns the consent valid at t among cs (the latest by start when several
// overlap), and whether there is one.
func CurrentConsent(cs []Consent, t time.Time) (Consent, bool) {
	var best Consent
	found := false
	for _, c := range cs {
		if c.ValidAt(t) && (!found || c.ValidFrom.After(best.ValidFrom)) {
			best, found = c, true
		}
	}
	return best, found
}
