package bench

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// summaryPercentiles are the percentiles a Summary keeps in its own
// fields, readable from a report without its histogram.
var summaryPercentiles = []float64{50, 90, 99, 99.9}

// Percentile returns the value at percentile p (0..100) of the metric,
// clamped to its exact minimum and maximum as Hist.Quantile does: p50,
// p90, p99 and p99.9 from the summary's fields, any other from its HDR
// histogram (reports written before schema 2 have none).
func (s Summary) Percentile(p float64) (int64, error) {
	if !(p >= 0 && p <= 100) {
		return 0, fmt.Errorf("percentile %s is not in 0..100", FormatPercentile(p))
	}
	if s.Count == 0 {
		return 0, errors.New("no sample")
	}
	// The summary's own percentiles are those of the same histogram; a
	// report may also hold a summary alone.
	if s.HDR == "" || slices.Contains(summaryPercentiles, p) {
		switch p {
		case 50:
			return s.P50NS, nil
		case 90:
			return s.P90NS, nil
		case 99:
			return s.P99NS, nil
		case 99.9:
			return s.P999NS, nil
		}
		return 0, fmt.Errorf("p%s: the report has no histogram of the metric (it was written before schema 2), only p50, p90, p99 and p99.9", FormatPercentile(p))
	}
	h, err := s.Histogram()
	if err != nil {
		return 0, err
	}
	return clampRange(h.ValueAtQuantile(p), s.MinNS, s.MaxNS), nil
}

// Histogram decodes the metric's HDR histogram.
func (s Summary) Histogram() (*hdrhistogram.Histogram, error) {
	if s.HDR == "" {
		return nil, errors.New("the report has no histogram of the metric (written before schema 2)")
	}
	h, err := hdrhistogram.Decode([]byte(s.HDR))
	if err != nil {
		return nil, fmt.Errorf("its hdr histogram does not decode: %w", err)
	}
	if h.TotalCount() != s.Count {
		return nil, fmt.Errorf("its hdr histogram holds %d samples, its count says %d", h.TotalCount(), s.Count)
	}
	return h, nil
}

// FormatPercentile writes a percentile the shortest way: 99, 99.9, 99.99.
func FormatPercentile(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// MergeSummaries merges the summaries of one metric from several runs
// into the summary of all their samples: counts add, min and max are the
// extremes, the mean is the count-weighted mean (rounded down) and the
// percentiles come from the merged HDR histograms, which every summary with
// samples must have.
func MergeSummaries(l []Summary) (Summary, error) {
	var out Summary
	var merged *hdrhistogram.Histogram
	sum := 0.0
	for i, s := range l {
		out.Clamped += s.Clamped
		if s.Count == 0 {
			continue
		}
		h, err := s.Histogram()
		if err != nil {
			return Summary{}, fmt.Errorf("run %d: %w", i+1, err)
		}
		if merged == nil {
			merged = hdrhistogram.New(LowestNS, HighestNS, SignificantDigits)
		}
		if dropped := merged.Merge(h); dropped > 0 {
			return Summary{}, fmt.Errorf("run %d: %d samples outside the histogram's range", i+1, dropped)
		}
		if out.Count == 0 || s.MinNS < out.MinNS {
			out.MinNS = s.MinNS
		}
		out.MaxNS = max(out.MaxNS, s.MaxNS)
		out.Count += s.Count
		sum += float64(s.Count) * float64(s.MeanNS)
	}
	if merged == nil {
		return out, nil
	}
	out.MeanNS = int64(math.Floor(sum / float64(out.Count)))
	q := func(p float64) int64 { return clampRange(merged.ValueAtQuantile(p), out.MinNS, out.MaxNS) }
	out.P50NS, out.P90NS, out.P99NS, out.P999NS = q(50), q(90), q(99), q(99.9)
	b, err := merged.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return Summary{}, err
	}
	out.HDR = string(b)
	return out, nil
}
