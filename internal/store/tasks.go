package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// This file keeps the decisions of meetings and the tasks they become: an owner (a group member
// who is a user, covered by the consent), a due date, open or done. A task is the case's basic
// information: its owner sees it only while they may see the case.

const taskCols = `t.id, t.municipality_id, t.case_id, c.youth_id, COALESCE(t.meeting_id, 0), COALESCE(t.decision_id, 0), t.text,
	t.owner_user_id, COALESCE(u.name, ''), t.due_date, t.status, t.created_at, t.created_by, t.done_at, COALESCE(t.done_by, 0), t.reminded_at`

const taskFrom = ` FROM tasks t JOIN cases c ON c.id = t.case_id AND c.municipality_id = t.municipality_id
	LEFT JOIN users u ON u.id = t.owner_user_id AND u.municipality_id = t.municipality_id`

func scanTask(sc scanner, extra ...any) (casework.Task, error) {
	var t casework.Task
	var status string
	var done, reminded sql.NullTime
	err := sc.Scan(append([]any{&t.ID, &t.MunicipalityID, &t.CaseID, &t.YouthID, &t.MeetingID, &t.DecisionID, &t.Text, &t.OwnerUserID,
		&t.OwnerName, &t.Due, &status, &t.CreatedAt, &t.CreatedBy, &done, &t.DoneBy, &reminded}, extra...)...)
	t.Status, t.DoneAt, t.RemindedAt, t.CreatedAt = casework.TaskStatus(status), timeOf(done), timeOf(reminded), t.CreatedAt.UTC()
	return t, err
}

// caseTasks lists the case's tasks, open ones first by due date.
func (tx *Tx) caseTasks(municipalityID, caseID int64) ([]casework.Task, error) {
	return queryAll(tx.ctx, tx, `SELECT `+taskCols+taskFrom+` WHERE t.municipality_id = $1 AND t.case_id = $2
		ORDER BY t.status DESC, t.due_date, t.created_at`, []any{municipalityID, caseID}, func(sc scanner) (casework.Task, error) { return scanTask(sc) })
}

// today is the date in Stockholm at the transaction's moment.
func (tx *Tx) today() string { return tx.now.In(casework.Stockholm).Format(casework.DateLayout) }

// AddDecision records a decision of a meeting. With an owner — a group member who is a user
// and covered by the consent now — and a due date, the decision becomes a task.
func (s *Store) AddDecision(ctx context.Context, caseID, meetingID int64, in casework.DecisionInput) (casework.Decision, error) {
	var dec casework.Decision
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "decision", Detail: "meeting decision"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		if err := in.Validate(tx.today()); err != nil {
			return err
		}
		m, err := tx.meeting(mid, caseID, meetingID)
		if err != nil {
			return err
		}
		if m.Status == casework.MeetingCancelled {
			return casework.Errorf(casework.EConflict, "meeting.cancelled_already", "meeting cancelled")
		}
		var owner casework.GroupMember
		if in.OwnerUserID != 0 {
			g, err := tx.group(lc)
			if err != nil {
				return err
			}
			var ok bool
			if owner, ok = g.MemberByUser(in.OwnerUserID); !ok {
				return casework.Invalid("owner", "task.owner_not_member")
			}
			if !owner.Covered {
				return casework.Invalid("owner", "task.owner_no_consent", owner.Name)
			}
		}
		dec = casework.Decision{ID: newID(), CaseID: caseID, MeetingID: meetingID, Text: in.Text, CreatedAt: tx.now, CreatedByName: a.User.Name}
		if _, err := tx.Exec(`INSERT INTO meeting_decisions (id, municipality_id, case_id, meeting_id, text, created_at, created_by, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, dec.ID, mid, caseID, meetingID, dec.Text, tx.now, a.User.ID, a.User.Name); err != nil {
			return casework.Internal(err)
		}
		if err := tx.addEvent(a, lc.Case, "meeting_decision", "", "", "", casework.CatBasic); err != nil {
			return err
		}
		if in.OwnerUserID == 0 {
			return nil
		}
		dec.TaskID, dec.OwnerName, dec.Due = newID(), owner.Name, in.Due
		if _, err := tx.Exec(`INSERT INTO tasks (id, municipality_id, case_id, meeting_id, decision_id, text, owner_user_id, due_date,
			status, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10)`,
			dec.TaskID, mid, caseID, meetingID, dec.ID, in.Text, in.OwnerUserID, in.Due, tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, What{Action: audit.ActionCreate, Object: "task", ObjectID: dec.TaskID, YouthID: lc.Case.YouthID,
			Category: string(casework.CatBasic), Detail: "owner:" + strconv.FormatInt(in.OwnerUserID, 10)}, d)
	})
	return dec, err
}

// taskCase finds the case of a task of the actor's municipality (0 when there is none).
func (s *Store) taskCase(ctx context.Context, municipalityID, taskID int64) (int64, error) {
	var caseID int64
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT case_id FROM tasks WHERE municipality_id = $1 AND id = $2`, municipalityID, taskID).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, casework.Internal(err)
	}
	return caseID, nil
}

