package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"sigsim/internal/atomicfile"
)

// baselines are the small runs whose reports are kept in reports/<name>/.
// "sigbench baselines [DIR]" regenerates them all; CI regenerates the calls
// baseline and fails on any change in its virtual metrics.
var baselines = []struct {
	dir  string
	args []string
}{
	{"calls", []string{"calls", "--users=2000", "--rate=20", "--duration=60s", "--fault=pause:s0@30s+2s"}},
	{"classroom", []string{"classroom", "--groups=20", "--members=30", "--duration=90s"}},
	{"mass-timeout", []string{"mass-timeout", "--invitations=20000", "--inviters=200", "--invitees=200", "--window=2s"}},
	{"race", []string{"race", "--users=1000", "--rate=50", "--duration=40s"}},
	// A load profile that crosses the knee of one shard (about 1,700
	// calls/s: see capacity) and falls back to under a third of it.
	{"ramp", []string{"calls", "--users=100000", "--talk-time=0", "--stages=0s:500,30s:2400,40s:500,60s:500"}},
	{"capacity", []string{"capacity", "--users=100000", "--talk-time=0", "--duration=10s", "--rate=250", "--shards-list=1,2", "--checks=off"}},
}

// runBaselines: sigbench baselines [DIR] (default reports).
func runBaselines(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigbench baselines")
	if st := parseFlags(fs, args, "sigbench baselines [DIR]   (regenerates DIR/<workload>/, default DIR reports)", stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "sigbench baselines: want at most one directory, got %d arguments\n", fs.NArg())
		return exitUsage
	}
	dir := "reports"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	if err := atomicfile.CheckDir(dir); err != nil {
		fmt.Fprintf(stderr, "sigbench baselines: %s: %v\n", dir, err)
		return exitUsage
	}
	for _, b := range baselines {
		args := append(append([]string(nil), b.args...), "--out="+filepath.Join(dir, b.dir), "--progress=false")
		fmt.Fprintf(stderr, "sigbench %s\n", strings.Join(args, " "))
		if st := runContext(ctx, args, io.Discard, stderr); st != exitOK {
			fmt.Fprintf(stderr, "sigbench baselines: %s exited %d\n", b.dir, st)
			return st
		}
	}
	return exitOK
}
