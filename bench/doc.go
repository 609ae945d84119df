// Package bench is the load tool behind "paydeck bench": simulated shoppers
// drive a running paydeck server through its real HTTP API (sign up, log
// in, order, authorize through the Toss sandbox's control API, confirm and
// optionally refund), while the tool records per-step latencies and error
// codes. At the end it checks consistency between paydeck and the sandbox:
// every order the tool saw paid is paid in paydeck and DONE in the sandbox
// with the same amount, every refunded one is refunded in both, and no other
// order created during the run is paid.
//
// Optionally it measures, in the same run, the database's own single-row
// commit rate (the ceiling for checkouts per second), the number of
// database commits one checkout costs (PostgreSQL only, from
// pg_stat_database), and the sandbox's own confirm latency, so that the
// latency paydeck adds to the Toss call can be reported as a difference.
// From the servers' /metrics it reads the statements, round trips and
// commits of paydeck's store and paydeck's own CPU time; with its own CPU
// time and, when the servers run on the same machine, the machine's
// (/proc/stat), it splits the CPU one checkout costs between paydeck, the
// tool and the rest (the database, when it runs there too).
//
// Run is used by cmd/paydeck (the bench command) and by the reliability
// tests, which run it against real paydeck processes.
package bench
