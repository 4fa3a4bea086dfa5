// Package scenarios is the scenario language of sigsim: a parser that turns
// scenario files (blocks of commands, each optionally followed by "----" and
// its expected output, in the spirit of cockroachdb/datadriven) into a
// validated AST, and the runner that executes them against the simulator.
// The language reference is LANGUAGE.md.
//
// # Where things are
//
// Reading a file, outside in (as datadriven splits its line scanner, line
// parser and test-data reader):
//
//   - lines.go: source lines with their terminators; blank and comment lines.
//   - reader.go: Parse, the blocks, their expected output (short and
//     ----/---- long form) and the description.
//   - lex.go: one command line's words, key=value and Go-style quoting.
//   - cmdline.go: one command line against its command's schema (at TIME,
//     the device, as NAME, every argument), with positions for errors.
//   - values.go, lists.go: the value grammars (durations, whole seconds,
//     numbers, probabilities, rates, bandwidths, weights, distributions;
//     lists and ranges, devices, nodes, users); suggest.go: "did you mean".
//   - ast.go, accessors.go, format.go: the AST, typed access to a command's
//     arguments, and File.Format, which re-emits a file byte for byte with
//     new expected outputs (for --rewrite).
//
// The commands: schema.go says what an entry holds (cmdSpec), commands.go is
// the table, one entry per command. Running a file: run.go (Run, the
// output of a block, the run command), setup.go (the world from the setup
// commands, the memory guard, references resolved before anything runs),
// and the commands' exec functions by kind: devices.go, faults.go,
// messages.go, observe.go, generate.go, rooms.go (the room service) and
// apps.go (the reference apps on users and groups, and their moves). Beyond one run: explore.go,
// shrink.go, tracefile.go (record and replay), diagram.go.
//
// # Adding a command
//
// A command is one entry in the table commands (commands.go); nothing else
// switches on command names. Say devices get a "ping USER" operation. First
// write its entry, in the group of its kind:
//
//	{name: "ping", device: true, at: optional,
//		pos: []posSpec{{name: "USER", kind: pUser}}, min: 1,
//		keys: []keySpec{k("data", vStr)},
//		exec: (*runner).ping},
//
// The schema (device, pos, min, rest, keys, flags, at, as) is checked by the
// parser, with file:line:col errors and "did you mean"; the synopsis is
// generated from it (set synopsis when that does not say it well). A
// DEVICE, NODE or USER slot, or a key of kind vUsers, is resolved against
// the world before anything runs. What the schema cannot say goes in check
// (at parse time) or refs (once the world exists).
//
// Then write the exec function next to those of its kind (here devices.go):
// func (r *runner) ping(c *Cmd) reads its arguments with the Cmd accessors
// (c.Positional, c.Str, c.Dur, c.List, ...), which the parser has already
// validated, resolves its device with r.device, and calls the world; r.fail
// reports a failure found while running. Last, add a "### ping" section to
// LANGUAGE.md with the synopsis and an example: TestLanguageDoc checks both
// against the entry.
//
// A setup command (world, users, group) has no exec: it takes part through
// scan (before the world is built) and build (once it exists, in table
// order). A new key of an existing command is one keySpec in its entry,
// read by its exec (or build) function.
package scenarios
