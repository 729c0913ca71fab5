package web

import "strings"

// Field is one form input as the "input" template draws it.
type Field struct {
	P                       *Page
	Name, Label, Type       string
	Value, Hint, Error      string
	Autocomplete, Inputmode string
	List                    string // the id of a datalist of suggestions ("list:plan-responsible")
	Required                bool
}

// fld builds a Field for the page: fld . "email" "user.email" "email" "required" "hint:user.email_hint"
// "autocomplete:email" "inputmode:numeric".
func fld(p *Page, name, labelKey, typ string, opts ...string) Field {
	f := Field{P: p, Name: name, Label: p.T(labelKey), Type: typ, Value: p.V(name), Error: p.FieldError(name)}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, ":")
		switch k {
		case "required":
			f.Required = true
		case "hint":
			f.Hint = p.T(v)
		case "autocomplete":
			f.Autocomplete = v
		case "inputmode":
			f.Inputmode = v
		case "list":
			f.List = v
		}
	}
	return f
}
