//go:build race

package api_test

// raceEnabled is true when the tests run with -race, which makes the
// SQLite driver (C translated to Go) tens of times slower.
const raceEnabled = true
