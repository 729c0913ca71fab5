package web

import (
	"net/http"
	"slices"
	"strconv"

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

// settingsFormData lists the fields for the template.
type settingsFormData struct {
	Fields         []string
	ConsentFields  []string
	ReminderFields []string
	Roles          []settingsRole
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

func adminSettingsData(p *Page, checked []casework.Role) settingsFormData {
	d := settingsFormData{Fields: settingFields, ConsentFields: settingConsentFields, ReminderFields: settingReminderFields}
	for _, r := range protectedRoleChoices() {
		d.Roles = append(d.Roles, settingsRole{Role: string(r), Label: p.T("role." + string(r)), Hint: p.T("role." + string(r) + "_hint"), Checked: slices.Contains(checked, r)})
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
	if st.MotivationPhase {
		p.Form["motivation_phase"] = "on"
	}
	if st.MayExcludeForNonParticipation {
		p.Form["may_exclude"] = "on"
	}
	if st.TaskReminders {
		p.Form["task_reminders"] = "on"
	}
	p.Data = adminSettingsData(p, st.ProtectedRoles)
	s.render(w, r, http.StatusOK, "admin_settings", p)
}

// adminSettingsSave saves the municipality's settings; nothing is saved if any field is wrong.
// Settings the form does not show (those of other pages) are kept as they are.
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
	var fe casework.FieldErrors
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
	p.Data = adminSettingsData(p, st.ProtectedRoles)
	if len(fe) > 0 { // show the rules' errors too, all at once
		for _, e := range casework.FieldErrorsOf(st.Validate()) {
			if !consentHasField(fe, e.Field) {
				fe = append(fe, e)
			}
		}
	}
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
