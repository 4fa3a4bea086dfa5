package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
)

// FormatVersion is the version of the file layout written by [Writer]. It
// changes whenever an older [Reader] could misread a newer file.
const FormatVersion = 1

// magic opens every trace file so that feeding some other file to the
// reader fails at once with a clear message.
const magic = "SIGTRACE"

// Limits that bound what a reader allocates for a hostile or damaged file.
// The writer enforces the same limits, so it never produces a file that
// the reader rejects.
const (
	MaxString  = 16 << 20 // longest string (scenario text included), in bytes
	MaxOptions = 1 << 16  // most header options
)

// Record shapes: the array length tells an event from the trailer.
const (
	eventFields   = 5
	trailerFields = 3
)

// Sentinel errors. Every error returned by [Reader] for bad input matches
// exactly one of them with errors.Is, so callers (the CLI) can tell
// "wrong file" from "damaged file" without parsing messages.
var (
	ErrNotTrace  = errors.New("not a sigsim trace")               // wrong file: no magic
	ErrVersion   = errors.New("unsupported trace format version") // written by another format version
	ErrTruncated = errors.New("trace truncated")                  // input ended before the trailer
	ErrCorrupt   = errors.New("trace corrupt")                    // bytes do not decode, or fail a check
)

// formatError carries a precise message while matching one sentinel.
type formatError struct {
	kind error
	msg  string
}

