package api_test

import (
	"encoding/json"
	"slices"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// TestOpenAPIMeetingKind: the meeting's kind is in the OpenAPI document, the request's and the
// answer's, with the kinds Lots knows as its enum (issue 14:1).
func TestOpenAPIMeetingKind(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	res, body := call(t, srv, "GET", "/api/v1/openapi.json", "", "")
	if res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	var doc struct {
		Comps struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	want := []string{"group_meeting", "mapping_conversation", "network_meeting", "follow_up", "future_meeting"}
	for _, schema := range []string{"MeetingRequest", "Meeting"} {
		if got := doc.Comps.Schemas[schema].Properties["kind"].Enum; !slices.Equal(got, want) {
			t.Errorf("%s.kind enum %v, want %v", schema, got, want)
		}
	}
}
