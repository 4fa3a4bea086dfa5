// Command sigbench benchmarks sigsim: call-invitation workloads under a virtual
// clock, with HDR latency percentiles, wall-clock speed, reports with charts,
// capacity sweeps and CI thresholds. Run "sigbench help" for the commands.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
