package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// Report is the result of one benchmark run. Header and Virtual are
// deterministic for a seed; Wall is not. It serializes to stable JSON with
// JSON.
type Report struct {
	// SchemaVersion is the version of this JSON layout (ReportSchema when
	// written; 0 in a report written before it was recorded, read as 1).
	SchemaVersion int `json:"schema_version"`
	// Header says what ran and how to run it again.
	Header Header `json:"header"`
	// Virtual holds the virtual-time measurements (deterministic).
	Virtual Virtual `json:"virtual"`
	// Wall holds the wall-clock measurements (not deterministic); nil if
	// none were taken.
	Wall *Wall `json:"wall,omitempty"`
	// Environment is the build and machine that ran it: the commit, which
	// the virtual metrics depend on, and what the wall-clock figures
	// depend on besides (not deterministic, like Wall).
	Environment *Environment `json:"environment,omitempty"`
	// Capacity is the result of a capacity sweep, if one ran.
	Capacity *Capacity `json:"capacity,omitempty"`
	// Series holds the latency-over-virtual-time series by metric name.
	Series map[string]SeriesData `json:"series,omitempty"`
	// Load is the offered arrival rate over virtual time, when the run
	// followed a load profile (drawn against the latency series).
	Load *Load `json:"load,omitempty"`
	// Faults are the fault periods shaded on series charts, ordered by
	// start time.
	Faults []Fault `json:"faults,omitempty"`
	// Definitions say what each metric and counter of the report
	// measures, keyed by its name without a mode prefix ("ring"; server.ring
	// and client.ring are ring in each mode) or by its family
	// ("errors.*"); report.md prints them.
	Definitions map[string]string `json:"definitions,omitempty"`
	// Findings are what the run concluded besides its numbers (notes,
	// failed checks, the first invariant violation): deterministic, like
	// Virtual. report.md lists them too.
	Findings *Findings `json:"findings,omitempty"`
	// Interrupted is set when the run was stopped before its end (SIGINT,
	// SIGTERM): its numbers cover the run up to that moment only.
	Interrupted *Interrupted `json:"interrupted,omitempty"`
}

// Findings are a run's conclusions in words.
type Findings struct {
	// Notes are the workload's findings (outcomes, anomalies, verdicts).
	Notes []string `json:"notes,omitempty"`
	// Failures are the built-in checks that failed (exit 1).
	Failures []string `json:"failures,omitempty"`
	// Violation names the first invariant violation in server mode (exit 3).
	Violation string `json:"violation,omitempty"`
}

// Interrupted says where a run was stopped.
type Interrupted struct {
	// AtNS is the virtual time the run had reached.
	AtNS int64 `json:"at_ns"`
	// Signal is the signal that stopped it ("interrupt", "terminated").
	Signal string `json:"signal"`
	// Detail says what was running then (the mode, the capacity point).
	Detail string `json:"detail,omitempty"`
}

// String is "interrupted at virtual time 12.345 s (interrupt; server mode)".
func (i *Interrupted) String() string {
	s := "interrupted at virtual time " + formatSeconds(i.AtNS) + " s (" + i.Signal
	if i.Detail != "" {
		s += "; " + i.Detail
	}
	return s + ")"
}

// Header identifies a run.
type Header struct {
	// Workload names the workload, e.g. "calls-1v1".
	Workload string `json:"workload"`
	// Version is the version of sigsim that ran it.
	Version string `json:"version"`
	// Seed is the master seed.
	Seed uint64 `json:"seed"`
	// Seeds are the seeds of the runs a merged report adds up (Seed is
	// then the first); none for the report of one run.
	Seeds []uint64 `json:"seeds,omitempty"`
	// Options are every option of the run, derived ones included, in the
	// order the caller gives them.
	Options []Option `json:"options"`
	// Command is the exact command line that reproduces the run.
	Command string `json:"command"`
}

// Option is one option of a run.
type Option struct {
	// Key names the option.
	Key string `json:"key"`
	// Value is its value as text.
	Value string `json:"value"`
}

