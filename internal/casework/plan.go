package casework

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Plan is the action plan (åtgärdsplan): the young person's own goal in their own words — the
// "framtidslinje", life in ten years (Trollhättan) — broken into concrete sub-goals, the
// interventions that answer the needs the assessment found, agreements with the young person,
// and what was tried before so the plan does not repeat it (Antwerp). Every save is a new
// version; earlier versions are kept.
type Plan struct {
	OwnGoal       string         `json:"own_goal"`
	SubGoals      []SubGoal      `json:"sub_goals"`
	Interventions []Intervention `json:"interventions"`
	Agreements    []Agreement    `json:"agreements"`
	TriedBefore   []string       `json:"tried_before"`
}

// SubGoal is a short-term goal with a measurable criterion, a responsible person and a date.
type SubGoal struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Criterion   string `json:"criterion"`
	Responsible string `json:"responsible"`
	Due         string `json:"due"` // YYYY-MM-DD
	Status      string `json:"status"`
}

// Sub-goal states.
const (
	GoalOpen       = "open"
	GoalReached    = "reached"
	GoalNotReached = "not_reached"
)

// Intervention is an intervention in the plan, linked to the need it answers.
type Intervention struct {
	ID       string `json:"id"`
	Method   string `json:"method"` // a catalogue code, or free text
	Name     string `json:"name"`
	Need     string `json:"need"` // the assessment domain it answers (e.g. IRK "family")
	Provider string `json:"provider"`
	Start    string `json:"start"`
	End      string `json:"end"`
	Status   string `json:"status"` // planned, ongoing, done, stopped
	Reason   string `json:"reason"`
}

// Intervention states.
var InterventionStatuses = []string{"planned", "ongoing", "done", "stopped"}

// Agreement is a frame agreed with the young person, e.g. when to be home (Eskilstuna).
type Agreement struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Complete reports whether the plan can be set: the young person's own goal and at least one
// sub-goal.
func (p Plan) Complete() bool {
	return strings.TrimSpace(p.OwnGoal) != "" && len(p.SubGoals) > 0
}

// NewItemID returns an id for a plan item, stable across versions.
func NewItemID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Normalise trims texts, drops empty rows, gives new items ids and defaults states.
func (p *Plan) Normalise() {
	p.OwnGoal = strings.TrimSpace(p.OwnGoal)
	var gs []SubGoal
	for _, g := range p.SubGoals {
		g.Text, g.Criterion, g.Responsible, g.Due = strings.TrimSpace(g.Text), strings.TrimSpace(g.Criterion), strings.TrimSpace(g.Responsible), strings.TrimSpace(g.Due)
		if g.Text == "" && g.Criterion == "" && g.Responsible == "" && g.Due == "" {
			continue
		}
		if g.ID == "" {
			g.ID = NewItemID()
		}
		if g.Status == "" {
			g.Status = GoalOpen
		}
		gs = append(gs, g)
	}
	p.SubGoals = gs
	var is []Intervention
	for _, in := range p.Interventions {
		in.Name, in.Provider, in.Reason = strings.TrimSpace(in.Name), strings.TrimSpace(in.Provider), strings.TrimSpace(in.Reason)
		in.Method, in.Start, in.End, in.Status, in.Need = strings.TrimSpace(in.Method), strings.TrimSpace(in.Start), strings.TrimSpace(in.End), strings.TrimSpace(in.Status), strings.TrimSpace(in.Need)
		if in.Name == "" && in.Method == "" {
			continue
		}
		if in.ID == "" {
			in.ID = NewItemID()
		}
		if in.Status == "" {
			in.Status = "planned"
		}
		is = append(is, in)
	}
	p.Interventions = is
	var as []Agreement
	for _, a := range p.Agreements {
		if a.Text = strings.TrimSpace(a.Text); a.Text != "" {
			if a.ID == "" {
				a.ID = NewItemID()
			}
			as = append(as, a)
		}
	}
	p.Agreements = as
	var tb []string
	for _, t := range p.TriedBefore {
		if t = strings.TrimSpace(t); t != "" {
			tb = append(tb, t)
		}
	}
	p.TriedBefore = tb
}

// Validate checks a normalised plan; field names say which row is at fault ("sub_goal_2_due").
func (p Plan) Validate() error {
	var fe FieldErrors
	if utf8.RuneCountInString(p.OwnGoal) > 2000 {
		fe.Add("own_goal", "plan.too_long")
	}
	date := func(s string) bool {
		if s == "" {
			return true
		}
		_, err := time.Parse("2006-01-02", s)
		return err == nil
	}
	for i, g := range p.SubGoals {
		n := itoa(i + 1)
		if g.Text == "" {
			fe.Add("sub_goal_"+n+"_text", "plan.goal_text_required")
		}
		if g.Criterion == "" {
			fe.Add("sub_goal_"+n+"_criterion", "plan.goal_criterion_required")
		}
		if g.Responsible == "" {
			fe.Add("sub_goal_"+n+"_responsible", "plan.goal_responsible_required")
		}
		if g.Due == "" || !date(g.Due) {
			fe.Add("sub_goal_"+n+"_due", "plan.goal_due_required")
		}
		if g.Status != GoalOpen && g.Status != GoalReached && g.Status != GoalNotReached {
			fe.Add("sub_goal_"+n+"_status", "plan.status_invalid")
		}
		if utf8.RuneCountInString(g.Text+g.Criterion+g.Responsible) > 3000 {
			fe.Add("sub_goal_"+n+"_text", "plan.too_long")
		}
	}
	for i, in := range p.Interventions {
		n := itoa(i + 1)
		if !date(in.Start) || !date(in.End) || (in.Start != "" && in.End != "" && in.End < in.Start) {
			fe.Add("intervention_"+n+"_end", "plan.dates_invalid")
		}
		ok := false
		for _, s := range InterventionStatuses {
			ok = ok || s == in.Status
		}
		if !ok {
			fe.Add("intervention_"+n+"_status", "plan.status_invalid")
		}
	}
	if len(p.SubGoals) > 50 || len(p.Interventions) > 50 || len(p.Agreements) > 50 || len(p.TriedBefore) > 50 {
		fe.Add("own_goal", "plan.too_many")
	}
	return fe.Err()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// PlanVersion is a saved version of a plan.
type PlanVersion struct {
	Version   int
	Plan      Plan
	CreatedBy string
	CreatedAt time.Time
}
