package sim

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// The API of the devices, called at the current virtual time. Each call is a trace
// event; its result arrives later as a Result.

// call traces an API call on d; text may be a view of w.text (textEvent
// copies what it keeps).
func (w *World) call(d *Device, text string) bool {
	if d.down {
		w.textEvent(trace.Note, d.Addr, -1, "call on crashed device: "+text)
		return false
	}
	w.textEvent(trace.Call, d.Addr, -1, text)
	return true
}

func (w *World) local(d *Device) engine.Time { return d.clock.local(w.now) }

// Login logs a device in.
func (w *World) Login(d *Device) engine.APICall {
	if !w.call(d, "login") {
		return 0
	}
	d.wantLogin = true
	before := d.client.Session()
	c := d.client.Login(w.local(d))
	if w.check != nil && d.client.Session() != before {
		// A session may open from now on; a login refused at once (logging
		// in or out already) opens none.
		w.check.online(d)
	}
	w.collect(d.Addr)
	return c
}

// Logout logs a device out.
func (w *World) Logout(d *Device) engine.APICall {
	if !w.call(d, "logout") {
		return 0
	}
	d.wantLogin = false
	c := d.client.Logout(w.local(d))
	w.collect(d.Addr) // the checker starts the device afresh at the logout's success
	return c
}

// appendInviteText appends the rest of the trace text of an invite call.
func appendInviteText(b []byte, timeout int, onlineOnly bool, data string) []byte {
	b = append(b, " timeout="...)
	b = strconv.AppendInt(b, int64(timeout), 10)
	b = append(b, 's')
	if onlineOnly {
		b = append(b, " online-only"...)
	}
	if data != "" {
		b = append(b, " data="...)
		b = strconv.AppendQuote(b, data)
	}
	return b
}

// Invite sends a one-to-one invitation; timeout in seconds.
func (w *World) Invite(d *Device, invitee, data string, onlineOnly bool, push *engine.OfflinePushInfo, timeout int) (string, engine.APICall) {
	w.text = appendInviteText(append(append(w.text[:0], "invite "...), invitee...), timeout, onlineOnly, data)
	if !w.call(d, bytesString(w.text)) {
		return "", 0
	}
	id, c := d.client.Invite(w.local(d), invitee, data, onlineOnly, push, timeout)
	if w.check != nil && id != "" {
		w.check.invited(d, id, "", []string{invitee}, timeout, onlineOnly)
	}
	w.collect(d.Addr)
	return id, c
}

// InviteInGroup sends a group invitation; timeout in seconds.
func (w *World) InviteInGroup(d *Device, group string, invitees []string, data string, onlineOnly bool, timeout int) (string, engine.APICall) {
	w.text = appendInviteText([]byte("invite-group "+group+" invitees="+strings.Join(invitees, ",")), timeout, onlineOnly, data)
	if !w.call(d, bytesString(w.text)) {
		return "", 0
	}
	id, c := d.client.InviteInGroup(w.local(d), group, invitees, data, onlineOnly, timeout)
	if w.check != nil && id != "" {
		w.check.invited(d, id, group, invitees, timeout, onlineOnly)
	}
	w.collect(d.Addr)
	return id, c
}

// Answer runs cancel, accept, reject or modify on an invitation. Any other op
// is a programming error: it panics before anything is traced.
func (w *World) Answer(d *Device, op engine.Op, inviteID, data string) engine.APICall {
	switch op {
	case engine.OpCancel, engine.OpAccept, engine.OpReject, engine.OpModify:
	default:
		panic("sim: Answer with op " + op.String())
	}
	b := append(append(append(w.text[:0], op.String()...), ' '), inviteID...)
	if data != "" {
		b = strconv.AppendQuote(append(b, " data="...), data)
	}
	w.text = b
	if !w.call(d, bytesString(b)) {
		return 0
	}
	if w.check != nil {
		w.check.answered(d, op, inviteID)
	}
	now := w.local(d)
	var c engine.APICall
	switch op {
	case engine.OpCancel:
		c = d.client.Cancel(now, inviteID, data)
	case engine.OpAccept:
		c = d.client.Accept(now, inviteID, data)
	case engine.OpReject:
		c = d.client.Reject(now, inviteID, data)
	default: // OpModify
		c = d.client.Modify(now, inviteID, data)
	}
	w.collect(d.Addr)
	return c
}