// Virtual holds the deterministic, virtual-time part of a report.
type Virtual struct {
	// Metrics are the summaries of the latency metrics by name.
	Metrics map[string]Summary `json:"metrics"`
	// Counts are the counters by name; names starting with "outcome." are
	// drawn in the outcome chart.
	Counts map[string]int64 `json:"counts"`
	// DurationNS is the virtual time the run covered, warm-up and drain
	// included.
	DurationNS int64 `json:"duration_ns"`
	// LoadNS is the virtual time during which load arrived (the warm-up
	// and the drain after it left out): a counter's rate is per second of
	// it. 0 in reports written before schema 2.
	LoadNS int64 `json:"load_ns,omitempty"`
}

// ReportSchema is the version of the report.json layout this package
// writes. 2 added schema_version, environment, load_ns, load and each
// metric's HDR histogram (hdr).
const ReportSchema = 2

// Load is a load profile: the offered arrival rate over virtual time,
// linear between its points.
type Load struct {
	// StartNS is when the load started (the end of the warm-up), on the
	// virtual clock of the series.
	StartNS int64 `json:"start_ns"`
	// Points are the profile's points, AtNS from StartNS, in time order.
	Points []LoadPoint `json:"points"`
}

// LoadPoint is one point of a load profile.
type LoadPoint struct {
	// AtNS is the time from the start of the load.
	AtNS int64 `json:"at_ns"`
	// Rate is the offered rate there, in arrivals per second.
	Rate float64 `json:"rate"`
}

// Wall holds the wall-clock part of a report. None of it is deterministic.
// The JSON names are the names thresholds use (e.g. "events_per_sec").
type Wall struct {
	// Events is the number of simulator events processed.
	Events int64 `json:"events"`
	// EventsPerSec is Events per second of wall time (WallNS): the run's
	// throughput, its parallel points together for a capacity sweep.
	EventsPerSec float64 `json:"events_per_sec"`
	// NsPerEvent is simulator wall nanoseconds (SimNS) per event: the cost
	// of an event, whatever ran in parallel.
	NsPerEvent float64 `json:"ns_per_event"`
	// NsPerInvitation is simulator wall nanoseconds per invitation.
	NsPerInvitation float64 `json:"ns_per_invitation"`
	// PeakHeapBytes is the largest heap size seen during the run.
	PeakHeapBytes uint64 `json:"peak_heap_bytes"`
	// PeakLiveInvitations is the largest number of invitations alive at
	// once (in one world).
	PeakLiveInvitations int64 `json:"peak_live_invitations,omitempty"`
	// BytesPerLiveInvitation is PeakHeapBytes over PeakLiveInvitations,
	// when that means something: at least MinLiveForBytes live
	// invitations and no fewer than the devices, in one world at a time
	// (not a sweep's parallel points). 0 (left out) otherwise: the heap is
	// then mostly the devices' and buffers', not the invitations'.
	BytesPerLiveInvitation float64 `json:"bytes_per_live_invitation,omitempty"`
	// Speedup is virtual time over wall time.
	Speedup float64 `json:"speedup"`
	// WallNS is the elapsed wall time of the whole run, from its start to
	// its end (a sweep's points included, however many ran at once).
	WallNS int64 `json:"wall_ns"`
	// SimNS is the wall time spent in the simulator, summed over every
	// world: a little less than WallNS for one run; more for a sweep
	// whose points ran in parallel.
	SimNS int64 `json:"sim_ns,omitempty"`
	// Notes are findings measured on the wall clock.
	Notes []string `json:"notes,omitempty"`
}

// MinLiveForBytes is the fewest live invitations at which a run reports
// its heap per live invitation.
const MinLiveForBytes = 10_000

