package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"lots/internal/casework"
)

// A profile is the kind of worry a young person's story is about. It decides who usually
// reports, which IRK factors are a clear risk, and what people write: the concern, the notes,
// the young person's own goal.
type profile struct {
	code      string
	reporters []casework.AgencyKind // the first reporter is drawn from these
	core      []string              // IRK factors at the heart of it: a clear risk
	secondary []string              // often some risk, a clear one when the risk is high
	concern   map[casework.AgencyKind][]string
	police    []string // police notes under consent
	goals     []string // the young person's own goal, in their words
}

var profiles = []profile{
	{code: "recruitment",
		reporters: []casework.AgencyKind{casework.AgencyPolice, casework.AgencyPolice, casework.AgencyLeisure, casework.AgencySchool},
		core:      []string{"peers", "leisure"}, secondary: []string{"criminal_history", "school_work", "attitudes"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencyPolice: {
				"Anträffad vid tre tillfällen sena kvällar vid torget tillsammans med äldre ungdomar som är kända för narkotikabrott. Uppgifter om att hen springer ärenden åt dem.",
				"Stoppad i en bil med två vuxna som är kända i det lokala nätverket. Hade 3 000 kr i kontanter och kunde inte förklara varifrån de kom.",
				"Finns med i flera underrättelser om att yngre rekryteras till att hålla utkik och förvara saker åt äldre i området.",
			},
			casework.AgencyLeisure: {
				"Har slutat komma till fritidsgården och ses i stället med en grupp äldre killar vid centrum. Verkar ha fått nya kläder och en dyr telefon.",
				"Fältarna har sett hen sent på kvällarna vid pendeltågsstationen. Säger att hen 'jobbar' åt någon.",
			},
			casework.AgencySchool: {
				"Frånvaron har ökat kraftigt sedan jul. Eleven har berättat för en kompis att hen tjänar pengar åt äldre. Hämtas ibland vid skolan av en bil.",
			},
		},
		police: []string{"Anträffad vid torget en fredagskväll tillsammans med två äldre. Skjutsades hem och vårdnadshavare kontaktades.",
			"Inga nya anmälningar eller iakttagelser sedan förra gruppmötet.",
			"Har inte setts med de äldre sedan sommaren enligt områdespolisen."},
		goals: []string{"Jag vill spela fotboll på riktigt och klara nian. Sen gymnasiet, kanske el-programmet.",
			"Jag vill ha ett vanligt jobb och en egen lägenhet. Inte hålla på med skit.",
			"Bli frisör och ha en egen salong när jag är typ 25.",
			"Jag vill att mamma ska slippa oroa sig. Och jobba med bilar."}},
	{code: "drugs",
		reporters: []casework.AgencyKind{casework.AgencyPolice, casework.AgencySchool, casework.AgencySocial},
		core:      []string{"substances", "peers"}, secondary: []string{"criminal_history", "school_work", "family", "attitudes"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencyPolice: {
				"Omhändertagen enligt LOB efter att ha varit kraftigt berusad i parken. Misstänkt för innehav av cannabis vid samma tillfälle.",
				"Misstänkt för narkotikabrott (försäljning av cannabis i skolans närhet). Förundersökning pågår.",
			},
			casework.AgencySchool: {
				"Lärare har känt lukt av cannabis flera gånger. Eleven somnar på lektioner och har stor frånvaro på förmiddagarna.",
				"Elevhälsan har haft samtal om droger; eleven säger själv att hen röker 'lite' varje helg. Vårdnadshavare är oroliga.",
			},
			casework.AgencySocial: {
				"Orosanmälan från mamma: hittat påsar och en våg i rummet. Hon är rädd att sonen säljer åt någon.",
			},
		},
		police: []string{"Misstänkt för ringa narkotikabrott (eget bruk). Lämnat negativt prov vid senaste kontrollen.",
			"Inga nya misstankar. Områdespolisen har pratat med hen vid fritidsgården, bra samtal.",
			"Förundersökningen om överlåtelse av narkotika är nedlagd."},
		goals: []string{"Sluta röka och få tillbaka mitt liv. Plugga till undersköterska som mamma.",
			"Ha körkort och ett jobb, typ på lager eller bygg. Och flytta hemifrån när jag är 20.",
			"Jag vill bli personlig tränare och vara frisk."}},
	{code: "violence",
		reporters: []casework.AgencyKind{casework.AgencyPolice, casework.AgencyPolice, casework.AgencySchool},
		core:      []string{"criminal_history", "attitudes"}, secondary: []string{"personality", "peers", "school_work", "substances"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencyPolice: {
				"Misstänkt för rån mot två yngre pojkar (mobiltelefon och jacka) tillsammans med två kamrater. Tidigare misstänkt för misshandel.",
				"Misstänkt för grov misshandel vid en fest. Uttrycker i förhör att offret 'fick skylla sig själv'.",
				"Tre anmälningar som misstänkt det senaste halvåret: misshandel, olaga hot och skadegörelse.",
			},
			casework.AgencySchool: {
				"Har vid upprepade tillfällen slagit och hotat andra elever. Rektor har gjort polisanmälan. Eleven säger att hen inte bryr sig om konsekvenserna.",
			},
		},
		police: []string{"Misstänkt för olaga hot mot en klasskamrat; ärendet utreds.",
			"Dom i tingsrätten: ungdomstjänst 40 timmar för rån. Verkställs via socialtjänsten.",
			"Inga nya anmälningar som misstänkt sedan förra mötet."},
		goals: []string{"Jag vill bli polis faktiskt. Eller väktare. Någon som hjälper folk.",
			"Ha en familj och ett hus. Inte sitta inne som min bror.",
			"Jobba som snickare och ha en egen firma."}},
	{code: "truancy",
		reporters: []casework.AgencyKind{casework.AgencySchool, casework.AgencySchool, casework.AgencySocial},
		core:      []string{"school_work"}, secondary: []string{"leisure", "family", "peers"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencySchool: {
				"Närvaro 38 % under höstterminen. Eleven är ute sent på nätterna enligt kamrater och har börjat umgås med äldre ungdomar.",
				"Långvarig frånvaro sedan årskurs 7. Saknar godkända betyg i de flesta ämnen. Skolans insatser har inte gett resultat.",
				"Eleven lämnar skolan efter lunch nästan varje dag. Har setts i centrum under skoltid med kända personer.",
			},
			casework.AgencySocial: {
				"Familjebehandlare ser ökad frånvaro och att den unge drar sig undan familjen. Vårdnadshavare når inte fram.",
			},
		},
		police: []string{"Inga anmälningar. Områdespolisen har sett hen vid skolan under skoltid, vilket är nytt.",
			"Kontrollerad i centrum under skoltid tillsammans med två kända ungdomar."},
		goals: []string{"Klara gymnasiet och bli elektriker.",
			"Jag vill jobba på flygplatsen. Man måste ha gymnasiet, så.",
			"Bli youtuber eller jobba med musik. Men ha ett vanligt jobb också.",
			"Köra lastbil som morbror. Ta körkort direkt när jag fyller 18."}},
	{code: "family",
		reporters: []casework.AgencyKind{casework.AgencySocial, casework.AgencySchool, casework.AgencySocial},
		core:      []string{"family"}, secondary: []string{"personality", "school_work", "leisure"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencySocial: {
				"Upprepade konflikter i hemmet; polisen har ryckt ut två gånger. Den unge har rymt hemifrån och sovit hos okända äldre.",
				"Mamma orkar inte längre och ber om hjälp. Den unge är utåtagerande hemma och har slutat följa några regler.",
			},
			casework.AgencySchool: {
				"Eleven berättar om bråk hemma och vill inte gå hem efter skolan. Stor oro för hur hen har det.",
			},
		},
		police: []string{"Polis kallad till bostaden efter bråk mellan den unge och pappan. Ingen anmälan upprättad.",
			"Inga nya händelser registrerade."},
		goals: []string{"Att det ska vara lugnt hemma. Och gå ut nian med bra betyg så jag kommer in på vård och omsorg.",
			"Flytta till en egen lägenhet när jag är 18 och jobba med djur.",
			"Jag vill att mamma och jag ska kunna prata utan att bråka. Sen bli kock."}},
	{code: "network",
		reporters: []casework.AgencyKind{casework.AgencyPolice},
		core:      []string{"criminal_history", "peers", "attitudes"}, secondary: []string{"substances", "school_work", "leisure", "personality"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencyPolice: {
				"Förekommer i underrättelser kopplade till ett kriminellt nätverk. Misstänkt för vapeninnehav. Uppgifter om hot mot hen från en annan grupp.",
				"Gripen i samband med en skottlossning (ej misstänkt för skotten). Nära kontakt med personer i nätverket. Stor oro för hens säkerhet.",
			},
		},
		police: []string{"Säkerhetsbedömning uppdaterad: fortsatt hotbild. Rekommenderar att mötesplats byts.",
			"Misstänkt för brott mot knivlagen vid en kontroll.",
			"Har själv kontaktat områdespolisen och vill prata om att lämna umgänget."},
		goals: []string{"Komma bort härifrån och börja om. Jobba, ha en bil och inte behöva se mig över axeln.",
			"Jag vill leva tills jag är 30. Ha ett jobb och en familj.",
			"Bli rörmokare som pappa och bo i en lugn stad."}},
	{code: "street",
		reporters: []casework.AgencyKind{casework.AgencyLeisure, casework.AgencyLeisure, casework.AgencyPolice},
		core:      []string{"leisure"}, secondary: []string{"peers", "school_work", "substances"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencyLeisure: {
				"Hänger vid köpcentret varje kväll till sent. Har varit inblandad i två slagsmål utanför fritidsgården och blivit avstängd en månad.",
				"Fältgruppen möter hen nästan varje kväll ute. Säger att hen inte har något att göra och att kompisarna 'fixar grejer'.",
			},
			casework.AgencyPolice: {
				"Anträffad flera kvällar vid busstationen med en grupp som kastat sten mot bussar. Misstänkt för skadegörelse.",
			},
		},
		police: []string{"Inga nya iakttagelser.", "Anträffad vid köpcentret efter kl. 23 en lördag; skjutsades hem."},
		goals: []string{"Jobba som fritidsledare själv, typ. Hjälpa yngre.",
			"Bli mekaniker och ha en egen verkstad.",
			"Spela basket i ett lag och klara skolan."}},
	{code: "threatened",
		reporters: []casework.AgencyKind{casework.AgencySchool, casework.AgencyPolice, casework.AgencySocial},
		core:      []string{"peers"}, secondary: []string{"family", "substances", "school_work"},
		concern: map[casework.AgencyKind][]string{
			casework.AgencySchool: {
				"Eleven berättar att hen är skyldig äldre ungdomar pengar och blir hotad. Vågar inte gå hem själv.",
			},
			casework.AgencyPolice: {
				"Målsägande i ett rån där gärningspersonerna tillhör samma krets som den unge umgås med. Uppgifter om att hen har en skuld.",
			},
			casework.AgencySocial: {
				"Pappa berättar att sonen blivit misshandlad och att familjen får hotfulla meddelanden. Misstanke om att den unge pressas att sälja.",
			},
		},
		police: []string{"Anmälan om olaga hot där den unge är målsägande; förundersökning pågår.",
			"Hotbilden bedöms ha minskat. Inga nya händelser."},
		goals: []string{"Att slippa vara rädd. Sen plugga till ekonom kanske.",
			"Jobba i mataffär först och sen bli polis.",
			"Ha en vanlig vardag. Gymmet, jobb, kompisar som inte håller på."}},
}

