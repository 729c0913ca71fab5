package web

import (
	"math"
	"strconv"
	"strings"

	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store"
)

// The report as the page, the printout and the Excel export show it: every table built once
// here, labels translated, amounts formatted, hidden figures as "<5" and money results on too
// few young people as "too few to say". The figures come computed and suppressed from the
// store; this file only decides how they look.

type economicsView struct {
	Showing  string
	Key      tableView
	Sections []sectionView
	Cannot   []string
}

// money is an amount in whole kronor.
func money(p *Page, v float64) string {
	return p.T("economics.sek", formatNumber(p.Locale, math.Round(v), 0))
}

// unitMoney is a unit cost: two decimals when it has öre.
func unitMoney(p *Page, v float64) string {
	d := 0
	if math.Abs(v-math.Round(v)) >= 0.005 && math.Abs(v) < 10000 {
		d = 2
	}
	return p.T("economics.sek", formatNumber(p.Locale, v, d))
}

// moneyCell shows a suppressed money figure.
func moneyCell(p *Page, c *stats.Cell) cellView {
	if c == nil {
		return cellView{Text: "–", Empty: true}
	}
	if !c.Show() {
		return cellView{Text: Hidden, Hidden: true, Kind: c.Kind}
	}
	return cellView{Text: money(p, c.Value), Value: math.Round(c.Value), Kind: stats.KindSum}
}

func countCell(p *Page, c *stats.Cell) cellView { return formatCell(p.Locale, c, "count") }

func textCell(s string) cellView { return cellView{Text: s, Kind: "text"} }

func numberCell(p *Page, v float64, decimals int) cellView {
	return cellView{Text: formatNumber(p.Locale, v, decimals), Value: v}
}

func moneyValue(p *Page, v float64) cellView {
	return cellView{Text: money(p, v), Value: math.Round(v), Kind: stats.KindSum}
}

func tooFewCell(p *Page) cellView { return cellView{Text: p.T("economics.too_few"), Hidden: true} }

// methodName names a method: the plans' method as the report names it, else the catalogue's,
// else its code.
func methodName(m string, reg *store.CostRegister, names map[string]string) string {
	if n := names[m]; n != "" {
		return n
	}
	if n := reg.Methods[m]; n != "" {
		return n
	}
	return m
}

// itemLabel names a register item: a built-in one by the catalogue, an intervention by its
// method's name, an own item by its name.
func itemLabel(p *Page, code string, reg *store.CostRegister, names map[string]string) string {
	if m, ok := strings.CutPrefix(code, "intervention."); ok {
		return p.T("economics.item.intervention", methodName(m, reg, names))
	}
	if strings.HasPrefix(code, "other.") {
		if u, ok := reg.Item(code); ok && u.Name.In(p.Locale) != "" {
			return u.Name.In(p.Locale)
		}
		return code
	}
	return p.T("economics.item." + code)
}

// perUnit is "per dygn", "per timme" …
func perUnit(p *Page, u economics.Unit) string { return p.T("economics.per." + string(u)) }

// percentText is a share as a percent.
func percentText(p *Page, v float64, decimals int) string {
	return formatNumber(p.Locale, v*100, decimals) + "\u00a0%"
}