// WallInput is what the caller measures with the wall clock; Wall derives
// the rates from it.
type WallInput struct {
	// WallNS is the elapsed wall time of the run.
	WallNS int64
	// SimNS is the wall time spent in the simulator, summed over worlds
	// (0: WallNS).
	SimNS int64
	// VirtualNS is the virtual time the run covered.
	VirtualNS int64
	// Events is the number of simulator events processed.
	Events int64
	// Invitations is the number of invitations sent.
	Invitations int64
	// PeakHeapBytes is the largest heap size seen.
	PeakHeapBytes uint64
	// PeakLiveInvitations is the largest number of invitations alive at once.
	PeakLiveInvitations int64
	// Devices is the number of devices of the (largest) world.
	Devices int64
	// Parallel tells that several worlds ran at once (a sweep's points),
	// sharing the heap: no heap figure is any one's.
	Parallel bool
}

// Wall returns the wall metrics derived from in. A rate whose denominator
// is zero or negative is 0.
func (in WallInput) Wall() Wall {
	div := func(a, b float64) float64 {
		if b <= 0 || math.IsNaN(a) {
			return 0
		}
		return a / b
	}
	sim := in.SimNS
	if sim == 0 {
		sim = in.WallNS
	}
	w := Wall{
		Events:              in.Events,
		EventsPerSec:        div(float64(in.Events), float64(in.WallNS)/1e9),
		NsPerEvent:          div(float64(sim), float64(in.Events)),
		NsPerInvitation:     div(float64(sim), float64(in.Invitations)),
		PeakHeapBytes:       in.PeakHeapBytes,
		PeakLiveInvitations: in.PeakLiveInvitations,
		Speedup:             div(float64(in.VirtualNS), float64(in.WallNS)),
		WallNS:              in.WallNS,
		SimNS:               in.SimNS,
	}
	if in.PeakLiveInvitations >= max(MinLiveForBytes, in.Devices) && !in.Parallel {
		w.BytesPerLiveInvitation = div(float64(in.PeakHeapBytes), float64(in.PeakLiveInvitations))
	}
	return w
}

// Capacity is the result of a capacity sweep: the latency of one metric at
// increasing offered rates, against a service-level objective.
type Capacity struct {
	// Metric is the metric the SLO is on, e.g. "ring".
	Metric string `json:"metric"`
	// SLO states the objective, e.g. "p99<200ms".
	SLO string `json:"slo"`
	// SLONS is the objective's bound on p99 in nanoseconds; drawn as a line
	// on the capacity chart when > 0.
	SLONS int64 `json:"slo_ns,omitempty"`
	// Points are the measured points.
	Points []CapacityPoint `json:"points"`
	// KneeRate is the largest knee over the shard counts whose SLO broke
	// (0 if it broke on none). Kept for older readers: PerShards says which
	// shard count it belongs to, and what held where there was no knee.
	KneeRate float64 `json:"knee_rate"`
	// MaxRatePerShard is the largest of the shard counts' MaxRatePerShard.
	MaxRatePerShard float64 `json:"max_rate_per_shard"`
	// PerShards is the verdict for each shard count, in increasing order.
	PerShards []ShardCapacity `json:"per_shards,omitempty"`
	// RunRate and RunShards are the point whose run the report's latency
	// and counts are of (the highest rate per shard that met the SLO); 0
	// if no run met it.
	RunRate   float64 `json:"run_rate,omitempty"`
	RunShards int     `json:"run_shards,omitempty"`
	// PointDurationNS is the load each point ran (the swept workload's
	// duration), and WarmupNS the warm-up before it.
	PointDurationNS int64 `json:"point_duration_ns,omitempty"`
	WarmupNS        int64 `json:"warmup_ns,omitempty"`
}

// CapacityPoint is one run of a capacity sweep.
type CapacityPoint struct {
	// Rate is the offered rate in invitations per second of virtual time.
	Rate float64 `json:"rate"`
	// Shards is the number of server shards.
	Shards int `json:"shards"`
	// P99NS is the measured p99 of the metric; 0 if NoData.
	P99NS int64 `json:"p99_ns"`
	// OK tells whether the point met the SLO.
	OK bool `json:"ok"`
	// NoData tells that the metric had no sample at this point: it neither
	// met nor broke the SLO, and P99NS means nothing.
	NoData bool `json:"no_data,omitempty"`
}

