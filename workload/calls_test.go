package workload

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// smallCalls is a quick calls run with sigbench's defaults for the options
// whose zero is zero.
func smallCalls() Calls {
	c := Calls{Options: Options{Seed: 1, Duration: 20 * time.Second, ServiceTime: sim.Exp(100 * time.Microsecond)},
		Users: 300, Arrivals: Poisson{Rate: 10}, Accept: 0.6, Reject: 0.1, Busy: 0.05, NoAnswer: 0.15, Cancel: 0.1,
		RingTime: sim.LogNormal(3*time.Second, 0.6), CancelAfter: sim.Uniform(2*time.Second, 15*time.Second),
		TalkTime: sim.Exp(20 * time.Second)}
	return c
}

// TestValidateReportsEveryProblem: Validate reports each bad option, named
// by its key, and sigbench can spell the keys as flags.
func TestValidateReportsEveryProblem(t *testing.T) {
	c := Calls{Options: Options{Shards: -1, Loss: 2, Modes: []engine.Mode{engine.ModeServer, engine.ModeClient},
		Faults: []Fault{{Fault: sim.Fault{Kind: sim.FaultKind(99), Node: "s0", For: time.Second}}}},
		Users: 1, Arrivals: Poisson{Rate: -5}, Accept: 0.7, Reject: 0.5, Timeout: 1500 * time.Millisecond}
	err := c.Validate()
	var oe *OptionError
	if !errors.As(err, &oe) {
		t.Fatalf("%v is not an OptionError", err)
	}
	want := []string{
		"--shards -1 out of range [1,65536]",
		"--loss 2 is not a probability in [0,1]",
		`--mode: "both" is for the race workload; want server or client`,
		`--fault "at 0s fault(99) s0 for=1s": fault(99): a run's fault is one of partition, crash, pause, disconnect, with for=DURATION`,
		"--users 1: need at least 2",
		"--rate -5 must be > 0 (calls per second) and at most 1e9",
		"probabilities sum to 1.2, more than 1: --accept 0.7 + --reject 0.5 + --busy 0 + --no-answer 0 + --cancel 0",
		"--timeout 1.5s is not a whole number of seconds: the API's timeout is an integer number of seconds",
	}
	if got := Spell(err, flag); got != strings.Join(want, "\n") {
		t.Errorf("spelled as flags:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if got := err.Error(); !strings.Contains(got, "\nusers 1: need at least 2\n") || strings.Contains(got, "--") {
		t.Errorf("Error() does not name the options by their keys:\n%s", got)
	}
	// Too large for MaxMemory: refused before anything is allocated.
	err = Calls{Users: 1_000_000, Options: Options{MaxMemory: 1 << 20}}.Validate()
	if got := Spell(err, flag); !strings.HasPrefix(got, "this run needs about ") || !strings.Contains(got, "raise --max-memory") {
		t.Errorf("a run too large: %v", got)
	}
}

// TestValidateExact: taken as given, a zero that stands for a default is a
// problem (a command line's "--rate=0"), and one that means itself is not.
func TestValidateExact(t *testing.T) {
	err := ValidateExact(Calls{Arrivals: Poisson{}})
	want := []string{"duration 0s must be positive", "shards 0 out of range", "workers 0 must be at least 1",
		"latency must be positive", "mode: no arbitration mode", "users 0: need at least 2",
		"rate 0 must be > 0", "timeout 0 must be in 1..3600 seconds"}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("ValidateExact(Calls{}) does not say %q:\n%v", w, err)
		}
	}
	if err := ValidateExact(Calls{}.WithDefaults()); err != nil {
		t.Errorf("the defaults, exact: %v", err)
	}
}

// TestFaultOnANodeTheWorldLacks: the run fails, naming the fault.
func TestFaultOnANodeTheWorldLacks(t *testing.T) {
	c := smallCalls()
	c.Faults = []Fault{{Start: time.Second, Fault: sim.Fault{Kind: sim.FaultCrash, Node: "zz", For: time.Second}}}
	if _, err := Run(context.Background(), c); err == nil || !strings.HasPrefix(Spell(err, flag), "--fault at 1s crash zz for=1s: ") {
		t.Errorf("a fault on a node the world lacks: %v", err)
	}
}