func economicsViewOf(p *Page, out *store.EconomicsReport) economicsView {
	r := out.Report
	a := r.Assumptions
	v := economicsView{Showing: p.T("economics.showing", periodLabel(p, out.Period), r.PriceYear, afterLabel(p, a.After))}
	noMoney := r.TooFew || r.NoEffects || r.Point == nil

	// Key figures.
	key := tableView{Caption: p.T("economics.key.caption"), Corner: p.T("economics.key.figure"), Cols: []string{p.T("economics.key.value")}}
	row := func(labelKey string, c cellView) {
		key.Rows = append(key.Rows, rowView{Label: p.T(labelKey), Cells: []cellView{c}})
	}
	row("economics.key.cohort", countCell(p, r.N))
	row("economics.key.cost_period", moneyCell(p, r.CostTotal))
	row("economics.key.cost_case_month", moneyCell(p, r.CostPerCaseMonth))
	if noMoney {
		row("economics.key.cost_per", tooFewCell(p))
		row("economics.key.benefit_per", tooFewCell(p))
		row("economics.key.net_per", tooFewCell(p))
		row("economics.key.ratio", tooFewCell(p))
		row("economics.key.chance", tooFewCell(p))
		row("economics.key.net_interval", tooFewCell(p))
	} else {
		e, d := r.Point, r.Simulation
		row("economics.key.cost_per", moneyValue(p, e.CostPer))
		row("economics.key.benefit_per", moneyValue(p, e.BenefitPer))
		row("economics.key.net_per", moneyValue(p, e.NetPer))
		ratio := textCell("–")
		if !math.IsNaN(e.Ratio) {
			ratio = textCell(p.T("economics.ratio_interval", formatNumber(p.Locale, e.Ratio, 2), formatNumber(p.Locale, d.RatioP5, 2), formatNumber(p.Locale, d.RatioP95, 2)))
		}
		row("economics.key.ratio", ratio)
		row("economics.key.chance", cellView{Text: percentText(p, d.ProbBenefitsExceedCosts, 0), Value: d.ProbBenefitsExceedCosts, Kind: stats.KindShare})
		row("economics.key.net_interval", textCell(p.T("economics.interval", money(p, d.P5), money(p, d.P95), money(p, e.Net))))
	}
	v.Key = key

	v.Sections = append(v.Sections, resultsSection(p, out, noMoney), costSection(p, out), effectsSection(p, out), assumptionsSection(p, out))
	for i := 1; i <= 5; i++ {
		v.Cannot = append(v.Cannot, p.T("economics.cannot."+strconv.Itoa(i)))
	}
	return v
}

