package engine

import (
	"runtime"
	"slices"
	"strconv"
	"testing"
)

// pipe is the leanest possible driver: one shard, FIFO, zero latency, no timers
// fired, nothing formatted. It measures the engine alone: frames travel decoded,
// as in the simulator, or as bytes (wire: encoded and decoded on every hop).
type pipe struct {
	s      *Server
	devs   []*Client
	queue  []pipeMsg
	frames [][]byte // every frame delivered, in order, when record is set
	record bool
	wire   bool
	pool   FramePool // the frames the nodes send, back once delivered
}

type pipeMsg struct {
	from, to Addr
	f        *Frame
	b        []byte
}

func newPipe(mode Mode, users ...string) *pipe {
	p := &pipe{}
	p.s = NewServer(ServerConfig{Mode: mode, Frames: &p.pool})
	for i, u := range users {
		c := NewClient(ClientConfig{User: u, Device: "1", Home: 0, Mode: mode, Frames: &p.pool})
		p.devs = append(p.devs, c)
		c.Login(0)
		p.take(Addr(1 + i))
	}
	p.run()
	return p
}

func (p *pipe) take(a Addr) {
	var out *Output
	if a == 0 {
		out = p.s.Ready()
	} else {
		out = p.devs[a-1].Ready()
	}
	for _, m := range out.Msgs {
		pm := pipeMsg{from: a, to: m.To, f: m.Frame}
		if p.wire || p.record {
			pm.b = EncodeFrame(m.Frame)
		}
		p.queue = append(p.queue, pm)
	}
	if a == 0 {
		p.s.Advance()
	} else {
		p.devs[a-1].Advance()
	}
}

func (p *pipe) run() {
	for i := 0; i < len(p.queue); i++ {
		m := &p.queue[i]
		if p.record {
			p.frames = append(p.frames, slices.Clone(m.b))
		}
		switch {
		case m.to == 0 && p.wire:
			p.s.Receive(0, m.from, m.b)
		case m.to == 0:
			p.s.ReceiveFrame(0, m.from, m.f)
		case p.wire:
			p.devs[m.to-1].Receive(0, m.from, m.b)
		default:
			p.devs[m.to-1].ReceiveFrame(0, m.from, m.f)
		}
		p.pool.Put(m.f)
		to := m.to
		p.take(to)
	}
	p.queue = p.queue[:0]
}

// invitation runs one 1:1 lifecycle between the pipe's first two devices:
// the first invites the second, who accepts.
func (p *pipe) invitation() {
	id, _ := p.devs[0].Invite(0, p.devs[1].Config().User, "room", false, nil, 30)
	p.take(1)
	p.run()
	p.devs[1].Accept(0, id, "")
	p.take(2)
	p.run()
}

// BenchmarkLifecycle is one full 1:1 invitation through the engine alone: invite →
// shard → invitee rings → accept → shard → inviter notified, with every push
// acknowledged (6 frames: the acks ride on requests here, as no ack timer
// fires). Frames travel decoded, or on the wire: msgpack on every hop.
func BenchmarkLifecycle(b *testing.B) {
	for _, name := range []string{"server", "client", "server-wire"} {
		b.Run(name, func(b *testing.B) {
			mode := ModeServer
			if name == "client" {
				mode = ModeClient
			}
			p := newPipe(mode, "alice", "bob")
			p.wire = name == "server-wire"
			b.ReportAllocs()
			for b.Loop() {
				p.invitation()
			}
			if p.devs[0].Outstanding() != 0 || p.s.invIndex.Len() != 0 {
				b.Fatal("lifecycle did not complete")
			}
		})
	}
}

// BenchmarkLiveInvitationMemory measures the shard's memory per live invitation
// with 1,000,000 live: "record" counts the invitation state alone (online-only
// invitations store no message), "stored" adds the stored invite message in the
// invitee's timeline.
func BenchmarkLiveInvitationMemory(b *testing.B) {
	const n = 1_000_000
	for _, stored := range []bool{false, true} {
		name := "record"
		if stored {
			name = "stored"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				s := NewServer(ServerConfig{})
				f := Frame{Type: FrameForward, BusSeq: 1, Op: OpInvite, User: "alice", Device: "1", Origin: 9,
					Info: SignalingInfo{BusinessID: 1, Inviter: "alice", InviteeList: []string{"bob"}, Timeout: 30,
						ActionType: ActionInvite, OnlineUserOnly: !stored}}
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for i := 0; i < n; i++ {
					f.Info.InviteID = "alice/1.0-" + strconv.Itoa(i)
					f.Info.InviteeList[0] = "u" + strconv.Itoa(i)
					// As a forward from another shard would be applied, without the bus.
					s.in = f
					s.execute(0, &s.in)
					s.Advance()
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				if s.invIndex.Len() != n {
					b.Fatalf("%d live", s.invIndex.Len())
				}
				// Each invitee is a new user here; a user's record is not the
				// invitation's, so take it out.
				users := float64(len(s.users)) * userOverhead()
				b.ReportMetric((float64(after.HeapAlloc-before.HeapAlloc)-users)/n, "B/live")
				runtime.KeepAlive(s)
			}
		})
	}
}

// userOverhead approximates what one userState and its map entry cost, to
// subtract from per-invitation figures when every invitee is a fresh user.
func userOverhead() float64 {
	const n = 100_000
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := NewServer(ServerConfig{})
	for i := 0; i < n; i++ {
		s.user("u" + strconv.Itoa(i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return float64(after.HeapAlloc-before.HeapAlloc) / n
}

// BenchmarkCodecLifecycle is the codec's share of BenchmarkLifecycle/server:
// the frames of one 1:1 invitation (invite, its response, the ring, the
// accept, its response, the inviter's notification) decoded and encoded again
// with reused codecs and a warm interner, and the signaling info they carry
// decoded too, as the nodes do. Nothing else: no state, no maps of the nodes.
// It is the floor under any engine that keeps msgpack on every hop.
func BenchmarkCodecLifecycle(b *testing.B) {
	p := newPipe(ModeServer, "alice", "bob")
	p.record = true
	p.invitation()
	frames := p.frames
	in := &interner{}
	fd := frameDecoder{in: in}
	var buf []byte
	sc := sigCodec{in: in}
	var f Frame
	var si SignalingInfo
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range frames {
			if err := fd.decode(w, &f); err != nil {
				b.Fatal(err)
			}
			if f.HasMsg || f.Type == FramePush {
				sc.signaling(f.Msg, &si)
			}
			buf = AppendFrame(buf[:0], &f)
		}
	}
	b.ReportMetric(float64(len(frames)), "frames/inv")
}
