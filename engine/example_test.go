package engine_test

import (
	"fmt"
	"strings"
	"time"

	"sigsim/engine"
)

// world is the smallest driver there is: one shard, zero latency, FIFO delivery,
// and a clock moved by hand. The simulator in package sim is the real one.
type world struct {
	now     engine.Time
	shard   *engine.Server
	devs    map[engine.Addr]*engine.Client
	names   map[engine.Addr]string
	queue   []envelope
	timers  []timer
	printed func(string)
}

type envelope struct {
	from, to engine.Addr
	b        []byte
}

type timer struct {
	at   engine.Time
	node engine.Addr
	t    engine.Timer
}

func newWorld(users ...string) (*world, map[string]*engine.Client) {
	w := &world{shard: engine.NewServer(engine.ServerConfig{}), devs: map[engine.Addr]*engine.Client{},
		names: map[engine.Addr]string{}, printed: func(s string) { fmt.Println(s) }}
	byName := map[string]*engine.Client{}
	for i, u := range users {
		a := engine.Addr(1 + i)
		c := engine.NewClient(engine.ClientConfig{User: u, Device: "1", Home: 0, IDPrefix: u + "-"})
		w.devs[a], w.names[a], byName[u] = c, u, c
		c.Login(0)
		w.collect(a)
	}
	w.settle()
	return w, byName
}

// collect takes a node's output: frames into the queue, timers aside, callbacks
// and results printed.
func (w *world) collect(a engine.Addr) {
	var out *engine.Output
	if a == 0 {
		out = w.shard.Ready()
	} else {
		out = w.devs[a].Ready()
	}
	for _, m := range out.Msgs {
		// A real transport: each frame encoded on the way out, decoded by Receive.
		w.queue = append(w.queue, envelope{a, m.To, engine.EncodeFrame(m.Frame)})
	}
	for _, t := range out.Timers {
		w.timers = append(w.timers, timer{t.At, a, t})
	}
	for _, cb := range out.Callbacks {
		w.printed(w.names[a] + ": " + cb.Describe())
	}
	for _, r := range out.Results {
		if r.Op != engine.OpLogin {
			w.printed(w.names[a] + ": " + r.Describe())
		}
	}
	if a == 0 {
		w.shard.Advance()
	} else {
		w.devs[a].Advance()
	}
}

// settle delivers every frame in flight.
func (w *world) settle() {
	for len(w.queue) > 0 {
		e := w.queue[0]
		w.queue = w.queue[1:]
		if e.to == 0 {
			w.shard.Receive(w.now, e.from, e.b)
		} else {
			w.devs[e.to].Receive(w.now, e.from, e.b)
		}
		w.collect(e.to)
	}
}

// after lets d nanoseconds pass, firing timers on the way.
func (w *world) after(d time.Duration) {
	w.now = w.now.Add(d)
	for {
		w.settle()
		next := -1
		for i, t := range w.timers {
			if t.at <= w.now && (next < 0 || t.at < w.timers[next].at) {
				next = i
			}
		}
		if next < 0 {
			return
		}
		t := w.timers[next]
		w.timers = append(w.timers[:next], w.timers[next+1:]...)
		if t.node == 0 {
			w.shard.Fire(w.now, t.t)
		} else {
			w.devs[t.node].Fire(w.now, t.t)
		}
		w.collect(t.node)
	}
}

func (w *world) do(c *engine.Client, f func()) {
	f()
	for a, d := range w.devs {
		if d == c {
			w.collect(a)
		}
	}
	w.settle()
}