// resultsSection: the distribution of net benefit, who pays and who gains, break-even.
func resultsSection(p *Page, out *store.EconomicsReport, noMoney bool) sectionView {
	r := out.Report
	sec := sectionView{ID: "results", Heading: p.T("economics.section.results"), Intro: p.T("economics.section.results_intro")}
	if noMoney {
		why := "economics.too_few_text"
		if !r.TooFew {
			why = "economics.no_effects_text"
		}
		sec.Intro = p.T(why)
	} else {
		d := r.Simulation
		bins := economics.Histogram(d.Net, 20)
		title := p.T("economics.fig.net", formatNumber(p.Locale, float64(d.Draws), 0))
		summary := p.T("economics.summary.net", formatNumber(p.Locale, float64(d.Draws), 0), money(p, d.P5), money(p, d.P95), money(p, d.P50),
			percentText(p, d.ProbBenefitsExceedCosts, 0), d.Seed)
		t := tableView{Caption: title, Corner: p.T("economics.col.net_bin"), Cols: []string{p.T("economics.col.draws"), p.T("economics.col.share")}}
		for _, b := range bins {
			label := p.T("economics.bin", moneyShort(p, b.From), moneyShort(p, b.To))
			switch {
			case b.Below:
				label = p.T("economics.bin_below", moneyShort(p, b.To))
			case b.Above:
				label = p.T("economics.bin_above", moneyShort(p, b.From))
			}
			t.Rows = append(t.Rows, rowView{Label: label,
				Cells: []cellView{numberCell(p, float64(b.Count), 0), {Text: percentText(p, float64(b.Count)/float64(d.Draws), 1), Value: float64(b.Count) / float64(d.Draws), Kind: stats.KindShare}}})
		}
		sec.Figures = append(sec.Figures, figureView{ID: "net", Title: title, Summary: summary, Note: p.T("economics.note.net"),
			Chart: histogramChart(p, bins, title, summary), Table: t})

		// Who pays and who gains.
		e := r.Point
		title = p.T("economics.fig.perspectives")
		pt := tableView{Caption: title, Corner: p.T("economics.col.perspective"),
			Cols: []string{p.T("economics.col.benefit"), p.T("economics.col.cost"), p.T("economics.col.net"), p.T("economics.col.mean_net")}}
		var labels []string
		var nets []float64
		var tb, tc, tm float64
		for _, x := range e.Perspectives {
			label := p.T("economics.perspective." + string(x.Perspective))
			pt.Rows = append(pt.Rows, rowView{Label: label, Cells: []cellView{moneyValue(p, x.Benefit), moneyValue(p, x.Cost), moneyValue(p, x.Net), moneyValue(p, x.MeanNet)}})
			labels, nets = append(labels, label), append(nets, x.Net)
			tb, tc, tm = tb+x.Benefit, tc+x.Cost, tm+x.MeanNet
		}
		pt.Rows = append(pt.Rows, rowView{Label: p.T("economics.perspective.society"), Total: true,
			Cells: []cellView{moneyValue(p, tb), moneyValue(p, tc), moneyValue(p, tb-tc), moneyValue(p, tm)}})
		labels, nets = append(labels, p.T("economics.perspective.society")), append(nets, tb-tc)
		summary = p.T("economics.summary.perspectives", money(p, tb), money(p, tc))
		sec.Figures = append(sec.Figures, figureView{ID: "perspectives", Title: title, Summary: summary, Note: p.T("economics.note.perspectives"),
			Chart: divergingBars(p, "chart-perspectives", labels, nets, title, summary), Table: pt, Wide: true})

		// The attribution has no source: the point estimate at both ends of its range.
		title = p.T("economics2.fig.attribution")
		st := tableView{Caption: title, Corner: p.T("economics2.col.attribution"),
			Cols: []string{p.T("economics.col.benefit"), p.T("economics.col.cost"), p.T("economics.col.net"), p.T("economics2.col.ratio")}}
		for _, x := range []economics.Sensitivity{e.AtLow, {Value: r.Assumptions.Attribution.Value, Benefit: e.Benefit, Cost: e.Cost, Net: e.Net, Ratio: e.Ratio}, e.AtHigh} {
			ratio := textCell("–")
			if !math.IsNaN(x.Ratio) {
				ratio = numberCell(p, x.Ratio, 2)
			}
			st.Rows = append(st.Rows, rowView{Label: percentText(p, x.Value, 0), Cells: []cellView{moneyValue(p, x.Benefit), moneyValue(p, x.Cost), moneyValue(p, x.Net), ratio}})
		}
		sec.Figures = append(sec.Figures, figureView{ID: "attribution", Title: title,
			Summary: p.T("economics2.summary.attribution", percentText(p, e.AtLow.Value, 0), money(p, e.AtLow.Net), percentText(p, e.AtHigh.Value, 0), money(p, e.AtHigh.Net)),
			Note:    p.T("economics2.note.attribution"), Table: st})
	}

	// A recompute or a what-if beside the published report.
	if out.Live && len(out.Differences) > 0 {
		title := p.T("economics2.fig.differences")
		dt := tableView{Caption: title, Corner: p.T("economics.key.figure"),
			Cols: []string{p.T("economics2.col.published"), p.T("economics2.col.now"), p.T("economics2.col.difference")}}
		for _, d := range out.Differences {
			val := func(v float64, shown bool) cellView {
				if !shown {
					return cellView{Text: "–", Hidden: true}
				}
				switch d.Kind {
				case "count":
					return numberCell(p, v, 0)
				case "money":
					return moneyValue(p, v)
				case "share":
					return cellView{Text: percentText(p, v, 0), Value: v, Kind: stats.KindShare}
				}
				return numberCell(p, v, 2)
			}
			delta := cellView{Text: "–", Hidden: true}
			if v, ok := d.Delta(); ok {
				switch {
				case d.DeltaHidden():
					delta = textCell("<5")
				case d.Kind == "share":
					delta = textCell(formatNumber(p.Locale, v*100, 0) + " " + p.T("economics2.percentage_points"))
				default:
					delta = val(v, true)
				}
			}
			dt.Rows = append(dt.Rows, rowView{Label: p.T("economics2.diff." + d.Key), Cells: []cellView{val(d.Published, d.PublishedShown), val(d.Now, d.NowShown), delta}})
		}
		sec.Figures = append(sec.Figures, figureView{ID: "differences", Title: title,
			Summary: p.T("economics2.summary.differences", formatDateTime(out.Frozen.ComputedAt)), Note: p.T("economics2.note.differences"), Table: dt, Wide: true})
	}

	// Break-even: what the period's cost equals.
	if len(r.BreakEven) > 0 {
		title := p.T("economics.fig.break_even")
		t := tableView{Caption: title, Corner: p.T("economics.col.what"), Cols: []string{p.T("economics.col.worth"), p.T("economics.col.equals")}}
		for _, b := range r.BreakEven {
			t.Rows = append(t.Rows, rowView{Label: p.T("economics.break_even." + b.Code), Cells: []cellView{moneyValue(p, b.Value), numberCell(p, b.Count, 1)}})
		}
		if jc, ok1 := out.Register.Item("reference.job_cost"); ok1 {
			if jr, ok2 := out.Register.Item("reference.job_return"); ok2 && jr.Priced() && jc.Priced() {
				share := economics.BreakEvenCount(jc.Amount.Kronor(), jr.Amount.Kronor())
				t.Rows = append(t.Rows, rowView{Label: p.T("economics.break_even.jobs"),
					Cells: []cellView{moneyValue(p, jr.Amount.Kronor()), textCell(p.T("economics.one_in", formatNumber(p.Locale, 1/share, 0)))}})
			}
		}
		sec.Figures = append(sec.Figures, figureView{ID: "break-even", Title: title, Summary: p.T("economics.summary.break_even", money(p, r.CostTotal.Value)),
			Note: p.T("economics.note.break_even"), Table: t})
	}
	return sec
}

