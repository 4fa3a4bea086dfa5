package engine

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// ClientConfig configures one device of one user.
type ClientConfig struct {
	User   string
	Device string
	Home   Addr // the shard the user is placed on: Addr(ShardOf(User, shards))
	Mode   Mode
	// Incarnation tells a device's lives apart: after a crash the driver makes a new
	// Client with a higher one, so its request IDs and sessions never collide with
	// the old ones still remembered by the server.
	Incarnation uint32
	// IDPrefix starts every invite ID this device makes; a counter follows. It must
	// be unique per device and incarnation; empty means "User/Device.Incarnation-".
	IDPrefix string
	// RTO is how long a request or login waits for its answer before it is
	// first resent (0 = DefaultRTO). From then on the timeout adapts to the
	// round trips measured (RFC 6298, rto.go), between MinRTO (0 = RTO) and
	// MaxRTO (0 = DefaultMaxRTO), doubling on each timeout.
	RTO, MinRTO, MaxRTO time.Duration
	// AckDelay is how long the ack of a push may wait to ride on a request or to
	// cover later pushes too (0 means DefaultAckDelay). It must stay well under
	// the shard's RTO, or pushes are sent twice.
	AckDelay time.Duration
	// Shared, if set, is what the device shares with the other devices driven
	// by the same goroutine: names, buffers, its Output, the invitations. The
	// driver must then keep SharedClientState's contract: consume one device's
	// output (Ready, Advance) before driving another.
	Shared *SharedClientState
	// Frames, if set, is where the frames the device sends come from (see
	// Envelope); nil: each is allocated.
	Frames *FramePool
}

// Client is the SDK on one device: the signaling API, the listener callbacks and
// the device end of the IM message layer. It is driven through the API methods,
// Receive, Fire, Connected and Disconnected, and reports what to do in Ready.
type Client struct {
	cfg ClientConfig
	out *Output // cfg.Shared's, or the device's own

	pushTitle string         // the default offline push title of an invite
	sc        *clientScratch // cfg.Shared's, or the device's own

	loggedIn  bool    // login completed and no logout since
	loginCall APICall // the login call awaiting its answer, if any
	sessionUp bool    // the current session got LOGIN-OK
	connected bool
	epochN    uint32
	epoch     uint64
	pushNext  uint64 // next push sequence expected in this session
	// ahead holds pushes of this session that came before their turn, by
	// sequence, at most pushAheadMax; nil (8 bytes, nothing allocated) when
	// none, as for almost every device almost all the time.
	ahead   *[]aheadPush
	ackDue  bool   // pushes received that no ack has covered yet
	ackAt   Time   // the armed ack timer's time; 0 if none
	syncEnd uint64 // the last push of this session's login sync
	cursor  uint64 // highest timeline seq processed
	// logoutCall is a logout waiting for the answers of the requests made
	// before it.
	logoutCall APICall
	// heard is the cursor at the last logout (server mode): the next login
	// syncs from the start, to learn again the invitations still live that
	// the logout cleared, but the group tips up to here the app has heard.
	heard uint64
	// closed is the last session (epoch) this device logged out of: a frame
	// of it, or of an earlier one, comes from a shard that still believes in
	// it, and is answered with LOGOUT, never applied.
	closed uint64

	nextCall   APICall
	nextReq    uint64
	nextInvite uint64
	pending    []pendingReq // oldest first; its head moves on in pendingArr as answers come
	pendingArr []pendingReq
	// deferredAnswers are server-mode answers deferred until the pushes the
	// shard sent before them are applied, so the app hears of an invitation in
	// the shard's order (reportDeferred reports them).
	deferredAnswers []reqAnswer
	// parkedFor is the request whose answer the next push in turn awaits
	// (echoUndecided): until it comes, pushes wait in the reorder buffer.
	// echoVerdict is that answer's verdict on the push, +1 its echo, -1
	// another request's effect; 0 when none is pending.
	parkedFor   uint64
	echoVerdict int8
	rtoAt       Time // the armed retransmit timer's time; 0 if none
	rtt         rttEstimator
	lastNow     Time // the time of the input being handled, for deep helpers

	// invs is made at the first invitation and, with byRef (made at its first
	// entry), given back to the world's pool (SharedClientState) when the device holds
	// none, as most of a million devices do most of the time.
	invs    *invList
	byRef   map[uint64]string
	nextRef uint64
	// forgotten remembers the last invitations forgotten without an outcome, so a
	// late message about one is not taken for a new invitation.
	forgotten *forgetRing // made at the first; nil stands for all

	names interner // names decoded from bytes, and the invite IDs known here
}

// forgetRing is the last forgetMemory IDs a device forgot, a ring.
type forgetRing struct {
	ids [forgetMemory]string
	pos int
}

// forgetMemory is how many forgotten invitation IDs a device remembers.
const forgetMemory = 64

// pushAheadMax bounds the pushes a device keeps ahead of the one it awaits; a
// later one is dropped, and the shard resends it.
const pushAheadMax = 64

// aheadPush is a push that arrived before its turn: the frame that carried it
// (a PUSH, or a RESP with HasMsg), kept until the pushes before it are applied.
type aheadPush struct {
	seq uint64
	f   Frame
}

// clientScratch is what a device needs only during one call (Receive of
// bytes): the frame being decoded and the decoder's buffers. The devices of
// one world share one (SharedClientState), as a million devices each keeping
// its own, sized for the largest frame seen, would hold gigabytes. Nothing
// points into it once the call returns.
type clientScratch struct {
	dec frameDecoder
	in  Frame
}

type pendingReq struct {
	call     APICall
	inviteID string
	f        Frame
}

// reqAnswer is a request's answer, with what reporting it needs of the
// request; in server mode it may be deferred until the push with sequence
// after is applied (max when it came on an earlier session: then it waits for
// the next login's sync).
type reqAnswer struct {
	call     APICall
	op       Op
	action   ActionType // the request's signaling action
	inviteID string
	groupID  string // a group operation's group (the legacy SDK applies a quit)
	data     string // the request's data (the legacy SDK applies a modify)
	after    uint64
	code     Code
	text     string
	members  []string
}

// localInv is one invitation in the device's own list: what is the device's
// own, and the invitation as invited (info), which it shares — with the
// message that brought it, the shard that stored it and every device that got
// it — and never changes: setData replaces it. Only info's invitation fields
// count: its BusinessID and ActionType are those of the message it came from
// (invitation restores them).
type localInv struct {
	info  *SignalingInfo
	many  *[]InviteeState // the invitees' states, unless there is exactly one
	ref   uint64          // its timers' Ref (byRef), 0 before its first timer
	epoch uint32          // server mode, online-only: the session (epochN) it arrived on
	one   [1]InviteeState // the state of a one-invitee invitation, without allocating
	mine  bool            // created here by Invite or AddInvitedSignaling, before any push
}

