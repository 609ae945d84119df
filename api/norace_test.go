//go:build !race

package api_test

// raceEnabled is true when the tests run with -race.
const raceEnabled = false
