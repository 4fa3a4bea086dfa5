package scenarios

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sigsim/engine"
)

// prelude defines the world, users, a group and handles "call" (an
// invitation) and "held" (a hold), for tests of single command lines.
const prelude = `world seed=1
users alice bob carol/2
group team owner=alice members=alice,bob,carol
at 100ms alice invite bob as call
hold "x" as held
`

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("t.sig", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return f
}

func lastCmd(t *testing.T, src string) *Cmd {
	t.Helper()
	cs := mustParse(t, src).cmds()
	return cs[len(cs)-1]
}

// TestParseCommands parses one good line of every command (after the
// prelude) and compares its canonical form.
func TestParseCommands(t *testing.T) {
	tests := []struct{ line, want string }{
		{"world seed=1 mode=client shards=4 latency=lognormal(40ms,0.5) loss=1% dup=0.01 reorder=0 bandwidth=10Mbps shard-latency=2ms service=exp(20us) workers=8 rto=200ms retention=168h liveness-bound=10s stop=never", ""},
		{"users dave erin/3 u1..u100/2 x01..x10,y", ""},
		{"group g2 owner=bob", ""},
		{"alice login", ""},
		{"at 5s alice/2 logout", ""},
		{`at 100ms alice invite bob data="room=42" timeout=30s as c2`, "at 100ms alice invite bob data=room=42 timeout=30s as c2"},
		{"bob invite carol online-only push=title", ""},
		{"bob invite carol online-only=true", ""},
		{"alice invite-group team invitees=bob,carol timeout=0 online-only as g", ""},
		{"at 150ms bob accept call", ""},
		{"bob reject call data=busy", ""},
		{`alice cancel call data="bye now"`, `alice cancel call data="bye now"`},
		{"alice modify call data=x", ""},
		{"carol/2 add-invited call", ""},
		{"alice create-group g3 members=bob", ""},
		{"bob join-group team", ""},
		{"bob quit-group team", ""},
		{"alice dismiss-group team", ""},
		{"alice group-members team", ""},
		{"partition alice,bob | s0", ""},
		{"at 1s partition alice | bob | carol/2,s1 oneway", ""},
		{"heal", ""},
		{"heal partitions", ""},
		{"link bob latency=normal(40ms,5ms) loss=0.1 dup=1% reorder=0 bandwidth=1MB/s", ""},
		{"crash s0", ""},
		{"restart alice/2", ""},
		{"pause s1 for=2s", ""},
		{"skew bob offset=-40s drift=0.001", ""},
		{"skew bob offset=+3s", ""},
		{"disconnect bob", ""},
		{"reconnect bob/1", ""},
		{`hold "from=alice action=cancel" as h2`, `hold "from=alice action=cancel" as h2`},
		{"release held", ""},
		{`drop-next "to=bob"`, `drop-next "to=bob"`},
		{"dup-next accept", ""},
		{"run 5s", ""},
		{"run until quiet", ""},
		{"run until quiet limit=1m", ""},
		{"swarm faults=partition,crash intensity=0.5", ""},
		{"swarm", ""},
		{"swarm faults=", ""},
		{"show callbacks", ""},
		{"show callbacks bob filter=OnInvitee", ""},
		{"check", ""},
		{"expect call bob=accepted carol=cancelled", ""},
		{"expect result call = 8010", ""},
		{"expect count OnInvitationTimeout = 100000", ""},
		{"expect violations 0", ""},
		{"expect violation agreement", ""},
		{"generate invites count=1_000 from=u1..u5 to=bob rate=10000/s start=1s timeout=30s data=x answer=accept:0.5,reject:20% online-only", ""},
		{"generate group-invites group=team count=10 rate=5/100ms", ""},
		{"generate calls count=10 from=u1..u5 to=u1..u5 rate=2/s start=1s", ""},
		{"world seed=2 rooms=3", ""},
		{"users p1..p4 app=call accept=0.5 reject=10% busy=0 late-accept=0.1 ring-time=2s cancel=0.2 cancel-after=uniform(1s,5s) talk-time=exp(20s) caller-hangs-up=1 busy-policy=ring join-timeout=30s timeout=10s manual keep-announcements", ""},
		{"group cls owner=alice members=bob,carol app=classroom timeout=5s raise=0.5 late-raise=0.1 think-time=1s collect=2s pick=random speak-time=5s rounds=2 interval=20s start=1s manual", ""},
		{"at 1s alice enter-room alice.1", ""},
		{"bob enter-room class-team audience", ""},
		{"alice exit-room alice.1", ""},
		{"alice video alice.1 on", ""},
		{"bob switch-role class-team anchor", ""},
		{"room-link bob latency=500ms loss=1%", ""},
		{"at 1s alice dial bob as c3", ""},
		{"bob answer accept", ""},
		{"alice cancel-call", ""},
		{"alice hang-up", ""},
		{"alice ask-hands team as r1", ""},
		{"bob raise-hand", ""},
		{"alice pick-speaker team bob as s1", ""},
		{"crash r0", ""},
		{"partition bob | r1 oneway", ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		src := prelude + "users u1..u5\n" + tt.line + "\n"
		if strings.HasPrefix(tt.line, "users") || strings.HasPrefix(tt.line, "group ") {
			src = prelude + tt.line + "\n"
		}
		if strings.HasPrefix(tt.line, "world") {
			src = tt.line + "\n"
		}
		c := lastCmd(t, src)
		want := tt.want
		if want == "" {
			want = tt.line
		}
		if got := c.String(); got != want {
			t.Errorf("%q: String() = %q, want %q", tt.line, got, want)
		}
		if c.Raw != tt.line {
			t.Errorf("%q: Raw = %q", tt.line, c.Raw)
		}
		seen[c.Name] = true
	}
	for _, n := range commandNames {
		if !seen[n] {
			t.Errorf("command %s has no test line", n)
		}
	}
}

func TestParseAST(t *testing.T) {
	src := "# Title line\n#second\n\n# not description\nworld seed=3\n\nat 1s alice invite bob timeout=30s as call\nat +500ms bob accept call\n----\nout 1\nout 2\n\nrun 1s\n"
	f := mustParse(t, src)
	if !reflect.DeepEqual(f.Description, []string{"Title line", "second"}) {
		t.Errorf("Description = %q", f.Description)
	}
	if len(f.Items) != 9 {
		t.Fatalf("%d items", len(f.Items))
	}
	kinds := ""
	for _, it := range f.Items {
		switch {
		case it.Block != nil:
			kinds += "B"
		case it.Blank:
			kinds += "_"
		default:
			kinds += "#"
		}
	}
	if kinds != "##_#B_B_B" {
		t.Errorf("items %s", kinds)
	}
	b := f.Items[6].Block
	if b.Line != 7 || len(b.Cmds) != 2 || !b.HasExpected || b.ExpectedLine != 10 ||
		!reflect.DeepEqual(b.Expected, []string{"out 1", "out 2"}) {
		t.Errorf("block %+v", b)
	}
	inv, acc := b.Cmds[0], b.Cmds[1]
	if inv.At != 1e9 || !inv.HasAt || inv.Handle != "call" || inv.Pos.String() != "t.sig:7:1" {
		t.Errorf("invite %+v", inv)
	}
	if acc.At != 1.5e9 || len(acc.Args) != 2 || acc.Args[0] != (Arg{Pos{"t.sig", 8, 11}, "", "bob"}) ||
		acc.Args[1] != (Arg{Pos{"t.sig", 8, 22}, "", "call"}) {
		t.Errorf("accept %+v", acc)
	}
	if last := f.Items[8].Block; last.HasExpected || last.ExpectedLine != 0 || last.Cmds[0].HasAt {
		t.Errorf("run %+v", last)
	}
	if f.Items[3].Comment != "# not description" {
		t.Errorf("comment %q", f.Items[3].Comment)
	}
}

func TestRelativeTimes(t *testing.T) {
	f := mustParse(t, "at 1s alice login\nat +1s bob login\n\nat 500ms carol login\nat +0 alice logout\nrun 1s\nat +250ms bob logout\n")
	var got []engine.Time
	for _, c := range f.cmds() {
		got = append(got, c.At)
	}
	want := []engine.Time{1e9, 2e9, 5e8, 5e8, 0, 7.5e8}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("times %v, want %v", got, want)
	}
}

