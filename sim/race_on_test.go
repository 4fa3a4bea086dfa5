//go:build race

package sim

// raceEnabled tells tests the race detector is on (allocation counts differ).
const raceEnabled = true
