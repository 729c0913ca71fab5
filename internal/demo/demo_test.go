package demo_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// loaded is a store with the demo municipality, and what the tests need to look at it.
type loaded struct {
	st    *store.Store
	db    *sql.DB // raw access, for what no actor may see (the whole register)
	m     casework.Municipality
	coord map[string]context.Context // the two coordinators
	cases map[int64]store.CaseRow    // every case either coordinator sees
	took  time.Duration
	// loadedAt is when Load returned, and entries how many audit entries the demo wrote: the
	// tests' own reads add entries after it.
	loadedAt time.Time
	entries  int64
}

// load builds the demo on engine. On SQLite it goes through a Snapshot (which runs Load in a
// database of its own) written where storetest puts the test's database, so the snapshot is
// tested on the way.
func load(t *testing.T, engine storetest.Engine) *loaded {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, engine)
	start := time.Now()
	var res demo.Result
	if engine == storetest.SQLite {
		snap, err := demo.BuildSnapshot(ctx, auth.NewHasher(auth.FastParams))
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		if err := snap.WriteTo(filepath.Dir(dsn)); err != nil {
			t.Fatal(err)
		}
		res = snap.Result
	}
	st, err := store.Open(ctx, store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	driver := "sqlite"
	if engine == storetest.Postgres {
		driver = "pgx"
		if res, err = demo.Load(ctx, st, auth.NewHasher(auth.FastParams)); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l := &loaded{st: st, db: db, m: res.Municipality, coord: map[string]context.Context{}, cases: map[int64]store.CaseRow{},
		took: time.Since(start), loadedAt: time.Now()}
	head, err := st.AuditHead(ctx, res.Municipality.ID)
	if err != nil {
		t.Fatal(err)
	}
	l.entries = head.Size
	t.Logf("%s: demo built in %v", engine, l.took.Round(time.Millisecond))
	if !res.Created {
		t.Fatal("a fresh store did not create the demo")
	}
	for _, u := range []string{"samordnare", "samordnare2"} {
		l.coord[u] = l.as(t, u)
		page, err := st.Cases(l.coord[u], store.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			l.cases[r.CaseID] = r
		}
	}
	return l
}

func (l *loaded) as(t *testing.T, username string) context.Context {
	t.Helper()
	id, err := l.st.UserIDByUsername(context.Background(), l.m.ID, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	a, err := l.st.Actor(context.Background(), l.m.ID, id, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(context.Background(), a)
}

// coordinatorOf returns the context of the coordinator of a case (the first one for a case
// nobody has taken on).
func (l *loaded) coordinatorOf(r store.CaseRow) context.Context {
	if r.Coordinator == "Johan Berg" {
		return l.coord["samordnare2"]
	}
	return l.coord["samordnare"]
}

func (l *loaded) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := l.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		t.Parallel() // SQLite waits for the CPU, PostgreSQL for its round trips: together they take the time of one
		l := load(t, engine)
		ctx := context.Background()
		now := l.loadedAt

		t.Run("about 150 young people, some protected, some with a reserve identity", func(t *testing.T) {
			n := l.count(t, `SELECT COUNT(*) FROM youths WHERE municipality_id = $1`, l.m.ID)
			if n < 140 || n > 160 {
				t.Errorf("%d young people, want about 150", n)
			}
			if p := l.count(t, `SELECT COUNT(*) FROM youths WHERE municipality_id = $1 AND protected_identity`, l.m.ID); p < 3 || p > 8 {
				t.Errorf("%d with protected identity, want a handful", p)
			}
			if r := l.count(t, `SELECT COUNT(*) FROM youths WHERE municipality_id = $1 AND personal_number IS NULL AND reserve_id IS NOT NULL`, l.m.ID); r < 3 {
				t.Errorf("%d with a reserve identity, want a few", r)
			}
		})

		t.Run("every step of the flow has cases", func(t *testing.T) {
			per := map[casework.Step]int{}
			for _, r := range l.cases {
				per[r.Step]++
			}
			for _, st := range casework.Steps {
				if per[st] == 0 {
					t.Errorf("no case at step %s (%v)", st, per)
				}
			}
			counts, err := l.st.StepCounts(l.coord["samordnare"])
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, c := range counts {
				total += c.Count
			}
			if total == 0 {
				t.Error("the coordinator's start page counts no cases")
			}
			t.Logf("steps: %v", per)
		})

		t.Run("every closure reason occurs", func(t *testing.T) {
			rows, err := l.db.Query(`SELECT DISTINCT closure_reason FROM cases WHERE municipality_id = $1 AND closure_reason <> ''`, l.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var r string
				if err := rows.Scan(&r); err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			for _, want := range []casework.ClosureReason{casework.CloseNotNow, casework.CloseReferred, casework.CloseNotStarted,
				casework.CloseGoalsReached, casework.CloseMoved, casework.ClosePlaced, casework.CloseDeclined,
				casework.CloseConsentWithdrawn, casework.CloseAgedOut} {
				if !slices.Contains(got, string(want)) {
					t.Errorf("no case closed as %s (got %v)", want, got)
				}
			}
		})

		t.Run("consents are signed by whom the rule requires", func(t *testing.T) {
			settings := l.m.Settings.WithDefaults()
			var consents, signed, renewed, withdrawn, awaitingGuardian int
			for _, r := range l.cases {
				cctx := l.coordinatorOf(r)
				cs, err := l.st.Consents(cctx, r.CaseID)
				if err != nil || len(cs) == 0 {
					continue
				}
				people, err := l.st.RelatedPersons(cctx, r.CaseID)
				if err != nil {
					t.Fatal(err)
				}
				sp := []casework.SignerPerson{{Person: "youth", Name: r.Name, IsYouth: true}}
				for _, p := range people {
					sp = append(sp, casework.SignerPerson{Person: "person:" + itoa(p.ID), Name: p.Name, HasCustody: p.HasCustody})
				}
				for _, c := range cs {
					consents++
					want := casework.RequiredSigners(casework.Age(r.BirthDate, c.ValidFrom), sp, settings)
					if !sameSigners(want, c.Signers) {
						t.Errorf("%s, consent from %s: signers %v, the rule requires %v", r.Name, c.ValidFrom.Format(time.DateOnly), c.Signers, want)
					}
					for _, sg := range c.Signers {
						if !sg.SignedAt.IsZero() && (sg.SignedAt.After(now) || sg.SignedAt.Before(c.CreatedAt)) {
							t.Errorf("%s signed at %s, consent drawn up %s", sg.Name, sg.SignedAt, c.CreatedAt)
						}
					}
					if c.Signed() {
						signed++
					} else if c.WithdrawnAt.IsZero() && slices.ContainsFunc(c.MissingSigners(), func(s casework.Signer) bool { return s.Role == "guardian" }) {
						awaitingGuardian++
					}
					if c.RenewsID != 0 {
						renewed++
					}
					if !c.WithdrawnAt.IsZero() {
						withdrawn++
					}
				}
				if r.Step == casework.StepPlanning || r.Step == casework.StepActive {
					if _, ok := casework.CurrentConsent(cs, now); !ok {
						t.Errorf("%s is %s without a valid consent", r.Name, r.Step)
					}
				}
			}
			t.Logf("%d consents: %d signed, %d renewals, %d withdrawn, %d awaiting a guardian", consents, signed, renewed, withdrawn, awaitingGuardian)
			if renewed == 0 || withdrawn == 0 || awaitingGuardian == 0 {
				t.Error("want renewed consents, a withdrawn one and some awaiting a guardian's signature")
			}
		})

		t.Run("consents expire within 30 days on the start page", func(t *testing.T) {
			n := 0
			for _, c := range l.coord {
				exp, err := l.st.ExpiringConsents(c, 30*24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				n += len(exp)
			}
			if n < 2 {
				t.Errorf("%d consents expire within 30 days, want a few", n)
			}
		})

		t.Run("some deadlines are overdue, some near", func(t *testing.T) {
			states := map[string]int{}
			for _, c := range l.coord {
				page, err := l.st.Cases(c, store.CaseQuery{Deadlines: true, NearDays: 7})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Rows {
					for _, d := range r.Deadlines {
						states[d.State(now, 7*24*time.Hour)]++
					}
				}
			}
			if states["overdue"] == 0 || states["near"] == 0 {
				t.Errorf("deadline states %v, want overdue and near ones", states)
			}
		})

		t.Run("groups meet, and open cases have their next meeting booked", func(t *testing.T) {
			held := l.count(t, `SELECT COUNT(*) FROM meetings WHERE municipality_id = $1 AND status = 'held' AND starts_at < $2`, l.m.ID, now.UTC())
			ahead := l.count(t, `SELECT COUNT(*) FROM meetings WHERE municipality_id = $1 AND status = 'planned' AND starts_at > $2`, l.m.ID, now.UTC())
			convened := l.count(t, `SELECT COUNT(*) FROM cases WHERE municipality_id = $1 AND group_convened_at IS NOT NULL`, l.m.ID)
			if held < 100 || ahead < 10 || convened < 40 {
				t.Errorf("%d meetings held, %d booked ahead, %d groups convened", held, ahead, convened)
			}
		})

		t.Run("likely duplicates are found", func(t *testing.T) {
			found := 0
			for _, r := range l.cases {
				if r.Step != casework.StepIdentified {
					continue
				}
				for _, c := range l.coord {
					ds, err := l.st.PossibleDuplicates(c, r.CaseID)
					if err != nil {
						t.Fatal(err)
					}
					found += len(ds)
				}
			}
			if found < 2 {
				t.Errorf("%d likely duplicates found, want two", found)
			}
		})

		t.Run("nothing happened in the future", func(t *testing.T) {
			for _, q := range []string{
				`SELECT COUNT(*) FROM audit_log WHERE municipality_id = $1 AND at > $2 AND seq < $3`,
				`SELECT COUNT(*) FROM case_events WHERE municipality_id = $1 AND at > $2`,
				`SELECT COUNT(*) FROM cases WHERE municipality_id = $1 AND (opened_at > $2 OR step_since > $2)`,
				`SELECT COUNT(*) FROM consents WHERE municipality_id = $1 AND (created_at > $2 OR signed_at > $2 OR withdrawn_at > $2)`,
				`SELECT COUNT(*) FROM consent_signers WHERE municipality_id = $1 AND signed_at > $2`,
				`SELECT COUNT(*) FROM assessments WHERE municipality_id = $1 AND (assessed_at > $2 OR created_at > $2)`,
				`SELECT COUNT(*) FROM plan_versions WHERE municipality_id = $1 AND created_at > $2`,
				`SELECT COUNT(*) FROM follow_ups WHERE municipality_id = $1 AND done_at > $2`,
			} {
				args := []any{l.m.ID, now.UTC()}
				if strings.Contains(q, "$3") {
					args = append(args, l.entries)
				}
				if n := l.count(t, q, args...); n > 0 {
					t.Errorf("%d rows in the future: %s", n, q)
				}
			}
			if n := l.count(t, `SELECT COUNT(*) FROM case_events WHERE municipality_id = $1 AND at < $2`, l.m.ID, now.AddDate(0, -23, 0).UTC()); n > 0 {
				t.Errorf("%d events before the municipality's history", n)
			}
		})

		t.Run("every personnummer is one of Skatteverket's test numbers", func(t *testing.T) {
			list := map[string]bool{}
			for _, n := range demo.TestNumbers() {
				list[n] = true
			}
			rows, err := l.db.Query(`SELECT personal_number FROM youths WHERE municipality_id = $1 AND personal_number IS NOT NULL`, l.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var pn string
				if err := rows.Scan(&pn); err != nil {
					t.Fatal(err)
				}
				n++
				if !list[pn] {
					t.Errorf("%s is not in the embedded test list", pn)
				}
			}
			if n < 100 {
				t.Errorf("only %d young people have a personnummer", n)
			}
		})

		t.Run("ages fit the target group", func(t *testing.T) {
			ages := map[int]int{}
			for _, r := range l.cases {
				ages[r.Age]++
				if r.Age < 12 || r.Age > 20 {
					t.Errorf("%s is %d", r.Name, r.Age)
				}
			}
			teen := 0
			for a := 13; a <= 17; a++ {
				teen += ages[a]
			}
			if teen*3 < len(l.cases)*2 {
				t.Errorf("ages %v: want mostly 13–17", ages)
			}
		})

		t.Run("loading again changes nothing", func(t *testing.T) {
			before, err := l.st.AuditHead(ctx, l.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			res, err := demo.Load(ctx, l.st, auth.NewHasher(auth.FastParams))
			if err != nil {
				t.Fatal(err)
			}
			after, err := l.st.AuditHead(ctx, l.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if res.Created || res.Municipality.ID != l.m.ID || after.Size != before.Size {
				t.Errorf("second load: created %v, municipality %d (was %d), audit log %d → %d entries",
					res.Created, res.Municipality.ID, l.m.ID, before.Size, after.Size)
			}
		})

		t.Run("the audit log verifies", func(t *testing.T) {
			if _, err := l.st.VerifyAudit(ctx, l.m.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// sameSigners compares the signers a consent has with those the rule requires: the same
// people, each required or not the same way.
func sameSigners(want, got []casework.Signer) bool {
	if len(want) != len(got) {
		return false
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g casework.Signer) bool { return g.Person == w.Person && g.Required == w.Required }) {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestNumbersAreSkatteverkets checks the embedded list against Skatteverket's published list,
// when the shared copy is beside the project, and that every number is a valid personnummer
// born 2006–2014.
func TestNumbersAreSkatteverkets(t *testing.T) {
	nums := demo.TestNumbers()
	if len(nums) < 1000 {
		t.Fatalf("%d numbers embedded", len(nums))
	}
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range nums {
		p, err := casework.ParsePersonalNumber(n, far)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if y := p.BirthDate().Year(); y < 2006 || y > 2014 {
			t.Errorf("%s born %d", n, y)
		}
	}
	b, err := os.ReadFile("../../../shared/data/skatteverket-testpersonnummer.json")
	if err != nil {
		t.Skipf("Skatteverket's list is not beside the project (%v)", err)
	}
	var published []string
	if err := json.Unmarshal(b, &published); err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, n := range published {
		all[strings.TrimSpace(n)] = true
	}
	for _, n := range nums {
		if !all[n] {
			t.Errorf("%s is not in Skatteverket's list", n)
		}
	}
}

// TestFixtureNumbersAreNotTheDemos: tests register concerns about the fixture numbers in the
// demo municipality (apptest starts Lots with the demo); none may be a demo young person's.
func TestFixtureNumbersAreNotTheDemos(t *testing.T) {
	for _, n := range storetest.TestPersonalNumbers {
		if demo.DemoNumber(n) {
			t.Errorf("%s is both a fixture number and one the demo may use", n)
		}
	}
}

// TestLoadRefusesAnIncompleteDemo: a build that was interrupted (here: only the municipality
// exists) must not be reused as if it were the demo.
func TestLoadRefusesAnIncompleteDemo(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, storetest.SQLite, nil)
	if err := st.CreateMunicipality(ctx, &casework.Municipality{Code: demo.Code, Name: "Demo kommun"}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.FastParams)); err == nil || !strings.Contains(err.Error(), "--reset") {
		t.Fatalf("load over an incomplete demo: %v", err)
	}
}
