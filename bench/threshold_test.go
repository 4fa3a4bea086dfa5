package bench

import (
	"errors"
	"strings"
	"testing"
)

func TestParseThresholdGood(t *testing.T) {
	th := func(metric, base, stat string, pct float64, op string, v float64, dur bool, text string) Threshold {
		return Threshold{Metric: metric, Base: base, Stat: stat, Pct: pct, Op: op, Value: v, Duration: dur, Text: text}
	}
	cases := []struct {
		in   string
		want Threshold
	}{
		{"ring.p99<250ms", th("ring.p99", "ring", "p", 99, "<", 250e6, true, "250ms")},
		{"ring.p99 <= 0.25s", th("ring.p99", "ring", "p", 99, "<=", 0.25e9, true, "0.25s")},
		{"anomalies==0", th("anomalies", "anomalies", "", 0, "==", 0, false, "0")},
		{"violations==0", th("violations", "violations", "", 0, "==", 0, false, "0")},
		{"outcome.accepted>100", th("outcome.accepted", "outcome.accepted", "", 0, ">", 100, false, "100")},
		{"events_per_sec>=1e6", th("events_per_sec", "events_per_sec", "", 0, ">=", 1e6, false, "1e6")},
		{"ns_per_event<2000", th("ns_per_event", "ns_per_event", "", 0, "<", 2000, false, "2000")},
		{"  ring.p99.9 != 1m30s  ", th("ring.p99.9", "ring", "p", 99.9, "!=", 90e9, true, "1m30s")},
		{"x.mean>1.5E3ns", th("x.mean", "x", "avg", 0, ">", 1500, true, "1.5E3ns")},
		{"x.max<1µs", th("x.max", "x", "max", 0, "<", 1e3, true, "1µs")},
		{"x.max<2us", th("x.max", "x", "max", 0, "<", 2e3, true, "2us")},
		{"x.max<1h", th("x.max", "x", "max", 0, "<", 3600e9, true, "1h")},
		{"x.min<.5ns", th("x.min", "x", "min", 0, "<", 0.5, true, ".5ns")},
		// k6's forms.
		{"ring.p(95)<200ms", th("ring.p(95)", "ring", "p", 95, "<", 200e6, true, "200ms")},
		{"ring.p(99.9)<=1s", th("ring.p(99.9)", "ring", "p", 99.9, "<=", 1e9, true, "1s")},
		{"server.ring.p(99.99)<2s", th("server.ring.p(99.99)", "server.ring", "p", 99.99, "<", 2e9, true, "2s")},
		{"ring.avg<80ms", th("ring.avg", "ring", "avg", 0, "<", 80e6, true, "80ms")},
		{"ring.med<50ms", th("ring.med", "ring", "p", 50, "<", 50e6, true, "50ms")},
		{"ring.p95<1s", th("ring.p95", "ring", "p", 95, "<", 1e9, true, "1s")},
		{"ring.count>100", th("ring.count", "ring", "count", 0, ">", 100, false, "100")},
		{"calls.rate>=19.5/s", th("calls.rate", "calls", "rate", 0, ">=", 19.5, false, "19.5/s")},
		{"calls.rate>=19.5", th("calls.rate", "calls", "rate", 0, ">=", 19.5, false, "19.5")},
	}
	for _, c := range cases {
		got, err := ParseThreshold(c.in)
		if err != nil {
			t.Errorf("ParseThreshold(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseThreshold(%q) = %#v, want %#v", c.in, got, c.want)
		}
		again, err := ParseThreshold(got.String())
		if err != nil || again != got {
			t.Errorf("String %q re-parses to %#v, %v", got.String(), again, err)
		}
	}
}