func (e *formatError) Error() string { return e.msg }
func (e *formatError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &formatError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// isEOF reports whether err means the input ended.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Option is one derived simulation option, kept as text so that the trace
// records exactly what was printed at the start of the run.
type Option struct {
	Key   string
	Value string
}

// Header describes the run that produced a trace.
type Header struct {
	Version  string   // simulator version
	Seed     uint64   // master seed
	Scenario string   // scenario text or name
	Options  []Option // derived options, in the order they were printed
}

// checksumHeader starts the trailer checksum with the header fields, so
// that a damaged header is detected too.
func checksumHeader(h *Hasher, hd *Header) {
	h.AddString(hd.Version)
	h.AddUint64(hd.Seed)
	h.AddString(hd.Scenario)
	h.AddUint64(uint64(len(hd.Options)))
	for _, o := range hd.Options {
		h.AddString(o.Key)
		h.AddString(o.Value)
	}
}

// Writer writes a trace file. It buffers its output: nothing is guaranteed
// to reach the underlying writer until [Writer.Close].
type Writer struct {
	bw     *bufio.Writer
	enc    *msgpack.Encoder // reused for every record; encodes without allocating
	sum    Hasher           // checksum for the trailer
	count  uint64
	lastAt int64
	err    error // sticky: after a failure every call returns it
}

var errClosed = errors.New("trace: writer is closed")

// NewWriter writes the magic, the format version and h to w, and returns a
// Writer for the events. It does not close w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	if len(h.Options) > MaxOptions {
		return nil, fmt.Errorf("trace: %d options, limit is %d", len(h.Options), MaxOptions)
	}
	if err := checkLen("header version", h.Version); err != nil {
		return nil, err
	}
	if err := checkLen("scenario", h.Scenario); err != nil {
		return nil, err
	}
	for _, o := range h.Options {
		if err := checkLen("option key", o.Key); err != nil {
			return nil, err
		}
		if err := checkLen("option value", o.Value); err != nil {
			return nil, err
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	tw := &Writer{bw: bw, enc: msgpack.NewEncoder(bw)}
	checksumHeader(&tw.sum, &h)
	if _, err := bw.WriteString(magic); err != nil {
		return nil, err
	}
	enc := tw.enc
	err := errors.Join(
		enc.EncodeUint(FormatVersion),
		enc.EncodeArrayLen(4),
		enc.EncodeString(h.Version),
		enc.EncodeUint(h.Seed),
		enc.EncodeString(h.Scenario),
		enc.EncodeArrayLen(len(h.Options)),
	)
	for _, o := range h.Options {
		if err != nil {
			break
		}
		err = errors.Join(enc.EncodeArrayLen(2), enc.EncodeString(o.Key), enc.EncodeString(o.Value))
	}
	if err != nil {
		return nil, err
	}
	return tw, nil
}

func checkLen(what, s string) error {
	if len(s) > MaxString {
		return fmt.Errorf("trace: %s is %d bytes, limit is %d", what, len(s), MaxString)
	}
	return nil
}

// Write appends one event. It rejects an undefined kind or an over-long
// string, because the reader would refuse the file.
func (w *Writer) Write(e Event) error {
	if w.err != nil {
		return w.err
	}
	if !e.Kind.Valid() {
		return fmt.Errorf("trace: invalid event kind %d", uint8(e.Kind))
	}
	if len(e.Node) > MaxString || len(e.Peer) > MaxString || len(e.Text) > MaxString {
		return fmt.Errorf("trace: event string longer than %d bytes", MaxString)
	}
	enc := w.enc
	// Errors are checked once at the end: bufio.Writer's error is sticky,
	// and the encoder only fails when the writer does.
	enc.EncodeArrayLen(eventFields)
	enc.EncodeInt(e.At - w.lastAt) // wraps, and the reader adds it back with the same wrap
	enc.EncodeUint(uint64(e.Kind))
	enc.EncodeString(e.Node)
	enc.EncodeString(e.Peer)
	if err := enc.EncodeString(e.Text); err != nil {
		w.err = err
		return err
	}
	w.lastAt = e.At
	w.count++
	w.sum.AddEvent(&e)
	return nil
}

// Close writes the trailer (event count, finalHash and a checksum) and
// flushes. finalHash is the simulator's run fingerprint, stored so that a
// replay can be checked against it. Close does not close the underlying
// writer; a second Close, or a Write after Close, returns an error.
func (w *Writer) Close(finalHash uint64) error {
	if w.err != nil {
		return w.err
	}
	w.sum.AddUint64(w.count)
	w.sum.AddUint64(finalHash)
	enc := w.enc
	err := errors.Join(
		enc.EncodeArrayLen(trailerFields),
		enc.EncodeUint(w.count),
		enc.EncodeUint(finalHash),
		enc.EncodeUint(w.sum.Sum()),
		w.bw.Flush(),
	)
	if err != nil {
		w.err = err
		return err
	}
	w.err = errClosed
	return nil
}

// ioErrReader remembers the underlying reader's own error, so that a disk
// failure is reported as such rather than as a corrupt trace.
type ioErrReader struct {
	r   io.Reader
	err error
}

func (r *ioErrReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// maxIntern bounds the table of interned node and peer names; a real run
// has far fewer, and a hostile file must not grow it without limit.
const maxIntern = 4096

// Reader reads a trace file written by [Writer]. It validates as it goes
// and never panics; every problem is returned as an error (see [ErrCorrupt]
// and the other sentinels), and a trace is only complete once Next has
// returned io.EOF.
type Reader struct {
	src    *ioErrReader
	dec    *msgpack.Decoder
	hdr    Header
	sum    Hasher
	count  int
	lastAt int64
	buf    []byte            // scratch for strings
	intern map[string]string // node and peer names repeat: share one copy

	trailerCount int
	trailerHash  uint64
	err          error // sticky; io.EOF after a valid trailer
}

// NewReader reads and checks the magic, the format version and the header.
func NewReader(r io.Reader) (*Reader, error) {
	src := &ioErrReader{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	var m [len(magic)]byte
	n, err := io.ReadFull(br, m[:])
	switch {
	case src.err != nil:
		return nil, fmt.Errorf("reading trace: %w", src.err)
	case n == 0:
		return nil, errorf(ErrNotTrace, "not a sigsim trace (empty input)")
	case string(m[:n]) != magic[:n]:
		return nil, errorf(ErrNotTrace, "not a sigsim trace (bad magic)")
	case err != nil:
		return nil, errorf(ErrTruncated, "trace truncated in magic")
	}
	tr := &Reader{src: src, dec: msgpack.NewDecoder(br), intern: make(map[string]string)}
	v, err := tr.dec.DecodeUint64()
	if err != nil {
		return nil, tr.wrap(err, "format version")
	}
	if v != FormatVersion {
		return nil, errorf(ErrVersion, "trace format version %d not supported (want %d)", v, FormatVersion)
	}
	if err := tr.readHeader(); err != nil {
		return nil, tr.wrap(err, "header")
	}
	checksumHeader(&tr.sum, &tr.hdr)
	return tr, nil
}

// wrap turns a low-level error met while reading part into the reader's
// error vocabulary.
func (r *Reader) wrap(err error, part string) error {
	switch {
	case r.src.err != nil:
		return fmt.Errorf("reading trace: %w", r.src.err)
	case isEOF(err):
		return errorf(ErrTruncated, "trace truncated in %s", part)
	default:
		return errorf(ErrCorrupt, "corrupt %s: %v", part, err)
	}
}

func (r *Reader) readHeader() error {
	if err := r.expectArray(4); err != nil {
		return err
	}
	var err error
	if r.hdr.Version, err = r.readString(false); err != nil {
		return err
	}
	if r.hdr.Seed, err = r.dec.DecodeUint64(); err != nil {
		return err
	}
	if r.hdr.Scenario, err = r.readString(false); err != nil {
		return err
	}
	n, err := r.dec.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n < 0 || n > MaxOptions {
		return fmt.Errorf("%d options (limit %d)", n, MaxOptions)
	}
	// Grow with the input rather than trusting n: each option costs at
	// least three bytes, so memory stays proportional to the file.
	r.hdr.Options = make([]Option, 0, min(n, 64))
	for i := range n {
		if err := r.expectArray(2); err != nil {
			return fmt.Errorf("option %d: %w", i, err)
		}
		var o Option
		if o.Key, err = r.readString(false); err != nil {
			return err
		}
		if o.Value, err = r.readString(false); err != nil {
			return err
		}
		r.hdr.Options = append(r.hdr.Options, o)
	}
	return nil
}

func (r *Reader) expectArray(want int) error {
	n, err := r.dec.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("array of %d elements, want %d", n, want)
	}
	return nil
}

// chunk is how much of a string is allocated ahead of the bytes actually
// arriving, so a forged 16 MiB length on a short file costs little.
const chunk = 64 << 10

// readString reads a msgpack str (or bin) of at most MaxString bytes.
// With intern set, repeated values share one allocation.
func (r *Reader) readString(intern bool) (string, error) {
	n, err := r.dec.DecodeBytesLen()
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", errors.New("nil where a string was expected")
	}
	if n > MaxString {
		return "", fmt.Errorf("string of %d bytes (limit %d)", n, MaxString)
	}
	b := r.buf[:0]
	for len(b) < n {
		k := min(n-len(b), chunk)
		b = slices.Grow(b, k)
		start := len(b)
		b = b[:start+k]
		if err := r.dec.ReadFull(b[start:]); err != nil {
			return "", err
		}
	}
	if cap(b) <= chunk { // keep small scratch, drop a big one
		r.buf = b
	}
	if !intern {
		return string(b), nil
	}
	if s, ok := r.intern[string(b)]; ok { // no allocation for the lookup
		return s, nil
	}
	s := string(b)
	if len(r.intern) < maxIntern {
		r.intern[s] = s
	}
	return s, nil
}

// Header returns the trace's header.
func (r *Reader) Header() Header { return r.hdr }

// Next returns the next event. After the last event it checks the trailer
// (count and checksum) and the end of input, then returns io.EOF. Any
// other error is final: later calls return it again.
func (r *Reader) Next() (Event, error) {
	if r.err != nil {
		return Event{}, r.err
	}
	e, err := r.next()
	if err != nil {
		r.err = err
	}
	return e, err
}

func (r *Reader) next() (Event, error) {
	n, err := r.dec.DecodeArrayLen()
	if err != nil {
		return Event{}, r.eventErr(err)
	}
	switch n {
	case eventFields:
		return r.readEvent()
	case trailerFields:
		return Event{}, r.readTrailer()
	default:
		return Event{}, errorf(ErrCorrupt, "corrupt event %d: record of %d fields (want %d for an event, %d for the trailer)",
			r.count, n, eventFields, trailerFields)
	}
}

func (r *Reader) eventErr(err error) error {
	switch {
	case r.src.err != nil:
		return fmt.Errorf("reading trace: %w", r.src.err)
	case isEOF(err):
		return errorf(ErrTruncated, "trace truncated after %d events (no trailer)", r.count)
	default:
		return errorf(ErrCorrupt, "corrupt event %d: %v", r.count, err)
	}
}

func (r *Reader) readEvent() (Event, error) {
	var e Event
	d, err := r.dec.DecodeInt64()
	if err != nil {
		return e, r.eventErr(err)
	}
	k, err := r.dec.DecodeUint64()
	if err != nil {
		return e, r.eventErr(err)
	}
	if k > 255 || !Kind(k).Valid() {
		return e, errorf(ErrCorrupt, "invalid event kind %d at event %d", k, r.count)
	}
	e.At = r.lastAt + d
	e.Kind = Kind(k)
	if e.Node, err = r.readString(true); err != nil {
		return Event{}, r.eventErr(err)
	}
	if e.Peer, err = r.readString(true); err != nil {
		return Event{}, r.eventErr(err)
	}
	if e.Text, err = r.readString(false); err != nil {
		return Event{}, r.eventErr(err)
	}
	r.lastAt = e.At
	r.count++
	r.sum.AddEvent(&e)
	return e, nil
}

func (r *Reader) readTrailer() error {
	var v [trailerFields]uint64
	for i := range v {
		x, err := r.dec.DecodeUint64()
		if err != nil {
			return r.wrap(err, "trailer")
		}
		v[i] = x
	}
	count, hash, check := v[0], v[1], v[2]
	if count != uint64(r.count) {
		return errorf(ErrCorrupt, "trailer says %d events, read %d", count, r.count)
	}
	r.sum.AddUint64(count)
	r.sum.AddUint64(hash)
	if got := r.sum.Sum(); got != check {
		return errorf(ErrCorrupt, "trace checksum mismatch (file says %016x, data gives %016x)", check, got)
	}
	if _, err := r.dec.PeekCode(); err == nil {
		return errorf(ErrCorrupt, "unexpected data after the trailer")
	} else if r.src.err != nil {
		return fmt.Errorf("reading trace: %w", r.src.err)
	}
	r.trailerCount, r.trailerHash = r.count, hash
	return io.EOF
}

// Trailer returns the event count and the final run hash recorded in the
// trailer. It is valid only after Next has returned io.EOF; before that it
// returns zeros.
func (r *Reader) Trailer() (count int, hash uint64) {
	return r.trailerCount, r.trailerHash
}

// ReadAll reads a whole trace and returns its header, its events and the
// final run hash from the trailer. On error it also returns what was read
// before the error, for diagnosis; such a list must not be mistaken for
// the whole run.
func ReadAll(r io.Reader) (Header, []Event, uint64, error) {
	tr, err := NewReader(r)
	if err != nil {
		return Header{}, nil, 0, err
	}
	var events []Event
	for {
		e, err := tr.Next()
		if err == io.EOF {
			_, hash := tr.Trailer()
			return tr.Header(), events, hash, nil
		}
		if err != nil {
			return tr.Header(), events, 0, err
		}
		events = append(events, e)
	}
}
