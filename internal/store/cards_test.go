package store_test

import (
	"cmp"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// cardFields are the anonymous card's fields. A new one must be added here on purpose, after
// checking that it cannot be joined to another record (issue 19, point 4).
var cardFields = []string{"ID", "AgeBand", "District", "Step", "IRKClear", "IRKSome", "Factors", "Month"}

// The outside test matched a card to the reporter's receipt by its opening time (to the
// microsecond) and its address (/cards/{case id}). No field of a card may equal a key or a
// moment that a receipt, the reporter's list or any other record holds: its id is its own, its
// time is the month.
func TestCardCannotBeJoinedToOtherRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		opened := time.Date(2026, 3, 10, 13, 17, 42, 123456000, time.UTC)
		clock := storetest.NewClock(opened)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		police := f.Ctx(t, s, casework.RoleGroupMember) // the fixture's group member is police
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc := f.Concern(t, s, casework.RoleGroupMember, "Dana", "Berg", pnr[3]) // the police's own report
		clock.Advance(50 * time.Hour)
		f.Advance(t, s, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{}) // the police are a party
		others := []int64{}
		for i, p := range pnr[4:7] {
			clock.Advance(time.Hour)
			o := f.Concern(t, s, casework.RoleCoordinator, "Annan", "Person"+strconv.Itoa(i), p)
			f.Advance(t, s, o.CaseID, casework.StepConsent, storetest.ConsentSpec{})
			others = append(others, o.CaseID)
		}
		cd, err := s.CaseDetail(coord, rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		mine, err := s.MyConcerns(police)
		if err != nil || len(mine) != 1 {
			t.Fatalf("the reporter's concerns: %+v %v", mine, err)
		}
		cards, err := s.Cards(police)
		if err != nil || len(cards) != 4 {
			t.Fatalf("cards: %+v %v", cards, err)
		}
		own := storetest.CardID(t, s, rc.CaseID)
		one, err := s.CardOf(police, own)
		if err != nil {
			t.Fatal(err)
		}

		// Every key and moment the reporter or anyone else holds about this young person.
		keys := map[int64]string{rc.CaseID: "the case id", rc.ConcernID: "the concern id (receipt)", cd.Youth.ID: "the youth id",
			mine[0].ConcernID: "the reporter's list"}
		for _, id := range others {
			keys[id] = "another case's id"
		}
		var moments []string
		for _, at := range []time.Time{rc.At, mine[0].At, cd.Case.OpenedAt} {
			for _, tz := range []*time.Location{time.UTC, casework.Stockholm} {
				l := at.In(tz)
				moments = append(moments, l.Format(time.RFC3339Nano), l.Format(time.RFC3339), l.Format(time.DateOnly), l.Format("15:04"),
					strconv.FormatInt(at.Unix(), 10))
			}
		}

		t.Run("the card has only the fields reviewed for joins, and no time", func(t *testing.T) {
			ty := reflect.TypeFor[store.Card]()
			var got []string
			for i := range ty.NumField() {
				if fd := ty.Field(i); fd.IsExported() {
					got = append(got, fd.Name)
					if fd.Type == reflect.TypeFor[time.Time]() {
						t.Errorf("field %s is a time: a moment can be matched to a receipt", fd.Name)
					}
				}
			}
			if !slices.Equal(got, cardFields) {
				t.Errorf("card fields %v, reviewed %v", got, cardFields)
			}
		})
		for _, c := range append(cards, one) {
			v := reflect.ValueOf(c)
			for i := range v.NumField() {
				fd := v.Type().Field(i)
				if !fd.IsExported() {
					continue
				}
				if n, ok := v.Field(i).Interface().(int64); ok {
					if what, hit := keys[n]; hit {
						t.Errorf("card field %s = %d is %s", fd.Name, n, what)
					}
					if n != 0 {
						tables, err := s.TablesWithIDForTest(context.Background(), n)
						if err != nil {
							t.Fatal(err)
						}
						if len(tables) > 0 {
							t.Errorf("card field %s = %d is the id of a row in %v", fd.Name, n, tables)
						}
					}
				}
				if tm, ok := v.Field(i).Interface().(time.Time); ok {
					t.Errorf("card field %s = %s is a moment", fd.Name, tm)
				}
			}
			b, _ := json.Marshal(c)
			for _, m := range moments {
				if strings.Contains(string(b), m) {
					t.Errorf("card %s holds %q, a moment of the receipt or the case", b, m)
				}
			}
		}
		t.Run("the card shows the month", func(t *testing.T) {
			if one.Month != "2026-03" || one.ID != own || one.AgeBand == "" || one.District == "" {
				t.Fatalf("card %+v", one)
			}
		})
		t.Run("the case's id does not open a card", func(t *testing.T) {
			if _, err := s.CardOf(police, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("CardOf(case id): %v", err)
			}
		})
		t.Run("within a month the order says nothing about which came first", func(t *testing.T) {
			if !slices.IsSortedFunc(cards, func(a, b store.Card) int { return cmp.Compare(a.ID, b.ID) }) {
				var ids []int64
				for _, c := range cards {
					ids = append(ids, c.ID)
				}
				t.Fatalf("cards of one month are not in card-id order: %v", ids)
			}
		})
	})
}
