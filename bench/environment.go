package bench

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"sigsim/internal/buildinfo"
)

// Environment is the build and the machine a report was made on. The
// virtual metrics depend on the build only (the commit); the wall-clock
// figures on all of it, so report.md prints it with them.
type Environment struct {
	// Commit is the build's commit (vcs.revision, shortened, "-dirty" when
	// the work tree had changes; "unknown" without VCS information).
	Commit string `json:"commit"`
	// GoVersion is the Go release the binary was built with.
	GoVersion string `json:"go_version"`
	// GOOS and GOARCH are the platform.
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	// CPU is the processor's model name ("" where it cannot be read).
	CPU string `json:"cpu,omitempty"`
	// NumCPU is the number of logical CPUs, GOMAXPROCS how many the run
	// could use at once (a run is single-threaded; a capacity sweep runs
	// its shard counts in parallel, up to GOMAXPROCS).
	NumCPU     int `json:"num_cpu"`
	GOMAXPROCS int `json:"gomaxprocs"`
}

// CurrentEnvironment describes this build on this machine.
func CurrentEnvironment() *Environment {
	in := buildinfo.Read()
	return &Environment{
		Commit:     in.Commit(),
		GoVersion:  runtime.Version(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		CPU:        cpuModel(),
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
}

// String is "commit 3e5cce6a1b2c, go1.26.0 linux/amd64, Intel(R) Xeon(R)
// Processor, 2 CPUs, GOMAXPROCS 2".
func (e *Environment) String() string {
	if e == nil {
		return "unknown"
	}
	parts := []string{"commit " + e.Commit, e.GoVersion + " " + e.GOOS + "/" + e.GOARCH}
	if e.CPU != "" {
		parts = append(parts, e.CPU)
	}
	cpus := "1 CPU"
	if e.NumCPU != 1 {
		cpus = strconv.Itoa(e.NumCPU) + " CPUs"
	}
	parts = append(parts, cpus, "GOMAXPROCS "+strconv.Itoa(e.GOMAXPROCS))
	return strings.Join(parts, ", ")
}

// cpuModel reads the processor's model name from /proc/cpuinfo (Linux);
// elsewhere it is unknown.
var cpuModel = sync.OnceValue(func() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if k = strings.TrimSpace(k); ok && (k == "model name" || k == "Model" || k == "cpu model") {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
})
