package trace

import "fmt"

// Kind says what an [Event] records.
type Kind uint8

// The event kinds. They start at 1 so that a zero Event (a forgotten
// assignment) is rejected by [Writer.Write] instead of silently reading as
// a send. The values are part of the file format and of the run hash:
// append new kinds, never renumber.
const (
	Send      Kind = iota + 1 // a node handed a message to the network
	Deliver                   // the network delivered a message to a node
	Drop                      // the network lost a message
	Dup                       // the network duplicated a message
	Call                      // a user called an API
	Result                    // an API call returned
	Callback                  // the engine notified a user
	Timer                     // a timer fired
	Fault                     // a fault was injected or healed
	Note                      // free-form annotation (phase changes, options)
	Violation                 // an invariant was broken

	kindEnd // one past the last valid kind
)

var kindNames = [...]string{
	Send:      "send",
	Deliver:   "deliver",
	Drop:      "drop",
	Dup:       "dup",
	Call:      "call",
	Result:    "result",
	Callback:  "callback",
	Timer:     "timer",
	Fault:     "fault",
	Note:      "note",
	Violation: "violation",
}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return k >= Send && k < kindEnd }

// String returns the lower-case name ("send", "deliver", ...), or
// "kind(N)" for an undefined value so that bad data stays visible.
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind is the inverse of [Kind.String] for the defined kinds.
func ParseKind(s string) (Kind, error) {
	for k := Send; k < kindEnd; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown event kind %q", s)
}
