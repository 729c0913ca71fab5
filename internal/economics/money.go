package economics

import (
	"math"
	"strconv"
	"strings"
)

// Money is an amount in öre (hundredths of a krona): the register keeps exact amounts with at
// most two decimals. Computations convert to kronor as float64.
type Money int64

// MaxMoney bounds an amount: 100 000 million kronor, more than any item could cost.
const MaxMoney Money = 100_000_000_000 * 100

// Kronor is the amount in kronor.
func (m Money) Kronor() float64 { return float64(m) / 100 }

// String is the amount as a plain decimal number in kronor, "2726000" or "599.5".
func (m Money) String() string {
	return strconv.FormatFloat(m.Kronor(), 'f', -1, 64)
}

// Amount problems, as message keys.
const (
	keyAmountRequired = "economics.amount_required"
	keyAmountNumber   = "economics.amount_number"
	keyAmountNegative = "economics.amount_negative"
	keyAmountDecimals = "economics.amount_decimals"
	keyAmountTooLarge = "economics.amount_too_large"
)

// ParseAmount reads an amount in kronor as people write it: "2 726 000", "599,50" or
// "599.5" (a space, a no-break space or a thin space groups digits; a comma or a point marks
// the decimals). It refuses a negative amount, more than two decimals, anything not a number
// and an empty text; the error is the message key that says which.
func ParseAmount(s string) (Money, string) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return 0, keyAmountRequired
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, keyAmountNegative
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, hasFrac := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" && !hasFrac || !digits(whole) || hasFrac && (frac == "" || !digits(frac)) {
		return 0, keyAmountNumber
	}
	if len(frac) > 2 {
		return 0, keyAmountDecimals
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 12 {
		return 0, keyAmountTooLarge
	}
	kr, _ := strconv.ParseInt("0"+whole, 10, 64)
	ore, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	m := Money(kr*100 + ore)
	if m > MaxMoney {
		return 0, keyAmountTooLarge
	}
	return m, ""
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AmountOf checks an amount in kronor given as a number (the API's JSON): not negative, not
// more than two decimals as written, not too large.
func AmountOf(v float64) (Money, string) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, keyAmountNumber
	}
	if v < 0 {
		return 0, keyAmountNegative
	}
	// The shortest form that reads back as v is how the client wrote it (JSON numbers are
	// decimal text): more than two decimals there is more than two decimals.
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		return 0, keyAmountDecimals
	}
	return ParseAmount(s)
}
