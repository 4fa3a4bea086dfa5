package apps

import (
	"strconv"
	"strings"
)

// The custom data the reference apps put in invitations, as JSON objects
// (the source document's demo puts the roomID in the invitation's data, and
// the end of a call with its duration in a second invitation's):
//
//	{"roomID":"alice.1"}                                   a call
//	{"cmd":"hangup","roomID":"alice.1","duration":62}      the end of a call, duration in seconds
//	busy                                                   a reject: the callee is in another call
//	declined                                               a reject: the callee said no
//	{"cmd":"raise-hand","round":3}                         the classroom's invitations
//	{"cmd":"speak","round":3}

// Data of the rejections.
const (
	DataBusy     = "busy"
	DataDeclined = "declined"
)

func callData(room string) string { return `{"roomID":` + strconv.Quote(room) + `}` }

func hangupData(room string, seconds int64) string {
	return `{"cmd":"hangup","roomID":` + strconv.Quote(room) + `,"duration":` + strconv.FormatInt(seconds, 10) + `}`
}

func classData(cmd string, round int) string {
	return `{"cmd":` + strconv.Quote(cmd) + `,"round":` + strconv.Itoa(round) + `}`
}

// field returns the value of key in a flat JSON object: a string's contents,
// or a number's text; ok is false if the key is not there.
func field(data, key string) (string, bool) {
	k := `"` + key + `":`
	i := strings.Index(data, k)
	if i < 0 {
		return "", false
	}
	v := strings.TrimLeft(data[i+len(k):], " ")
	if strings.HasPrefix(v, `"`) {
		for j := 1; j < len(v); j++ {
			switch v[j] {
			case '\\':
				j++
			case '"':
				s, err := strconv.Unquote(v[:j+1])
				return s, err == nil
			}
		}
		return "", false
	}
	j := 0
	for j < len(v) && (v[j] == '-' || v[j] >= '0' && v[j] <= '9') {
		j++
	}
	return v[:j], j > 0
}

// parsed is what the apps read in an invitation's data.
type parsed struct {
	cmd      string // "" for a call, "hangup", "raise-hand", "speak"
	room     string
	duration int64 // seconds (hangup)
	round    int
}

func parse(data string) (p parsed, ok bool) {
	p.cmd, _ = field(data, "cmd")
	p.room, ok = field(data, "roomID")
	if d, found := field(data, "duration"); found {
		p.duration, _ = strconv.ParseInt(d, 10, 64)
	}
	if r, found := field(data, "round"); found {
		p.round, _ = strconv.Atoi(r)
		ok = ok || p.cmd != ""
	}
	return p, ok
}
