package engine

import (
	"fmt"
	"slices"
	"time"
)

// Defaults for zero config fields.
const (
	DefaultRTO       = time.Second
	DefaultRetention = 10 * time.Minute
	// DefaultAckDelay is how long a device may hold back the ack of a push, hoping
	// to ride it on a request or cover later pushes with one ack; well under RTO.
	DefaultAckDelay = 100 * time.Millisecond
)

// inviterGrace is how much longer than the invitees the legacy inviter waits before
// it declares a timeout itself (client mode).
const inviterGrace = 5 * time.Second

// ServerConfig configures one server shard. The zero value is a single shard in
// server mode.
type ServerConfig struct {
	Shard  int  // this shard's index, which is also its Addr
	Shards int  // number of shards; 0 means 1
	Mode   Mode // arbitration mode
	// RTO is how long a pushed message (or a bus frame) waits for its ack
	// before it is first sent again (0 = DefaultRTO). From then on the
	// timeout adapts to the round trips measured (RFC 6298, rto.go), between
	// MinRTO (0 = RTO) and MaxRTO (0 = DefaultMaxRTO), doubling on each
	// timeout: per session, and per peer shard on the bus.
	RTO, MinRTO, MaxRTO time.Duration
	// Retention is how long history is kept: messages of an ended invitation (server
	// mode) or any message (client mode, where the relay cannot tell) are dropped
	// this long after the end or the store. A device that stays away longer misses them.
	Retention time.Duration
	// Frames, if set, is where the frames the shard sends come from (see
	// Envelope); nil: each is allocated.
	Frames *FramePool
}

func (c *ServerConfig) fill() {
	if c.Shards <= 0 {
		c.Shards = 1
	}
	rtoBounds(&c.RTO, &c.MinRTO, &c.MaxRTO)
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
}

// Server is one server shard. It holds the sessions and message timelines of the
// users placed on it, the groups placed on it and, in server mode, the invitations
// placed on it (a group invitation lives on its group's shard, a one-to-one
// invitation on its inviter's). It is driven through Receive, Fire, Disconnected and
// Crash, and reports what to do in Ready.
type Server struct {
	cfg ServerConfig
	out Output
	dec frameDecoder // frames that come as bytes (Receive)
	in  Frame        // a frame being handled that the shard changes: its own copy

	users    map[string]*userState
	userList []*userState // creation order, so sweeps never depend on map order

	sessions   []session
	freeSess   []int32
	sessByAddr map[Addr]int32

	invIndex idTable       // server mode: live invitations owned here, by ID
	invs     [][]invRecord // chunks of invChunk records
	ninv     int32         // records in use or free
	freeInv  []int32

	groups     map[string]*group
	tracks     chunked[invTrack] // server mode: liveness of invitations in local timelines
	trackIndex idTable           // tracks by invite ID

	names interner // names decoded from bytes, and the invite IDs known here

	deadlineQs    []deadlineQueue // server mode: invitations awaiting their timeout, per timeout value
	deadlineIndex map[int32]int   // timeout value → its queue
	dueAt         Time            // at or before every queue's armed time (0: none armed): expireDue's shortcut
	// The invitations that timed out at their exact deadline, expiredAt (the
	// last instant any did): an answer to one at that same instant is told
	// why it lost.
	expiredAt  Time
	expiredIDs []string

	bus []*busLink // per peer shard: the bus to it (durable), made at first use

	pruneAt  Time   // the armed prune timer's time; 0 if none
	syncMark uint32 // numbers the syncs, for invTrack's marks (a wrap would need 2³² syncs of one shard)
	// loggedOut holds, per device address, the last session epoch it logged
	// out of without the shard having that session open: its LOGIN is still
	// on the way (or retransmitted), and must not open it. Volatile, like
	// the sessions.
	loggedOut map[Addr]uint64
	buckets   [][]string

	// While a device's request executes here (piggybackOpen, its session
	// piggybackSlot), the first push to its session is kept back as the
	// piggyback (in unacked too: piggyback is its message, piggybackSeq its
	// Seq in the timeline and piggybackPushSeq its session sequence) to ride
	// on the response instead of travelling as a frame of its own.
	piggybackOpen    bool
	piggybackSlot    int32
	piggyback        *msgBody
	piggybackSeq     uint64
	piggybackPushSeq uint64
}

// NewServer returns a shard ready to run.
func NewServer(cfg ServerConfig) *Server {
	cfg.fill()
	s := &Server{
		cfg:        cfg,
		users:      map[string]*userState{},
		sessByAddr: map[Addr]int32{},
		groups:     map[string]*group{},
	}
	s.invIndex.key = func(slot int32) string { return s.inv(slot).id }
	s.trackIndex.key = func(slot int32) string { return s.tracks.at(slot).id }
	s.names.ids = s.knownID
	s.dec.in = &s.names
	s.out.frames = cfg.Frames
	return s
}

// knownID finds an invite ID this shard holds, so decoding it does not allocate.
func (s *Server) knownID(b []byte) (string, bool) {
	if slot, ok := s.invIndex.getBytes(b); ok {
		return s.inv(slot).id, true
	}
	if slot, ok := s.trackIndex.getBytes(b); ok {
		return s.tracks.at(slot).id, true
	}
	return "", false
}

// Config returns the configuration with defaults filled in.
func (s *Server) Config() ServerConfig { return s.cfg }

// Ready returns what the shard produced since the last Advance.
func (s *Server) Ready() *Output { return &s.out }