// irkName is how the IRK factors are named in Swedish texts.
var irkName = map[string]string{
	"criminal_history": "kriminell historik", "personality": "impulsivitet och aggressivitet", "attitudes": "attityder till brott",
	"peers": "kamratrelationer", "substances": "alkohol och droger", "family": "familjerelationer",
	"school_work": "skolsituationen", "leisure": "fritiden",
}

// ratingNote explains a rating for some factors, the way a reporter or assessor writes.
var ratingNote = map[string][]string{
	"criminal_history": {"Två anmälningar som misstänkt senaste året.", "Misstänkt för rån och misshandel.", "Snatteri vid 12 års ålder, inget sedan dess."},
	"peers":            {"Umgås nästan bara med äldre som är kända av polisen.", "Har tappat de gamla kompisarna från klassen."},
	"substances":       {"Röker cannabis flera gånger i veckan enligt egen uppgift.", "Berusad vid flera tillfällen."},
	"family":           {"Mycket konflikter hemma; vårdnadshavare når inte fram.", "Pappa bor utomlands, mamma ensam med fyra barn."},
	"school_work":      {"Närvaro under 50 %.", "Saknar betyg i de flesta ämnen."},
	"leisure":          {"Ingen organiserad fritid sedan hen slutade i fotbollslaget.", "Är ute sent nästan varje kväll."},
	"attitudes":        {"Tycker att brott är ett sätt att få respekt.", "Bagatelliserar våld."},
	"personality":      {"Impulsiv, lätt att reta upp.", "ADHD-diagnos, ingen medicinering just nu."},
}

