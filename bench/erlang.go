package bench

import (
	"errors"
	"fmt"
	"math"
)

// MaxErlangServers bounds the c accepted by ErlangC.
const MaxErlangServers = 10_000_000

// ErlangC returns, for an M/M/c queue with c servers, Poisson arrivals at
// rate lambda and exponential service at rate mu per server (both per
// second), the probability that an arrival has to wait (Erlang's C formula)
// and the mean time it waits in the queue, Wq, in seconds.
//
// It computes Erlang B with the recurrence B(k) = a·B(k-1)/(k + a·B(k-1)),
// a = lambda/mu, and C = c·B/(c − a·(1−B)), so it needs no factorials or
// powers and stays accurate for thousands of servers. It fails if c < 1,
// lambda < 0, mu <= 0, an argument is not finite, or the utilization
// lambda/(c·mu) is 1 or more (the queue grows without bound).
func ErlangC(c int, lambda, mu float64) (pWait, meanWaitSeconds float64, err error) {
	switch {
	case c < 1 || c > MaxErlangServers:
		return 0, 0, fmt.Errorf("erlang c: servers c=%d out of range [1, %d]", c, MaxErlangServers)
	case math.IsNaN(lambda) || math.IsInf(lambda, 0) || lambda < 0:
		return 0, 0, fmt.Errorf("erlang c: arrival rate lambda=%g must be finite and >= 0", lambda)
	case math.IsNaN(mu) || math.IsInf(mu, 0) || mu <= 0:
		return 0, 0, fmt.Errorf("erlang c: service rate mu=%g must be finite and > 0", mu)
	}
	a := lambda / mu // offered load in Erlangs
	rho := a / float64(c)
	if math.IsInf(a, 0) || rho >= 1 {
		return 0, 0, fmt.Errorf("erlang c: utilization %g >= 1: the queue is unstable", rho)
	}
	if lambda == 0 {
		return 0, 0, nil
	}
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	pWait = float64(c) * b / (float64(c) - a*(1-b))
	if pWait > 1 { // rounding
		pWait = 1
	}
	meanWaitSeconds = pWait / (float64(c)*mu - lambda)
	if math.IsNaN(pWait) || math.IsNaN(meanWaitSeconds) {
		return 0, 0, errors.New("erlang c: numerical failure")
	}
	return pWait, meanWaitSeconds, nil
}