// Advance tells the shard its output was consumed; the slices are reused.
func (s *Server) Advance() { s.out.reset() }

type userState struct {
	name     string
	sessions []int32
	timeline timeline
	nextSeq  uint64
	// dedup holds the results of the user's requests that a device may still
	// ask for again, in the order they were made: a retransmitted request is
	// answered again and never applied twice, however late it comes.
	dedup    []dedupEntry
	dedupIDs []uint64       // dedup[i].reqID, for a scan that touches little memory
	pruneAt  int            // len(dedup) at which the results no device awaits are dropped
	lows     []deviceLow    // per device: its lowest request still unanswered (Frame.Low)
	ahead    []aheadRequest // requests that came before their turn (nil almost always)
}

// dedupSize is the fewest results a user's list holds before it is pruned;
// pruning again only when the list has doubled keeps it O(1) per request.
const dedupSize = 32

// deviceLow is the highest Frame.Low a device has sent: it has its answers
// to every request below.
type deviceLow struct {
	device string
	low    uint64
	// next is the device's first request, at or above low, that has not come:
	// a request after it waits for it.
	next uint64
}

type dedupEntry struct {
	device  string
	reqID   uint64
	done    bool
	op      Op
	code    Code
	text    string
	members []string
}

type entry struct {
	seq uint64
	m   *storedMsg
}

// invTrack is the liveness, on this shard, of an invitation with stored messages
// here; it lives as long as its messages (refs counts their timeline entries).
type invTrack struct {
	id       string
	endedAt  Time
	skipMark uint32 // = syncMark: this sync skips the invitation's messages
	ownMark  uint32 // = syncMark: this sync sent the device the invite it made
	refs     int32
	ended    bool
}

// track returns the track of a stored message, or nil.
func (s *Server) track(sm *storedMsg) *invTrack {
	if sm.track == 0 {
		return nil
	}
	return s.tracks.at(sm.track - 1)
}

type session struct {
	live    bool
	gen     uint32
	addr    Addr
	user    *userState
	device  string
	epoch   uint64
	nextSeq uint64    // next push sequence number
	syncEnd uint64    // the last push of the sync at login
	acked   uint64    // highest push acknowledged
	unacked []pushRef // the pushes acked+1, acked+2, ...
	rtoAt   Time      // the armed retransmit timer's time; 0 if none
	rtt     rttEstimator
}

// pushRef is a push not acknowledged yet: its message and its Seq in the
// user's timeline (0 if online-only); its place in unacked gives its session
// sequence.
type pushRef struct {
	body *msgBody
	seq  uint64
}

// push sends the frame that pushes p as the session's push number n.
func (s *Server) push(ss *session, n uint64, p pushRef) {
	f := s.out.frame(ss.addr)
	f.Type, f.Epoch, f.Seq, f.msg, f.msgSeq = FramePush, ss.epoch, n, p.body, p.seq
}

type invitee struct {
	user  string
	state InviteeState
	track int32 // a one-to-one record's invitee only: see invRecord.track
}

// invRecord is an invitation, kept compact (80 bytes): a shard may hold
// millions. The single invitee of a one-to-one invitation is inline; a group
// invitation keeps its group and invitee list aside. A free record has no ID.
type invRecord struct {
	id       string
	inviter  string
	one      [1]invitee // a one-to-one invitation's invitee
	deadline Time
	ext      *invGroup
	tmo      uint32 // the timeout in seconds, and onlineOnlyBit
	gen      uint32
}

// track is where the record keeps its invitation's track here + 1, once it
// has stored messages (deliverLocal): in the padding of a one-to-one
// record's invitee, or in a group record's ext.
func (r *invRecord) track() *int32 {
	if r.ext != nil {
		return &r.ext.track
	}
	return &r.one[0].track
}

// onlineOnlyBit marks an online-only invitation in invRecord.tmo; timeouts are
// below it (maxTimeout).
const onlineOnlyBit = 1 << 31

// maxTimeout is the longest timeout an invitation may have, in seconds (68 years).
const maxTimeout = onlineOnlyBit - 1

func (r *invRecord) live() bool       { return r.id != "" }
func (r *invRecord) timeout() int32   { return int32(r.tmo &^ onlineOnlyBit) }
func (r *invRecord) onlineOnly() bool { return r.tmo&onlineOnlyBit != 0 }

// pending tells whether an invitee has not answered yet.
func (r *invRecord) pending() bool {
	return slices.ContainsFunc(r.invitees(), func(iv invitee) bool { return iv.state == Pending })
}

type invGroup struct {
	group    string
	invitees []invitee
	track    int32 // see invRecord.track
}

// invitees lists the invitation's invitees; the states can be set through it.
func (r *invRecord) invitees() []invitee {
	if r.ext != nil {
		return r.ext.invitees
	}
	return r.one[:]
}

func (r *invRecord) group() string {
	if r.ext != nil {
		return r.ext.group
	}
	return ""
}

// invChunk is how many records a chunk of the record slab holds: chunks never
// move, so a shard grows without copying (or transiently doubling) its records.
const invChunk = 1024

func (s *Server) inv(slot int32) *invRecord { return &s.invs[slot/invChunk][slot%invChunk] }

type group struct {
	id      string
	owner   string
	members []string // sorted
}

func (g *group) has(u string) bool {
	_, ok := slices.BinarySearch(g.members, u)
	return ok
}

func (s *Server) note(id, format string, args ...any) {
	s.out.Notes = append(s.out.Notes, Note{InviteID: id, Text: fmt.Sprintf(format, args...)})
}

