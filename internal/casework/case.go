package casework

import "time"

// Program is the form of work: SIG, or the lighter and earlier SSPF.
type Program string

const (
	ProgramSIG  Program = "sig"
	ProgramSSPF Program = "sspf"
)

// Case is one young person's way through SIG (a young person may have several over time).
type Case struct {
	ID             int64
	MunicipalityID int64
	YouthID        int64
	Program        Program
	Step           Step
	CoordinatorID  int64 // 0 until someone takes the case on
	RiskLevel      RiskLevel
	RiskReason     string
	ClosureReason  ClosureReason
	OpenedAt       time.Time
	Milestones     Milestones
	// StepSince is when the case entered its current step.
	StepSince time.Time
}

// StaffRole is a social services role on a case.
type StaffRole string

const (
	StaffCoordinator StaffRole = "coordinator"
	StaffCaseOfficer StaffRole = "case_officer"
)

// StaffLink ties a social services worker to a case they work on.
type StaffLink struct {
	UserID int64
	Role   StaffRole
	Name   string
}

// Event is one entry of a case's timeline: a step taken, a note, a decision. Who, when, why.
type Event struct {
	ID             int64
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	At             time.Time
	UserID         int64
	UserName       string
	AgencyName     string
	Kind           string // an Action, or "note", "assessment", "consent", "party_added", …
	FromStep       Step
	ToStep         Step
	Reason         string
	Category       Category
}

// Party is an agency identified as needed for the case (step 5), with why.
type Party struct {
	AgencyID   int64
	AgencyName string
	AgencyKind AgencyKind
	Reason     string
}

// SuggestedParties proposes the agency kinds a young person of this age usually needs: police,
// school and leisure always; the employment service from 16 (it matters at 18, not at 14);
// probation from 15 (the age of criminal responsibility).
func SuggestedParties(age int) []AgencyKind {
	out := []AgencyKind{AgencySocial, AgencyPolice, AgencySchool, AgencyLeisure}
	if age >= 15 {
		out = append(out, AgencyProbation)
	}
	if age >= 16 {
		out = append(out, AgencyEmployment)
	}
	return out
}
