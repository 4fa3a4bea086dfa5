package engine

import (
	"encoding/binary"
	"unsafe"
)

// The hot path of the codec: our fixed schema written and read straight on byte
// slices. The encoder gives exactly the bytes github.com/vmihailenco/msgpack/v5
// gives (the smallest form of every number and length); the fast reader accepts
// exactly those canonical forms and reports anything else, which then goes
// through the msgpack library's decoder, so what decodes, and every error,
// stays the library's.

// mpReader reads the canonical forms; ok turns false at the first thing it does
// not take (the caller then falls back to the library decoder).
type mpReader struct {
	b  []byte
	p  int
	ok bool
}

func (r *mpReader) code() byte {
	if r.p >= len(r.b) {
		r.ok = false
		return 0xc1
	}
	c := r.b[r.p]
	r.p++
	return c
}

func (r *mpReader) n(k int) []byte {
	if len(r.b)-r.p < k {
		r.ok = false
		return nil
	}
	v := r.b[r.p : r.p+k]
	r.p += k
	return v
}

func (r *mpReader) arrayLen() int {
	c := r.code()
	switch {
	case c >= 0x90 && c <= 0x9f:
		return int(c & 0x0f)
	case c == 0xdc:
		if v := r.n(2); v != nil {
			return int(binary.BigEndian.Uint16(v))
		}
	case c == 0xdd:
		if v := r.n(4); v != nil {
			return int(binary.BigEndian.Uint32(v))
		}
	}
	r.ok = false
	return 0
}

func (r *mpReader) uint() uint64 {
	c := r.code()
	switch {
	case c <= 0x7f:
		return uint64(c)
	case c == 0xcc:
		if v := r.n(1); v != nil {
			return uint64(v[0])
		}
	case c == 0xcd:
		if v := r.n(2); v != nil {
			return uint64(binary.BigEndian.Uint16(v))
		}
	case c == 0xce:
		if v := r.n(4); v != nil {
			return uint64(binary.BigEndian.Uint32(v))
		}
	case c == 0xcf:
		if v := r.n(8); v != nil {
			return binary.BigEndian.Uint64(v)
		}
	}
	r.ok = false
	return 0
}

// int reads a signed field and checks its range like fieldReader.int64.
func (r *mpReader) int(lo, hi int64) int64 {
	var v int64
	c := r.code()
	switch {
	case c <= 0x7f:
		v = int64(c)
	case c >= 0xe0:
		v = int64(int8(c))
	case c >= 0xcc && c <= 0xcf:
		r.p--
		v = int64(r.uint())
	case c == 0xd0:
		if b := r.n(1); b != nil {
			v = int64(int8(b[0]))
		}
	case c == 0xd1:
		if b := r.n(2); b != nil {
			v = int64(int16(binary.BigEndian.Uint16(b)))
		}
	case c == 0xd2:
		if b := r.n(4); b != nil {
			v = int64(int32(binary.BigEndian.Uint32(b)))
		}
	case c == 0xd3:
		if b := r.n(8); b != nil {
			v = int64(binary.BigEndian.Uint64(b))
		}
	default:
		r.ok = false
	}
	if v < lo || v > hi {
		r.ok = false
	}
	return v
}

func (r *mpReader) bool() bool {
	switch r.code() {
	case 0xc3:
		return true
	case 0xc2:
		return false
	}
	r.ok = false
	return false
}

func (r *mpReader) isNil() bool {
	if r.p < len(r.b) && r.b[r.p] == 0xc0 {
		r.p++
		return true
	}
	return false
}

// str returns the raw bytes of a string (a view of the input).
func (r *mpReader) str() []byte {
	c := r.code()
	var n int
	switch {
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == 0xd9:
		if v := r.n(1); v != nil {
			n = int(v[0])
		}
	case c == 0xda:
		if v := r.n(2); v != nil {
			n = int(binary.BigEndian.Uint16(v))
		}
	case c == 0xdb:
		if v := r.n(4); v != nil {
			n = int(binary.BigEndian.Uint32(v))
		}
	default:
		r.ok = false
	}
	if !r.ok {
		return nil
	}
	return r.n(n)
}

