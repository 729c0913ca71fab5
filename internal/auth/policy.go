package auth

import (
	"embed"
	"encoding/json"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"lots/internal/casework"
)

//go:embed commonpasswords/passwords.json commonpasswords/swedish.txt
var commonPasswordFiles embed.FS

// commonPasswords is the set of common and breached passwords (commonpasswords/README.md), in
// lower case: read once from the embedded files, never changed.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	b, err := commonPasswordFiles.ReadFile("commonpasswords/passwords.json")
	if err != nil {
		panic(err) // embedded: cannot be missing
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		panic(err) // embedded and tested
	}
	for _, p := range list {
		set[p] = true
	}
	b, err = commonPasswordFiles.ReadFile("commonpasswords/swedish.txt")
	if err != nil {
		panic(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			set[strings.ToLower(l)] = true
		}
	}
	return set
})

// sequences are runs a password may not be a piece of, forwards or backwards: the alphabet,
// the digits (round the clock: 7890123) and the keyboard's rows.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyzåäö",
	"01234567890123456789",
	"qwertyuiopå", "asdfghjklöä", "zxcvbnm",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0pöå",
}

// CheckNewPassword is the rule for a password a person chooses (ASVS 6.2): long enough
// (ValidatePassword), no control characters, not one of the common and breached passwords
// (also not with digits or marks only added at the end), not the user's username or a part of
// their name, and not an obvious repeat or run ("aaaaaaaaaa", "abcabcabca", "1234567890",
// "qwertyuiop"). Generated passwords need not pass it; the demo's and the tests' fixed ones are
// never chosen by a person.
func CheckNewPassword(pw string, u casework.User) error {
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	for _, r := range pw {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return casework.Invalid("password", "password.control")
		}
	}
	lower := strings.ToLower(pw)
	if personal(lower, u) {
		return casework.Invalid("password", "password.personal")
	}
	if common(lower) {
		return casework.Invalid("password", "password.common")
	}
	if simple(lower) {
		return casework.Invalid("password", "password.pattern")
	}
	return nil
}

// common reports whether lower is a common password, or one with only digits, spaces and marks
// added at the end ("password2026!").
func common(lower string) bool {
	set := commonPasswords()
	if set[lower] || set[strings.TrimSpace(lower)] {
		return true
	}
	base := strings.TrimRightFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	return utf8.RuneCountInString(base) >= 4 && base != lower && set[base]
}

// personal reports whether lower holds the username, or a part of the user's name of four
// letters or more, forwards or backwards.
func personal(lower string, u casework.User) bool {
	words := []string{strings.ToLower(u.Username)}
	for _, f := range strings.FieldsFunc(strings.ToLower(u.Name), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(f) >= 4 {
			words = append(words, f)
		}
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			continue
		}
		if strings.Contains(lower, w) || strings.Contains(lower, reverse(w)) {
			return true
		}
	}
	return false
}

// simple reports whether lower is an obvious repeat or run: fewer than four different
// characters, one piece said again and again, or a piece of a sequence.
func simple(lower string) bool {
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return true
	}
	rs := []rune(lower)
	for n := 1; n <= len(rs)/2; n++ {
		if repeats(rs, n) {
			return true
		}
	}
	for _, s := range sequences {
		if strings.Contains(s, lower) || strings.Contains(reverse(s), lower) {
			return true
		}
	}
	return false
}

// repeats reports whether rs is its first n runes said again and again (the last time perhaps
// cut short).
func repeats(rs []rune, n int) bool {
	for i := n; i < len(rs); i++ {
		if rs[i] != rs[i%n] {
			return false
		}
	}
	return true
}

func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}
