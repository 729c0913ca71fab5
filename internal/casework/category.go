package casework

// Category is a kind of information about a young person. A consent lifts confidentiality for
// some categories between some parties; every piece of case content carries a category, and
// access is decided per category.
type Category string

const (
	// CatBasic is the case itself: who the young person is (name, age, district), the step,
	// the group, the action plan's goals. Anyone with access to a case sees it.
	CatBasic Category = "basic"
	// CatSchool: attendance, grades, school situation.
	CatSchool Category = "school"
	// CatPolice: police matters (reports, suspicions, police contacts).
	CatPolice Category = "police"
	// CatSocial: social services' investigation and interventions.
	CatSocial Category = "social"
	// CatHealth: health care, BUP, habilitation.
	CatHealth Category = "health"
	// CatFamily: the family situation.
	CatFamily Category = "family"
	// CatLeisure: leisure, activities, peers.
	CatLeisure Category = "leisure"

	// CatProtected is not a consent category: it is the address, school and meeting places of
	// a young person with protected identity, shown only to roles the municipality designates.
	CatProtected Category = "protected"
	// CatAnonymous is the anonymous card shown before consent: age band, district, IRK factor
	// summary. Nothing that identifies.
	CatAnonymous Category = "anonymous"
)

// ConsentCategories are the categories a consent may cover, in form order.
var ConsentCategories = []Category{CatBasic, CatSchool, CatPolice, CatSocial, CatHealth, CatFamily, CatLeisure}

// ValidConsentCategory reports whether c may be named in a consent.
func ValidConsentCategory(c Category) bool {
	for _, x := range ConsentCategories {
		if x == c {
			return true
		}
	}
	return false
}

// AgencyCategory is the category an agency's own contributions usually belong to: what the
// police know is police information, what the school knows is school information.
func AgencyCategory(k AgencyKind) Category {
	switch k {
	case AgencyPolice:
		return CatPolice
	case AgencySchool:
		return CatSchool
	case AgencyLeisure, AgencyCivilSociety:
		return CatLeisure
	case AgencyBUP, AgencyHabilitation:
		return CatHealth
	case AgencySocial, AgencyHVB, AgencyProbation:
		return CatSocial
	}
	return CatBasic
}
