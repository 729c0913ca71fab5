package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// This file keeps the group's meetings: planning them in the municipality's fixed slots, the
// agenda, attendance, minutes, and cancelling. A meeting is the case's basic information; its
// minutes are in the category chosen for them (basic unless chosen), and its place is hidden
// like an address when the young person has protected identity.

const meetingCols = `m.id, m.municipality_id, m.case_id, c.youth_id, m.starts_at, m.duration_minutes, m.pre_minutes, m.place, m.kind, m.status,
	m.minutes_text, m.minutes_category, m.cancel_reason, m.sequence, m.held_at, m.created_at, m.created_by, m.updated_at`

// meetingFrom joins the case, whose young person the meeting concerns.
const meetingFrom = ` FROM meetings m JOIN cases c ON c.id = m.case_id AND c.municipality_id = m.municipality_id`

func scanMeeting(sc scanner) (casework.Meeting, error) {
	var m casework.Meeting
	var status, cat, kind string
	var held sql.NullTime
	err := sc.Scan(&m.ID, &m.MunicipalityID, &m.CaseID, &m.YouthID, &m.Start, &m.DurationMinutes, &m.PreMinutes, &m.Place, &kind, &status,
		&m.MinutesText, &cat, &m.CancelReason, &m.Sequence, &held, &m.CreatedAt, &m.CreatedBy, &m.UpdatedAt)
	m.Status, m.MinutesCategory, m.HeldAt, m.Kind = casework.MeetingStatus(status), casework.Category(cat), timeOf(held), casework.MeetingKind(kind)
	m.Start, m.CreatedAt, m.UpdatedAt = m.Start.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// caseMeetings lists the case's meetings, latest first.
func (tx *Tx) caseMeetings(municipalityID, caseID int64) ([]casework.Meeting, error) {
	return queryAll(tx.ctx, tx, `SELECT `+meetingCols+meetingFrom+` WHERE m.municipality_id = $1 AND m.case_id = $2
		ORDER BY m.starts_at DESC, m.id`, []any{municipalityID, caseID}, scanMeeting)
}

// meeting loads one meeting of the case; another case's meeting does not exist.
func (tx *Tx) meeting(municipalityID, caseID, meetingID int64) (casework.Meeting, error) {
	m, err := scanMeeting(tx.QueryRow(`SELECT `+meetingCols+meetingFrom+` WHERE m.municipality_id = $1 AND m.case_id = $2 AND m.id = $3`,
		municipalityID, caseID, meetingID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, casework.NotFound("meeting")
	}
	if err != nil {
		return m, casework.Internal(err)
	}
	return m, nil
}

// seesPlace decides whether the actor sees the case's meeting places: always, unless the young
// person has protected identity and the actor's role is not one the municipality designates.
// Reading protected details is audited.
func (tx *Tx) seesPlace(a casework.Actor, lc *loadedCase) (bool, error) {
	if !lc.Facts.ProtectedIdentity {
		return true, nil
	}
	d := lc.May.Read(casework.CatProtected)
	if !d.Allowed {
		return false, nil
	}
	return true, tx.audit(a, What{Action: audit.ActionRead, Object: "meeting", ObjectID: lc.Case.ID, YouthID: lc.Case.YouthID,
		Category: string(casework.CatProtected), Detail: "meeting place"}, d)
}

// MeetingList is a case's meetings with proposals for the next ones.
type MeetingList struct {
	Meetings  []casework.Meeting // latest first
	Proposals []casework.Proposal
	Group     casework.Group
	Slots     []casework.MeetingSlot
	// PreMinutes is the municipality's pre-meeting length.
	PreMinutes int
	SeesPlace  bool
	// Kinds are the meeting kinds the case's track offers (Settings.OfferedMeetingKinds).
	Kinds []casework.MeetingKind
}

// proposalCount is how many meeting times a case's meeting page proposes.
const proposalCount = 3

// Meetings returns the case's meetings and proposes the next ones: free occurrences of the
// municipality's fixed slots in the group's rhythm, where free means the case's coordinator has
// no other meeting then.
func (s *Store) Meetings(ctx context.Context, caseID int64) (MeetingList, error) {
	var ml MeetingList
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionList, Object: "meeting"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		if ml.SeesPlace, err = tx.seesPlace(a, lc); err != nil {
			return err
		}
		if ml.Meetings, err = tx.caseMeetings(a.User.MunicipalityID, caseID); err != nil {
			return err
		}
		if !ml.SeesPlace {
			for i := range ml.Meetings {
				ml.Meetings[i].Place = ""
			}
		}
		if ml.Group, err = tx.group(lc); err != nil {
			return err
		}
		st := lc.Settings.WithDefaults()
		ml.Slots, ml.PreMinutes, ml.Kinds = st.MeetingSlots, st.PreMeetingMinutes, st.OfferedMeetingKinds(lc.Case.Program)
		if lc.Case.Step.Open() {
			ml.Proposals, err = tx.proposals(lc, ml.Meetings, ml.Group.RhythmWeeks, st)
		}
		return err
	})
	return ml, err
}