// states are the states of the invitees, in the order of the invitee list.
func (inv *localInv) states() []InviteeState {
	if len(inv.info.InviteeList) == 1 {
		return inv.one[:]
	}
	return *inv.many
}

// invitation is the signaling info of an invitation as invited, from the
// info a device keeps of it (localInv.info).
func invitation(p *SignalingInfo) SignalingInfo {
	s := *p
	s.BusinessID, s.ActionType = BusinessID, ActionInvite
	return s
}

// sameInvitation tells whether a and b are the same invitation as invited:
// every field but BusinessID and ActionType equal.
func sameInvitation(a, b *SignalingInfo) bool {
	return a == b || a.InviteID == b.InviteID && a.GroupID == b.GroupID && a.Inviter == b.Inviter && a.Data == b.Data &&
		a.Timeout == b.Timeout && a.OnlineUserOnly == b.OnlineUserOnly && sameList(a.InviteeList, b.InviteeList)
}

// sameList is slices.Equal, at once for two views of one array.
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

// NewClient returns a device that is connected and logged out.
func NewClient(cfg ClientConfig) *Client {
	rtoBounds(&cfg.RTO, &cfg.MinRTO, &cfg.MaxRTO)
	if cfg.AckDelay <= 0 {
		cfg.AckDelay = DefaultAckDelay
	}
	if cfg.IDPrefix == "" {
		cfg.IDPrefix = cfg.User + "/" + cfg.Device + "." + strconv.FormatUint(uint64(cfg.Incarnation), 10) + "-"
	}
	c := &Client{cfg: cfg, connected: true}
	c.names.ids = c.knownID
	c.names.max = clientInternMax
	c.names.shared = cfg.Shared
	if cfg.Shared != nil {
		c.sc, c.out = &cfg.Shared.scratch, &cfg.Shared.out
	} else {
		c.sc, c.out = new(clientScratch), new(Output)
	}
	if cfg.Frames != nil {
		c.out.frames = cfg.Frames
	}
	return c
}

// knownID finds an invite ID this device holds, so decoding it does not allocate.
func (c *Client) knownID(b []byte) (string, bool) {
	if inv := c.invs.getBytes(b); inv != nil {
		return inv.info.InviteID, true
	}
	return "", false
}

// lookup returns the invitation with the given ID, nil if this device has none.
// It is valid until the next add or drop.
func (c *Client) lookup(id string) *localInv { return c.invs.get(id) }

// Config returns the device's configuration with defaults filled in.
func (c *Client) Config() ClientConfig { return c.cfg }

// Ready returns what the device produced since the last Advance. With a
// SharedClientState only the device driven last may call it.
func (c *Client) Ready() *Output {
	c.cfg.Shared.read(c, "read (Ready)")
	return c.out
}

// Advance tells the device its output was consumed; the slices are reused.
// With a SharedClientState it frees the shared output for another device.
func (c *Client) Advance() {
	if sh := c.cfg.Shared; sh != nil {
		sh.read(c, "advanced")
		sh.driving = nil
	}
	c.out.reset()
}

// LoggedIn tells whether login completed and no logout followed.
func (c *Client) LoggedIn() bool { return c.loggedIn }

// Session numbers the device's current session (its epoch): it changes
// whenever the device opens a new one (a login, a reconnect's re-login).
func (c *Client) Session() uint64 { return c.epoch }

// LoggingOut tells whether a logout waits for the answers of the requests
// made before it (a login then fails with "logout in progress").
func (c *Client) LoggingOut() bool { return c.logoutCall != 0 }

// Knows tells whether the device's list holds the invitation.
func (c *Client) Knows(inviteID string) bool { return c.lookup(inviteID) != nil }

// Outstanding is the number of requests awaiting an answer.
func (c *Client) Outstanding() int { return len(c.pending) }

func (c *Client) note(id, format string, args ...any) {
	c.out.Notes = append(c.out.Notes, Note{InviteID: id, Text: fmt.Sprintf(format, args...)})
}

func (c *Client) newCall() APICall {
	c.nextCall++
	return c.nextCall
}

func (c *Client) result(call APICall, op Op, id string, code Code, text string) {
	if call == 0 {
		return // internal request (a client-mode timeout announcement)
	}
	c.out.Results = append(c.out.Results, Result{Call: call, Op: op, InviteID: id, Code: code, Text: text, After: int32(len(c.out.Callbacks))})
}

func (c *Client) fail(call APICall, op Op, id string, code Code, format string, args ...any) APICall {
	c.result(call, op, id, code, fmt.Sprintf(format, args...))
	if call != 0 {
		c.out.Results[len(c.out.Results)-1].Local = true
	}
	return call
}

func (c *Client) callback(cb Callback) { c.out.Callbacks = append(c.out.Callbacks, cb) }

func (c *Client) send(f *Frame) {
	if !c.connected {
		return
	}
	f.Epoch = c.epoch
	if f.Type == FrameRequest {
		// pending is in request order: its head is the oldest still unanswered.
		f.Low = f.ReqID
		if len(c.pending) > 0 {
			f.Low = min(f.Low, c.pending[0].f.ReqID)
		}
		// The ack rides on the request: cumulative, so it covers every push so far.
		f.Ack, c.ackDue = c.pushNext-1, false
		if c.ackAt != 0 {
			c.out.Timers = append(c.out.Timers, Timer{Kind: TimerAck, At: c.ackAt, Cancel: true})
			c.ackAt = 0
		}
	}
	c.out.send(c.cfg.Home, f)
}

// ackLater notes pushes to acknowledge: the ack rides on the next request, or
// goes by itself when the ack timer fires.
func (c *Client) ackLater(now Time) {
	c.ackDue = true
	if c.ackAt == 0 {
		c.ackAt = now.Add(c.cfg.AckDelay)
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerAck, At: c.ackAt})
	}
}

func (c *Client) armRTO(now Time) {
	if c.rtoAt != 0 {
		return
	}
	c.rtoAt = now.Add(c.rtt.rto(c.cfg.RTO, c.cfg.MinRTO, c.cfg.MaxRTO))
	c.out.Timers = append(c.out.Timers, Timer{Kind: TimerRetransmit, At: c.rtoAt})
}

// restartRTO gives what is still unanswered a full RTO from now, after an
// answer showed the shard is listening (RFC 6298 5.3): what is left was sent
// more recently than the timer was armed for.
func (c *Client) restartRTO(now Time) {
	if c.rtoAt == 0 {
		return
	}
	c.out.Timers = append(c.out.Timers, Timer{Kind: TimerRetransmit, At: c.rtoAt, Cancel: true})
	c.rtoAt = 0
	c.armRTO(now)
}

// timedLogin is what the estimator times for a LOGIN (no request has this ID).
const timedLogin = ^uint64(0)

