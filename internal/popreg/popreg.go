// Package popreg is Lots' look-up in the population register (folkbokföringen): whether a young
// person has protected personal data, who their guardians are and where they are registered.
// Lots asks when a concern or a correction gives a personnummer, and when someone identifies a
// young person reported without one; a protected identity found there is applied to everything
// already recorded (internal/store/identity.go).
//
// A municipality connects its own service (Navet through its integration platform, SPAR, or the
// register its case-management system already reads) by implementing Registry; Lots ships a
// file-backed register for tests and the demo, and None when nothing is connected (then
// protection is only what staff record by hand). docs/data-protection.md describes both.
package popreg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"lots/internal/casework"
)

// Protection is the kind of protected personal data (skydd av personuppgifter). Skatteverket's
// umbrella term covers three: skyddad folkbokföring, sekretessmarkering (decided by
// Skatteverket) and fingerade personuppgifter (decided by the police).
type Protection string

const (
	Unprotected           Protection = ""
	ProtectedRegistration Protection = "skyddad_folkbokforing"
	ConfidentialityMark   Protection = "sekretessmarkering"
	FictitiousIdentity    Protection = "fingerade_personuppgifter"
)

// Valid reports whether p is a known kind.
func (p Protection) Valid() bool {
	switch p {
	case Unprotected, ProtectedRegistration, ConfidentialityMark, FictitiousIdentity:
		return true
	}
	return false
}

// Guardian is a guardian as the register names them.
type Guardian struct {
	Name           string `json:"name"`
	PersonalNumber string `json:"personal_number,omitempty"`
}

// Person is what the register says about one personnummer.
type Person struct {
	PersonalNumber string     `json:"personal_number"` // 12 digits
	Name           string     `json:"name,omitempty"`
	Protection     Protection `json:"protection,omitempty"`
	Address        string     `json:"address,omitempty"` // empty for a protected registration
	Guardians      []Guardian `json:"guardians,omitempty"`
}

// Protected reports whether the person has protected personal data of any kind.
func (p Person) Protected() bool { return p.Protection != Unprotected }

// Registry looks a person up by personnummer (12 digits, casework.PersonalNumber.String). found
// is false for a number the register does not know. An error means the register could not be
// asked: Lots then treats the young person as it would without a register, and says so.
type Registry interface {
	Lookup(ctx context.Context, personalNumber string) (p Person, found bool, err error)
}

// None is no register: every look-up finds nothing.
type None struct{}

// Lookup finds nothing.
func (None) Lookup(context.Context, string) (Person, bool, error) { return Person{}, false, nil }

// File is a register kept in a JSON file: an array of Person. It is read once, when opened.
type File struct {
	people map[string]Person
}

// OpenFile reads a register file. Every personnummer must be valid and appear once; every
// protection must be one of the three kinds.
func OpenFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("population register: %w", err)
	}
	return ParseFile(b)
}

// ParseFile reads a register file's content.
func ParseFile(b []byte) (*File, error) {
	var people []Person
	if err := json.Unmarshal(b, &people); err != nil {
		return nil, fmt.Errorf("population register: %w", err)
	}
	far := time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &File{people: map[string]Person{}}
	for i, p := range people {
		pn, err := casework.ParsePersonalNumber(p.PersonalNumber, far)
		if err != nil {
			return nil, fmt.Errorf("population register, person %d: %w", i+1, err)
		}
		if !p.Protection.Valid() {
			return nil, fmt.Errorf("population register, person %d: unknown protection %q", i+1, p.Protection)
		}
		p.PersonalNumber = pn.String()
		if _, dup := f.people[p.PersonalNumber]; dup {
			return nil, fmt.Errorf("population register, person %d: %s appears twice", i+1, pn.Formatted())
		}
		f.people[p.PersonalNumber] = p
	}
	return f, nil
}

// Lookup finds a person by personnummer.
func (f *File) Lookup(ctx context.Context, personalNumber string) (Person, bool, error) {
	if err := ctx.Err(); err != nil {
		return Person{}, false, err
	}
	p, ok := f.people[strings.TrimSpace(personalNumber)]
	return p, ok, nil
}

// ErrUnavailable is what a Registry returns when its service does not answer.
var ErrUnavailable = errors.New("population register unavailable")