// quantityText is a quantity with its unit: "6 timmar", "0,5 årsarbeten".
func quantityText(p *Page, q float64, u economics.Unit) string {
	d := 1
	if q == math.Trunc(q) {
		d = 0
	}
	return p.T("economics.qty."+string(u), formatNumber(p.Locale, q, d))
}

// costSection: the programme's cost and the interventions' use.
func costSection(p *Page, out *store.EconomicsReport) sectionView {
	r, reg := out.Report, out.Register
	sec := sectionView{ID: "costs", Heading: p.T("economics.section.costs"), Intro: p.T("economics.section.costs_intro", formatNumber(p.Locale, r.Assumptions.CoordinatorFTE, 2))}
	title := p.T("economics.fig.costs")
	t := tableView{Caption: title, Corner: p.T("economics.col.part"), Cols: []string{p.T("economics.col.quantity"), p.T("economics.col.unit_cost"), p.T("economics.col.cost_period")}}
	var unpriced []string
	items := map[string]economics.UsedItem{}
	for _, u := range r.Used {
		items[u.Item.Code] = u
	}
	for _, l := range r.Costs {
		label := itemLabel(p, l.Code, reg, out.MethodNames)
		qty := quantityText(p, l.Quantity, l.Unit)
		if l.Kind == economics.CostIntervention && !l.Cell.Show() {
			qty = Hidden // the quantity would reveal the hidden cost
		}
		unit, cost := textCell(p.T("economics.unpriced")), textCell(p.T("economics.unpriced"))
		if l.Priced {
			unit = textCell(unitMoney(p, items[l.Code].Value) + " " + perUnit(p, l.Unit))
			cost = moneyCell(p, l.Cell)
		} else if l.Quantity > 0 {
			unpriced = append(unpriced, label)
		}
		t.Rows = append(t.Rows, rowView{Label: label, Cells: []cellView{textCell(qty), unit, cost}})
	}
	t.Rows = append(t.Rows,
		rowView{Label: p.T("economics.row.interventions_total"), Cells: []cellView{textCell(""), textCell(""), moneyCell(p, r.InterventionTotal)}},
		rowView{Label: p.T("economics.row.cost_total"), Total: true, Cells: []cellView{textCell(""), textCell(""), moneyCell(p, r.CostTotal)}},
		rowView{Label: p.T("economics.row.served"), Cells: []cellView{countCell(p, r.Served), textCell(""), moneyCell(p, r.CostPerServed)}},
		rowView{Label: p.T("economics.row.case_months"), Cells: []cellView{numberCell(p, r.CaseMonths, 1), textCell(""), moneyCell(p, r.CostPerCaseMonth)}},
		rowView{Label: p.T("economics.row.participant"), Cells: []cellView{textCell(p.T("economics.months", formatNumber(p.Locale, r.MeanMonths, 1))), textCell(""), moneyCell(p, r.CostPerParticipant)}},
	)
	note := p.T("economics.note.costs")
	if len(unpriced) > 0 {
		note += " " + p.T("economics.note.unpriced", strings.Join(unpriced, ", "))
	}
	if r.Assumptions.CoordinatorFTE == 0 {
		note += " " + p.T("economics.note.no_fte")
	}
	sec.Figures = append(sec.Figures, figureView{ID: "costs", Title: title, Summary: p.T("economics.summary.costs", moneyCellText(p, r.CostTotal), moneyCellText(p, r.CostPerCaseMonth)),
		Note: note, Table: t, Wide: true})

	// How often each intervention is used.
	title = p.T("economics.fig.usage")
	ut := tableView{Caption: title, Corner: p.T("economics.col.method"), Cols: []string{p.T("economics.col.plans"), p.T("economics.col.youths")}}
	for _, b := range economics.AgeBands {
		ut.Cols = append(ut.Cols, p.T("economics.age."+b))
	}
	for _, pr := range economics.Programs {
		ut.Cols = append(ut.Cols, p.T("program."+pr))
	}
	ut.Cols = append(ut.Cols, p.T("economics.col.cost_period"))
	costOf := map[string]economics.CostLine{}
	for _, l := range r.Costs {
		costOf[l.Code] = l
	}
	for _, u := range r.Usage {
		label := methodName(u.Method, reg, out.MethodNames)
		if !u.Catalogue {
			label = p.T("economics.not_in_catalogue", label)
		}
		cells := []cellView{countCell(p, u.Plans), countCell(p, u.Youths)}
		for _, b := range economics.AgeBands {
			cells = append(cells, countCell(p, u.ByAge[b]))
		}
		for _, pr := range economics.Programs {
			cells = append(cells, countCell(p, u.ByProgram[pr]))
		}
		l := costOf[economics.InterventionCode(u.Method)]
		if l.Priced {
			cells = append(cells, moneyCell(p, l.Cell))
		} else {
			cells = append(cells, textCell(p.T("economics.unpriced")))
		}
		ut.Rows = append(ut.Rows, rowView{Label: label, Cells: cells})
	}
	summary := p.T("economics.summary.usage_none")
	if len(r.Usage) > 0 {
		summary = p.N("economics.summary.usage", len(r.Usage))
	}
	sec.Figures = append(sec.Figures, figureView{ID: "usage", Title: title, Summary: summary, Note: p.T("economics.note.usage"), Table: ut, Wide: true})
	return sec
}

