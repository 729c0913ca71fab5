package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// settingFields are the number fields of the municipal settings form, in order.
var settingFields = []string{
	"min_age", "max_age", "group_within_days", "action_plan_within_days", "assessment_within_days",
	"consent_validity_months", "session_idle_minutes", "session_max_hours",
}

func settingPointers(st *casework.Settings) map[string]*int {
	return map[string]*int{
		"min_age": &st.MinAge, "max_age": &st.MaxAge, "group_within_days": &st.GroupWithinDays,
		"action_plan_within_days": &st.ActionPlanWithinDays, "assessment_within_days": &st.AssessmentWithinDays,
		"consent_validity_months": &st.ConsentValidityMonths, "session_idle_minutes": &st.SessionIdleMinutes,
		"session_max_hours": &st.SessionMaxHours,
	}
}

// settingsFormData lists the fields for the template.
type settingsFormData struct{ Fields []string }

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
	p.Data = settingsFormData{Fields: settingFields}
	s.render(w, r, http.StatusOK, "admin_settings", p)
}

// adminSettingsSave saves the municipality's settings; nothing is saved if any field is wrong.
func (s *Server) adminSettingsSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "admin.settings_title")
	p.Data = settingsFormData{Fields: settingFields}
	formValues(r, p, append(settingFields, "motivation_phase", "may_exclude")...)
	var st casework.Settings
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
