package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestSeedBulkHistoriesFollowTheFlow: every case SeedBulk writes has a history Lots itself
// could have produced: replayed from intake, each move of its timeline is a move its own
// track's flow (casework.Transitions) offers from the step the case was in, and the replay
// ends at the case's step. SSPF cases run SSPF's steps (the coordinator's assessment,
// consent, the mapping conversation, the network meeting and commitment plan), never SIG's
// decision, parties or planning.
func TestSeedBulkHistoriesFollowTheFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		st := storetest.Open(t, engine, nil)
		h := auth.NewHasher(auth.FastParams)
		base, err := demo.LoadBase(ctx, st, h)
		if err != nil {
			t.Fatal(err)
		}
		res, err := demo.SeedBulk(ctx, st, h, base.Municipality, 300, 11)
		if err != nil {
			t.Fatal(err)
		}
		checked := map[casework.Program]int{}
		reached := map[casework.Step]bool{}
		for area := 1; area <= res.Areas; area++ {
			for j := 1; ; j++ {
				id, err := st.UserIDByUsername(ctx, base.Municipality.ID, fmt.Sprintf("s%s-s%03d-samordnare%d", base.Municipality.Code, area, j))
				if err != nil {
					break
				}
				a, err := st.Actor(ctx, base.Municipality.ID, id, casework.ViaSession)
				if err != nil {
					t.Fatal(err)
				}
				coord := casework.WithActor(ctx, a)
				mine, err := st.Cases(coord, store.CaseQuery{Mine: true, Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range mine.Rows {
					ev, err := st.Timeline(coord, r.CaseID)
					if err != nil {
						t.Fatal(err)
					}
					slices.SortStableFunc(ev, func(x, y casework.Event) int { return x.At.Compare(y.At) })
					step := casework.StepIdentified
					for _, e := range ev {
						if e.ToStep == "" {
							continue
						}
						tr, ok := casework.TransitionIn(r.Program, casework.Action(e.Kind))
						from := len(tr.From) == 0 && step.Open() || slices.Contains(tr.From, step)
						if !ok || e.FromStep != step || !from || e.ToStep != tr.To {
							t.Fatalf("%s case %d: move %s %s → %s from step %s is not a move of its flow (known %v, from %v, to %s)",
								r.Program, r.CaseID, e.Kind, e.FromStep, e.ToStep, step, ok, tr.From, tr.To)
						}
						step = e.ToStep
						if r.Program == casework.ProgramSSPF && !step.InTrack(casework.ProgramSSPF) {
							t.Fatalf("SSPF case %d reached SIG's step %s", r.CaseID, step)
						}
						if r.Program == casework.ProgramSSPF {
							reached[step] = true
						}
					}
					if step != r.Step {
						t.Fatalf("%s case %d: its history ends at %s, the case is at %s", r.Program, r.CaseID, step, r.Step)
					}
					checked[r.Program]++
				}
			}
		}
		if checked[casework.ProgramSIG] < 50 || checked[casework.ProgramSSPF] < 10 {
			t.Fatalf("checked %v cases: too few of a track", checked)
		}
		for _, s := range []casework.Step{casework.StepConsent, casework.StepMapping, casework.StepNetwork, casework.StepActive, casework.StepClosed} {
			if !reached[s] {
				t.Errorf("no SSPF case reached %s", s)
			}
		}
		t.Logf("%s: histories checked %v", engine, checked)
	})
}