// AddInvitedSignaling injects an invitation the device learned from a push.
func (w *World) AddInvitedSignaling(d *Device, info engine.SignalingInfo) engine.APICall {
	if !w.call(d, "add-invited "+info.InviteID) {
		return 0
	}
	c := d.client.AddInvitedSignaling(w.local(d), info)
	if w.check != nil {
		w.check.addedInvitation(d, info.InviteID)
	}
	w.collect(d.Addr)
	return c
}

// Group runs a group operation (create, join, quit, dismiss, members). Any
// other op is a programming error: it panics before anything is traced.
func (w *World) Group(d *Device, op engine.Op, group string, members []string) engine.APICall {
	switch op {
	case engine.OpCreateGroup, engine.OpJoinGroup, engine.OpQuitGroup, engine.OpDismissGroup, engine.OpGetGroupMembers:
	default:
		panic("sim: Group with op " + op.String())
	}
	text := op.String() + " " + group
	if len(members) > 0 {
		text += " members=" + strings.Join(members, ",")
	}
	if !w.call(d, text) {
		return 0
	}
	now := w.local(d)
	var c engine.APICall
	switch op {
	case engine.OpCreateGroup:
		c = d.client.CreateGroup(now, group, members)
	case engine.OpJoinGroup:
		c = d.client.JoinGroup(now, group)
	case engine.OpQuitGroup:
		c = d.client.QuitGroup(now, group)
	case engine.OpDismissGroup:
		c = d.client.DismissGroup(now, group)
	default: // OpGetGroupMembers
		c = d.client.GetGroupMemberList(now, group)
	}
	w.collect(d.Addr)
	return c
}

// Faults. Each is a trace event; all take effect now.

func (w *World) fault(node engine.Addr, text string) { w.textEvent(trace.Fault, node, -1, text) }

// AppNote records a decision of an app running on device d (the reference
// apps': "call alice/1.0-1: on", "class g round 1: hands [s2 s3]") as a
// trace note in its canonical text, hashed like every event: scenario runs
// show it among the device's calls and callbacks.
func (w *World) AppNote(d *Device, text string) { w.textEvent(trace.Note, d.Addr, -1, text) }

// Node resolves a node name: a shard "s0" or a device.
func (w *World) Node(name string) (engine.Addr, error) {
	if a, ok, err := w.roomNodeByName(name); ok {
		return a, err
	}
	if strings.HasPrefix(name, "s") {
		if k, err := strconv.Atoi(name[1:]); err == nil {
			if k < 0 || k >= len(w.shards) {
				return 0, fmt.Errorf("no shard %s (shards s0..s%d)", name, len(w.shards)-1)
			}
			return engine.Addr(k), nil
		}
	}
	if d := w.Device(name); d != nil {
		return d.Addr, nil
	}
	return 0, fmt.Errorf("no node %q", name)
}

// Partition cuts the network between two sets of nodes (both ways unless oneWay:
// then only a→b), decided when each frame would arrive, so frames already in
// flight are caught too. It lasts until Heal or HealAll.
func (w *World) Partition(a, b []engine.Addr, oneWay bool) {
	w.partition(a, b, oneWay)
}

// PartitionFor is Partition for dur: at its end this partition heals, and
// only this one (others, overlapping or not, keep their own ends).
func (w *World) PartitionFor(a, b []engine.Addr, oneWay bool, dur time.Duration) {
	id := w.partition(a, b, oneWay)
	w.At(w.now.Add(max(dur, 0)), func() { w.healPartition(id) })
}