func (c *Client) startSession(now Time) {
	c.dropParked()
	c.epochN++
	c.epoch = uint64(c.cfg.Incarnation)<<32 | uint64(c.epochN)
	c.sessionUp = false
	c.pushNext = 1
	c.ahead = nil // the old session's: the new one numbers its pushes from 1
	c.ackDue = false
	for i := range c.deferredAnswers {
		c.deferredAnswers[i].after = math.MaxUint64 // the new session's sync brings what it waited for
	}
	c.rtt.resent() // pending requests go again once the session is up
	if c.connected {
		c.rtt.start(timedLogin, now)
	}
	c.sendLogin()
	c.armRTO(now)
}

// sendLogin sends the LOGIN of the current session.
func (c *Client) sendLogin() {
	if c.connected {
		f := c.out.frame(c.cfg.Home)
		f.Type, f.Epoch, f.User, f.Device, f.Cursor = FrameLogin, c.epoch, c.cfg.User, c.cfg.Device, c.cursor
	}
}

// Login starts a login; its result arrives when the shard answers.
func (c *Client) Login(now Time) APICall {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	switch {
	case c.cfg.User == "" || c.cfg.Device == "":
		return c.fail(call, OpLogin, "", CodeInvalidParameters, "device has no user or device name")
	case c.loggedIn:
		c.result(call, OpLogin, "", OK, "already logged in")
		return call
	case c.loginCall != 0:
		return c.fail(call, OpLogin, "", CodeInvalidParameters, "login in progress")
	case c.logoutCall != 0:
		return c.fail(call, OpLogin, "", CodeInvalidParameters, "logout in progress")
	}
	c.loginCall = call
	c.startSession(now)
	return call
}

// wantsSession tells whether the device needs a session with its shard: it is
// logged in, logging in, or logging out with requests still to be answered.
func (c *Client) wantsSession() bool { return c.loggedIn || c.loginCall != 0 || c.logoutCall != 0 }

// Logout ends the login, as the SDK does: the app is logged out at once (a new
// call fails with 6014), a login still in flight fails, and once the requests
// made before are answered — their answers come back first, as they would
// from a server that takes requests in order, so an app is never told that an
// accept failed which the shard applied — the session ends and the local
// invitation list is cleared; then the logout succeeds. It ends the session
// whether it was up or still being opened (a login, or the re-login of a
// reconnect, in flight): the shard is told, and nothing of that session
// reaches the app any more. If the shard opens it anyway (the LOGIN overtook
// the LOGOUT, or the LOGOUT was lost), its first frame to the device is
// answered with another LOGOUT (see Receive). Without a connection there is
// no waiting: requests still unanswered fail with 6014, saying they may still
// take effect.
func (c *Client) Logout(now Time) APICall {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	switch {
	case c.logoutCall != 0:
		return c.fail(call, OpLogout, "", CodeInvalidParameters, "logout in progress")
	case !c.loggedIn && c.loginCall == 0:
		return c.fail(call, OpLogout, "", CodeNotLoggedIn, "")
	}
	if c.loginCall != 0 {
		c.result(c.loginCall, OpLogin, "", CodeNotLoggedIn, "logged out")
		c.loginCall = 0
	}
	c.loggedIn = false
	c.logoutCall = call
	if len(c.pending) == 0 || !c.connected {
		c.finishLogout(now)
	}
	return call
}

// finishLogout ends the session and reports the logout.
func (c *Client) finishLogout(now Time) {
	c.dropParked()
	c.logout(c.epoch)
	c.closeSession()
	for i := range c.deferredAnswers {
		c.report(now, &c.deferredAnswers[i])
	}
	c.deferredAnswers = nil
	for _, p := range c.pending {
		c.result(p.call, p.f.Op, p.inviteID, CodeNotLoggedIn, "logged out before its answer: it may still take effect")
		if p.call != 0 {
			c.out.Results[len(c.out.Results)-1].Unanswered = true
		}
	}
	c.pending = c.pending[:0]
	for _, id := range c.sortedIDs() {
		c.drop(id)
	}
	if !c.legacy() { // the legacy SDK syncs on from its cursor
		// The list is gone: the next login learns again what is still live
		// (the shard sends nothing of what ended).
		c.heard = max(c.heard, c.cursor)
		c.cursor = 0
	}
	call := c.logoutCall
	c.logoutCall = 0
	c.result(call, OpLogout, "", OK, "")
}

// logout tells the shard that session epoch is over.
func (c *Client) logout(epoch uint64) {
	if c.connected {
		f := c.out.frame(c.cfg.Home)
		f.Type, f.Epoch = FrameLogout, epoch
	}
}

// closeSession leaves the current session: its epoch is closed and the device
// moves to a fresh one that no shard has, so every later frame of the old
// session is stale. Nothing is left to acknowledge.
func (c *Client) closeSession() {
	c.closed = c.epoch
	c.epochN++
	c.epoch = uint64(c.cfg.Incarnation)<<32 | uint64(c.epochN)
	c.sessionUp = false
	c.ackDue = false
	if c.ackAt != 0 {
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerAck, At: c.ackAt, Cancel: true})
		c.ackAt = 0
	}
}

// Connected tells the device its link to the shard is up again; a logged-in device
// resumes its session and syncs what it missed.
func (c *Client) Connected(now Time) {
	c.cfg.Shared.drive(c)
	c.connected = true
	c.rtt.resetBackoff() // a new connection starts afresh
	if c.wantsSession() {
		c.startSession(now)
	}
}

// Disconnected tells the device its link broke.
func (c *Client) Disconnected(now Time) {
	c.cfg.Shared.drive(c)
	c.dropParked()
	c.connected = false
	c.sessionUp = false
	if c.logoutCall != 0 {
		c.finishLogout(now) // no answer can come now
	}
}

// request queues an API request and returns its frame, for the caller to
// fill in (what the op carries) before it submits it.
func (c *Client) request(call APICall, op Op, id string) *Frame {
	c.nextReq++
	n := len(c.pending)
	if n == cap(c.pending) {
		c.roomForRequest()
	}
	c.pending = c.pending[:n+1]
	p := &c.pending[n]
	*p = pendingReq{}
	p.call, p.inviteID = call, id
	f := &p.f
	f.Type, f.Op = FrameRequest, op
	f.ReqID = uint64(c.cfg.Incarnation)<<40 | c.nextReq
	return f
}

// roomForRequest makes room for one more pending request. As the oldest are
// answered the list's head moves on in its array (response): the list moves
// back to the array's front if that left room enough, else to an array twice
// its length. Appending to the shrinking slice instead would reallocate it
// again and again, a device with many requests in flight copying them all
// each time.
func (c *Client) roomForRequest() {
	n := len(c.pending)
	if front := cap(c.pendingArr) - cap(c.pending); front > n/4 && c.pendingArr != nil {
		arr := c.pendingArr[:cap(c.pendingArr)]
		copy(arr, c.pending)
		clear(arr[n:])
		c.pending = arr[:n]
		return
	}
	arr := make([]pendingReq, n, max(2*n, 2))
	copy(arr, c.pending)
	c.pending, c.pendingArr = arr, arr
}

