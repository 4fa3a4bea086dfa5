package trace

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

const benchEvents = 1_000_000

// reportPerEvent turns whole-run numbers into per-event ones, the unit
// that matters when sizing simulator runs.
func reportPerEvent(b *testing.B, before *runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	n := float64(b.N) * benchEvents
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/event")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/event")
}

func BenchmarkWrite1M(b *testing.B) {
	events := genEvents(4096, 1)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		w, err := NewWriter(io.Discard, testHeader)
		if err != nil {
			b.Fatal(err)
		}
		for i := range benchEvents {
			if err := w.Write(events[i%len(events)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(0); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, &before)
}

func BenchmarkRead1M(b *testing.B) {
	events := genEvents(4096, 1)
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, testHeader)
	for i := range benchEvents {
		w.Write(events[i%len(events)])
	}
	w.Close(0)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchEvents {
			b.Fatalf("read %d events", n)
		}
	}
	reportPerEvent(b, &before)
	b.ReportMetric(float64(len(data))/benchEvents, "file-B/event")
}
