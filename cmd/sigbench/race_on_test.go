//go:build race

package main

// raceEnabled tells tests the race detector is on (they trim slow cases).
const raceEnabled = true
