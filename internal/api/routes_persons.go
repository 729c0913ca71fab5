package api

import (
	"net/http"
	"reflect"

	"lots/internal/casework"
)

// The guardians and other adults around the young person of a case (family information).

func (api *API) personRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/persons", Summary: "Guardians and other adults around the young person", Tag: "persons",
			Response: reflect.TypeFor[PersonList](), Handle: api.persons},
		{Method: "POST", Path: "/api/v1/cases/{id}/persons", Summary: "Add a guardian or another adult", Tag: "persons",
			Request: reflect.TypeFor[PersonInput](), Response: reflect.TypeFor[Person](), Status: http.StatusCreated, Handle: api.addPerson},
		{Method: "PUT", Path: "/api/v1/cases/{id}/persons/{pid}", Summary: "Change a guardian or another adult", Tag: "persons",
			Request: reflect.TypeFor[PersonInput](), Response: reflect.TypeFor[Person](), Handle: api.updatePerson},
	}
}

// PersonInput is a guardian or another adult as a client gives them.
type PersonInput struct {
	Kind        string `json:"kind" enum:"guardian,parent,trusted_adult,other"`
	Name        string `json:"name"`
	Relation    string `json:"relation,omitempty" doc:"in words: mamma, morbror, fotbollstränare …"`
	HasCustody  bool   `json:"has_custody,omitempty" doc:"vårdnad; only a guardian. Guardians with custody sign the consent"`
	Phone       string `json:"phone,omitempty"`
	Email       string `json:"email,omitempty"`
	Address     string `json:"address,omitempty"`
	Language    string `json:"language,omitempty"`
	Interpreter bool   `json:"interpreter,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Person is a guardian or another adult around the young person.
type Person struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind" enum:"guardian,parent,trusted_adult,other"`
	Name        string `json:"name"`
	Relation    string `json:"relation"`
	HasCustody  bool   `json:"has_custody"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
	Address     string `json:"address"`
	Language    string `json:"language"`
	Interpreter bool   `json:"interpreter"`
	Note        string `json:"note"`
}

// PersonList is the adults around the young person.
type PersonList struct {
	Items []Person `json:"items"`
}

func personOf(p casework.RelatedPerson) Person {
	return Person{ID: p.ID, Kind: string(p.Kind), Name: p.Name, Relation: p.Relation, HasCustody: p.HasCustody, Phone: p.Phone,
		Email: p.Email, Address: p.Address, Language: p.Language, Interpreter: p.Interpreter, Note: p.Note}
}

func (in PersonInput) domain(id int64) casework.RelatedPerson {
	return casework.RelatedPerson{ID: id, Kind: casework.RelationKind(in.Kind), Name: in.Name, Relation: in.Relation, HasCustody: in.HasCustody,
		Phone: in.Phone, Email: in.Email, Address: in.Address, Language: in.Language, Interpreter: in.Interpreter, Note: in.Note}
}

func (api *API) persons(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	ps, err := api.store.RelatedPersons(r.Context(), id)
	if err != nil {
		return err
	}
	out := PersonList{Items: []Person{}}
	for _, p := range ps {
		out.Items = append(out.Items, personOf(p))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) addPerson(w http.ResponseWriter, r *http.Request) error {
	return api.savePerson(w, r, 0)
}

func (api *API) updatePerson(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	return api.savePerson(w, r, pid)
}

// savePerson adds (pid 0) or changes a person.
func (api *API) savePerson(w http.ResponseWriter, r *http.Request, pid int64) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in PersonInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := in.domain(pid)
	if err := api.store.SaveRelatedPerson(r.Context(), id, &p); err != nil {
		return err
	}
	status := http.StatusOK
	if pid == 0 {
		status = http.StatusCreated
	}
	return writeJSON(w, status, personOf(p))
}
