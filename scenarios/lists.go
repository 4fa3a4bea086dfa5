// Lists with numeric ranges, devices, nodes and the users entry.

package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// listItem is one element of a list: a single word or a numeric range.
type listItem struct {
	word   string
	prefix string
	lo, hi uint64
	width  int
	isRng  bool
}

func (it listItem) count() uint64 {
	if it.isRng {
		return it.hi - it.lo + 1
	}
	return 1
}

func splitDigits(s string) (string, string) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return s[:i], s[i:]
}

func parseListItem(e string) (listItem, string) {
	a, b, ok := strings.Cut(e, "..")
	if !ok {
		return listItem{word: e}, ""
	}
	pa, da := splitDigits(a)
	pb, db := splitDigits(b)
	if da == "" || db == "" || (pb != "" && pb != pa) {
		return listItem{}, fmt.Sprintf("invalid range %q (want PREFIX1..PREFIX100 or PREFIX1..100, e.g. u1..u100)", e)
	}
	lo, err1 := strconv.ParseUint(da, 10, 64)
	hi, err2 := strconv.ParseUint(db, 10, 64)
	if err1 != nil || err2 != nil {
		return listItem{}, fmt.Sprintf("range %q: number too large", e)
	}
	if hi < lo {
		return listItem{}, fmt.Sprintf("range %q goes backwards", e)
	}
	if hi-lo >= MaxList {
		return listItem{}, fmt.Sprintf("range %q is too large (more than %d names)", e, MaxList)
	}
	it := listItem{prefix: pa, lo: lo, hi: hi, isRng: true}
	if len(da) > 1 && da[0] == '0' {
		it.width = len(da)
	}
	return it, ""
}

// parseList parses a comma-separated list without expanding its ranges.
// An empty string is an empty list.
func parseList(s string) ([]listItem, string) {
	if strings.TrimSpace(s) == "" {
		return nil, ""
	}
	var out []listItem
	var total uint64
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			return nil, fmt.Sprintf("empty element in list %q", s)
		}
		it, msg := parseListItem(e)
		if msg != "" {
			return nil, msg
		}
		total += it.count()
		if total > MaxList {
			return nil, fmt.Sprintf("list expands to more than %d names", MaxList)
		}
		out = append(out, it)
	}
	return out, ""
}

func expandItems(items []listItem) []string {
	n := uint64(0)
	for _, it := range items {
		n += it.count()
	}
	out := make([]string, 0, n)
	var buf []byte
	for _, it := range items {
		if !it.isRng {
			out = append(out, it.word)
			continue
		}
		for v := it.lo; ; v++ {
			buf = append(buf[:0], it.prefix...)
			d := strconv.AppendUint(nil, v, 10)
			for i := len(d); i < it.width; i++ {
				buf = append(buf, '0')
			}
			buf = append(buf, d...)
			out = append(out, string(buf))
			if v == it.hi {
				break
			}
		}
	}
	return out
}

// ExpandList expands a comma-separated list with numeric ranges:
// "a,u1..u3,x08..x10" is a, u1, u2, u3, x08, x09, x10. Lists and ranges
// longer than MaxList are an error; an empty string is an empty list.
func ExpandList(s string) ([]string, error) {
	items, msg := parseList(s)
	if msg != "" {
		return nil, errors.New(msg)
	}
	return expandItems(items), nil
}

func validDevice(s string) bool {
	_, _, msg := parseDevice(s)
	return msg == ""
}

func parseDevice(s string) (string, int, string) {
	user, n, hasN := strings.Cut(s, "/")
	dev := 1
	if hasN {
		d, err := strconv.Atoi(n)
		if err != nil || d < 1 || d > maxDevices || n[0] == '+' {
			return "", 0, fmt.Sprintf("invalid device number in %q (want USER/N with N ≥ 1)", s)
		}
		dev = d
	}
	if _, ok := shardIndex(user); ok && !hasN {
		return "", 0, fmt.Sprintf("%q is a server shard, not a device", s)
	}
	if _, ok := roomNodeIndex(user); ok && !hasN {
		return "", 0, fmt.Sprintf("%q is a room node, not a device", s)
	}
	if !isName(user) {
		return "", 0, fmt.Sprintf("invalid device %q (want USER or USER/N, e.g. alice or alice/2)", s)
	}
	return user, dev, ""
}

func shardIndex(s string) (int, bool) { return nodeIndex(s, 's') }

// roomNodeIndex reads a room node's name: r0, r1, …
func roomNodeIndex(s string) (int, bool) { return nodeIndex(s, 'r') }

// nodeIndex reads a server node's name: the letter, then digits.
func nodeIndex(s string, letter byte) (int, bool) {
	if len(s) < 2 || s[0] != letter {
		return 0, false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s[1:])
	return n, err == nil
}

// Node is the target of a node fault: a server shard or a room node (User
// == "") or a device.
type Node struct {
	Shard  int    // shard index, or room node index if Room, when User == ""
	Room   bool   // a room node r<Shard>
	User   string // the user, for a device
	Device int    // 1-based device number, for a device
}

// ParseNode parses a node: a shard "s0", a room node "r0" or a device
// "alice", "alice/2".
func ParseNode(s string) (Node, error) {
	if n, ok := shardIndex(s); ok {
		return Node{Shard: n}, nil
	}
	if n, ok := roomNodeIndex(s); ok {
		return Node{Shard: n, Room: true}, nil
	}
	u, d, msg := parseDevice(s)
	if msg != "" {
		return Node{}, fmt.Errorf("invalid node %q (want a shard like s0, a room node like r0 or a device like alice, alice/2)", s)
	}
	return Node{User: u, Device: d}, nil
}

// User is one user declared by the users command.
type User struct {
	Name    string
	Devices int // number of devices, ≥ 1
}

func reservedUser(name string) string {
	if _, ok := shardIndex(name); ok {
		return fmt.Sprintf("user name %q is reserved for server shards", name)
	}
	if _, ok := roomNodeIndex(name); ok {
		return fmt.Sprintf("user name %q is reserved for room nodes", name)
	}
	if specs[name] != nil || name == "at" || name == "as" {
		return fmt.Sprintf("user name %q is reserved (it is a keyword)", name)
	}
	return ""
}

type userEntry struct {
	items   []listItem
	devices int
}

func parseUsers(s string) (userEntry, string) {
	var e userEntry
	e.devices = 1
	base := s
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 1 || n > maxDevices || s[i+1] == '+' {
			return e, fmt.Sprintf("invalid device count in %q (want NAME/N with N ≥ 1)", s)
		}
		base, e.devices = s[:i], n
	}
	items, msg := parseList(base)
	if msg != "" {
		return e, msg
	}
	if len(items) == 0 {
		return e, fmt.Sprintf("empty user list %q", s)
	}
	for _, it := range items {
		name := it.word
		if it.isRng {
			if it.prefix != "" && !isName(it.prefix) {
				return e, fmt.Sprintf("invalid user name prefix %q (want letters, digits, _ or -)", it.prefix)
			}
			if it.prefix == "s" {
				return e, fmt.Sprintf("user names s0, s1, ... are reserved for server shards (range %s..)", it.prefix)
			}
			if it.prefix == "r" {
				return e, fmt.Sprintf("user names r0, r1, ... are reserved for room nodes (range %s..)", it.prefix)
			}
			continue
		}
		if !isName(name) {
			return e, fmt.Sprintf("invalid user name %q (want letters, digits, _ or -)", name)
		}
		if m := reservedUser(name); m != "" {
			return e, m
		}
	}
	e.items = items
	return e, ""
}
