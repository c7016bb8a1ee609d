//go:build race

package billing_test

// raceEnabled says the tests run under the race detector, which makes
// them several times slower: the simulation then runs fewer operations.
const raceEnabled = true