func moneyCellText(p *Page, c *stats.Cell) string { return moneyCell(p, c).Text }

// effectsSection: the paired follow-up, with the definitions.
func effectsSection(p *Page, out *store.EconomicsReport) sectionView {
	r := out.Report
	e := r.Effects
	sec := sectionView{ID: "effects", Heading: p.T("economics.section.effects"), Intro: p.T("economics.section.effects_intro")}
	ba := func(at string) []string {
		return []string{p.T("economics.col.before"), p.T("economics.col.after", p.T("economics.after."+at)), p.T("economics.col.change")}
	}
	change := func(b, a *stats.Cell) cellView {
		if !b.Show() || !a.Show() {
			return cellView{Text: Hidden, Hidden: true}
		}
		d := a.Value - b.Value
		return cellView{Text: formatValue(p.Locale, stats.KindChange, "crimes", d), Value: d}
	}

	// Offences.
	title := p.T("economics.fig.offences")
	t := tableView{Caption: title, Corner: p.T("economics.col.crime"), Cols: ba(e.Offences.At)}
	for _, c := range economics.CrimeCategories {
		t.Rows = append(t.Rows, rowView{Label: p.T("indicator.police_suspect." + c), Cells: []cellView{formatCell(p.Locale, e.Offences.Before[c], "crimes"),
			formatCell(p.Locale, e.Offences.After[c], "crimes"), change(e.Offences.Before[c], e.Offences.After[c])}})
	}
	t.Rows = append(t.Rows, rowView{Label: p.T("economics.row.all_offences"), Total: true, Cells: []cellView{formatCell(p.Locale, e.Offences.TotalBefore, "crimes"),
		formatCell(p.Locale, e.Offences.TotalAfter, "crimes"), change(e.Offences.TotalBefore, e.Offences.TotalAfter)}})
	sec.Figures = append(sec.Figures, figureView{ID: "offences", Title: title,
		Summary: p.T("economics.summary.paired", countCell(p, e.Offences.N).Text), Note: p.T("economics2.note.offences", countCell(p, e.Offences.Whole).Text), Table: t})

	// Placements.
	title = p.T("economics.fig.placement")
	pt := tableView{Caption: title, Corner: p.T("economics.col.placement"), Cols: ba(e.Placement.At)[:2]}
	for _, v := range e.Placement.Values {
		pt.Rows = append(pt.Rows, rowView{Label: p.T("indicator.placement." + v), Cells: []cellView{countCell(p, e.Placement.Before[v]), countCell(p, e.Placement.After[v])}})
	}
	pb, pa := e.Placement.Placed()
	pt.Rows = append(pt.Rows, rowView{Label: p.T("economics.row.placed"), Cells: []cellView{countCell(p, pb), countCell(p, pa)}})
	days := func(c *stats.Cell) cellView {
		if !c.Show() {
			return cellView{Text: Hidden, Hidden: true}
		}
		return numberCell(p, c.Value*365, 0)
	}
	pt.Rows = append(pt.Rows, rowView{Label: p.T("economics.row.days_placed"), Cells: []cellView{days(pb), days(pa)}})
	avoided := cellView{Text: Hidden, Hidden: true}
	if pb.Show() && pa.Show() {
		avoided = numberCell(p, pb.Value-pa.Value, 0)
	}
	pt.Rows = append(pt.Rows, rowView{Label: p.T("economics.row.placements_avoided"), Cells: []cellView{avoided, textCell("")}})
	pt.Rows = append(pt.Rows, rowView{Label: p.T("economics.row.paired"), Total: true, Cells: []cellView{countCell(p, e.Placement.N), countCell(p, e.Placement.N)}})
	sec.Figures = append(sec.Figures, figureView{ID: "placement", Title: title, Summary: p.T("economics.summary.paired", countCell(p, e.Placement.N).Text),
		Note: p.T("economics.note.placement"), Table: pt})

	// Occupation, and the older ones in work or study.
	choiceTable := func(id, titleKey, noteKey string, ce economics.ChoiceEffect, label func(string) string) {
		title := p.T(titleKey)
		ct := tableView{Caption: title, Corner: p.T("economics.col.occupation"), Cols: ba(ce.At)[:2]}
		for _, v := range ce.Values {
			ct.Rows = append(ct.Rows, rowView{Label: label(v), Cells: []cellView{countCell(p, ce.Before[v]), countCell(p, ce.After[v])}})
		}
		ct.Rows = append(ct.Rows, rowView{Label: p.T("economics.row.paired"), Total: true, Cells: []cellView{countCell(p, ce.N), countCell(p, ce.N)}})
		sec.Figures = append(sec.Figures, figureView{ID: id, Title: title, Summary: p.T("economics.summary.paired", countCell(p, ce.N).Text), Note: p.T(noteKey), Table: ct})
	}
	choiceTable("occupation", "economics.fig.occupation", "economics.note.occupation", e.Occupation, func(v string) string { return p.T("indicator.occupation." + v) })
	choiceTable("adult-occupation", "economics.fig.adult", "economics.note.adult", e.Adult, func(v string) string { return p.T("economics.adult." + v) })

	// School attendance.
	title = p.T("economics.fig.attendance")
	at := tableView{Caption: title, Corner: p.T("economics.col.measure"), Cols: ba(e.Attendance.At)[:2]}
	at.Rows = append(at.Rows, rowView{Label: p.T("economics.row.attendance"), Cells: []cellView{formatCell(p.Locale, e.Attendance.Before, "percent"), formatCell(p.Locale, e.Attendance.After, "percent")}},
		rowView{Label: p.T("economics.row.paired"), Total: true, Cells: []cellView{countCell(p, e.Attendance.N), countCell(p, e.Attendance.N)}})
	sec.Figures = append(sec.Figures, figureView{ID: "attendance", Title: title, Summary: p.T("economics.summary.paired", countCell(p, e.Attendance.N).Text),
		Note: p.T("economics.note.attendance"), Table: at})
	return sec
}

