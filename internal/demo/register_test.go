package demo

import (
	"context"
	"testing"

	"lots/internal/popreg"
)

// The demo's population register is a valid register file; its protected people are none of
// the demo's young people.
func TestPopulationRegister(t *testing.T) {
	b, protected := PopulationRegister()
	f, err := popreg.ParseFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(protected) != 2 {
		t.Fatalf("protected %v", protected)
	}
	for _, n := range protected {
		digits := n[:8] + n[9:]
		if DemoNumber(digits) {
			t.Errorf("%s is a number the demo gives its young people", n)
		}
		if p, ok, _ := f.Lookup(context.Background(), digits); !ok || !p.Protected() {
			t.Errorf("%s: %+v", n, p)
		}
	}
}