func (w *World) partition(a, b []engine.Addr, oneWay bool) int {
	w.nextPart++
	w.partitions = append(w.partitions, partition{id: w.nextPart, a: a, b: b, oneWay: oneWay})
	w.fault(-1, "partition "+w.describePartition(&w.partitions[len(w.partitions)-1]))
	return w.nextPart
}

func (w *World) describePartition(p *partition) string {
	arrow := " <-> "
	if p.oneWay {
		arrow = " -> "
	}
	return w.names(p.a) + arrow + w.names(p.b)
}

// healPartition removes one partition, if it is still there (Heal or HealAll
// may have removed it first).
func (w *World) healPartition(id int) {
	i := slices.IndexFunc(w.partitions, func(p partition) bool { return p.id == id })
	if i < 0 {
		return
	}
	w.fault(-1, "heal partition "+w.describePartition(&w.partitions[i]))
	w.partitions = slices.Delete(w.partitions, i, i+1)
	w.healed()
}

func (w *World) names(l []engine.Addr) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = w.nodeName(a)
	}
	return strings.Join(s, ",")
}

// Heal removes every partition.
func (w *World) Heal() {
	w.partitions = nil
	w.fault(-1, "heal partitions")
	w.healed()
}

// SetLink changes both directions of a device's link.
func (w *World) SetLink(d *Device, o LinkOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	d.up.share(&o)
	d.dn.share(&o)
	d.linkDefault = o == w.opts.Link
	w.fault(d.Addr, "link "+o.String())
	if d.linkDefault {
		w.healed()
	}
	return nil
}

// Crash stops a node and loses its volatile state. A device's SDK state is gone
// (a new incarnation starts at restart); a shard keeps its durable state but
// drops every session, and its devices see their connections reset.
func (w *World) Crash(a engine.Addr) {
	if k, ok := w.rooms.index(a); ok {
		w.crashRoomNode(k)
		return
	}
	if int(a) < len(w.shards) {
		s := w.shards[a]
		if s.down {
			return
		}
		w.fault(a, "crash")
		s.down = true
		s.srv.Crash()
		// What waited for a pause is now the restart's (timers) or lost (frames:
		// the devices' and the peer shards' send them again).
		for _, e := range s.pause.backlog {
			if e.kind == evTimer {
				s.deferred = append(s.deferred, e.timer())
			} else {
				w.drop(e.from, a, e.fl(), "shard down")
			}
		}
		s.pause.backlog = nil
		for _, d := range w.devs {
			if d.Home == int(a) && !d.down && d.connected {
				d.linkEpoch++
				d.client.Disconnected(w.local(d))
				w.collect(d.Addr)
			}
		}
		return
	}
	d := w.device(a)
	if d == nil || d.down {
		return
	}
	w.fault(a, "crash")
	d.down = true
	d.linkEpoch++
	if w.check != nil {
		w.check.crashed(d)
	}
	h := w.shards[d.Home]
	if !h.down {
		h.srv.Disconnected(h.clock.local(w.now), d.Addr)
		w.collect(h.addr)
	}
	w.roomsDeviceDown(d)
}

// CrashFor crashes a node for dur. Overlapping CrashFor intervals on one node
// make one crash, which ends (Restart) when the last of them does; a scripted
// Restart or HealAll may end it sooner.
func (w *World) CrashFor(a engine.Addr, dur time.Duration) {
	w.Crash(a)
	w.extendInterval(faultInterval{a, intervalCrash}, dur, func() { w.Restart(a) })
}

// DisconnectFor disconnects a device for dur, overlapping intervals making
// one disconnection as with CrashFor.
func (w *World) DisconnectFor(d *Device, dur time.Duration) {
	w.Disconnect(d)
	w.extendInterval(faultInterval{d.Addr, intervalDisconnect}, dur, func() { w.Reconnect(d) })
}

