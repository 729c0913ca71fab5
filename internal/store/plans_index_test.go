package store_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// smallTables may be read whole: the organisation and the settings, a handful of rows a
// municipality, never its cases or their history.
var smallTables = map[string]bool{"municipalities": true, "agencies": true, "districts": true, "units": true,
	"catalogue_methods": true, "consent_texts": true, "dashboard_releases": true, "national_exports": true,
	"unit_costs": true, "price_indexes": true, "economics_settings": true, "instruments": true, "retention_settings": true}

var (
	sqliteScan = regexp.MustCompile(`^SCAN (\w+)`)
	pgSeqScan  = regexp.MustCompile(`Seq Scan on (\w+)`)
	aliasRE    = regexp.MustCompile(`(?i)(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?`)
)

// tableOf is the table a plan's name stands for in q: SQLite names the alias; a name that is
// no table's alias (a subquery's) is "".
func tableOf(q, name string) string {
	for _, m := range aliasRE.FindAllStringSubmatch(q, -1) {
		if m[2] == name || (m[2] == "" && m[1] == name) || m[1] == name {
			return m[1]
		}
	}
	return ""
}

// TestQueryPlansUseIndexes runs what the pages run — a case and each of its parts, the lists,
// the start page's lists, the search, the cards, the log extract — and checks every query's plan
// on both engines: no table that grows with the cases is read whole (SQLite's EXPLAIN QUERY
// PLAN says SCAN; PostgreSQL, with sequential scans disabled in the transaction, still plans a
// Seq Scan only when no index can serve the query).
func TestQueryPlansUseIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		base := storetest.Open(t, e, nil)
		f := storetest.Seed(t, base, "9901", "")
		var ids []int64
		for i, step := range []casework.Step{casework.StepIdentified, casework.StepAssessment, casework.StepPlanning, casework.StepActive} {
			rc := f.Concern(t, base, casework.RoleCoordinator, "Plan", "Frågesson"+string(rune('A'+i)), storetest.TestPersonalNumbers[i])
			if step != casework.StepIdentified {
				f.Advance(t, base, rc.CaseID, step, storetest.ConsentSpec{})
			}
			ids = append(ids, rc.CaseID)
		}
		var mu sync.Mutex
		bad := map[string][]string{}
		s := base.WithPlanCheckForTest(func(q string, plan []string) {
			for _, line := range plan {
				var m []string
				if e == storetest.SQLite {
					m = sqliteScan.FindStringSubmatch(strings.TrimSpace(line))
				} else {
					m = pgSeqScan.FindStringSubmatch(line)
				}
				table := ""
				if m != nil {
					table = tableOf(q, m[1])
				}
				if strings.HasPrefix(line, "error:") || (table != "" && !smallTables[table]) {
					mu.Lock()
					bad[q] = plan
					mu.Unlock()
				}
			}
		})
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember)
		auditor := f.Ctx(t, s, casework.RoleAuditor)
		must := func(err error) {
			t.Helper()
			if err != nil && casework.ErrorCode(err) != casework.ENotFound && casework.ErrorCode(err) != casework.EForbidden {
				t.Fatal(err)
			}
		}
		for _, id := range ids {
			for _, ctx := range []func() error{
				func() error { _, err := s.CaseDetail(coord, id); return err },
				func() error { _, err := s.CaseDetail(police, id); return err },
				func() error { _, err := s.Assessments(coord, id); return err },
				func() error { _, err := s.PlanVersions(coord, id); return err },
				func() error { _, err := s.Timeline(coord, id); return err },
				func() error { _, err := s.Consents(coord, id); return err },
				func() error { _, err := s.Group(coord, id); return err },
				func() error { _, err := s.Meetings(coord, id); return err },
				func() error { _, err := s.RelatedPersons(coord, id); return err },
				func() error { _, err := s.IndicatorSheet(coord, id); return err },
				func() error { _, err := s.PossibleDuplicates(coord, id); return err },
			} {
				must(ctx())
			}
		}
		for _, q := range []store.CaseQuery{{Mine: true, Limit: 25}, {Waiting: true, Limit: 25}, {OpenOnly: true, Limit: 25},
			{Limit: 25}, {Mine: true, Deadlines: true, NearDays: 7}, {Search: "fråges", Limit: 25}} {
			_, err := s.Cases(coord, q)
			must(err)
			_, err = s.Cases(police, q)
			must(err)
		}
		_, err := s.MyGroups(coord)
		must(err)
		_, err = s.MyMeetings(coord, 10)
		must(err)
		_, err = s.ExpiringConsents(coord, casework.ConsentSoon)
		must(err)
		_, err = s.MyTasks(police, false)
		must(err)
		_, err = s.StepCounts(coord, "")
		must(err)
		_, err = s.Cards(police)
		must(err)
		_, err = s.MyConcerns(coord)
		must(err)
		_, err = s.AccessExtract(auditor, store.ExtractQuery{CaseID: ids[2]})
		must(err)
		_, err = s.Capacity(coord) // mapping.go: the caseloads and the waiting list
		must(err)
		for q, plan := range bad {
			t.Errorf("%s reads a growing table whole:\n%s\nplan:\n\t%s", e, q, strings.Join(plan, "\n\t"))
		}
	})
}
