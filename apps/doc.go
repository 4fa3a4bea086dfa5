// Package apps holds the reference apps of the source document, which run on
// a simulated world's devices on top of the signaling engine and the room
// service (package room, wired into the world by package sim): the 1v1 video
// call (Calls) and the classroom's raise-hand flow (Classroom), each with the
// invariants that say what a correct run of it is (CallChecker,
// ClassChecker).
//
// An app is a state machine per device. It reacts to the device's signaling
// callbacks and results and to its room callbacks — a Host takes them from
// the world's hooks (sim.Hooks, sim.RoomHooks), keeping any set before, and
// hands each to the app on that device — and acts through the world's API
// (Invite, Answer, EnterRoom, ...). Its decisions (answer or not, when, how
// long to talk) come from options and its own random streams, derived from
// the world's seed and a name ("app/call/<user>", "app/call/talk/<roomID>",
// "app/class/<user>"), so a run replays bit for bit; everything it schedules
// is an event of the world, and a device's crash ends its app's state (the
// world's DeviceDown hook), as it would a phone's. A logout (the device's
// logout result) ends the calls of a call app: a phone that can no longer
// signal hangs up the calls that were on and gives up the others, leaving
// their rooms (see Calls); a classroom member needs nothing, as the next
// login's sync brings back the round still open.
//
// Typical use, for a scenario runner or a workload:
//
//	h := apps.NewHost(w)                       // after setting hooks of one's own
//	calls, _ := apps.NewCalls(h, apps.DefaultCallOptions())
//	calls.Attach(alice, bob)                    // one device per user
//	calls.Observe = func(name string, at, v int64) { ... }   // ring, setup, accept, ..., duration_error
//	w.At(t, func() { calls.Dial("alice", "bob") })
//	... run ...
//	calls.Stats                                 // Dialed, Connected, BusyRejects, Ghosts, Disagreements, ...
//
// The apps write their decisions into the world's trace as notes in a
// canonical text (World.AppNote: "call ID: will accept after 2s", "call ID:
// on", "call ID: over, talked (hung up)", "class g round 1: hands [s2 s3]"),
// so that a scenario's run shows them among the calls and callbacks. The
// workloads of package workload run on these apps (its calls, race and
// classroom), and so do the scenarios (users ... app=call, group ...
// app=classroom).
//
// With CallOptions.Manual the phones decide nothing themselves and a script
// moves them (Dial, Answer, Cancel, HangUp) while they still follow the flow
// (busy answers, rooms, announcements).
//
// The invariants are checked as the run goes. Their violations are the
// world's, like its own (sim.World.Report): they appear in Violations and
// the trace, and stop the run unless KeepGoing. Server mode never breaks
// them, under any fault (the sweeps in this package's tests); client (legacy)
// mode's crossings break them, as in the field.
package apps
