// Command sigbench benchmarks sigsim: call-invitation workloads under a virtual
// clock, with HDR latency percentiles, wall-clock speed, reports with charts,
// capacity sweeps and CI thresholds. Run "sigbench help" for the commands.
package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := interrupts()
	defer stop()
	os.Exit(runContext(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// interrupts returns a context cancelled, with the signal as its cause, on
// the first SIGINT or SIGTERM: the run then stops between two slices of
// events and writes its partial report. The watcher goroutine is the only
// one besides the simulation, which never sees it. After the first signal
// the default action is back, so a second Ctrl-C ends the program at once.
// A SIGINT ignored at start (a background job of a non-interactive shell)
// stays ignored.
func interrupts() (context.Context, func()) {
	sigs := []os.Signal{syscall.SIGTERM}
	if !signal.Ignored(os.Interrupt) {
		sigs = append(sigs, os.Interrupt)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			signal.Reset(sigs...)
			cancel(errors.New(s.String()))
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(ch)
		cancel(nil)
	}
}
