//go:build !race

package storage

// raceEnabled is true when the race detector is on.
const raceEnabled = false
