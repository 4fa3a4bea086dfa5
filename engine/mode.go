package engine

import (
	"fmt"
)

// Mode is the arbitration mode of a run: who decides the outcome of crossing
// operations.
type Mode uint8

const (
	// ModeServer (the zero value, and the correct engine): the server owns each
	// invitation's state machine, serializes every transition and runs the timeout;
	// the first of two crossing operations wins and the loser gets 8010.
	ModeServer Mode = iota
	// ModeClient reproduces the legacy SDKs: the server relays and stores only, each
	// device keeps its own invitation list, checks locally and runs its own timers.
	ModeClient
)

func (m Mode) String() string {
	switch m {
	case ModeServer:
		return "server"
	case ModeClient:
		return "client"
	}
	return fmt.Sprintf("mode(%d)", m)
}

// ParseMode reads "server" or "client".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "server":
		return ModeServer, nil
	case "client":
		return ModeClient, nil
	}
	return 0, fmt.Errorf("unknown arbitration mode %q (want server or client)", s)
}

// ShardOf places a user or group on one of n shards by a stable hash (FNV-1a), the
// same on every machine and run.
func ShardOf(key string, n int) int {
	if n <= 1 {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}

// InviteeState is one invitee's state within an invitation.
type InviteeState uint8

// Invitee states; all but Pending are final.
const (
	Pending InviteeState = iota
	Accepted
	Rejected
	Cancelled
	TimedOut
	// Dropped (server mode, ours): the invitee left the group of a group
	// invitation before answering (quit, or the group was dismissed), or its
	// inviter did: the invitation no longer concerns it.
	Dropped
)

var stateNames = [...]string{"pending", "accepted", "rejected", "cancelled", "timed-out", "dropped"}

func (s InviteeState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// Final tells whether no later operation can change the state.
func (s InviteeState) Final() bool { return s != Pending }

// stateOf maps a closing action to the state it gives.
func stateOf(a ActionType) InviteeState {
	switch a {
	case ActionAccept:
		return Accepted
	case ActionReject:
		return Rejected
	case ActionCancel:
		return Cancelled
	case ActionTimeout:
		return TimedOut
	case ActionDrop:
		return Dropped
	}
	return Pending
}

// InvitationView is one invitation as a node sees it, for inspection by tests,
// checkers and scenario output.
type InvitationView struct {
	InviteID   string
	Inviter    string
	GroupID    string
	Invitees   []string
	States     []InviteeState // parallel to Invitees
	Data       string
	Timeout    int
	OnlineOnly bool
	Deadline   Time // server: when it times out (local ns); 0 if never
}

// Describe is the canonical text of the view:
// `c1 inviter=alice invitees=[bob:accepted,carol:pending]`.
func (v *InvitationView) Describe() string {
	s := v.InviteID + " inviter=" + v.Inviter
	if v.GroupID != "" {
		s += " group=" + v.GroupID
	}
	s += " invitees=["
	for i, u := range v.Invitees {
		if i > 0 {
			s += ","
		}
		s += u + ":" + v.States[i].String()
	}
	s += "]"
	if v.Data != "" {
		s += fmt.Sprintf(" data=%q", v.Data)
	}
	return s
}
