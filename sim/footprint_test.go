package sim

import (
	"strings"
	"testing"
)

func TestParseAndFormatSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"16GiB", 16 << 30}, {"512MiB", 512 << 20}, {"2GB", 2e9}, {"1.5KiB", 1536}, {"100B", 100}, {"1TiB", 1 << 40},
	} {
		if got, err := ParseSize(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "16", "GiB", "16gib", "-1GiB", "0B", "1e3MiB", "99999999PiB", "x1GiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	for _, tc := range []struct {
		b    float64
		want string
	}{{512, "512 B"}, {1536, "1.5 KiB"}, {16 << 30, "16 GiB"}, {1.8e14, "164 TiB"}} {
		if got := FormatSize(tc.b); got != tc.want {
			t.Errorf("FormatSize(%g) = %q, want %q", tc.b, got, tc.want)
		}
	}
}

func TestFootprint(t *testing.T) {
	live, ended := Flow(1e11, 10_000, 30, 0)
	if live != 300_000 || ended != 6_000_000 {
		t.Errorf("flow: live %g ended %g", live, ended)
	}
	if live, ended := Flow(100, 10, 0, 0); live != 100 || ended != 0 {
		t.Errorf("a flow that never times out keeps everything live: %g %g", live, ended)
	}
	f := Footprint{Devices: 1e11}
	err := CheckMemory(f, 0)
	if err == nil || !strings.Contains(err.Error(), "needs about 191 TiB of memory (100000000000 devices × 2100 B), more than the limit of 16 GiB") {
		t.Errorf("1e11 devices: %v", err)
	}
	if err := CheckMemory(Footprint{Devices: 1000, LiveInvitations: 1000, Checks: true, Invitations: 1000}, 0); err != nil {
		t.Errorf("a small run: %v", err)
	}
}
