package api

import (
	"strings"
	"time"

	"lots/internal/casework"
)

// Types shared by several resources, and their mapping from the domain.

// YouthInput is a young person's details as a concern or a correction gives them.
type YouthInput struct {
	FirstName         string   `json:"first_name"`
	LastName          string   `json:"last_name"`
	PersonalNumber    string   `json:"personal_number,omitempty" doc:"personnummer or samordningsnummer in any usual form; leave out when unknown (then birth_date is required and a reserve id is made)"`
	BirthDate         string   `json:"birth_date,omitempty" doc:"YYYY-MM-DD; only when personal_number is unknown"`
	Gender            string   `json:"gender,omitempty" enum:"female,male,other,unknown" doc:"from the personnummer when left out"`
	DistrictID        int64    `json:"district_id,omitempty"`
	School            string   `json:"school,omitempty"`
	Address           string   `json:"address,omitempty"`
	Languages         []string `json:"languages,omitempty"`
	Interpreter       bool     `json:"interpreter,omitempty"`
	ProtectedIdentity bool     `json:"protected_identity,omitempty" doc:"skyddade personuppgifter: address and school are then shown only to the roles the municipality designates"`
}

func (in YouthInput) domain() casework.YouthInput {
	return casework.YouthInput{
		FirstName: in.FirstName, LastName: in.LastName, PersonalNumber: in.PersonalNumber, BirthDate: in.BirthDate,
		Gender: in.Gender, DistrictID: in.DistrictID, School: in.School, Address: in.Address,
		Languages: strings.Join(in.Languages, ","), Interpreter: in.Interpreter, ProtectedIdentity: in.ProtectedIdentity,
	}
}

// youthFields maps the store's field names of a young person to the body's.
var youthFields = map[string]string{"first_name": "first_name", "last_name": "last_name", "personal_number": "personal_number",
	"birth_date": "birth_date", "gender": "gender", "school": "school", "district": "district_id"}

// Youth is a young person as a case shows them.
type Youth struct {
	ID                int64    `json:"id"`
	FirstName         string   `json:"first_name"`
	LastName          string   `json:"last_name"`
	Name              string   `json:"name"`
	Identity          string   `json:"identity" doc:"the personnummer (YYYYMMDD-NNNN), else the reserve id"`
	PersonalNumber    string   `json:"personal_number,omitempty" doc:"YYYYMMDD-NNNN"`
	ReserveID         string   `json:"reserve_id,omitempty"`
	BirthDate         string   `json:"birth_date" doc:"YYYY-MM-DD"`
	Age               int      `json:"age"`
	Gender            string   `json:"gender" enum:"female,male,other,unknown"`
	DistrictID        int64    `json:"district_id,omitempty"`
	District          string   `json:"district,omitempty"`
	School            string   `json:"school,omitempty" doc:"left out when protected identity hides it from you"`
	Address           string   `json:"address,omitempty" doc:"left out when protected identity hides it from you"`
	Languages         []string `json:"languages"`
	Interpreter       bool     `json:"interpreter"`
	ProtectedIdentity bool     `json:"protected_identity"`
	Unidentified      bool     `json:"unidentified" doc:"registered without personnummer and not yet identified: handled as protected until identified"`
}

func youthOf(y casework.Youth, age int, district string) Youth {
	out := Youth{
		ID: y.ID, FirstName: y.FirstName, LastName: y.LastName, Name: y.Name(), Identity: y.Identity(),
		ReserveID: y.ReserveID, BirthDate: date(y.BirthDate), Age: age, Gender: string(y.Gender),
		DistrictID: y.DistrictID, District: district, School: y.School, Address: y.Address,
		Languages: y.Languages, Interpreter: y.Interpreter, ProtectedIdentity: y.ProtectedIdentity,
		Unidentified: y.Unidentified,
	}
	if !y.PersonalNumber.IsZero() {
		out.PersonalNumber = y.PersonalNumber.Formatted()
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	return out
}

// Deadline is a due moment of the flow and where it stands.
type Deadline struct {
	Kind  string    `json:"kind" enum:"assessment,group,plan,consent,followup_6,followup_12"`
	Due   time.Time `json:"due"`
	Met   time.Time `json:"met,omitzero"`
	State string    `json:"state" enum:"pending,near,overdue,met,met_late" doc:"near: due within three days"`
}

// nearDays is when a deadline counts as near (as in the store's deadline list).
const nearDays = 3

func deadlinesOf(ds []casework.Deadline, now time.Time) []Deadline {
	out := []Deadline{}
	for _, d := range ds {
		out = append(out, Deadline{Kind: string(d.Kind), Due: utc(d.Due), Met: utc(d.Met), State: d.State(now, nearDays*24*time.Hour)})
	}
	return out
}

// Rating is one item's rating in an assessment.
type Rating struct {
	Item  string `json:"item" doc:"the item's code in the instrument, e.g. the IRK factor"`
	Value string `json:"value" doc:"a value code of the item's scale; for IRK no, some, clear or unknown"`
	Note  string `json:"note,omitempty"`
}

func ratingsIn(rs []Rating) []casework.Rating {
	out := make([]casework.Rating, len(rs))
	for i, r := range rs {
		out[i] = casework.Rating{Item: r.Item, Value: r.Value, Note: r.Note}
	}
	return out
}

func ratingsOut(rs []casework.Rating) []Rating {
	out := make([]Rating, len(rs))
	for i, r := range rs {
		out[i] = Rating{Item: r.Item, Value: r.Value, Note: r.Note}
	}
	return out
}

// ratingField names a rating's field as the body does: the store says "item_<code>".
func ratingField(f string) string {
	if code, ok := strings.CutPrefix(f, "item_"); ok {
		return "ratings." + code
	}
	if code, ok := strings.CutPrefix(f, "note_"); ok {
		return "ratings." + code + ".note"
	}
	return f
}
