// Command sigsim runs, checks, replays, explores and shrinks signaling scenarios.
// See the README for the commands and exit codes.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
