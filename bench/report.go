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
	// Header says what ran and how to run it again.
	Header Header `json:"header"`
	// Virtual holds the virtual-time measurements (deterministic).
	Virtual Virtual `json:"virtual"`
	// Wall holds the wall-clock measurements (not deterministic); nil if
	// none were taken.
	Wall *Wall `json:"wall,omitempty"`
	// Capacity is the result of a capacity sweep, if one ran.
	Capacity *Capacity `json:"capacity,omitempty"`
	// Series holds the latency-over-virtual-time series by metric name.
	Series map[string]SeriesData `json:"series,omitempty"`
	// Faults are the fault periods shaded on series charts, ordered by
	// start time.
	Faults []Fault `json:"faults,omitempty"`
}

// Header identifies a run.
type Header struct {
	// Workload names the workload, e.g. "calls-1v1".
	Workload string `json:"workload"`
	// Version is the version of sigsim that ran it.
	Version string `json:"version"`
	// Seed is the master seed.
	Seed uint64 `json:"seed"`
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
	// DurationNS is the virtual time the run covered.
	DurationNS int64 `json:"duration_ns"`
}

// Wall holds the wall-clock part of a report. None of it is deterministic.
// The JSON names are the names thresholds use (e.g. "events_per_sec").
type Wall struct {
	// Events is the number of simulator events processed.
	Events int64 `json:"events"`
	// EventsPerSec is Events per second of wall time.
	EventsPerSec float64 `json:"events_per_sec"`
	// NsPerEvent is wall nanoseconds per event.
	NsPerEvent float64 `json:"ns_per_event"`
	// NsPerInvitation is wall nanoseconds per invitation.
	NsPerInvitation float64 `json:"ns_per_invitation"`
	// PeakHeapBytes is the largest heap size seen during the run.
	PeakHeapBytes uint64 `json:"peak_heap_bytes"`
	// BytesPerLiveInvitation is PeakHeapBytes over the peak number of live
	// invitations.
	BytesPerLiveInvitation float64 `json:"bytes_per_live_invitation"`
	// Speedup is virtual time over wall time.
	Speedup float64 `json:"speedup"`
	// WallNS is the wall time the run took.
	WallNS int64 `json:"wall_ns"`
}

// WallInput is what the caller measures with the wall clock; Wall derives
// the rates from it.
type WallInput struct {
	// WallNS is the wall time of the run.
	WallNS int64
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
	return Wall{
		Events:                 in.Events,
		EventsPerSec:           div(float64(in.Events), float64(in.WallNS)/1e9),
		NsPerEvent:             div(float64(in.WallNS), float64(in.Events)),
		NsPerInvitation:        div(float64(in.WallNS), float64(in.Invitations)),
		PeakHeapBytes:          in.PeakHeapBytes,
		BytesPerLiveInvitation: div(float64(in.PeakHeapBytes), float64(in.PeakLiveInvitations)),
		Speedup:                div(float64(in.VirtualNS), float64(in.WallNS)),
		WallNS:                 in.WallNS,
	}
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
	// KneeRate is the highest rate up to which every point met the SLO
	// (per shard count, the largest over shard counts).
	KneeRate float64 `json:"knee_rate"`
	// MaxRatePerShard is the highest Rate/Shards of a point that met the SLO.
	MaxRatePerShard float64 `json:"max_rate_per_shard"`
}

// CapacityPoint is one run of a capacity sweep.
type CapacityPoint struct {
	// Rate is the offered rate in invitations per second of virtual time.
	Rate float64 `json:"rate"`
	// Shards is the number of server shards.
	Shards int `json:"shards"`
	// P99NS is the measured p99 of the metric.
	P99NS int64 `json:"p99_ns"`
	// OK tells whether the point met the SLO.
	OK bool `json:"ok"`
}

// Analyze sets OK on every point (P99NS <= SLONS, when SLONS > 0), sorts
// the points by shards then rate, and computes KneeRate and
// MaxRatePerShard.
func (c *Capacity) Analyze() {
	if c == nil {
		return
	}
	if c.SLONS > 0 {
		for i := range c.Points {
			c.Points[i].OK = c.Points[i].P99NS <= c.SLONS
		}
	}
	sort.SliceStable(c.Points, func(i, j int) bool {
		a, b := c.Points[i], c.Points[j]
		if a.Shards != b.Shards {
			return a.Shards < b.Shards
		}
		return a.Rate < b.Rate
	})
	c.KneeRate, c.MaxRatePerShard = 0, 0
	for i := 0; i < len(c.Points); {
		j := i
		knee, broken := 0.0, false
		for ; j < len(c.Points) && c.Points[j].Shards == c.Points[i].Shards; j++ {
			p := c.Points[j]
			if !p.OK {
				broken = true
			} else if !broken && p.Rate > knee {
				knee = p.Rate
			}
			if p.OK && p.Shards > 0 && p.Rate/float64(p.Shards) > c.MaxRatePerShard {
				c.MaxRatePerShard = p.Rate / float64(p.Shards)
			}
		}
		if knee > c.KneeRate {
			c.KneeRate = knee
		}
		i = j
	}
}

// JSON returns the report as indented JSON with a final newline. Map keys
// are sorted, so the same report always gives the same bytes. It fails if
// a float is NaN or infinite.
func (r *Report) JSON() ([]byte, error) {
	if r == nil {
		return nil, errors.New("bench: nil report")
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
