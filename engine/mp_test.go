package engine

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// libEncode is the reference: the frame encoded with the msgpack library.
func libEncode(f *Frame) []byte {
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	_ = e.EncodeArrayLen(3)
	_ = e.EncodeUint(uint64(f.Type))
	_ = e.EncodeUint(f.Epoch)
	switch f.Type {
	case FrameLogin:
		_ = e.EncodeArrayLen(3)
		_ = e.EncodeString(f.User)
		_ = e.EncodeString(f.Device)
		_ = e.EncodeUint(f.Cursor)
	case FrameLoginOK:
		_ = e.EncodeArrayLen(1)
		_ = e.EncodeUint(f.Seq)
	case FrameLogout:
		_ = e.EncodeArrayLen(0)
	case FrameRequest, FrameForward:
		_ = e.EncodeArrayLen(11)
		_ = e.EncodeUint(f.ReqID)
		_ = e.EncodeUint(uint64(f.Op))
		_ = e.EncodeString(f.User)
		_ = e.EncodeString(f.Device)
		_ = e.EncodeInt(int64(f.Origin))
		if f.Op.carriesInfo() {
			libSignaling(e, &f.Info)
		} else {
			_ = e.EncodeNil()
		}
		_ = e.EncodeString(f.GroupID)
		libStrings(e, f.Members)
		if f.HasPush {
			_ = e.EncodeArrayLen(2)
			_ = e.EncodeString(f.Push.Title)
			_ = e.EncodeString(f.Push.Desc)
		} else {
			_ = e.EncodeNil()
		}
		if f.Type == FrameRequest {
			_ = e.EncodeUint(f.Ack)
			_ = e.EncodeUint(f.Low)
		} else {
			_ = e.EncodeUint(f.BusSeq)
			_ = e.EncodeUint(f.BusAck)
		}
	case FrameResponse, FrameReply:
		_ = e.EncodeArrayLen(10)
		_ = e.EncodeUint(f.ReqID)
		_ = e.EncodeInt(int64(f.Code))
		_ = e.EncodeString(f.Text)
		libStrings(e, f.Members)
		_ = e.EncodeInt(int64(f.Origin))
		_ = e.EncodeUint(uint64(f.Op))
		_ = e.EncodeString(f.User)
		_ = e.EncodeString(f.Device)
		if f.Type == FrameReply {
			_ = e.EncodeUint(f.BusSeq)
			_ = e.EncodeUint(f.BusAck)
			break
		}
		_ = e.EncodeUint(f.Seq)
		if f.HasMsg {
			libMessage(e, f.Msg)
		} else {
			_ = e.EncodeNil()
		}
	case FramePush:
		_ = e.EncodeArrayLen(2)
		_ = e.EncodeUint(f.Seq)
		libMessage(e, f.Msg)
	case FrameAck:
		_ = e.EncodeArrayLen(1)
		_ = e.EncodeUint(f.Seq)
	case FrameDeliver:
		_ = e.EncodeArrayLen(7)
		libStrings(e, f.Members)
		libMessage(e, f.Msg)
		_ = e.EncodeBool(f.Ended)
		_ = e.EncodeBool(f.HasPush)
		_ = e.EncodeArrayLen(2)
		_ = e.EncodeString(f.Push.Title)
		_ = e.EncodeString(f.Push.Desc)
		_ = e.EncodeUint(f.BusSeq)
		_ = e.EncodeUint(f.BusAck)
	case FrameBusAck:
		_ = e.EncodeArrayLen(1)
		_ = e.EncodeUint(f.BusAck)
	}
	return buf.Bytes()
}

func libSignaling(e *msgpack.Encoder, s *SignalingInfo) {
	_ = e.EncodeArrayLen(signalingFields)
	_ = e.EncodeInt(int64(s.BusinessID))
	_ = e.EncodeString(s.InviteID)
	_ = e.EncodeString(s.GroupID)
	_ = e.EncodeString(s.Inviter)
	libStrings(e, s.InviteeList)
	_ = e.EncodeString(s.Data)
	_ = e.EncodeInt(int64(s.Timeout))
	_ = e.EncodeUint(uint64(s.ActionType))
	_ = e.EncodeBool(s.OnlineUserOnly)
}

