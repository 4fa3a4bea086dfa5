// Package bench measures simulated runs of sigsim and reports on them.
//
// It is the measurement library behind cmd/sigbench. A run records
// virtual-time latencies into a [Metrics] (one HDR histogram per metric
// name, 1µs..2h at 3 significant digits), counts outcomes and anomalies,
// keeps per-interval series for "latency over virtual time" charts and notes
// fault periods to shade. [Metrics.Report] turns that into a [Report]: a
// JSON-serializable result whose Virtual part is deterministic for a seed
// and whose Wall part (measured by the caller with the wall clock) is not.
//
// [WriteReport] writes report.json, report.md and SVG charts drawn with
// gonum.org/v1/plot. The same Report (and Metrics) always gives
// byte-identical files, so reports can be kept under version control and
// diffed.
//
// Each metric's whole histogram goes into report.json too (HdrHistogram's
// V2 encoding), so [Summary.Percentile] reads any percentile of a report
// and [MergeReports] merges the runs of several seeds.
//
// [ParseThreshold] reads k6-style pass/fail expressions such as
// "ring.p(95)<250ms", "ring.avg<80ms", "calls.rate>=19/s" or
// "anomalies==0"; [Compare] prints what changed between two reports
// ([OptionDiff] first: what they measured differently) and each
// threshold's verdict. [ErlangC] gives the M/M/c
// queueing prediction that capacity sweeps are checked against, and
// [Progress] shows a progress bar on a terminal and nothing elsewhere.
//
// Nothing in this package reads the wall clock: every virtual value is
// passed in by the caller, which keeps reports reproducible.
//
// A Metrics is not safe for concurrent use; a simulation run is
// single-threaded, and parallel runs (one per seed) each use their own.
package bench