// CompleteTask marks a task done. Its owner may, while they may see the case (the consent
// covers them), and so may the social services staff on the case.
func (s *Store) CompleteTask(ctx context.Context, taskID int64) error {
	a, err := requireActor(ctx)
	if err != nil {
		return err
	}
	caseID, err := s.taskCase(ctx, a.User.MunicipalityID, taskID)
	if err != nil {
		return err
	}
	if caseID == 0 {
		s.auditDenied(ctx, a, What{Action: audit.ActionUpdate, Object: "task", ObjectID: taskID}, access.Denied("not_found"))
		return casework.NotFound("task")
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "task", ObjectID: taskID, Detail: "done"}, Work: access.WorkNote}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		t, err := scanTask(tx.QueryRow(`SELECT `+taskCols+taskFrom+` WHERE t.municipality_id = $1 AND t.id = $2`, a.User.MunicipalityID, taskID))
		if err != nil {
			return casework.Internal(err)
		}
		if !casework.CanCompleteTask(t, a.User.ID, lc.Facts.Staff) {
			return casework.Errorf(casework.EForbidden, "task.not_yours", "not the owner")
		}
		if t.Status == casework.TaskDone {
			return casework.Errorf(casework.EConflict, "task.done_already", "already done")
		}
		if _, err := tx.Exec(`UPDATE tasks SET status = 'done', done_at = $1, done_by = $2 WHERE municipality_id = $3 AND id = $4`,
			tx.now, a.User.ID, a.User.MunicipalityID, taskID); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "task_done", "", "", "", casework.CatBasic)
	})
}

// TaskRow is a task as the actor's list shows it.
type TaskRow struct {
	Task         casework.Task
	Name         string // the young person
	MeetingStart time.Time
}