func libMessage(e *msgpack.Encoder, m *Message) {
	_ = e.EncodeArrayLen(messageFields)
	_ = e.EncodeUint(m.Seq)
	_ = e.EncodeUint(uint64(m.Conv))
	_ = e.EncodeString(m.Sender)
	_ = e.EncodeString(m.SenderDevice)
	_ = e.EncodeString(m.Receiver)
	_ = e.EncodeString(m.GroupID)
	_ = e.EncodeInt(int64(m.Time))
	_ = e.EncodeBool(m.OnlineOnly)
	_ = e.EncodeUint(uint64(m.Elem))
	_ = e.EncodeBytes(m.Custom)
	_ = e.EncodeString(m.Text)
	_ = e.EncodeUint(uint64(m.Tip))
	libStrings(e, m.TipMembers)
}

func libStrings(e *msgpack.Encoder, l []string) {
	_ = e.EncodeArrayLen(len(l))
	for _, s := range l {
		_ = e.EncodeString(s)
	}
}

// TestEncoderMatchesLibrary: the hand-written encoder gives the library's bytes,
// and the fast decoder reads them back as the library decoder does.
func TestEncoderMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	uints := []uint64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64}
	ints := []int64{0, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64 / 4, 1 << 40}
	strs := []string{"", "a", strings.Repeat("x", 31), strings.Repeat("y", 32), strings.Repeat("z", 255), strings.Repeat("w", 256), strings.Repeat("v", 70000)}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	frames := sampleFrames()
	for i := 0; i < 3000; i++ {
		f := frames[rng.IntN(len(frames))]
		m := Message{}
		if f.Msg != nil {
			m = *f.Msg
		}
		f.Msg = &m
		f.Epoch = uints[rng.IntN(len(uints))]
		f.Seq = uints[rng.IntN(len(uints))]
		f.ReqID = uints[rng.IntN(len(uints))]
		f.Ack = uints[rng.IntN(len(uints))]
		f.Low = uints[rng.IntN(len(uints))]
		f.BusSeq = uints[rng.IntN(len(uints))]
		f.BusAck = uints[rng.IntN(len(uints))]
		if f.HasMsg && f.Seq == 0 {
			f.Seq = 1 // a carried push has a sequence
		}
		f.Origin = Addr(int32(ints[rng.IntN(len(ints))]))
		f.Msg.Time = Time(ints[rng.IntN(len(ints))])
		f.User = pick(strs)
		f.Text = pick(strs)
		f.Info.Data = pick(strs)
		f.Info.Timeout = int(uint32(uints[rng.IntN(len(uints))]) >> 1)
		if rng.IntN(3) == 0 {
			f.Members = make([]string, []int{0, 1, 15, 16, 70000}[rng.IntN(5)])
		}
		if rng.IntN(3) == 0 {
			f.Msg.Custom = bytes.Repeat([]byte{7}, []int{0, 255, 256, 70000}[rng.IntN(4)])
		}
		if rng.IntN(5) == 0 {
			f.Msg.Custom = nil
		}
		want := libEncode(&f)
		got := EncodeFrame(&f)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: encodings differ", f.Type)
		}
		fast, err1 := DecodeFrame(got)
		var fd frameDecoder
		var lib Frame
		fd.rd.Reset(got)
		fd.dec = msgpack.NewDecoder(&fd.rd)
		err2 := fd.decodeInto(&lib)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s: fast %v, library %v", f.Type, err1, err2)
		}
		if err1 == nil && !reflect.DeepEqual(normalize(fast), normalize(lib)) {
			t.Fatalf("%s: decodings differ:\n%+v\n%+v", f.Type, fast, lib)
		}
	}
}
