package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
)

// settingFields are the general number fields of the municipal settings form, in order.
var settingFields = []string{
	"min_age", "max_age", "group_within_days", "action_plan_within_days", "assessment_within_days",
	"session_idle_minutes", "session_max_hours",
}

// settingConsentFields are the consent's number fields: how long it lasts and who signs.
var settingConsentFields = []string{
	"consent_validity_months", "consent_youth_signs_from_age", "consent_guardians_until_age",
}

// settingReminderFields are the e-mail reminders' number fields.
var settingReminderFields = []string{"reminder_days_before"}

func settingPointers(st *casework.Settings) map[string]*int {
	return map[string]*int{
		"min_age": &st.MinAge, "max_age": &st.MaxAge, "group_within_days": &st.GroupWithinDays,
		"action_plan_within_days": &st.ActionPlanWithinDays, "assessment_within_days": &st.AssessmentWithinDays,
		"consent_validity_months": &st.ConsentValidityMonths, "session_idle_minutes": &st.SessionIdleMinutes,
		"session_max_hours": &st.SessionMaxHours, "consent_youth_signs_from_age": &st.ConsentYouthSignsFromAge,
		"consent_guardians_until_age": &st.ConsentGuardiansUntilAge, "reminder_days_before": &st.ReminderDaysBefore,
	}
}

// settingSSPFFields are the SSPF track's age range and deadlines. Like the meeting times, each
// keeps its stored value when the post lacks it altogether (a form or script from before the
// tracks); present but not a number, it is an error.
var settingSSPFFields = []string{"sspf_min_age", "sspf_max_age", "sspf_assessment_within_days", "sspf_group_within_days", "sspf_action_plan_within_days"}

func settingSSPFPointers(st *casework.Settings) map[string]*int {
	return map[string]*int{"sspf_min_age": &st.SSPF.MinAge, "sspf_max_age": &st.SSPF.MaxAge,
		"sspf_assessment_within_days": &st.SSPF.AssessmentWithinDays, "sspf_group_within_days": &st.SSPF.GroupWithinDays,
		"sspf_action_plan_within_days": &st.SSPF.ActionPlanWithinDays}
}

// settingPlanNames are the tracks' own names of their plan form (text; "" : the interface's
// word). Like the SSPF fields, each keeps its stored value when the post lacks it.
func settingPlanNames(st *casework.Settings) map[string]*string {
	return map[string]*string{"plan_name": &st.PlanName, "sspf_plan_name": &st.SSPF.PlanName}
}

// settingMeetingFields are the meeting times' fields and the group size range: the fixed slots (a textarea, one slot a
// line) and two numbers. Unlike the other fields, each keeps its stored value when the post
// lacks it altogether (a form of an older page, a script posting the other fields); present
// but empty, a number is an error and the slots are none.
var settingMeetingFields = []string{"meeting_slots", "meeting_rhythm_weeks", "pre_meeting_minutes", "group_size_min", "group_size_max"}

func settingMeetingPointers(st *casework.Settings) map[string]*int {
	return map[string]*int{"meeting_rhythm_weeks": &st.MeetingRhythmWeeks, "pre_meeting_minutes": &st.PreMeetingMinutes,
		"group_size_min": &st.GroupSizeMin, "group_size_max": &st.GroupSizeMax}
}

// slotLines writes the slots one a line as ParseMeetingSlot reads them, with the weekday
// named in the page's language: "tisdag 15:00 90".
func slotLines(p *Page, slots []casework.MeetingSlot) string {
	lines := make([]string, len(slots))
	for i, sl := range slots {
		lines[i] = fmt.Sprintf("%s %s %d", p.T(weekdayKey(sl.Weekday)), sl.Start, sl.Minutes)
	}
	return strings.Join(lines, "\n")
}

// settingsFormData lists the fields for the template.
type settingsFormData struct {
	Fields         []string
	SSPFFields     []string
	ConsentFields  []string
	ReminderFields []string
	Roles          []settingsRole
	// SecurityKinds are the agency kinds an administrator may add to those that see the
	// security category (police and social services always do).
	SecurityKinds []settingsRole
	// SlotErrors are the errors of the slots field, all of them: one for each bad line.
	SlotErrors []string
	// KindLists are the meeting kinds each track offers, a checkbox list per track.
	KindLists []settingsKindList
}

// settingsKindList is one track's checkbox list of the meeting kinds Lots knows.
type settingsKindList struct {
	Field, Legend, Hint string
	Kinds               []settingsRole // Role: the kind's code
}

// settingKindFields are the tracks' meeting-kind fields; meeting_kinds_shown marks a post
// from a form that showed them (an empty checkbox list posts nothing: without the marker the
// stored kinds are kept).
var settingKindFields = []struct {
	Field   string
	Program casework.Program
}{{"sig_meeting_kinds", casework.ProgramSIG}, {"sspf_meeting_kinds", casework.ProgramSSPF}}