func (s *Server) send(to Addr, f *Frame) { s.out.send(to, f) }

func (s *Server) user(name string) *userState {
	u := s.users[name]
	if u == nil {
		u = &userState{name: name}
		s.users[name] = u
		s.userList = append(s.userList, u)
	}
	return u
}

// Receive handles a frame that arrived from a device or another shard, as
// bytes. Undecodable or unexpected frames are dropped with a note.
func (s *Server) Receive(now Time, from Addr, b []byte) {
	s.expireDue(now) // the same-instant rule: deadlines first
	f := &s.in
	if err := s.dec.decode(b, f); err != nil {
		s.note("", "dropped frame from %d: %v", from, err)
		return
	}
	s.receive(now, from, f)
}

// ReceiveFrame is Receive of a decoded frame (see Envelope), which it does
// not change nor keep.
func (s *Server) ReceiveFrame(now Time, from Addr, f *Frame) {
	s.expireDue(now)
	s.receive(now, from, f)
}

// receive handles frame f, which it does not change (a request is completed
// in the shard's own copy, s.in).

func (s *Server) receive(now Time, from Addr, f *Frame) {
	switch f.Type {
	case FrameLogin:
		s.login(now, from, f)
	case FrameLogout:
		s.logout(from, f.Epoch)
	case FrameRequest:
		if f.Ack != 0 {
			s.ack(now, from, f.Epoch, f.Ack)
		}
		s.request(now, from, f)
	case FrameAck:
		s.ack(now, from, f.Epoch, f.Seq)
	case FrameForward, FrameReply, FrameDeliver, FrameBusAck:
		if from < 0 || int(from) >= s.cfg.Shards || int(from) == s.cfg.Shard {
			s.note("", "dropped %s frame from %d, which is no peer shard", f.Type, from)
			return
		}
		s.busReceive(now, int(from), f)
	default:
		s.note("", "dropped unexpected %s frame from %d", f.Type, from)
	}
}

// busApply applies a frame of peer shard from, once, in the order it sent them.
func (s *Server) busApply(now Time, from Addr, f *Frame) {
	switch f.Type {
	case FrameForward:
		r := s.execute(now, f)
		s.busSend(now, int(from), &Frame{Type: FrameReply, ReqID: f.ReqID, User: f.User, Device: f.Device, Origin: f.Origin,
			Op: f.Op, Code: r.code, Text: r.text, Members: r.members})
	case FrameReply:
		s.reply(f)
	case FrameDeliver:
		var push *OfflinePushInfo
		if f.HasPush {
			push = &f.Push
		}
		b, _ := f.body()
		s.deliverLocal(now, f.Members, &storedMsg{msgBody: *b}, f.Ended, push, nil)
	}
}

// Disconnected tells the shard that the connection from a device broke; the
// session ends and unacknowledged pushes are dropped (stored messages are synced
// again at the next login).
func (s *Server) Disconnected(now Time, device Addr) {
	if slot, ok := s.sessByAddr[device]; ok {
		s.dropSession(slot)
	}
}

// Crash loses the shard's volatile state: every session and its unacknowledged
// pushes. Timelines, groups, invitations, the request log and the bus (its
// outboxes, sequence numbers and what was applied) are durable.
func (s *Server) Crash() {
	for i := range s.sessions {
		if s.sessions[i].live {
			s.dropSession(int32(i))
		}
	}
	s.loggedOut = nil
	for _, l := range s.bus {
		if l != nil {
			l.rtt = rttEstimator{} // the bus is durable, its round-trip estimate is not
		}
	}
	s.out.reset()
}

// logout ends a device's session epoch. A LOGOUT may overtake the LOGIN of
// the session it closes (or that login may be retransmitted after it): the
// shard then remembers the epoch, and a login of it or an earlier one from
// that address is stale. A session of an earlier epoch at the address is one
// the device has left: it ends too.
func (s *Server) logout(from Addr, epoch uint64) {
	if slot, ok := s.sessByAddr[from]; ok && s.sessions[slot].epoch <= epoch {
		open := s.sessions[slot].epoch
		s.dropSession(slot)
		if open == epoch {
			return
		}
	}
	if s.loggedOut == nil {
		s.loggedOut = map[Addr]uint64{}
	}
	s.loggedOut[from] = max(s.loggedOut[from], epoch)
}

func (s *Server) login(now Time, from Addr, f *Frame) {
	if f.User == "" || f.Device == "" {
		s.note("", "dropped login without user or device from %d", from)
		return
	}
	if closed, ok := s.loggedOut[from]; ok {
		if f.Epoch <= closed {
			s.out.hit(PathLogoutOvertookLogin)
			s.note("", "dropped login of %s/%s epoch %d: the device logged out of it", f.User, f.Device, f.Epoch)
			return
		}
		delete(s.loggedOut, from)
	}
	if slot, ok := s.sessByAddr[from]; ok {
		ss := &s.sessions[slot]
		if ss.user.name == f.User && ss.device == f.Device {
			switch {
			case ss.epoch == f.Epoch:
				// A retransmitted login: answer again, do not sync twice.
				s.out.hit(PathLoginRetransmitted)
				s.send(from, &Frame{Type: FrameLoginOK, Epoch: f.Epoch, Seq: ss.syncEnd})
				return
			case ss.epoch > f.Epoch:
				// A login that lingered in the network behind a newer one: the
				// device has moved on, so must we not move back.
				s.out.hit(PathStaleLoginDropped)
				s.note("", "dropped stale login of %s/%s epoch %d (session has %d)", f.User, f.Device, f.Epoch, ss.epoch)
				return
			}
		}
		s.dropSession(slot)
	}
	u := s.user(f.User)
	for _, slot := range u.sessions {
		if s.sessions[slot].device == f.Device {
			if s.sessions[slot].epoch > f.Epoch {
				s.out.hit(PathStaleLoginDropped)
				s.note("", "dropped stale login of %s/%s epoch %d (session has %d)", f.User, f.Device, f.Epoch, s.sessions[slot].epoch)
				return
			}
			s.dropSession(slot)
			break
		}
	}
	slot := s.newSession(from, u, f.Device, f.Epoch)
	// LOGIN-OK goes first and names the last push of the sync that follows it.
	at := len(s.out.Msgs)
	s.sync(now, slot, f.Cursor)
	ss := &s.sessions[slot]
	ss.syncEnd = ss.nextSeq - 1
	s.send(from, &Frame{Type: FrameLoginOK, Epoch: f.Epoch, Seq: ss.syncEnd})
	s.out.Msgs = slices.Insert(s.out.Msgs[:len(s.out.Msgs)-1], at, s.out.Msgs[len(s.out.Msgs)-1])
}

