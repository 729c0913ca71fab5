package demo

import (
	"context"
	"fmt"
	"strings"

	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store"
)

// The demo's needs and resource mapping (docs/mapping.md): boundaries for the four districts
// (invented squares on an invented place, no real geography), their youth population for the
// last three years, and a resource registry with costs whose gaps are coherent: Södra, the
// largest, has a sports club and the field workers but nothing open at weekends for the
// youngest and no one working with school; Västra, the smallest, has only what serves the whole
// municipality.

// demoPopulation is people of each age and sex per district.
var demoPopulation = map[string]int{"Centrum": 55, "Norra": 80, "Södra": 120, "Västra": 35}

// demoShapes are the districts' squares: west-south corner, in degrees.
var demoShapes = map[string][2]float64{"Västra": {15.00, 59.30}, "Centrum": {15.06, 59.30}, "Norra": {15.06, 59.335}, "Södra": {15.06, 59.265}}

const demoRegistry = "namn;typ;huvudman;stadsdel;adress;ålder från;ålder till;nivå;kapacitet;årskostnad;betalare;kvällar;helger;behov;insatser\n" +
	"Fritidsgården Navet;youth_centre;Kultur- och fritidsförvaltningen;Centrum;Torggatan 4;13;17;universell;80;2400000;Kultur- och fritidsnämnden;ja;ja;leisure,peers;\n" +
	"Stadsbiblioteket;library;Kultur- och fritidsförvaltningen;Centrum;Torggatan 1;0;120;universell;0;1800000;Kultur- och fritidsnämnden;ja;ja;school_work,leisure;\n" +
	"Fritidsgården Norrsken;youth_centre;Kultur- och fritidsförvaltningen;Norra;Norrvägen 12;12;16;universell;60;1900000;Kultur- och fritidsnämnden;ja;nej;leisure,peers;\n" +
	"Norra läxhjälpen;association;Studieförbundet;Norra;Norrvägen 14;10;16;selektiv;30;350000;Studieförbundet och kommunen;ja;nej;school_work;mentorship\n" +
	"Södra IK;sport;Södra IK;Södra;Idrottsvägen 2;7;19;universell;300;450000;Föreningen och kommunen;ja;nej;leisure,peers;\n" +
	"Simhallen;pool;Kultur- och fritidsförvaltningen;Södra;Badvägen 1;0;120;universell;200;3100000;Kultur- och fritidsnämnden;ja;ja;leisure;\n" +
	"Fältgruppen;field_workers;Socialförvaltningen;;;12;20;selektiv;0;2600000;Socialnämnden;ja;ja;peers,attitudes,substances;faltarbete,mi\n" +
	"Familjestödet;social_services;Socialförvaltningen;;;0;17;indikerad;40;3200000;Socialnämnden;nej;nej;family,personality;komet,fft\n" +
	"BUP Demo;bup;Region Demo;;;0;17;indikerad;0;0;Regionen;nej;nej;personality,substances,family;individual-cbt\n" +
	"Arbetsförmedlingen;employment;Staten;;;16;29;selektiv;0;0;Staten;nej;nej;school_work;\n"

// mappingData loads the demo's mapping as the administrator would, through the same parsing.
func mappingData(ctx context.Context, st *store.Store, m casework.Municipality) error {
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "demo"))
	ds, err := st.Districts(ctx, m.ID)
	if err != nil {
		return err
	}
	var districts []mapping.District
	for _, d := range ds {
		districts = append(districts, mapping.District{ID: d.ID, Name: d.Name})
	}
	year := st.Now().In(casework.Stockholm).Year() - 1
	var b strings.Builder
	b.WriteString("\"region\";\"ålder\";\"kön\"")
	for y := year - 2; y <= year; y++ {
		fmt.Fprintf(&b, ";\"%d\"", y)
	}
	b.WriteString("\n")
	for _, d := range districts {
		for age := 0; age <= 25; age++ {
			for k, sex := range []string{"män", "kvinnor"} {
				fmt.Fprintf(&b, "\"%s\";\"%d år\";\"%s\"", d.Name, age, sex)
				for y := 0; y < 3; y++ {
					fmt.Fprintf(&b, ";%d", demoPopulation[d.Name]+(age*7+k*3+y*2)%11-5)
				}
				b.WriteString("\n")
			}
		}
	}
	rows, err := mapping.ParsePopulation([]byte(b.String()), districts)
	if err != nil {
		return fmt.Errorf("demo population: %w", err)
	}
	if err := st.ImportPopulation(sys, rows); err != nil {
		return err
	}
	rs, err := mapping.ParseResources([]byte(demoRegistry), districts)
	if err != nil {
		return fmt.Errorf("demo registry: %w", err)
	}
	if err := st.ReplaceResources(sys, rs); err != nil {
		return err
	}
	var fs []string
	for _, d := range districts {
		c := demoShapes[d.Name]
		x, y := c[0], c[1]
		fs = append(fs, fmt.Sprintf(`{"type": "Feature", "properties": {"name": %q}, "geometry": {"type": "Polygon", "coordinates": [[[%v, %v], [%v, %v], [%v, %v], [%v, %v], [%v, %v]]]}}`,
			d.Name, x, y, x+0.06, y, x+0.06, y+0.035, x, y+0.035, x, y))
	}
	shapes, err := mapping.ParseGeoJSON([]byte(`{"type": "FeatureCollection", "features": [`+strings.Join(fs, ",")+`]}`), districts)
	if err != nil {
		return fmt.Errorf("demo boundaries: %w", err)
	}
	return st.ImportShapes(sys, shapes)
}
