package engine

// SharedClientState is what the devices (Clients) of one driver share instead
// of each keeping its own: a million simulated devices each holding a copy
// of every name, list and buffer would hold gigabytes. It never changes what a
// device does, only how much memory the devices hold together:
//
//   - the strings and lists they decode from bytes (a member of a 200-member
//     group would otherwise keep its own copy of every invitee list it hears);
//   - the scratch they use during one call (the frame being decoded);
//   - one Output, which every device's Ready returns, with the frames it sends;
//   - pools of the emptied invitation lists and timer maps devices give back.
//
// (Decoded frames share more: the devices that get one message point at its
// one copy of the signaling info.)
//
// # Contract
//
// Give one to devices driven by one goroutine only (a simulated world): none of
// it is locked. Because the devices share one Output, the driver must consume
// a device's output before it drives another: after any input to a device (an
// API call, Receive, Fire, Connected, Disconnected), call that device's Ready,
// carry out what it returns, and call its Advance, before any input to another
// device of the same SharedClientState. Only the device driven last may call
// Ready or Advance until then. A device may be driven several times before its
// output is consumed (its outputs accumulate, as without sharing).
//
// The devices check the contract: driving, reading or advancing a device while
// another's output is pending panics, naming both (a driver bug, which would
// otherwise hand one device's frames, callbacks and results to another).
type SharedClientState struct {
	names    map[string]string
	lists    map[string][]string
	scratch  clientScratch
	out      Output
	invLists []*invList // empty invitation lists given back by devices
	refMaps  []map[uint64]string

	// driving is the device whose output out holds (the one driven since the
	// last Advance), nil when it was consumed: the contract's check.
	driving *Client
}

// NewSharedClientState returns an empty one.
func NewSharedClientState() *SharedClientState {
	return &SharedClientState{names: map[string]string{}, lists: map[string][]string{}}
}

// sharedMax bounds each map of a SharedClientState; past it, decoding allocates.
const sharedMax = 1 << 20

// drive is called at every input to device c: from now until its Advance the
// shared output is c's. It panics if another device's output is pending.
func (sh *SharedClientState) drive(c *Client) {
	if sh == nil {
		return
	}
	if sh.driving != nil && sh.driving != c {
		sh.violated(c, "driven")
	}
	sh.driving = c
}

// read checks that device c may call Ready or Advance: no other device's
// output is pending.
func (sh *SharedClientState) read(c *Client, what string) {
	if sh != nil && sh.driving != nil && sh.driving != c {
		sh.violated(c, what)
	}
}

func (sh *SharedClientState) violated(c *Client, what string) {
	o := sh.driving
	panic("engine: device " + c.cfg.User + "/" + c.cfg.Device + " " + what + " while the output of device " +
		o.cfg.User + "/" + o.cfg.Device + " is not consumed: with a SharedClientState, call Ready and Advance " +
		"on the device driven last before driving another")
}

// invList returns an empty list for a device's invitations, from the pool if sh
// has one.
func (sh *SharedClientState) invList() *invList {
	if sh == nil || len(sh.invLists) == 0 {
		return newInvList()
	}
	n := len(sh.invLists)
	l := sh.invLists[n-1]
	sh.invLists[n-1] = nil
	sh.invLists = sh.invLists[:n-1]
	return l
}

// putInvList takes back an empty list. Its arrays stay with it only if small:
// a device that held many does not hand its size to one that holds one.
func (sh *SharedClientState) putInvList(l *invList) {
	if cap(l.inv) > pooledInvCap {
		l.inv = nil
	}
	if len(l.ids.e) > pooledTabLen {
		l.ids.e = nil
	}
	sh.invLists = append(sh.invLists, l)
}

// The largest arrays a pooled invList keeps.
const (
	pooledInvCap = 4
	pooledTabLen = 16
)

func (sh *SharedClientState) refMap() map[uint64]string {
	if sh == nil || len(sh.refMaps) == 0 {
		return make(map[uint64]string)
	}
	m := sh.refMaps[len(sh.refMaps)-1]
	sh.refMaps[len(sh.refMaps)-1] = nil
	sh.refMaps = sh.refMaps[:len(sh.refMaps)-1]
	return m
}
