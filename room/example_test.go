package room_test

import (
	"fmt"

	"sigsim/engine"
	"sigsim/room"
)

// One room node (address 0) and two devices (1 and 2) wired by hand: each
// frame is delivered at once, in order. The 1v1 call of the source document,
// as far as the room goes: the caller enters and opens the camera, the callee
// enters, the callee hangs up.
func Example() {
	nodes := []engine.Addr{0}
	node := room.NewNode(room.NodeConfig{})
	devs := map[engine.Addr]*room.Client{
		1: room.NewClient(room.ClientConfig{User: "alice", Device: "1", Nodes: nodes}),
		2: room.NewClient(room.ClientConfig{User: "bob", Device: "1", Nodes: nodes}),
	}
	name := map[engine.Addr]string{1: "alice", 2: "bob"}
	type frame struct {
		from, to engine.Addr
		b        []byte
	}
	var inflight []frame
	collect := func(a engine.Addr, out *room.Output) {
		for _, c := range out.Changes {
			fmt.Println("node: ", c.Describe())
		}
		for _, e := range out.Events {
			fmt.Printf("%s: %s\n", name[a], e.Describe())
		}
		for _, m := range out.Msgs {
			inflight = append(inflight, frame{a, m.To, m.Bytes})
		}
	}
	settle := func() {
		for len(inflight) > 0 {
			f := inflight[0]
			inflight = inflight[1:]
			if f.to == 0 {
				node.Receive(0, f.from, f.b)
				collect(0, node.Ready())
				node.Advance()
			} else {
				devs[f.to].Receive(0, f.from, f.b)
				collect(f.to, devs[f.to].Ready())
				devs[f.to].Advance()
			}
		}
	}
	do := func(a engine.Addr, call func(c *room.Client)) {
		call(devs[a])
		collect(a, devs[a].Ready())
		devs[a].Advance()
		settle()
	}
	do(1, func(c *room.Client) { c.EnterRoom(0, "r42"); c.Video(0, "r42", true) })
	do(2, func(c *room.Client) { c.EnterRoom(0, "r42"); c.Video(0, "r42", true) })
	do(2, func(c *room.Client) { c.ExitRoom(0, "r42") })
	// Output:
	// node:  room r42 entered alice
	// node:  room r42 video alice on
	// alice: OnEnterRoom(r42, ok)
	// node:  room r42 entered bob
	// node:  room r42 video bob on
	// bob: OnEnterRoom(r42, ok)
	// bob: OnRemoteUserEnterRoom(r42, user=alice)
	// bob: OnUserVideoAvailable(r42, user=alice, available=true)
	// alice: OnRemoteUserEnterRoom(r42, user=bob)
	// alice: OnUserVideoAvailable(r42, user=bob, available=true)
	// node:  room r42 left bob reason=exit
	// bob: OnExitRoom(r42, reason=exit)
	// alice: OnRemoteUserLeaveRoom(r42, user=bob, reason=exit)
}
