package sim_test

import (
	"fmt"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// A world of two users: alice invites bob over 40 ms links, bob accepts when it
// rings. The trace lists every event; acknowledgements are left out here.
func Example() {
	w, _ := sim.New(sim.Options{Seed: 1, Record: true, Link: sim.LinkOptions{Latency: sim.Const(40 * time.Millisecond)}})
	alice, _ := w.AddDevice("alice", "1")
	bob, _ := w.AddDevice("bob", "1")
	w.Login(alice)
	w.Login(bob)
	w.Hooks.Callback = func(at engine.Time, d *sim.Device, cb *engine.Callback) {
		if d == bob && cb.Kind == engine.OnReceiveNewInvitation {
			w.Answer(bob, engine.OpAccept, cb.InviteID, "")
		}
	}
	w.At(engine.Time(100*time.Millisecond), func() { w.Invite(alice, "bob", "room=1", false, nil, 30) })
	w.RunUntil(engine.Time(time.Second))
	for _, e := range w.Trace() {
		if !strings.Contains(e.Text, "ACK") && e.Kind.String() != "timer" && e.At >= int64(100*time.Millisecond) {
			fmt.Println(e)
		}
	}
	// Output:
	// 100.000ms call     alice/1  invite bob timeout=30s data="room=1"
	//     100.000ms send     alice/1 -> s0  REQ #1 invite invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1" push="call from alice"
	//     140.000ms deliver  s0 <- alice/1  REQ #1 invite invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1" push="call from alice"
	//     140.000ms note     s0  decided created alice/1.0-1 inviter=alice invitees=[bob] timeout=30s
	//     140.000ms send     s0 -> bob/1  PUSH s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1"
	//     140.000ms send     s0 -> alice/1  RESP #1 ok + s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1"
	//     180.000ms deliver  bob/1 <- s0  PUSH s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1"
	//     180.000ms callback bob/1  OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data="room=1")
	//     180.000ms call     bob/1  accept alice/1.0-1
	//     180.000ms send     bob/1 -> s0  REQ #1 accept accept alice/1.0-1 inviter=alice invitees=[] timeout=30s ack=1
	//     180.000ms deliver  alice/1 <- s0  RESP #1 ok + s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s data="room=1"
	//     180.000ms result   alice/1  invite alice/1.0-1 -> ok
	//     220.000ms deliver  s0 <- bob/1  REQ #1 accept accept alice/1.0-1 inviter=alice invitees=[] timeout=30s ack=1
	//     220.000ms note     s0  decided alice/1.0-1 bob accepted
	//     220.000ms send     s0 -> alice/1  PUSH s=2 seq=2 from=bob/1 to=alice accept alice/1.0-1 inviter=alice invitees=[bob] timeout=30s
	//     220.000ms send     s0 -> bob/1  RESP #1 ok + s=2 seq=2 from=bob/1 to=alice accept alice/1.0-1 inviter=alice invitees=[bob] timeout=30s
	//     260.000ms deliver  alice/1 <- s0  PUSH s=2 seq=2 from=bob/1 to=alice accept alice/1.0-1 inviter=alice invitees=[bob] timeout=30s
	//     260.000ms callback alice/1  OnInviteeAccepted(alice/1.0-1, invitee=bob, data="")
	//     260.000ms deliver  bob/1 <- s0  RESP #1 ok + s=2 seq=2 from=bob/1 to=alice accept alice/1.0-1 inviter=alice invitees=[bob] timeout=30s
	//     260.000ms result   bob/1  accept alice/1.0-1 -> ok
}
