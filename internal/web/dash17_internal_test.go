package web

import (
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/stats"
)

// deadlineRaw is a half-year with assessment deadlines per district: [within, late] each.
func deadlineRaw(p stats.Period, assessment [][2]int, group [2]int) *stats.Raw {
	raw := stats.NewRaw(p, p.End())
	raw.Deadlines = stats.Deadlines{Assessment: 42, Group: 7, Plan: 10}
	for i, a := range assessment {
		id := int64(i + 1)
		raw.Districts = append(raw.Districts, stats.Named{ID: id, Name: "D"})
		raw.AddDeadline(id, "assessment", true, a[0])
		raw.AddDeadline(id, "assessment", false, a[1])
	}
	raw.AddDeadline(1, "group", true, group[0])
	raw.AddDeadline(1, "group", false, group[1])
	return raw
}

func keyFigure1(t *testing.T, kv keyFiguresView, id string) keyFigure {
	t.Helper()
	for _, k := range kv.Items {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("no key figure %q in %+v", id, kv.Items)
	return keyFigure{}
}

// The key figures open the dashboard (issue 17:5): share on time with its change since the
// previous half-year in percentage points; and when it is hidden — though 30 or so cases are
// counted — it says why instead of vanishing. The two reasons the demo shows: fewer than five
// were on time (the share with its total would tell how many), and, with enough on each side,
// the share hidden to protect the districts' "<5" late counts (secondary suppression).
func TestKeyFiguresShowShareOnTimeOrWhyItIsHidden(t *testing.T) {
	p := &Page{s: &Server{catalog: i18n.MustLoad()}, Locale: casework.LocaleSv}
	now, before := stats.Period{Year: 2026, Half: 1}, stats.Period{Year: 2025, Half: 2}

	t.Run("a shown share with its change in percentage points", func(t *testing.T) {
		d := stats.Build(deadlineRaw(now, [][2]int{{29, 5}}, [2]int{2, 29}))
		prev := stats.Build(deadlineRaw(before, [][2]int{{20, 10}}, [2]int{10, 10}))
		v, _ := d.View(stats.All)
		kv := keyFiguresOf(p, d, v, prev, stats.All)
		k := keyFigure1(t, kv, "on-time-assessment")
		if k.Hidden || k.Value != "85\u00a0%" || k.Basis != "av 34 ärenden" {
			t.Fatalf("share on time: %+v", k)
		}
		if k.Change != "+18,6\u00a0procentenheter sedan andra halvåret 2025" {
			t.Errorf("change: %q", k.Change)
		}
		if !strings.Contains(kv.Intro, "andra halvåret 2025") {
			t.Errorf("intro %q", kv.Intro)
		}
	})
	t.Run("fewer than five on time: hidden, and says so with the cases counted", func(t *testing.T) {
		d := stats.Build(deadlineRaw(now, [][2]int{{29, 5}}, [2]int{2, 29}))
		v, _ := d.View(stats.All)
		k := keyFigure1(t, keyFiguresOf(p, d, v, nil, stats.All), "on-time-group")
		if !k.Hidden || k.Value != Protected || k.Change != "" {
			t.Fatalf("share on time with 2 of 31 on time: %+v", k)
		}
		if want := "färre än fem av 31 ärenden var klara i tid"; !strings.Contains(k.Reason, want) {
			t.Errorf("reason %q, want it to say %q", k.Reason, want)
		}
	})
	t.Run("enough on each side, hidden to protect the districts' small counts", func(t *testing.T) {
		// The demo's first half-year: 29 of 34 on time, the five late spread 2, 2, 0 and 1
		// over four districts. (The municipality's late count is hidden by the first round of
		// widening in stats.Suppress, and turns out unneeded once the next round hides the
		// second district's total: over-cautious, never a leak — see docs/daily-work.md. If
		// Suppress learns to show such figures again, this case shows the share.)
		d := stats.Build(deadlineRaw(now, [][2]int{{9, 2}, {4, 2}, {8, 0}, {8, 1}}, [2]int{10, 10}))
		if err := d.Verify(); err != nil {
			t.Fatal(err)
		}
		v, _ := d.View(stats.All)
		k := keyFigure1(t, keyFiguresOf(p, d, v, nil, stats.All), "on-time-assessment")
		if !k.Hidden || k.Basis != "av 34 ärenden" || !strings.Contains(k.Reason, "skydda en annan siffra: 34 ärenden") {
			t.Fatalf("share on time: %+v", k)
		}
	})
}
