package casework

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
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

// GoalStatuses lists the sub-goal states in display order.
var GoalStatuses = []string{GoalOpen, GoalReached, GoalNotReached}

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

// itemIDPattern is what an item id may look like; anything else (a form tampered with, a client's
// own scheme run wild) gets a new id.
var itemIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// ids gives an item a usable id, unique within its kind: a missing, malformed or repeated one
// is replaced, so comparing versions item by item stays sound.
type planIDs map[string]bool

func (seen planIDs) fix(id string) string {
	if !itemIDPattern.MatchString(id) || seen[id] {
		id = NewItemID()
	}
	seen[id] = true
	return id
}

// Normalise trims texts, drops empty rows, gives new items ids and defaults states. An
// intervention row counts as empty only when nothing but its status is filled in, so a row with
// a provider but no method is kept and refused by Validate rather than silently lost.
func (p *Plan) Normalise() {
	p.OwnGoal = strings.TrimSpace(p.OwnGoal)
	var gs []SubGoal
	seen := planIDs{}
	for _, g := range p.SubGoals {
		g.Text, g.Criterion, g.Responsible, g.Due = strings.TrimSpace(g.Text), strings.TrimSpace(g.Criterion), strings.TrimSpace(g.Responsible), strings.TrimSpace(g.Due)
		if g.Text == "" && g.Criterion == "" && g.Responsible == "" && g.Due == "" {
			continue
		}
		g.ID = seen.fix(g.ID)
		if g.Status = strings.TrimSpace(g.Status); g.Status == "" {
			g.Status = GoalOpen
		}
		gs = append(gs, g)
	}
	p.SubGoals = gs
	var is []Intervention
	seen = planIDs{}
	for _, in := range p.Interventions {
		in.Name, in.Provider, in.Reason = strings.TrimSpace(in.Name), strings.TrimSpace(in.Provider), strings.TrimSpace(in.Reason)
		in.Method, in.Start, in.End, in.Status, in.Need = strings.TrimSpace(in.Method), strings.TrimSpace(in.Start), strings.TrimSpace(in.End), strings.TrimSpace(in.Status), strings.TrimSpace(in.Need)
		if in.Name == "" && in.Method == "" && in.Need == "" && in.Provider == "" && in.Start == "" && in.End == "" && in.Reason == "" {
			continue
		}
		in.ID = seen.fix(in.ID)
		if in.Status == "" {
			in.Status = "planned"
		}
		is = append(is, in)
	}
	p.Interventions = is
	var as []Agreement
	seen = planIDs{}
	for _, a := range p.Agreements {
		if a.Text = strings.TrimSpace(a.Text); a.Text != "" {
			a.ID = seen.fix(a.ID)
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

// Limits of a plan's texts, in letters.
const (
	planOwnGoalMax   = 2000
	planGoalMax      = 3000 // a sub-goal's text, criterion and responsible together
	planNameMax      = 200  // an intervention's name, method or provider
	planReasonMax    = 2000
	planAgreementMax = 1000
	planTriedMax     = 1000
	planRowsMax      = 50 // of each kind
)

// Validate checks a normalised plan; field names say which row is at fault ("sub_goal_2_due",
// "intervention_1_end", "agreement_3_text", "tried_2"), counting the rows Normalise kept.
func (p Plan) Validate() error {
	var fe FieldErrors
	long := func(s string, n int) bool { return utf8.RuneCountInString(s) > n }
	if long(p.OwnGoal, planOwnGoalMax) {
		fe.Add("own_goal", "plan.too_long")
	}
	for i, g := range p.SubGoals {
		n := "sub_goal_" + itoa(i+1) + "_"
		if g.Text == "" {
			fe.Add(n+"text", "plan.goal_text_required")
		}
		if g.Criterion == "" {
			fe.Add(n+"criterion", "plan.goal_criterion_required")
		}
		if g.Responsible == "" {
			fe.Add(n+"responsible", "plan.goal_responsible_required")
		}
		if g.Due == "" || !planDate(g.Due) {
			fe.Add(n+"due", "plan.goal_due_required")
		}
		if !slices.Contains(GoalStatuses, g.Status) {
			fe.Add(n+"status", "plan.status_invalid")
		}
		if long(g.Text+g.Criterion+g.Responsible, planGoalMax) {
			fe.Add(n+"text", "plan.too_long")
		}
	}
	for i, in := range p.Interventions {
		n := "intervention_" + itoa(i+1) + "_"
		switch {
		case in.Name == "" && in.Method == "":
			fe.Add(n+"method", "plan.intervention_method_required")
		case long(in.Name, planNameMax) || long(in.Method, planNameMax):
			fe.Add(n+"name", "plan.too_long")
		}
		if in.Need != "" && !slices.Contains(IRKNeeds, in.Need) {
			fe.Add(n+"need", "plan.need_invalid")
		}
		if long(in.Provider, planNameMax) {
			fe.Add(n+"provider", "plan.too_long")
		}
		if !planDate(in.Start) {
			fe.Add(n+"start", "plan.date_invalid")
		}
		switch {
		case !planDate(in.End):
			fe.Add(n+"end", "plan.date_invalid")
		case planDate(in.Start) && in.Start != "" && in.End != "" && in.End < in.Start:
			fe.Add(n+"end", "plan.dates_invalid")
		}
		if !slices.Contains(InterventionStatuses, in.Status) {
			fe.Add(n+"status", "plan.status_invalid")
		}
		switch {
		case in.Status == "stopped" && in.Reason == "":
			fe.Add(n+"reason", "plan.stop_reason_required")
		case long(in.Reason, planReasonMax):
			fe.Add(n+"reason", "plan.too_long")
		}
	}
	for i, a := range p.Agreements {
		if long(a.Text, planAgreementMax) {
			fe.Add("agreement_"+itoa(i+1)+"_text", "plan.too_long")
		}
	}
	for i, t := range p.TriedBefore {
		if long(t, planTriedMax) {
			fe.Add("tried_"+itoa(i+1), "plan.too_long")
		}
	}
	if len(p.SubGoals) > planRowsMax || len(p.Interventions) > planRowsMax || len(p.Agreements) > planRowsMax || len(p.TriedBefore) > planRowsMax {
		fe.Add("own_goal", "plan.too_many")
	}
	return fe.Err()
}

// planDate reports whether s is empty or a real date written YYYY-MM-DD.
func planDate(s string) bool {
	if s == "" {
		return true
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
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

// Latest returns the newest of versions (PlanVersions lists them newest first) and whether
// there is one.
func Latest(vs []PlanVersion) (PlanVersion, bool) {
	if len(vs) == 0 {
		return PlanVersion{}, false
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if v.Version > best.Version {
			best = v
		}
	}
	return best, true
}

// FindVersion returns version n of versions.
func FindVersion(vs []PlanVersion, n int) (PlanVersion, bool) {
	for _, v := range vs {
		if v.Version == n {
			return v, true
		}
	}
	return PlanVersion{}, false
}

// Needs: "every need an answer, every intervention a reason".

// Need is a criminogenic need an assessment found: an IRK domain rated a clear or some risk.
type Need struct {
	Domain string // an IRK need (IRKNeeds)
	Level  string // "clear" or "some"
}

// NeedsFound returns the needs an assessment with Check: IRK's domains found, in IRK order: the
// risk domains where some item is rated a clear risk ("clear") or, failing that, some risk
// ("some"). Other instruments' domains are not IRK needs and give none.
func NeedsFound(in Instrument, a Assessment) []Need {
	byItem := map[string]string{}
	for _, r := range a.Ratings {
		byItem[r.Item] = r.Value
	}
	var out []Need
	for _, d := range in.Domains {
		if d.Kind != "risk" || !slices.Contains(IRKNeeds, d.Code) {
			continue
		}
		level := ""
		for _, it := range d.Items {
			switch byItem[it.Code] {
			case "clear":
				level = "clear"
			case "some":
				if level == "" {
					level = "some"
				}
			}
		}
		if level != "" {
			out = append(out, Need{Domain: d.Code, Level: level})
		}
	}
	return out
}

// NeedsAssessment picks the assessment whose needs the plan answers: the latest intake
// assessment with Check: IRK, else the latest Check: IRK at any time point (the concern). as is
// in time order, as the store returns it.
func NeedsAssessment(as []Assessment) (Assessment, bool) {
	var best, latest Assessment
	var found, foundAny bool
	for _, a := range as {
		if a.Instrument != IRKCode {
			continue
		}
		if !foundAny || !a.AssessedAt.Before(latest.AssessedAt) {
			latest, foundAny = a, true
		}
		if a.TimePoint == TPIntake && (!found || !a.AssessedAt.Before(best.AssessedAt)) {
			best, found = a, true
		}
	}
	if found {
		return best, true
	}
	return latest, foundAny
}

// Answers says how a plan's interventions answer the needs found.
type Answers struct {
	// Needs are the needs found, each with the interventions (0-based indexes into the plan's
	// interventions) that answer it; stopped interventions answer nothing.
	Needs []NeedAnswer
	// Unanswered are the needs no intervention answers.
	Unanswered []Need
	// WithoutNeed are the interventions that name no need; Unfounded those that name a need the
	// assessment did not find.
	WithoutNeed, Unfounded []int
}

// NeedAnswer is one need and the interventions answering it.
type NeedAnswer struct {
	Need
	Interventions []int
}

// AnswerNeeds matches the plan's interventions with the needs found.
func (p Plan) AnswerNeeds(needs []Need) Answers {
	var a Answers
	found := map[string]bool{}
	for _, n := range needs {
		found[n.Domain] = true
		na := NeedAnswer{Need: n}
		for i, in := range p.Interventions {
			if in.Need == n.Domain && in.Status != "stopped" {
				na.Interventions = append(na.Interventions, i)
			}
		}
		if len(na.Interventions) == 0 {
			a.Unanswered = append(a.Unanswered, n)
		}
		a.Needs = append(a.Needs, na)
	}
	for i, in := range p.Interventions {
		switch {
		case in.Need == "":
			a.WithoutNeed = append(a.WithoutNeed, i)
		case !found[in.Need]:
			a.Unfounded = append(a.Unfounded, i)
		}
	}
	return a
}

// Tried before: "the plan must not propose anything already tried" (Antwerp).

// TriedBefore returns the entry of tried that names the same intervention as one of names (a
// method's code, its name in the catalogue, the plan's own name for it), or "" when none does.
// A name matches when its words, or the words of one of its parts ("FFT – Funktionell
// familjeterapi" is also "FFT" and "Funktionell familjeterapi"), occur together in the entry,
// when the entry's words occur in the name, or when both begin with the same word of five
// letters or more ("Kontaktperson på helgerna", "Kontaktperson 2024") — the word that names
// the thing in Swedish. Words match when equal or when one, of five letters or more, begins the
// other ("kontaktperson", "kontaktpersonen").
func TriedBefore(tried []string, names ...string) string {
	var phrases [][]string
	for _, n := range names {
		for _, part := range strings.FieldsFunc(n, func(r rune) bool { return r == '(' || r == ')' || r == '–' || r == '—' || r == '/' || r == ',' }) {
			if ws := planWords(part); len(ws) > 0 && len(strings.Join(ws, "")) >= 2 {
				phrases = append(phrases, ws)
			}
		}
	}
	for _, t := range tried {
		tw := planWords(t)
		for _, ph := range phrases {
			if planWordsIn(ph, tw) || planWordsIn(tw, ph) || (len(tw) > 0 && utf8.RuneCountInString(ph[0]) >= 5 && utf8.RuneCountInString(tw[0]) >= 5 && planWordMatch(ph[0], tw[0])) {
				return t
			}
		}
	}
	return ""
}

// planWords splits s into lower-case words of letters and digits.
func planWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// planWordsIn reports whether the words of needle occur one after another in hay.
func planWordsIn(needle, hay []string) bool {
	if len(needle) == 0 {
		return false
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		ok := true
		for j, w := range needle {
			if !planWordMatch(w, hay[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func planWordMatch(a, b string) bool {
	if a == b {
		return true
	}
	short, long := a, b
	if utf8.RuneCountInString(short) > utf8.RuneCountInString(long) {
		short, long = long, short
	}
	return utf8.RuneCountInString(short) >= 5 && strings.HasPrefix(long, short)
}

// Comparing versions.

// PlanDiff is what changed from one version of a plan to another. Items are matched by id,
// which stays the same across versions; what was tried before is matched by its text.
type PlanDiff struct {
	OwnGoal       *FieldChange // nil when unchanged
	SubGoals      []ItemChange
	Interventions []ItemChange
	Agreements    []ItemChange
	TriedBefore   []ItemChange
}

// Item change kinds.
const (
	ItemAdded   = "added"
	ItemRemoved = "removed"
	ItemChanged = "changed"
)

// ItemChange is one item added, removed or changed. Label is the item's text (a sub-goal's
// text, an intervention's name or method, an agreement, what was tried) as it is in the newer
// version, or as it was when the item was removed.
type ItemChange struct {
	Kind   string
	ID     string
	Label  string
	Fields []FieldChange // for changed items, in the item's field order
}

// FieldChange is one field's value before and after.
type FieldChange struct {
	Field    string
	From, To string
}

// Empty reports whether nothing changed.
func (d PlanDiff) Empty() bool {
	return d.OwnGoal == nil && len(d.SubGoals) == 0 && len(d.Interventions) == 0 && len(d.Agreements) == 0 && len(d.TriedBefore) == 0
}

// Count is the number of changes.
func (d PlanDiff) Count() int {
	n := len(d.SubGoals) + len(d.Interventions) + len(d.Agreements) + len(d.TriedBefore)
	if d.OwnGoal != nil {
		n++
	}
	return n
}

// DiffPlans compares two versions of a plan: from the older to the newer. Changed and added
// items come in the newer version's order, removed ones after them in the older one's order.
func DiffPlans(from, to Plan) PlanDiff {
	var d PlanDiff
	if from.OwnGoal != to.OwnGoal {
		d.OwnGoal = &FieldChange{Field: "own_goal", From: from.OwnGoal, To: to.OwnGoal}
	}
	d.SubGoals = diffItems(from.SubGoals, to.SubGoals, func(g SubGoal) (string, string, []FieldChange) {
		return g.ID, g.Text, []FieldChange{{"text", "", g.Text}, {"criterion", "", g.Criterion}, {"responsible", "", g.Responsible}, {"due", "", g.Due}, {"status", "", g.Status}}
	})
	d.Interventions = diffItems(from.Interventions, to.Interventions, func(in Intervention) (string, string, []FieldChange) {
		label := in.Name
		if label == "" {
			label = in.Method
		}
		return in.ID, label, []FieldChange{{"method", "", in.Method}, {"name", "", in.Name}, {"need", "", in.Need}, {"provider", "", in.Provider},
			{"start", "", in.Start}, {"end", "", in.End}, {"status", "", in.Status}, {"reason", "", in.Reason}}
	})
	d.Agreements = diffItems(from.Agreements, to.Agreements, func(a Agreement) (string, string, []FieldChange) {
		return a.ID, a.Text, []FieldChange{{"text", "", a.Text}}
	})
	// What was tried before is a list of texts: an entry is added or removed, counted, so a text
	// written twice and then once is one removal.
	left := map[string]int{}
	for _, t := range from.TriedBefore {
		left[t]++
	}
	for _, t := range to.TriedBefore {
		if left[t] > 0 {
			left[t]--
			continue
		}
		d.TriedBefore = append(d.TriedBefore, ItemChange{Kind: ItemAdded, Label: t})
	}
	for _, t := range from.TriedBefore {
		if left[t] > 0 {
			left[t]--
			d.TriedBefore = append(d.TriedBefore, ItemChange{Kind: ItemRemoved, Label: t})
		}
	}
	return d
}

// diffItems compares two lists of items by id. fields gives an item's id, label and fields
// (the values in To).
func diffItems[T any](from, to []T, fields func(T) (string, string, []FieldChange)) []ItemChange {
	old := map[string][]FieldChange{}
	for _, x := range from {
		id, _, fs := fields(x)
		old[id] = fs
	}
	var out []ItemChange
	seen := map[string]bool{}
	for _, x := range to {
		id, label, fs := fields(x)
		seen[id] = true
		before, ok := old[id]
		if !ok {
			out = append(out, ItemChange{Kind: ItemAdded, ID: id, Label: label})
			continue
		}
		var changed []FieldChange
		for i, f := range fs {
			if before[i].To != f.To {
				changed = append(changed, FieldChange{Field: f.Field, From: before[i].To, To: f.To})
			}
		}
		if len(changed) > 0 {
			out = append(out, ItemChange{Kind: ItemChanged, ID: id, Label: label, Fields: changed})
		}
	}
	for _, x := range from {
		if id, label, _ := fields(x); !seen[id] {
			out = append(out, ItemChange{Kind: ItemRemoved, ID: id, Label: label})
		}
	}
	return out
}