// MyTasks lists the actor's tasks on the cases they may see now — open ones by due date, then
// (with done) the ones done in the last 30 days. A task on a case the consent no longer lets the
// owner see is not listed. Each young person listed is audited.
func (s *Store) MyTasks(ctx context.Context, done bool) ([]TaskRow, error) {
	w := What{Action: audit.ActionList, Object: "task", Category: string(casework.CatBasic)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	var out []TaskRow
	err = s.readAudited(ctx, func(tx *Tx) error {
		args := []any{a.User.MunicipalityID, a.User.ID}
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		status := `t.status = 'open'`
		if done {
			status = `(t.status = 'open' OR t.done_at >= ` + arg(tx.now.AddDate(0, 0, -30)) + `)`
		}
		out, err = queryAll(ctx, tx, `SELECT `+taskCols+`, y.first_name || ' ' || y.last_name, m.starts_at`+taskFrom+`
			JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			LEFT JOIN meetings m ON m.id = t.meeting_id AND m.municipality_id = t.municipality_id
			WHERE t.municipality_id = $1 AND t.owner_user_id = $2 AND `+status+` AND `+visibleEachSQL(a, tx.now, arg)+`
			ORDER BY t.status DESC, t.due_date, t.created_at`, args, func(sc scanner) (TaskRow, error) {
			var r TaskRow
			var start sql.NullTime
			var err error
			r.Task, err = scanTask(sc, &r.Name, &start)
			r.MeetingStart = timeOf(start)
			return r, err
		})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		var ids []int64
		for _, r := range out {
			if !seen[r.Task.YouthID] {
				seen[r.Task.YouthID] = true
				ids = append(ids, r.Task.YouthID)
			}
		}
		return tx.auditList(a, w, ids, d)
	})
	return out, err
}

// ReminderKind is what an e-mail reminder is about.
type ReminderKind string

const (
	ReminderTask    ReminderKind = "task"    // a task falls due; to its owner
	ReminderConsent ReminderKind = "consent" // a consent ends; to the case's coordinator
)

// Reminder is an e-mail reminder due about a task or a consent: to whom, in which language, and
// the date — nothing about the young person, the task's text or the consent's parties.
type Reminder struct {
	Kind           ReminderKind
	ObjectID       int64 // the task's or the consent's id
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	Email          string
	Locale         casework.Locale
	Due            string // YYYY-MM-DD: the day the task is due, or the day the consent ends
}

// DueReminders lists the reminders to send now, across municipalities that have turned
// reminders on (casework.Settings.TaskReminders; one switch for both kinds):
//
//   - open tasks not yet reminded about whose due date is within the municipality's
//     ReminderDaysBefore, to their owner;
//   - consents in force on open cases, not yet reminded about and not renewed, that end within
//     casework.ConsentSoon (the start page's "expiring" list), to the case's coordinator.
//
// Only to users who are active, have an e-mail address and may still see the case. It is the
// reminder job's reading (no actor); it reads no case content. MarkReminded records each
// reminder sent.
func (s *Store) DueReminders(ctx context.Context) ([]Reminder, error) {
	var out []Reminder
	err := s.update(ctx, func(tx *Tx) error {
		type muni struct {
			id int64
			st casework.Settings
		}
		var ms []muni
		rows, err := tx.Query(`SELECT id, settings FROM municipalities ORDER BY id`)
		if err != nil {
			return casework.Internal(err)
		}
		for rows.Next() {
			var m muni
			var raw string
			if err := rows.Scan(&m.id, &raw); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			if m.st, err = parseSettings(raw); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			if m.st = m.st.WithDefaults(); m.st.TaskReminders {
				ms = append(ms, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		for _, m := range ms {
			until := tx.now.In(casework.Stockholm).AddDate(0, 0, m.st.ReminderDaysBefore).Format(casework.DateLayout)
			tasks, err := queryAll(ctx, tx, `SELECT t.id, t.case_id, c.youth_id, t.owner_user_id, u.email, u.locale, t.due_date FROM tasks t
				JOIN users u ON u.id = t.owner_user_id AND u.municipality_id = t.municipality_id
				JOIN cases c ON c.id = t.case_id AND c.municipality_id = t.municipality_id
				WHERE t.municipality_id = $1 AND t.status = 'open' AND t.reminded_at IS NULL AND t.due_date <= $2
				AND u.active = TRUE AND u.email <> '' AND c.step NOT IN ('closed', 'followed_up')
				ORDER BY t.due_date, t.id`, []any{m.id, until}, func(sc scanner) (reminderCandidate, error) {
				var c reminderCandidate
				var locale string
				err := sc.Scan(&c.r.ObjectID, &c.r.CaseID, &c.r.YouthID, &c.user, &c.r.Email, &locale, &c.r.Due)
				c.r.Kind, c.r.MunicipalityID, c.r.Locale = ReminderTask, m.id, casework.ParseLocale(locale)
				return c, err
			})
			if err != nil {
				return err
			}
			consents, err := queryAll(ctx, tx, `SELECT k.id, k.case_id, c.youth_id, u.id, u.email, u.locale, k.valid_until FROM consents k
				JOIN cases c ON c.id = k.case_id AND c.municipality_id = k.municipality_id
				JOIN case_staff s ON s.case_id = k.case_id AND s.municipality_id = k.municipality_id AND s.role = 'coordinator'
				JOIN users u ON u.id = s.user_id AND u.municipality_id = k.municipality_id
				WHERE k.municipality_id = $1 AND `+consentExpiringSQL+` AND k.reminded_at IS NULL AND NOT `+consentRenewedSQL+`
				AND u.active = TRUE AND u.email <> ''
				ORDER BY k.valid_until, k.id, u.id`, []any{m.id, tx.now, tx.now.Add(casework.ConsentSoon)}, func(sc scanner) (reminderCandidate, error) {
				var c reminderCandidate
				var locale string
				var ends time.Time
				err := sc.Scan(&c.r.ObjectID, &c.r.CaseID, &c.r.YouthID, &c.user, &c.r.Email, &locale, &ends)
				// The day the consent ends as the consent pages show it ("gäller till").
				c.r.Kind, c.r.MunicipalityID, c.r.Locale = ReminderConsent, m.id, casework.ParseLocale(locale)
				c.r.Due = ends.In(casework.Stockholm).Format(casework.DateLayout)
				return c, err
			})
			if err != nil {
				return err
			}
			facts := map[int64]*loadedCase{}
			for _, c := range append(tasks, consents...) {
				lc, ok := facts[c.r.CaseID]
				if !ok {
					l, err := tx.loadCase(m.id, c.r.CaseID)
					if err != nil {
						return err
					}
					lc = &l
					facts[c.r.CaseID] = lc
				}
				u, err := tx.memberUser(m.id, c.user)
				if err != nil {
					continue // no longer a user who works with cases
				}
				if access.Case(u, lc.Facts, casework.CatBasic, tx.now).Allowed {
					out = append(out, c.r)
				}
			}
		}
		return nil
	})
	return out, err
}

// reminderCandidate is a reminder DueReminders found, before it checks that its recipient (the
// user) may still see the case.
type reminderCandidate struct {
	r    Reminder
	user int64
}

// MarkReminded records that the reminder was sent, once: in the task or the consent and in the
// municipality's audit log (as the reminder job, naming the young person the task or consent
// concerns). It reports false when it was already reminded about.
func (s *Store) MarkReminded(ctx context.Context, r Reminder) (bool, error) {
	var table, ground string
	switch r.Kind {
	case ReminderTask:
		table, ground = "tasks", "task_reminder"
	case ReminderConsent:
		table, ground = "consents", "consent_reminder"
	default:
		return false, casework.Internal(fmt.Errorf("reminder of unknown kind %q", r.Kind))
	}
	var marked bool
	err := s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE `+table+` SET reminded_at = $1 WHERE municipality_id = $2 AND id = $3 AND reminded_at IS NULL`, tx.now, r.MunicipalityID, r.ObjectID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		marked = true
		sys := casework.SystemActor(r.MunicipalityID, "reminders")
		return tx.audit(sys, What{Action: audit.ActionExport, Object: string(r.Kind), ObjectID: r.ObjectID, YouthID: r.YouthID, Category: string(casework.CatBasic),
			Detail: "e-mail reminder"}, access.Allow(access.GroundSystem, ground))
	})
	return marked, err
}
