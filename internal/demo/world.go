package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// world is the municipality the stories happen in: the store (with the history's clock), its
// districts and agencies, and the people who act, each as a context carrying their actor —
// the same actor a logged-in session would have, so the access rules and the audit log are
// those of real use.
type world struct {
	st        *store.Store
	m         casework.Municipality
	districts []casework.District
	// agency is the agency of each kind a party is drawn from; upperSchool the one for young
	// people of gymnasium age (the ordinary school agency when there is none).
	agency      map[casework.AgencyKind]casework.Agency
	upperSchool casework.Agency
	// Who does what: the coordinators share the cases; prep is the preparatory group (the
	// coordinator decides when there is none); officer is the case officer who makes the
	// SAVRY assessments; reporter reports concerns for an agency kind; member writes that
	// agency's notes under a consent.
	coordinators []string
	// defector: a story has been made the demo's one defector (story_security.go).
	defector bool
	prep     string
	officer  string
	reporter map[casework.AgencyKind]string
	member   map[casework.AgencyKind]string
	users    map[string]casework.User
	kind     map[string]casework.AgencyKind // the agency kind of each acting user
	ctx      map[string]context.Context
	names    map[string]bool // the young people's names so far, so each is given once
}

// newWorld reads the municipality's organisation and users and builds an actor for each user
// the stories need. It needs at least one coordinator and one police or school user.
func newWorld(ctx context.Context, st *store.Store, m casework.Municipality) (*world, error) {
	w := &world{st: st, m: m, agency: map[casework.AgencyKind]casework.Agency{}, reporter: map[casework.AgencyKind]string{},
		member: map[casework.AgencyKind]string{}, users: map[string]casework.User{}, kind: map[string]casework.AgencyKind{},
		ctx: map[string]context.Context{}, names: map[string]bool{}}
	var err error
	if w.districts, err = st.Districts(ctx, m.ID); err != nil {
		return nil, err
	}
	agencies, err := st.Agencies(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	kindOf := map[int64]casework.AgencyKind{}
	for _, a := range agencies {
		kindOf[a.ID] = a.Kind
		if a.Kind == casework.AgencySchool && strings.Contains(strings.ToLower(a.Name), "gymnas") {
			w.upperSchool = a
		}
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "demo"))
	users, err := st.Users(sys)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if !u.Active {
			continue
		}
		kind := kindOf[u.AgencyID]
		used := false
		switch {
		case u.Roles.Has(casework.RoleCoordinator) && kind == casework.AgencySocial:
			w.coordinators, used = append(w.coordinators, u.Username), true
		case u.Roles.Has(casework.RolePrepGroup) && kind == casework.AgencySocial && w.prep == "":
			w.prep, used = u.Username, true
		case u.Roles.Has(casework.RoleCaseOfficer) && kind == casework.AgencySocial && w.officer == "":
			w.officer, used = u.Username, true
			w.reporter[casework.AgencySocial] = u.Username
		case u.Roles.Has(casework.RoleGroupMember) && w.member[kind] == "" && (w.upperSchool.ID == 0 || u.AgencyID != w.upperSchool.ID):
			w.member[kind], w.reporter[kind], used = u.Username, u.Username, true
			for _, a := range agencies {
				if a.ID == u.AgencyID {
					w.agency[kind] = a
				}
			}
		}
		if used {
			w.users[u.Username], w.kind[u.Username] = u, kind
			a, err := st.Actor(ctx, m.ID, u.ID, casework.ViaSession)
			if err != nil {
				return nil, fmt.Errorf("actor %s: %w", u.Username, err)
			}
			w.ctx[u.Username] = casework.WithActor(ctx, a)
		}
	}
	for _, a := range agencies { // kinds without a member: the first agency of the kind
		if _, ok := w.agency[a.Kind]; !ok && (w.upperSchool.ID == 0 || a.ID != w.upperSchool.ID) {
			w.agency[a.Kind] = a
		}
	}
	if w.upperSchool.ID == 0 {
		w.upperSchool = w.agency[casework.AgencySchool]
	}
	slices.Sort(w.coordinators)
	if len(w.coordinators) == 0 {
		return nil, fmt.Errorf("municipality %s has no coordinator in social services", m.Code)
	}
	if w.reporter[casework.AgencySocial] == "" {
		w.reporter[casework.AgencySocial] = w.coordinators[0]
	}
	if w.reporter[casework.AgencyPolice] == "" && w.reporter[casework.AgencySchool] == "" {
		return nil, fmt.Errorf("municipality %s has no police or school user to report concerns", m.Code)
	}
	if len(w.districts) == 0 {
		return nil, fmt.Errorf("municipality %s has no districts", m.Code)
	}
	return w, nil
}

// as returns the context of the user who acts.
func (w *world) as(username string) context.Context { return w.ctx[username] }

// reporterFor returns who reports a concern for an agency kind, falling back to the police or
// the school.
func (w *world) reporterFor(k casework.AgencyKind) string {
	for _, kind := range []casework.AgencyKind{k, casework.AgencyPolice, casework.AgencySchool} {
		if u := w.reporter[kind]; u != "" {
			return u
		}
	}
	return w.coordinators[0]
}

// prepUser is who takes the preparatory group's decisions: the preparatory group, else the
// case's coordinator.
func (w *world) prepUser(coordinator string) string {
	if w.prep != "" {
		return w.prep
	}
	return coordinator
}

// schoolFor is the school agency for a young person of age.
func (w *world) schoolFor(age int) casework.Agency {
	if age >= 16 {
		return w.upperSchool
	}
	return w.agency[casework.AgencySchool]
}