// submit sends the request queued last if the session is up, and returns its
// call.
func (c *Client) submit(now Time) APICall {
	p := &c.pending[len(c.pending)-1]
	if c.sessionUp {
		c.send(&p.f)
		c.rtt.start(p.f.ReqID, now)
	}
	c.armRTO(now)
	return p.call
}

func (c *Client) checkCall(call APICall, op Op, id string, data string) bool {
	switch {
	case !c.loggedIn:
		c.fail(call, op, id, CodeNotLoggedIn, "")
	case len(data) > MaxDataLen:
		c.result(call, op, id, CodeDataTooLarge, "data is "+strconv.Itoa(len(data))+" bytes, limit "+strconv.Itoa(MaxDataLen))
	default:
		return true
	}
	return false
}

func (c *Client) newInviteID() string {
	c.nextInvite++
	var buf [64]byte
	return string(strconv.AppendUint(append(buf[:0], c.cfg.IDPrefix...), c.nextInvite, 10))
}

// Invite sends a one-to-one invitation and returns its ID at once (empty if the
// arguments are invalid); timeout is in seconds, 0 for none. push is shown to the
// invitee if it is offline (nil for a default one).
func (c *Client) Invite(now Time, invitee, data string, onlineUserOnly bool, push *OfflinePushInfo, timeout int) (string, APICall) {
	return c.invite(now, OpInvite, "", []string{invitee}, data, onlineUserOnly, push, timeout)
}

// InviteInGroup invites members of a group; every member of the group receives the
// invitation's callbacks. Group invitations have no offline push.
func (c *Client) InviteInGroup(now Time, groupID string, invitees []string, data string, onlineUserOnly bool, timeout int) (string, APICall) {
	return c.invite(now, OpInviteInGroup, groupID, invitees, data, onlineUserOnly, nil, timeout)
}

func (c *Client) invite(now Time, op Op, groupID string, invitees []string, data string, onlineOnly bool, push *OfflinePushInfo, timeout int) (string, APICall) {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	if !c.checkCall(call, op, "", data) {
		return "", call
	}
	var list []string
	for _, u := range invitees {
		switch {
		case u == "":
			c.fail(call, op, "", CodeInvalidParameters, "empty invitee")
			return "", call
		case u == c.cfg.User:
			c.fail(call, op, "", CodeInvalidParameters, "cannot invite oneself")
			return "", call
		case !slices.Contains(list, u):
			list = append(list, u)
		}
	}
	switch {
	case op == OpInviteInGroup && groupID == "":
		c.fail(call, op, "", CodeInvalidParameters, "empty group ID")
		return "", call
	case len(list) == 0:
		c.fail(call, op, "", CodeInvalidParameters, "no invitee")
		return "", call
	case timeout < 0:
		c.fail(call, op, "", CodeInvalidParameters, "negative timeout")
		return "", call
	case timeout > maxTimeout:
		c.result(call, op, "", CodeInvalidParameters, "timeout over "+strconv.Itoa(maxTimeout)+" s")
		return "", call
	}
	id := c.newInviteID()
	info := &SignalingInfo{BusinessID: BusinessID, InviteID: id, GroupID: groupID, Inviter: c.cfg.User,
		InviteeList: list, Data: data, Timeout: timeout, ActionType: ActionInvite, OnlineUserOnly: onlineOnly}
	inv := c.add(info, true)
	inv.epoch = c.epochN
	if c.legacy() {
		c.legacyInvited(now, inv)
	}
	f := c.request(call, op, id)
	f.Info, f.info = *info, info
	if push != nil {
		f.HasPush, f.Push = true, *push
	} else if op == OpInvite {
		if c.pushTitle == "" {
			c.pushTitle = "call from " + c.cfg.User
		}
		f.HasPush, f.Push = true, OfflinePushInfo{Title: c.pushTitle}
	}
	return id, c.submit(now)
}

// Cancel withdraws an invitation from every invitee still pending.
func (c *Client) Cancel(now Time, inviteID, data string) APICall {
	return c.answer(now, OpCancel, inviteID, data)
}

// Accept accepts an invitation this user is a pending invitee of.
func (c *Client) Accept(now Time, inviteID, data string) APICall {
	return c.answer(now, OpAccept, inviteID, data)
}

// Reject rejects an invitation this user is a pending invitee of.
func (c *Client) Reject(now Time, inviteID, data string) APICall {
	return c.answer(now, OpReject, inviteID, data)
}

// Modify changes the data of a live invitation (not an online-only one).
func (c *Client) Modify(now Time, inviteID, data string) APICall {
	return c.answer(now, OpModify, inviteID, data)
}

var opAction = [...]ActionType{OpCancel: ActionCancel, OpAccept: ActionAccept, OpReject: ActionReject, OpModify: ActionModify, OpTimeout: ActionTimeout}

func (c *Client) answer(now Time, op Op, id, data string) APICall {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	if !c.checkCall(call, op, id, data) {
		return call
	}
	if id == "" {
		return c.fail(call, op, id, CodeInvalidParameters, "empty invite ID")
	}
	inv := c.lookup(id)
	if inv == nil {
		// Server mode needs the invitation too: it names the shard that decides.
		return c.fail(call, op, id, CodeInviteInvalid, "unknown invitation")
	}
	if c.legacy() {
		return c.legacyAnswer(now, call, op, id, inv, data)
	}
	f := c.request(call, op, id)
	f.Info = *inv.info
	f.Info.BusinessID, f.Info.ActionType, f.Info.Data = BusinessID, opAction[op], data
	f.Info.InviteeList = nil // the server knows who
	return c.submit(now)
}

// AddInvitedSignaling puts an invitation learned from an offline push into the
// local list, so the user can accept or reject it before the message itself
// arrives. 8012 if the invitation is already known.
func (c *Client) AddInvitedSignaling(now Time, info SignalingInfo) APICall {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	op := OpAddInvitedSignaling
	switch {
	case !c.loggedIn:
		return c.fail(call, op, info.InviteID, CodeNotLoggedIn, "")
	case info.InviteID == "" || info.Inviter == "" || len(info.InviteeList) == 0 || info.Timeout < 0:
		return c.fail(call, op, info.InviteID, CodeInvalidParameters, "incomplete signaling info")
	case info.ActionType != ActionInvite:
		return c.fail(call, op, info.InviteID, CodeInvalidParameters, "not an invitation (action %s)", info.ActionType)
	case c.lookup(info.InviteID) != nil:
		return c.fail(call, op, info.InviteID, CodeInviteExists, "")
	}
	inv := c.add(&info, true)
	switch {
	case c.legacy():
		c.legacyInviteeTimer(now, inv)
	case info.Timeout > 0:
		// If the invitation ends before this device syncs its invite, the shard will
		// not send it (it only sends what is live); forget it when it must be over.
		c.setTimer(TimerForget, inv, now.Add(TimeoutDuration(info.Timeout)+inviterGrace))
	}
	c.result(call, op, info.InviteID, OK, "")
	return call
}