// sync pushes the timeline past cursor. In server mode an invitation that ended
// before the device saw its invite is not sent: a user who logs in receives
// only invitations still live, plus the ends of those it already knew. Its
// other messages are skipped too, except when the device sent the invite: it
// may hold the invitation as its own without having seen the invite's echo,
// and needs its end (a device that does not hold it drops them).
//
// Nor is an invitation of a group the user left (or that was dismissed) after
// it: a device logged in then dropped it on the tip, and no more of it reaches
// the user; a device syncing from before the tip (after a logout, which
// clears the device's list) must not learn it again.
func (s *Server) sync(now Time, slot int32, cursor uint64) {
	u, device := s.sessions[slot].user, s.sessions[slot].device
	s.syncMark++
	left := s.groupsLeft(u, cursor)
	for e := range u.timeline.all() {
		if e.seq <= cursor {
			continue
		}
		if tr := s.track(e.m); tr != nil {
			own := e.m.sentBy(u.name, device)
			if e.m.invite && own {
				tr.ownMark = s.syncMark // the device may hold it as its own
			}
			if tr.skipMark == s.syncMark && !own {
				continue
			}
			gone := len(left) > 0 && s.leftAfter(left, e) || e.m.invite && !own && !tr.ended && s.droppedFrom(tr.id, u.name)
			if e.m.invite && (tr.ended || gone) {
				if gone {
					s.out.hit(PathSyncSkippedLeft)
				} else {
					s.out.hit(PathSyncSkippedEnded)
				}
				if !own {
					tr.skipMark = s.syncMark
				}
				continue
			}
			if gone && !own && tr.ownMark != s.syncMark {
				s.out.hit(PathSyncSkippedLeft)
				continue
			}
		}
		s.pushTo(now, slot, &e.m.msgBody, e.seq)
	}
}

// droppedFrom reports whether user was dropped from live invitation id (it
// left the group, or the group was dismissed): the tip that says so may have
// been pruned from the timeline while the invitation lives on (timeout 0, or
// longer than the retention), and without it a sync would ring a former
// member again (docs/DESIGN.md §1.4).
func (s *Server) droppedFrom(id, user string) bool {
	r := s.record(id)
	if r == nil {
		return false
	}
	for _, iv := range r.invitees() {
		if iv.user == user && iv.state == Dropped {
			return true
		}
	}
	return false
}

// groupLeft is a group a user left (or that was dismissed), and the
// timeline position of the tip that says so.
type groupLeft struct {
	group string
	seq   uint64
}

// groupsLeft lists, from the tips in u's timeline past cursor, the groups u
// left, each with the last such tip. Tips are rare: only they are decoded.
func (s *Server) groupsLeft(u *userState, cursor uint64) []groupLeft {
	if s.legacy() {
		return nil // the legacy relay syncs everything
	}
	var l []groupLeft
	for e := range u.timeline.all() {
		if e.seq <= cursor || e.m.track != 0 || e.m.other == nil {
			continue
		}
		m := e.m.other
		if m.Elem != ElemGroupTip || !(m.Tip == TipGroupDismissed || m.Tip == TipMemberLeave && slices.Contains(m.TipMembers, u.name)) {
			continue
		}
		if i := slices.IndexFunc(l, func(g groupLeft) bool { return g.group == m.GroupID }); i >= 0 {
			l[i].seq = e.seq
		} else {
			l = append(l, groupLeft{m.GroupID, e.seq})
		}
	}
	return l
}

// leftAfter tells whether timeline entry e is a message of a group the user
// left after it.
func (s *Server) leftAfter(left []groupLeft, e entry) bool {
	for _, g := range left {
		if e.seq < g.seq && e.m.inGroup(g.group) {
			return true
		}
	}
	return false
}

func (s *Server) newSession(addr Addr, u *userState, device string, epoch uint64) int32 {
	var slot int32
	if n := len(s.freeSess); n > 0 {
		slot = s.freeSess[n-1]
		s.freeSess = s.freeSess[:n-1]
	} else {
		slot = int32(len(s.sessions))
		s.sessions = append(s.sessions, session{})
	}
	ss := &s.sessions[slot]
	gen := ss.gen + 1
	*ss = session{live: true, gen: gen, addr: addr, user: u, device: device, epoch: epoch, nextSeq: 1}
	s.sessByAddr[addr] = slot
	u.sessions = append(u.sessions, slot)
	return slot
}