// assumptionsSection lists every assumption and every unit cost the calculation used.
func assumptionsSection(p *Page, out *store.EconomicsReport) sectionView {
	r, reg := out.Report, out.Register
	a := r.Assumptions
	sec := sectionView{ID: "assumptions", Heading: p.T("economics.section.assumptions"), Intro: p.T("economics.section.assumptions_intro")}
	title := p.T("economics.fig.assumptions")
	t := tableView{Caption: title, Corner: p.T("economics.col.assumption"), Cols: []string{p.T("economics.col.value"), p.T("economics.col.range"), p.T("economics.col.source")}}
	rng := func(r economics.Range, f func(float64) string) (cellView, cellView) {
		return textCell(f(r.Value)), textCell(p.T("economics.range", f(r.Low), f(r.High)))
	}
	pct := func(v float64) string { return percentText(p, v, 1) }
	yrs := func(v float64) string { return p.T("economics.years", formatNumber(p.Locale, v, 1)) }
	add := func(key string, v, rg cellView, sourceKey string) {
		t.Rows = append(t.Rows, rowView{Label: p.T(key), Cells: []cellView{v, rg, textCell(p.T(sourceKey))}})
	}
	v1, r1 := rng(a.Attribution, pct)
	add("economics.assumption.attribution", v1, r1, "economics.source.attribution")
	v1, r1 = rng(a.Persistence, yrs)
	add("economics.assumption.persistence", v1, r1, "economics.source.persistence")
	v1, r1 = rng(a.Discount, pct)
	add("economics.assumption.discount", v1, r1, "economics.source.discount")
	add("economics.assumption.fte", numberCell(p, a.CoordinatorFTE, 2), textCell("–"), "economics.source.fte")
	add("economics.assumption.price_year", textCell(strconv.Itoa(a.PriceYear)), textCell("–"), "economics.source.kpi")
	add("economics.assumption.after", textCell(afterLabel(p, a.After)), textCell("–"), "economics.source.after")
	add("economics.assumption.draws", numberCell(p, float64(a.Draws), 0), textCell("–"), "economics.source.draws")
	add("economics.assumption.seed", textCell(strconv.FormatUint(a.Seed, 10)), textCell("–"), "economics.source.seed")
	sec.Figures = append(sec.Figures, figureView{ID: "assumptions", Title: title, Summary: p.T("economics.summary.assumptions"), Table: t, Wide: true})

	title = p.T("economics.fig.items", r.PriceYear)
	it := tableView{Caption: title, Corner: p.T("economics.col.item"),
		Cols: []string{p.T("economics.col.value_in", r.PriceYear), p.T("economics.col.range"), p.T("economics.col.original"), p.T("economics.col.tag"), p.T("economics.col.source")}}
	for _, u := range r.Used {
		it.Rows = append(it.Rows, rowView{Label: itemLabel(p, u.Item.Code, reg, out.MethodNames), Cells: []cellView{
			textCell(unitMoney(p, u.Value) + " " + perUnit(p, u.Item.Unit)),
			textCell(p.T("economics.range", unitMoney(p, u.Low), unitMoney(p, u.High))),
			textCell(p.T("economics.original", unitMoney(p, u.Item.Amount.Kronor()), u.Item.PriceYear)),
			textCell(p.T("economics.tag." + string(u.Item.Tag))),
			textCell(u.Item.Source),
		}})
	}
	sec.Figures = append(sec.Figures, figureView{ID: "items", Title: title, Summary: p.N("economics.summary.items", len(r.Used)), Note: p.T("economics.note.items"), Table: it, Wide: true})
	return sec
}