// CreateGroup creates a group owned by this user with the given other members.
func (c *Client) CreateGroup(now Time, groupID string, members []string) APICall {
	return c.groupCall(now, OpCreateGroup, groupID, members)
}

// JoinGroup adds this user to a group.
func (c *Client) JoinGroup(now Time, groupID string) APICall {
	return c.groupCall(now, OpJoinGroup, groupID, nil)
}

// QuitGroup removes this user from a group.
func (c *Client) QuitGroup(now Time, groupID string) APICall {
	return c.groupCall(now, OpQuitGroup, groupID, nil)
}

// DismissGroup deletes a group this user owns.
func (c *Client) DismissGroup(now Time, groupID string) APICall {
	return c.groupCall(now, OpDismissGroup, groupID, nil)
}

// GetGroupMemberList asks for a group's members; they arrive in the Result.
func (c *Client) GetGroupMemberList(now Time, groupID string) APICall {
	return c.groupCall(now, OpGetGroupMembers, groupID, nil)
}

func (c *Client) groupCall(now Time, op Op, groupID string, members []string) APICall {
	c.cfg.Shared.drive(c)
	call := c.newCall()
	switch {
	case !c.loggedIn:
		return c.fail(call, op, "", CodeNotLoggedIn, "")
	case groupID == "":
		return c.fail(call, op, "", CodeInvalidParameters, "empty group ID")
	}
	f := c.request(call, op, "")
	f.GroupID, f.Members = groupID, members
	return c.submit(now)
}

// Receive handles a frame from the shard. Frames of an older session, duplicates
// and undecodable bytes are dropped.
func (c *Client) Receive(now Time, from Addr, b []byte) {
	c.cfg.Shared.drive(c)
	sc := c.sc
	sc.dec.in = &c.names
	if err := sc.dec.decode(b, &sc.in); err != nil {
		c.note("", "dropped frame: %v", err)
	} else {
		c.receive(now, &sc.in)
	}
	c.received(now)
}

// ReceiveFrame is Receive of a decoded frame (see Envelope), which it does
// not change nor keep.
func (c *Client) ReceiveFrame(now Time, from Addr, f *Frame) {
	c.cfg.Shared.drive(c)
	c.receive(now, f)
	c.received(now)
}

// received finishes a logout once every request made before it is answered.
func (c *Client) received(now Time) {
	if c.logoutCall != 0 && len(c.pending) == 0 && len(c.deferredAnswers) == 0 {
		c.finishLogout(now)
	}
}

func (c *Client) receive(now Time, f *Frame) {
	c.lastNow = now
	if f.Epoch != c.epoch && f.Epoch <= c.closed && f.Epoch>>32 == uint64(c.cfg.Incarnation) {
		// The shard still believes in a session this device logged out of (or
		// left before that): tell it again, and apply nothing of it.
		if f.Type == FrameLoginOK || f.Type == FramePush || f.HasMsg {
			c.out.hit(PathClosedSessionLoggedOut)
			c.logout(f.Epoch)
		}
		return
	}
	switch f.Type {
	case FrameLoginOK:
		if f.Epoch != c.epoch || c.sessionUp {
			return
		}
		c.sessionUp = true
		c.rtt.answered(timedLogin, now)
		if c.loginCall != 0 {
			c.loggedIn = true
			c.result(c.loginCall, OpLogin, "", OK, "")
			c.loginCall = 0
		}
		c.syncEnd = f.Seq
		for i := range c.deferredAnswers {
			// An answer of an earlier session waits for this one's sync; one
			// of this session that overtook the LOGIN-OK names its own push.
			if c.deferredAnswers[i].after == math.MaxUint64 {
				c.deferredAnswers[i].after = f.Seq
			}
		}
		c.applyAhead(now) // pushes of the sync that overtook the LOGIN-OK
		c.reportDeferred(now)
		if !c.legacy() {
			c.forgetOnlineOnly()
		}
		for i := range c.pending {
			c.send(&c.pending[i].f)
		}
	case FrameResponse:
		if f.HasMsg {
			c.push(now, f) // the shard's echo of this request rides on its response
		}
		c.response(now, f)
	case FramePush:
		if !c.sessionUp {
			// A push that overtook its session's LOGIN-OK: kept until the
			// app has heard that the login succeeded (see push).
			c.out.hit(PathPushBeforeLoginOK)
		}
		c.push(now, f)
	default:
		c.note("", "dropped unexpected %s frame", f.Type)
	}
}

// push takes a pushed message of the session (frame f): the next one is
// applied, with those that came before their turn and follow it; one ahead of
// its turn (or of the session's LOGIN-OK) is kept until then, a duplicate
// dropped. Either way the shard will hear how far this device got: acks are
// cumulative, so a gap is resent and nothing kept is lost.
func (c *Client) push(now Time, f *Frame) {
	if f.Epoch != c.epoch {
		return
	}
	switch {
	case f.Seq < c.pushNext: // a duplicate
	case f.Seq > c.pushNext || !c.sessionUp || c.parkedFor != 0:
		c.keepAhead(f) // early, or in turn behind a push that awaits an answer
	case c.applyInTurn(now, f):
		c.reportDeferred(now)
		c.applyAhead(now)
	}
	c.ackLater(now)
}

// applyInTurn applies push f, the one awaited, unless it must wait for its
// request's answer (echoUndecided): then it goes back to the buffer, still
// awaited, and applyInTurn reports false.
func (c *Client) applyInTurn(now Time, f *Frame) bool {
	c.pushNext++
	if c.message(now, f) {
		return true
	}
	c.pushNext--
	c.keepAhead(f)
	return false
}

// keepAhead keeps the push of frame f, which came before its turn, unless it is
// kept already or pushAheadMax are.
func (c *Client) keepAhead(f *Frame) {
	seq := f.Seq
	var l []aheadPush
	if c.ahead != nil {
		l = *c.ahead
	}
	i, found := slices.BinarySearchFunc(l, seq, func(a aheadPush, seq uint64) int { return cmp.Compare(a.seq, seq) })
	if found || len(l) >= pushAheadMax {
		return
	}
	if c.ahead == nil {
		c.ahead = new([]aheadPush)
	}
	*c.ahead = slices.Insert(l, i, aheadPush{seq: seq, f: *f})
}

