// The table of scenario commands: one entry per command, holding all of it.

package scenarios

import (
	"slices"

	"sigsim/engine"
)

// Positional slots and keys that several commands share.
var (
	device = posSpec{name: "DEVICE", kind: pDevice}
	// deviceOrAll is a device, or * for every device.
	deviceOrAll = posSpec{name: "DEVICE|*", kind: pDevice, all: true}
	node        = posSpec{name: "NODE", kind: pNode}
	groupID     = posSpec{name: "GROUP", kind: pGroup}
	pattern     = posSpec{name: "PATTERN", kind: pPattern}
	roomID      = posSpec{name: "ROOM", kind: pRoom}
	invHandl    = posSpec{name: "H", kind: pHandle, handle: "invitation"}
	linkKeys    = []keySpec{k("latency", vDist), k("loss", vProb), k("dup", vProb), k("reorder", vProb), k("bandwidth", vBandwidth)}
	dataKey     = []keySpec{k("data", vStr)}
)

// commands is the scenario language: one entry per command, with its
// synopsis (generated from the schema unless synopsis says it), its
// argument schema, its checks and the functions that run it (see cmdSpec).
// Adding a command is adding an entry here, with its exec function next to
// those of its kind (devices.go, faults.go, messages.go, observe.go,
// generate.go, run.go), and a section to LANGUAGE.md, whose synopsis a test
// checks against the entry.
var commands = []*cmdSpec{
	// setup: the world, its users and its groups, built before anything runs
	{name: "world", first: true, keys: []keySpec{
		k("seed", vSeed), enum("mode", "server", "client"), k("shards", vPosInt),
		k("latency", vDist), k("loss", vProb), k("dup", vProb), k("reorder", vProb),
		k("bandwidth", vBandwidth), k("shard-latency", vDist), k("service", vDist),
		k("workers", vPosInt), k("rto", vDur), k("max-rto", vDur), k("retention", vDur), k("liveness-bound", vDur),
		enum("stop", "on-violation", "never"), k("max-memory", vSize), k("rooms", vPosInt),
	},
		renamed: map[string]string{"bound": "liveness-bound"},
		scan:    func(r *runner, c *Cmd) { r.worldCmd = c }},
	{name: "users", pos: []posSpec{{name: "USERS", kind: pUsers}}, min: 1, rest: true,
		keys: callKeys, flags: callFlags,
		check: checkUsersLine, scan: noteUsers, build: (*runner).addUsers},
	{name: "group", pos: []posSpec{groupID}, min: 1,
		keys: append([]keySpec{req("owner", vName), k("members", vList)}, classKeys...), flags: classFlags,
		check: checkGroupLine, scan: noteGroup, build: (*runner).loadGroup},

	// device operations: "[at T] DEVICE name ..." (devices.go)
	{name: "login", device: true, at: optional,
		scan: noteLogin, exec: (*runner).login},
	{name: "logout", device: true, at: optional,
		exec: (*runner).logout},
	{name: "invite", device: true, at: optional, as: optional, handle: "invitation",
		pos: []posSpec{{name: "USER", kind: pUser}}, min: 1,
		keys: []keySpec{k("data", vStr), k("timeout", vSecs), k("push", vStr)}, flags: []string{"online-only"},
		exec: (*runner).invite},
	{name: "invite-group", device: true, at: optional, as: optional, handle: "invitation",
		pos: []posSpec{groupID}, min: 1,
		keys: []keySpec{req("invitees", vUsers), k("data", vStr), k("timeout", vSecs)}, flags: []string{"online-only"},
		exec: (*runner).inviteGroup},
	{name: "cancel", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey,
		exec: answer(engine.OpCancel)},
	{name: "accept", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey,
		exec: answer(engine.OpAccept)},
	{name: "reject", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey,
		exec: answer(engine.OpReject)},
	{name: "modify", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey,
		exec: answer(engine.OpModify)},
	{name: "add-invited", device: true, at: optional, pos: []posSpec{invHandl}, min: 1,
		exec: (*runner).addInvited},
	{name: "create-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1, keys: []keySpec{k("members", vUsers)},
		exec: groupOp(engine.OpCreateGroup)},
	{name: "join-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1,
		exec: groupOp(engine.OpJoinGroup)},
	{name: "quit-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1,
		exec: groupOp(engine.OpQuitGroup)},
	{name: "dismiss-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1,
		exec: groupOp(engine.OpDismissGroup)},
	{name: "group-members", device: true, at: optional, pos: []posSpec{groupID}, min: 1,
		exec: groupOp(engine.OpGetGroupMembers)},

	// the room service: a device's room calls, its room links (rooms.go)
	{name: "enter-room", device: true, at: optional, pos: []posSpec{roomID}, min: 1, flags: []string{"audience"},
		scan: noteRooms, exec: (*runner).enterRoom},
	{name: "exit-room", device: true, at: optional, pos: []posSpec{roomID}, min: 1,
		scan: noteRooms, exec: (*runner).exitRoom},
	{name: "video", device: true, at: optional, pos: []posSpec{roomID, {name: "ON", kind: pWord, words: []string{"on", "off"}}}, min: 2,
		scan: noteRooms, exec: (*runner).video},
	{name: "switch-role", device: true, at: optional, pos: []posSpec{roomID, {name: "ROLE", kind: pWord, words: []string{"anchor", "audience"}}}, min: 2,
		scan: noteRooms, exec: (*runner).switchRole},
	{name: "room-link", at: optional, pos: []posSpec{device}, min: 1, keys: linkKeys,
		scan: noteRooms, exec: (*runner).roomLink},

	// the call app's moves: "[at T] DEVICE dial bob", ... (apps.go)
	{name: "dial", device: true, at: optional, as: optional, handle: "invitation", pos: []posSpec{{name: "USER", kind: pUser}}, min: 1,
		refs: (*runner).phoneRefs, exec: (*runner).dial},
	{name: "answer", device: true, at: optional, pos: []posSpec{{name: "HOW", kind: pWord, words: []string{"accept", "reject"}}}, min: 1,
		refs: (*runner).phoneRefs, exec: (*runner).answerCall},
	{name: "cancel-call", device: true, at: optional,
		refs: (*runner).phoneRefs, exec: (*runner).cancelCall},
	{name: "hang-up", device: true, at: optional,
		refs: (*runner).phoneRefs, exec: (*runner).hangUp},

	// the classroom's moves (apps.go)
	{name: "ask-hands", device: true, at: optional, as: optional, handle: "invitation", pos: []posSpec{groupID}, min: 1,
		refs: memberRefs(true), exec: (*runner).askHands},
	{name: "raise-hand", device: true, at: optional,
		refs: memberRefs(false), exec: (*runner).raiseHand},
	{name: "pick-speaker", device: true, at: optional, as: optional, handle: "invitation",
		pos: []posSpec{groupID, {name: "USER", kind: pUser}}, min: 2,
		refs: memberRefs(true), exec: (*runner).pickSpeaker},

	// faults (faults.go)
	{name: "partition", synopsis: "[at TIME] partition SIDE | SIDE [| SIDE...] [oneway] [for=DUR]",
		at: optional, pos: []posSpec{{name: "SIDE | SIDE", kind: pAny}}, min: 1, rest: true, flags: []string{"oneway"},
		keys: []keySpec{k("for", vDur)}, check: checkPartition, scan: noteRoomNodes, refs: (*runner).partitionRefs, exec: (*runner).partition},
	{name: "heal", at: optional, pos: []posSpec{{name: "partitions", kind: pWord, words: []string{"partitions"}}},
		exec: (*runner).heal},
	{name: "link", at: optional, pos: []posSpec{deviceOrAll}, min: 1, keys: linkKeys,
		exec: (*runner).link},
	{name: "crash", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{k("for", vDur)},
		scan: noteRoomNodes, exec: (*runner).crash},
	{name: "restart", at: optional, pos: []posSpec{node}, min: 1,
		scan: noteRoomNodes, exec: (*runner).restart},
	{name: "pause", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{req("for", vDur)},
		check: checkPause, scan: noteRoomNodes, exec: (*runner).pause},
	{name: "skew", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{k("offset", vSignedDur), k("drift", vFloat)},
		scan: noteRoomNodes, refs: (*runner).skewRefs, exec: (*runner).skew},
	{name: "disconnect", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{k("for", vDur)},
		exec: (*runner).disconnect},
	{name: "reconnect", at: optional, pos: []posSpec{node}, min: 1,
		exec: (*runner).reconnect},

	// message control (messages.go)
	{name: "hold", at: optional, as: required, handle: "held-frames group", pos: []posSpec{pattern}, min: 1,
		exec: (*runner).hold},
	{name: "release", at: optional, pos: []posSpec{{name: "H", kind: pHandle, handle: "held-frames group"}}, min: 1,
		check: checkRelease, exec: (*runner).release},
	{name: "drop-next", at: optional, pos: []posSpec{pattern}, min: 1,
		exec: (*runner).dropNext},
	{name: "dup-next", at: optional, pos: []posSpec{pattern}, min: 1,
		exec: (*runner).dupNext},

	// running (run.go, faults.go)
	{name: "run", synopsis: "run DUR | run until quiet [limit=DUR]",
		pos: []posSpec{{name: "DUR|until quiet", kind: pAny}}, min: 1, rest: true, keys: []keySpec{k("limit", vDur)},
		check: checkRun, exec: (*runner).run},
	{name: "swarm", keys: []keySpec{k("faults", vList), k("intensity", vProb), k("until", vDur)},
		exec: (*runner).swarm},

	// observing and checking (observe.go)
	{name: "show", pos: []posSpec{
		{name: "WHAT", kind: pWord, words: []string{"callbacks", "calls", "counts", "hands", "invitations", "pushes", "results", "rooms", "server", "signaling", "trace"}},
		{name: "FILTER", kind: pAny}}, min: 1, keys: []keySpec{k("filter", vStr)},
		exec: (*runner).show},
	{name: "check",
		exec: (*runner).check},
	{name: "expect", synopsis: "expect WHAT... [KEY=VALUE...]",
		pos: []posSpec{{name: "WHAT", kind: pAny}}, rest: true, anyKeys: true,
		check: checkExpect, scan: noteExpect, refs: (*runner).expectRefs, exec: (*runner).expect},

	// generators (generate.go)
	{name: "generate", pos: []posSpec{{name: "KIND", kind: pWord, words: []string{"calls", "group-invites", "invites"}}}, min: 1,
		keys: []keySpec{k("count", vCount), k("from", vUsers), k("to", vUsers), k("group", vStr), k("rate", vRate),
			k("start", vDur), k("timeout", vSecs), k("data", vStr), k("answer", vWeights)},
		flags: []string{"online-only"},
		check: checkGenerate, scan: noteGenerator, refs: (*runner).generateRefs, exec: (*runner).generate},
}

var (
	specs        = map[string]*cmdSpec{}
	commandNames []string // sorted
	deviceOps    []string // sorted names of device operations
)

func init() {
	for _, s := range commands {
		specs[s.name] = s
		commandNames = append(commandNames, s.name)
		if s.device {
			deviceOps = append(deviceOps, s.name)
		}
	}
	slices.Sort(commandNames)
	slices.Sort(deviceOps)
}

// Commands returns the names of all commands, sorted.
func Commands() []string { return slices.Clone(commandNames) }