// meetingKindsOf points at the track's stored kinds.
func meetingKindsOf(st *casework.Settings, program casework.Program) *[]casework.MeetingKind {
	if program == casework.ProgramSSPF {
		return &st.SSPFMeetingKinds
	}
	return &st.SIGMeetingKinds
}

// settingsRole is a role that may be designated to see protected details.
type settingsRole struct {
	Role, Label, Hint string
	Checked           bool
}

// protectedRoleChoices are the roles that can be given protected details: those that work
// with cases. The others never see a case, so choosing them would mean nothing.
func protectedRoleChoices() []casework.Role {
	var out []casework.Role
	for _, r := range casework.Roles {
		if access.Can(casework.Actor{User: casework.User{Active: true, Roles: casework.NewRoleSet(r)}}, access.WorkWithCases).Allowed {
			out = append(out, r)
		}
	}
	return out
}

// securityAgencyChoices are the agency kinds that may be added to the default's police and
// social services.
func securityAgencyChoices() []casework.AgencyKind {
	var out []casework.AgencyKind
	for _, k := range casework.AgencyKinds {
		if !slices.Contains(casework.DefaultSecurityAgencies, k) {
			out = append(out, k)
		}
	}
	return out
}

func adminSettingsData(p *Page, st casework.Settings) settingsFormData {
	checked, security := st.ProtectedRoles, st.SecurityAgencies
	d := settingsFormData{Fields: settingFields, SSPFFields: settingSSPFFields, ConsentFields: settingConsentFields, ReminderFields: settingReminderFields}
	for _, e := range p.Errors {
		if e.Field == "meeting_slots" {
			d.SlotErrors = append(d.SlotErrors, p.s.catalog.Error(p.Locale, e))
		}
	}
	for _, r := range protectedRoleChoices() {
		d.Roles = append(d.Roles, settingsRole{Role: string(r), Label: p.T("role." + string(r)), Hint: p.T("role." + string(r) + "_hint"), Checked: slices.Contains(checked, r)})
	}
	for _, k := range securityAgencyChoices() {
		d.SecurityKinds = append(d.SecurityKinds, settingsRole{Role: string(k), Label: p.T("agency." + string(k)), Checked: slices.Contains(security, k)})
	}
	for _, f := range settingKindFields {
		chosen := *meetingKindsOf(&st, f.Program)
		if chosen == nil {
			chosen = st.OfferedMeetingKinds(f.Program) // the defaults
		}
		l := settingsKindList{Field: f.Field, Legend: p.T("kinds14." + f.Field), Hint: p.T("kinds14." + f.Field + "_hint")}
		for _, k := range casework.MeetingKinds {
			l.Kinds = append(l.Kinds, settingsRole{Role: string(k), Label: p.T("kinds14.kind." + string(k)), Checked: slices.Contains(chosen, k)})
		}
		d.KindLists = append(d.KindLists, l)
	}
	return d
}

// adminSettingsShow shows the municipality's settings.
func (s *Server) adminSettingsShow(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "admin.settings_title")
	st := m.Settings
	for k, v := range settingPointers(&st) {
		p.Form[k] = strconv.Itoa(*v)
	}
	for k, v := range settingSSPFPointers(&st) {
		p.Form[k] = strconv.Itoa(*v)
	}
	for k, v := range settingPlanNames(&st) {
		p.Form[k] = *v
	}
	showMeetingSettings(p, st, nil)
	if st.MotivationPhase {
		p.Form["motivation_phase"] = "on"
	}
	if st.MayExcludeForNonParticipation {
		p.Form["may_exclude"] = "on"
	}
	if st.TaskReminders {
		p.Form["task_reminders"] = "on"
	}
	p.Data = adminSettingsData(p, st)
	s.render(w, r, http.StatusOK, "admin_settings", p)
}

// showMeetingSettings puts the stored meeting times into the form, except the fields in typed,
// which show what was posted.
func showMeetingSettings(p *Page, st casework.Settings, typed map[string]bool) {
	if !typed["meeting_slots"] {
		p.Form["meeting_slots"] = slotLines(p, st.MeetingSlots)
	}
	for k, v := range settingMeetingPointers(&st) {
		if !typed[k] {
			p.Form[k] = strconv.Itoa(*v)
		}
	}
}