// applyAhead applies the kept pushes whose turn has come, in order, each as if
// it had just arrived.
func (c *Client) applyAhead(now Time) {
	for c.ahead != nil && c.sessionUp && c.parkedFor == 0 {
		l := *c.ahead
		if l[0].seq > c.pushNext {
			return
		}
		a := l[0]
		if len(l) == 1 {
			c.ahead = nil
		} else {
			l[0] = aheadPush{}
			*c.ahead = l[1:]
		}
		if a.seq < c.pushNext {
			continue // applied meanwhile: a resent copy came in order
		}
		if !c.applyInTurn(now, &a.f) {
			return
		}
		c.out.hit(PathPushFromReorderBuffer)
		c.reportDeferred(now)
	}
}

// reportDeferred reports the deferred answers whose preceding pushes are all
// applied, in order.
func (c *Client) reportDeferred(now Time) {
	n := 0
	for n < len(c.deferredAnswers) && c.deferredAnswers[n].after < c.pushNext {
		n++
	}
	if n == 0 {
		return
	}
	done := c.deferredAnswers[:n]
	c.deferredAnswers = c.deferredAnswers[n:]
	for i := range done {
		c.report(now, &done[i])
		done[i] = reqAnswer{}
	}
	if len(c.deferredAnswers) == 0 {
		c.deferredAnswers = c.deferredAnswers[:0:0]
	}
}

// expireOnlineOnly bounds how long a server-mode device keeps an online-only
// invitation: its messages are never stored, so a lost session can take its end
// with it. Past its timeout (plus the inviter's grace) it is forgotten silently
// if the session it came on is no longer up (the next LOGIN-OK forgets it
// too); on that session still, its end is on its way.
func (c *Client) expireOnlineOnly(now Time, inv *localInv) {
	if inv.info.OnlineUserOnly && inv.info.Timeout > 0 {
		c.setTimer(TimerForget, inv, now.Add(TimeoutDuration(inv.info.Timeout)+inviterGrace))
	}
}

// forgetOnlineOnly drops online-only invitations that arrived on (or were sent
// before) an earlier session: their later messages are never delivered late, so
// nothing could end them here. One whose invite request is still unanswered stays:
// its echo will come on this session.
func (c *Client) forgetOnlineOnly() {
	for _, id := range c.sortedIDs() {
		inv := c.lookup(id)
		inviting := slices.ContainsFunc(c.pending, func(p pendingReq) bool { return p.inviteID == id && p.f.Info.ActionType == ActionInvite })
		// inv.epoch is the session's epochN: the incarnation, c.epoch's other half, is the device's own.
		if inv.info.OnlineUserOnly && inv.epoch != c.epochN && !inviting {
			c.out.hit(PathOnlineOnlyForgotten)
			c.forget(id, "forgot online-only invitation after reconnect")
		}
	}
}

func (c *Client) response(now Time, f *Frame) {
	if f.Op == OpLogin && f.Code == CodeNotLoggedIn {
		// The shard lost our session: log in again; pending requests follow.
		if f.Epoch == c.epoch && c.wantsSession() && c.connected {
			c.startSession(now)
		}
		return
	}
	i := slices.IndexFunc(c.pending, func(p pendingReq) bool { return p.f.ReqID == f.ReqID })
	if i < 0 {
		return // a duplicate answer
	}
	p := &c.pending[i]
	c.rtt.answered(f.ReqID, now)
	if f.ReqID == c.parkedFor {
		// The parked push was this request's echo if it succeeded, else an
		// earlier request's effect: apply it, and the pushes after it, now.
		c.out.hit(PathEchoAwaitedAnswer)
		c.parkedFor, c.echoVerdict = 0, -1
		if f.Code == OK {
			c.echoVerdict = 1
		}
		c.applyAhead(now)
		c.echoVerdict = 0
	}
	a := reqAnswer{call: p.call, op: p.f.Op, action: p.f.Info.ActionType, inviteID: p.inviteID, groupID: p.f.GroupID,
		data: p.f.Info.Data, after: f.Seq, code: f.Code, text: f.Text, members: f.Members}
	defer c.idleRTO(now)
	switch {
	case len(c.pending) == 1:
		c.pending[0] = pendingReq{}
		c.pending = c.pending[:0] // keep the array for the next request
	case i == 0:
		// Answers mostly come in request order: dropping the head costs no copy
		// (a device with hundreds of requests in flight would move them all).
		c.pending[0] = pendingReq{}
		c.pending = c.pending[1:]
	default:
		c.pending = slices.Delete(c.pending, i, i+1)
	}
	if a.call == 0 {
		return
	}
	if c.legacy() {
		c.report(now, &a) // the legacy SDK reports an answer as it comes
		return
	}
	if f.Epoch != c.epoch {
		// Answered on an older session: what it waited for comes in this one's sync.
		c.out.hit(PathAnswerOfOldSession)
		a.after = math.MaxUint64
		if c.sessionUp {
			a.after = c.syncEnd
		}
	}
	if a.after >= c.pushNext || len(c.deferredAnswers) > 0 {
		c.out.hit(PathAnswerWaitedForPush)
		c.deferredAnswers = append(c.deferredAnswers, a)
		c.reportDeferred(now)
		return
	}
	c.report(now, &a)
}

// idleRTO cancels the retransmit timer once every request is answered (the
// next request arms a fresh one), and restarts it after an answer otherwise.
func (c *Client) idleRTO(now Time) {
	if len(c.pending) == 0 && c.sessionUp && c.loginCall == 0 && c.rtoAt != 0 {
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerRetransmit, At: c.rtoAt, Cancel: true})
		c.rtoAt = 0
	} else if c.sessionUp {
		c.restartRTO(now)
	}
}

// report applies a request's answer and reports its result.
func (c *Client) report(now Time, a *reqAnswer) {
	if a.code == OK {
		if c.legacy() {
			c.legacyApplyOwn(a)
		} else if inv := c.lookup(a.inviteID); inv != nil && a.action == ActionInvite {
			if inv.mine && c.sessionUp {
				// Its echo came before this answer, or a new session's sync left
				// it out: it ended, or its group was left, before this device
				// saw it. Nothing more of it will come.
				c.forget(a.inviteID, "forgot own invitation that ended before its invite reached this device")
			} else {
				c.expireOnlineOnly(now, inv)
			}
		}
	} else if a.op == OpInvite || a.op == OpInviteInGroup {
		c.drop(a.inviteID)
	}
	c.out.Results = append(c.out.Results, Result{Call: a.call, Op: a.op, InviteID: a.inviteID, Code: a.code, Text: a.text,
		Members: a.members, After: int32(len(c.out.Callbacks))})
}

