// Package sim is the simulator: virtual clock, event queue, seeded
// randomness, simulated network and faults, and the world that wires engine
// nodes together. Everything runs on one goroutine in virtual time, ordered
// by (time, sequence number), with every random draw taken from a stream
// derived from (master seed, component name), so the same scenario, seed and
// options always give the same trace, on any GOMAXPROCS.
//
// # Adding a fault kind
//
// A fault is one value, Fault (fault.go), whatever asks for it: a scenario
// command, swarm mode's plan, sigbench's --fault. Say nodes may "throttle"
// (serve one frame in ten for a while):
//
//  1. fault.go: a FaultThrottle constant and its name in faultNames; its
//     fields, if it needs new ones, in Fault; its text form in Fault.String
//     and ParseFault (TestFaultText round-trips every kind); what is invalid
//     in Validate; what it does in World.Inject.
//  2. What ends it: a fault with for= ends through extendInterval (api.go;
//     the interval ends itself); HealAll (api.go) must end it too, and
//     ActiveFaults (faults.go) must list it while it lasts, or termination
//     would be judged under it.
//  3. Swarm (swarm.go): a name in SwarmKinds, documented there, and a case in
//     the planner that plans it as a Fault with planFault, so that explore
//     reaches it; TestSwarmReachesEveryKind fails until some seed plans it.
//  4. The scenario command: an entry in scenarios/commands.go whose exec
//     (in scenarios/faults.go) builds the Fault and calls r.inject, and a
//     section of scenarios/LANGUAGE.md (see scenarios' doc, "Adding a
//     command"). sigbench's --fault goes through workload.ParseFault, which calls
//     ParseFault: nothing to add.
package sim
