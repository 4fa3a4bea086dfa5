// Package room is a stand-in for the TRTC room service that the source
// document's 1v1 video call runs beside the signaling: rooms keyed by roomID on
// room nodes, which devices enter and exit, and the callbacks TRTC reports —
// OnEnterRoom, OnExitRoom, OnRemoteUserEnterRoom, OnRemoteUserLeaveRoom,
// OnUserVideoAvailable. It is not TRTC (no media, no roles, no quality): it is
// what a call's correctness depends on — who is in which room, and when each
// member learns it.
//
// Like package engine, it is pure deterministic state machines, driven and
// never driving: a Node is one room server, a Client the room SDK on one
// device. Inputs are Receive(now, from, bytes), Fire(now, timer), the
// Client's API calls, Disconnected and (for a Node) Crash; outputs are read
// with Ready and released with Advance: frames to send (msgpack bytes), timers
// to set, a device's callbacks (Events) and a node's membership decisions
// (Changes). No goroutines, no clock, no randomness, no map-order dependence.
//
// # Rooms
//
// Room r lives on node NodeOf(r, n), a hash of its ID. A room exists while it
// has members; it has at most one member per user (the same user entering from
// a second session takes the place of the first, which is told it was kicked).
// A newcomer learns who is there (OnRemoteUserEnterRoom for each member, then
// OnUserVideoAvailable for those whose camera is on), right after its
// OnEnterRoom; the others learn of it. Exit, a lost session or a kick make the
// others hear OnRemoteUserLeaveRoom with the reason.
//
// # Sessions and delivery
//
// A device opens a session with a node at its first request there (epoch =
// its incarnation and a counter). Within a session, requests are numbered and
// applied strictly in order, exactly once, whatever the network loses,
// duplicates or reorders: the device resends every unanswered request each RTO,
// the node applies only the next one it expects. The node's answers — the
// response to each request, then what it changed, and what other members'
// requests changed — are items of one sequenced stream that the device applies
// strictly in order and acknowledges cumulatively (lazily, or riding on a
// request), and that the node resends until acknowledged. So a device hears of
// its own entry before anything about the room, and of everything in the
// node's order.
//
// # Failures
//
// Everything on a node is volatile. When a node crashes its rooms are gone and
// the driver resets the connections of the devices that had sessions there:
// each device learns that its rooms on that node are lost (OnExitRoom with
// ReasonLost; OnEnterRoom with CodeLost for an entry not yet answered). When a
// device crashes or loses its network, the driver tells the nodes
// (Disconnected): its memberships end and the other members hear
// OnRemoteUserLeaveRoom with ReasonLost. A session the node no longer has
// (say, a request of a session from before a restart that the driver did not
// reset) is answered with a Reset frame, with the same effect on the device.
// Nothing re-enters by itself: re-entering is the app's decision.
//
// A partition loses nothing: requests and items are resent until it heals.
//
// # Text
//
// Frames (Frame.Describe, DescribeWire), events (Event.Describe) and changes
// (Change.Describe) have one canonical text form each, which traces use.
package room
