package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
)

// Tasks: the decisions of meetings that have an owner and a due date. Each owner sees their
// own, on the cases they may see now, and marks them done.

func (api *API) taskRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/tasks", Summary: "Your tasks on the cases you may see now: open ones by due date, with done=true also those done in the last 30 days", Tag: "tasks",
			Query:    []Param{{Name: "done", Type: "boolean", Doc: "also the tasks done in the last 30 days"}},
			Response: reflect.TypeFor[TaskList](), Handle: api.myTasks},
		{Method: "POST", Path: "/api/v1/tasks/{tid}/done", Summary: "Mark a task done: its owner may, and the social services staff on the case", Tag: "tasks",
			Status: http.StatusNoContent, Handle: api.completeTask},
	}
}

// Task is one of your tasks.
type Task struct {
	ID           int64     `json:"id"`
	CaseID       int64     `json:"case_id"`
	YouthName    string    `json:"youth_name"`
	MeetingID    int64     `json:"meeting_id,omitempty" doc:"the meeting that decided it"`
	MeetingStart time.Time `json:"meeting_start,omitzero"`
	Text         string    `json:"text"`
	Owner        string    `json:"owner"`
	Due          string    `json:"due" doc:"YYYY-MM-DD"`
	Status       string    `json:"status" enum:"open,done"`
	Overdue      bool      `json:"overdue" doc:"open and due before today (Swedish time)"`
	CreatedAt    time.Time `json:"created_at"`
	DoneAt       time.Time `json:"done_at,omitzero"`
}

// TaskList is your tasks, open ones first by due date.
type TaskList struct {
	Items []Task `json:"items"`
}

func (api *API) myTasks(w http.ResponseWriter, r *http.Request) error {
	done, err := queryBool(r, "done")
	if err != nil {
		return err
	}
	ts, err := api.store.MyTasks(r.Context(), done)
	if err != nil {
		return err
	}
	today := api.store.Now().In(casework.Stockholm).Format(casework.DateLayout)
	out := TaskList{Items: []Task{}}
	for _, x := range ts {
		t := x.Task
		out.Items = append(out.Items, Task{ID: t.ID, CaseID: t.CaseID, YouthName: x.Name, MeetingID: t.MeetingID, MeetingStart: utc(x.MeetingStart),
			Text: t.Text, Owner: t.OwnerName, Due: t.Due, Status: string(t.Status), Overdue: t.Overdue(today), CreatedAt: utc(t.CreatedAt), DoneAt: utc(t.DoneAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) completeTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := api.store.CompleteTask(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}