var protectives = []string{
	"Bra relation till mamma. Tycker om att spela fotboll.",
	"Har en kompis i klassen som inte umgås med de äldre. Duktig i idrott.",
	"Motiverad att klara skolan. Mormor är ett stöd.",
	"Tränar boxning och har förtroende för tränaren.",
	"Vill själv förändra sin situation. Pappa är engagerad.",
	"Gillar att laga mat och har sommarjobbat på en restaurang.",
	"Har ett stort musikintresse och gör egen musik.",
	"Syskon som klarar sig bra och som hen ser upp till.",
}

// riskReason is the assessor's reason for the overall judgement, naming the clear factors.
func riskReason(r *rand.Rand, level casework.RiskLevel, clear []string) string {
	var names []string
	for _, c := range clear {
		names = append(names, irkName[c])
	}
	list := "enstaka områden"
	if len(names) > 0 {
		list = joinSv(names)
	}
	switch level {
	case casework.RiskLow:
		return fmt.Sprintf("Låg risk. Viss oro kring %s men flera skyddsfaktorer. Ordinarie insatser via skola och fritid bedöms räcka; en intensiv insats kan göra mer skada än nytta.", list)
	case casework.RiskModerate:
		return fmt.Sprintf("Måttlig risk. Tydliga risker inom %s. %s", list,
			pick(r, []string{"Den unge är motiverad, vilket talar för en samordnad insats.", "Familjen vill samarbeta.", "Riskerna har ökat det senaste halvåret."}))
	case casework.RiskHigh:
		return fmt.Sprintf("Hög risk. Tydliga risker inom %s; riskfaktorerna förstärker varandra. Behov av samordnade insatser från flera parter.", list)
	}
	return fmt.Sprintf("Mycket hög risk. Tydliga risker inom %s, nära kopplingar till kriminellt nätverk och en hotbild. Säkerhetsbedömning gjord; intensiva insatser behövs.", list)
}

