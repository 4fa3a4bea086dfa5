package apps

import (
	"fmt"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim"
)

// Host runs reference apps on a world's devices: it takes the world's
// signaling callbacks and results, the room SDK's callbacks and the device
// crashes and restarts, and hands each to the app running on that device.
// Hooks set on the world before the host is made keep being called, first.
// A device runs at most one app.
type Host struct {
	w        *sim.World
	apps     []app // by device index
	nshards  int
	changes  []func(at engine.Time, node int, ch *room.Change)
	prevCB   func(at engine.Time, d *sim.Device, cb *engine.Callback)
	prevRes  func(at engine.Time, d *sim.Device, r *engine.Result)
	prevRoom sim.RoomHooks
}

// app is what runs on one device.
type app interface {
	callback(at engine.Time, cb *engine.Callback)
	result(at engine.Time, r *engine.Result)
	roomEvent(at engine.Time, ev *room.Event)
	down(at engine.Time) // the device crashed: the app's state is gone
	up(at engine.Time)   // the device restarted: the app starts afresh
}

// NewHost installs a host on a world (and sets up its room service, with the
// defaults unless Options.Rooms or EnableRooms chose). Make it before the run
// starts, after any hooks of one's own.
func NewHost(w *sim.World) *Host {
	h := &Host{w: w, nshards: w.NumShards()}
	h.prevCB, h.prevRes = w.Hooks.Callback, w.Hooks.Result
	w.Hooks.Callback = h.callback
	w.Hooks.Result = h.result
	rh := w.RoomHooks()
	h.prevRoom = *rh
	rh.Event = h.roomEvent
	rh.Change = h.change
	rh.DeviceDown = h.down
	rh.DeviceUp = h.up
	return h
}

// World returns the host's world.
func (h *Host) World() *sim.World { return h.w }

func (h *Host) index(d *sim.Device) int { return int(d.Addr) - h.nshards }

func (h *Host) appOf(d *sim.Device) app {
	if i := h.index(d); i < len(h.apps) {
		return h.apps[i]
	}
	return nil
}

// attach runs a on device d.
func (h *Host) attach(d *sim.Device, a app) error {
	i := h.index(d)
	if i < 0 {
		return fmt.Errorf("%s is not a device", d.Name)
	}
	for len(h.apps) <= i {
		h.apps = append(h.apps, nil)
	}
	if h.apps[i] != nil {
		return fmt.Errorf("%s already runs an app", d.Name)
	}
	h.apps[i] = a
	return nil
}

func (h *Host) callback(at engine.Time, d *sim.Device, cb *engine.Callback) {
	if h.prevCB != nil {
		h.prevCB(at, d, cb)
	}
	if a := h.appOf(d); a != nil {
		a.callback(at, cb)
	}
}

func (h *Host) result(at engine.Time, d *sim.Device, r *engine.Result) {
	if h.prevRes != nil {
		h.prevRes(at, d, r)
	}
	if a := h.appOf(d); a != nil {
		a.result(at, r)
	}
}

func (h *Host) roomEvent(at engine.Time, d *sim.Device, ev *room.Event) {
	if h.prevRoom.Event != nil {
		h.prevRoom.Event(at, d, ev)
	}
	if a := h.appOf(d); a != nil {
		a.roomEvent(at, ev)
	}
}

func (h *Host) change(at engine.Time, node int, ch *room.Change) {
	if h.prevRoom.Change != nil {
		h.prevRoom.Change(at, node, ch)
	}
	for _, f := range h.changes {
		f(at, node, ch)
	}
}

func (h *Host) down(at engine.Time, d *sim.Device) {
	if h.prevRoom.DeviceDown != nil {
		h.prevRoom.DeviceDown(at, d)
	}
	if a := h.appOf(d); a != nil {
		a.down(at)
	}
}

func (h *Host) up(at engine.Time, d *sim.Device) {
	if h.prevRoom.DeviceUp != nil {
		h.prevRoom.DeviceUp(at, d)
	}
	if a := h.appOf(d); a != nil {
		a.up(at)
	}
}

// onChange adds a listener of the room nodes' membership decisions.
func (h *Host) onChange(f func(at engine.Time, node int, ch *room.Change)) {
	h.changes = append(h.changes, f)
}