// message applies the message pushed by frame f.
// message applies the message frame f carries; false if it parked it (see
// echoUndecided): then it is not applied yet.
func (c *Client) message(now Time, f *Frame) bool {
	m, seq := f.body()
	if seq != 0 && seq <= c.cursor {
		return true
	}
	own := m.sender == c.cfg.User && m.device == c.cfg.Device
	if own && c.echoUndecided(m, f) {
		return false
	}
	if seq != 0 {
		c.cursor = seq
	}
	if m.other != nil && m.other.Elem == ElemGroupTip {
		if seq != 0 && seq <= c.heard {
			return true // heard before a logout: a membership change is news once
		}
		c.groupTip(m.other, own)
		return true
	}
	info := m.signal(&c.names)
	if info == nil {
		return true // text, or business data that is not signaling
	}
	if c.legacy() {
		c.legacySignal(now, m, info, own)
		return true
	}
	// A device's own operation it hears as a result. Its own is what this
	// incarnation asked and is still to be told: a message its name sent
	// that it did not ask (an earlier incarnation's, before a crash; or one
	// made before a logout, which it was told may still take effect) is news
	// to its app, like another device's.
	if own && c.echoVerdict != 0 {
		own = c.echoVerdict > 0
	} else {
		own = own && c.asked(info.InviteID, info.ActionType)
	}
	c.echoVerdict = 0
	c.serverSignal(m.sender, info, own)
	return true
}

// dropParked forgets a parked push when its session ends before the answer
// that would decide it: like every push of that session not applied, it was
// not acknowledged, and comes again with the next session's sync if it is
// stored (the cursor did not pass it); an online-only one is lost with its
// session, as any (docs/DESIGN.md §1.3). Applying it then would tell the app
// at the next session what belonged to the last.
func (c *Client) dropParked() { c.parkedFor, c.echoVerdict = 0, 0 }

// echoUndecided reports whether message m, which this device's name sent,
// must wait before it is applied: it looks like the echo of a request still
// awaiting its answer, but it may be the effect of an earlier request of the
// same kind (made before a logout, which was told it may still take effect,
// or by an earlier incarnation). Only the answer tells: if the request
// succeeded, m is its echo (no callback); if it failed, m is the earlier
// one's, news to the app. The push waits, and the pushes after it with it,
// so the app hears everything in the shard's order (see parkedFor).
func (c *Client) echoUndecided(m *msgBody, f *Frame) bool {
	if c.echoVerdict != 0 || c.legacy() || f.Type == FrameResponse || (m.other != nil && m.other.Elem == ElemGroupTip) {
		return false // decided, or riding on its own request's answer
	}
	info := m.signal(&c.names)
	if info == nil || info.ActionType == ActionInvite {
		return false
	}
	for i := range c.pending {
		if p := &c.pending[i]; p.inviteID == info.InviteID && p.f.Info.ActionType == info.ActionType {
			c.parkedFor = p.f.ReqID
			return true
		}
	}
	return false
}

// asked tells whether this incarnation has a request about invitation id
// with the given action still waiting for its answer or for its report: in
// server mode the shard's echo of a request reaches the device before the
// request's result is reported (the result waits for it).
func (c *Client) asked(id string, action ActionType) bool {
	for i := range c.pending {
		if c.pending[i].inviteID == id && c.pending[i].f.Info.ActionType == action {
			return true
		}
	}
	for i := range c.deferredAnswers {
		if a := &c.deferredAnswers[i]; a.inviteID == id && a.action == action {
			return a.code == OK // a failed request had no effect: the message is another's
		}
	}
	return false
}

func (c *Client) groupTip(m *Message, own bool) {
	kind := map[TipType]CallbackKind{TipMemberEnter: OnMemberEnter, TipMemberLeave: OnMemberLeave, TipGroupDismissed: OnGroupDismissed}[m.Tip]
	if kind == 0 {
		return
	}
	if !own {
		c.callback(Callback{Kind: kind, GroupID: m.GroupID, Invitees: m.TipMembers})
	}
	if m.Tip == TipGroupDismissed || (m.Tip == TipMemberLeave && slices.Contains(m.TipMembers, c.cfg.User)) {
		c.dropGroup(m.GroupID, m.Tip.String())
	}
}

// dropGroup forgets the invitations of a group this user is no longer in: no
// message of theirs will reach it any more. In server mode an invitation of
// its own that the shard has not confirmed yet stays: the shard decides it
// after this (for a group of the same ID made again, or refuses it).
func (c *Client) dropGroup(groupID, why string) {
	for _, id := range c.sortedIDs() {
		if inv := c.lookup(id); inv.info.GroupID == groupID && !(inv.mine && !c.legacy()) {
			c.note(id, "dropped invitation of group %s: %s", groupID, why)
			c.drop(id)
		}
	}
}

// serverSignal applies a server-mode message: the shard's word, in the shard's
// order. Nothing about an unknown invitation is reported (receive first) and a
// transition is reported once (a duplicate changes nothing, so it says nothing).
//
// info is the message's, shared and never changed: the device keeps it as the
// invitation's (localInv.info).
func (c *Client) serverSignal(sender string, info *SignalingInfo, own bool) {
	id := info.InviteID
	inv := c.lookup(id)
	if info.ActionType == ActionInvite {
		if inv != nil {
			// Our own invite, or one added from a push, confirmed. The same as
			// invited, it shares the shard's copy from now on.
			inv.mine = false
			if sameInvitation(inv.info, info) {
				inv.info = info
			}
			return
		}
		if c.wasForgotten(id) {
			c.note(id, "ignored invite of a forgotten invitation")
			return
		}
		// Unknown here even if this device's name sent it: an earlier incarnation
		// did, before a crash; this one learns it like any other.
		inv = c.add(info, false)
		if info.OnlineUserOnly {
			inv.epoch = c.epochN
			c.expireOnlineOnly(c.lastNow, inv)
		}
		c.callback(Callback{Kind: OnReceiveNewInvitation, InviteID: id, Inviter: info.Inviter, GroupID: info.GroupID,
			Invitees: info.InviteeList, Data: info.Data})
		return
	}
	if inv == nil {
		if info.ActionType == ActionDrop {
			return // this device dropped it on leaving the group, or never had it
		}
		c.out.hit(PathUnknownInvitationDropped)
		c.note(id, "dropped %s of an invitation never received", info.ActionType)
		return
	}
	if info.ActionType == ActionModify {
		c.setData(inv, info)
		if !own {
			c.callback(Callback{Kind: OnInvitationModified, InviteID: id, Data: info.Data})
		}
		return
	}
	changed := c.mark(inv, info.InviteeList, stateOf(info.ActionType))
	if len(changed) > 0 && info.ActionType != ActionDrop {
		// A drop has no callback of its own: the app heard the member leave.
		if !own {
			c.callback(closing(info, sender, changed))
		}
	}
	c.cleanup(id, inv)
}

// closing is the callback that reports an accept, reject, cancel or timeout.
func closing(info *SignalingInfo, sender string, who []string) Callback {
	cb := Callback{InviteID: info.InviteID, Data: info.Data}
	switch info.ActionType {
	case ActionAccept:
		cb.Kind, cb.Invitee = OnInviteeAccepted, sender
	case ActionReject:
		cb.Kind, cb.Invitee = OnInviteeRejected, sender
	case ActionCancel:
		cb.Kind, cb.Inviter, cb.Invitees = OnInvitationCancelled, info.Inviter, who
	case ActionTimeout:
		cb.Kind, cb.Invitees, cb.Data = OnInvitationTimeout, who, ""
	}
	return cb
}

