// Package sim is the simulator: virtual clock, event queue, seeded
// randomness, simulated network and faults, and the world that wires engine
// nodes together. Everything runs on one goroutine in virtual time, ordered
// by (time, sequence number), with every random draw taken from a stream
// derived from (master seed, component name), so the same scenario, seed and
// options always give the same trace, on any GOMAXPROCS.
package sim
