package demo

import (
	_ "embed"
	"strings"
	"time"
)

// testNumbers are Skatteverket's published test personnummer born 2006–2014 (see the file's
// header for the source and licence). The demo never generates a personnummer: every one it
// uses is taken from this list, so none can belong to a real person.
//
//go:embed testpersonnummer.txt
var testNumbersFile string

// TestNumbers returns the embedded test personnummer (twelve digits), in file order.
func TestNumbers() []string {
	var out []string
	for _, l := range strings.Split(testNumbersFile, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// numberPool hands out test numbers, each at most once, by birth year and sex.
type numberPool struct {
	byYear map[int][]string // unused numbers per birth year
}

// newNumberPool makes a pool of the numbers of people born on a day of the month that
// passes use: the demo and Seed draw from different parts of the list, so seeding the demo
// municipality never meets a number the demo already gave someone. (The list has about two
// numbers a day, a man and a woman, so any choice of days keeps both sexes.)
func newNumberPool(use func(dayOfMonth int) bool) *numberPool {
	p := &numberPool{byYear: map[int][]string{}}
	for _, n := range TestNumbers() {
		if !use(atoi(n[6:8])) {
			continue
		}
		y := atoi(n[:4])
		p.byYear[y] = append(p.byYear[y], n)
	}
	return p
}

// take returns an unused number of a person born in year, a man or a woman (the eleventh of
// the twelve digits is odd for a man), whose birth date passes ok, looking from index start
// on; "" when none is left.
func (p *numberPool) take(year int, male bool, start int, ok func(birth time.Time) bool) string {
	list := p.byYear[year]
	for i := range list {
		j := (start + i) % len(list)
		n := list[j]
		if (int(n[10]-'0')%2 == 1) == male && (ok == nil || ok(birthOf(n))) {
			p.byYear[year] = append(list[:j:j], list[j+1:]...)
			return n
		}
	}
	return ""
}

// birthOf is the birth date of a twelve-digit number.
func birthOf(n string) time.Time {
	return time.Date(atoi(n[:4]), time.Month(atoi(n[4:6])), atoi(n[6:8]), 0, 0, 0, 0, time.UTC)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// DemoNumber reports whether the demo municipality may give personnummer n (twelve digits) to
// one of its young people. Tests that register people in the demo municipality use others.
func DemoNumber(n string) bool { return len(n) == 12 && demoDays(atoi(n[6:8])) }