// The 1v1 video call of the source document: the caller puts the TRTC roomID in
// the invitation's data; the callee rings, accepts and enters the room. A busy
// callee rejects with line_busy. When the call ends, the side that stays computes
// the duration and announces the hang-up with a second invitation.
func Example_videoCall() {
	w, u := newWorld("alice", "bob", "carol")
	var call string
	w.do(u["alice"], func() { call, _ = u["alice"].Invite(w.now, "bob", `{"roomID":4242}`, false, nil, 30) })
	w.after(3 * time.Second) // bob's phone rings for three seconds
	w.do(u["bob"], func() { u["bob"].Accept(w.now, call, "") })

	// carol calls bob while he is on the phone: busy line.
	var busy string
	w.do(u["carol"], func() { busy, _ = u["carol"].Invite(w.now, "bob", `{"roomID":777}`, false, nil, 30) })
	w.do(u["bob"], func() { u["bob"].Reject(w.now, busy, `{"reason":"line_busy"}`) })

	w.after(95 * time.Second) // they talk; bob hangs up and leaves the room
	w.do(u["alice"], func() { u["alice"].Invite(w.now, "bob", `{"cmd":"hangup","duration":95}`, false, nil, 0) })
	// Output:
	// bob: OnReceiveNewInvitation(alice-1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":4242}")
	// alice: invite alice-1 -> ok
	// alice: OnInviteeAccepted(alice-1, invitee=bob, data="")
	// bob: accept alice-1 -> ok
	// bob: OnReceiveNewInvitation(carol-1, inviter=carol, group=, invitees=[bob], data="{\"roomID\":777}")
	// carol: invite carol-1 -> ok
	// carol: OnInviteeRejected(carol-1, invitee=bob, data="{\"reason\":\"line_busy\"}")
	// bob: reject carol-1 -> ok
	// bob: OnReceiveNewInvitation(alice-2, inviter=alice, group=, invitees=[bob], data="{\"cmd\":\"hangup\",\"duration\":95}")
	// alice: invite alice-2 -> ok
}

// The classroom of the source document: the teacher invites the class to raise
// hands; students who want to speak accept, and every member sees every accept;
// the teacher then invites one of them to speak.
func Example_classroom() {
	w, u := newWorld("teacher", "amy", "ben", "cat")
	if err := w.shard.LoadGroup("class", "teacher", []string{"amy", "ben", "cat"}); err != nil {
		panic(err)
	}
	var show []string
	w.printed = func(s string) {
		// Print what the teacher and amy see; ben and cat see the same as amy.
		if strings.HasPrefix(s, "teacher:") || strings.HasPrefix(s, "amy:") {
			show = append(show, s)
		}
	}
	var hands string
	w.do(u["teacher"], func() {
		hands, _ = u["teacher"].InviteInGroup(w.now, "class", []string{"amy", "ben", "cat"}, "raise-hand", false, 60)
	})
	w.do(u["amy"], func() { u["amy"].Accept(w.now, hands, "raise-hand") })
	w.do(u["cat"], func() { u["cat"].Accept(w.now, hands, "raise-hand") })
	w.do(u["teacher"], func() { u["teacher"].InviteInGroup(w.now, "class", []string{"cat"}, "speak", false, 60) })
	w.after(61 * time.Second) // ben never raised his hand; cat never answered the speak invitation
	for _, s := range show {
		fmt.Println(s)
	}
	// Output:
	// amy: OnReceiveNewInvitation(teacher-1, inviter=teacher, group=class, invitees=[amy,ben,cat], data="raise-hand")
	// teacher: invite-group teacher-1 -> ok
	// teacher: OnInviteeAccepted(teacher-1, invitee=amy, data="raise-hand")
	// amy: accept teacher-1 -> ok
	// amy: OnInviteeAccepted(teacher-1, invitee=cat, data="raise-hand")
	// teacher: OnInviteeAccepted(teacher-1, invitee=cat, data="raise-hand")
	// amy: OnReceiveNewInvitation(teacher-2, inviter=teacher, group=class, invitees=[cat], data="speak")
	// teacher: invite-group teacher-2 -> ok
	// amy: OnInvitationTimeout(teacher-1, invitees=[ben])
	// teacher: OnInvitationTimeout(teacher-1, invitees=[ben])
	// amy: OnInvitationTimeout(teacher-2, invitees=[cat])
	// teacher: OnInvitationTimeout(teacher-2, invitees=[cat])
}