// ShardCapacity is the verdict of a sweep on one shard count.
type ShardCapacity struct {
	// Shards is the number of server shards.
	Shards int `json:"shards"`
	// HeldTo is the highest rate up to which every measured point met the
	// SLO; 0 if the lowest measured rate broke it already.
	HeldTo float64 `json:"held_to"`
	// BrokeAt is the lowest measured rate that broke the SLO; 0 if none
	// did, and then there is no knee: the sweep only shows the SLO held up
	// to HeldTo.
	BrokeAt float64 `json:"broke_at,omitempty"`
	// MaxRatePerShard is HeldTo/Shards: the rate each shard sustained
	// within the SLO.
	MaxRatePerShard float64 `json:"max_rate_per_shard"`
	// Stopped says why the sweep stopped before the SLO broke, if it did
	// (e.g. the user population could not offer a higher rate).
	Stopped string `json:"stopped,omitempty"`
}

// Knee is the rate at which the SLO breaks: the highest rate that held
// before the lowest that broke. It is 0 when there is none: the SLO never
// broke, or broke at the lowest rate measured.
func (s ShardCapacity) Knee() float64 {
	if s.BrokeAt > 0 {
		return s.HeldTo
	}
	return 0
}

// Verdict says in one line what the sweep found on this shard count,
// e.g. "2 shards: knee 4000/s (the SLO held up to 4000/s and broke at
// 8000/s); max sustainable rate 2000/s per shard".
func (s ShardCapacity) Verdict() string {
	head := ShardsLabel(s.Shards) + ": "
	var v string
	switch {
	case s.HeldTo == 0 && s.BrokeAt == 0:
		v = "no data: the metric had no sample at any rate measured"
		if s.Stopped != "" {
			v += " (" + s.Stopped + ")"
		}
	case s.HeldTo == 0:
		v = "the SLO broke already at " + FormatRate(s.BrokeAt) + "/s, the lowest rate measured; no knee found (sweep lower rates)"
	case s.BrokeAt == 0:
		v = "the SLO held up to " + FormatRate(s.HeldTo) + "/s, the highest rate measured; no knee found"
	default:
		v = "knee " + FormatRate(s.HeldTo) + "/s (the SLO held up to " + FormatRate(s.HeldTo) + "/s and broke at " + FormatRate(s.BrokeAt) + "/s)"
	}
	switch {
	case s.MaxRatePerShard > 0 && s.BrokeAt > 0:
		v += "; max sustainable rate " + FormatRate(s.MaxRatePerShard) + "/s per shard"
	case s.MaxRatePerShard > 0:
		v += "; at least " + FormatRate(s.MaxRatePerShard) + "/s per shard sustainable"
	}
	if s.Stopped != "" && s.BrokeAt == 0 && s.HeldTo > 0 {
		v += " — the sweep stopped because " + s.Stopped
	}
	return head + v
}

// ShardsLabel is "1 shard" or "N shards".
func ShardsLabel(n int) string {
	if n == 1 {
		return "1 shard"
	}
	return fmt.Sprintf("%d shards", n)
}

// FormatRate formats a rate without trailing zeros.
func FormatRate(v float64) string { return formatRate(v) }

// Analyze sets OK on every point with data (P99NS <= SLONS, when SLONS >
// 0), sorts the points by shards then rate, and computes the verdict per
// shard count, KneeRate and MaxRatePerShard. A point whose P99NS is
// HighestNS or more (how older reports wrote "no sample") is NoData. The
// Stopped reason of a shard count already in PerShards is kept.
func (c *Capacity) Analyze() {
	if c == nil {
		return
	}
	stopped := map[int]string{}
	for _, s := range c.PerShards {
		stopped[s.Shards] = s.Stopped
	}
	for i := range c.Points {
		p := &c.Points[i]
		if p.P99NS >= HighestNS {
			p.NoData, p.P99NS = true, 0
		}
		if p.NoData {
			p.OK = false
		} else if c.SLONS > 0 {
			p.OK = p.P99NS <= c.SLONS
		}
	}
	sort.SliceStable(c.Points, func(i, j int) bool {
		a, b := c.Points[i], c.Points[j]
		if a.Shards != b.Shards {
			return a.Shards < b.Shards
		}
		return a.Rate < b.Rate
	})
	c.KneeRate, c.MaxRatePerShard, c.PerShards = 0, 0, nil
	for i := 0; i < len(c.Points); {
		j := i
		for j < len(c.Points) && c.Points[j].Shards == c.Points[i].Shards {
			j++
		}
		s := shardVerdict(c.Points[i:j])
		s.Stopped = stopped[s.Shards]
		c.PerShards = append(c.PerShards, s)
		c.KneeRate = max(c.KneeRate, s.Knee())
		c.MaxRatePerShard = max(c.MaxRatePerShard, s.MaxRatePerShard)
		i = j
	}
}