// joinSv joins a list the Swedish way: "a, b och c".
func joinSv(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " och " + xs[len(xs)-1]
}

// subGoalTemplate is a sub-goal with its criterion and who is responsible; need is the IRK
// factor it answers and party the agency kind the responsible person belongs to ("" for
// anyone).
type subGoalTemplate struct {
	need, text, criterion, responsible string
}

var subGoalTemplates = []subGoalTemplate{
	{"school_work", "Gå i skolan varje dag", "Närvaro minst 85 % fyra veckor i rad", "Mentor och samordnare"},
	{"school_work", "Klara godkänt i matematik", "Betyg E eller högre i matematik vid terminsslut", "Specialpedagog"},
	{"school_work", "Komma i tid till första lektionen", "Högst två sena ankomster per månad", "Mentor"},
	{"school_work", "Få en praktikplats", "Praktik två dagar i veckan under terminen", "Studie- och yrkesvägledare"},
	{"family", "Vara hemma senast kl. 21 på vardagar", "Inga avvikelser enligt vårdnadshavare under en månad", "Vårdnadshavare"},
	{"family", "Familjebehandling varannan vecka", "Minst 8 av 10 träffar genomförda", "Familjebehandlare"},
	{"leisure", "Börja på en fritidsaktivitet", "Deltar i träning minst en gång i veckan", "Fritidsledare"},
	{"leisure", "Sommarjobb genom kommunen", "Har arbetat hela perioden", "Fritidsförvaltningen"},
	{"criminal_history", "Inga nya polisanmälningar", "Ingen ny anmälan som misstänkt under tre månader", "Områdespolis"},
	{"peers", "Träffa de äldre kompisarna mindre", "Den unge berättar själv vid uppföljningen; polisen har inga iakttagelser", "Samordnare"},
	{"substances", "Sluta röka cannabis", "Negativa drogtester vid tre tillfällen i rad", "Beroendemottagningen för unga"},
	{"personality", "Utredning av koncentrationssvårigheter", "Bedömning klar hos BUP", "BUP"},
	{"attitudes", "Gå programmet Vägvalet", "Genomfört minst 10 av 12 samtal", "Socialtjänsten"},
}

