package casework

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Placements (issue 14:3): where a young person lives outside the home by a decision of social
// services — the form, the legal basis, from and to, where, and each move with its reason. A
// SiS placement may first wait for a place: the waiting time counts from the day it was asked
// for, and a wait longer than SiSWaitAlertDays is an alert (the placements page, the API).
// Placements are social services' information (CatSocial); where a young person is placed is
// an address, shown only to those who may also see the protected details (CatProtected:
// everyone who sees the case unless the young person has protected identity, then only the
// designated roles).

// PlacementForm is the kind of placement.
type PlacementForm string

const (
	PlaceHVB              PlacementForm = "hvb"               // hem för vård eller boende
	PlaceSiS              PlacementForm = "sis"               // Statens institutionsstyrelse (LVU 12 §, LVM)
	PlaceFamilyHome       PlacementForm = "family_home"       // familjehem
	PlaceSupportedHousing PlacementForm = "supported_housing" // stödboende
)

// PlacementForms are the forms in form order.
var PlacementForms = []PlacementForm{PlaceHVB, PlaceSiS, PlaceFamilyHome, PlaceSupportedHousing}

// LegalBasis is the law a placement rests on.
type LegalBasis string

const (
	BasisSoL LegalBasis = "sol" // socialtjänstlagen: voluntary
	BasisLVU LegalBasis = "lvu" // lagen med särskilda bestämmelser om vård av unga
	BasisLVM LegalBasis = "lvm" // lagen om vård av missbrukare i vissa fall
)

// LegalBases are the bases in form order.
var LegalBases = []LegalBasis{BasisSoL, BasisLVU, BasisLVM}

// SiSWaitAlertDays is how long a young person may wait for a SiS place before the wait is an
// alert on the placements page and in the API. A week: a young person judged to
// need locked care who waits longer lives meanwhile where the risk was judged too high
// (Riksrevisionen 2024 on SiS capacity). A constant, documented in docs/placements.md.
const SiSWaitAlertDays = 7

// MaxPlaceLength bounds the text of where a young person is placed.
const MaxPlaceLength = 500

