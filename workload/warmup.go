package workload

import (
	"slices"
	"strconv"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// autoWarmup returns the warm-up and the logins' spread for n devices:
// the logins are spread over [0, spread) so that they load the shards to
// half their capacity, over at least 1 s; then the warm-up waits until the
// last one has surely completed (loginSettle). A Warmup given in the
// options is kept, the logins spread over what it leaves after the settle
// time; if it is too short, the calls that fail for it are counted and
// reported (env.watchResults), never silently.
func autoWarmup(o *Options, devices int) (warmup, spread int64) {
	settle := loginSettle(o)
	if o.Warmup > 0 {
		return int64(o.Warmup), max(0, int64(o.Warmup)-settle)
	}
	s := int64(0)
	if mean := o.ServiceTime.Mean(); mean > 0 {
		s = int64(2 * float64(devices) * mean / float64(o.Shards*o.Workers))
	}
	spread = roundUp(max(s, int64(time.Second)), int64(time.Millisecond))
	return spread + settle, spread
}

// loginSettle is how long a login takes at worst, rounded up to 1 ms and at
// least 1 s: a frame each way at the latency's 99.9th percentile, the
// service time's 99.9th percentile plus the queueing at half load (about 20
// mean service times at its own 99.9th percentile), and with loss as many
// retransmission timeouts (backing off) as make a login that still fails
// rarer than 1 in 10,000. The percentiles are read off 20,000 draws from the distributions
// with a stream of their own and a fixed seed: the warm-up depends on the
// options only, not on the seed (two seeds' runs differ by their randomness
// alone), and no stream of the run moves.
func loginSettle(o *Options) int64 {
	q := func(d sim.Dist, name string) int64 {
		if d == (sim.Dist{}) {
			return 0
		}
		r := sim.NewRand(0, "warmup/"+name)
		xs := make([]int64, 20_000)
		for i := range xs {
			xs[i] = int64(d.Sample(r))
		}
		slices.Sort(xs)
		return xs[len(xs)*999/1000]
	}
	t := 2*q(o.Latency, "latency") + q(o.ServiceTime, "service") + int64(20*o.ServiceTime.Mean())
	if p := o.Loss; p > 0 {
		tries := 1
		for f := p; f > 1e-4 && tries < 20; f *= p {
			tries++
		}
		for i := range tries { // the engine's default RTO, doubling per timeout up to its cap
			t += int64(min(engine.DefaultRTO<<i, engine.DefaultMaxRTO))
		}
	}
	return max(int64(time.Second), roundUp(t, int64(time.Millisecond)))
}

func roundUp(v, unit int64) int64 { return (v + unit - 1) / unit * unit }

// loginSpread logs devices in at evenly spaced times over [0, spread).
func loginSpread(w *sim.World, devs []*sim.Device, spread int64) {
	n := int64(len(devs))
	if n == 0 {
		return
	}
	// One pending closure at a time: each login schedules the next.
	var i int64
	var next func()
	next = func() {
		w.Login(devs[i])
		i++
		if i < n {
			w.At(engine.Time(spread*i/n), next)
		}
	}
	w.At(0, next)
}

// population adds n users prefix0..prefix(n-1) with one device each.
func population(w *sim.World, prefix string, n int) ([]*sim.Device, []string, error) {
	devs := make([]*sim.Device, n)
	users := make([]string, n)
	for i := range n {
		users[i] = prefix + strconv.Itoa(i)
		d, err := w.AddDevice(users[i], "1")
		if err != nil {
			return nil, nil, err
		}
		devs[i] = d
	}
	return devs, users, nil
}
