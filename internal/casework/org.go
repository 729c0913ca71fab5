package casework

import "time"

// Municipality is a tenant. Everything a municipality owns carries its id.
type Municipality struct {
	ID        int64
	Code      string // the four-digit kommunkod, e.g. "0180"
	Name      string
	Settings  Settings
	CreatedAt time.Time
}

// District is a part of a municipality (stadsdel, kommundel).
type District struct {
	ID             int64
	MunicipalityID int64
	Name           string
}

// AgencyKind is the kind of organisation a party in SIG belongs to.
type AgencyKind string

const (
	AgencySocial        AgencyKind = "socialtjanst"
	AgencyPolice        AgencyKind = "polis"
	AgencySchool        AgencyKind = "skola"
	AgencyLeisure       AgencyKind = "fritid"
	AgencyBUP           AgencyKind = "bup"
	AgencyHabilitation  AgencyKind = "habilitering"
	AgencyEmployment    AgencyKind = "arbetsformedlingen"
	AgencyProbation     AgencyKind = "frivard"
	AgencyHVB           AgencyKind = "hvb"
	AgencyCivilSociety  AgencyKind = "civilsamhalle"
	AgencyMunicipalMgmt AgencyKind = "kommunledning"
	AgencyOther         AgencyKind = "annan"
)

// AgencyKinds lists every kind in the order forms show them.
var AgencyKinds = []AgencyKind{
	AgencySocial, AgencyPolice, AgencySchool, AgencyLeisure, AgencyBUP, AgencyHabilitation,
	AgencyEmployment, AgencyProbation, AgencyHVB, AgencyCivilSociety, AgencyMunicipalMgmt, AgencyOther,
}

// Valid reports whether k is a known kind.
func (k AgencyKind) Valid() bool {
	for _, x := range AgencyKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Agency is an organisation taking part in the municipality's SIG work (förvaltning,
// myndighet, verksamhet). Each agency is its own party under confidentiality law.
type Agency struct {
	ID             int64
	MunicipalityID int64
	Name           string
	Kind           AgencyKind
}

// Unit is a part of an agency (enhet, skola, polisområde).
type Unit struct {
	ID             int64
	MunicipalityID int64
	AgencyID       int64
	Name           string
}