func TestParseThresholdBad(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ring.p99<<2", `threshold "ring.p99<<2": col 10: expected a number or duration`},
		{"", `threshold "": col 1: expected a metric name`},
		{"   ", `threshold "   ": col 4: expected a metric name`},
		{"<3", `threshold "<3": col 1: expected a metric name`},
		{"9lives<3", `threshold "9lives<3": col 1: expected a metric name`},
		{"ring.p99", `threshold "ring.p99": col 9: expected an operator (<, <=, >, >=, ==, !=)`},
		{"ring.p99 = 3", `threshold "ring.p99 = 3": col 10: expected an operator (<, <=, >, >=, ==, !=)`},
		{"ring#p99<3", `threshold "ring#p99<3": col 5: expected an operator (<, <=, >, >=, ==, !=)`},
		{"ring.p99<", `threshold "ring.p99<": col 10: expected a number or duration`},
		{"ring.p99<250xs", `threshold "ring.p99<250xs": col 13: unknown unit "xs" (want ns, us, µs, ms, s, m, h)`},
		{"ring.p99<250 ms", `threshold "ring.p99<250 ms": col 14: unexpected "ms" after the value`},
		{"ring.p99<1m30", `threshold "ring.p99<1m30": col 14: expected a unit (ns, us, µs, ms, s, m, h)`},
		{"ring.p99<1e999", `threshold "ring.p99<1e999": col 10: number 1e999 out of range`},
		{"µ.p99<1x", `threshold "µ.p99<1x": col 8: unknown unit "x" (want ns, us, µs, ms, s, m, h)`},
		{"a<1 2", `threshold "a<1 2": col 5: unexpected "2" after the value`},
		{"a<NaN", `threshold "a<NaN": col 3: expected a number or duration`},
		{"a<-", `threshold "a<-": col 3: expected a number or duration`},
		// A bare number on a latency is no longer nanoseconds: the message
		// gives the fix.
		{"ring.p99<250", `threshold "ring.p99<250": col 10: ring.p99 is a latency: its value needs a unit (ns, us, ms, s, m, h); write ring.p99<250ms`},
		{"ring.p(95) < 200", `threshold "ring.p(95) < 200": col 14: ring.p(95) is a latency: its value needs a unit (ns, us, ms, s, m, h); write ring.p(95)<200ms`},
		{"x.mean>-1.5E3", `threshold "x.mean>-1.5E3": col 8: x.mean is a latency: its value needs a unit (ns, us, ms, s, m, h); write x.mean>-1.5E3ms`},
		{"ring.p(101)<1s", `threshold "ring.p(101)<1s": col 1: percentile 101 is not in 0..100 (p(99.9) is the 99.9th percentile)`},
		{"ring.count>5ms", `threshold "ring.count>5ms": col 12: ring.count is a number, not a duration`},
		{"calls.rate>5/m", `threshold "calls.rate>5/m": col 13: unexpected "/m" after the value`},
	}
	for _, c := range cases {
		_, err := ParseThreshold(c.in)
		if err == nil {
			t.Errorf("ParseThreshold(%q) succeeded", c.in)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("ParseThreshold(%q)\n got %s\nwant %s", c.in, err, c.want)
		}
		var te *ThresholdError
		if !errors.As(err, &te) {
			t.Errorf("ParseThreshold(%q): error is %T, want *ThresholdError", c.in, err)
		}
	}
}

func sampleReport() *Report {
	m := NewMetrics()
	for i := int64(1); i <= 100; i++ {
		m.Record("ring", i*ms1)
		m.Record("call.setup", 2*i*ms1)
	}
	m.Count("outcome.accepted", 120)
	m.Count("outcome.rejected", 7)
	m.Count("anomalies", 0)
	m.SetDuration(60e9)
	m.SetLoad(60e9)
	r := m.Report(Header{Workload: "calls-1v1", Version: "test", Seed: 42,
		Options: []Option{{"rate", "100"}, {"shards", "2"}}, Command: "sigbench run calls-1v1 -seed 42"})
	r.Wall = &Wall{Events: 1000, EventsPerSec: 2.5e6, NsPerEvent: 400, NsPerInvitation: 3000,
		PeakHeapBytes: 1 << 20, BytesPerLiveInvitation: 512, Speedup: 1500, WallNS: 40e6}
	return r
}

