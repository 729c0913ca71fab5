package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Undo of destructive steps (issue 17:3). Removing a group member and cancelling a meeting can
// be undone for UndoWindow afterwards, by anyone who may edit the case: the page that follows
// the step offers it. Later the step stands (a member is added again, a meeting planned anew).
// Closing a case is undone by reopening it, a move of the flow with a reason
// (casework.ActReopen).

// UndoWindow is how long after a removal or cancellation it can be undone.
const UndoWindow = 10 * time.Minute

// RestoreGroupMember undoes the removal of a member from the case's group within UndoWindow:
// the member is back as before (the lead stays open). A professional must still be covered by
// a valid consent or be staff on the case, and not have been added again since.
func (s *Store) RestoreGroupMember(ctx context.Context, caseID, memberID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "group_member", ObjectID: memberID, Detail: "removal undone"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid := a.User.MunicipalityID
		if !lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "flow.case_closed", "closed")
		}
		var userID, agencyID sql.NullInt64
		var removed sql.NullTime
		var agencyName string
		err := tx.QueryRow(`SELECT g.user_id, u.agency_id, COALESCE(ag.name, ''), g.removed_at FROM group_members g
			LEFT JOIN users u ON u.id = g.user_id AND u.municipality_id = g.municipality_id
			LEFT JOIN agencies ag ON ag.id = u.agency_id AND ag.municipality_id = u.municipality_id
			WHERE g.municipality_id = $1 AND g.case_id = $2 AND g.id = $3`, mid, caseID, memberID).Scan(&userID, &agencyID, &agencyName, &removed)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return casework.NotFound("group_member")
			}
			return casework.Internal(err)
		}
		if !removed.Valid || tx.now.Sub(removed.Time.UTC()) > UndoWindow {
			return casework.Errorf(casework.EConflict, "undo.too_late", "member %d not removed within the undo window", memberID)
		}
		if userID.Valid {
			g, err := tx.group(lc)
			if err != nil {
				return err
			}
			if _, ok := g.MemberByUser(userID.Int64); ok {
				return casework.Errorf(casework.EConflict, "group.already_member", "already a member again")
			}
			if agencyID.Valid {
				if _, err := casework.MemberCoverage(casework.Professional{UserID: userID.Int64, AgencyID: agencyID.Int64, AgencyName: agencyName},
					lc.Facts.Staff, lc.Facts.Consents, tx.now); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(`UPDATE group_members SET removed_at = NULL WHERE municipality_id = $1 AND case_id = $2 AND id = $3`,
			mid, caseID, memberID); err != nil {
			return casework.Internal(err)
		}
		if err := tx.notify(a, NotifyGroupAdded, caseID, 0, 0, userID.Int64); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "group_member_restored", "", "", "", casework.CatBasic)
	})
}

// RestoreMeeting undoes the cancellation of a meeting within UndoWindow, while it is still
// ahead: planned again, its calendar entry's sequence up once more so a calendar shows it back.
func (s *Store) RestoreMeeting(ctx context.Context, caseID, meetingID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "meeting", ObjectID: meetingID, Detail: "cancellation undone"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		m, err := tx.meeting(a.User.MunicipalityID, caseID, meetingID)
		if err != nil {
			return err
		}
		if m.Status != casework.MeetingCancelled || tx.now.Sub(m.UpdatedAt) > UndoWindow || !m.Start.After(tx.now) {
			return casework.Errorf(casework.EConflict, "undo.too_late", "meeting %d not cancelled within the undo window", meetingID)
		}
		if _, err := tx.Exec(`UPDATE meetings SET status = 'planned', cancel_reason = '', sequence = sequence + 1, updated_at = $1
			WHERE municipality_id = $2 AND id = $3`, tx.now, a.User.MunicipalityID, meetingID); err != nil {
			return casework.Internal(err)
		}
		// The group was told of the cancellation: it is told the meeting is back, as a new
		// invitation with the higher sequence (docs/daily-work.md, "Notifications").
		if err := tx.notifyGroup(a, lc, NotifyMeetingCreated, meetingID, m.Sequence+1); err != nil {
			return err
		}
		return tx.addEvent(a, lc.Case, "meeting_restored", "", "", "", casework.CatBasic)
	})
}
