package store_test

import (
	"context"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// A new password ends the user's API tokens as it ends their sessions: whoever knew the old
// password could have made a token with it (issue 19, point 10).
func TestPasswordChangeEndsAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		h := auth.NewHasher(auth.FastParams)
		svc := auth.NewService(s, h, clock.Now)
		ctx := context.Background()
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		a, _ := casework.ActorFrom(coord)

		t.Run("the user's own change", func(t *testing.T) {
			tok, _, err := svc.CreateAPIToken(coord, a.User.ID, "skript", 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.ChangePassword(ctx, a, storetest.Password, "Vinterbad-i-Ljusnan-42", "Vinterbad-i-Ljusnan-42"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.TokenActor(ctx, tok); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("a token made before the change still works: %v", err)
			}
			fresh, _, err := svc.CreateAPIToken(coord, a.User.ID, "nytt skript", 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.TokenActor(ctx, fresh); err != nil {
				t.Fatalf("a token made after the change: %v", err)
			}
		})
		t.Run("an administrator's reset", func(t *testing.T) {
			analyst := f.Ctx(t, s, casework.RoleAnalyst)
			b, _ := casework.ActorFrom(analyst)
			tok, _, err := svc.CreateAPIToken(analyst, b.User.ID, "rapport", 0)
			if err != nil {
				t.Fatal(err)
			}
			hash, err := h.Hash(auth.GeneratePassword())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetPassword(f.Ctx(t, s, casework.RoleAdmin), b.User.ID, hash); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.TokenActor(ctx, tok); casework.ErrorCode(err) != casework.EUnauthorized {
				t.Fatalf("a token outlived the reset: %v", err)
			}
		})
	})
}