func TestEval(t *testing.T) {
	r := sampleReport()
	cases := []struct {
		expr   string
		ok     bool
		actual string
		err    string
	}{
		{"ring.p99<250ms", true, "99.024895ms", ""},
		{"ring.p99<99ms", false, "99.024895ms", ""},
		{"ring.max<=0.1s", true, "100ms", ""},
		{"ring.count==100", true, "100", ""},
		{"call.setup.p50>90ms", true, "100.007935ms", ""},
		{"call.setup.p99.9<1s", true, "200ms", ""},
		{"ring.mean==50.5ms", true, "50.5ms", ""},
		{"ring.avg==50.5ms", true, "50.5ms", ""},
		{"ring.med<=50ms", false, "50.003967ms", ""},
		{"ring.p(95)<96ms", true, "95.027199ms", ""},
		{"ring.p95<96ms", true, "95.027199ms", ""},
		{"ring.p(99.99)==100ms", true, "100ms", ""},
		{"ring.min>=1ms", true, "1ms", ""},
		{"ring.rate>1.6/s", true, "1.66667/s", ""},
		{"outcome.accepted.rate==2/s", true, "2/s", ""},
		{"outcome.accepted.count==120", true, "120", ""},
		{"outcome.accepted.p99<1s", false, "", `threshold "outcome.accepted.p99<1s": "outcome.accepted" is a counter: it has count and rate, not p99`},
		{"ring<1s", false, "", `threshold "ring<1s": "ring" is a latency metric: name a statistic, e.g. ring.p(99)`},
		{"anomalies==0", true, "0", ""},
		{"outcome.accepted>100", true, "120", ""},
		{"outcome.rejected!=7", false, "7", ""},
		{"events_per_sec>=1e6", true, "2.5e+06", ""},
		{"ns_per_event<1us", true, "400ns", ""},
		{"speedup>1000", true, "1500", ""},
		{"duration_ns==1m", true, "1m0s", ""},
		{"violations==0", false, "", `threshold "violations==0": unknown metric "violations"`},
		{"ring.p9x<1s", false, "", `threshold "ring.p9x<1s": unknown statistic "p9x" of metric "ring" (want ` + StatNames + `)`},
		{"anomalies<5ms", false, "0", `threshold "anomalies<5ms": "anomalies" is not a duration`},
	}
	for _, c := range cases {
		th, err := ParseThreshold(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		ok, actual, err := th.Eval(r)
		errs := ""
		if err != nil {
			errs = err.Error()
		}
		if ok != c.ok || actual != c.actual || errs != c.err {
			t.Errorf("%s: got (%v, %q, %q), want (%v, %q, %q)", c.expr, ok, actual, errs, c.ok, c.actual, c.err)
		}
	}
	r.Wall = nil
	th, _ := ParseThreshold("speedup>1")
	if _, _, err := th.Eval(r); err == nil || !strings.Contains(err.Error(), "no wall metrics") {
		t.Errorf("wall threshold on report without wall: %v", err)
	}
	if _, _, err := th.Eval(nil); err == nil {
		t.Error("Eval(nil) succeeded")
	}
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{
		"ring.p99<250ms", "ring.p99 <= 0.25s", "anomalies==0", "outcome.accepted>100",
		"events_per_sec>=1e6", "x!=1m30s", "a<-0ms", "a<.5", "a<5.", "b>1e-3", "µ<1µs", "ring.p99<<2", "",
		"ring.p(99.9)<1s", "ring.med<1ms", "calls.rate>2/s", "ring.p(1e3)<1s", "a.p()<1s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			var te *ThresholdError
			if !errors.As(err, &te) || te.Col < 1 {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		again, err := ParseThreshold(th.String())
		if err != nil {
			t.Fatalf("%q → %q: %v", s, th.String(), err)
		}
		if again != th {
			t.Fatalf("%q → %#v → %q → %#v", s, th, th.String(), again)
		}
		_, _, _ = th.Eval(sampleReport())
	})
}
