// Package trace is the record of one simulation run.
//
// Every send, delivery, drop, duplication, API call, result, callback,
// timer, fault, note and invariant violation becomes an [Event]. The
// simulator folds each event into a [Hasher]; the final value is the run's
// fingerprint, and two runs with the same scenario, seed and options must
// produce the same one (docs/DESIGN.md §5).
//
// A trace can be written to a file with [Writer] and read back with
// [Reader]. The file is MessagePack, framed so that damage is reported
// rather than silently accepted:
//
//	"SIGTRACE"                      8 raw magic bytes
//	uint                            format version (FormatVersion)
//	[Version, Seed, Scenario, [[Key, Value], ...]]     the Header
//	[dAt, Kind, Node, Peer, Text]   one 5-array per event; dAt is At minus
//	                                the previous event's At (wrapping), which
//	                                keeps times in 1-3 bytes
//	[Count, FinalHash, Checksum]    the trailer, a 3-array, then end of input
//
// The trailer's event count makes truncation detectable even at a record
// boundary, and its checksum (a [Hasher] over the decoded header, events,
// count and final hash) makes any corrupted byte that still decodes into
// different values detectable too.
//
// Two traces are compared with [FirstDivergence] (in memory) or
// [CompareReaders] (streaming), which report the first differing event by
// index and virtual time.
//
// Nothing in this package reads the wall clock, draws random numbers,
// starts goroutines or depends on map iteration order.
package trace
