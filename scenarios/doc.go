// Package scenarios is the scenario language of sigsim: a parser that turns
// scenario files (blocks of commands, each optionally followed by "----" and
// its expected output, in the spirit of cockroachdb/datadriven) into a
// validated AST, and the runner that executes them against the simulator.
//
// Parse validates every command against one schema table (commands, in
// schema.go); File.Format re-emits a file byte for byte, replacing expected
// outputs (for --rewrite). The language reference is LANGUAGE.md.
package scenarios
