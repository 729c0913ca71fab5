package casework

// MeetingKind is what kind of meeting a case's meeting is (issue 14:1): SIG's group meetings
// and SSPF's mapping conversations and network meetings, and the follow-up and future
// meetings both tracks hold. Which kinds a track offers is the municipality's setting
// (Settings.MeetingKinds).
type MeetingKind string

const (
	KindGroupMeeting        MeetingKind = "group_meeting"        // gruppmöte (SIG's operative group)
	KindNetworkMeeting      MeetingKind = "network_meeting"      // nätverksmöte (SSPF)
	KindMappingConversation MeetingKind = "mapping_conversation" // kartläggningssamtal (SSPF)
	KindFollowUp            MeetingKind = "follow_up"            // uppföljningsmöte
	KindFutureMeeting       MeetingKind = "future_meeting"       // framtidsmöte
)

// MeetingKinds are the kinds Lots knows, in the order the settings page and forms list them.
var MeetingKinds = []MeetingKind{KindGroupMeeting, KindMappingConversation, KindNetworkMeeting, KindFollowUp, KindFutureMeeting}

// Valid reports whether k is a kind Lots knows.
func (k MeetingKind) Valid() bool {
	for _, m := range MeetingKinds {
		if k == m {
			return true
		}
	}
	return false
}

// DefaultMeetingKinds are the kinds a track offers until the municipality chooses: SIG the
// group meeting, follow-up and future meeting; SSPF the mapping conversation, network meeting
// and follow-up.
func DefaultMeetingKinds(p Program) []MeetingKind {
	if p == ProgramSSPF {
		return []MeetingKind{KindMappingConversation, KindNetworkMeeting, KindFollowUp}
	}
	return []MeetingKind{KindGroupMeeting, KindFollowUp, KindFutureMeeting}
}

// TrackMeetingKind is the kind a meeting of the track has when none is chosen, and the kind
// meetings made before kinds existed were given: the group meeting (SIG), the network meeting
// (SSPF).
func TrackMeetingKind(p Program) MeetingKind {
	if p == ProgramSSPF {
		return KindNetworkMeeting
	}
	return KindGroupMeeting
}

// OfferedMeetingKinds are the kinds the municipality offers for the track, in MeetingKinds'
// order; the track's defaults when it has not chosen.
func (s Settings) OfferedMeetingKinds(p Program) []MeetingKind {
	chosen := s.SIGMeetingKinds
	if p == ProgramSSPF {
		chosen = s.SSPFMeetingKinds
	}
	if len(chosen) == 0 {
		return DefaultMeetingKinds(p)
	}
	var out []MeetingKind
	for _, k := range MeetingKinds {
		for _, c := range chosen {
			if c == k {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// Offers reports whether the track offers the kind.
func (s Settings) Offers(p Program, k MeetingKind) bool {
	for _, o := range s.OfferedMeetingKinds(p) {
		if o == k {
			return true
		}
	}
	return false
}

// defaultKindFor is the kind a meeting gets when none is chosen: the track's own meeting when
// offered, else the first kind offered.
func (s Settings) defaultKindFor(p Program) MeetingKind {
	offered := s.OfferedMeetingKinds(p)
	for _, k := range offered {
		if k == TrackMeetingKind(p) {
			return k
		}
	}
	return offered[0]
}

// validateMeetingKinds checks a track's chosen kinds: at least one (nil is "not chosen", the
// defaults; an empty, non-nil list is a choice of none), each known, none twice.
func validateMeetingKinds(fe *FieldErrors, field string, kinds []MeetingKind) {
	if kinds == nil {
		return
	}
	if len(kinds) == 0 {
		fe.Add(field, "kinds14.kinds_required")
		return
	}
	seen := map[MeetingKind]bool{}
	for _, k := range kinds {
		if !k.Valid() || seen[k] {
			fe.Add(field, "kinds14.kind_unknown")
			return
		}
		seen[k] = true
	}
}
