package casework

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TaskStatus is a task's state.
type TaskStatus string

const (
	TaskOpen TaskStatus = "open"
	TaskDone TaskStatus = "done"
)

// Task is something a group member has undertaken to do, usually decided at a meeting.
type Task struct {
	ID             int64
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	MeetingID      int64 // the meeting that decided it; 0 when none
	DecisionID     int64
	Text           string
	OwnerUserID    int64
	OwnerName      string
	Due            string // YYYY-MM-DD
	Status         TaskStatus
	CreatedAt      time.Time
	CreatedBy      int64
	DoneAt         time.Time
	DoneBy         int64
	RemindedAt     time.Time
}

// Overdue reports whether the open task's due date is before today (YYYY-MM-DD).
func (t Task) Overdue(today string) bool { return t.Status == TaskOpen && t.Due != "" && t.Due < today }

// Decision is a decision recorded at a meeting. A decision with an owner becomes a task.
type Decision struct {
	ID            int64
	CaseID        int64
	MeetingID     int64
	Text          string
	CreatedAt     time.Time
	CreatedByName string
	TaskID        int64
	OwnerName     string
	Due           string
}

// DecisionInput is a decision as the meeting records it.
type DecisionInput struct {
	Text        string
	OwnerUserID int64  // a group member who is a user; 0 for a decision that is no task
	Due         string // YYYY-MM-DD, needed with an owner
}

// MaxDecisionLength is the longest decision text.
const MaxDecisionLength = 2000

// Validate checks a decision: a text; an owner and a due date together (a task needs both).
// today is YYYY-MM-DD; a due date may not be before it.
func (in *DecisionInput) Validate(today string) error {
	var fe FieldErrors
	in.Text, in.Due = strings.TrimSpace(in.Text), strings.TrimSpace(in.Due)
	if in.Text == "" {
		fe.Add("decision_text", "task.text_required")
	} else if utf8.RuneCountInString(in.Text) > MaxDecisionLength {
		fe.Add("decision_text", "task.text_too_long")
	}
	switch {
	case in.OwnerUserID == 0 && in.Due != "":
		fe.Add("owner", "task.owner_required")
	case in.OwnerUserID != 0 && in.Due == "":
		fe.Add("due", "task.due_required")
	case in.Due != "":
		if _, err := time.Parse(DateLayout, in.Due); err != nil {
			fe.Add("due", "task.due_invalid")
		} else if in.Due < today {
			fe.Add("due", "task.due_past")
		}
	}
	return fe.Err()
}

// CanCompleteTask reports whether a user may mark a task done: its owner, or the social
// services staff working on the case (who keep the group's work in order).
func CanCompleteTask(t Task, userID int64, staff []StaffLink) bool {
	if t.OwnerUserID == userID {
		return true
	}
	for _, s := range staff {
		if s.UserID == userID {
			return true
		}
	}
	return false
}
