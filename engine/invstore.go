package engine

import "slices"

// invStore shares invitations between the devices of one world (SharedClientState):
// a 1:1 invitation is held by two devices, a group one by every member, and
// each would otherwise keep its own copy of the same signaling info. A device
// keeps, per invitation, only what is its own (the invitees' states, its timer
// reference, the session it arrived on) and a pointer to the invitation as
// invited, which it never changes in place: to change it (a modify's data) it
// takes another one (setData), copy on write.
//
// The store finds an invitation by ID and shares it only with a device whose
// copy would be identical in every field, so what a device sees never depends
// on which device made it or when: two versions of one invitation (before and
// after a modify, or one added by AddInvitedSignaling with other fields) live
// side by side, chained under their ID. Each body counts the devices holding
// it and leaves the store with the last one. A device dropped without
// dropping its invitations (a crashed incarnation the driver replaces) keeps
// its bodies in the store for the world's life: memory, never behaviour.
//
// The zero value is ready; a nil *invStore (a device with no SharedClientState)
// gives every invitation a body of its own, which setData changes in place.
type invStore struct {
	bodies []*invInfo // slot -> body; nil when free
	free   []int32    // free slots, reused last freed first
	ids    idTable    // invite ID -> the slot of the first body with that ID
}

// acquire returns a body equal to s (an invite), shared if the store has one.
func (st *invStore) acquire(s *SignalingInfo) *invInfo {
	if st == nil {
		b := infoOf(s)
		return &b
	}
	if st.ids.key == nil {
		st.ids.key = func(slot int32) string { return st.bodies[slot].id }
	}
	head, found := st.ids.get(s.InviteID)
	if found {
		for i := head; ; {
			b := st.bodies[i]
			if b.same(s) {
				b.refs++
				return b
			}
			if b.next == 0 {
				break
			}
			i = b.next - 1
		}
	}
	b := new(invInfo)
	*b = infoOf(s)
	b.refs = 1
	var i int32
	if n := len(st.free); n > 0 {
		i = st.free[n-1]
		st.free = st.free[:n-1]
		st.bodies[i] = b
	} else {
		i = int32(len(st.bodies))
		st.bodies = append(st.bodies, b)
	}
	b.slot = i + 1
	if found {
		// Second in the chain: the head stays, so the table is not touched.
		h := st.bodies[head]
		b.next, h.next = h.next, b.slot
	} else {
		st.ids.put(b.id, i)
	}
	return b
}

// release lets go of a body acquired earlier.
func (st *invStore) release(b *invInfo) {
	if b.slot == 0 {
		return // a device's own
	}
	if b.refs--; b.refs > 0 {
		return
	}
	i := b.slot - 1
	head, _ := st.ids.get(b.id)
	switch {
	case head != i:
		p := st.bodies[head]
		for p.next != b.slot {
			p = st.bodies[p.next-1]
		}
		p.next = b.next
	case b.next == 0:
		st.ids.del(b.id)
	default:
		st.ids.set(b.id, b.next-1) // b is still in its slot: the table finds it by its ID
	}
	st.bodies[i] = nil
	st.free = append(st.free, i)
	*b = invInfo{}
}

// id returns the ID of an invitation in the store as a string it holds, so
// decoding an ID many devices receive allocates it once.
func (st *invStore) id(b []byte) (string, bool) {
	if st == nil {
		return "", false
	}
	if i, ok := st.ids.getBytes(b); ok {
		return st.bodies[i].id, true
	}
	return "", false
}

// same tells whether b is what infoOf(s) would give.
func (b *invInfo) same(s *SignalingInfo) bool {
	return b.id == s.InviteID && b.group == s.GroupID && b.inviter == s.Inviter && b.data == s.Data &&
		b.timeout == s.Timeout && b.online == s.OnlineUserOnly && sameList(b.invitees, s.InviteeList)
}

// sameList is slices.Equal, at once for two views of one array (decoded lists
// are shared: SharedClientState).
func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return (a == nil) == (b == nil) // Invitations clones it: nil stays nil
	}
	if &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// invList is a device's invitation list: the invitations in one dense array (a
// removal moves the last one into the hole) and a table from invite ID to
// index, instead of a map of pointers to an object per invitation, so the GC
// has fewer objects to find and scan. A *localInv it returns is valid until
// the next add or remove. A nil *invList is an empty list.
type invList struct {
	inv []localInv
	ids idTable
}

func newInvList() *invList {
	l := new(invList)
	l.ids.key = func(i int32) string { return l.inv[i].info.id }
	return l
}

func (l *invList) len() int {
	if l == nil {
		return 0
	}
	return len(l.inv)
}

func (l *invList) get(id string) *localInv {
	if l == nil {
		return nil
	}
	if i, ok := l.ids.get(id); ok {
		return &l.inv[i]
	}
	return nil
}

func (l *invList) getBytes(id []byte) *localInv {
	if l == nil {
		return nil
	}
	if i, ok := l.ids.getBytes(id); ok {
		return &l.inv[i]
	}
	return nil
}

// add appends inv, whose ID must not be in the list.
func (l *invList) add(inv localInv) *localInv {
	i := int32(len(l.inv))
	l.inv = append(l.inv, inv)
	l.ids.put(inv.info.id, i)
	return &l.inv[i]
}

// remove takes the invitation with the given ID out of the list.
func (l *invList) remove(id string) (localInv, bool) {
	if l == nil {
		return localInv{}, false
	}
	i, ok := l.ids.del(id)
	if !ok {
		return localInv{}, false
	}
	inv := l.inv[i]
	last := int32(len(l.inv) - 1)
	if i != last {
		// Nothing depends on the order of the array (sortedIDs sorts).
		l.inv[i] = l.inv[last]
		l.ids.set(l.inv[i].info.id, i)
	}
	l.inv[last] = localInv{}
	l.inv = l.inv[:last]
	return inv, true
}

// sortedIDs lists the invite IDs in order.
func (l *invList) sortedIDs() []string {
	if l.len() == 0 {
		return nil
	}
	ids := make([]string, len(l.inv))
	for i := range l.inv {
		ids[i] = l.inv[i].info.id
	}
	slices.Sort(ids)
	return ids
}
