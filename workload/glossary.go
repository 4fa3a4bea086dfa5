package workload

import (
	"strings"

	"sigsim/bench"
)

// glossary defines every metric and counter the workloads report, by the
// name before any mode prefix; a key ending in "." defines a family
// (errors.8010.accept is one of "errors."). classroomGlossary overrides
// the names whose meaning differs there. The reports print the
// definitions of the names they hold (bench.Report.Definitions).
var glossary = map[string]string{
	// Latencies, in virtual time, from the intended time of the action
	// (no coordinated omission) to the callback that tells of it.
	"ring":                            "from a call's arrival (the intended time of its invite) to the invitee's OnReceiveNewInvitation: how long until the callee's phone rings",
	"accept":                          "from the callee's accept call to the inviter's OnInviteeAccepted",
	"reject":                          "from the callee's reject call to the inviter's OnInviteeRejected",
	"cancel":                          "from the inviter's cancel call to the invitee's OnInvitationCancelled",
	"timeout_late":                    "how late the inviter's OnInvitationTimeout came: its time minus (the call's arrival + the invitation's timeout)",
	"timeout_skew":                    "for an invitation both parties saw time out, the gap between the inviter's and the invitee's OnInvitationTimeout",
	"queue":                           "how long a frame waited at a shard before its service began (queueing delay; none without a service time)",
	"setup":                           "call setup time: from a call's arrival to the moment both parties see each other in the call's room (the caller's OnRemoteUserEnterRoom of the callee, and the callee's of the caller, the later of the two)",
	"talk":                            "how long a call that was on lasted, from the parties seeing each other in the room to the first hang-up",
	"duration_error":                  "for a call that ended with a duration announcement, the announced duration (whole seconds) minus the overlap of the parties in the room",
	"busy_rejections":                 "calls rejected with data \"busy\" because the callee was in a call or ringing",
	"ghosts_per_million_calls":        "ghost calls (a party alone in the room past the bound after the other party's outcome was final) per million calls placed",
	"disagreements_per_million_calls": "calls whose parties disagree on whether the call happened, per million calls placed",
	"app.":                            "the call app's own counters, by name (dialed, connected, hung_up, announced, ...)",

	"calls":                       "calls placed (invitations sent)",
	"outcome.":                    "how each call ended, as its inviter learned it: accepted, rejected, busy (rejected at once with data \"busy\"), cancelled, timeout, failed (the invite was refused), unknown (no outcome when the run ended)",
	"anomaly.":                    "calls where what the two parties learned does not add up, or the call-level invariants' findings: ghost_call (a party stayed alone in the room), disagree (the parties' outcomes differ, or whether the call happened), duration (an announced duration off the room overlap), two_rooms (a user in two call rooms at once), busy_ring (a user in a call rang without answering busy), stuck (no outcome at the end), cancel_accept (both the cancel and the accept succeeded), accept_timeout (the accept succeeded yet a party was told the call timed out), disagree (the parties' outcomes differ), two_outcomes, repeat (one outcome told twice), before_ring (an outcome of a call that never rang), scope (a callback reached another user), stuck (no outcome at the end), late_callback (a callback long after the end)",
	"anomalies":                   "calls with at least one anomaly, plus late callbacks",
	"anomalies_per_million_calls": "anomalies per million calls placed",
	"unreached":                   "calls whose invitee never heard of them (say, cancelled before the ring arrived): not an anomaly",
	"skipped_answers":             "answers and cancels not sent because the party already knew the call had ended",
	"plan.":                       "what the workload meant each call to do: accept, reject, busy, busy_engaged (the callee was in another call: its app rejected at once), no_answer, cancel, cancel_accept and accept_timeout (race)",
	"errors.":                     "API results with an error code, by code and operation (errors.8010.accept: an accept refused with 8010)",
	"callbacks.":                  "callbacks the workload's users received, by kind",
	"api.":                        "API calls the workload made, by operation",
	"arrivals.no_idle_caller":     "arrivals dropped because eight tries found no idle user to place the call: the population, not the system, limited the rate",

	"net.sends":      "frames sent by devices and shards (each retransmission too)",
	"net.sends.":     "frames sent, by frame type",
	"net.delivers":   "frames delivered",
	"net.drops":      "frames lost (loss, a partition, a crashed node), and copies of a device frame dropped on arrival while the frame still waited in the shard's queue",
	"net.dups":       "frames delivered twice",
	"timers":         "timer events fired (retransmissions, acks, timeouts)",
	"api.calls":      "API calls made, by every device (logins included)",
	"api.results":    "API results returned",
	"callbacks":      "callbacks fired, on every device",
	"faults":         "fault events (a pause, a crash, a partition starting or ending)",
	"events":         "simulator events processed",
	"setup_failures": "calls that failed because their device had not finished logging in: the warm-up was too short",
	"violations":     "invariant violations the checkers found",
	"violations.":    "invariant violations, by invariant",

	"capacity.": "the sweep's verdict, rates floored to whole invitations per second: points (runs measured), knee_rate, max_rate_per_shard; per shard count N (capacity.shards_N.*): held_rate (the highest rate up to which the SLO held), knee_rate, max_rate_per_shard",
}