// Placement is one placement of a young person on a case. Dates are days (YYYY-MM-DD,
// Swedish time); To is the last day placed, "" while it goes on.
type Placement struct {
	ID     int64
	CaseID int64
	Form   PlacementForm
	Basis  LegalBasis
	// Waiting is a SiS placement decided but without a place yet: RequestedOn is the day it
	// was asked for, From is "".
	Waiting     bool
	RequestedOn string
	From        string
	To          string
	// Place is where: the home's name and address. Sealed at rest; "" for an actor who may
	// not see it (PlaceHidden is then true).
	Place       string
	PlaceHidden bool
	// Reason is why the young person was placed here; for a move (a placement after an
	// earlier one) it is required.
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// PlacementInput is what a form or the API sends.
type PlacementInput struct {
	Form        string `json:"form"`
	Basis       string `json:"legal_basis"`
	Waiting     bool   `json:"waiting"`
	RequestedOn string `json:"requested_on"`
	From        string `json:"from"`
	To          string `json:"to"`
	Place       string `json:"place"`
	Reason      string `json:"reason"`
}

// Trim trims every text.
func (in PlacementInput) Trim() PlacementInput {
	for _, p := range []*string{&in.Form, &in.Basis, &in.RequestedOn, &in.From, &in.To, &in.Place, &in.Reason} {
		*p = strings.TrimSpace(*p)
	}
	return in
}

// validDay reports whether s is a real day in DateLayout.
func validDay(s string) bool {
	d, err := time.Parse(DateLayout, s)
	return err == nil && d.Format(DateLayout) == s
}

// ValidatePlacement checks one placement against the others of the case (which may include
// itself, by id): every field error at once. today is the current day (Swedish time).
//
//   - form and legal basis from their lists; LVM is for substance abuse, never a family home;
//   - a waiting placement is SiS only, with the day it was asked for (not in the future) and
//     no from day; any other has a from day, and to (if given) not before from;
//   - it does not overlap another placement (two placements at once), and a placement after
//     an earlier one is a move, which needs its reason.
func ValidatePlacement(in PlacementInput, id int64, others []Placement, today string) (Placement, error) {
	in = in.Trim()
	p := Placement{ID: id, Form: PlacementForm(in.Form), Basis: LegalBasis(in.Basis), Waiting: in.Waiting,
		RequestedOn: in.RequestedOn, From: in.From, To: in.To, Place: in.Place, Reason: in.Reason}
	var fe FieldErrors
	if !slices.Contains(PlacementForms, p.Form) {
		fe.Add("form", "placement.form_invalid")
	}
	if !slices.Contains(LegalBases, p.Basis) {
		fe.Add("legal_basis", "placement.basis_invalid")
	} else if p.Basis == BasisLVM && p.Form == PlaceFamilyHome {
		fe.Add("legal_basis", "placement.basis_form")
	}
	if utf8.RuneCountInString(p.Place) > MaxPlaceLength {
		fe.Add("place", "placement.place_long")
	}
	if utf8.RuneCountInString(p.Reason) > MaxReasonLength {
		fe.Add("reason", "placement.reason_long")
	}
	datesOK := true
	if p.Waiting {
		if p.Form != PlaceSiS {
			fe.Add("waiting", "placement.waiting_sis_only")
		}
		switch {
		case !validDay(p.RequestedOn):
			fe.Add("requested_on", "placement.requested_invalid")
			datesOK = false
		case p.RequestedOn > today:
			fe.Add("requested_on", "placement.requested_future")
			datesOK = false
		}
		if p.From != "" || p.To != "" {
			fe.Add("from", "placement.waiting_no_dates")
			datesOK = false
		}
	} else {
		if p.RequestedOn != "" && !validDay(p.RequestedOn) {
			fe.Add("requested_on", "placement.requested_invalid")
		}
		if !validDay(p.From) {
			fe.Add("from", "placement.from_invalid")
			datesOK = false
		}
		switch {
		case p.To == "":
		case !validDay(p.To):
			fe.Add("to", "placement.to_invalid")
			datesOK = false
		case p.To < p.From:
			fe.Add("to", "placement.to_before_from")
			datesOK = false
		}
		if validDay(p.RequestedOn) && validDay(p.From) && p.RequestedOn > p.From {
			fe.Add("requested_on", "placement.requested_after_from")
		}
	}
	if datesOK && !p.Waiting {
		move := false
		for _, o := range others {
			if o.ID == id || o.Waiting {
				continue
			}
			if overlaps(p.From, p.To, o.From, o.To) {
				fe.Add("from", "placement.overlap", o.From)
				move = false
				break
			}
			if o.From < p.From {
				move = true
			}
		}
		if move && p.Reason == "" {
			fe.Add("reason", "placement.move_reason_required")
		}
	}
	return p, fe.Err()
}

// overlaps reports whether two spans of days share a day ("" to: still going on).
func overlaps(f1, t1, f2, t2 string) bool {
	end := func(t string) string {
		if t == "" {
			return "9999-12-31"
		}
		return t
	}
	return f1 <= end(t2) && f2 <= end(t1)
}

// WaitDays is how many days a waiting placement has waited by today (0 for others).
func (p Placement) WaitDays(today string) int {
	if !p.Waiting {
		return 0
	}
	return daysBetween(p.RequestedOn, today)
}

// WaitAlert reports whether a waiting placement has waited longer than SiSWaitAlertDays.
func (p Placement) WaitAlert(today string) bool {
	return p.Waiting && p.WaitDays(today) > SiSWaitAlertDays
}

// Current reports whether the young person is placed here on day.
func (p Placement) Current(day string) bool {
	return !p.Waiting && p.From <= day && (p.To == "" || p.To >= day)
}

// DaysIn is how many days of the span [from, to] (inclusive) the placement covers, counting
// a placement that goes on up to today.
func (p Placement) DaysIn(from, to, today string) int {
	if p.Waiting || p.From == "" {
		return 0
	}
	end := p.To
	if end == "" || end > today {
		end = today
	}
	lo, hi := max(p.From, from), min(end, to)
	if hi < lo {
		return 0
	}
	return daysBetween(lo, hi) + 1
}

func daysBetween(a, b string) int {
	x, err1 := time.Parse(DateLayout, a)
	y, err2 := time.Parse(DateLayout, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(y.Sub(x).Hours() / 24)
}

// PlacementSummary is what the case page and the follow-up show of a young person's placements.
type PlacementSummary struct {
	Placements int // with a from day
	Moves      int // placements after an earlier one
	DaysPlaced int // every day placed, up to today
	// DaysByForm are the days placed per form.
	DaysByForm map[PlacementForm]int
	Current    *Placement // placed today
	Waiting    *Placement // waiting for a SiS place (the longest wait)
	WaitDays   int
	WaitAlert  bool
}

// SummarisePlacements counts a young person's placements as of today.
func SummarisePlacements(ps []Placement, today string) PlacementSummary {
	s := PlacementSummary{DaysByForm: map[PlacementForm]int{}}
	for i := range ps {
		p := ps[i]
		if p.Waiting {
			if d := p.WaitDays(today); s.Waiting == nil || d > s.WaitDays {
				s.Waiting, s.WaitDays, s.WaitAlert = &ps[i], d, p.WaitAlert(today)
			}
			continue
		}
		s.Placements++
		d := p.DaysIn("0001-01-01", "9999-12-31", today)
		s.DaysPlaced += d
		s.DaysByForm[p.Form] += d
		if p.Current(today) {
			s.Current = &ps[i]
		}
	}
	if s.Placements > 0 {
		s.Moves = s.Placements - 1
	}
	return s
}

// PlacedHalfYear is the days placed in the half-year (183 days) ending on day end — the window
// the follow-up and the avoided cost read days placed over (docs/placements.md).
func PlacedHalfYear(ps []Placement, end time.Time, today string) int {
	last := end.In(Stockholm).Format(DateLayout)
	if last > today {
		return -1 // not come yet
	}
	first := end.In(Stockholm).AddDate(0, 0, -182).Format(DateLayout)
	n := 0
	for _, p := range ps {
		n += p.DaysIn(first, last, today)
	}
	return n
}

// PlacedFollowUp are the days placed in the half-years the follow-up compares: before the
// decision to start, and 0–6 and 6–12 months after closure. -1: that half-year has not ended
// (or the case has not reached it).
type PlacedFollowUp struct {
	BeforeStart, After6, After12 int
}

// FollowUpDays measures PlacedFollowUp for a case's milestones.
func FollowUpDays(ps []Placement, m Milestones, today string) PlacedFollowUp {
	f := PlacedFollowUp{-1, -1, -1}
	if !m.DecidedStart.IsZero() {
		f.BeforeStart = PlacedHalfYear(ps, m.DecidedStart, today)
	}
	if !m.Closed.IsZero() {
		f.After6 = PlacedHalfYear(ps, m.Closed.AddDate(0, 6, 0), today)
		f.After12 = PlacedHalfYear(ps, m.Closed.AddDate(0, 12, 0), today)
	}
	return f
}
