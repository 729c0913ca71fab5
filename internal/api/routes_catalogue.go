package api

import (
	"net/http"
	"reflect"
	"time"
)

// The intervention catalogue: the methods that ship with Lots, with the municipality's own
// facts laid over them (available, from whom, with what capacity), and its own methods. It
// holds no personal data.

func (api *API) catalogueRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/catalogue", Summary: "The municipality's intervention catalogue: built-in methods as the municipality keeps them, then its own", Tag: "catalogue",
			Response: reflect.TypeFor[Catalogue](), Handle: api.catalogue},
	}
}

// Method is an intervention method.
type Method struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind" enum:"parent_training,skills_programme,family_therapy,foster_care,individual_cbt,motivational,structured_programme,assessment_led,mentorship,outreach,other"`
	Summary      string    `json:"summary" doc:"in your language"`
	AgeMin       int       `json:"age_min" doc:"0: no lower bound"`
	AgeMax       int       `json:"age_max" doc:"0: no upper bound"`
	Risk         []string  `json:"risk" doc:"the risk levels it is meant for (low, moderate, high, very_high); empty for any"`
	Needs        []string  `json:"needs" doc:"the IRK needs it addresses: criminal_history, personality, attitudes, peers, substances, family, school_work, leisure"`
	Evidence     string    `json:"evidence" enum:"recommended,local,contested,warning" doc:"warning: shown to do harm, must not be used"`
	EvidenceNote string    `json:"evidence_note,omitempty" doc:"in your language"`
	Source       string    `json:"source,omitempty"`
	Available    bool      `json:"available" doc:"the municipality offers it"`
	Provider     string    `json:"provider,omitempty"`
	Capacity     string    `json:"capacity,omitempty"`
	LocalNote    string    `json:"local_note,omitempty"`
	Builtin      bool      `json:"builtin" doc:"ships with Lots"`
	Edited       bool      `json:"edited" doc:"the municipality has changed it, or it is the municipality's own"`
	UpdatedAt    time.Time `json:"updated_at,omitzero" doc:"when the municipality last changed it"`
}

// Catalogue is the municipality's methods in catalogue order.
type Catalogue struct {
	Items []Method `json:"items"`
}

func (api *API) catalogue(w http.ResponseWriter, r *http.Request) error {
	ms, err := api.store.Catalogue(r.Context())
	if err != nil {
		return err
	}
	l := api.locale(r)
	out := Catalogue{Items: []Method{}}
	for _, m := range ms {
		risk := make([]string, len(m.Risk))
		for i, x := range m.Risk {
			risk[i] = string(x)
		}
		out.Items = append(out.Items, Method{Code: m.Code, Name: m.Name, Kind: string(m.Kind), Summary: m.Summary.In(l), AgeMin: m.AgeMin, AgeMax: m.AgeMax,
			Risk: risk, Needs: orEmpty(m.Needs), Evidence: string(m.Evidence), EvidenceNote: m.EvidenceNote.In(l), Source: m.Source,
			Available: m.Available, Provider: m.Provider, Capacity: m.Capacity, LocalNote: m.LocalNote, Builtin: m.Builtin, Edited: m.Edited,
			UpdatedAt: utc(m.UpdatedAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}
