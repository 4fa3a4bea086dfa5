package sim

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

// TestCheckerEdgeCases drives the checker directly, with forged calls, server
// decisions and callbacks, including ones no correct engine produces (answers
// from users never invited, a repeated invitee, an invitation heard of before it
// was made) and group lists long enough to be indexed, and pins every violation
// it reports and every outcome it records, texts included. The expected text
// was produced by the checker's first, map-based implementation, so that a
// change of its data structures cannot change what it finds; what it finds
// changed with the checks added since: the server's decision for a user it
// never invited, a modification it never made, a callback out of the shard's
// order, and membership that
// follows the shards' decisions only (a forged OnMemberEnter no longer makes
// erin a member, and is itself a change no shard made).
func TestCheckerEdgeCases(t *testing.T) {
	for _, mode := range []engine.Mode{engine.ModeServer, engine.ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			got := checkerEdgeCases(t, mode)
			want := checkerEdgeCasesWant[mode]
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func checkerEdgeCases(t *testing.T, mode engine.Mode) string {
	devices := []string{"alice/1", "alice/2", "bob/1", "carol/1", "dave/1", "eve/1", "erin/1", "wren/1"}
	var big []string
	for i := range 12 {
		m := "m" + strconv.Itoa(i)
		big = append(big, m)
		devices = append(devices, m+"/1")
	}
	w := newTestWorld(t, Options{Seed: 1, Mode: mode, KeepGoing: true}, devices...)
	c := w.check
	if err := w.LoadGroup("big", "alice", big); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadGroup("small", "alice", []string{"bob", "carol", "dave"}); err != nil {
		t.Fatal(err)
	}
	// A group only the server knows: the checker learns its members from it.
	if err := w.shards[engine.ShardOf("wide", len(w.shards))].srv.LoadGroup("wide", "carol", []string{"m0", "m1", "wren"}); err != nil {
		t.Fatal(err)
	}
	dev := w.Device
	tick := func() { w.now = w.now.Add(time.Second) }
	cb := func(d string, kind engine.CallbackKind, id string, who ...string) {
		x := &engine.Callback{Kind: kind, InviteID: id}
		switch kind {
		case engine.OnInviteeAccepted, engine.OnInviteeRejected:
			x.Invitee = who[0]
		default:
			x.Invitees = who
		}
		c.callback(dev(d), x)
	}
	decide := func(id, invitee string, st engine.InviteeState) {
		c.transition(0, &engine.Transition{InviteID: id, Invitee: invitee, State: st})
	}
	told := func(d string, op engine.Op, id string) {
		c.result(dev(d), &engine.Result{Op: op, InviteID: id, Code: engine.OK})
	}
	var out []string
	outcome := func(id, u string) {
		st, ok := w.Outcome(id, u)
		out = append(out, fmt.Sprintf("outcome %s %s = %s %v", id, u, st, ok))
	}

	// A 1:1 call, c1: repeats, strangers, contradictions.
	c.invited(dev("alice"), "c1", "", []string{"bob"}, 5, false)
	decide("c1", "", 0)
	tick()
	cb("bob", engine.OnReceiveNewInvitation, "c1")
	cb("bob", engine.OnReceiveNewInvitation, "c1")
	cb("eve", engine.OnReceiveNewInvitation, "c1")
	cb("carol", engine.OnInviteeAccepted, "c1", "bob")
	c.answered(dev("bob"), engine.OpAccept, "c1")
	decide("c1", "bob", engine.Accepted)
	told("bob", engine.OpAccept, "c1")
	tick()
	cb("alice", engine.OnInviteeAccepted, "c1", "bob")
	cb("alice", engine.OnInviteeAccepted, "c1", "bob")
	cb("alice", engine.OnInviteeRejected, "c1", "bob")
	cb("alice", engine.OnInvitationModified, "c1")
	cb("alice/2", engine.OnInviteeAccepted, "c1", "bob")
	told("bob", engine.OpReject, "c1")
	cb("alice", engine.OnInvitationTimeout, "c1", "bob")
	told("alice", engine.OpCancel, "c1")
	c.answered(dev("eve"), engine.OpAccept, "c1")
	cb("alice", engine.OnInviteeAccepted, "c1", "eve")
	cb("alice", engine.OnInviteeAccepted, "c1", "dave")
	decide("c1", "eve", engine.Accepted)
	told("eve", engine.OpAccept, "c1")
	told("dave", engine.OpReject, "c1")
	outcome("c1", "bob")
	outcome("c1", "eve")
	outcome("c1", "zed")
	outcome("nope", "bob")

	// An online-only call without a timeout, c2, that arrives late.
	c.invited(dev("carol"), "c2", "", []string{"dave"}, 0, true)
	told("carol", engine.OpInvite, "c2")
	c.transition(0, &engine.Transition{InviteID: "c2", Reached: true, Invitees: []string{"dave", "erin"}})
	decide("c2", "", 0)
	tick()
	c.online(dev("dave"))
	c.online(dev("erin"))
	tick()
	cb("dave", engine.OnReceiveNewInvitation, "c2")
	cb("erin", engine.OnReceiveNewInvitation, "c2")
	cb("dave", engine.OnInvitationTimeout, "c2", "dave")
	cb("carol", engine.OnInvitationCancelled, "c2", "dave")
	c.answered(dev("carol"), engine.OpCancel, "c2")
	decide("c2", "dave", engine.Cancelled)
	cb("dave", engine.OnInvitationCancelled, "c2", "dave")
	told("carol", engine.OpCancel, "c2")
	outcome("c2", "dave")

	// A group invitation with a long list and a repeated invitee, g1.
	g1 := append(append([]string(nil), big...), "m3")
	c.invited(dev("alice"), "g1", "big", g1, 10, false)
	decide("g1", "", 0)
	for _, m := range big {
		cb(m, engine.OnReceiveNewInvitation, "g1")
	}
	cb("eve", engine.OnReceiveNewInvitation, "g1")
	cb("erin", engine.OnReceiveNewInvitation, "g1")
	c.callback(dev("erin"), &engine.Callback{Kind: engine.OnMemberEnter, GroupID: "big", Invitees: []string{"erin", "m1"}})
	cb("erin", engine.OnReceiveNewInvitation, "g1")
	c.answered(dev("m0"), engine.OpAccept, "g1")
	c.answered(dev("m3"), engine.OpReject, "g1")
	decide("g1", "m0", engine.Accepted)
	decide("g1", "m3", engine.Rejected)
	told("m0", engine.OpAccept, "g1")
	told("m3", engine.OpReject, "g1")
	cb("m1", engine.OnInviteeAccepted, "g1", "m0")
	cb("m1", engine.OnInviteeRejected, "g1", "m3")
	cb("m1", engine.OnInviteeRejected, "g1", "m0")
	cb("m1", engine.OnInviteeAccepted, "g1", "m2")
	cb("m2", engine.OnInviteeRejected, "g1", "m0")
	tick()
	for _, m := range big[4:] {
		decide("g1", m, engine.TimedOut)
	}
	tick()
	tick()
	tick()
	tick()
	tick()
	tick()
	tick()
	tick()
	cb("m5", engine.OnInvitationTimeout, "g1", append(append([]string{"zed"}, big[1:]...), "m3")...)
	cb("m5", engine.OnInvitationModified, "g1")
	cb("m5", engine.OnInvitationCancelled, "g1", "m11")
	told("alice", engine.OpCancel, "g1")
	for _, m := range []string{"m0", "m2", "m3", "m4", "zed"} {
		outcome("g1", m)
	}

	// A short group list, every invitee final, then modified: g2; and a group
	// only the server knew, g3.
	c.invited(dev("alice"), "g2", "small", []string{"bob", "carol"}, 3, false)
	decide("g2", "", 0)
	cb("bob", engine.OnReceiveNewInvitation, "g2")
	cb("eve", engine.OnReceiveNewInvitation, "g2")
	c.answered(dev("alice"), engine.OpCancel, "g2")
	decide("g2", "carol", engine.Cancelled)
	told("alice", engine.OpCancel, "g2")
	cb("bob", engine.OnInvitationCancelled, "g2", "carol", "bob")
	cb("bob", engine.OnInvitationModified, "g2")
	cb("alice/2", engine.OnReceiveNewInvitation, "g2")
	c.invited(dev("carol"), "g3", "wide", []string{"m0", "wren", "m1"}, 0, false)
	for _, d := range []string{"m0", "wren", "m1", "wren", "bob", "m0", "alice"} {
		cb(d, engine.OnReceiveNewInvitation, "g3")
	}
	// A repeated invitee keeps the list from ever being all final.
	c.invited(dev("alice"), "g4", "small", []string{"bob", "carol", "bob"}, 0, false)
	cb("bob", engine.OnReceiveNewInvitation, "g4")
	c.answered(dev("alice"), engine.OpCancel, "g4")
	cb("bob", engine.OnInvitationCancelled, "g4", "bob", "carol")
	cb("bob", engine.OnInvitationModified, "g4")
	tick()

	// Heard of before it was made (c9), heard of and never made (c8); a
	// device that lost its state (bob) forgets what it learned.
	c.addedInvitation(dev("bob"), "c9")
	c.addedInvitation(dev("bob"), "c8")
	c.answered(dev("bob"), engine.OpAccept, "c8")
	decide("c8", "bob", engine.Accepted)
	cb("bob", engine.OnInviteeAccepted, "c8", "bob")
	outcome("c8", "bob")
	c.invited(dev("alice"), "c9", "", []string{"bob"}, 30, false)
	cb("bob", engine.OnReceiveNewInvitation, "c9")
	cb("bob", engine.OnInvitationCancelled, "c9", "bob")
	c.reset(dev("bob"))
	cb("bob", engine.OnInvitationCancelled, "c9", "bob")
	cb("bob", engine.OnReceiveNewInvitation, "c9")
	cb("bob", engine.OnInvitationCancelled, "c9", "bob")
	out = append(out, fmt.Sprintf("liveness deadline %d", w.LivenessDeadline(0)))

	for _, v := range w.Violations() {
		out = append(out, v.String())
	}
	return strings.Join(out, "\n")
}

var checkerEdgeCasesWant = map[engine.Mode]string{
	engine.ModeServer: `outcome c1 bob = accepted true
outcome c1 eve = accepted true
outcome c1 zed = pending false
outcome nope bob = pending false
outcome c2 dave = cancelled true
outcome g1 m0 = accepted true
outcome g1 m2 = pending false
outcome g1 m3 = rejected true
outcome g1 m4 = timed-out true
outcome g1 zed = pending false
outcome c8 bob = pending false
liveness deadline 54000000000
exactly-once violated at    1000.000ms (event 0) on bob/1: received invitation c1 again
scope violated at    1000.000ms (event 1) on eve/1: OnReceiveNewInvitation of one-to-one c1 reached eve, not a party
scope violated at    1000.000ms (event 2) on carol/1: OnInviteeAccepted of one-to-one c1 reached carol, not a party
receive-first violated at    1000.000ms (event 3) on carol/1: OnInviteeAccepted before invitation c1 arrived
exactly-once violated at    2000.000ms (event 4) on alice/1: c1 bob accepted reported twice
no-resurrection violated at    2000.000ms (event 5) on alice/1: c1 bob reported rejected after accepted
agreement violated at    2000.000ms (event 6) on alice/1: c1: bob learned rejected here, accepted first
validity violated at    2000.000ms (event 7) on alice/1: c1 modified, but the shard never modified it
no-resurrection violated at    2000.000ms (event 8) on alice/1: modified c1 after every invitee was final
receive-first violated at    2000.000ms (event 9) on alice/2: OnInviteeAccepted before invitation c1 arrived
no-resurrection violated at    2000.000ms (event 10) on bob/1: c1 bob reported rejected after accepted
agreement violated at    2000.000ms (event 11) on bob/1: c1: bob learned rejected here, accepted first
validity violated at    2000.000ms (event 12) on bob/1: reject of c1 told success but the server has accepted for bob
validity violated at    2000.000ms (event 13) on alice/1: c1 timed out at    2000.000ms, before its time    5000.000ms
no-resurrection violated at    2000.000ms (event 14) on alice/1: c1 bob reported timed-out after accepted
agreement violated at    2000.000ms (event 15) on alice/1: c1: bob learned timed-out here, accepted first
validity violated at    2000.000ms (event 16) on alice/1: cancel of c1 told success but the server cancelled nobody
validity violated at    2000.000ms (event 17) on alice/1: c1 accepted for eve, who was not invited
validity violated at    2000.000ms (event 18) on alice/1: c1 accepted but dave never answered
validity violated at    2000.000ms (event 19) on alice/1: c1 accepted for dave, who was not invited
validity violated at    2000.000ms (event 20) on -: the server decided c1 accepted for eve, who was not invited
validity violated at    2000.000ms (event 21) on eve/1: c1 accepted for eve, who was not invited
validity violated at    2000.000ms (event 22) on dave/1: reject of c1 told success but the server has pending for dave
validity violated at    2000.000ms (event 23) on carol/1: invite told success for c2, which the server never created
scope violated at    4000.000ms (event 24) on dave/1: online-only invitation c2 arrived late: it reached dave's shard at    2000.000ms, the device came online at    3000.000ms
scope violated at    4000.000ms (event 25) on erin/1: OnReceiveNewInvitation of one-to-one c2 reached erin, not a party
scope violated at    4000.000ms (event 26) on erin/1: online-only invitation c2 arrived late: it reached erin's shard at    2000.000ms, the device came online at    3000.000ms
validity violated at    4000.000ms (event 27) on dave/1: c2 timed out but its timeout is 0
agreement violated at    4000.000ms (event 28) on dave/1: c2: dave learned timed-out, which the server never decided
validity violated at    4000.000ms (event 29) on carol/1: c2 cancelled but the inviter never called cancel
agreement violated at    4000.000ms (event 30) on carol/1: c2: dave learned cancelled here, timed-out elsewhere
no-resurrection violated at    4000.000ms (event 31) on dave/1: c2 dave reported cancelled after timed-out
agreement violated at    4000.000ms (event 32) on dave/1: c2: dave learned cancelled here, timed-out first
scope violated at    4000.000ms (event 33) on eve/1: OnReceiveNewInvitation of group g1 reached eve, never a member
scope violated at    4000.000ms (event 34) on erin/1: OnReceiveNewInvitation of group g1 reached erin, never a member
validity violated at    4000.000ms (event 35) on erin/1: OnMemberEnter(big, members=[erin,m1]) reached erin, but the shard made no such change
scope violated at    4000.000ms (event 36) on erin/1: OnReceiveNewInvitation of group g1 reached erin, never a member
exactly-once violated at    4000.000ms (event 37) on erin/1: received invitation g1 again
order violated at    4000.000ms (event 38) on m1/1: OnInviteeRejected(g1, invitee=m0, data="") reached the app after a callback the shard decided later
no-resurrection violated at    4000.000ms (event 39) on m1/1: g1 m0 reported rejected after accepted
agreement violated at    4000.000ms (event 40) on m1/1: g1: m0 learned rejected here, accepted first
validity violated at    4000.000ms (event 41) on m1/1: g1 accepted but m2 never answered
agreement violated at    4000.000ms (event 42) on m1/1: g1: m2 learned accepted, which the server never decided
agreement violated at    4000.000ms (event 43) on m2/1: g1: m0 learned rejected here, accepted elsewhere
validity violated at   13000.000ms (event 44) on m5/1: g1 timed out at   13000.000ms, before its time   14000.000ms
validity violated at   13000.000ms (event 45) on m5/1: g1 timed-out for zed, who was not invited
agreement violated at   13000.000ms (event 46) on m5/1: g1: m1 learned timed-out, which the server never decided
agreement violated at   13000.000ms (event 47) on m5/1: g1: m2 learned timed-out here, accepted elsewhere
agreement violated at   13000.000ms (event 48) on m5/1: g1: m3 learned timed-out here, rejected elsewhere
exactly-once violated at   13000.000ms (event 49) on m5/1: g1 m3 timed-out reported twice
validity violated at   13000.000ms (event 50) on m5/1: g1 modified, but the shard never modified it
validity violated at   13000.000ms (event 51) on m5/1: g1 cancelled but the inviter never called cancel
no-resurrection violated at   13000.000ms (event 52) on m5/1: g1 m11 reported cancelled after timed-out
agreement violated at   13000.000ms (event 53) on m5/1: g1: m11 learned cancelled here, timed-out first
validity violated at   13000.000ms (event 54) on alice/1: cancel of g1 told success but the server cancelled nobody
scope violated at   13000.000ms (event 55) on eve/1: OnReceiveNewInvitation of group g2 reached eve, never a member
agreement violated at   13000.000ms (event 56) on bob/1: g2: bob learned cancelled, which the server never decided
validity violated at   13000.000ms (event 57) on bob/1: g2 modified, but the shard never modified it
no-resurrection violated at   13000.000ms (event 58) on bob/1: modified g2 after every invitee was final
exactly-once violated at   13000.000ms (event 59) on wren/1: received invitation g3 again
scope violated at   13000.000ms (event 60) on bob/1: OnReceiveNewInvitation of group g3 reached bob, never a member
exactly-once violated at   13000.000ms (event 61) on m0/1: received invitation g3 again
scope violated at   13000.000ms (event 62) on alice/1: OnReceiveNewInvitation of group g3 reached alice, never a member
agreement violated at   13000.000ms (event 63) on bob/1: g4: bob learned cancelled, which the server never decided
agreement violated at   13000.000ms (event 64) on bob/1: g4: carol learned cancelled, which the server never decided
validity violated at   14000.000ms (event 65) on bob/1: OnInviteeAccepted about c8, which nobody invited
exactly-once violated at   14000.000ms (event 66) on bob/1: received invitation c9 again
validity violated at   14000.000ms (event 67) on bob/1: c9 cancelled but the inviter never called cancel
agreement violated at   14000.000ms (event 68) on bob/1: c9: bob learned cancelled, which the server never decided
receive-first violated at   14000.000ms (event 69) on bob/1: OnInvitationCancelled before invitation c9 arrived
validity violated at   14000.000ms (event 70) on bob/1: c9 cancelled but the inviter never called cancel
agreement violated at   14000.000ms (event 71) on bob/1: c9: bob learned cancelled, which the server never decided`,
	engine.ModeClient: `outcome c1 bob = accepted true
outcome c1 eve = pending false
outcome c1 zed = pending false
outcome nope bob = pending false
outcome c2 dave = timed-out true
outcome g1 m0 = accepted true
outcome g1 m2 = accepted true
outcome g1 m3 = rejected true
outcome g1 m4 = timed-out true
outcome g1 zed = pending false
outcome c8 bob = pending false
liveness deadline 54000000000
exactly-once violated at    1000.000ms (event 0) on bob/1: received invitation c1 again
scope violated at    1000.000ms (event 1) on eve/1: OnReceiveNewInvitation of one-to-one c1 reached eve, not a party
scope violated at    1000.000ms (event 2) on carol/1: OnInviteeAccepted of one-to-one c1 reached carol, not a party
receive-first violated at    1000.000ms (event 3) on carol/1: OnInviteeAccepted before invitation c1 arrived
exactly-once violated at    2000.000ms (event 4) on alice/1: c1 bob accepted reported twice
no-resurrection violated at    2000.000ms (event 5) on alice/1: c1 bob reported rejected after accepted
agreement violated at    2000.000ms (event 6) on alice/1: c1: bob learned rejected here, accepted first
no-resurrection violated at    2000.000ms (event 7) on alice/1: modified c1 after every invitee was final
receive-first violated at    2000.000ms (event 8) on alice/2: OnInviteeAccepted before invitation c1 arrived
no-resurrection violated at    2000.000ms (event 9) on bob/1: c1 bob reported rejected after accepted
agreement violated at    2000.000ms (event 10) on bob/1: c1: bob learned rejected here, accepted first
validity violated at    2000.000ms (event 11) on alice/1: c1 timed out at    2000.000ms, before its time    5000.000ms
no-resurrection violated at    2000.000ms (event 12) on alice/1: c1 bob reported timed-out after accepted
agreement violated at    2000.000ms (event 13) on alice/1: c1: bob learned timed-out here, accepted first
validity violated at    2000.000ms (event 14) on alice/1: c1 accepted for eve, who was not invited
validity violated at    2000.000ms (event 15) on alice/1: c1 accepted but dave never answered
validity violated at    2000.000ms (event 16) on alice/1: c1 accepted for dave, who was not invited
validity violated at    2000.000ms (event 17) on -: the server decided c1 accepted for eve, who was not invited
validity violated at    2000.000ms (event 18) on eve/1: c1 accepted for eve, who was not invited
scope violated at    4000.000ms (event 19) on dave/1: online-only invitation c2 arrived late: it reached dave's shard at    2000.000ms, the device came online at    3000.000ms
scope violated at    4000.000ms (event 20) on erin/1: OnReceiveNewInvitation of one-to-one c2 reached erin, not a party
scope violated at    4000.000ms (event 21) on erin/1: online-only invitation c2 arrived late: it reached erin's shard at    2000.000ms, the device came online at    3000.000ms
validity violated at    4000.000ms (event 22) on dave/1: c2 timed out but its timeout is 0
validity violated at    4000.000ms (event 23) on carol/1: c2 cancelled but the inviter never called cancel
agreement violated at    4000.000ms (event 24) on carol/1: c2: dave learned cancelled here, timed-out elsewhere
no-resurrection violated at    4000.000ms (event 25) on dave/1: c2 dave reported cancelled after timed-out
agreement violated at    4000.000ms (event 26) on dave/1: c2: dave learned cancelled here, timed-out first
scope violated at    4000.000ms (event 27) on eve/1: OnReceiveNewInvitation of group g1 reached eve, never a member
scope violated at    4000.000ms (event 28) on erin/1: OnReceiveNewInvitation of group g1 reached erin, never a member
validity violated at    4000.000ms (event 29) on erin/1: OnMemberEnter(big, members=[erin,m1]) reached erin, but the shard made no such change
scope violated at    4000.000ms (event 30) on erin/1: OnReceiveNewInvitation of group g1 reached erin, never a member
exactly-once violated at    4000.000ms (event 31) on erin/1: received invitation g1 again
no-resurrection violated at    4000.000ms (event 32) on m1/1: g1 m0 reported rejected after accepted
agreement violated at    4000.000ms (event 33) on m1/1: g1: m0 learned rejected here, accepted first
validity violated at    4000.000ms (event 34) on m1/1: g1 accepted but m2 never answered
agreement violated at    4000.000ms (event 35) on m2/1: g1: m0 learned rejected here, accepted elsewhere
validity violated at   13000.000ms (event 36) on m5/1: g1 timed out at   13000.000ms, before its time   14000.000ms
validity violated at   13000.000ms (event 37) on m5/1: g1 timed-out for zed, who was not invited
agreement violated at   13000.000ms (event 38) on m5/1: g1: m2 learned timed-out here, accepted elsewhere
agreement violated at   13000.000ms (event 39) on m5/1: g1: m3 learned timed-out here, rejected elsewhere
exactly-once violated at   13000.000ms (event 40) on m5/1: g1 m3 timed-out reported twice
validity violated at   13000.000ms (event 41) on m5/1: g1 cancelled but the inviter never called cancel
no-resurrection violated at   13000.000ms (event 42) on m5/1: g1 m11 reported cancelled after timed-out
agreement violated at   13000.000ms (event 43) on m5/1: g1: m11 learned cancelled here, timed-out first
scope violated at   13000.000ms (event 44) on eve/1: OnReceiveNewInvitation of group g2 reached eve, never a member
no-resurrection violated at   13000.000ms (event 45) on bob/1: modified g2 after every invitee was final
exactly-once violated at   13000.000ms (event 46) on wren/1: received invitation g3 again
scope violated at   13000.000ms (event 47) on bob/1: OnReceiveNewInvitation of group g3 reached bob, never a member
exactly-once violated at   13000.000ms (event 48) on m0/1: received invitation g3 again
scope violated at   13000.000ms (event 49) on alice/1: OnReceiveNewInvitation of group g3 reached alice, never a member
validity violated at   14000.000ms (event 50) on bob/1: OnInviteeAccepted about c8, which nobody invited
exactly-once violated at   14000.000ms (event 51) on bob/1: received invitation c9 again
validity violated at   14000.000ms (event 52) on bob/1: c9 cancelled but the inviter never called cancel
receive-first violated at   14000.000ms (event 53) on bob/1: OnInvitationCancelled before invitation c9 arrived
validity violated at   14000.000ms (event 54) on bob/1: c9 cancelled but the inviter never called cancel`,
}