// proposals proposes the case's next meetings.
func (tx *Tx) proposals(lc *loadedCase, meetings []casework.Meeting, rhythm int, st casework.Settings) ([]casework.Proposal, error) {
	var last time.Time
	for _, m := range meetings {
		if m.Status != casework.MeetingCancelled && m.Start.After(last) {
			last = m.Start
		}
	}
	busy, err := tx.coordinatorBusy(lc, tx.now)
	if err != nil {
		return nil, err
	}
	return casework.ProposeMeetings(casework.ProposalInput{Slots: st.MeetingSlots, Now: tx.now, Last: last, RhythmWeeks: rhythm,
		Busy: busy, PreMinutes: st.PreMeetingMinutes, Count: proposalCount}), nil
}

// coordinatorBusy is when the case's coordinator has planned meetings ahead, in any case they
// coordinate (pre-meetings included). Only the times are read.
func (tx *Tx) coordinatorBusy(lc *loadedCase, from time.Time) ([]casework.Interval, error) {
	var coord int64
	for _, s := range lc.Facts.Staff {
		if s.Role == casework.StaffCoordinator {
			coord = s.UserID
		}
	}
	if coord == 0 {
		return nil, nil
	}
	rows, err := tx.Query(`SELECT m.starts_at, m.duration_minutes, m.pre_minutes FROM meetings m
		JOIN case_staff s ON s.case_id = m.case_id AND s.municipality_id = m.municipality_id
		WHERE m.municipality_id = $1 AND s.user_id = $2 AND s.role = 'coordinator' AND m.status = 'planned' AND m.starts_at >= $3`,
		lc.Case.MunicipalityID, coord, from.Add(-24*time.Hour))
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var out []casework.Interval
	for rows.Next() {
		var m casework.Meeting
		if err := rows.Scan(&m.Start, &m.DurationMinutes, &m.PreMinutes); err != nil {
			return nil, casework.Internal(err)
		}
		out = append(out, m.Span())
	}
	return out, rows.Err()
}

// CreateMeeting plans a meeting of the case's group.
func (s *Store) CreateMeeting(ctx context.Context, caseID int64, in casework.MeetingInput) (casework.Meeting, error) {
	var m casework.Meeting
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "meeting"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		var err error
		in.Program = lc.Case.Program // the kind must be one the case's track offers
		if m, err = casework.BuildMeeting(in, lc.Settings, tx.now); err != nil {
			return err
		}
		if err := tx.ensureGroup(lc); err != nil {
			return err
		}
		m.ID, m.MunicipalityID, m.CaseID, m.YouthID, m.CreatedAt, m.CreatedBy, m.UpdatedAt = newID(), a.User.MunicipalityID, caseID, lc.Case.YouthID, tx.now, a.User.ID, tx.now
		if _, err := tx.Exec(`INSERT INTO meetings (id, municipality_id, case_id, starts_at, duration_minutes, pre_minutes, place, status,
			minutes_category, created_at, created_by, updated_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12)`,
			m.ID, m.MunicipalityID, caseID, m.Start, m.DurationMinutes, m.PreMinutes, m.Place, string(m.Status),
			string(m.MinutesCategory), tx.now, a.User.ID, string(m.Kind)); err != nil {
			return casework.Internal(err)
		}
		if err := tx.notifyGroup(a, lc, NotifyMeetingCreated, m.ID, m.Sequence); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "meeting_planned", "", "", "", casework.CatBasic)
	})
	return m, err
}

