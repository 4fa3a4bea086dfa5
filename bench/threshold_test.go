package bench

import (
	"errors"
	"strings"
	"testing"
)

func TestParseThresholdGood(t *testing.T) {
	cases := []struct {
		in   string
		want Threshold
	}{
		{"ring.p99<250ms", Threshold{"ring.p99", "<", 250e6, true, "250ms"}},
		{"ring.p99 <= 0.25s", Threshold{"ring.p99", "<=", 0.25e9, true, "0.25s"}},
		{"anomalies==0", Threshold{"anomalies", "==", 0, false, "0"}},
		{"violations==0", Threshold{"violations", "==", 0, false, "0"}},
		{"outcome.accepted>100", Threshold{"outcome.accepted", ">", 100, false, "100"}},
		{"events_per_sec>=1e6", Threshold{"events_per_sec", ">=", 1e6, false, "1e6"}},
		{"  ring.p99.9 != 1m30s  ", Threshold{"ring.p99.9", "!=", 90e9, true, "1m30s"}},
		{"x.mean>-1.5E3", Threshold{"x.mean", ">", -1500, false, "-1.5E3"}},
		{"x.max<1µs", Threshold{"x.max", "<", 1e3, true, "1µs"}},
		{"x.max<2us", Threshold{"x.max", "<", 2e3, true, "2us"}},
		{"x.max<1h", Threshold{"x.max", "<", 3600e9, true, "1h"}},
		{"x.max<.5ns", Threshold{"x.max", "<", 0.5, true, ".5ns"}},
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
		{"anomalies==0", true, "0", ""},
		{"outcome.accepted>100", true, "120", ""},
		{"outcome.rejected!=7", false, "7", ""},
		{"events_per_sec>=1e6", true, "2.5e+06", ""},
		{"ns_per_event<1us", true, "400ns", ""},
		{"speedup>1000", true, "1500", ""},
		{"duration_ns==1m", true, "1m0s", ""},
		{"violations==0", false, "", `threshold "violations==0": unknown metric "violations"`},
		{"ring.p95<1s", false, "", `threshold "ring.p95<1s": unknown statistic "p95" of metric "ring" (want count, min, p50, p90, p99, p99.9, max, mean)`},
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
