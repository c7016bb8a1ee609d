package postgres

import (
	"context"
	"math/rand/v2"
	"time"
)

// Retry pauses grow from retryBase, doubling per attempt up to retryCap. They
// are short because the conflicting transaction has usually finished by the
// time the database reports the abort; the jitter keeps two transactions that
// deadlocked on each other from colliding again in lockstep.
const (
	retryBase = 2 * time.Millisecond
	retryCap  = 100 * time.Millisecond
)

// backoff returns the pause before retry number attempt+1: half of the
// exponential step plus a random share of the other half.
func backoff(attempt int) time.Duration {
	d := retryCap
	if attempt < 16 {
		d = min(retryBase<<attempt, retryCap)
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
