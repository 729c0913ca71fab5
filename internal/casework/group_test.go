package casework_test

import (
	"testing"
	"time"

	"lots/internal/casework"
)

// The consent check for group members, read like the rule: social services staff on the case
// always; others only while a valid consent names their agency or them; a refusal names the
// agency the consent lacks.
func TestMemberCoverage(t *testing.T) {
	const (
		police = 20 // agency named in signedConsent
		school = 30
		named  = 501 // user named in signedConsent
		coord  = 900
	)
	during := consentFrom.Add(30 * 24 * time.Hour)
	staff := []casework.StaffLink{{UserID: coord, Role: casework.StaffCoordinator}}
	withdrawn := signedConsent()
	withdrawn.WithdrawnAt = withdrawnAt
	unsigned := signedConsent()
	unsigned.Signers[0].SignedAt = time.Time{}
	tests := []struct {
		name       string
		p          casework.Professional
		consents   []casework.Consent
		at         time.Time
		wantGround string
		wantKey    string
		wantArgs   []any
	}{
		{"police officer under a consent naming the police is covered", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			[]casework.Consent{signedConsent()}, during, "consent:1", "", nil},
		{"a person named in the consent is covered whatever the agency", casework.Professional{UserID: named, AgencyID: 99, AgencyName: "Fritid"},
			[]casework.Consent{signedConsent()}, during, "consent:1", "", nil},
		{"the coordinator on the case needs no consent", casework.Professional{UserID: coord, AgencyID: 10, AgencyName: "Socialtjänsten"},
			nil, during, "staff", "", nil},
		{"a school counsellor the consent does not name is refused, naming the school", casework.Professional{UserID: 101, AgencyID: school, AgencyName: "Skolan"},
			[]casework.Consent{signedConsent()}, during, "", "group.consent_missing_agency", []any{"Skolan", "Skolan"}},
		{"social services staff not on the case need the consent like anyone", casework.Professional{UserID: 102, AgencyID: 10, AgencyName: "Socialtjänsten"},
			[]casework.Consent{signedConsent()}, during, "", "group.consent_missing_agency", []any{"Socialtjänsten", "Socialtjänsten"}},
		{"without any valid consent the refusal says there is none", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			nil, during, "", "group.consent_none", []any{"Polisen"}},
		{"after the consent expired the police are refused", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			[]casework.Consent{signedConsent()}, consentUntil, "", "group.consent_none", []any{"Polisen"}},
		{"after withdrawal the police are refused", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			[]casework.Consent{withdrawn}, withdrawnAt, "", "group.consent_none", []any{"Polisen"}},
		{"an unsigned consent covers nobody", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			[]casework.Consent{unsigned}, during, "", "group.consent_none", []any{"Polisen"}},
		{"before the consent starts the police are refused", casework.Professional{UserID: 100, AgencyID: police, AgencyName: "Polisen"},
			[]casework.Consent{signedConsent()}, consentFrom.Add(-time.Hour), "", "group.consent_none", []any{"Polisen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ground, err := casework.MemberCoverage(tt.p, staff, tt.consents, tt.at)
			if tt.wantKey == "" {
				if err != nil || ground != tt.wantGround {
					t.Fatalf("got %q, %v; want %q", ground, err, tt.wantGround)
				}
				return
			}
			e := casework.AsError(err)
			if e.Code != casework.EInvalid || e.Key != tt.wantKey || e.Field != "user" || len(e.Args) != len(tt.wantArgs) {
				t.Fatalf("got %v (%v); want %s %v", err, e.Args, tt.wantKey, tt.wantArgs)
			}
			for i := range e.Args {
				if e.Args[i] != tt.wantArgs[i] {
					t.Fatalf("args %v, want %v", e.Args, tt.wantArgs)
				}
			}
		})
	}
}

func TestMemberInputValidate(t *testing.T) {
	tests := []struct {
		name  string
		in    casework.MemberInput
		field string
	}{
		{"professional needs a user", casework.MemberInput{Kind: casework.MemberProfessional, Role: "mentor"}, "user"},
		{"trusted adult needs a name or a linked person", casework.MemberInput{Kind: casework.MemberTrustedAdult, Relation: "tränare"}, "name"},
		{"trusted adult with a name is fine", casework.MemberInput{Kind: casework.MemberTrustedAdult, Name: "Kalle", Relation: "fotbollstränare"}, ""},
		{"trusted adult linked to a related person is fine", casework.MemberInput{Kind: casework.MemberTrustedAdult, PersonID: 5}, ""},
		{"the young person needs nothing more", casework.MemberInput{Kind: casework.MemberYouth}, ""},
		{"unknown kind", casework.MemberInput{Kind: "cousin"}, "kind"},
		{"role too long", casework.MemberInput{Kind: casework.MemberProfessional, UserID: 1, Role: string(make([]byte, 101))}, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Normalise()
			fe := casework.FieldErrorsOf(tt.in.Validate())
			if tt.field == "" {
				if len(fe) != 0 {
					t.Fatalf("unexpected errors %v", fe)
				}
				return
			}
			if len(fe) == 0 || fe[0].Field != tt.field {
				t.Fatalf("got %v, want an error on %s", fe, tt.field)
			}
		})
	}
}

func TestGroupInvitationsLeaveOutMembersWithoutConsent(t *testing.T) {
	g := casework.Group{Members: []casework.GroupMember{
		{ID: 1, Kind: casework.MemberProfessional, UserID: 10, Covered: true, Lead: true},
		{ID: 2, Kind: casework.MemberProfessional, UserID: 11, Covered: false},
		{ID: 3, Kind: casework.MemberTrustedAdult, Name: "Kalle", Covered: true},
		{ID: 4, Kind: casework.MemberYouth, Covered: true},
	}}
	ids := func(ms []casework.GroupMember) (out []int64) {
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	if got := ids(g.Invited(false)); len(got) != 3 || got[0] != 1 || got[1] != 3 || got[2] != 4 {
		t.Fatalf("main meeting invites %v", got)
	}
	if got := ids(g.Invited(true)); len(got) != 1 || got[0] != 1 {
		t.Fatalf("pre-meeting invites %v", got)
	}
	if got := ids(g.Uncovered()); len(got) != 1 || got[0] != 2 {
		t.Fatalf("uncovered %v", got)
	}
	if l, ok := g.Lead(); !ok || l.ID != 1 {
		t.Fatalf("lead %v %v", l, ok)
	}
}
