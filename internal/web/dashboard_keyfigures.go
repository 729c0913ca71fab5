package web

import "lots/internal/stats"

// The key figures a steering group reads at a glance (issue 17:5): a handful of the
// dashboard's own figures, already suppressed, each with its change since the previous
// published half-year when both are shown. A hidden figure says why it is hidden instead of
// disappearing: "share on time" is most often hidden because fewer than five were on time
// (or late), and the share would tell exactly how many.

// keyFigure is one key figure.
type keyFigure struct {
	ID     string
	Label  string
	Value  string // the figure, or "<5" / "–" when hidden
	Hidden bool
	Basis  string // what it rests on: "av 34 ärenden"
	Reason string // why it is hidden
	Change string // the change since the previous half-year, or why there is none
}

// keyFiguresView is the block that opens the dashboard.
type keyFiguresView struct {
	Intro string
	Items []keyFigure
}

// shareSpec names a share's cells: numerator, its complement and the total, in one table.
type shareSpec struct {
	table          string
	num, rest, tot [2]string // row, col
	numWhat        string    // catalogue key: "were on time"
	restWhat       string    // "were late"
}

// keyFiguresOf makes the key figures of a view, compared with the same view of prev (nil:
// none published before).
func keyFiguresOf(p *Page, d *stats.Dashboard, v *stats.View, prev *stats.Dashboard, slice int64) keyFiguresView {
	var pv *stats.View
	if prev != nil {
		pv, _ = prev.View(slice)
	}
	kv := keyFiguresView{Intro: p.T("dash17.intro_noprev")}
	if pv != nil {
		kv.Intro = p.T("dash17.intro", periodLabel(p, prev.Period))
	}
	cellOf := func(v *stats.View, table, row, col string) (*stats.Table, *stats.Cell) {
		if v == nil {
			return nil, nil
		}
		t := v.Table(table)
		if t == nil {
			return nil, nil
		}
		return t, t.Cell(row, col)
	}
	change := func(kind, unit string, now, before *stats.Cell) string {
		if pv == nil {
			return ""
		}
		if now == nil || before == nil || !now.Show() || !before.Show() {
			return p.T("dash17.no_change", periodLabel(p, prev.Period))
		}
		diff := now.Value - before.Value
		var s string
		switch kind {
		case stats.KindShare:
			s = formatValue(p.Locale, stats.KindChange, "percent", diff*100)
		case stats.KindCount, "":
			s = formatNumber(p.Locale, diff, 0)
			if diff > 0 {
				s = "+" + s
			}
		default:
			s = formatValue(p.Locale, stats.KindChange, unit, diff)
		}
		return p.T("dash17.change", s, periodLabel(p, prev.Period))
	}
	plain := func(id, label, table, row, col string) {
		t, c := cellOf(v, table, row, col)
		if t == nil || c == nil {
			return
		}
		_, pc := cellOf(pv, table, row, col)
		cv := formatCell(p.Locale, c, t.Unit)
		kf := keyFigure{ID: id, Label: label, Value: cv.Text, Hidden: cv.Hidden, Change: change(c.Kind, t.Unit, c, pc)}
		if cv.Hidden {
			kf.Reason = show(p, t, row, col)
		}
		kv.Items = append(kv.Items, kf)
	}
	share := func(id, label string, sp shareSpec, row, col string) {
		t, c := cellOf(v, sp.table, row, col)
		if t == nil || c == nil {
			return
		}
		_, pc := cellOf(pv, sp.table, row, col)
		cv := formatCell(p.Locale, c, t.Unit)
		kf := keyFigure{ID: id, Label: label, Value: cv.Text, Hidden: cv.Hidden, Change: change(stats.KindShare, t.Unit, c, pc)}
		n := t.Cell(sp.tot[0], sp.tot[1])
		if n != nil && n.Show() {
			kf.Basis = p.T("dash17.of_n", formatNumber(p.Locale, n.Value, 0))
		}
		if cv.Hidden {
			kf.Reason = shareReason(p, t.Cell(sp.num[0], sp.num[1]), t.Cell(sp.rest[0], sp.rest[1]), n, sp)
		}
		kv.Items = append(kv.Items, kf)
	}

	plain("open", p.T("dash17.open_now"), "active_by_step", "total", "count")
	plain("opened", p.T("dash17.opened"), "flow", "opened", "total")
	deadlines := map[string]int{"assessment": d.Deadlines.Assessment, "group": d.Deadlines.Group, "plan": d.Deadlines.Plan}
	for _, k := range []string{"assessment", "group", "plan"} {
		sp := shareSpec{table: "deadlines", num: [2]string{k, "within"}, rest: [2]string{k, "late"}, tot: [2]string{k, "n"},
			numWhat: "dash17.were_on_time", restWhat: "dash17.were_late"}
		label := p.T("dash17.on_time", p.T("dash17.on_time."+k), deadlines[k])
		if d.Deadlines.SSPF != nil { // each case measured against its own track's days
			sspf := map[string]int{"assessment": d.Deadlines.SSPF.Assessment, "group": d.Deadlines.SSPF.Group, "plan": d.Deadlines.SSPF.Plan}
			label = p.T("track14.on_time", p.T("dash17.on_time."+k), deadlines[k], sspf[k])
		}
		share("on-time-"+k, label, sp, k, "share_within")
	}
	share("consented", p.T("dash17.consented"), shareSpec{table: "consent", num: [2]string{"consented", "value"}, rest: [2]string{"not_consented", "value"},
		tot: [2]string{"proposed", "value"}, numWhat: "dash17.did_consent", restWhat: "dash17.did_not_consent"}, "share_consented", "value")
	plain("decision-days", p.T("dash17.decision_days"), "times", "concern_to_decision", "median_days")
	return kv
}

// shareReason says why a share is hidden, from the published cells it rests on: too few in
// all; fewer than five on one side (the share with its total would tell exactly how many);
// or hidden to protect a figure elsewhere (secondary suppression). It reveals nothing the
// published "<5" and "–" do not.
func shareReason(p *Page, num, rest, n *stats.Cell, sp shareSpec) string {
	switch {
	case n == nil:
		return p.T("dashboard.hidden")
	case n.Pending:
		return p.T("dashboard.pending")
	case !n.Show() && n.Primary:
		return p.T("dash17.reason_small")
	case !n.Show():
		return p.T("dash17.reason_protect_total")
	}
	total := formatNumber(p.Locale, n.Value, 0)
	switch {
	case num != nil && num.Suppressed && num.Primary:
		return p.T("dash17.reason_few", total, p.T(sp.numWhat))
	case rest != nil && rest.Suppressed && rest.Primary:
		return p.T("dash17.reason_few", total, p.T(sp.restWhat))
	}
	return p.T("dash17.reason_protect", total)
}

// previousPublished is the half-year before p when it is published (periods: the published
// ones), or the zero period.
func previousPublished(p stats.Period, periods []stats.Period) stats.Period {
	want := p.Prev()
	for _, x := range periods {
		if x == want {
			return x
		}
	}
	return stats.Period{}
}
