package bench

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress shows a progress bar on a terminal and does nothing anywhere
// else (a pipe, a file, CI logs), so logs stay clean. A nil *Progress is a
// valid no-op.
type Progress struct {
	bar *progressbar.ProgressBar
}

// NewProgress returns a progress bar of total steps described by desc,
// drawn on w if w is a terminal; otherwise (or if w is nil) a no-op. A
// total <= 0 shows a spinner instead of a bar.
func NewProgress(total int64, desc string, w *os.File) *Progress {
	return NewProgressOf(total, desc, "it", w)
}

// NewProgressOf is NewProgress counting in unit ("points"): the bar shows
// the steps done of total, their rate and the time left.
func NewProgressOf(total int64, desc, unit string, w *os.File) *Progress {
	if w == nil || !term.IsTerminal(int(w.Fd())) {
		return &Progress{}
	}
	return newProgressTo(total, desc, unit, w)
}

// newProgressTo draws the bar on w, terminal or not (for tests).
func newProgressTo(total int64, desc, unit string, w io.Writer) *Progress {
	if total <= 0 {
		total = -1
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
	return &Progress{bar: bar}
}

// Enabled tells whether a bar is being drawn.
func (p *Progress) Enabled() bool { return p != nil && p.bar != nil }

// Add advances the bar by n steps.
func (p *Progress) Add(n int64) {
	if p.Enabled() {
		_ = p.bar.Add64(n)
	}
}

// Describe changes the text before the bar.
func (p *Progress) Describe(desc string) {
	if p.Enabled() {
		p.bar.Describe(desc)
	}
}

// Finish completes the bar and clears it from the terminal.
func (p *Progress) Finish() {
	if p.Enabled() {
		_ = p.bar.Finish()
	}
}
