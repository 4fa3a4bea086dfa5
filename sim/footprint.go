package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
)

// Memory a run needs, estimated before anything is allocated, so that a run
// too large for the machine (a typo in --users, a generator with a count of
// 1e11) is refused with a message instead of dying of "out of memory" or
// running for days. The figures are peak heap bytes (live data plus the
// garbage collector's headroom), measured on this project's machine at
// commit 32cefbe:
//
//   - DeviceBytes: `sigbench calls --users=N --rate=1 --duration=1s` peaks at
//     225.9 MiB for 100k users and 425.7 MiB for 200k: 2,095 B per user
//     (1,805 B before the adaptive RTO's estimators and the request
//     bookkeeping). Of it 1,301 B is live after a GC (`go test -run XXX
//     -bench DeviceMemory -benchtime 1x ./sim/`, "idle": the device, its
//     links, its client and its session at the shard); the rest is headroom
//     and the workload's arrays.
//   - GroupMemberBytes: a device holding a ringing group invitation is 2,285 B
//     live instead of 1,182 (DeviceMemory "holding"). `sigbench classroom
//     --checks=off` (two group invitations live per class) peaks, net of
//     DeviceBytes per member, at 1,870 B per (member, live group invitation)
//     for 500 classes of 100, 2,960 B for 1,000 of 100 (30s), and 1,000 B for
//     10,000 of 200 (7.6 GB, reports/README.md): 1,500 B, between them.
//   - LiveInvitationBytes: `sigbench mass-timeout --window=1s
//     --service-time=0 --checks=on` peaks at 1,642 B per live invitation for
//     100k invitations and 1,622 B for 300k (1,583 B at 1M, reports/README.md):
//     the shard's record and stored message (348 B, `-bench
//     LiveInvitationMemory ./engine/`), the two devices' copies, the frames in
//     flight and the checker's share.
//   - EndedInvitationBytes: an ended invitation the shards keep as history for
//     the retention (10 min by default), with its stored messages and the
//     checkers' state: a scenario generating 100k and then 300k invitations
//     (timeout 1s, 10,000/s, so about 10k live at a time) and running until
//     quiet peaks at 117.5 MB and 320.2 MB of RSS: 1,013 B per invitation.
//   - CheckedInvitationBytes: the invariant checkers keep about 100 B for every
//     invitation until the run ends (`-bench CheckerMemory ./sim/`: 98 B;
//     about 130 B in the 1M mass timeout after GC).
const (
	DeviceBytes            = 2_100
	GroupMemberBytes       = 1_500
	LiveInvitationBytes    = 1_650
	EndedInvitationBytes   = 1_000
	CheckedInvitationBytes = 130
)

// DefaultMaxMemory is the memory a run may need before it is refused unless
// the user raises the limit (sigbench --max-memory, the world's max-memory=
// key). It is a fixed 16 GiB, not the machine's RAM, so that whether a
// scenario runs does not depend on the machine it runs on.
const DefaultMaxMemory int64 = 16 << 30

// Footprint is what a run holds at its peak, for the memory estimate.
type Footprint struct {
	Devices         float64 // devices in the world
	LiveInvitations float64 // invitations alive at the peak
	Ended           float64 // ended invitations still kept as history at the peak
	GroupMembers    float64 // (member, live group invitation) pairs at the peak
	Invitations     float64 // invitations over the whole run (the checkers keep each)
	Checks          bool    // the invariant checkers are on
}

// Bytes is the estimated peak heap, in bytes (a float: the inputs of a
// refused run overflow an int64).
func (f Footprint) Bytes() float64 {
	b := f.Devices*DeviceBytes + f.LiveInvitations*LiveInvitationBytes + f.Ended*EndedInvitationBytes +
		f.GroupMembers*GroupMemberBytes
	if f.Checks {
		b += f.Invitations * CheckedInvitationBytes
	}
	return b
}

// Explain says what the estimate is made of, for the refusal message.
func (f Footprint) Explain() string {
	var parts []string
	add := func(n float64, what string, per int) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s × %s B", countString(n), what, strconv.Itoa(per)))
		}
	}
	add(f.Devices, "devices", DeviceBytes)
	add(f.LiveInvitations, "live invitations", LiveInvitationBytes)
	add(f.Ended, "ended invitations kept", EndedInvitationBytes)
	add(f.GroupMembers, "group members ringing", GroupMemberBytes)
	if f.Checks {
		add(f.Invitations, "checked invitations", CheckedInvitationBytes)
	}
	return strings.Join(parts, " + ")
}

func countString(n float64) string {
	if n < 1e15 {
		return strconv.FormatFloat(n, 'f', 0, 64)
	}
	return strconv.FormatFloat(n, 'g', 3, 64)
}

var sizeUnits = []struct {
	unit string
	mul  float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"PiB", 1 << 50},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"PB", 1e15}, {"B", 1},
}

// ParseSize parses a memory size: a number and a unit, "16GiB", "512MiB",
// "2.5GB", "100000B" (units KiB, MiB, GiB, TiB, PiB, KB, MB, GB, TB, PB, B).
// It must be positive.
func ParseSize(s string) (int64, error) {
	for _, u := range sizeUnits {
		num, ok := strings.CutSuffix(s, u.unit)
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || num == "" || strings.ContainsAny(num, "eE+-") {
			break
		}
		b := x * u.mul
		if b < 1 {
			return 0, fmt.Errorf("size %q must be at least 1 byte", s)
		}
		if b >= math.MaxInt64 {
			return 0, fmt.Errorf("size %q is too large", s)
		}
		return int64(b), nil
	}
	return 0, fmt.Errorf("invalid size %q (want e.g. 16GiB, 512MiB, 2GB)", s)
}

// FormatSize formats a byte count with a binary unit: "16 GiB", "1.5 TiB".
func FormatSize(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if b == math.Trunc(b) || b >= 100 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// CheckMemory refuses a run whose estimated footprint exceeds limit bytes
// (limit ≤ 0: DefaultMaxMemory). The error gives the estimate and what it is
// made of; the caller adds the flag or key that raises the limit.
func CheckMemory(f Footprint, limit int64) error {
	if limit <= 0 {
		limit = DefaultMaxMemory
	}
	if b := f.Bytes(); b > float64(limit) {
		return fmt.Errorf("needs about %s of memory (%s), more than the limit of %s",
			FormatSize(b), f.Explain(), FormatSize(float64(limit)))
	}
	return nil
}

// Flow estimates the invitations a steady flow holds at its peak: count
// invitations arriving at rate per second, each alive for at most hold
// seconds (its timeout; 0 when it never times out, and then every one may
// stay alive), then kept as history for retention (ns; 0 = the engine's
// default).
func Flow(count, rate, hold float64, retention time.Duration) (live, ended float64) {
	if retention <= 0 {
		retention = engine.DefaultRetention
	}
	live = count
	if hold > 0 && rate > 0 {
		live = min(count, rate*hold)
	}
	ended = max(0, min(count-live, rate*float64(retention)/1e9))
	return live, ended
}
