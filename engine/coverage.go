package engine

import "strconv"

// Path names a rare code path that a sweep should see taken at least once: a
// "sometimes" assertion, as FoundationDB's TEST() and Antithesis' Sometimes.
// A node reports each path it takes in Output.Paths; the simulator counts
// them across a run and explore across a sweep, and reports the paths never
// taken. A path never taken is a branch no run has exercised: the sweep
// cannot have found a bug in it.
type Path uint8

// The paths. Adding one is adding a constant here, its name in pathNames, and a
// hit where the engine takes it.
const (
	// PathRequestFromLog: a retransmitted request answered again from the
	// shard's request log, not applied twice.
	PathRequestFromLog Path = iota + 1
	// PathRequestAwaitingOwner: a retransmitted request whose first copy is
	// still being decided on another shard (dropped; its answer will come).
	PathRequestAwaitingOwner
	// PathLateCopyDropped: a late copy of a request the device already has its
	// answer to (below its Frame.Low) dropped.
	PathLateCopyDropped
	// PathLoginRetransmitted: a retransmitted login answered again without a
	// second sync.
	PathLoginRetransmitted
	// PathStaleLoginDropped: a login overtaken by a newer one of the same device.
	PathStaleLoginDropped
	// PathNoSession: a request for a session the shard no longer has (it
	// crashed, or the session was replaced): the device is told to log in.
	PathNoSession
	// PathPushResent: a shard resent pushes not acknowledged in time.
	PathPushResent
	// PathPushRodeOnResponse: a push travelled inside the response to the
	// request that caused it.
	PathPushRodeOnResponse
	// PathAnswerWaitedForPush: a device deferred an API result until the pushes
	// the shard sent before it were applied.
	PathAnswerWaitedForPush
	// PathAnswerOfOldSession: an answer that arrived on an earlier session
	// waited for the new login's sync.
	PathAnswerOfOldSession
	// PathPushFromReorderBuffer: a push that arrived ahead of its turn was
	// kept and applied once the gap before it filled.
	PathPushFromReorderBuffer
	// PathStaleInviteDropped: client mode, an invite older than its timeout
	// by the receiver's clock dropped silently.
	PathStaleInviteDropped
	// PathSyncSkippedEnded: a login's sync skipped an invitation that ended
	// before the device saw its invite.
	PathSyncSkippedEnded
	// PathUnknownInvitationDropped: a message about an invitation the device
	// never received dropped (receive first).
	PathUnknownInvitationDropped
	// PathOnlineOnlyForgotten: a device forgot an online-only invitation whose
	// end could no longer reach it.
	PathOnlineOnlyForgotten
	// PathAddedInvitationForgotten: a device forgot an invitation added from
	// an offline push whose invite never arrived.
	PathAddedInvitationForgotten
	// PathAnswerAtDeadline: an answer reached the owning shard at the exact
	// instant of its invitation's deadline (the same-instant rule decided).
	PathAnswerAtDeadline
	// PathBusResend: a shard resent a shard-to-shard frame not acknowledged
	// in time.
	PathBusResend
	// PathBusDuplicate: a shard dropped a shard-to-shard frame it had already
	// applied.
	PathBusDuplicate
	// PathLogoutOvertookLogin: a device's LOGOUT reached the shard before
	// the LOGIN of the session it closes; that login, arriving later, was
	// dropped.
	PathLogoutOvertookLogin
	// PathClosedSessionLoggedOut: a device got a frame of a session it had
	// logged out of (the shard opened it anyway, or never heard the LOGOUT)
	// and answered it with LOGOUT instead of applying it.
	PathClosedSessionLoggedOut
	// PathInviteeDropped: a member left a group (quit, or the group was
	// dismissed) while an invitation of it was live: the shard dropped the
	// invitees it no longer concerns.
	PathInviteeDropped
	// PathPushBeforeLoginOK: a push of a new session overtook its LOGIN-OK
	// and waited for it.
	PathPushBeforeLoginOK
	// PathSyncSkippedLeft: a login's sync skipped an invitation of a group
	// the user left after it.
	PathSyncSkippedLeft
	// PathRequestAhead: a request that came before one its device made
	// earlier was kept, and applied after it.
	PathRequestAhead
	// PathEchoAwaitedAnswer: a push of the device's own kind of request,
	// which could be its echo or an earlier request's effect (before a
	// logout or a crash), waited for that request's answer to tell.
	PathEchoAwaitedAnswer
	// NumPaths bounds the paths: every Path is below it.
	NumPaths
)

var pathNames = [...]string{"?",
	"request-from-log", "request-awaiting-owner", "late-copy-dropped", "login-retransmitted",
	"stale-login-dropped", "no-session", "push-resent", "push-rode-on-response",
	"answer-waited-for-push", "answer-of-old-session", "push-from-reorder-buffer",
	"stale-invite-dropped", "sync-skipped-ended", "unknown-invitation-dropped",
	"online-only-forgotten", "added-invitation-forgotten", "answer-at-deadline",
	"bus-resend", "bus-duplicate", "logout-overtook-login", "closed-session-logged-out",
	"invitee-dropped", "push-before-login-ok", "sync-skipped-left",
	"request-ahead", "echo-awaited-answer",
}

func (p Path) String() string {
	if int(p) < len(pathNames) && p != 0 {
		return pathNames[p]
	}
	return "path(" + strconv.Itoa(int(p)) + ")"
}

// ParsePath finds a path by its name.
func ParsePath(name string) (Path, bool) {
	for p := Path(1); p < NumPaths; p++ {
		if pathNames[p] == name {
			return p, true
		}
	}
	return 0, false
}

// hit records that the node took path p.
func (o *Output) hit(p Path) { o.Paths = append(o.Paths, p) }
