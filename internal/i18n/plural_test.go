package i18n

import (
	"testing"

	"lots/internal/casework"
)

// The CLDR cardinal rules, as the handbook's languages count: Swedish and English say "1
// ärende", "2 ärenden", "0 ärenden"; Arabic has its six forms; Somali one and other.
func TestPluralFormsFollowCLDR(t *testing.T) {
	cases := []struct {
		locale casework.Locale
		n      int
		want   string
	}{
		{"sv", 0, "other"}, {"sv", 1, "one"}, {"sv", 2, "other"}, {"sv", 21, "other"}, {"sv", -1, "one"},
		{"en", 1, "one"}, {"en", 11, "other"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 3, "few"}, {"ar", 110, "few"}, {"ar", 111, "many"}, {"ar", 11, "many"}, {"ar", 100, "other"},
		{"so", 1, "one"}, {"so", 5, "other"},
	}
	for _, c := range cases {
		if got := PluralForm(c.locale, c.n); got != c.want {
			t.Errorf("%s %d: %s, want %s", c.locale, c.n, got, c.want)
		}
	}
}

// N picks the catalogue's form for the count and formats the count into it.
func TestCountsTakeTheirPluralForm(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		locale casework.Locale
		key    string
		n      int
		want   string
	}{
		{"sv", "group.mine_count", 1, "Du är med i 1 grupp."},
		{"sv", "group.mine_count", 2, "Du är med i 2 grupper."},
		{"sv", "group.mine_count", 0, "Du är med i 0 grupper."},
		{"en", "group.mine_count", 1, "You are in 1 group."},
		{"en", "group.mine_count", 3, "You are in 3 groups."},
		{"sv", "audit.entries", 1, "1 rad"},
		{"sv", "audit.entries", 353, "353 rader"},
		{"sv", "home.next_overdue", 1, "1 tidsfrist har passerat"},
		{"sv", "home.next_overdue", 2, "2 tidsfrister har passerat"},
	}
	for _, x := range cases {
		if got := c.N(x.locale, x.key, x.n); got != x.want {
			t.Errorf("%s %s %d: %q, want %q", x.locale, x.key, x.n, got, x.want)
		}
	}
	// A count followed by other values: the form follows the count.
	if got := c.N("sv", "home.admin_users", 1, 4); got != "1 aktiv användare av 4." {
		t.Errorf("admin users: %q", got)
	}
}