// extendInterval extends an interval fault to now+dur and, at that time, ends it
// with end unless a later interval extended it meanwhile.
func (w *World) extendInterval(h faultInterval, dur time.Duration, end func()) {
	until := w.now.Add(max(dur, 0))
	if w.intervals == nil {
		w.intervals = map[faultInterval]engine.Time{}
	}
	if until <= w.intervals[h] {
		return // an interval already scheduled covers this one
	}
	w.intervals[h] = until
	w.At(until, func() {
		if w.intervals[h] != w.now {
			return // extended by a later interval, or ended by HealAll
		}
		delete(w.intervals, h)
		end()
	})
}

// Restart brings a crashed node back. A shard replays the timers that came due
// while it was down and its devices reconnect; a device starts a new incarnation
// and, if the app was logged in, logs in again.
func (w *World) Restart(a engine.Addr) {
	if k, ok := w.rooms.index(a); ok {
		w.restartRoomNode(k)
		return
	}
	if int(a) < len(w.shards) {
		s := w.shards[a]
		if !s.down {
			return
		}
		w.fault(a, "restart")
		s.down = false
		w.healed()
		for _, t := range s.deferred {
			if t.Kind == engine.TimerPrune {
				w.housekeeping++
			}
			w.q.Push(w.now, timerEv(a, 0, t))
		}
		s.deferred = nil
		for _, d := range w.devs {
			if d.Home == int(a) && !d.down && d.connected {
				if w.check != nil {
					w.check.online(d)
				}
				d.client.Connected(w.local(d))
				w.collect(d.Addr)
			}
		}
		return
	}
	d := w.device(a)
	if d == nil || !d.down {
		return
	}
	w.fault(a, "restart")
	d.down = false
	w.healed()
	d.incarnation++
	d.client = w.newClient(d)
	w.roomsDeviceUp(d)
	if d.wantLogin {
		w.Login(d)
	}
}

// Pause stops a node from processing anything for dur; what arrives waits. A
// negative dur counts as 0.
func (w *World) Pause(a engine.Addr, dur time.Duration) {
	dur = max(dur, 0)
	w.fault(a, "pause "+fmtDur(dur))
	if p := w.pauseOf(a); p != nil {
		p.until = max(p.until, w.now.Add(dur))
		w.healedAt = max(w.healedAt, p.until) // when it ends
	}
}

// Skew sets a node's clock offset and drift (local = t + offset + drift·t).
func (w *World) Skew(a engine.Addr, offset time.Duration, drift float64) error {
	if drift <= -1 || drift >= 1 {
		return fmt.Errorf("drift %g out of range (-1,1)", drift)
	}
	c := clock{offset: offset, drift: drift}
	w.fault(a, "skew offset="+fmtDur(offset)+" drift="+strconv.FormatFloat(drift, 'g', -1, 64))
	if int(a) < len(w.shards) {
		w.shards[a].clock = c
	} else if d := w.device(a); d != nil {
		d.clock = c
	}
	return nil
}

// Disconnect breaks a device's connection: both ends notice (a reset), frames in
// flight on it are lost.
func (w *World) Disconnect(d *Device) {
	if !d.connected || d.down {
		return
	}
	w.fault(d.Addr, "disconnect")
	d.connected = false
	d.linkEpoch++
	d.client.Disconnected(w.local(d))
	w.collect(d.Addr)
	h := w.shards[d.Home]
	if !h.down {
		h.srv.Disconnected(h.clock.local(w.now), d.Addr)
		w.collect(h.addr)
	}
	w.roomsDisconnect(d)
}

// Reconnect restores a device's connection; a logged-in device resumes and syncs.
func (w *World) Reconnect(d *Device) {
	if d.connected || d.down {
		return
	}
	w.fault(d.Addr, "reconnect")
	d.connected = true
	w.healed()
	if w.check != nil {
		w.check.online(d)
	}
	d.linkEpoch++
	d.client.Connected(w.local(d))
	w.collect(d.Addr)
}