func (s *Server) dropSession(slot int32) {
	ss := &s.sessions[slot]
	if !ss.live {
		return
	}
	if cur, ok := s.sessByAddr[ss.addr]; ok && cur == slot {
		delete(s.sessByAddr, ss.addr)
	}
	u := ss.user
	if i := slices.Index(u.sessions, slot); i >= 0 {
		u.sessions = slices.Delete(u.sessions, i, i+1)
	}
	gen := ss.gen
	*ss = session{gen: gen}
	s.freeSess = append(s.freeSess, slot)
}

// pushTo pushes a message to a session: body is the message, seq its place
// in the user's timeline (0 if online-only).
func (s *Server) pushTo(now Time, slot int32, body *msgBody, seq uint64) {
	ss := &s.sessions[slot]
	p := pushRef{body: body, seq: seq}
	ss.unacked = append(ss.unacked, p)
	switch {
	case !s.piggybackOpen || slot != s.piggybackSlot:
		s.push(ss, ss.nextSeq, p)
	case s.piggyback == nil:
		s.piggyback, s.piggybackSeq, s.piggybackPushSeq = body, seq, ss.nextSeq
	default: // a second push to the session: both go as they are, in order
		s.sendPiggyback()
		s.push(ss, ss.nextSeq, p)
	}
	ss.rtt.start(ss.nextSeq, now)
	ss.nextSeq++
	if ss.rtoAt == 0 {
		ss.rtoAt = now.Add(s.rto(&ss.rtt))
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerRetransmit, Ref: uint64(slot) | uint64(ss.gen)<<32, At: ss.rtoAt})
	}
}

// sendPiggyback sends the piggyback push (if any) as a frame of its own and
// closes the piggyback window.
func (s *Server) sendPiggyback() {
	if s.piggyback != nil {
		s.push(&s.sessions[s.piggybackSlot], s.piggybackPushSeq, pushRef{body: s.piggyback, seq: s.piggybackSeq})
	}
	s.piggybackOpen, s.piggyback = false, nil
}

// ack takes a device's cumulative ack of its session's pushes, from an ACK frame
// or riding on a request.
func (s *Server) ack(now Time, from Addr, epoch, seq uint64) {
	slot, ok := s.sessByAddr[from]
	if !ok || s.sessions[slot].epoch != epoch {
		return
	}
	ss := &s.sessions[slot]
	if seq <= ss.acked || seq >= ss.nextSeq {
		return
	}
	n := seq - ss.acked
	ss.rtt.ackedTo(seq, now)
	clear(ss.unacked[:n])
	ref := uint64(slot) | uint64(ss.gen)<<32
	if ss.rtoAt != 0 {
		// Nothing left to resend: the next push arms a fresh timer; else what
		// is left was sent more recently, and gets a full RTO from now.
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerRetransmit, Ref: ref, At: ss.rtoAt, Cancel: true})
		ss.rtoAt = 0
	}
	if n == uint64(len(ss.unacked)) {
		ss.unacked = ss.unacked[:0] // keep the array: the next push does not allocate
	} else {
		ss.unacked = ss.unacked[n:]
		ss.rtoAt = now.Add(s.rto(&ss.rtt))
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerRetransmit, Ref: ref, At: ss.rtoAt})
	}
	ss.acked = seq
}

// rto is a sender's current retransmission timeout, by the shard's config.
func (s *Server) rto(e *rttEstimator) time.Duration {
	return e.rto(s.cfg.RTO, s.cfg.MinRTO, s.cfg.MaxRTO)
}

func (s *Server) request(now Time, from Addr, f *Frame) {
	slot, ok := s.sessByAddr[from]
	if !ok || s.sessions[slot].epoch != f.Epoch {
		s.noSession(from, f)
		return
	}
	ss := &s.sessions[slot]
	u := ss.user
	if f.ReqID == 0 {
		s.apply(now, slot, f)
		return
	}
	l := u.noteLow(ss.device, min(f.Low, f.ReqID))
	if f.ReqID < l.low {
		s.out.hit(PathLateCopyDropped)
		return // a late copy of a request whose answer the device has had
	}
	if d := u.findDedup(ss.device, f.ReqID); d != nil {
		s.again(ss, d, f)
		return
	}
	if f.ReqID > l.next {
		// A request before it has not come yet (lost, or overtaken): it is
		// applied after them, as the device made them (docs/DESIGN.md §2.2, Requests).
		u.keepRequest(ss.device, from, f)
		s.out.hit(PathRequestAhead)
		return
	}
	if f.ReqID == l.next {
		l.next++
	}
	device := ss.device
	s.apply(now, slot, f)
	s.requestsInTurn(now, u, device)
}

// apply logs request f of session slot and applies it, here or on the shard
// that owns it.
func (s *Server) apply(now Time, slot int32, f *Frame) {
	ss := &s.sessions[slot]
	u := ss.user
	d := u.addDedup(ss.device, f.ReqID, f.Op)
	if f != &s.in {
		s.in = *f
		f = &s.in
	}
	f.User, f.Device, f.Origin = u.name, ss.device, ss.addr
	if owner := s.ownerOf(f); owner != s.cfg.Shard {
		f.Type, f.Ack, f.Low = FrameForward, 0, 0 // the device link's fields stay on it
		s.busSend(now, owner, f)
		return
	}
	s.piggybackOpen, s.piggybackSlot = true, slot
	r := s.execute(now, f)
	s.finish(u, d, r)
	s.sendPiggyback()
}

