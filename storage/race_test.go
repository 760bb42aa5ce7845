//go:build race

package storage

// raceEnabled is true when the race detector is on: it makes the
// transpiled SQLite many times slower, so exhaustive checks sample.
const raceEnabled = true
