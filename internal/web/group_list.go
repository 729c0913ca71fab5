package web

import (
	"net/http"

	"lots/internal/store"
)

// groupListData is "Mina grupper": the groups the actor is in, as a member or as staff.
type groupListData struct {
	Rows []groupRow
}

type groupRow struct {
	store.MyGroup
	Step string
	Next string
	URL  string
}

func groupRows(p *Page, gs []store.MyGroup) []groupRow {
	var out []groupRow
	for _, g := range gs {
		row := groupRow{MyGroup: g, Step: p.T("step." + string(g.Step)), URL: caseURL(g.CaseID, "/group")}
		if !g.NextMeeting.IsZero() {
			row.Next = formatDateTime(g.NextMeeting)
		}
		out = append(out, row)
	}
	return out
}

// groupList shows the actor's groups.
func (s *Server) groupList(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "group.mine_title")
	gs, err := s.store.MyGroups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = groupListData{Rows: groupRows(p, gs)}
	s.render(w, r, http.StatusOK, "group_list", p)
}