// HealAll ends every fault: partitions, link changes, pauses, crashes and
// disconnections (clock skew stays: it is a property of the machines).
func (w *World) HealAll() {
	w.fault(-1, "heal all")
	w.healedAt = w.now
	w.partitions = nil
	clear(w.intervals)
	w.rules = nil
	for _, s := range w.shards {
		s.pause.until = min(s.pause.until, w.now)
		if s.down {
			w.Restart(s.addr)
		}
	}
	w.healRooms()
	for _, d := range w.devs {
		d.pause.until = min(d.pause.until, w.now)
		if !d.linkDefault {
			d.up.heal(w.linkOpts)
			d.dn.heal(w.linkOpts)
			d.linkDefault = true
		}
		if d.down {
			w.Restart(d.Addr)
		}
		if !d.connected {
			// Also a device that was disconnected when it crashed: its
			// restart left the connection down, and the heal ended the
			// disconnection's own end.
			w.Reconnect(d)
		}
	}
	// Release holds in handle order: map order must never reach the run.
	for _, h := range slices.Sorted(maps.Keys(w.held)) {
		w.Release(h)
	}
}

// Message control, to force an exact interleaving: frames whose canonical text
// contains pattern are held (all of them, until Release), or the next one is
// dropped or duplicated.

// Hold holds every frame matching pattern under a handle, until Release.
func (w *World) Hold(pattern, handle string) {
	w.rules = append(w.rules, msgRule{pattern: pattern, action: "hold", handle: handle})
}

// DropNext drops the next frame matching pattern.
func (w *World) DropNext(pattern string) {
	w.rules = append(w.rules, msgRule{pattern: pattern, action: "drop"})
}

// DupNext duplicates the next frame matching pattern.
func (w *World) DupNext(pattern string) {
	w.rules = append(w.rules, msgRule{pattern: pattern, action: "dup"})
}

// Release ends the hold named handle and sends the frames it held, in order;
// false if it held none.
func (w *World) Release(handle string) bool {
	for i, r := range w.rules {
		if r.action == "hold" && r.handle == handle {
			w.rules = append(w.rules[:i:i], w.rules[i+1:]...)
			break
		}
	}
	l, ok := w.held[handle]
	if !ok {
		return false
	}
	delete(w.held, handle)
	w.healed()
	for _, m := range l {
		w.fault(m.from, "release "+handle+": "+w.flight(m.fl).f.Describe())
		w.transmit(m.from, m.to, m.fl)
		w.release(m.fl)
	}
	return true
}

// Holding tells whether a hold rule is still in force.
func (w *World) Holding(handle string) bool {
	for _, r := range w.rules {
		if r.handle == handle {
			return true
		}
	}
	return false
}

// applyRules applies the message rules to flight i, sent from from to to: true
// if it is held or dropped (not to be transmitted).
func (w *World) applyRules(from, to engine.Addr, fl int32) bool {
	text := w.flight(fl).f.Describe()
	for i, r := range w.rules {
		if !strings.Contains(text, r.pattern) {
			continue
		}
		if r.action == "hold" {
			// A hold keeps every matching frame, retransmissions included, until
			// its release.
			w.held[r.handle] = append(w.held[r.handle], heldMsg{from, to, w.keep(fl)})
			w.fault(from, "hold "+r.handle+": "+text)
			return true
		}
		w.rules = append(w.rules[:i:i], w.rules[i+1:]...)
		switch r.action {
		case "drop":
			w.fault(from, "drop-next: "+text)
			w.Counts.Drops++
			return true
		case "dup":
			w.fault(from, "dup-next: "+text)
			w.transmit(from, to, fl)
			return false
		}
	}
	return false
}
