package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/auth"
	"lots/internal/casework"
)

// userFormData is the data of the user list and form pages.
type userFormData struct {
	Users       []casework.User
	Agencies    []casework.Agency
	Units       []casework.Unit
	AgencyNames map[int64]string
	Roles       []casework.Role
	Checked     map[casework.Role]bool
	User        casework.User
	Password    string // a generated password, shown once
}

// adminUsers lists the municipality's accounts.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "admin.users_title")
	users, err := s.store.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.userFormData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Users = users
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_users", p)
}

// userFormData loads the choices of the user form.
func (s *Server) userFormData(r *http.Request) (userFormData, error) {
	a, _ := casework.ActorFrom(r.Context())
	d := userFormData{Roles: casework.Roles, Checked: map[casework.Role]bool{}, AgencyNames: map[int64]string{}}
	var err error
	if d.Agencies, err = s.store.Agencies(r.Context(), a.User.MunicipalityID); err != nil {
		return d, err
	}
	for _, ag := range d.Agencies {
		d.AgencyNames[ag.ID] = ag.Name
	}
	d.Units, err = s.store.Units(r.Context(), a.User.MunicipalityID)
	return d, err
}

// userFromForm reads the posted user fields into u and the page's form values.
func userFromForm(r *http.Request, p *Page, u *casework.User) {
	formValues(r, p, "username", "name", "email", "title", "agency", "unit")
	u.Name, u.Email, u.Title = r.PostFormValue("name"), r.PostFormValue("email"), r.PostFormValue("title")
	u.AgencyID, _ = strconv.ParseInt(r.PostFormValue("agency"), 10, 64)
	u.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	u.Roles = casework.ParseRoles(strings.Join(r.PostForm["roles"], ","))
}

// adminUserNew shows the form for a new account.
func (s *Server) adminUserNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "admin.user_new_title")
	d, err := s.userFormData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_user_form", p)
}

// adminUserCreate creates an account with a generated password shown once.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "admin.user_new_title")
	d, err := s.userFormData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var u casework.User
	userFromForm(r, p, &u)
	u.Username = r.PostFormValue("username")
	for _, role := range u.Roles {
		d.Checked[role] = true
	}
	d.User = u
	p.Data = d
	password := auth.GeneratePassword()
	hash, err := s.hasher.Hash(password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.CreateUser(r.Context(), &u, hash); err != nil {
		s.formError(w, r, "admin_user_form", p, err)
		return
	}
	d.User, d.Password = u, password
	p.Data = d
	p.Title = p.T("admin.user_created_title")
	s.render(w, r, http.StatusCreated, "admin_user_password", p)
}

// adminUserLoad reads the account of the path and starts its form's page; on false it has
// answered (not found, or an error).
func (s *Server) adminUserLoad(w http.ResponseWriter, r *http.Request) (casework.User, *Page, userFormData, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return casework.User{}, nil, userFormData{}, false
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return u, nil, userFormData{}, false
	}
	p := s.page(w, r, "admin.user_edit_title")
	d, err := s.userFormData(r)
	if err != nil {
		s.fail(w, r, err)
		return u, nil, d, false
	}
	return u, p, d, true
}

// adminUserEdit shows an account's form.
func (s *Server) adminUserEdit(w http.ResponseWriter, r *http.Request) {
	u, p, d, ok := s.adminUserLoad(w, r)
	if !ok {
		return
	}
	d.User = u
	for _, role := range u.Roles {
		d.Checked[role] = true
	}
	p.Form = map[string]string{
		"username": u.Username, "name": u.Name, "email": u.Email, "title": u.Title,
		"agency": strconv.FormatInt(u.AgencyID, 10), "unit": strconv.FormatInt(u.UnitID, 10),
	}
	if u.Active {
		p.Form["active"] = "on"
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_user_form", p)
}

// adminUserSave saves an account's form.
func (s *Server) adminUserSave(w http.ResponseWriter, r *http.Request) {
	u, p, d, ok := s.adminUserLoad(w, r)
	if !ok {
		return
	}
	userFromForm(r, p, &u)
	p.Form["username"] = u.Username
	u.Active = r.PostFormValue("active") == "on"
	if u.Active {
		p.Form["active"] = "on"
	}
	for _, role := range u.Roles {
		d.Checked[role] = true
	}
	d.User = u
	p.Data = d
	if err := s.store.UpdateUser(r.Context(), &u); err != nil {
		s.formError(w, r, "admin_user_form", p, err)
		return
	}
	s.setFlash(w, r, "admin.user_saved")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// adminUserPassword gives an account a new generated password, shown once.
func (s *Server) adminUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	password := auth.GeneratePassword()
	hash, err := s.hasher.Hash(password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "admin.user_password_title")
	p.Data = userFormData{User: u, Password: password}
	s.render(w, r, http.StatusOK, "admin_user_password", p)
}
