package demo

import (
	"encoding/json"

	"lots/internal/popreg"
)

// PopulationRegister is Demo kommun's stand-in for the population register (a popreg file): a
// few of Skatteverket's test numbers that the demo's young people do not have, two of them with
// protected personal data. Report a concern with one of those numbers — or without a number,
// then identify the young person with one — to see the protection applied and the reads made
// in between listed for the log auditor. It returns the file and the protected numbers.
func PopulationRegister() ([]byte, []string) {
	var people []popreg.Person
	var protected []string
	kinds := []popreg.Protection{popreg.ProtectedRegistration, popreg.ConfidentialityMark, popreg.Unprotected}
	for _, n := range TestNumbers() {
		if DemoNumber(n) || len(people) == len(kinds) {
			continue
		}
		p := popreg.Person{PersonalNumber: n, Protection: kinds[len(people)]}
		if p.Protected() {
			p.Guardians = []popreg.Guardian{{Name: "Vårdnadshavare (skyddad)"}}
			protected = append(protected, n[:8]+"-"+n[8:])
		} else {
			p.Address = "Demogatan 1, 999 99 Demo"
		}
		people = append(people, p)
	}
	b, _ := json.MarshalIndent(people, "", "  ")
	return b, protected
}