// MeetingDetail is a meeting as its page shows it.
type MeetingDetail struct {
	Meeting   casework.Meeting
	Group     casework.Group
	Present   map[int64]bool // member id → came (recorded members only)
	Recorded  bool           // attendance was recorded
	Decisions []casework.Decision
	Agenda    casework.Agenda
	SeesPlace bool
	// SeesMinutes is false when the minutes are in a category the actor may not see; the
	// minutes are blank then.
	SeesMinutes bool
	Reference   string
	Coordinator string
}

// Meeting returns a meeting with its group, attendance, decisions and agenda. What the agenda
// shows of the case's events is limited to the categories the actor may see, each audited.
func (s *Store) Meeting(ctx context.Context, caseID, meetingID int64) (MeetingDetail, error) {
	var md MeetingDetail
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "meeting", ObjectID: meetingID}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		m, err := tx.meeting(mid, caseID, meetingID)
		if err != nil {
			return err
		}
		if md.SeesPlace, err = tx.seesPlace(a, lc); err != nil {
			return err
		}
		if !md.SeesPlace {
			m.Place = ""
		}
		md.SeesMinutes = true
		if m.MinutesCategory != casework.CatBasic && m.MinutesText != "" {
			dc := lc.May.Read(m.MinutesCategory)
			md.SeesMinutes = dc.Allowed
			if dc.Allowed {
				err = tx.audit(a, What{Action: audit.ActionRead, Object: "meeting", ObjectID: meetingID, YouthID: lc.Case.YouthID,
					Category: string(m.MinutesCategory), Detail: "minutes"}, dc)
				if err != nil {
					return err
				}
			} else {
				m.MinutesText = ""
			}
		}
		md.Meeting, md.Reference = m, casework.CaseReference(caseID)
		for _, st := range lc.Facts.Staff {
			if st.Role == casework.StaffCoordinator {
				md.Coordinator = st.Name
			}
		}
		if md.Group, err = tx.group(lc); err != nil {
			return err
		}
		if md.Present, md.Recorded, err = tx.attendance(mid, meetingID); err != nil {
			return err
		}
		if md.Decisions, err = tx.decisions(mid, meetingID); err != nil {
			return err
		}
		md.Agenda, err = tx.agenda(a, lc, m)
		return err
	})
	return md, err
}

func (tx *Tx) attendance(municipalityID, meetingID int64) (map[int64]bool, bool, error) {
	rows, err := tx.Query(`SELECT member_id, present FROM meeting_attendance WHERE municipality_id = $1 AND meeting_id = $2`, municipalityID, meetingID)
	if err != nil {
		return nil, false, casework.Internal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var p bool
		if err := rows.Scan(&id, &p); err != nil {
			return nil, false, casework.Internal(err)
		}
		out[id] = p
	}
	return out, len(out) > 0, rows.Err()
}

func (tx *Tx) decisions(municipalityID, meetingID int64) ([]casework.Decision, error) {
	return queryAll(tx.ctx, tx, `SELECT d.id, d.case_id, d.meeting_id, d.text, d.created_at, d.created_by_name,
		COALESCE(t.id, 0), COALESCE(u.name, ''), COALESCE(t.due_date, '')
		FROM meeting_decisions d LEFT JOIN tasks t ON t.decision_id = d.id AND t.municipality_id = d.municipality_id
		LEFT JOIN users u ON u.id = t.owner_user_id
		WHERE d.municipality_id = $1 AND d.meeting_id = $2 ORDER BY d.created_at, d.id`, []any{municipalityID, meetingID},
		func(sc scanner) (casework.Decision, error) {
			var d casework.Decision
			err := sc.Scan(&d.ID, &d.CaseID, &d.MeetingID, &d.Text, &d.CreatedAt, &d.CreatedByName, &d.TaskID, &d.OwnerName, &d.Due)
			d.CreatedAt = d.CreatedAt.UTC()
			return d, err
		})
}