// adminSettingsSave saves the municipality's settings; nothing is saved if any field is wrong.
// Settings the form does not show (those of other pages) are kept as they are, and so are the
// meeting times when the post lacks their fields (see settingMeetingFields).
func (s *Server) adminSettingsSave(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "admin.settings_title")
	formValues(r, p, slices.Concat(settingFields, settingConsentFields, settingReminderFields, []string{"motivation_phase", "may_exclude", "task_reminders"})...)
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := m.Settings
	posted := map[string]bool{}
	for _, k := range settingMeetingFields {
		if _, posted[k] = r.PostForm[k]; posted[k] {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	showMeetingSettings(p, st, posted) // the stored values of the fields not posted
	var fe casework.FieldErrors
	if posted["meeting_slots"] {
		slots, err := casework.ParseMeetingSlots(r.PostFormValue("meeting_slots"))
		if err != nil {
			fe = append(fe, casework.FieldErrorsOf(err)...) // every bad line
		} else {
			st.MeetingSlots = slots // none written is a choice: stored as [], not the default
		}
	}
	for k, ptr := range settingSSPFPointers(&st) {
		if _, ok := r.PostForm[k]; !ok {
			p.Form[k] = strconv.Itoa(*ptr)
			continue
		}
		p.Form[k] = r.PostFormValue(k)
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k)))
		if err != nil {
			fe.Add(k, "settings.number")
			continue
		}
		*ptr = n
	}
	for k, ptr := range settingPlanNames(&st) {
		if _, ok := r.PostForm[k]; !ok {
			p.Form[k] = *ptr
			continue
		}
		p.Form[k] = r.PostFormValue(k)
		*ptr = strings.TrimSpace(r.PostFormValue(k)) // checked by Validate: length, one line
	}
	if r.PostFormValue("meeting_kinds_shown") == "1" {
		for _, f := range settingKindFields {
			kinds := []casework.MeetingKind{} // none ticked is refused by Validate, naming the field
			for _, v := range r.PostForm[f.Field] {
				kinds = append(kinds, casework.MeetingKind(v)) // unknown codes too: Validate refuses them
			}
			*meetingKindsOf(&st, f.Program) = kinds
		}
	}
	for k, ptr := range settingMeetingPointers(&st) {
		if !posted[k] {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k)))
		if err != nil {
			fe.Add(k, "settings.number")
			continue
		}
		*ptr = n
	}
	for k, ptr := range settingPointers(&st) {
		n, err := strconv.Atoi(r.PostFormValue(k))
		if err != nil {
			fe.Add(k, "settings.number")
			continue
		}
		*ptr = n
	}
	st.MotivationPhase = r.PostFormValue("motivation_phase") == "on"
	st.MayExcludeForNonParticipation = r.PostFormValue("may_exclude") == "on"
	st.TaskReminders = r.PostFormValue("task_reminders") == "on"
	choices := protectedRoleChoices()
	st.ProtectedRoles = []casework.Role{} // none chosen is a choice: stored as [], not the default
	for _, v := range r.PostForm["protected_roles"] {
		if !slices.Contains(choices, casework.Role(v)) {
			fe.Add("protected_roles", "settings.protected_roles_invalid")
			continue
		}
		if !slices.Contains(st.ProtectedRoles, casework.Role(v)) {
			st.ProtectedRoles = append(st.ProtectedRoles, casework.Role(v))
		}
	}
	if _, ok := r.PostForm["security_agencies_shown"]; ok { // a post without the fieldset keeps what is stored
		fe = append(fe, securityAgenciesPosted(&st, r.PostForm["security_agencies"])...)
	}
	for _, e := range casework.FieldErrorsOf(st.Validate()) { // the rules' errors too, all at once
		if !consentHasField(fe, e.Field) {
			fe = append(fe, e)
		}
	}
	p.Errors = fe // for the slot field's list of errors; formError sets the same
	p.Data = adminSettingsData(p, st)
	if err := fe.Err(); err != nil {
		s.formError(w, r, "admin_settings", p, err)
		return
	}
	if err := s.store.UpdateSettings(r.Context(), st); err != nil {
		s.formError(w, r, "admin_settings", p, err)
		return
	}
	s.setFlash(w, r, "admin.settings_saved")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// securityAgenciesPosted sets the agency kinds that see the security category from the
// checked boxes: none checked is the default (police and social services); any checked are
// added to it. A kind that is not offered is refused, naming the field.
func securityAgenciesPosted(st *casework.Settings, posted []string) casework.FieldErrors {
	var fe casework.FieldErrors
	var added []casework.AgencyKind
	for _, v := range posted {
		k := casework.AgencyKind(v)
		switch {
		case slices.Contains(casework.DefaultSecurityAgencies, k), slices.Contains(added, k):
			// always there, or twice: nothing to add
		case slices.Contains(securityAgencyChoices(), k):
			added = append(added, k)
		default:
			if len(fe) == 0 {
				fe.Add("security_agencies", "settings.security_agencies_invalid")
			}
		}
	}
	st.SecurityAgencies = nil
	if len(added) > 0 {
		st.SecurityAgencies = slices.Concat(casework.DefaultSecurityAgencies, added)
	}
	return fe
}
