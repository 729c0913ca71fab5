package popreg

import (
	"context"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	f, err := ParseFile([]byte(`[
		{"personal_number": "20100510-2387", "name": "Sara Skyddad", "protection": "skyddad_folkbokforing",
		 "guardians": [{"name": "Mona Skyddad"}]},
		{"personal_number": "200803112382", "name": "Olle Öppen", "address": "Storgatan 1"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	p, ok, err := f.Lookup(context.Background(), "201005102387")
	if err != nil || !ok || !p.Protected() || p.Guardians[0].Name != "Mona Skyddad" {
		t.Fatalf("%+v %v %v", p, ok, err)
	}
	if p, ok, _ := f.Lookup(context.Background(), "200803112382"); !ok || p.Protected() || p.Address != "Storgatan 1" {
		t.Fatalf("%+v", p)
	}
	if _, ok, _ := f.Lookup(context.Background(), "200904062387"); ok {
		t.Fatal("found a number the register does not hold")
	}
	for _, bad := range []string{
		`[{"personal_number": "20100510-2388"}]`,
		`[{"personal_number": "201005102387", "protection": "hemlig"}]`,
		`[{"personal_number": "201005102387"}, {"personal_number": "20100510-2387"}]`,
		`{"personal_number": "201005102387"}`,
	} {
		if _, err := ParseFile([]byte(bad)); err == nil || !strings.Contains(err.Error(), "population register") {
			t.Errorf("accepted %s: %v", bad, err)
		}
	}
	if _, ok, _ := (None{}).Lookup(context.Background(), "201005102387"); ok {
		t.Fatal("None found someone")
	}
}