// requestAheadMax bounds the requests a shard keeps per user ahead of the
// ones they wait for; a later one is dropped, and the device resends it.
const requestAheadMax = 64

// aheadRequest is a request that came before one its device made earlier:
// kept until that one comes.
type aheadRequest struct {
	device string
	from   Addr
	f      Frame
}

// keepRequest keeps request f of device until the requests before it come.
func (u *userState) keepRequest(device string, from Addr, f *Frame) {
	for i := range u.ahead {
		if a := &u.ahead[i]; a.device == device && a.f.ReqID == f.ReqID {
			// A resent copy: keep the newest, which came on the device's
			// live session (the kept one may be of a session since ended,
			// and would be dropped as stale when its turn came).
			a.from, a.f = from, *f
			return
		}
	}
	if len(u.ahead) < requestAheadMax {
		u.ahead = append(u.ahead, aheadRequest{device: device, from: from, f: *f})
	}
}

// requestsInTurn applies the kept requests of device whose turn has come, in
// the order the device made them, and forgets those it no longer awaits (below
// its low, or of a session that has ended).
func (s *Server) requestsInTurn(now Time, u *userState, device string) {
	for i := 0; i < len(u.ahead); {
		a := &u.ahead[i]
		if a.device != device {
			i++
			continue
		}
		l := u.noteLow(device, 0)
		slot, ok := s.sessByAddr[a.from]
		stale := a.f.ReqID < l.next || !ok || s.sessions[slot].epoch != a.f.Epoch
		if !stale && a.f.ReqID != l.next {
			i++
			continue
		}
		g := a.f
		u.ahead = slices.Delete(u.ahead, i, i+1)
		if len(u.ahead) == 0 {
			u.ahead = nil
		}
		if !stale {
			l.next++
			s.apply(now, slot, &g)
		}
		i = 0 // the list changed: the next in turn may be anywhere in it
	}
}

// noSession answers a request of a session the shard does not have (it
// crashed, or the session was replaced): the device logs in again, and
// retransmits.
func (s *Server) noSession(from Addr, f *Frame) {
	s.out.hit(PathNoSession)
	r := s.out.frame(from)
	r.Type, r.Epoch, r.ReqID, r.Op, r.Code, r.Text = FrameResponse, f.Epoch, f.ReqID, OpLogin, CodeNotLoggedIn, "no session"
}

// again handles a retransmitted request already in the log (d): answered
// again if decided, dropped while another shard decides it.
func (s *Server) again(ss *session, d *dedupEntry, f *Frame) {
	if !d.done {
		s.out.hit(PathRequestAwaitingOwner)
		return
	}
	s.out.hit(PathRequestFromLog)
	r := s.out.frame(ss.addr)
	r.Type, r.Epoch, r.ReqID, r.Op, r.Code, r.Text, r.Members, r.Seq = FrameResponse, f.Epoch, f.ReqID, d.op, d.code, d.text, d.members, ss.nextSeq-1
}

func (s *Server) reply(f *Frame) {
	u := s.users[f.User]
	if u == nil {
		return
	}
	d := u.findDedup(f.Device, f.ReqID)
	if d == nil || d.done {
		return
	}
	s.finish(u, d, result{code: f.Code, text: f.Text, members: f.Members})
}

func (s *Server) finish(u *userState, d *dedupEntry, r result) {
	d.done, d.code, d.text, d.members = true, r.code, r.text, r.members
	for _, slot := range u.sessions {
		ss := &s.sessions[slot]
		if ss.device != d.device {
			continue
		}
		// The device reports the result after the pushes sent before it, so that
		// its app hears of an invitation in the shard's order.
		f := s.out.frame(ss.addr)
		f.Type, f.Epoch, f.ReqID, f.Op, f.Seq = FrameResponse, ss.epoch, d.reqID, d.op, ss.nextSeq-1
		f.Code, f.Text, f.Members = r.code, r.text, r.members
		if s.piggyback == nil || slot != s.piggybackSlot {
			continue
		}
		// The response carries the piggyback push, the session's last (a
		// second one sends it on its own), so f.Seq is the piggyback's.
		f.HasMsg, f.msg, f.msgSeq = true, s.piggyback, s.piggybackSeq
		s.out.hit(PathPushRodeOnResponse)
		s.piggybackOpen, s.piggyback = false, nil
	}
}

func (u *userState) findDedup(device string, reqID uint64) *dedupEntry {
	if reqID == 0 {
		return nil
	}
	for i, id := range u.dedupIDs {
		if id == reqID && u.dedup[i].device == device {
			return &u.dedup[i]
		}
	}
	return nil
}

func (u *userState) addDedup(device string, reqID uint64, op Op) *dedupEntry {
	if len(u.dedup) >= max(u.pruneAt, dedupSize) {
		u.pruneDedup()
	}
	u.dedup = append(u.dedup, dedupEntry{device: device, reqID: reqID, op: op})
	u.dedupIDs = append(u.dedupIDs, reqID)
	return &u.dedup[len(u.dedup)-1]
}

// pruneDedup drops the results no device can ask for again: those below the
// device's low, except one still awaited from another shard.
func (u *userState) pruneDedup() {
	kept := 0
	for i := range u.dedup {
		if e := &u.dedup[i]; e.done && e.reqID < u.lowOf(e.device) {
			continue
		}
		u.dedup[kept], u.dedupIDs[kept] = u.dedup[i], u.dedupIDs[i]
		kept++
	}
	clear(u.dedup[kept:])
	u.dedup, u.dedupIDs = u.dedup[:kept], u.dedupIDs[:kept]
	u.pruneAt = 2 * kept
}