// bin returns the raw bytes of a binary field; nil for msgpack nil.
func (r *mpReader) bin() []byte {
	if r.isNil() {
		return nil
	}
	c := r.code()
	var n int
	switch c {
	case 0xc4:
		if v := r.n(1); v != nil {
			n = int(v[0])
		}
	case 0xc5:
		if v := r.n(2); v != nil {
			n = int(binary.BigEndian.Uint16(v))
		}
	case 0xc6:
		if v := r.n(4); v != nil {
			n = int(binary.BigEndian.Uint32(v))
		}
	default:
		r.ok = false
	}
	if !r.ok {
		return nil
	}
	v := r.n(n)
	if v == nil && r.ok {
		v = []byte{}
	}
	return v
}

// internMax bounds the strings a shard keeps interned: names are bounded by the
// population, and past the bound strings are simply allocated. A device keeps
// far fewer (clientInternMax): a million devices each holding the names of
// every large group they hear from would cost more than the allocations saved.
const (
	internMax       = 1 << 16
	clientInternMax = 64
)

// interner gives decoded strings without allocating for the ones seen before:
// user, device and group names, push titles, data. Invite IDs are looked up
// among the invitations the node knows (ids), or its world's devices hold
// (shared), never kept here.
type interner struct {
	m      map[string]string
	ids    func(b []byte) (string, bool)
	max    int                // 0 means internMax
	shared *SharedClientState // names and lists shared by the devices of one world, if any
	// views, if set, makes every string a view of the bytes decoded and every
	// list a slice of views: nothing is copied or kept, for a frame that is
	// looked at while its bytes stay as they are (WireCheck).
	views *[]string
}

