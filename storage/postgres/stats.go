package postgres

import "sync/atomic"

// Stats counts what InTx did since the store was built: how many
// transactions committed, and how often the database aborted one and InTx
// ran it again. Hosts export them as metrics; a rising Retries to
// Committed ratio means contention (expected at Serializable), a non-zero
// GaveUp means MaxRetries is too low for it.
type Stats struct {
	// Committed counts transactions that committed.
	Committed uint64
	// SerializationFailures counts attempts the database aborted with
	// SQLSTATE 40001 (serialization_failure), whether or not they were
	// run again.
	SerializationFailures uint64
	// Deadlocks counts attempts the database aborted with SQLSTATE 40P01
	// (deadlock_detected), whether or not they were run again.
	Deadlocks uint64
	// Retries counts the times InTx ran fn again after such an abort:
	// SerializationFailures + Deadlocks − GaveUp, less the aborts after
	// which ctx ended before the rerun began.
	Retries uint64
	// GaveUp counts InTx calls that returned an abort because
	// Options.MaxRetries reruns had already been made.
	GaveUp uint64
	// MostAttempts is the largest number of attempts one InTx call has
	// made, committed or not (0 before the first, 1 while nothing was
	// rerun): the figure to compare with Options.MaxRetries + 1.
	MostAttempts uint64
}

// counters are the atomic cells behind Stats.
type counters struct {
	committed, serialization, deadlocks, retries, gaveUp atomic.Uint64
	mostAttempts                                         atomic.Uint64
}

// attempts records that one InTx call made n attempts.
func (c *counters) attempts(n uint64) {
	for {
		cur := c.mostAttempts.Load()
		if n <= cur || c.mostAttempts.CompareAndSwap(cur, n) {
			return
		}
	}
}

// abort counts an attempt the database aborted with code.
func (c *counters) abort(code string) {
	if code == codeDeadlockDetected {
		c.deadlocks.Add(1)
		return
	}
	c.serialization.Add(1)
}

// Stats returns the counters of the store's transactions so far. Each
// field is read atomically, but not all of them at one instant: while
// transactions run, the fields may disagree by the transactions in flight.
func (s *Store) Stats() Stats {
	return Stats{
		Committed:             s.stats.committed.Load(),
		SerializationFailures: s.stats.serialization.Load(),
		Deadlocks:             s.stats.deadlocks.Load(),
		Retries:               s.stats.retries.Load(),
		GaveUp:                s.stats.gaveUp.Load(),
		MostAttempts:          s.stats.mostAttempts.Load(),
	}
}
