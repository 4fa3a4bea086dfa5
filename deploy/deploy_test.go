// Package deploy_test runs the commands of the sharded-sweep manifests
// (Kubernetes Indexed Job, GitHub Actions matrix) locally: every shard, then
// the merge, and checks that the merged summary equals one unsharded run.
package deploy_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// seeds is the range the test sweeps instead of the manifests' own (the same
// commands, fewer seeds).
const seeds = "1..24"

type summary struct {
	From, To uint64
	Seeds    int
	Failed   int
	Paths    map[string]int64
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

func buildSigsim(t *testing.T, root string) string {
	bin := filepath.Join(t.TempDir(), "sigsim")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/sigsim")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sh runs a manifest's shell command in the repository with env.
func sh(t *testing.T, root, command string, env map[string]string) (string, int) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Dir = root
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return string(out), code
}

func readSummary(t *testing.T, path string) summary {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// unsharded is what one explore of the whole range finds.
func unsharded(t *testing.T, root, bin, scenario string) summary {
	out := filepath.Join(t.TempDir(), "all.json")
	cmd := exec.Command(bin, "explore", scenario, "--seeds", seeds, "--keep-going", "--json")
	cmd.Dir = root
	b, _ := cmd.Output()
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return readSummary(t, out)
}

// checkMerge runs the merge command over the shards' summaries and compares
// its JSON with the unsharded run.
func checkMerge(t *testing.T, root, bin, dir, mergeCmd string, env map[string]string, want summary) {
	t.Helper()
	paths := filepath.Join(dir, "expect.paths")
	os.WriteFile(paths, []byte("request-from-log\npush-rode-on-response\n"), 0o644)
	env["EXPECT_PATHS"] = paths
	out, code := sh(t, root, mergeCmd+" --json > "+filepath.Join(dir, "merged.json"), env)
	if code != 0 && code != 1 && code != 3 {
		t.Fatalf("merge exited %d: %s", code, out)
	}
	got := readSummary(t, filepath.Join(dir, "merged.json"))
	t.Logf("merged: %d seeds %d..%d, %d failed; unsharded: %d seeds, %d failed", got.Seeds, got.From, got.To, got.Failed, want.Seeds, want.Failed)
	if got.Seeds != want.Seeds || got.Failed != want.Failed || got.From != want.From || got.To != want.To {
		t.Errorf("merged %+v, unsharded %+v", got, want)
	}
	for k, v := range want.Paths {
		if got.Paths[k] != v {
			t.Errorf("path %s: merged %d, unsharded %d", k, got.Paths[k], v)
		}
	}
	// A shard missing: merge refuses, naming it.
	shards, _ := filepath.Glob(filepath.Join(dir, "shard-*.json"))
	os.Remove(shards[len(shards)-1])
	if out, code := sh(t, root, mergeCmd, env); code != 2 || !strings.Contains(out, "missing") {
		t.Errorf("merge with a shard missing: exit %d, %s", code, out)
	}
}

func TestKubernetesIndexedJob(t *testing.T) {
	root := repoRoot(t)
	bin := buildSigsim(t, root)
	raw, err := os.ReadFile(filepath.Join(root, "deploy/k8s/explore.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type container struct {
		Env          []struct{ Name, Value string }
		Command      []string
		VolumeMounts []struct {
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	}
	type job struct {
		Kind     string
		Metadata struct{ Name string }
		Spec     struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Template       struct {
				Spec struct{ Containers []container }
			}
		}
	}
	jobs := map[string]job{}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	for {
		var j job
		if err := dec.Decode(&j); err != nil {
			break
		}
		if j.Kind == "Job" {
			jobs[j.Metadata.Name] = j
		}
	}
	explore, merge := jobs["sigsim-explore"], jobs["sigsim-merge"]
	if explore.Spec.CompletionMode != "Indexed" || explore.Spec.Completions < 2 {
		t.Fatalf("sigsim-explore is not an Indexed Job of several completions: %+v", explore.Spec)
	}
	c := explore.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if n, _ := strconv.Atoi(env["SHARDS"]); n != explore.Spec.Completions {
		t.Fatalf("SHARDS=%s but %d completions: a shard would be missing", env["SHARDS"], explore.Spec.Completions)
	}
	env["SEEDS"] = seeds
	env["SIGSIM"] = bin
	env["PATH"] = filepath.Dir(bin) + ":" + os.Getenv("PATH")
	dir := t.TempDir()
	mount := c.VolumeMounts[0].MountPath
	command := strings.ReplaceAll(c.Command[2], mount, dir)
	for k := 0; k < explore.Spec.Completions; k++ {
		env["JOB_COMPLETION_INDEX"] = strconv.Itoa(k)
		if out, code := sh(t, root, command, env); code != 0 {
			t.Fatalf("shard %d exited %d: %s", k, code, out)
		}
	}
	mc := merge.Spec.Template.Spec.Containers[0]
	checkMerge(t, root, bin, dir, strings.ReplaceAll(mc.Command[2], mount, dir), env, unsharded(t, root, bin, env["SCENARIO"]))
}

func TestGitHubActionsMatrix(t *testing.T) {
	root := repoRoot(t)
	bin := buildSigsim(t, root)
	raw, err := os.ReadFile(filepath.Join(root, ".github/workflows/explore.yml"))
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Name string
		Run  string
		Env  map[string]string
	}
	var wf struct {
		Env  map[string]string
		Jobs map[string]struct {
			Strategy struct{ Matrix struct{ Shard []int } }
			Steps    []step
		}
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	shard, merge := wf.Jobs["shard"], wf.Jobs["merge"]
	find := func(steps []step, name string) step {
		i := slices.IndexFunc(steps, func(s step) bool { return s.Name == name })
		if i < 0 {
			t.Fatalf("no step %q", name)
		}
		return steps[i]
	}
	run, mergeStep := find(shard.Steps, "explore one shard"), find(merge.Steps, "merge")
	n, _ := strconv.Atoi(wf.Env["SHARDS"])
	if len(shard.Strategy.Matrix.Shard) != n {
		t.Fatalf("matrix has %d shards, SHARDS=%d", len(shard.Strategy.Matrix.Shard), n)
	}
	env := map[string]string{}
	for k, v := range wf.Env {
		env[k] = v
	}
	env["SEEDS"] = seeds
	dir := t.TempDir()
	runnerTemp := filepath.Dir(bin)
	env["RUNNER_TEMP"] = runnerTemp
	command := strings.ReplaceAll(run.Run, "results/", dir+"/")
	for _, k := range shard.Strategy.Matrix.Shard {
		env["SHARD"] = strings.ReplaceAll(run.Env["SHARD"], "${{ matrix.shard }}", strconv.Itoa(k))
		if out, code := sh(t, root, command, env); code != 0 {
			t.Fatalf("shard %d exited %d: %s", k, code, out)
		}
	}
	checkMerge(t, root, bin, dir, strings.ReplaceAll(mergeStep.Run, "results/", dir+"/"), env, unsharded(t, root, bin, env["SCENARIO"]))
}