func (in *interner) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if in == nil {
		return string(b)
	}
	if in.views != nil {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	if sh := in.shared; sh != nil {
		if s, ok := sh.names[string(b)]; ok {
			return s
		}
		s := string(b)
		if len(sh.names) < sharedMax {
			sh.names[s] = s
		}
		return s
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if limit := in.max; len(in.m) < limit || (limit == 0 && len(in.m) < internMax) {
		if in.m == nil {
			in.m = make(map[string]string)
		}
		in.m[s] = s
	}
	return s
}

// text is a free-form string (data, an error's text): copied, never kept,
// unless the interner makes views.
func (in *interner) text(b []byte) string {
	if in != nil && in.views != nil {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

func (in *interner) id(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if in != nil && in.views != nil {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	if in != nil && in.ids != nil {
		if s, ok := in.ids(b); ok {
			return s
		}
	}
	return string(b)
}

func (r *mpReader) string(in *interner) string {
	b := r.str()
	if !r.ok {
		return ""
	}
	return in.str(b)
}

func (r *mpReader) strings(in *interner) []string {
	start := r.p
	n := r.arrayLen()
	if !r.ok || n > len(r.b)-r.p { // every string takes at least a byte
		r.ok = false
		return nil
	}
	var sh *SharedClientState
	if in != nil {
		sh = in.shared
	}
	if sh != nil && n > 0 {
		// Find the list's bytes without materializing it; a list seen before is
		// shared (lists are never modified in place).
		body := r.p
		for i := 0; i < n && r.ok; i++ {
			r.str()
		}
		if !r.ok {
			return nil
		}
		if l, ok := sh.lists[string(r.b[start:r.p])]; ok {
			return l
		}
		end := r.p
		r.p = body
		l := r.decodeStrings(n, in)
		if l != nil && len(sh.lists) < sharedMax {
			sh.lists[string(r.b[start:end])] = l
		}
		return l
	}
	return r.decodeStrings(n, in)
}

func (r *mpReader) decodeStrings(n int, in *interner) []string {
	var l []string
	if in != nil && in.views != nil {
		v := in.views
		k := len(*v)
		*v = append(*v, make([]string, n)...)
		l = (*v)[k : k+n : k+n]
	} else {
		l = make([]string, n)
	}
	for i := range l {
		l[i] = r.string(in)
		if !r.ok {
			return nil
		}
	}
	return l
}

// fast decodes canonical bytes into f (zeroed); false means "use the library".
func (fd *frameDecoder) fast(b []byte, f *Frame) bool {
	fd.r = mpReader{b: b, ok: true}
	r := &fd.r
	in := fd.in
	if r.arrayLen() != 3 || !r.ok {
		return false
	}
	f.Type = FrameType(r.int(1, int64(NumFrameTypes)-1))
	f.Epoch = r.uint()
	if !r.ok || r.arrayLen() != frameBodyLen[f.Type] || !r.ok {
		return false
	}
	switch f.Type {
	case FrameLogin:
		f.User = r.string(in)
		f.Device = r.string(in)
		f.Cursor = r.uint()
	case FrameLoginOK:
		f.Seq = r.uint()
	case FrameRequest, FrameForward:
		f.ReqID = r.uint()
		f.Op = Op(r.int(1, int64(opMax)-1))
		f.User = r.string(in)
		f.Device = r.string(in)
		f.Origin = Addr(r.int(-1<<31, 1<<31-1))
		if !r.ok {
			return false
		}
		if f.Op.carriesInfo() {
			r.signaling(&f.Info, in)
		} else if !r.isNil() {
			return false
		}
		f.GroupID = r.string(in)
		f.Members = r.strings(in)
		if !r.ok {
			return false
		}
		if !r.isNil() {
			if r.arrayLen() != 2 {
				return false
			}
			f.HasPush = true
			f.Push.Title = r.string(in)
			if d := r.str(); len(d) > 0 {
				f.Push.Desc = in.text(d)
			}
		}
		if f.Type == FrameRequest {
			f.Ack = r.uint()
			f.Low = r.uint()
		} else {
			f.BusSeq = r.uint()
			f.BusAck = r.uint()
		}
	case FrameResponse, FrameReply:
		f.ReqID = r.uint()
		f.Code = Code(r.int(0, 1<<31-1))
		if t := r.str(); len(t) > 0 {
			f.Text = in.text(t)
		}
		f.Members = r.strings(in)
		f.Origin = Addr(r.int(-1<<31, 1<<31-1))
		f.Op = Op(r.int(0, int64(opMax)-1))
		f.User = r.string(in)
		f.Device = r.string(in)
		if f.Type == FrameReply {
			f.BusSeq = r.uint()
			f.BusAck = r.uint()
			break
		}
		f.Seq = r.uint()
		if !r.isNil() {
			if f.Seq == 0 {
				return false
			}
			f.HasMsg = true
			f.Msg = fd.newMessage()
			fd.message(f.Msg)
		}
	case FramePush:
		f.Seq = r.uint()
		f.Msg = fd.newMessage()
		fd.message(f.Msg)
	case FrameAck:
		f.Seq = r.uint()
	case FrameDeliver:
		f.Members = r.strings(in)
		f.Msg = fd.newMessage()
		fd.message(f.Msg)
		f.Ended = r.bool()
		f.HasPush = r.bool()
		if !r.ok || r.arrayLen() != 2 {
			return false
		}
		f.Push.Title = r.string(in)
		if d := r.str(); len(d) > 0 {
			f.Push.Desc = in.text(d)
		}
		f.BusSeq = r.uint()
		f.BusAck = r.uint()
	case FrameBusAck:
		f.BusAck = r.uint()
	}
	if f.Type.onBus() && f.Type != FrameBusAck && f.BusSeq == 0 {
		return false // the library decoder names the error
	}
	return r.ok && r.p == len(b)
}

func (fd *frameDecoder) message(m *Message) {
	r := &fd.r
	in := fd.in
	if !r.ok || r.arrayLen() != messageFields || !r.ok {
		r.ok = false
		return
	}
	m.Seq = r.uint()
	m.Conv = ConvType(r.int(1, 2))
	m.Sender = r.string(in)
	m.SenderDevice = r.string(in)
	m.Receiver = r.string(in)
	m.GroupID = r.string(in)
	m.Time = Time(r.int(-1<<62, 1<<62))
	m.OnlineOnly = r.bool()
	m.Elem = ElemType(r.int(1, 3))
	if c := r.bin(); c != nil {
		if in != nil && in.views != nil {
			m.Custom = c
		} else {
			m.Custom = append(make([]byte, 0, len(c)), c...)
		}
	}
	if t := r.str(); len(t) > 0 {
		m.Text = in.text(t)
	}
	m.Tip = TipType(r.int(0, 3))
	m.TipMembers = r.strings(in)
}

func (r *mpReader) signaling(s *SignalingInfo, in *interner) {
	if !r.ok || r.arrayLen() != signalingFields || !r.ok {
		r.ok = false
		return
	}
	s.BusinessID = int(r.int(-1<<31, 1<<31-1))
	if id := r.str(); r.ok {
		s.InviteID = in.id(id)
	}
	s.GroupID = r.string(in)
	s.Inviter = r.string(in)
	s.InviteeList = r.strings(in)
	if d := r.str(); len(d) > 0 {
		s.Data = in.text(d)
	}
	s.Timeout = int(r.int(0, 1<<31-1))
	s.ActionType = ActionType(r.int(1, int64(maxAction)))
	s.OnlineUserOnly = r.bool()
}
