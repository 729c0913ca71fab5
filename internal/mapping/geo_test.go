package mapping_test

import (
	"strings"
	"testing"

	"lots/internal/mapping"
)

func TestGeoJSONBoundaries(t *testing.T) {
	shapes, err := mapping.ParseGeoJSON(mustRead(t, "stadsdelar.geojson"), districts)
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 3 || shapes[0].District != 1 || len(shapes[1].Polygons) != 2 || shapes[2].District != 3 {
		t.Fatalf("shapes %+v", shapes)
	}
	figs := map[int64]mapping.Figure{1: {Value: 20, Shown: true}, 2: {Value: 10, Shown: true}, 3: {Primary: true}}
	areas, classes, height := mapping.DrawMap(shapes, figs, 600)
	if len(areas) != 3 || len(classes) != 4 || height < 500 || height > 1000 {
		t.Fatalf("areas %d, classes %+v, height %v", len(areas), classes, height)
	}
	if areas[0].Class != "c3" || areas[1].Class != "c0" || areas[2].Class != "hidden" {
		t.Errorf("classes %s %s %s: the highest, the lowest, hidden", areas[0].Class, areas[1].Class, areas[2].Class)
	}
	// Söder's two polygons are two closed subpaths; everything lies inside the view box.
	if strings.Count(areas[1].Path, "M") != 2 || strings.Count(areas[1].Path, "Z") != 2 || !strings.HasPrefix(areas[2].Path, "M0.0 ") {
		t.Errorf("paths %q %q", areas[1].Path, areas[2].Path)
	}
	delete(figs, 2)
	if areas, _, _ := mapping.DrawMap(shapes, figs, 600); areas[1].Class != "none" {
		t.Errorf("a district without a figure is %s", areas[1].Class)
	}
}

func TestBadGeoJSONIsRefusedWithTheNames(t *testing.T) {
	file := `{"type": "FeatureCollection", "features": [
		{"type": "Feature", "properties": {"name": "Norr"}, "geometry": {"type": "Point", "coordinates": [18, 59]}},
		{"type": "Feature", "properties": {"name": "Öster"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
		{"type": "Feature", "properties": {"name": "Bortom"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
		{"type": "Feature", "properties": {"name": "Söder"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
		{"type": "Feature", "properties": {"name": "söder"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}
	]}`
	_, err := mapping.ParseGeoJSON([]byte(file), districts)
	got := strings.Join(errorsOf(t, err), "\n")
	for _, want := range []string{"Dessa är inte polygoner: Norr.", "Dessa namn matchar ingen stadsdel: Öster, Bortom.", "Dessa stadsdelar finns mer än en gång: söder."} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if _, err := mapping.ParseGeoJSON([]byte(`{"type": "Feature"}`), districts); err == nil {
		t.Error("a single feature is not a collection")
	}
}
