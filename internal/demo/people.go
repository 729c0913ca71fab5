package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"lots/internal/casework"
)

// A background is a family's origin as names and languages show it. Names are drawn from
// common first names and surnames and combined at random: no combination is meant to be a
// real person, and none is a public one.
type background struct {
	weight              int
	boys, girls         []string
	surnames            []string
	men, women          []string // parents' generation
	language            string   // the family's language besides Swedish; "" for Swedish only
	interpreterOneIn    int      // one guardian in n needs an interpreter (0: none)
	youthSpeaksLanguage bool
}

var backgrounds = []background{
	{weight: 52,
		boys: []string{"Liam", "Noah", "William", "Hugo", "Lucas", "Oliver", "Elias", "Viktor", "Isak", "Leo", "Oscar", "Filip",
			"Melvin", "Theo", "Anton", "Axel", "Emil", "Albin", "Linus", "Casper", "Jonathan", "Sebastian", "Ludvig", "Kevin",
			"Dennis", "Robin", "Simon", "Rasmus", "Arvid", "Wilmer", "Alvin", "Vincent", "Hampus", "Gustav"},
		girls: []string{"Alice", "Maja", "Elsa", "Ella", "Wilma", "Ebba", "Alva", "Saga", "Olivia", "Astrid", "Nora", "Freja",
			"Klara", "Tyra", "Ellen", "Moa", "Lova", "Agnes", "Julia", "Linnea", "Ronja", "Tilda", "Nellie", "Felicia"},
		surnames: []string{"Andersson", "Johansson", "Karlsson", "Eriksson", "Larsson", "Olsson", "Persson", "Gustafsson",
			"Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson",
			"Lindström", "Olofsson", "Lindgren", "Axelsson", "Bergström", "Lundberg", "Lundgren", "Mattsson", "Berglund",
			"Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson",
			"Håkansson", "Björk", "Gunnarsson", "Wikström", "Samuelsson", "Fransson", "Nyström", "Holmberg", "Arvidsson",
			"Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Nordström", "Mårtensson", "Viklund", "Björklund", "Eliasson",
			"Berggren", "Sandström", "Nordin", "Åberg", "Hermansson", "Ekström", "Sundberg", "Hedlund", "Dahlberg", "Sjögren"},
		men: []string{"Johan", "Mikael", "Anders", "Fredrik", "Daniel", "Magnus", "Stefan", "Marcus", "Peter", "Andreas",
			"Niklas", "Jonas", "Mattias", "Tobias", "Patrik", "Henrik", "Christoffer"},
		women: []string{"Anna", "Maria", "Karin", "Jenny", "Linda", "Malin", "Emma", "Sofia", "Helena", "Camilla", "Johanna",
			"Therese", "Petra", "Jessica", "Susanne", "Åsa", "Frida"}},
	{weight: 11, language: "arabiska", interpreterOneIn: 3, youthSpeaksLanguage: true,
		boys:     []string{"Mohammed", "Ahmad", "Omar", "Yusuf", "Ibrahim", "Hamza", "Yassin", "Amir", "Karim", "Bilal", "Samir", "Mahmoud", "Adam", "Elias", "Jamal", "Zakaria"},
		girls:    []string{"Fatima", "Yasmin", "Leila", "Nour", "Aya", "Maryam", "Sara", "Lana", "Hiba", "Rima"},
		surnames: []string{"Al-Hassan", "Khalil", "Saleh", "Mansour", "Nasser", "Abbas", "Aziz", "Hamdan", "Darwish", "Jaber", "Al-Sayed", "Rahman", "Suleiman", "Qasim"},
		men:      []string{"Khaled", "Walid", "Nabil", "Tarek", "Bassam", "Fadi", "Ziad", "Munir"},
		women:    []string{"Rania", "Huda", "Samira", "Nadia", "Layla", "Salma", "Dalia", "Amal"}},
	{weight: 10, language: "somaliska", interpreterOneIn: 2, youthSpeaksLanguage: true,
		boys:     []string{"Abdi", "Abdullahi", "Liban", "Mahad", "Said", "Hassan", "Mustafa", "Ayub", "Hamse", "Guled", "Ismail", "Khalid"},
		girls:    []string{"Hawa", "Hodan", "Ayaan", "Sumaya", "Ikran", "Nasra", "Sagal", "Hibo"},
		surnames: []string{"Warsame", "Farah", "Jama", "Abdullahi", "Haji", "Nur", "Osman", "Egal", "Dirie", "Gure", "Aden", "Hirsi", "Samatar"},
		men:      []string{"Abdirahman", "Abdikadir", "Mohamed", "Yusuf", "Ahmed", "Abdiwali"},
		women:    []string{"Sahra", "Faadumo", "Khadra", "Ubah", "Nimco", "Deeqa", "Asli"}},
	{weight: 7, language: "dari", interpreterOneIn: 2, youthSpeaksLanguage: true,
		boys:     []string{"Ali", "Reza", "Arash", "Mehdi", "Mustafa", "Sajad", "Amin", "Javad", "Navid", "Omid"},
		girls:    []string{"Zahra", "Mina", "Shabnam", "Parisa", "Setayesh", "Mahsa"},
		surnames: []string{"Karimi", "Mohammadi", "Ahmadi", "Hosseini", "Rahimi", "Rezaei", "Sultani", "Nazari", "Haidari", "Jafari", "Sadat"},
		men:      []string{"Hossein", "Ahmad", "Ghulam", "Nasir", "Jawad"},
		women:    []string{"Maryam", "Shirin", "Fereshteh", "Nasrin", "Soraya", "Gulnaz"}},
	{weight: 6, language: "kurdiska", interpreterOneIn: 3,
		boys:     []string{"Baran", "Rojhat", "Kerem", "Emre", "Deniz", "Serhat", "Dilan", "Aras", "Berkay", "Alan"},
		girls:    []string{"Rojin", "Dilara", "Zeynep", "Elif", "Berivan", "Helin"},
		surnames: []string{"Yilmaz", "Demir", "Kaya", "Aydin", "Arslan", "Öztürk", "Polat", "Kılıç", "Zana", "Barzani"},
		men:      []string{"Mehmet", "Ahmet", "Hasan", "Dilshad", "Kawa", "Rebwar"},
		women:    []string{"Ayse", "Fatma", "Gülsen", "Nazdar", "Berfin", "Shilan"}},
	{weight: 5, language: "bosniska", interpreterOneIn: 5,
		boys:     []string{"Dino", "Emir", "Adnan", "Kenan", "Luka", "Marko", "Nikola", "Tarik", "Amar", "Haris"},
		girls:    []string{"Lejla", "Amra", "Selma", "Ajla", "Ema", "Iva"},
		surnames: []string{"Hodzic", "Begic", "Kovacevic", "Hadzic", "Mehmedović", "Jovanović", "Ibrahimović", "Petrović", "Delić", "Šehić"},
		men:      []string{"Senad", "Edin", "Dragan", "Zoran", "Mirza", "Nedim"},
		women:    []string{"Amela", "Jasmina", "Sanela", "Mirela", "Ivana", "Alma"}},
	{weight: 4, language: "tigrinja", interpreterOneIn: 2, youthSpeaksLanguage: true,
		boys:     []string{"Dawit", "Yonas", "Filmon", "Robel", "Natnael", "Henok", "Biniam"},
		girls:    []string{"Senait", "Merhawit", "Helen", "Saron", "Ruth", "Winta"},
		surnames: []string{"Tesfaye", "Haile", "Berhane", "Gebremedhin", "Tekle", "Kidane", "Ghebre", "Tewelde", "Habte"},
		men:      []string{"Tesfay", "Yohannes", "Mehari", "Kiflom", "Amanuel"},
		women:    []string{"Mebrat", "Tsega", "Letensae", "Almaz", "Azieb"}},
	{weight: 2, language: "finska", interpreterOneIn: 0,
		boys:     []string{"Eetu", "Aleksi", "Juho", "Mikko", "Onni"},
		girls:    []string{"Aino", "Emilia", "Sanni", "Veera"},
		surnames: []string{"Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Heikkinen", "Koskinen", "Laine"},
		men:      []string{"Jari", "Mika", "Timo", "Pekka"},
		women:    []string{"Päivi", "Tuula", "Sanna", "Kaisa"}},
	{weight: 2, language: "polska", interpreterOneIn: 4,
		boys:     []string{"Jakub", "Kacper", "Mateusz", "Szymon", "Filip", "Bartosz"},
		girls:    []string{"Zuzanna", "Natalia", "Oliwia", "Maja"},
		surnames: []string{"Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek"},
		men:      []string{"Piotr", "Tomasz", "Marcin", "Krzysztof"},
		women:    []string{"Agnieszka", "Katarzyna", "Magdalena", "Joanna"}},
	{weight: 2, language: "spanska", interpreterOneIn: 0,
		boys:     []string{"Mateo", "Diego", "Felipe", "Matías", "Benjamín"},
		girls:    []string{"Valentina", "Camila", "Isabella", "Antonia"},
		surnames: []string{"González", "Muñoz", "Rojas", "Silva", "Contreras", "Fuentes", "Morales"},
		men:      []string{"Jorge", "Carlos", "Rodrigo", "Cristián"},
		women:    []string{"Carolina", "Paula", "Ximena", "Daniela"}},
}

