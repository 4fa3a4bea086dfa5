package engine

import "time"

// Time is a reading of a node's virtual clock: nanoseconds since the start of
// the run (a shard's or device's local clock, which a simulator may skew and
// drift; see sim's clock). It is a plain integer, so times compare, sort and
// hash as the int64 they are; 0 stands for "none" wherever a field says so
// (an unarmed timer). Durations between times are time.Duration.
//
// Time has no String method on purpose: a %v of it prints the integer it
// always printed, and every text form of a time (trace lines, reports) keeps
// its own formatter.
type Time int64

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// TimeoutDuration is an API timeout (SignalingInfo.Timeout, whole seconds, 0
// for none) as a duration.
func TimeoutDuration(seconds int) time.Duration { return time.Duration(seconds) * time.Second }
