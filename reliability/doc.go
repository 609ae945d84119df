// Package reliability holds the crash, multi-instance and fault-mix tests of
// paydeck. They build the real paydeck binary, run "paydeck sandbox" and one
// or more "paydeck serve" processes, drive them with package bench (the
// load tool behind "paydeck bench") and assert its consistency check plus
// the test's own invariants. The package has no non-test code.
//
// The short versions run with "go test ./reliability/" (about a minute);
// PAYDECK_RELIABILITY_LONG=1 runs the long versions (more load, more
// crashes). The multi-instance test and the PostgreSQL variants need
// PAYDECK_TEST_DATABASE_URL (a server where the tests may create
// databases); see docs/reliability.md.
package reliability
