package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"lots/internal/casework"
)

// Shape is a district's boundary: polygons of rings of [longitude, latitude] points (WGS 84,
// as GeoJSON has them), the first ring of each polygon its outline and the rest its holes.
type Shape struct {
	District int64
	Polygons [][][][2]float64
}

// nameKeys are the feature properties that may name the district, in order.
var nameKeys = []string{"name", "namn", "Name", "NAMN", "district", "stadsdel", "regsonamn", "RegSO"}

// ParseGeoJSON reads district boundaries from a GeoJSON FeatureCollection: each feature a
// Polygon or MultiPolygon whose properties name a district (name, namn, stadsdel …). A file
// with a feature that is not a polygon, or a name that matches no district, or two features
// for one district, is refused with the names listed.
func ParseGeoJSON(b []byte, districts []District) ([]Shape, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || fc.Type != "FeatureCollection" {
		return nil, casework.Invalid("file", "mapping.geo.not_collection")
	}
	byName := map[string]int64{}
	for _, d := range districts {
		byName[norm(d.Name)] = d.ID
	}
	var notPolygon, unknown, twice []string
	seen := map[int64]bool{}
	var out []Shape
	for i, f := range fc.Features {
		name := ""
		for _, k := range nameKeys {
			if s, ok := f.Properties[k].(string); ok && strings.TrimSpace(s) != "" {
				name = strings.TrimSpace(s)
				break
			}
		}
		label := name
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		var polys [][][][2]float64
		ok := f.Geometry != nil
		if ok {
			switch f.Geometry.Type {
			case "Polygon":
				var p [][][2]float64
				ok = json.Unmarshal(f.Geometry.Coordinates, &p) == nil
				polys = [][][][2]float64{p}
			case "MultiPolygon":
				ok = json.Unmarshal(f.Geometry.Coordinates, &polys) == nil
			default:
				ok = false
			}
		}
		for _, p := range polys {
			if len(p) == 0 || len(p[0]) < 4 {
				ok = false
			}
		}
		if !ok {
			notPolygon = append(notPolygon, label)
			continue
		}
		id, found := byName[norm(name)]
		switch {
		case !found:
			unknown = append(unknown, label)
		case seen[id]:
			twice = append(twice, label)
		default:
			seen[id] = true
			out = append(out, Shape{District: id, Polygons: polys})
		}
	}
	var fe casework.FieldErrors
	if len(notPolygon) > 0 {
		fe.Add("file", "mapping.geo.not_polygon", strings.Join(notPolygon, ", "))
	}
	if len(unknown) > 0 {
		fe.Add("file", "mapping.geo.unknown", strings.Join(unknown, ", "))
	}
	if len(twice) > 0 {
		fe.Add("file", "mapping.geo.twice", strings.Join(twice, ", "))
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, casework.Invalid("file", "mapping.geo.empty")
	}
	return out, nil
}

// MapArea is a district drawn on the map: its SVG path and its class.
type MapArea struct {
	District int64
	Path     string
	Class    string // "c0"…"c3" by value, "hidden", "none"
}

// MapClass is a class of the legend: its values' range.
type MapClass struct {
	Class     string
	Low, High float64
}

// DrawMap projects the shapes into an SVG view box width wide (an equirectangular projection
// scaled by the cosine of the middle latitude, which is true enough at a municipality's size)
// and classes each district by its figure: four equal steps between the smallest and largest
// shown value, "hidden" for a hidden figure, "none" for none. No tile server, no network.
func DrawMap(shapes []Shape, figures map[int64]Figure, width float64) (areas []MapArea, classes []MapClass, height float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range shapes {
		for _, p := range s.Polygons {
			for _, r := range p {
				for _, pt := range r {
					minX, maxX = math.Min(minX, pt[0]), math.Max(maxX, pt[0])
					minY, maxY = math.Min(minY, pt[1]), math.Max(maxY, pt[1])
				}
			}
		}
	}
	if len(shapes) == 0 || maxX <= minX || maxY <= minY {
		return nil, nil, 0
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := width / ((maxX - minX) * k)
	height = math.Ceil((maxY - minY) * scale)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range figures {
		if f.Shown {
			lo, hi = math.Min(lo, f.Value), math.Max(hi, f.Value)
		}
	}
	const steps = 4
	if lo <= hi {
		for i := 0; i < steps; i++ {
			classes = append(classes, MapClass{Class: fmt.Sprintf("c%d", i), Low: lo + (hi-lo)*float64(i)/steps, High: lo + (hi-lo)*float64(i+1)/steps})
		}
	}
	for _, s := range shapes {
		var b strings.Builder
		for _, p := range s.Polygons {
			for _, r := range p {
				for i, pt := range r {
					cmd := "L"
					if i == 0 {
						cmd = "M"
					}
					fmt.Fprintf(&b, "%s%.1f %.1f", cmd, (pt[0]-minX)*k*scale, (maxY-pt[1])*scale)
				}
				b.WriteString("Z")
			}
		}
		a := MapArea{District: s.District, Path: b.String(), Class: "none"}
		switch f, ok := figures[s.District]; {
		case !ok || f.None:
		case f.Shown && len(classes) > 0:
			i := steps - 1
			if hi > lo {
				i = min(int((f.Value-lo)/(hi-lo)*steps), steps-1)
			}
			a.Class = classes[i].Class
		case !f.Shown:
			a.Class = "hidden"
		}
		areas = append(areas, a)
	}
	sort.SliceStable(areas, func(i, j int) bool { return areas[i].District < areas[j].District })
	return areas, classes, height
}
