package engine

import (
	"errors"
	"fmt"
)

// Code is a result code as the SDK reports it in an error callback; 0 is success.
// The numbers are Tencent Cloud IM's where it has one; the ones it leaves open are
// ours, chosen outside its ranges in use, and documented here.
type Code int32

// Result codes.
const (
	OK Code = 0
	// CodeNotLoggedIn (6014): the device has not completed login.
	CodeNotLoggedIn Code = 6014
	// CodeInvalidParameters (6017): an empty invitee, group or invitation ID, a negative
	// timeout, inviting oneself, or an empty invitee list.
	CodeInvalidParameters Code = 6017
	// CodeInviteInvalid (8010): the invitation is unknown, the caller is not a pending
	// invitee, or it was already handled, cancelled or timed out.
	CodeInviteInvalid Code = 8010
	// CodeNotInviter (8011): only the inviter may cancel or modify.
	CodeNotInviter Code = 8011
	// CodeInviteExists (8012): AddInvitedSignaling for an invitation already known.
	CodeInviteExists Code = 8012
	// CodeOnlineOnlyModify (8013, ours): Modify on an online-only invitation, which has
	// no stored message to modify.
	CodeOnlineOnlyModify Code = 8013
	// CodeDataTooLarge (8014, ours): data longer than MaxDataLen.
	CodeDataTooLarge Code = 8014
	// CodeGroupNotFound (10010): no such group, or it was dismissed.
	CodeGroupNotFound Code = 10010
	// CodeNotGroupMember (10007): the caller or an invitee is not a member of the group.
	CodeNotGroupMember Code = 10007
	// CodeGroupExists (10021): CreateGroup with an ID in use.
	CodeGroupExists Code = 10021
	// CodeAlreadyMember (10013): JoinGroup by a member.
	CodeAlreadyMember Code = 10013
	// CodeOwnerCannotQuit (10009): the owner of a group cannot quit it.
	CodeOwnerCannotQuit Code = 10009
	// CodeNotGroupOwner (10004, ours for this meaning): only the owner may dismiss.
	CodeNotGroupOwner Code = 10004
)

// MaxDataLen is the largest custom data an invitation operation may carry (8 KiB),
// like the IM message size limit that would otherwise reject the message.
const MaxDataLen = 8 << 10

var codeText = map[Code]string{
	OK:                    "ok",
	CodeNotLoggedIn:       "not logged in",
	CodeInvalidParameters: "invalid parameters",
	CodeInviteInvalid:     "invitation invalid",
	CodeNotInviter:        "not the inviter",
	CodeInviteExists:      "invitation already exists",
	CodeOnlineOnlyModify:  "online-only invitation cannot be modified",
	CodeDataTooLarge:      "data too large",
	CodeGroupNotFound:     "group not found",
	CodeNotGroupMember:    "not a group member",
	CodeGroupExists:       "group already exists",
	CodeAlreadyMember:     "already a group member",
	CodeNotGroupOwner:     "not the group owner",
	CodeOwnerCannotQuit:   "owner cannot quit",
}

// String is the canonical form used in traces: "ok" or "8010 invitation invalid".
func (c Code) String() string {
	t, ok := codeText[c]
	if c == OK {
		return "ok"
	}
	if !ok {
		t = "unknown code"
	}
	return fmt.Sprintf("%d %s", int32(c), t)
}

// Error is an error carrying a Code.
type Error struct {
	Code Code
	Msg  string // what exactly was wrong; may be empty
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return e.Code.String()
	}
	return e.Code.String() + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInviteInvalid) match any *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// Sentinel errors, one per code, for errors.Is.
var (
	// ErrNotLoggedIn: the API was called before login completed or after logout.
	ErrNotLoggedIn = &Error{Code: CodeNotLoggedIn}
	// ErrInvalidParameters: an argument is empty or out of range.
	ErrInvalidParameters = &Error{Code: CodeInvalidParameters}
	// ErrInviteInvalid: unknown invitation, or already handled for this caller.
	ErrInviteInvalid = &Error{Code: CodeInviteInvalid}
	// ErrNotInviter: cancel or modify by someone other than the inviter.
	ErrNotInviter = &Error{Code: CodeNotInviter}
	// ErrInviteExists: AddInvitedSignaling of a known invitation.
	ErrInviteExists = &Error{Code: CodeInviteExists}
	// ErrOnlineOnlyModify: modify of an online-only invitation.
	ErrOnlineOnlyModify = &Error{Code: CodeOnlineOnlyModify}
	// ErrDataTooLarge: data longer than MaxDataLen.
	ErrDataTooLarge = &Error{Code: CodeDataTooLarge}
	// ErrGroupNotFound: the group does not exist.
	ErrGroupNotFound = &Error{Code: CodeGroupNotFound}
	// ErrNotGroupMember: caller or invitee outside the group.
	ErrNotGroupMember = &Error{Code: CodeNotGroupMember}
)

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}
