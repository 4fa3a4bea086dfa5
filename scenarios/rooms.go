// The room service in a scenario: a device's room calls (enter-room,
// exit-room, video, switch-role), its links to the room nodes (room-link),
// and the room nodes r0, r1, … as targets of the node faults.

package scenarios

import (
	"sigsim/room"
)

// noteRooms records, before the world is built, that the file uses the
// room service.
func noteRooms(r *runner, c *Cmd) { r.rooms = true }

// noteRoomNodes records a fault of a room node: the world needs its room
// service (partition sides included).
func noteRoomNodes(r *runner, c *Cmd) {
	var names []string
	for _, a := range c.positionals() {
		names = append(names, a.Value)
	}
	if sides, err := c.Sides(); err == nil && c.Name == "partition" {
		names = nil
		for _, s := range sides {
			names = append(names, s...)
		}
	}
	for _, n := range names {
		if _, ok := roomNodeIndex(n); ok {
			r.rooms = true
		}
	}
}

func (r *runner) enterRoom(c *Cmd) {
	d := r.device(c, 0)
	id, _ := c.Positional(1)
	if d == nil {
		return
	}
	role := room.RoleAnchor
	if c.Bool("audience") {
		role = room.RoleAudience
	}
	r.w.EnterRoomAs(d, id, role)
}

func (r *runner) exitRoom(c *Cmd) {
	d := r.device(c, 0)
	id, _ := c.Positional(1)
	if d != nil {
		r.w.ExitRoom(d, id)
	}
}

func (r *runner) video(c *Cmd) {
	d := r.device(c, 0)
	id, _ := c.Positional(1)
	on, _ := c.Positional(2)
	if d != nil {
		r.w.RoomVideo(d, id, on == "on")
	}
}

func (r *runner) switchRole(c *Cmd) {
	d := r.device(c, 0)
	id, _ := c.Positional(1)
	role, _ := c.Positional(2)
	if d == nil {
		return
	}
	rl := room.RoleAnchor
	if role == "audience" {
		rl = room.RoleAudience
	}
	r.w.SwitchRole(d, id, rl)
}

// roomLink sets a device's links to the room nodes: the world's device link
// options, with the keys given.
func (r *runner) roomLink(c *Cmd) {
	d := r.device(c, 0)
	if d == nil {
		return
	}
	o, ok := r.linkOptions(c, r.w.Options().Link)
	if !ok {
		return
	}
	if err := r.w.SetRoomLink(d, o); err != nil {
		r.fail(c, "room-link: %v", err)
	}
}