var classroomGlossary = map[string]string{
	"ring":                     "from the teacher's raise-hand invitation (InviteInGroup) to each student's OnReceiveNewInvitation",
	"speak_ring":               "from the teacher's invitation to speak to the chosen student's OnReceiveNewInvitation",
	"accept":                   "from a student's accept call to the teacher's OnInviteeAccepted",
	"timeout_skew":             "the spread of one raise-hand invitation's OnInvitationTimeout callbacks over its members (latest minus earliest)",
	"rounds":                   "raise-hand rounds run, over every class",
	"outcome.raised_hand":      "students who raised a hand (accepted the raise-hand invitation)",
	"outcome.no_hand_timeout":  "students whose raise-hand invitation timed out",
	"outcome.invited_to_speak": "students invited to speak",
	"outcome.spoke":            "students who accepted the invitation to speak",
	"callbacks.earlier_round":  "callbacks about an earlier round's invitation (after the class moved on)",
	"on_mic":                   "from the teacher's invitation to speak to a class member seeing the speaker's video in the class room (the speaker on mic)",
	"anomaly.":                 "the classroom invariants' findings: wrong_speaker (a student invited to speak who had not raised a hand), hands_disagree (members who saw different lists of raised hands)",
}

// define finds the definition of a metric or counter of a workload: the
// key it is defined under (the name without a mode prefix, or its family
// "errors.*") and the text; ok is false if the glossary lacks it.
func define(workload, name string) (key, text string, ok bool) {
	for _, p := range []string{"server.", "client."} {
		if r, found := strings.CutPrefix(name, p); found {
			name = r
		} else if r, found := strings.CutPrefix(name, "outcome."+p); found {
			name = "outcome." + r
		}
	}
	gs := []map[string]string{glossary}
	if strings.HasSuffix(workload, "classroom") {
		gs = []map[string]string{classroomGlossary, glossary}
	}
	for _, g := range gs {
		if d, found := g[name]; found {
			return name, d, true
		}
	}
	// The longest family that holds the name, the workload's first.
	for _, g := range gs {
		best := ""
		for k := range g {
			if strings.HasSuffix(k, ".") && strings.HasPrefix(name, k) && len(k) > len(best) {
				best = k
			}
		}
		if best != "" {
			return best + "*", g[best], true
		}
	}
	return "", "", false
}

// definitions returns the definitions of the metrics in m and the
// counters named (see define).
func definitions(workload string, m *bench.Metrics, counts []string) map[string]string {
	defs := map[string]string{}
	for _, n := range append(m.Names(), counts...) {
		if k, d, ok := define(workload, n); ok {
			defs[k] = d
		}
	}
	return defs
}
