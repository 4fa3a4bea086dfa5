package sim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"sigsim/engine"
)

// ActiveFaults describes every fault still in force now, in a fixed order:
// partitions, crashed and paused nodes, disconnected devices, devices whose
// link is not the world's default, and held messages. Clock skew is not a
// fault here: it is a property of the machines and never heals. Nor is a
// drop-next or dup-next rule that has not matched yet: it acts on one frame
// and is over. Termination is judged only when this is empty (docs/DESIGN.md §4.7):
// with a partition still in force an invitation may rightly stay pending.
func (w *World) ActiveFaults() []string {
	var l []string
	for i := range w.partitions {
		l = append(l, "partition "+w.describePartition(&w.partitions[i]))
	}
	for _, s := range w.shards {
		if s.down {
			l = append(l, s.name+" crashed")
		}
		if w.now < s.pause.until || len(s.pause.backlog) > 0 {
			l = append(l, fmt.Sprintf("%s paused until %s", s.name, fmtDur(time.Duration(s.pause.until))))
		}
	}
	var links []*Device
	for _, d := range w.devs {
		switch {
		case d.down:
			l = append(l, d.Name+" crashed")
		case !d.connected:
			l = append(l, d.Name+" disconnected")
		}
		if w.now < d.pause.until || len(d.pause.backlog) > 0 {
			l = append(l, fmt.Sprintf("%s paused until %s", d.Name, fmtDur(time.Duration(d.pause.until))))
		}
		if !d.linkDefault {
			links = append(links, d)
		}
	}
	switch {
	case len(links) == 1:
		l = append(l, links[0].Name+" link "+links[0].up.opts.String())
	case len(links) > 1:
		l = append(l, fmt.Sprintf("links of %d devices changed (%s: %s)", len(links), links[0].Name, links[0].up.opts.String()))
	}
	holds := map[string]bool{}
	for _, r := range w.rules {
		if r.action == "hold" {
			holds[r.handle] = true
		}
	}
	for h := range w.held {
		holds[h] = true
	}
	for _, h := range slices.Sorted(maps.Keys(holds)) {
		l = append(l, "hold "+h)
	}
	return l
}

// DescribeFaults is the one-line text of ActiveFaults' list: "partition s0
// <-> s1 still active", or the first few of many.
func DescribeFaults(l []string) string {
	const shown = 4
	if len(l) == 1 {
		return l[0] + " still active"
	}
	s := fmt.Sprintf("%d faults still active: %s", len(l), strings.Join(l[:min(len(l), shown)], ", "))
	if len(l) > shown {
		s += fmt.Sprintf(" and %d more", len(l)-shown)
	}
	return s
}

// healed notes that a fault ended now: termination is judged from the end of
// the last fault (CheckLiveness), whichever way it ended.
func (w *World) healed() { w.healedAt = max(w.healedAt, w.now) }

// shardFaultActive tells whether a fault that can hold back what shards tell
// each other is in force: a partition involving a shard, or a crashed or
// paused shard.
func (w *World) shardFaultActive() bool {
	for _, s := range w.shards {
		if s.down || w.now < s.pause.until || len(s.pause.backlog) > 0 {
			return true
		}
	}
	isShard := func(a engine.Addr) bool { return int(a) < len(w.shards) }
	for i := range w.partitions {
		if slices.ContainsFunc(w.partitions[i].a, isShard) || slices.ContainsFunc(w.partitions[i].b, isShard) {
			return true
		}
	}
	return false
}
