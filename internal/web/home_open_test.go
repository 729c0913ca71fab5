package web_test

import (
	"net/http"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// TestStartPageListsOpenCases: a coordinator's start page lists the cases they work on now; a
// closed one is gone from it and stays on the work list's "my cases".
func TestStartPageListsOpenCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newCaseWorld(t, e)
		open := w.concern(t, "Öppen", "Olsson", storetest.TestPersonalNumbers[10])
		closed := w.concern(t, "Stängd", "Svensson", storetest.TestPersonalNumbers[11])
		f := storetest.Existing(t, w.st, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
		f.Advance(t, w.st, open, casework.StepPlanning, storetest.ConsentSpec{})
		f.Advance(t, w.st, closed, casework.StepClosed, storetest.ConsentSpec{})
		coord := w.srv.Login(t, "samordnare")
		status, home, _ := w.srv.CountedGet(t, coord, "/")
		if status != http.StatusOK || !strings.Contains(home, "Öppen Olsson") || strings.Contains(home, "Stängd Svensson") {
			t.Errorf("start page %d: the open case listed %v, the closed one %v", status,
				strings.Contains(home, "Öppen Olsson"), strings.Contains(home, "Stängd Svensson"))
		}
		status, list, _ := w.srv.CountedGet(t, coord, "/worklist?tab=mine")
		if status != http.StatusOK || !strings.Contains(list, "Öppen Olsson") || !strings.Contains(list, "Stängd Svensson") {
			t.Errorf("work list %d: both cases listed %v, %v", status,
				strings.Contains(list, "Öppen Olsson"), strings.Contains(list, "Stängd Svensson"))
		}
	})
}