// add puts an invitation into the list; its ID must not be there. info is
// the device's from now on, shared and never changed (see localInv).
func (c *Client) add(info *SignalingInfo, mine bool) *localInv {
	if c.invs == nil {
		c.invs = c.cfg.Shared.invList()
	}
	inv := c.invs.add(localInv{info: info, mine: mine})
	if n := len(info.InviteeList); n != 1 {
		// Behind a pointer: a slice header in every entry would make an entry of
		// a 1:1 invitation, the common case, half as large again.
		many := make([]InviteeState, n)
		inv.many = &many
	}
	return inv
}

// setData changes an invitation's data to that of info, a modify's (shared
// and never changed, as a message's is). The invitation is not changed in
// place, as others may share it, but replaced: by info itself when it is the
// same invitation with the new data, as a modify's message is, so that every
// device that got the message shares it.
func (c *Client) setData(inv *localInv, info *SignalingInfo) {
	if inv.info.Data == info.Data {
		return
	}
	s := *inv.info
	s.Data = info.Data
	if sameInvitation(&s, info) {
		inv.info = info
		return
	}
	inv.info = &s
}

// mark moves the named invitees that are still pending to st and returns them.
func (c *Client) mark(inv *localInv, who []string, st InviteeState) []string {
	var changed []string
	all := true // every one of who[:i] changed: changed is who[:i], not built yet
	list, states, next := inv.info.InviteeList, inv.states(), 0
	for i, u := range who {
		// who usually follows the invitee list's order (a timeout of 199 group
		// invitees): searching on from the last match keeps that linear.
		j := indexFrom(list, u, next)
		if j >= 0 {
			next = j + 1
		}
		if j >= 0 && states[j] == Pending {
			states[j] = st
			if !all {
				changed = append(changed, u)
			}
		} else if all {
			all = false
			changed = append(changed, who[:i]...)
		}
	}
	if all && len(who) > 0 {
		return who[:len(who):len(who)]
	}
	return changed
}

// indexFrom is slices.Index(l, s), searching from l[from] round to l[from-1].
func indexFrom(l []string, s string, from int) int {
	if from > len(l) {
		from = 0
	}
	if i := slices.Index(l[from:], s); i >= 0 {
		return from + i
	}
	return slices.Index(l[:from], s)
}

// cleanup forgets an invitation once every invitee is final.
func (c *Client) cleanup(id string, inv *localInv) {
	if !slices.Contains(inv.states(), Pending) {
		c.drop(id)
	}
}

// forget drops an invitation without an outcome and remembers its ID.
func (c *Client) forget(id, why string) {
	c.note(id, "%s", why)
	c.drop(id)
	if c.forgotten == nil {
		c.forgotten = new(forgetRing)
	}
	r := c.forgotten
	r.ids[r.pos] = id
	r.pos = (r.pos + 1) % forgetMemory
}

func (c *Client) wasForgotten(id string) bool {
	if c.forgotten == nil {
		return id == "" // as the ring's empty slots
	}
	return slices.Contains(c.forgotten.ids[:], id)
}

func (c *Client) drop(id string) {
	inv, ok := c.invs.remove(id)
	if !ok {
		return
	}
	if inv.ref != 0 {
		delete(c.byRef, inv.ref)
	}
	if sh := c.cfg.Shared; sh != nil && c.invs.len() == 0 {
		// The empty list goes back to the world's pool (its table's order never
		// shows, so a reused one changes nothing). byRef holds only IDs in invs.
		sh.putInvList(c.invs)
		c.invs = nil
		if c.byRef != nil {
			sh.refMaps = append(sh.refMaps, c.byRef)
			c.byRef = nil
		}
	}
}

func (c *Client) setTimer(k TimerKind, inv *localInv, at Time) {
	if inv.ref == 0 {
		c.nextRef++
		inv.ref = c.nextRef
		if c.byRef == nil {
			c.byRef = c.cfg.Shared.refMap()
		}
		c.byRef[inv.ref] = inv.info.InviteID
	}
	c.out.Timers = append(c.out.Timers, Timer{Kind: k, Ref: inv.ref, At: at})
}

// Fire handles a timer the device set earlier; stale timers are ignored.
func (c *Client) Fire(now Time, t Timer) {
	c.cfg.Shared.drive(c)
	switch t.Kind {
	case TimerRetransmit:
		if t.At != c.rtoAt {
			return
		}
		c.rtoAt = 0
		if !c.connected {
			return
		}
		if !c.sessionUp {
			if c.wantsSession() {
				c.rtt.timeout()
				c.sendLogin()
				c.armRTO(now)
			}
			return
		}
		if len(c.pending) > 0 {
			c.rtt.timeout()
		}
		for i := range c.pending {
			c.send(&c.pending[i].f)
		}
		if len(c.pending) > 0 {
			c.armRTO(now)
		}
	case TimerAck:
		if t.At != c.ackAt {
			return
		}
		c.ackAt = 0
		if c.ackDue {
			c.ackDue = false
			if c.connected {
				f := c.out.frame(c.cfg.Home)
				f.Type, f.Epoch, f.Seq = FrameAck, c.epoch, c.pushNext-1
			}
		}
	case TimerInviteeTimeout, TimerInviterTimeout:
		c.legacyTimer(now, t)
	case TimerForget:
		id, ok := c.byRef[t.Ref]
		switch {
		case !ok:
		case c.lookup(id).info.OnlineUserOnly:
			if c.sessionUp && c.lookup(id).epoch == c.epochN {
				// The session it came on is unbroken: the shard resends its
				// end until this device acks it (a partition only delays
				// it). A lost session is what takes the end with it.
				break
			}
			c.out.hit(PathOnlineOnlyForgotten)
			c.forget(id, "forgot online-only invitation past its time: its end may never arrive")
		case c.lookup(id).mine:
			c.out.hit(PathAddedInvitationForgotten)
			c.forget(id, "forgot added invitation whose invite never arrived")
		}
	}
}

func (c *Client) sortedIDs() []string { return c.invs.sortedIDs() }

// Invitations lists the device's own invitation list, by ID.
func (c *Client) Invitations() []InvitationView {
	ids := c.sortedIDs()
	views := make([]InvitationView, len(ids))
	for i, id := range ids {
		inv := c.lookup(id)
		views[i] = InvitationView{InviteID: id, Inviter: inv.info.Inviter, GroupID: inv.info.GroupID,
			Invitees: slices.Clone(inv.info.InviteeList), States: slices.Clone(inv.states()), Data: inv.info.Data,
			Timeout: inv.info.Timeout, OnlineOnly: inv.info.OnlineUserOnly}
	}
	return views
}
