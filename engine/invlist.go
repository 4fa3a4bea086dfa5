package engine

import "slices"

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
	l.ids.key = func(i int32) string { return l.inv[i].info.InviteID }
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
	l.ids.put(inv.info.InviteID, i)
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
		l.ids.set(l.inv[i].info.InviteID, i)
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
		ids[i] = l.inv[i].info.InviteID
	}
	slices.Sort(ids)
	return ids
}
