package scenarios

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func runLibrary(t *testing.T, name string) *Result {
	t.Helper()
	p := filepath.Join("testdata", name)
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(p, src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFrameLabel(t *testing.T) {
	for in, want := range map[string]string{
		`REQ #1 invite invite call inviter=alice invitees=[bob] timeout=30s data="a b" push="call from alice"`: `REQ #1 invite call data="a b"`,
		`PUSH s=1 seq=1 from=alice/1 to=bob group=team invite g group=team`:                                    `PUSH s=1 group=team invite g`,
		`RESP #1 ok + s=2 seq=2 from=bob/1 to=alice accept call inviter=alice`:                                 `RESP #1 ok + s=2 accept call`,
	} {
		if got := frameLabel(in); got != want {
			t.Errorf("frameLabel(%s)\n = %s\nwant %s", in, got, want)
		}
	}
}

var (
	svgSize = regexp.MustCompile(`<svg [^>]*width="(\d+)"`)
	svgText = regexp.MustCompile(`<text x="(\d+)"[^>]*>([^<]*)</text>`)
	svgLine = regexp.MustCompile(`<line x1="\d+" y1="(\d+)" x2="\d+" y2="(\d+)" stroke="#236"`)
)

// TestDiagramSVG: no label runs past the canvas, arrows slant from the row
// of their send to the row of their delivery, and every step has its full
// text to show on hover.
func TestDiagramSVG(t *testing.T) {
	res := runLibrary(t, "loss_retransmit.sig")
	var b bytes.Buffer
	if err := res.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	width, _ := strconv.Atoi(svgSize.FindStringSubmatch(svg)[1])
	texts := svgText.FindAllStringSubmatch(svg, -1)
	if len(texts) < 20 {
		t.Fatalf("only %d labels", len(texts))
	}
	for _, m := range texts {
		x, _ := strconv.Atoi(m[1])
		if end := float64(x) + float64(len(htmlUnescape(m[2])))*charWidth; end > float64(width) {
			t.Errorf("label %q ends at %.0f, past the canvas width %d", m[2], end, width)
		}
	}
	slanted := 0
	for _, m := range svgLine.FindAllStringSubmatch(svg, -1) {
		if m[1] != m[2] {
			slanted++
		}
	}
	if slanted == 0 {
		t.Error("no arrow slants, though frames cross in this run")
	}
	if n, m := strings.Count(svg, `<g class="step"><title>`), strings.Count(svg, "</g>"); n == 0 || n != m {
		t.Errorf("%d steps with a hover title, %d groups", n, m)
	}
	for _, m := range texts {
		if strings.Contains(m[2], "lost (lost)") || strings.Contains(m[2], "invite invite") || strings.Count(m[2], "group=team") > 1 {
			t.Errorf("label %q repeats a word", m[2])
		}
	}
	if !strings.Contains(svg, `stroke-dasharray`) {
		t.Error("no lost frame drawn, though this run loses some")
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(s)
}

func TestDiagramRefusesWhatItCannotDraw(t *testing.T) {
	f, err := Parse("big.sig", []byte("world seed=1\nusers u1..u10\ngenerate invites count=30000 from=u1..u5 to=u6..u10 rate=100000/s timeout=1s\nrun until quiet\n----\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteSVG(&bytes.Buffer{}); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("a run without a trace: %v, want ErrNotRecorded", err)
	}
	f, err = Parse("many.sig", []byte("world seed=1\nusers u1..u10\ngenerate invites count=2000 from=u1..u5 to=u6..u10 rate=1000/s timeout=1s\nrun until quiet\n----\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err = Run(f, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteSVG(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "more than a diagram can show") {
		t.Errorf("a run too large to draw: %v", err)
	}
}

// TestDiagramHTMLRendersInChromium opens the HTML diagram in headless
// Chromium: the DOM holds every step, and the screenshot is not blank.
// Skipped where Chromium is not installed; CI installs it.
func TestDiagramHTMLRendersInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SIGSIM_REQUIRE_CHROMIUM") != "" {
			t.Fatal("chromium not installed, and SIGSIM_REQUIRE_CHROMIUM is set (as CI sets it)")
		}
		t.Skip("chromium not installed (Debian package chromium); CI installs it")
	}
	res := runLibrary(t, "race_cancel_accept.client.sig")
	dir := t.TempDir()
	page := filepath.Join(dir, "d.html")
	var b bytes.Buffer
	if err := res.WriteHTML(&b, "race"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := strings.Count(b.String(), `<g class="step">`)
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile")}
	dom, err := exec.Command(bin, append(flags, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	if got := strings.Count(string(dom), `<g class="step">`); got != steps {
		t.Errorf("the rendered DOM holds %d steps, the page %d", got, steps)
	}
	shot := filepath.Join(dir, "d.png")
	if out, err := exec.Command(bin, append(flags, "--screenshot="+shot, "--window-size=1400,900", "file://"+page)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	fh, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	dark := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("the screenshot is nearly blank: %d dark pixels", dark)
	}
}
