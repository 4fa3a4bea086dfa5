package apps_test

import (
	"fmt"
	"strings"
	"time"

	"sigsim/apps"
	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// The 1v1 video call of the source document, end to end: alice calls bob,
// who accepts after two seconds and enters the room; they talk for a minute;
// alice hangs up, and bob, seeing her leave, announces the end with its
// duration.
func Example() {
	w, _ := sim.New(sim.Options{Seed: 1, Record: true, Link: sim.LinkOptions{Latency: sim.Const(40 * time.Millisecond)}})
	alice, _ := w.AddDevice("alice", "1")
	bob, _ := w.AddDevice("bob", "1")
	w.Login(alice)
	w.Login(bob)
	o := apps.DefaultCallOptions()
	o.Accept, o.Reject, o.Busy, o.Cancel = 1, 0, 0, 0
	o.RingTime = sim.Const(2 * time.Second)
	o.TalkTime = sim.Const(time.Minute)
	o.CallerHangsUp = 1
	calls, _ := apps.NewCalls(apps.NewHost(w), o)
	calls.Attach(alice, bob)
	w.At(engine.Time(time.Second), func() { calls.Dial("alice", "bob") })
	w.RunQuiet(engine.Time(10 * time.Minute))
	for _, e := range w.Trace() {
		switch {
		case e.At < int64(time.Second):
		case e.Kind == trace.Call || e.Kind == trace.Callback && !strings.Contains(e.Text, "Video"):
			fmt.Println(e)
		}
	}
	fmt.Printf("connected %d, announced %d, violations %d\n", calls.Stats.Connected, calls.Stats.Announced, len(w.Violations()))
	// Output:
	//    1000.000ms call     alice/1  enter-room alice.1
	//    1000.000ms call     alice/1  invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
	//    1080.000ms callback alice/1  OnEnterRoom(alice.1, ok)
	//    1080.000ms call     alice/1  video alice.1 on
	//    1080.000ms callback bob/1  OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
	//    3080.000ms call     bob/1  enter-room alice.1
	//    3080.000ms call     bob/1  accept alice/1.0-1
	//    3160.000ms callback bob/1  OnEnterRoom(alice.1, ok)
	//    3160.000ms call     bob/1  video alice.1 on
	//    3160.000ms callback bob/1  OnRemoteUserEnterRoom(alice.1, user=alice)
	//    3160.000ms callback alice/1  OnRemoteUserEnterRoom(alice.1, user=bob)
	//    3160.000ms callback alice/1  OnInviteeAccepted(alice/1.0-1, invitee=bob, data="")
	//   63160.000ms call     alice/1  exit-room alice.1
	//   63240.000ms callback alice/1  OnExitRoom(alice.1, reason=exit)
	//   63240.000ms callback bob/1  OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
	//   63240.000ms call     bob/1  invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}"
	//   63240.000ms call     bob/1  exit-room alice.1
	//   63320.000ms callback alice/1  OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}")
	//   63320.000ms call     alice/1  accept bob/1.0-1
	//   63320.000ms callback bob/1  OnExitRoom(alice.1, reason=exit)
	//   63400.000ms callback bob/1  OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
	// connected 1, announced 1, violations 0
}