// TestParseErrors checks messages and positions of invalid input.
func TestParseErrors(t *testing.T) {
	const validCmds = "; valid commands: accept, add-invited, answer, ask-hands, cancel, cancel-call, check, crash, create-group, dial, disconnect, dismiss-group, drop-next, dup-next, enter-room, exit-room, expect, generate, group, group-members, hang-up, heal, hold, invite, invite-group, join-group, link, login, logout, modify, partition, pause, pick-speaker, quit-group, raise-hand, reconnect, reject, release, restart, room-link, run, show, skew, swarm, switch-role, users, video, world"
	p := strings.Count(prelude, "\n") // lines of prelude
	L := func(n int) string { return "t.sig:" + itoa(p+n) + ":" }
	tests := []struct {
		src  string // appended to the prelude unless it starts with "!"
		want string
	}{
		// unknown commands and did-you-mean
		{"at 100ms alice invit bob", L(1) + `16: unknown command "invit" (did you mean "invite"?)` + validCmds},
		{"heel", L(1) + `1: unknown command "heel" (did you mean "heal"?)` + validCmds},
		{"bob acept call", L(1) + `5: unknown command "acept" (did you mean "accept"?)` + validCmds},
		{"bob cancle call", L(1) + `5: unknown command "cancle" (did you mean "cancel"?)` + validCmds},
		{"frobnicate", L(1) + `1: unknown command "frobnicate"` + validCmds},
		// after a declared user, the word in the command's place is the unknown one
		{"at 100ms alice frobnicate bob", L(1) + `16: unknown command "frobnicate"` + validCmds},
		{"carol/2 frobnicate", L(1) + `9: unknown command "frobnicate"` + validCmds},
		{"at 100ms alice", L(1) + `10: missing command after the device alice (e.g. alice invite bob, alice accept H)`},
		{"x=1", L(1) + `1: unknown command "x=1"` + validCmds},
		{"login alice", L(1) + `1: login is a device operation: write the device first, e.g. "alice login"`},
		{"alice crash", L(1) + `7: crash is not a device operation: write "crash alice"`},
		// world
		{"world seed=2", L(1) + `1: world given twice (first at t.sig:1:1)`},
		{"!users a\nworld", `t.sig:2:1: world must be the first command (users at t.sig:1:1 comes before it)`},
		{"!world shards=0", `t.sig:1:7: world: shards: "0" must be at least 1`},
		{"!world mode=sever", `t.sig:1:7: world: mode: unknown value "sever" (did you mean "server"?); want server or client`},
		{"!world stop=always", `t.sig:1:7: world: stop: unknown value "always"; want on-violation or never`},
		{"!world latency=unifrom(1ms,2ms)", `t.sig:1:7: world: latency: unknown distribution "unifrom" (want const, uniform, normal, lognormal, pareto, exp, measured) (did you mean "uniform"?)`},
		{"!world latency=40", `t.sig:1:7: world: latency: duration "40" has no unit; add one (e.g. 40ms), or give a distribution like uniform(10ms,50ms)`},
		{"!world latency=uniform(1ms,2ms", `t.sig:1:7: world: latency: uniform: missing closing parenthesis in "uniform(1ms,2ms"`},
		{"!world loss=1.5", `t.sig:1:7: world: loss: "1.5" is not a probability in [0,1] (or 0%..100%)`},
		{"!world bandwidth=fast", `t.sig:1:7: world: bandwidth: invalid bandwidth "fast" (want e.g. 10Mbps, 1MB/s, 0 = unlimited)`},
		{"!world seed=-1", `t.sig:1:7: world: seed: invalid unsigned integer "-1"`},
		{"!world rto=-1s", `t.sig:1:7: world: rto: negative duration "-1s"`},
		{"!world extra", `t.sig:1:7: world: unexpected argument "extra" (usage: world [seed=N] [mode=server|client] [shards=N] [latency=DIST] [loss=P] [dup=P] [reorder=P] [bandwidth=BW] [shard-latency=DIST] [service=DIST] [workers=N] [rto=DUR] [max-rto=DUR] [retention=DUR] [liveness-bound=DUR] [stop=on-violation|never] [max-memory=SIZE] [rooms=N])`},
		{"!at 1s world", `t.sig:1:1: world cannot have an at TIME prefix`},
		// users and group
		{"users", L(1) + `1: users: missing USERS (usage: users USERS... [app=call] [timeout=SECS] [accept=P] [reject=P] [busy=P] [late-accept=P] [ring-time=DIST] [cancel=P] [cancel-after=DIST] [talk-time=DIST] [caller-hangs-up=P] [busy-policy=reject|ring] [join-timeout=DUR] [count-from=enter|accept] [manual] [keep-announcements])`},
		{"users run", L(1) + `7: users: user name "run" is reserved (it is a keyword)`},
		{"users s1", L(1) + `7: users: user name "s1" is reserved for server shards`},
		{"users r2", L(1) + `7: users: user name "r2" is reserved for room nodes`},
		{"users r1..r3", L(1) + `7: users: user names r0, r1, ... are reserved for room nodes (range r..)`},
		{"users dave accept=1", L(1) + `12: users: accept is an option of the call app: add app=call`},
		{"users dave manual", L(1) + `12: users: manual is an option of the call app: add app=call`},
		{"users dave app=phone", L(1) + `12: users: app: unknown value "phone"; want call`},
		{"users dave app=call accept=2", L(1) + `21: users: accept: "2" is not a probability in [0,1] (or 0%..100%)`},
		{"group g owner=bob raise=1", L(1) + `19: group: raise is an option of the classroom app: add app=classroom`},
		{"alice video alice.1 maybe", L(1) + `21: video: unknown on "maybe"; want one of on, off`},
		{"bob answer yes", L(1) + `12: answer: unknown how "yes"; want one of accept, reject`},
		{"bob switch-role r anchr", L(1) + `19: switch-role: unknown role "anchr" (did you mean "anchor"?); want one of anchor, audience`},
		{"r0 login", L(1) + `1: login: "r0" is a room node, not a device`},
		{"generate calls count=2 from=alice to=bob timeout=10s", L(1) + `42: generate calls: timeout= is the call app's to decide (its options on the users line)`},
		{"users s1..s3", L(1) + `7: users: user names s0, s1, ... are reserved for server shards (range s..)`},
		{"users bob/0", L(1) + `7: users: invalid device count in "bob/0" (want NAME/N with N ≥ 1)`},
		{"users a.b", L(1) + `7: users: invalid user name "a.b" (want letters, digits, _ or -)`},
		{"group g", L(1) + `1: group: missing required owner=USER (usage: group GROUP owner=USER [members=LIST] [app=classroom] [timeout=SECS] [raise=P] [late-raise=P] [think-time=DIST] [collect=DUR] [pick=first|random|anyone] [speak-time=DIST] [rounds=N] [interval=DUR] [start=DUR] [manual])`},
		{"group owner=bob", L(1) + `1: group: missing GROUP (usage: group GROUP owner=USER [members=LIST] [app=classroom] [timeout=SECS] [raise=P] [late-raise=P] [think-time=DIST] [collect=DUR] [pick=first|random|anyone] [speak-time=DIST] [rounds=N] [interval=DUR] [start=DUR] [manual])`},
		{"group g owner=bob owner=alice", L(1) + `19: group: duplicate owner (first at t.sig:` + itoa(p+1) + `:9)`},
		{"at 1s group g owner=bob", L(1) + `1: group cannot have an at TIME prefix`},
		// device operations
		{"alice invite", L(1) + `1: invite: missing USER (usage: [at TIME] DEVICE invite USER [data=TEXT] [timeout=SECS] [push=TEXT] [online-only] [as NAME])`},
		{"alice invite bob carol", L(1) + `18: invite: unexpected argument "carol" (usage: [at TIME] DEVICE invite USER [data=TEXT] [timeout=SECS] [push=TEXT] [online-only] [as NAME])`},
		{"alice invite bob timeout=30", L(1) + `18: invite: timeout: duration "30" has no unit; add one (e.g. 30s or 30ms)`},
		// the API's timeout is whole seconds: no silent truncation
		{"alice invite bob timeout=500ms", L(1) + `18: invite: timeout: "500ms" is not a whole number of seconds: the API's timeout is an integer number of seconds (write 1s; 0 never times out)`},
		{"alice invite bob timeout=1.9s", L(1) + `18: invite: timeout: "1.9s" is not a whole number of seconds: the API's timeout is an integer number of seconds (write 1s or 2s)`},
		{"alice invite-group team invitees=bob timeout=2500ms", L(1) + `38: invite-group: timeout: "2500ms" is not a whole number of seconds: the API's timeout is an integer number of seconds (write 2s or 3s)`},
		{"generate invites count=2 from=alice to=bob timeout=0.5s", L(1) + `44: generate: timeout: "0.5s" is not a whole number of seconds: the API's timeout is an integer number of seconds (write 1s; 0 never times out)`},
		{"!world max-memory=lots", `t.sig:1:7: world: max-memory: invalid size "lots" (want e.g. 16GiB, 512MiB, 2GB)`},
		{"!world max-memory=0GiB", `t.sig:1:7: world: max-memory: size "0GiB" must be at least 1 byte`},
		{"alice invite bob timout=30s", L(1) + `18: unknown key "timout" for invite (did you mean "timeout"?); valid keys: data, push, timeout; flags: online-only`},
		{"alice invite bob online-only online-only", L(1) + `30: invite: duplicate online-only (first at t.sig:` + itoa(p+1) + `:18)`},
		{"alice invite bob online-only=yes", L(1) + `18: invite: flag online-only takes true or false, not "yes"`},
		{"alice/x invite bob", L(1) + `1: invite: invalid device number in "alice/x" (want USER/N with N ≥ 1)`},
		{"alice invite bob/2", L(1) + `14: invite: invalid user name "bob/2" (want letters, digits, _ or -)`},
		{"alice invite-group team", L(1) + `1: invite-group: missing required invitees=LIST (usage: [at TIME] DEVICE invite-group GROUP invitees=LIST [data=TEXT] [timeout=SECS] [online-only] [as NAME])`},
		{"alice invite-group team invitees=a..b", L(1) + `25: invite-group: invitees: invalid range "a..b" (want PREFIX1..PREFIX100 or PREFIX1..100, e.g. u1..u100)`},
		{"bob accept", L(1) + `1: accept: missing H (usage: [at TIME] DEVICE accept H [data=TEXT])`},
		{"bob accept cal", L(1) + `12: unknown handle "cal" (defined: call, held)`},
		{"bob accept held", L(1) + `12: accept: handle "held" names a held-frames group (defined at t.sig:5:13); accept needs an invitation`},
		{"release call", L(1) + `9: release: handle "call" names an invitation (defined at t.sig:4:30); release needs a held-frames group`},
		{"!bob accept x", `t.sig:1:12: unknown handle "x" (no handles defined yet; define one with as NAME)`},
		{"bob accept call as x", L(1) + `17: accept does not take as NAME`},
		{"alice invite bob as call", L(1) + `21: handle "call" already defined at t.sig:4:30`},
		{"alice invite bob as", L(1) + `18: missing handle name after as`},
		{"alice invite bob as c data=x", L(1) + `18: as NAME must come last on the line`},
		{"alice invite bob as a.b", L(1) + `21: invalid handle name "a.b" (want letters, digits, _ or -)`},
		{"alice cancel call reason=x", L(1) + `19: unknown key "reason" for cancel; valid keys: data`},
		{"alice add-invited call data=x", L(1) + `24: unknown key "data" for add-invited; it takes no key=value arguments (quote a word that contains =)`},
		{"alice login now", L(1) + `13: login: unexpected argument "now" (usage: [at TIME] DEVICE login)`},
		{`alice join-group ""`, L(1) + `18: join-group: empty GROUP`},
		// faults
		{"partition alice", L(1) + `1: partition needs two or more sides separated by | (e.g. partition alice,bob | s0)`},
		{"partition alice |", L(1) + `17: partition: empty side (want SIDE | SIDE, e.g. alice,bob | s0)`},
		{"partition | alice", L(1) + `1: partition: empty side (want SIDE | SIDE, e.g. alice,bob | s0)`},
		{"partition alice|bob", L(1) + `11: partition: put spaces around |`},
		{"partition alice bob | s0", L(1) + `17: partition: a side is one comma-separated list; put | between sides`},
		{"partition a/x | s0", L(1) + `11: partition: invalid node "a/x" (want a shard like s0, a room node like r0 or a device like alice, alice/2)`},
		{"partition", L(1) + `1: partition: missing SIDE | SIDE (usage: [at TIME] partition SIDE | SIDE [| SIDE...] [oneway] [for=DUR])`},
		{"link bob loss=2", L(1) + `10: link: loss: "2" is not a probability in [0,1] (or 0%..100%)`},
		{"link bob bandwidth=100", L(1) + `10: link: bandwidth: bandwidth "100" has no unit; add one (e.g. 100Mbps or 100KB/s; 0 = unlimited)`},
		{"crash", L(1) + `1: crash: missing NODE (usage: [at TIME] crash NODE [for=DUR])`},
		{"crash a/b", L(1) + `7: crash: invalid node "a/b" (want a shard like s0, a room node like r0 or a device like alice, alice/2)`},
		{"pause bob", L(1) + `1: pause: missing required for=DUR (usage: [at TIME] pause NODE for=DUR)`},
		{"pause bob for=5", L(1) + `11: pause: for: duration "5" has no unit; add one (e.g. 5s or 5ms)`},
		{"skew bob offset=3", L(1) + `10: skew: offset: duration "3" has no unit; add one (e.g. 3s or 3ms)`},
		{"skew bob drift=fast", L(1) + `10: skew: drift: invalid number "fast"`},
		{"heal nonsense-thing", L(1) + `6: heal: unknown partitions "nonsense-thing"; want one of partitions`},
		{"link s0 loss=1%", L(1) + `6: link: "s0" is a server shard, not a device`},
		// message control
		{"hold x", L(1) + `1: hold needs a handle: add as NAME at the end (usage: [at TIME] hold PATTERN as NAME)`},
		{"hold type=invite as h", L(1) + `6: unknown key "type" for hold; it takes no key=value arguments (quote a word that contains =)`},
		{"release", L(1) + `1: release: missing H (usage: [at TIME] release H)`},
		{"drop-next", L(1) + `1: drop-next: missing PATTERN (usage: [at TIME] drop-next PATTERN)`},
		{"dup-next a b", L(1) + `12: dup-next: unexpected argument "b" (usage: [at TIME] dup-next PATTERN)`},
		// running, observing, generators
		{"run", L(1) + `1: run: missing DUR|until quiet (usage: run DUR | run until quiet [limit=DUR])`},
		{"run 30", L(1) + `5: run: duration "30" has no unit; add one (e.g. 30s or 30ms) (or run until quiet)`},
		{"run 5s limit=1s", L(1) + `1: run: limit= only applies to run until quiet`},
		{"run until", L(1) + `1: run takes a duration (run 5s) or until quiet (run until quiet limit=1m)`},
		{"at 1s run 5s", L(1) + `1: run cannot have an at TIME prefix`},
		{"swarm intensity=2", L(1) + `7: swarm: intensity: "2" is not a probability in [0,1] (or 0%..100%)`},
		{"show callbcks", L(1) + `6: show: unknown what "callbcks" (did you mean "callbacks"?); want one of callbacks, calls, counts, hands, invitations, pushes, results, rooms, server, signaling, trace`},
		{"show", L(1) + `1: show: missing WHAT (usage: show callbacks|calls|counts|hands|invitations|pushes|results|rooms|server|signaling|trace [FILTER] [filter=TEXT])`},
		{"show trace a b", L(1) + `14: show: unexpected argument "b" (usage: show callbacks|calls|counts|hands|invitations|pushes|results|rooms|server|signaling|trace [FILTER] [filter=TEXT])`},
		{"check now", L(1) + `7: check: unexpected argument "now" (usage: check)`},
		{"check x=1", L(1) + `7: unknown key "x" for check; it takes no key=value arguments (quote a word that contains =)`},
		{"expect", L(1) + `1: expect needs something to check (e.g. expect violations 0)`},
		{"expect a=1 a=2", L(1) + `12: expect: duplicate a (first at t.sig:` + itoa(p+1) + `:8)`},
		{"generate frob", L(1) + `10: generate: unknown kind "frob"; want one of calls, group-invites, invites`},
		{"generate invites group=team", L(1) + `18: generate invites: group= only applies to group-invites`},
		{"generate group-invites", L(1) + `1: generate group-invites: missing required group=GROUP`},
		{"generate invites rate=100", L(1) + `18: generate: rate: rate "100" has no unit; add one (e.g. 100/s)`},
		{"generate invites answer=accept:0.7,reject:0.5", L(1) + `18: generate: answer: weights add up to 1.2, more than 1`},
		{"generate invites answer=accept", L(1) + `18: generate: answer: invalid weight "accept" (want NAME:P, e.g. accept:0.5)`},
		{"generate invites count=-3", L(1) + `18: generate: count: negative number "-3"`},
		// times
		{"!at +5ms alice login", `t.sig:1:4: relative time "+5ms" needs an earlier at in the file`},
		{"at 30 alice login", L(1) + `4: at: duration "30" has no unit; add one (e.g. 30s or 30ms)`},
		{"at -1s alice login", L(1) + `4: time "-1s" is negative`},
		{"at +-1s alice login", L(1) + `4: malformed relative time "+-1s" (want e.g. at +50ms)`},
		{"at soon alice login", L(1) + `4: at: invalid duration "soon" (want e.g. 100ms, 1.5s, 2m)`},
		{"at", L(1) + `1: missing time after at (e.g. at 100ms, at +50ms)`},
		{"at 1s", L(1) + `1: missing command after at 1s`},
		{"!at 2562047h alice login\nat +2562047h bob login", `t.sig:2:4: time "+2562047h" overflows`},
		// lexical and block structure
		{`alice invite bob data="abc`, L(1) + `23: unterminated quoted string`},
		{`alice invite bob data="a\qb"`, L(1) + `23: invalid quoted string "a\qb" (Go syntax: \" \\ \n \t \xNN \uNNNN)`},
		{`alice invite bob data=x"y`, L(1) + `24: unterminated quoted string`},
		{"!----", "t.sig:1:" + `1: ---- must follow a command line (no command before it)`},
		{"run 1s\n# c\n----", L(3) + `1: ---- must follow a command line (no command before it)`},
		{"run 1s\n---- ", L(2) + `1: the separator must be exactly ---- (no spaces around it)`},
		{"run 1s\n----\n----\nout\n", L(2) + `1: expected output opened with ----/---- is not closed by ----/---- and a blank line`},
	}
	for _, tt := range tests {
		src := prelude + tt.src + "\n"
		if strings.HasPrefix(tt.src, "!") {
			src = tt.src[1:] + "\n"
		}
		_, err := Parse("t.sig", []byte(src))
		var pe *Error
		if err == nil || !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want %s", tt.src, err, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, err, tt.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestEmptyScenario: a file without a single command is an error, not a
// scenario that passes by doing nothing.
func TestEmptyScenario(t *testing.T) {
	for _, src := range []string{"", "\n", "# only a comment\n", "\n\n# a\n\n"} {
		_, err := Parse("e.sig", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), "e.sig:1:1: empty scenario: no command") {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestExpectedLinesThatReadAsCommands: the parser marks the lines of an
// expected output that read as script lines (a missing blank line put them
// there); output-shaped lines are not marked.
func TestExpectedLinesThatReadAsCommands(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"at 2s bob accept call", true},
		{"at +0 bob acept call", true},
		{"bob accept call", true},
		{"bob/2 acept call", true},
		{"run 5s", true},
		{"check", true},
		{"# a comment", true},
		{"  # indented comment", true},
		{"    100.000ms alice/1: invite bob timeout=30s", false},
		{"at    1000.000ms: summary of a busy run", false},
		{"ok: every invariant holds", false},
		{"no live invitations", false},
		{"not quiet after 1h0m0s", false},
		{"offline-push to=bob title=\"\" inviteID=x", false},
		{"seq=1 GetSignalingInfo: nil", false},
		{"s0: users=2 sessions=2", false},
		{"error: expect call bob=accepted: got pending", false},
	} {
		if got := looksLikeCommand(tc.line); got != tc.want {
			t.Errorf("looksLikeCommand(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestErrorList(t *testing.T) {
	_, err := Parse("m.sig", []byte("heel\nrun 30\n\nalice accept nope\n"))
	var l ErrorList
	if !errors.As(err, &l) || len(l) != 3 {
		t.Fatalf("error %v", err)
	}
	if l[0].Pos.Line != 1 || l[1].Error() != `m.sig:2:5: run: duration "30" has no unit; add one (e.g. 30s or 30ms) (or run until quiet)` ||
		l[2].Error() != `m.sig:4:14: unknown handle "nope" (no handles defined yet; define one with as NAME)` {
		t.Errorf("errors:\n%v", err)
	}
	if !strings.Contains(err.Error(), "\nm.sig:2:5: run:") {
		t.Errorf("Error() = %q", err.Error())
	}
	var pe *Error
	if !errors.As(err, &pe) || pe != l[0] {
		t.Error("errors.As through ErrorList")
	}
	_, err = Parse("m.sig", []byte(strings.Repeat("bogus\n", 25)))
	if !errors.As(err, &l) || len(l) != 10 || l[9].Pos.Line != 10 {
		t.Errorf("cap: %d errors", len(l))
	}
	// A handle whose line has another error is still defined: no cascade.
	_, err = Parse("m.sig", []byte("alice invite bob timeout=5 as c\nbob accept c\n"))
	if _, ok := err.(*Error); !ok {
		t.Errorf("want one error, got %v", err)
	}
}