// noteLow raises a device's low to low and returns its entry, valid until
// the next call.
func (u *userState) noteLow(device string, low uint64) *deviceLow {
	for i := range u.lows {
		if l := &u.lows[i]; l.device == device {
			l.low = max(l.low, low)
			l.next = max(l.next, l.low)
			return l
		}
	}
	u.lows = append(u.lows, deviceLow{device: device, low: low, next: low})
	return &u.lows[len(u.lows)-1]
}

func (u *userState) lowOf(device string) uint64 {
	for _, l := range u.lows {
		if l.device == device {
			return l.low
		}
	}
	return 0
}

// ownerOf is the shard that decides a request: the group's shard for group
// operations and group invitations, the inviter's for one-to-one invitations
// (the legacy relay of a one-to-one message is the sender's own shard).
func (s *Server) ownerOf(f *Frame) int {
	n := s.cfg.Shards
	switch {
	case f.Op.carriesGroup():
		return ShardOf(f.GroupID, n)
	case f.Info.GroupID != "":
		return ShardOf(f.Info.GroupID, n)
	case s.legacy():
		return s.cfg.Shard
	}
	return ShardOf(f.Info.Inviter, n)
}

type result struct {
	code    Code
	text    string
	members []string
}

func fail(c Code, format string, args ...any) result {
	return result{code: c, text: fmt.Sprintf(format, args...)}
}

func (s *Server) execute(now Time, f *Frame) result {
	switch {
	case f.Op.carriesGroup():
		return s.groupOp(now, f)
	case f.Op.carriesInfo():
		if s.legacy() {
			return s.legacyRelay(now, f)
		}
		return s.invOp(now, f)
	}
	return fail(CodeInvalidParameters, "operation %s is not a request", f.Op)
}

// fanout delivers a message to its recipients' home shards, in shard order:
// signaling info sig (the caller's, copied by what keeps it) or another
// message (other, kept as it is), sent by sender/device at the shard's time
// now. track, if set, is where the invitation's record keeps its track here
// (deliverLocal), so that its messages need not look it up.
func (s *Server) fanout(now Time, recipients []string, sig *SignalingInfo, other *Message, sender, device string, ended bool, push *OfflinePushInfo, track *int32) {
	s.deliver(now, recipients, newStored(sig, other, sender, device, now), ended, push, track)
}

// deliver is fanout of message m, made.
func (s *Server) deliver(now Time, recipients []string, m *storedMsg, ended bool, push *OfflinePushInfo, track *int32) {
	if s.cfg.Shards == 1 {
		s.deliverLocal(now, recipients, m, ended, push, track)
		return
	}
	s.fanoutShards(now, recipients, m, ended, push, track)
}

// fanoutShards is fanout over several shards: m to those of recipients
// placed here, a Deliver of it to each other shard that has some.
func (s *Server) fanoutShards(now Time, recipients []string, m *storedMsg, ended bool, push *OfflinePushInfo, track *int32) {
	n := s.cfg.Shards
	if len(s.buckets) < n {
		s.buckets = make([][]string, n)
	}
	for i := range s.buckets {
		s.buckets[i] = s.buckets[i][:0]
	}
	for _, r := range recipients {
		k := ShardOf(r, n)
		s.buckets[k] = append(s.buckets[k], r)
	}
	for k, users := range s.buckets[:n] {
		if len(users) == 0 {
			continue
		}
		if k == s.cfg.Shard {
			s.deliverLocal(now, users, m, ended, push, track)
			continue
		}
		// The other shards keep the message's body: a body is never changed.
		s.deliverTo(now, k, users, m, ended, push)
	}
}

// deliverTo sends message m to peer shard k, for its users there.
func (s *Server) deliverTo(now Time, k int, users []string, m *storedMsg, ended bool, push *OfflinePushInfo) {
	f := Frame{Type: FrameDeliver, Members: slices.Clone(users), msg: &m.msgBody, Ended: ended}
	if push != nil {
		f.HasPush, f.Push = true, *push
	}
	s.busSend(now, k, &f)
}

// deliverLocal stores message m, new, in the timelines of users placed here,
// unless it is online-only, and pushes it to their sessions. In server mode
// the sending device gets its own message too: its view of the invitation
// follows the server's order; in client mode, as in the legacy SDK, it does
// not. In server mode a signaling message is tracked with its invitation
// (invTrack), found by its ID, or in *track (its record's, which keeps it).
func (s *Server) deliverLocal(now Time, users []string, m *storedMsg, ended bool, push *OfflinePushInfo, track *int32) {
	m.storedAt = now
	info := m.signal(&s.names)            // m's own copy, or decoded from other's bytes
	tracked := info != nil && !s.legacy() // the legacy relay tracks no invitation
	var sm *storedMsg                     // m, unless online-only
	var tr *invTrack
	if !m.onlineOnly() {
		sm = m
		if tracked {
			var ts int32
			ok := false
			if track != nil && *track != 0 {
				ts, ok = *track-1, true
			} else {
				ts, ok = s.trackIndex.get(info.InviteID)
			}
			if !ok {
				ts = s.tracks.alloc()
				*s.tracks.at(ts) = invTrack{id: info.InviteID}
				s.trackIndex.put(info.InviteID, ts)
			}
			if track != nil {
				*track = ts + 1
			}
			tr = s.tracks.at(ts)
			sm.track, sm.invite = ts+1, info.ActionType == ActionInvite
			if ended {
				tr.ended, tr.endedAt = true, now
				s.armPrune(now.Add(s.cfg.Retention))
			}
		} else {
			s.armPrune(now.Add(s.cfg.Retention))
		}
	}
	if m.onlineOnly() && tracked && info.ActionType == ActionInvite {
		s.out.Transitions = append(s.out.Transitions, Transition{InviteID: info.InviteID, Invitees: slices.Clone(users), Reached: true})
	}
	for _, name := range users {
		u := s.user(name)
		var seq uint64
		if sm != nil {
			u.nextSeq++
			seq = u.nextSeq
			u.timeline.append(entry{seq: seq, m: sm})
			if tr != nil {
				tr.refs++
			}
		}
		for _, slot := range u.sessions {
			if s.legacy() && name == m.sender && s.sessions[slot].device == m.device {
				continue // the legacy relay does not push a message back to its sender
			}
			s.pushTo(now, slot, &m.msgBody, seq)
		}
		if push != nil && len(u.sessions) == 0 && name != m.sender {
			p := OfflinePush{User: name, Info: *push}
			if info != nil {
				p.Sig = *info
			}
			s.out.Pushes = append(s.out.Pushes, p)
		}
	}
}