var interventionTemplates = map[string]casework.Intervention{
	"family":           {Method: "komet", Name: "Komet föräldrastöd", Need: "family", Provider: "Socialtjänsten"},
	"attitudes":        {Method: "vagvalet", Name: "Vägvalet", Need: "attitudes", Provider: "Socialtjänsten"},
	"substances":       {Method: "mi", Name: "Motiverande samtal om droger", Need: "substances", Provider: "Beroendemottagningen för unga"},
	"leisure":          {Method: "kontaktperson", Name: "Kontaktperson", Need: "leisure", Provider: "Socialtjänsten"},
	"school_work":      {Method: "studiestod", Name: "Läxhjälp och anpassad studiegång", Need: "school_work", Provider: "Skolan"},
	"peers":            {Method: "faltassistent", Name: "Fältassistent", Need: "peers", Provider: "Fältgruppen"},
	"criminal_history": {Method: "fft", Name: "FFT – funktionell familjeterapi", Need: "criminal_history", Provider: "Socialtjänsten"},
	"personality":      {Method: "bup", Name: "Utredning och behandling på BUP", Need: "personality", Provider: "BUP Demo"},
}

var agreements = []string{
	"Hemma senast kl. 21 på vardagar och kl. 23 på helger.",
	"Svarar när mamma ringer.",
	"Träffar samordnaren varje tisdag efter skolan.",
	"Håller sig borta från torget efter kl. 20.",
	"Berättar för någon i gruppen om någon försöker få hen att göra något.",
}

var triedBefore = []string{
	"Elevhälsomöten under årskurs 7, utan förändring.",
	"Kontaktperson 2024 (avbröts efter tre månader).",
	"Familjebehandling 2023.",
	"Samtal hos kurator.",
	"Anpassad studiegång på halvtid.",
}

var schoolNotes = []string{
	"Närvaro %d %% senaste månaden.",
	"Närvaro %d %% i september; eleven har börjat komma i tid.",
	"Klarar nu godkänt i svenska och engelska; matematik återstår. Närvaro %d %%.",
	"Konflikt med en lärare i veckan, löst genom samtal med mentor. Närvaro %d %%.",
}

var leisureNotes = []string{
	"Kommer till fritidsgården två kvällar i veckan och hjälper till i caféet.",
	"Har börjat träna i föreningen, varit på fem av sex träningar.",
	"Var med på sommarlägret och skötte sig bra.",
	"Har inte synts på gården de senaste veckorna.",
}

var healthNotes = []string{
	"Första bedömningssamtal genomfört. Fortsatt utredning av koncentrationssvårigheter.",
	"Utredningen klar: ADHD. Medicinering påbörjas efter samtal med vårdnadshavare.",
	"Uteblev från två besök; ny tid bokad tillsammans med samordnaren.",
}

var meetingNotes = []string{
	"Gruppmöte hölls. Alla parter närvarade; planen följs.",
	"Gruppmöte: den unge var med och berättade själv hur det går. Fokus på skolan framåt.",
	"Gruppmöte. Polisen och skolan ser en positiv utveckling. Nästa möte om fyra veckor.",
	"Förmöte med professionella (30 min) före gruppmötet. Vårdnadshavare med på mötet.",
	"Gruppmöte: bakslag efter en helg med bråk; den unge är ändå kvar i insatsen.",
}

var familyNotes = []string{
	"Mamma berättar att det är lugnare hemma och att hen håller tiderna oftare.",
	"Pappa har varit med på två föräldraträffar i Komet.",
	"Vårdnadshavarna oroliga efter en helg då hen inte kom hem; hittades hos en kompis.",
}
