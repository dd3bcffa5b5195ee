//go:build !race

package pipes_test

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
