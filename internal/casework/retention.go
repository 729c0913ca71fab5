package casework

import (
	"sort"
	"time"
)

// Retention (gallring): for each kind of record, how long Lots keeps it after the event it
// counts from, within which bounds a municipality may set the period, and why. The rules are
// data; docs/data-protection.md states the legal basis of each (what is verified, what is our
// inference), and the store applies them (internal/store/retention.go). No rule ever touches a
// case that is open or under a legal hold.

// RecordKind names a kind of record a retention rule applies to.
type RecordKind string

const (
	// RetConcernNotTakenOn: a concern that led nowhere — its case was closed by the
	// preparatory group without being taken on ("not now", "refer elsewhere"). Counts from the
	// case's last entry.
	RetConcernNotTakenOn RecordKind = "concern_not_taken_on"
	// RetCaseNotStarted: a case taken on but closed before the decision to start (no SIG was
	// ever started). Counts from its last entry.
	RetCaseNotStarted RecordKind = "case_not_started"
	// RetCaseClosed: a started case, closed and followed up. Counts from its last entry (the
	// last follow-up, note or change).
	RetCaseClosed RecordKind = "case_closed"
	// RetConsentScan: the signed form (scan) of a consent that has ended, in a closed case. The
	// consent record itself — who consented to what, when — stays with the case.
	RetConsentScan RecordKind = "consent_scan"
	// RetMeetingMinutes: the minutes and decisions of the meetings of a closed case (the
	// meeting's date and attendance stay, for the case's history and the figures).
	RetMeetingMinutes RecordKind = "meeting_minutes"
	// RetPlanVersions: the superseded versions of a closed case's action plan (the last
	// version stays with the case).
	RetPlanVersions RecordKind = "plan_versions"
	// RetSessions: login sessions, from when they ended.
	RetSessions RecordKind = "sessions"
	// RetAPITokens: API tokens, from when they expired or were revoked.
	RetAPITokens RecordKind = "api_tokens"
	// RetAccessLog: the access log's entries, from when they were written. They go from the front
	// of the log, behind a checkpoint of its tree (store/auditprune.go).
	RetAccessLog RecordKind = "access_log"
	// RetStatistics: the anonymous statistics (the archived figures of each half-year). Kept.
	RetStatistics RecordKind = "statistics"
)

// PeriodUnit is a retention period's unit.
type PeriodUnit string

const (
	Days   PeriodUnit = "days"
	Months PeriodUnit = "months"
)

// RetentionRule is one kind's rule.
type RetentionRule struct {
	Kind RecordKind
	// Default, Min and Max bound the period a municipality may set, in Unit.
	Default, Min, Max int
	Unit              PeriodUnit
	// Deletes is false for a kind Lots keeps (statistics); its period is then informative.
	Deletes bool
}

// retentionRules are the rules, in the order pages list them.
var retentionRules = []RetentionRule{
	{Kind: RetConcernNotTakenOn, Default: 12, Min: 3, Max: 60, Unit: Months, Deletes: true},
	{Kind: RetCaseNotStarted, Default: 24, Min: 12, Max: 60, Unit: Months, Deletes: true},
	{Kind: RetCaseClosed, Default: 60, Min: 60, Max: 360, Unit: Months, Deletes: true},
	{Kind: RetConsentScan, Default: 24, Min: 6, Max: 60, Unit: Months, Deletes: true},
	{Kind: RetMeetingMinutes, Default: 24, Min: 12, Max: 60, Unit: Months, Deletes: true},
	{Kind: RetPlanVersions, Default: 24, Min: 12, Max: 60, Unit: Months, Deletes: true},
	{Kind: RetSessions, Default: 1, Min: 0, Max: 30, Unit: Days, Deletes: true},
	{Kind: RetAPITokens, Default: 90, Min: 30, Max: 730, Unit: Days, Deletes: true},
	{Kind: RetAccessLog, Default: 120, Min: 60, Max: 360, Unit: Months, Deletes: true},
	{Kind: RetStatistics, Default: 0, Min: 0, Max: 0, Unit: Months, Deletes: false},
}

// RetentionRules returns the rules.
func RetentionRules() []RetentionRule { return append([]RetentionRule(nil), retentionRules...) }

// RetentionRuleOf returns the rule of kind k.
func RetentionRuleOf(k RecordKind) (RetentionRule, bool) {
	for _, r := range retentionRules {
		if r.Kind == k {
			return r, true
		}
	}
	return RetentionRule{}, false
}

// Settable reports whether a municipality may change the rule's period.
func (r RetentionRule) Settable() bool { return r.Deletes && r.Min < r.Max }

// Expires is when a record whose period p counts from event falls due: p days, or p calendar
// months (a month-end to the next month's end: 31 January + 1 month is 28 February).
func (r RetentionRule) Expires(event time.Time, p int) time.Time {
	if r.Unit == Days {
		return event.AddDate(0, 0, p)
	}
	return AddMonths(event, p)
}

// Due reports whether a record whose period counts from event is due for deletion at now.
func (r RetentionRule) Due(event, now time.Time, p int) bool {
	return r.Deletes && !event.IsZero() && !r.Expires(event, p).After(now)
}

// Horizon bounds the events that can be due at now: no event after it is. Queries select with
// it and Due decides.
func (r RetentionRule) Horizon(now time.Time, p int) time.Time {
	if r.Unit == Days {
		return now.AddDate(0, 0, -p)
	}
	return AddMonths(now, -p).AddDate(0, 0, 4)
}

// RetentionPeriod is the municipality's period for kind k: its own setting, or the default.
func (s Settings) RetentionPeriod(k RecordKind) int {
	r, _ := RetentionRuleOf(k)
	if v, ok := s.Retention[k]; ok && r.Settable() {
		return min(max(v, r.Min), r.Max)
	}
	return r.Default
}

// ValidateRetention checks the periods a municipality sets: only for kinds it may set, within
// each rule's bounds, and the access log kept at least as long as closed cases.
func ValidateRetention(periods map[RecordKind]int) error {
	var fe FieldErrors
	kinds := make([]string, 0, len(periods))
	for k := range periods {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		r, ok := RetentionRuleOf(RecordKind(k))
		v := periods[RecordKind(k)]
		if !ok || !r.Settable() || v < r.Min || v > r.Max {
			fe.Add("retention_"+k, "retention.period_range")
		}
	}
	// The log of who read a case outlives the case: an extract can then always say who read
	// what is still held.
	if fe.Err() == nil {
		eff := Settings{Retention: periods}
		if eff.RetentionPeriod(RetAccessLog) < eff.RetentionPeriod(RetCaseClosed) {
			fe.Add("retention_"+string(RetAccessLog), "retention.log_shorter_than_cases")
		}
	}
	return fe.Err()
}

// ClosedCaseKind says which rule a closed case falls under: never taken on by the preparatory
// group, taken on but never started, or started.
func ClosedCaseKind(takenOn, decidedStart bool) RecordKind {
	switch {
	case !takenOn:
		return RetConcernNotTakenOn
	case !decidedStart:
		return RetCaseNotStarted
	}
	return RetCaseClosed
}
