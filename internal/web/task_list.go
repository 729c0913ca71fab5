package web

import (
	"net/http"

	"lots/internal/casework"
	"lots/internal/store"
)

// taskListData is "Mina uppgifter": the actor's tasks on the cases they may see.
type taskListData struct {
	Rows     []taskRow
	ShowDone bool
	Open     int
}

// taskRow is a task as listed.
type taskRow struct {
	store.TaskRow
	Overdue  bool
	Done     bool
	Meeting  string // the meeting that decided it
	CaseURL  string
	GroupURL string
}

func taskRows(p *Page, rows []store.TaskRow, today string) []taskRow {
	var out []taskRow
	for _, r := range rows {
		tr := taskRow{TaskRow: r, Overdue: r.Task.Overdue(today), Done: r.Task.Status == casework.TaskDone,
			CaseURL: caseURL(r.Task.CaseID, ""), GroupURL: caseURL(r.Task.CaseID, "/group")}
		if r.Task.MeetingID != 0 && !r.MeetingStart.IsZero() {
			tr.Meeting = localTime(r.MeetingStart, "2006-01-02")
		}
		out = append(out, tr)
	}
	return out
}

// taskList shows the actor's tasks: open ones by due date, with ?done=1 also the ones done in
// the last 30 days.
func (s *Server) taskList(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "task.mine_title")
	done := r.URL.Query().Get("done") == "1"
	rows, err := s.store.MyTasks(r.Context(), done)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := taskListData{Rows: taskRows(p, rows, s.today()), ShowDone: done}
	for _, r := range rows {
		if r.Task.Status == casework.TaskOpen {
			d.Open++
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "task_list", p)
}

// today is the date in Stockholm.
func (s *Server) today() string { return localTime(s.now(), casework.DateLayout) }

// taskDone marks a task done (its owner, or the staff on the case) and returns to the list.
func (s *Server) taskDone(w http.ResponseWriter, r *http.Request) {
	tid, ok := pathID(r, "tid")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.store.CompleteTask(r.Context(), tid); err != nil {
		if casework.ErrorCode(err) == casework.EConflict {
			s.setFlash(w, r, "task.done_already")
			http.Redirect(w, r, "/tasks", http.StatusSeeOther)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "task.done_saved")
	back := "/tasks"
	if b := r.PostFormValue("back"); safeNext(b) == b && b != "/" {
		back = b
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
