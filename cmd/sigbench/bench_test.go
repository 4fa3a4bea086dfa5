package main

import (
	"io"
	"strconv"
	"testing"
)

// benchRun runs a workload command b.N-scaled and reports wall ns per
// invitation (the simulator's and engine's hot paths, through sigbench's
// harness). go test -bench . -benchtime 3x ./cmd/sigbench/
func benchRun(b *testing.B, invitations int, args ...string) {
	b.ReportAllocs()
	for b.Loop() {
		if st := run(append(args, "--progress=false", "--checks=off"), io.Discard, io.Discard); st != exitOK {
			b.Fatalf("exit %d", st)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*invitations), "ns/invitation")
}

// BenchmarkMassTimeout: 100,000 invitations created in 1 s, all timing out.
func BenchmarkMassTimeout(b *testing.B) {
	const n = 100_000
	benchRun(b, n, "mass-timeout", "--invitations="+strconv.Itoa(n), "--service-time=0")
}

// BenchmarkCalls: about 60,000 1:1 calls among 100,000 users.
func BenchmarkCalls(b *testing.B) {
	benchRun(b, 60_000, "calls", "--users=100000", "--rate=2000", "--duration=30s", "--service-time=0")
}