func (s *Server) armPrune(at Time) {
	// Prune in coarse steps (an eighth of the retention): each pass sweeps every
	// timeline, so one pass per expiry would cost quadratic time.
	step := max(s.cfg.Retention/8, 1)
	at = Time((time.Duration(at)/step + 1) * step) // the next multiple of step
	if s.pruneAt != 0 && s.pruneAt <= at {
		return
	}
	s.pruneAt = at
	s.out.Timers = append(s.out.Timers, Timer{Kind: TimerPrune, At: at})
}

// prune drops history past retention and re-arms for the earliest next expiry.
func (s *Server) prune(now Time) {
	s.pruneAt = 0
	next := Time(0)
	ret := s.cfg.Retention
	for _, u := range s.userList {
		u.timeline.keep(func(e entry) bool {
			expires := Time(-1) // never, while the invitation is live
			tr := s.track(e.m)
			if tr != nil {
				if tr.ended {
					expires = tr.endedAt.Add(ret)
				}
			} else {
				expires = e.m.storedAt.Add(ret)
			}
			if expires >= 0 && expires <= now {
				if tr != nil {
					if tr.refs--; tr.refs == 0 {
						s.trackIndex.del(tr.id)
						s.tracks.release(e.m.track - 1)
					}
				}
				return false
			}
			if expires >= 0 && (next == 0 || expires < next) {
				next = expires
			}
			return true
		})
	}
	if next != 0 {
		s.armPrune(next)
	}
}

// Fire handles a timer the shard set earlier; stale timers are ignored.
func (s *Server) Fire(now Time, t Timer) {
	switch t.Kind {
	case TimerRetransmit:
		slot, gen := int32(t.Ref&0xffffffff), uint32(t.Ref>>32)
		if int(slot) >= len(s.sessions) {
			return
		}
		ss := &s.sessions[slot]
		if !ss.live || ss.gen != gen || t.At != ss.rtoAt {
			return
		}
		ss.rtoAt = 0
		if len(ss.unacked) == 0 {
			return
		}
		s.out.hit(PathPushResent)
		ss.rtt.timeout()
		for i, p := range ss.unacked {
			s.push(ss, ss.acked+1+uint64(i), p)
		}
		ss.rtoAt = now.Add(s.rto(&ss.rtt))
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerRetransmit, Ref: t.Ref, At: ss.rtoAt})
	case TimerInviteTimeout:
		s.fireTimeouts(now, t)
	case TimerPrune:
		if t.At == s.pruneAt {
			s.prune(now)
		}
	case TimerBusRetransmit, TimerBusAck:
		s.busFire(now, t)
	}
}

// Stats counts what a shard holds, for memory and termination checks.
type Stats struct {
	Users       int
	Sessions    int
	Invitations int // live invitations owned here (server mode)
	Stored      int // timeline entries
	Tracked     int // invitations with stored messages here (server mode)
	Groups      int
	Unacked     int // pushes awaiting ack
	BusUnacked  int // bus frames to other shards awaiting ack
}

// Stats reports the shard's current holdings.
func (s *Server) Stats() Stats {
	st := Stats{Users: len(s.users), Sessions: len(s.sessByAddr), Invitations: s.invIndex.Len(), Tracked: s.trackIndex.Len(), Groups: len(s.groups)}
	for _, u := range s.userList {
		st.Stored += u.timeline.len()
	}
	for i := range s.sessions {
		st.Unacked += len(s.sessions[i].unacked)
	}
	for _, l := range s.bus {
		if l != nil {
			st.BusUnacked += len(l.unacked)
		}
	}
	return st
}

// Online tells whether a user has a session on this shard.
func (s *Server) Online(user string) bool {
	u := s.users[user]
	return u != nil && len(u.sessions) > 0
}

// Timeline returns the messages stored for a user placed on this shard, in
// sequence order (each with its Seq), for inspection: what a device logging in
// could sync, and what GetSignalingInfo parses.
func (s *Server) Timeline(user string) []Message {
	u := s.users[user]
	if u == nil {
		return nil
	}
	l := make([]Message, 0, u.timeline.len())
	for e := range u.timeline.all() {
		l = append(l, e.m.message(e.seq))
		i := len(l) - 1
		if len(l[i].TipMembers) == 0 {
			l[i].TipMembers = nil
		}
	}
	return l
}