// agenda builds the meeting's agenda from the plan in force, the case's events since the
// previous held meeting in the categories the actor may see, the consents and the open tasks.
func (tx *Tx) agenda(a casework.Actor, lc *loadedCase, m casework.Meeting) (casework.Agenda, error) {
	mid, caseID := lc.Case.MunicipalityID, lc.Case.ID
	in := casework.AgendaInput{Meeting: m, Consents: lc.Facts.Consents, Now: tx.now}
	var since sql.NullTime
	rows, err := tx.Query(`SELECT starts_at FROM meetings WHERE municipality_id = $1 AND case_id = $2 AND status = 'held' AND id <> $3
		AND starts_at < $4 ORDER BY starts_at DESC LIMIT 1`, mid, caseID, m.ID, m.Start)
	if err != nil {
		return casework.Agenda{}, casework.Internal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&since); err != nil {
			rows.Close()
			return casework.Agenda{}, casework.Internal(err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return casework.Agenda{}, casework.Internal(err)
	}
	in.Since = timeOf(since)
	if in.Plan, _, err = tx.currentPlan(mid, caseID); err != nil {
		return casework.Agenda{}, err
	}
	if in.Events, err = tx.visibleEvents(a, lc, in.Since); err != nil {
		return casework.Agenda{}, err
	}
	if in.Tasks, err = tx.caseTasks(mid, caseID); err != nil {
		return casework.Agenda{}, err
	}
	return casework.BuildAgenda(in), nil
}

// visibleEvents returns the case's events from since on in the categories the actor may see,
// auditing each category other than basic that is read (as Timeline does).
func (tx *Tx) visibleEvents(a casework.Actor, lc *loadedCase, since time.Time) ([]casework.Event, error) {
	all, err := queryAll(tx.ctx, tx, `SELECT id, municipality_id, case_id, youth_id, at, user_id, user_name, agency_name, kind,
		from_step, to_step, reason, category FROM case_events WHERE municipality_id = $1 AND case_id = $2 AND at >= $3 ORDER BY seq`,
		[]any{lc.Case.MunicipalityID, lc.Case.ID, since.UTC()}, func(sc scanner) (casework.Event, error) {
			var e casework.Event
			var from, to, cat string
			err := sc.Scan(&e.ID, &e.MunicipalityID, &e.CaseID, &e.YouthID, &e.At, &e.UserID, &e.UserName, &e.AgencyName,
				&e.Kind, &from, &to, &e.Reason, &cat)
			e.FromStep, e.ToStep, e.Category, e.At = casework.Step(from), casework.Step(to), casework.Category(cat), e.At.UTC()
			return e, err
		})
	if err != nil {
		return nil, err
	}
	allowed := map[casework.Category]bool{}
	var out []casework.Event
	for _, e := range all {
		if strings.HasPrefix(e.Kind, "meeting_") || strings.HasPrefix(e.Kind, "task_") {
			continue
		}
		ok, seen := allowed[e.Category]
		if !seen {
			dc := lc.May.Read(e.Category)
			ok = dc.Allowed
			allowed[e.Category] = ok
			if ok && e.Category != casework.CatBasic {
				if err := tx.audit(a, What{Action: audit.ActionRead, Object: "timeline", ObjectID: lc.Case.ID, YouthID: lc.Case.YouthID,
					Category: string(e.Category), Detail: "agenda"}, dc); err != nil {
					return nil, err
				}
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// RecordMeeting records who came and the minutes (in their category); with held, it also marks
// the meeting held — which it can be only once it has begun. The first held meeting is when
// the group was convened (the group deadline is met).
func (s *Store) RecordMeeting(ctx context.Context, caseID, meetingID int64, rec casework.MeetingRecord, held bool) error {
	if err := rec.Validate(); err != nil {
		return err
	}
	w := What{Action: audit.ActionUpdate, Object: "meeting", ObjectID: meetingID, Detail: "minutes"}
	if held {
		w.Detail = "held"
	}
	return s.withCase(ctx, caseID, caseOp{What: w, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		m, err := tx.meeting(mid, caseID, meetingID)
		if err != nil {
			return err
		}
		if m.Status == casework.MeetingCancelled {
			return casework.Errorf(casework.EConflict, "meeting.cancelled_already", "meeting cancelled")
		}
		if held && m.Status != casework.MeetingHeld && m.PreStart().After(tx.now) {
			return casework.Errorf(casework.EConflict, "meeting.not_started", "meeting has not begun")
		}
		g, err := tx.group(lc)
		if err != nil {
			return err
		}
		present := map[int64]bool{}
		for _, id := range rec.Present {
			if _, ok := g.Member(id); !ok {
				return casework.Invalid("present", "meeting.member_unknown")
			}
			present[id] = true
		}
		if _, err := tx.Exec(`DELETE FROM meeting_attendance WHERE municipality_id = $1 AND meeting_id = $2`, mid, meetingID); err != nil {
			return casework.Internal(err)
		}
		for _, gm := range g.Members {
			if _, err := tx.Exec(`INSERT INTO meeting_attendance (municipality_id, meeting_id, member_id, present) VALUES ($1, $2, $3, $4)`,
				mid, meetingID, gm.ID, present[gm.ID]); err != nil {
				return casework.Internal(err)
			}
		}
		status, heldAt := m.Status, m.HeldAt
		if held && status != casework.MeetingHeld {
			status, heldAt = casework.MeetingHeld, tx.now
		}
		if _, err := tx.Exec(`UPDATE meetings SET minutes_text = $1, minutes_category = $2, status = $3, held_at = $4, updated_at = $5
			WHERE municipality_id = $6 AND id = $7`, rec.MinutesText, string(rec.MinutesCategory), string(status), nullTime(heldAt), tx.now, mid, meetingID); err != nil {
			return casework.Internal(err)
		}
		if status == casework.MeetingHeld && m.Status != casework.MeetingHeld {
			if _, err := tx.Exec(`UPDATE cases SET group_convened_at = $1 WHERE municipality_id = $2 AND id = $3 AND group_convened_at IS NULL`,
				m.Start, mid, caseID); err != nil {
				return casework.Internal(err)
			}
			return tx.addEvent(a, lc.Case, "meeting_held", "", "", "", casework.CatBasic)
		}
		return tx.addEvent(a, lc.Case, "meeting_minutes_saved", "", "", "", casework.CatBasic)
	})
}

// CancelMeeting cancels a planned meeting; its calendar entry's sequence goes up so a calendar
// that imports the file again shows it cancelled.
func (s *Store) CancelMeeting(ctx context.Context, caseID, meetingID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 1000 {
		return casework.Invalid("reason", "flow.reason_too_long")
	}
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "meeting", ObjectID: meetingID, Detail: "cancelled"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		m, err := tx.meeting(a.User.MunicipalityID, caseID, meetingID)
		if err != nil {
			return err
		}
		if m.Status != casework.MeetingPlanned {
			return casework.Errorf(casework.EConflict, "meeting.not_planned", "meeting is %s", m.Status)
		}
		if _, err := tx.Exec(`UPDATE meetings SET status = 'cancelled', cancel_reason = $1, sequence = sequence + 1, updated_at = $2
			WHERE municipality_id = $3 AND id = $4`, reason, tx.now, a.User.MunicipalityID, meetingID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.notifyGroup(a, lc, NotifyMeetingCancelled, meetingID, m.Sequence+1); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "meeting_cancelled", "", "", reason, casework.CatBasic)
	})
}

// MeetingCalendar returns what a calendar file of the meeting may hold: the meeting's times,
// status and sequence, the case's short reference, and its place unless the young person has
// protected identity. Never the young person's name or personnummer. The download is audited.
func (s *Store) MeetingCalendar(ctx context.Context, caseID, meetingID int64) (casework.Meeting, error) {
	var m casework.Meeting
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionExport, Object: "meeting", ObjectID: meetingID, Detail: "calendar file"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		if m, err = tx.meeting(a.User.MunicipalityID, caseID, meetingID); err != nil {
			return err
		}
		// A calendar leaves Lots: a protected young person's meeting place never goes in it,
		// whoever downloads it.
		if lc.Facts.ProtectedIdentity {
			m.Place = ""
		}
		m.MinutesText = ""
		return nil
	})
	return m, err
}

// MyMeeting is a meeting ahead in a group the actor is in.
type MyMeeting struct {
	Meeting casework.Meeting
	CaseID  int64
	YouthID int64
	Name    string
}

// MyMeetings lists the planned meetings from now on in the groups the actor is in (as a member
// covered by a valid consent, or as staff), soonest first, at most limit. Places are left out:
// the meeting page shows them to those who may see them.
func (s *Store) MyMeetings(ctx context.Context, limit int) ([]MyMeeting, error) {
	w := What{Action: audit.ActionList, Object: "meeting", Category: string(casework.CatBasic)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 10
	}
	var out []MyMeeting
	err = s.readAudited(ctx, func(tx *Tx) error {
		args := []any{a.User.MunicipalityID, a.User.ID, tx.now, limit}
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		// The meetings ahead of the cases the actor takes part in (over the years: tens, most
		// of them closed) are found first, by index, and kept (MATERIALIZED); only those few
		// cases are then tested for membership and access, not every case the actor ever had.
		//
		// SQLite probes each case's meetings by index for an IN list. PostgreSQL, which
		// misjudges how many planned meetings lie ahead (planned and ahead go together; it
		// multiplies them as if independent), would read every planned meeting ahead in the
		// municipality instead; LATERAL, kept from being merged into the join (OFFSET 0),
		// makes it probe case by case too.
		const planned = `m.municipality_id = $1 AND m.status = 'planned' AND m.starts_at >= $3`
		var from string // each branch adds its own arguments: build one
		if tx.store.dialect == Postgres {
			from = myCaseIDsSQL(a, arg) + ` mine CROSS JOIN LATERAL (SELECT m.* FROM meetings m
					WHERE m.case_id = mine.case_id AND ` + planned + ` OFFSET 0) m`
		} else {
			from = `meetings m WHERE ` + planned + ` AND ` + myCaseSQLOn("m.case_id", a, arg)
		}
		out, err = queryAll(ctx, tx, `WITH ahead AS MATERIALIZED (SELECT m.id, m.case_id, m.starts_at, m.duration_minutes, m.pre_minutes, m.status FROM `+from+`)
			SELECT m.id, m.case_id, c.youth_id, m.starts_at, m.duration_minutes, m.pre_minutes, m.status,
			y.first_name || ' ' || y.last_name FROM ahead m
			JOIN cases c ON c.id = m.case_id AND c.municipality_id = $1
			JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			WHERE (EXISTS (SELECT 1 FROM group_members g WHERE g.case_id = c.id AND g.user_id = $2 AND g.removed_at IS NULL)
				OR EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = c.id AND s.user_id = $2))
			AND `+visibleEachSQL(a, tx.now, arg)+` ORDER BY m.starts_at LIMIT $4`, args, func(sc scanner) (MyMeeting, error) {
			var r MyMeeting
			var status string
			err := sc.Scan(&r.Meeting.ID, &r.CaseID, &r.YouthID, &r.Meeting.Start, &r.Meeting.DurationMinutes, &r.Meeting.PreMinutes, &status, &r.Name)
			r.Meeting.CaseID, r.Meeting.YouthID, r.Meeting.Status, r.Meeting.Start = r.CaseID, r.YouthID, casework.MeetingStatus(status), r.Meeting.Start.UTC()
			return r, err
		})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		var ids []int64
		for _, r := range out {
			if !seen[r.YouthID] {
				seen[r.YouthID] = true
				ids = append(ids, r.YouthID)
			}
		}
		return tx.auditList(a, w, ids, d)
	})
	return out, err
}
