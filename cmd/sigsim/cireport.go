package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"sigsim/scenarios"
)

// CI-native results: a JUnit XML report of check (a test case per scenario
// block) and GitHub Actions annotations (::error file=F,line=L::) that point
// at the line that failed, for check and explore.

// fileReport is what check found in one file, for the JUnit report and the
// annotations.
type fileReport struct {
	path  string
	cases []checkCase
	notes []annotation
}

// checkCase is one JUnit test case: a scenario block, or what belongs to no
// block (the file did not parse; an invariant violated).
type checkCase struct {
	name    string
	failure string // the failure's one line; "" if the case passed
	detail  string // its body: a diff, the error
}

// annotation is a GitHub Actions workflow command: an error at a file's line.
type annotation struct {
	file string
	line int
	msg  string
}

// githubActions tells whether annotations are wanted by default: GitHub
// Actions sets GITHUB_ACTIONS=true in every step.
func githubActions() bool { return os.Getenv("GITHUB_ACTIONS") == "true" }

func (a annotation) String() string {
	// The message's newlines and percent signs are escaped as the workflow
	// command syntax asks (%0A, %25).
	msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(a.msg)
	file := strings.NewReplacer("%", "%25", ",", "%2C", ":", "%3A").Replace(a.file)
	return fmt.Sprintf("::error file=%s,line=%d::%s", file, a.line, msg)
}

// firstDiff is the index of the first line where want and got differ.
func firstDiff(want, got []string) int {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return i
		}
	}
	return min(len(want), len(got))
}

// mismatchLine is the file line of the first expected line that differs
// from the actual output (the one after the last when the output is longer;
// the block's first command line when it has no expected output).
func mismatchLine(b *scenarios.Block, got []string) int {
	if !b.HasExpected || b.ExpectedLine == 0 {
		return b.Line
	}
	return b.ExpectedLine + firstDiff(b.Expected, got)
}

// lineOf reads the line of a "file:line:col: what" error.
var lineOf = regexp.MustCompile(`:(\d+):(\d+): `)

func errorLine(text string) int {
	if m := lineOf.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}

// blockCaseName names a block's test case by its line and first command.
func blockCaseName(b *scenarios.Block) string {
	name := "line " + strconv.Itoa(b.Line)
	if len(b.Cmds) > 0 {
		name += ": " + strings.TrimSpace(b.Cmds[0].Raw)
	}
	return name
}

// reportFile builds the report of a file that ran: a case per block, each
// failing with its diff or with the expectations that failed in it, and a
// case for an unannounced invariant violation.
func reportFile(path string, res *scenarios.Result, diffs map[*scenarios.Block]string) fileReport {
	rep := fileReport{path: path}
	var blocks []*scenarios.Block
	for _, it := range res.File.Items {
		if it.Block != nil {
			blocks = append(blocks, it.Block)
		}
	}
	// Each failed expectation belongs to the block holding its line.
	fails := map[*scenarios.Block][]string{}
	var loose []string
	for _, fl := range res.Failures {
		line := errorLine(fl)
		var in *scenarios.Block
		for _, b := range blocks {
			if b.Line <= line {
				in = b
			}
		}
		if in == nil {
			loose = append(loose, fl)
		} else {
			fails[in] = append(fails[in], fl)
		}
		rep.notes = append(rep.notes, annotation{path, line, fl})
	}
	for _, b := range blocks {
		c := checkCase{name: blockCaseName(b)}
		if d, ok := diffs[b]; ok {
			line := mismatchLine(b, res.Outputs[b])
			c.failure, c.detail = fmt.Sprintf("output differs at line %d", line), d
			rep.notes = append(rep.notes, annotation{path, line, "output differs from the expected output\n" + d})
		}
		if l := fails[b]; len(l) > 0 {
			if c.failure == "" {
				c.failure = l[0]
			}
			c.detail = strings.TrimSpace(c.detail + "\n" + strings.Join(l, "\n"))
		}
		rep.cases = append(rep.cases, c)
	}
	if len(loose) > 0 {
		rep.cases = append(rep.cases, checkCase{name: "expectations", failure: loose[0], detail: strings.Join(loose, "\n")})
	}
	inv := checkCase{name: "invariants"}
	if res.Unexpected {
		v := res.Violations[res.FirstUnexpected]
		inv.failure = "invariant violated: " + v.String()
		inv.detail = inv.failure
		rep.notes = append(rep.notes, annotation{path, violationLine(res, blocks, v.Invariant), inv.failure})
	}
	rep.cases = append(rep.cases, inv)
	return rep
}

// violationLine is the line of the first block whose output reports the
// violation (the run command that hit it), or the file's first line.
func violationLine(res *scenarios.Result, blocks []*scenarios.Block, invariant string) int {
	for _, b := range blocks {
		for _, l := range res.Outputs[b] {
			if strings.Contains(l, invariant+" violated") {
				return b.Line
			}
		}
	}
	return 1
}

// reportMalformed is the report of a file that does not parse or run.
func reportMalformed(path string, err error) fileReport {
	return fileReport{path: path,
		cases: []checkCase{{name: "parse", failure: "malformed scenario", detail: err.Error()}},
		notes: []annotation{{path, errorLine(err.Error()), err.Error()}}}
}

// JUnit XML, as CI systems read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the reports as one JUnit document: a suite per file.
func writeJUnit(w io.Writer, reports []fileReport) error {
	doc := junitSuites{Name: "sigsim check"}
	for _, r := range reports {
		s := junitSuite{Name: r.path}
		for _, c := range r.cases {
			jc := junitCase{Name: c.name, Classname: r.path}
			if c.failure != "" {
				jc.Failure = &junitFailure{Message: c.failure, Text: c.detail}
				s.Failures++
			}
			s.Cases = append(s.Cases, jc)
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// pathLine is the line of a path's name in an expected-paths file (1 if it
// cannot be read there).
func pathLine(file, path string) int {
	src, err := os.ReadFile(file)
	if err != nil {
		return 1
	}
	for i, l := range strings.Split(string(src), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == path {
			return i + 1
		}
	}
	return 1
}
