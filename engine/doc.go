// Package engine is the call-invitation signaling engine: the semantics of Tencent
// Cloud IM's signaling interface (V2TIMSignalingManager) — one-to-one and group
// invitations, cancel, accept, reject, timeout, modify, and the listener callbacks —
// over an IM message layer, as pure deterministic state machines.
//
// # Nodes
//
// There are two kinds of node: a Server is one server shard, a Client is the SDK on
// one device. Neither ever acts by itself. The driver (the simulator, a test, or one
// day a real socket loop) feeds them inputs and carries out their outputs, like
// etcd's raft RawNode:
//
//	inputs                               outputs (node.Ready(), then node.Advance())
//	ReceiveFrame(now, from, frame)       Msgs:      frames to send, decoded
//	Receive(now, from, bytes)
//	Fire(now, timer)                     Timers:    call Fire(timer) at local time At
//	Client API calls (Invite, Accept…)   Callbacks: listener callbacks fired
//	Connected/Disconnected, Crash        Results:   API success/error callbacks
//	                                     Pushes:    offline push notifications
//	                                     Notes:     silent decisions worth tracing
//	                                     Transitions: a shard's decisions
//
// Frames are values (Frame), as raft's messages are: a real transport encodes
// each one it sends (EncodeFrame: msgpack, the wire format) and hands the
// bytes it receives to Receive; a simulator may carry them decoded to
// ReceiveFrame, charging the network for their encoded size. A frame sent is
// never changed by anyone, nor what it refers to (lists, the message it
// carries, which a shard stores and shares with every frame that pushes it);
// WireCheck proves, frame by frame, that its bytes decode to the frame itself.
//
// Devices driven by one goroutine may share a SharedClientState (names,
// buffers, one Output); its contract — consume one device's output, Ready
// then Advance, before driving another — is checked.
//
// Callbacks and Results are one stream to the app: Result.After places each
// result among the callbacks of the same output (Output.EachReport), so a
// result released by a push is heard after that push's callback.
//
// Time (a Time: nanoseconds since the start of the run) is the node's own local
// clock, passed in by the driver, so a driver can give each node an offset or
// drift; durations are time.Duration. There are no goroutines, no wall
// clock, no global randomness and no output that depends on map order; IDs come
// from counters seeded by the caller's configuration (ClientConfig.IDPrefix,
// Incarnation). The same inputs give the same outputs, byte for byte.
//
// Addresses: shard k is Addr(k); devices use the addresses above the shards. A user
// and its timeline live on shard ShardOf(user); a group, and its invitations, on
// ShardOf(group); a one-to-one invitation on its inviter's shard.
//
// # The message layer
//
// Every signaling operation is an IM custom message (businessID 1) whose data is
// the msgpack-encoded SignalingInfo. Messages that are not online-only are stored in
// each recipient's timeline with a sequence number (Message.Seq); a device keeps the
// highest one it processed and syncs from there when it logs in or reconnects.
// Within a session every push carries a session sequence number, is acknowledged,
// and is resent until acknowledged; the device applies pushes strictly in order,
// keeping up to 64 that arrive before their turn (and any that overtake the
// session's LOGIN-OK) until the gap before them fills, so loss, duplication and
// reordering below it change nothing above it, and reordering within that bound
// needs no resend. Acks are cumulative and lazy: one rides on the device's next
// request, or goes alone after ClientConfig.AckDelay, covering every push
// received by then. Requests carry
// a request ID and the device's lowest request still unanswered (Frame.Low); the
// shard keeps each result until the device is past it, so a retransmitted request
// is answered again and never applied twice, however late it comes, and a late
// copy of an answered one is dropped. A response names the last push the
// shard sent the session before it, and the device reports the result only after
// applying that push, so an app never hears of an invitation out of the shard's
// order (a result is not overtaken by an older message that was lost and resent).
// In server mode the echo of a request to its own device rides on the response.
// A device's own is what this incarnation asked and has not been told the
// result of: a message its name sent otherwise (an earlier incarnation's
// answer, applied after a crash and a new login; or one made before a logout)
// it reports as a callback, as another device would. A message names its
// device, not the incarnation: two answers of one action from two lives of a
// device both pending cannot be told apart, and the second is refused (8010)
// while the first is taken for its echo.
// Online-only messages are pushed to the sessions open at that moment and never
// stored.
//
// A session starts with LOGIN and LOGIN-OK (which the device reports before
// anything of the session: a push that overtakes it waits for it) and
// ends with LOGOUT, sent whether the session is up or still being opened; the
// device then ignores the session's frames and answers a LOGIN-OK or push of it
// with another LOGOUT, and the shard drops a login its device already logged
// out of. A login's sync sends nothing of an invitation that ended before, nor
// of one of a group the user left after it.
//
// A member who leaves a group (or a dismissal) drops the pending invitees that
// no longer belong in its live invitations (Dropped, announced by an ActionDrop
// message after the tip; see groups.go).
//
// # The shard bus
//
// Shards talk to each other (Forward, Reply, Deliver) with the same guarantees,
// over a network that loses, duplicates and reorders as any other: each frame to
// a peer carries a sequence number (Frame.BusSeq) and stays in the sender's
// outbox until the peer acknowledges it; acks are cumulative (Frame.BusAck) and
// ride on the frames going back, or go alone (BusAck) after a short delay; what
// is not acked is resent after each RTO. Every resend (requests, logins, pushes,
// the bus) waits an RTO that adapts to the round trips and backs off (rto.go,
// RFC 6298). The receiver applies each peer's frames
// exactly once, in the order sent, keeping a bounded number that arrive early.
// Unlike a session the bus is durable: outboxes, sequence numbers and what was
// applied survive Crash, so a decision taken during a partition between shards,
// or while one of them is down, reaches the others once they can talk again.
//
// # Arbitration modes
//
// ModeServer (the zero value) is the correct engine: the owning shard serializes
// every transition of an invitation, runs its timeout, and echoes each operation
// to the sending device too, so every device applies the same transitions in the
// same order. ModeClient reproduces the legacy SDKs, so that field bugs can be
// replayed: the server only relays and stores, every device checks its own list,
// the invitee times out by its own timer from arrival and the inviter at timeout +
// 5 s from sending, each announcing it with an actionType-5 message, and a receiver
// drops an invite older than its timeout by its own clock.
//
// Callbacks go to every device that receives a message except the device that sent
// it (which gets its API result instead): for a group invitation that is every
// member of the group, for a one-to-one invitation both users' devices.
//
// # Same-instant rule
//
// In server mode a deadline is inclusive: an invitation with timeout T created
// at local time c is live during [c, c+T) and timed out from c+T on. At any
// instant the shard first times out every invitation whose deadline has come,
// then handles whatever frame arrived at that instant; so an accept, reject or
// cancel that reaches the owning shard at the exact instant of the deadline
// finds the invitation timed out and gets 8010 ("timed out at this instant"),
// as it would a nanosecond later. The driver may deliver the deadline's timer
// and a frame of the same instant in either order, and another invitation's
// timeout may have re-armed the timer just before: Receive applies the rule
// before anything else (expireDue), and a timer that comes afterwards finds
// its work done. Why this way round: the SDK's timeout is the invitation's
// lifetime (invitees "that have not answered in time" time out), and both
// parties hear of the timeout at c+T, so c+T is the first instant that is not
// in time; and a rule that let the answer win would have to look ahead at
// every frame of the instant before deciding a timeout, which no real server
// can do. Times are the shard's local ones (the now passed to Receive and
// Fire), so a skewed or drifting shard clock moves the instant in global time,
// not the rule. Client mode keeps the legacy SDKs' behaviour: each device
// times out by its own timers, and the relay decides nothing.
//
// # Errors
//
// Codes are those of the SDK where it has one (6014, 6017, 8010, 8011, 8012, 10007,
// 10010…); see the Code constants for the ones this package chose itself (8013
// modify of an online-only invitation, 8014 data over MaxDataLen).
//
// # Text
//
// Every frame, message, callback and result has one canonical text form
// (Frame.Describe, Message.Describe, Callback.Describe, Result.Describe), which
// traces and golden files use.
package engine