// taken are names the stories must not give a young person: the demo users'.
var taken = func() map[string]bool {
	m := map[string]bool{}
	for _, u := range users {
		m[u.name] = true
	}
	return m
}()

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pickBackground(r *rand.Rand) *background {
	total := 0
	for _, b := range backgrounds {
		total += b.weight
	}
	n := r.IntN(total)
	for i := range backgrounds {
		if n < backgrounds[i].weight {
			return &backgrounds[i]
		}
		n -= backgrounds[i].weight
	}
	return &backgrounds[0]
}

// youthName draws a first name and a surname that are neither a demo user's nor, while
// there are others to draw, one already in used (which it adds to).
func youthName(r *rand.Rand, b *background, male bool, used map[string]bool) (first, last string) {
	for try := 0; ; try++ {
		if male {
			first = pick(r, b.boys)
		} else {
			first = pick(r, b.girls)
		}
		last = pick(r, b.surnames)
		if n := first + " " + last; !taken[n] && (!used[n] || try > 50) {
			used[n] = true
			return first, last
		}
	}
}

// Phone numbers reserved by PTS for use in fiction (070-174 06 05 – 070-174 06 99): none
// reaches a real subscriber.
func fictionalPhone(r *rand.Rand) string {
	return fmt.Sprintf("070-174 06 %02d", 5+r.IntN(95))
}

