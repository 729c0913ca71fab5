package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

const draftMarker = "Minnesanteckning om Kalle Ölund"

// A draft of a long form is kept per user and form, sealed at rest, read back only by its
// writer, replaced by a newer one, deleted when sent or discarded and forgotten after
// store.DraftDays days (issue 17:1).
func TestDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		clock := storetest.NewClock(t0)
		s := openWith(t, dsn, envelope.Ephemeral(), clock.Now)
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		analyst := f.Ctx(t, s, casework.RoleAnalyst)
		// A case the coordinator works on: a case form's draft comes back only to someone who
		// may open the case.
		caseID := f.Concern(t, s, casework.RoleCoordinator, "Utkast", "Ung", pnr[39]).CaseID
		f.Advance(t, s, caseID, casework.StepAssessment, storetest.ConsentSpec{})
		form := "/cases/" + strconv.FormatInt(caseID, 10) + "/plan"
		content := `{"fields":[["goal",` + `"` + draftMarker + `"]]}`

		if err := s.SaveDraft(coord, store.Draft{Form: form, CaseID: caseID, Content: content}); err != nil {
			t.Fatal(err)
		}
		t.Run("the writer reads it back", func(t *testing.T) {
			d, err := s.DraftOf(coord, form)
			if err != nil || d.Content != content || d.CaseID != caseID || !d.UpdatedAt.Equal(t0) {
				t.Fatalf("draft %+v, %v", d, err)
			}
		})
		t.Run("it is sealed in the database", func(t *testing.T) {
			var raw string
			if err := rawDB(t, dsn, e).QueryRow(`SELECT content FROM drafts`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if !envelope.IsSealedString(raw) || strings.Contains(raw, "Ölund") {
				t.Errorf("the stored draft is readable without the key: %q", raw)
			}
		})
		t.Run("another user does not see it", func(t *testing.T) {
			if _, err := s.DraftOf(analyst, form); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("another user's read: %v", err)
			}
			if err := s.DeleteDraft(analyst, form); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DraftOf(coord, form); err != nil {
				t.Fatalf("another user's discard removed the draft: %v", err)
			}
		})
		t.Run("a newer save replaces it", func(t *testing.T) {
			clock.Advance(time.Minute)
			newer := `{"fields":[["goal","ny text"]]}`
			if err := s.SaveDraft(coord, store.Draft{Form: form, CaseID: caseID, Content: newer}); err != nil {
				t.Fatal(err)
			}
			d, err := s.DraftOf(coord, form)
			if err != nil || d.Content != newer {
				t.Fatalf("draft %+v, %v", d, err)
			}
			forms, err := s.DraftForms(coord)
			if err != nil || len(forms) != 1 || forms[0].Form != form {
				t.Fatalf("forms %+v, %v", forms, err)
			}
		})
		t.Run("a bad form address is refused at its field", func(t *testing.T) {
			for _, bad := range []string{"", "cases/1", "//evil.example/x", "/a\nb", "/" + strings.Repeat("x", 400)} {
				err := s.SaveDraft(coord, store.Draft{Form: bad, Content: "{}"})
				if ce := casework.AsError(err); ce.Code != casework.EInvalid || ce.Field != "form" {
					t.Errorf("form %q: %v", bad, err)
				}
			}
		})
		t.Run("a discarded draft is gone", func(t *testing.T) {
			if err := s.DeleteDraft(coord, form); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DraftOf(coord, form); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("after discard: %v", err)
			}
		})
		t.Run("a draft is forgotten after DraftDays days", func(t *testing.T) {
			if err := s.SaveDraft(coord, store.Draft{Form: "/groups/1/meetings/2", Content: "{}"}); err != nil {
				t.Fatal(err)
			}
			clock.Advance(store.DraftDays*24*time.Hour - time.Minute)
			if _, err := s.DraftOf(coord, "/groups/1/meetings/2"); err != nil {
				t.Fatalf("a draft a minute short of its time: %v", err)
			}
			if n, err := s.PurgeDrafts(context.Background()); err != nil || n != 0 {
				t.Fatalf("purge before its time: %d, %v", n, err)
			}
			clock.Advance(2 * time.Minute)
			if _, err := s.DraftOf(coord, "/groups/1/meetings/2"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("an old draft: %v", err)
			}
			if n, err := s.PurgeDrafts(context.Background()); err != nil || n != 1 {
				t.Fatalf("purge: %d, %v", n, err)
			}
		})
	})
}

// The session's time left is read without using the session; "stay signed in" uses it; a form
// that arrives after the end is kept as its user's draft (issue 17:1).
func TestSessionLeftAndLateDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		svc := auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now)
		ctx := context.Background()
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		a, _ := casework.ActorFrom(coord)
		token, err := svc.StartSession(coord, a, "password", false)
		if err != nil {
			t.Fatal(err)
		}
		left := func() time.Duration {
			t.Helper()
			d, err := svc.SessionLeft(ctx, token)
			if err != nil {
				t.Fatalf("left: %v", err)
			}
			return d
		}
		if got := left(); got != 30*time.Minute {
			t.Fatalf("a new session has %v left", got)
		}
		clock.Advance(28 * time.Minute)
		if got := left(); got != 2*time.Minute {
			t.Fatalf("after 28 idle minutes %v left; asking must not use the session", got)
		}
		if got, err := svc.KeepSession(ctx, token); err != nil || got != 30*time.Minute {
			t.Fatalf("stay signed in: %v, %v", got, err)
		}
		clock.Advance(30 * time.Minute)
		if _, err := svc.SessionLeft(ctx, token); casework.AsError(err).Key != "session.expired" {
			t.Fatalf("a session idle for its whole time: %v", err)
		}
		if _, err := svc.KeepSession(ctx, token); err == nil {
			t.Fatal("an ended session was kept")
		}
		sess, _, err := svc.SessionActor(ctx, token)
		if casework.AsError(err).Key != "session.expired" || sess.UserID != a.User.ID {
			t.Fatalf("the ended session: %+v, %v", sess, err)
		}
		if err := s.SaveLateDraft(ctx, sess, store.Draft{Form: "/groups/7/meetings/9/minutes", Content: `{"fields":[["minutes","sent too late"]]}`}); err != nil {
			t.Fatal(err)
		}
		d, err := s.DraftOf(coord, "/groups/7/meetings/9/minutes")
		if err != nil || !strings.Contains(d.Content, "sent too late") {
			t.Fatalf("the late form as the draft: %+v, %v", d, err)
		}
	})
}
