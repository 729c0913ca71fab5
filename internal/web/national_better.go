package web

import (
	"strings"

	"lots/internal/stats"
)

// nationalBetter says which way a figure of the national comparison is better: "higher",
// "lower" or "" (no direction, e.g. where young people live). Times are better short, shares
// within a deadline, consented and goals reached better high; an outcome follows its
// indicator's direction (stats.Indicator.Better), and the "none" rows of a choice are read for
// what they mean: no placement is good, no occupation is not.
func nationalBetter(key string) string {
	parts := strings.Split(key, "/")
	switch parts[0] {
	case "times":
		return "lower"
	case "deadlines", "consent", "goals":
		return "higher"
	}
	code, ok := strings.CutPrefix(parts[0], "outcome_")
	if !ok {
		return ""
	}
	if len(parts) > 1 && parts[1] == "none" {
		switch code {
		case "placement":
			return "higher"
		case "occupation", "income":
			return "lower"
		}
		return ""
	}
	if ind, ok := stats.IndicatorByCode(code); ok {
		return ind.Better
	}
	return ""
}

// nationalVerdict compares the own value with the median in the figure's direction:
// "better", "worse", "same" or "" (the figure has no direction, or no own value).
func nationalVerdict(sp stats.Spread) string {
	better := nationalBetter(sp.Key)
	if !sp.HasOwn || better == "" {
		return ""
	}
	switch {
	case sp.Own == sp.Median:
		return "same"
	case (sp.Own > sp.Median) == (better == "higher"):
		return "better"
	}
	return "worse"
}

// nationalVerdictKeys are the verdicts' words in the catalogue.
var nationalVerdictKeys = map[string]string{"better": "national.verdict_better", "worse": "national.verdict_worse", "same": "national.verdict_same"}