// shardVerdict judges the points of one shard count, sorted by rate.
func shardVerdict(pts []CapacityPoint) ShardCapacity {
	s := ShardCapacity{Shards: pts[0].Shards}
	for _, p := range pts {
		switch {
		case p.NoData:
		case !p.OK && s.BrokeAt == 0:
			s.BrokeAt = p.Rate
		case p.OK && s.BrokeAt == 0:
			s.HeldTo = p.Rate
		}
	}
	if s.Shards > 0 {
		// A point that met the SLO above one that broke it is noise, not
		// a rate the shards sustain.
		s.MaxRatePerShard = s.HeldTo / float64(s.Shards)
	}
	return s
}

// shardCapacity returns the verdict of a shard count.
func (c *Capacity) shardCapacity(shards int) (ShardCapacity, bool) {
	for _, s := range c.PerShards {
		if s.Shards == shards {
			return s, true
		}
	}
	return ShardCapacity{}, false
}

// SetStopped records why the sweep on a shard count stopped before the SLO
// broke; Analyze keeps it.
func (c *Capacity) SetStopped(shards int, why string) {
	for i := range c.PerShards {
		if c.PerShards[i].Shards == shards {
			c.PerShards[i].Stopped = why
			return
		}
	}
	c.PerShards = append(c.PerShards, ShardCapacity{Shards: shards, Stopped: why})
}

// JSON returns the report as indented JSON with a final newline. Map keys
// are sorted, so the same report always gives the same bytes. It fails if
// a float is NaN or infinite.
func (r *Report) JSON() ([]byte, error) {
	if r == nil {
		return nil, errors.New("bench: nil report")
	}
	if r.SchemaVersion == 0 {
		cp := *r
		cp.SchemaVersion = ReportSchema
		r = &cp
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("bench: encoding report: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseReport decodes a report written by JSON. Unknown fields are errors,
// so that a misspelt baseline is noticed; so is a JSON value that is not a
// report at all (no header naming the workload and version, or no virtual
// section), so that comparing against "{}" or a truncated file is not
// mistaken for comparing against a run that measured nothing.
func ParseReport(data []byte) (*Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("bench: decoding report: %w", err)
	}
	if err := r.checkComplete(); err != nil {
		return nil, err
	}
	switch {
	case r.SchemaVersion > ReportSchema:
		return nil, fmt.Errorf("bench: the report's schema_version is %d: it was written by a newer sigbench (this one reads up to %d)", r.SchemaVersion, ReportSchema)
	case r.SchemaVersion == 0:
		r.SchemaVersion = 1
	}
	return &r, nil
}

// checkComplete tells what a decoded report lacks of what every report
// written by JSON has.
func (r *Report) checkComplete() error {
	var missing []string
	if r.Header.Workload == "" {
		missing = append(missing, "header.workload")
	}
	if r.Header.Version == "" {
		missing = append(missing, "header.version")
	}
	if r.Virtual.Metrics == nil && r.Virtual.Counts == nil {
		missing = append(missing, "virtual")
	}
	if len(missing) > 0 {
		return fmt.Errorf("bench: not a sigbench report: missing %s", strings.Join(missing, ", "))
	}
	return nil
}

// ReadReport reads a report.json file.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := ParseReport(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