var streets = []string{"Björkvägen", "Granstigen", "Lärkgatan", "Solrosvägen", "Stationsgatan", "Kvarngatan", "Hagvägen",
	"Skolgatan", "Backstigen", "Ekbacken", "Tallgatan", "Rönnvägen", "Smedjegatan", "Ängsvägen", "Fabriksgatan",
	"Lingonstigen", "Idrottsvägen", "Torggatan", "Storgatan", "Vallgatan", "Blåbärsvägen", "Kyrkogatan"}

func address(r *rand.Rand) string {
	s := fmt.Sprintf("%s %d", pick(r, streets), 1+r.IntN(60))
	if chance(r, 0.4) {
		s += fmt.Sprintf(", lgh %d", 1001+r.IntN(4)*100+r.IntN(8))
	}
	return s
}

var trustedAdults = []struct {
	relation, note string
	woman          bool
}{
	{"fotbollstränare", "Tränar laget den unge spelar i sedan tre år. Den unge lyssnar på honom.", false},
	{"boxningstränare", "Den unge tränar i klubben två kvällar i veckan.", false},
	{"innebandytränare", "Den unge har spelat i laget sedan mellanstadiet.", false},
	{"morbror", "Bor i grannkommunen, har tidigare hjälpt familjen.", false},
	{"äldre kusin", "Har själv lämnat ett kriminellt umgänge och är en förebild.", false},
	{"moster", "Den unge sover ibland hos henne när det är bråkigt hemma.", true},
	{"farmor", "Viktig för den unge; vill vara med på mötena.", true},
	{"granne", "Känner familjen sedan länge, den unge hjälper henne med handlingen.", true},
}

// relatives makes the guardians (one or two with custody), sometimes a parent without
// custody, and sometimes an adult the young person trusts. From 18 nobody has custody.
func relatives(r *rand.Rand, b *background, last string, adult bool) []casework.RelatedPerson {
	var out []casework.RelatedPerson
	interpreter := func() bool { return b.interpreterOneIn > 0 && r.IntN(b.interpreterOneIn) == 0 }
	guardian := func(first, relation, surname string) casework.RelatedPerson {
		p := casework.RelatedPerson{Kind: casework.RelGuardian, Name: first + " " + surname, Relation: relation, HasCustody: true,
			Phone: fictionalPhone(r), Language: b.language}
		if adult {
			p.Kind, p.HasCustody = casework.RelParent, false
		}
		if p.Interpreter = interpreter(); p.Interpreter {
			p.Note = "Behöver tolk på " + b.language + " vid möten och när samtycket gås igenom."
		}
		return p
	}
	mother := guardian(pick(r, b.women), "mamma", last)
	switch n := r.IntN(20); {
	case n < 10: // both parents have custody
		out = append(out, mother, guardian(pick(r, b.men), "pappa", last))
	case n < 15: // mother alone; the father without custody
		out = append(out, mother)
		if chance(r, 0.5) {
			out = append(out, casework.RelatedPerson{Kind: casework.RelParent, Name: pick(r, b.men) + " " + pick(r, b.surnames),
				Relation: "pappa", Phone: fictionalPhone(r), Note: "Ingen vårdnad. Träffar den unge varannan helg."})
		}
	case n < 17: // joint custody, parents live apart (different surnames)
		out = append(out, mother, guardian(pick(r, b.men), "pappa", pick(r, b.surnames)))
	case n < 19: // father alone
		out = append(out, guardian(pick(r, b.men), "pappa", last))
	default: // an appointed guardian (särskilt förordnad vårdnadshavare)
		g := guardian(pick(r, backgrounds[0].women), "särskilt förordnad vårdnadshavare", pick(r, backgrounds[0].surnames))
		g.Language, g.Interpreter, g.Note = "", false, "Förordnad av tingsrätten."
		out = append(out, g)
	}
	if chance(r, 0.15) {
		t := pick(r, trustedAdults)
		first, surname := pick(r, b.men), last
		if t.woman {
			first = pick(r, b.women)
		}
		if strings.Contains(t.relation, "tränare") || t.relation == "granne" {
			coach := pick(r, backgrounds[:3])
			first, surname = pick(r, coach.men), pick(r, coach.surnames)
			if t.woman {
				first = pick(r, coach.women)
			}
		}
		out = append(out, casework.RelatedPerson{Kind: casework.RelTrustedAdult, Name: first + " " + surname,
			Relation: t.relation, Phone: fictionalPhone(r), Note: t.note})
	}
	return out
}
