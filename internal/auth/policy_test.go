package auth

import (
	"encoding/json"
	"strings"
	"testing"

	"lots/internal/casework"
)

var sara = casework.User{Username: "samordnare", Name: "Sara Lindqvist"}

// The passwords the outside test had accepted, and others of their kinds, are refused with the
// reason; a phrase of one's own is accepted.
func TestCheckNewPasswordRefusesTheWeakOnes(t *testing.T) {
	for pw, key := range map[string]string{
		"aaaaaaaaaa":               "password.pattern",
		"1234567890":               "password.common", // on the list, and a run too
		"0987654321":               "password.pattern",
		"abcabcabcabc":             "password.pattern",
		"ab12ab12ab12":             "password.pattern",
		"zxcvbnmzxcvbnm":           "password.pattern",
		"aabbaabbaabbab":           "password.pattern",
		"          ":               "password.pattern",
		strings.Repeat("\x00", 10): "password.control",
		"lösenord\tlösenord":       "password.control",
		"samordnare":               "password.personal",
		"Samordnare2026!":          "password.personal",
		"erandromas-99":            "password.personal",
		"lindqvist-i-lots":         "password.personal",
		"demo-lots-2026":           "password.common",
		"qwertyuiop":               "password.common",
		"1q2w3e4r5t":               "password.common",
		"basketball":               "password.common",
		"password123":              "password.common",
		"Football2026!":            "password.common",
		"Lösenord123!":             "password.common",
		"kort":                     "password.too_short",
	} {
		err := CheckNewPassword(pw, sara)
		if got := casework.AsError(err).Key; got != key {
			t.Errorf("%q: %v, want %s", pw, err, key)
		}
	}
	for _, pw := range []string{"Vinterbad-i-Ljusnan-42", "korrekt häst batteri häfta", "tre blå bussar vid kajen", GeneratePassword()} {
		if err := CheckNewPassword(pw, sara); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

// The list shipped in the binary holds at least the 3 000 most common passwords (ASVS 6.2.4),
// and every one of them long enough to pass the length rule is refused.
func TestCommonPasswordListIsShippedAndUsed(t *testing.T) {
	b, err := commonPasswordFiles.ReadFile("commonpasswords/passwords.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) < 3000 || list[0] != "123456" || list[1] != "password" {
		t.Fatalf("the list has %d passwords, starting %q", len(list), list[:2])
	}
	if len(commonPasswords()) < len(list) {
		t.Fatalf("the set holds %d of %d", len(commonPasswords()), len(list))
	}
	long, padded := 0, 0
	for _, pw := range list[:3000] {
		if len([]rune(pw)) >= MinPasswordLength {
			long++
			if err := CheckNewPassword(pw, sara); err == nil {
				t.Errorf("%q, a common password, is accepted", pw)
			}
		}
		// A common word with a capital and a year and a mark added is the same password.
		if len(pw) >= 4 && strings.IndexFunc(pw, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
			padded++
			if p := strings.ToUpper(pw[:1]) + pw[1:] + "2026!"; CheckNewPassword(p, sara) == nil {
				t.Errorf("%q is accepted", p)
			}
		}
	}
	if long < 30 || padded < 1500 {
		t.Fatalf("only %d long and %d padded of the top 3 000 tested", long, padded)
	}
}
