package outbox

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// ClaimLease is how long a delivery worker holds the page of events it
// claimed (storage.OutboxClaimer): while it runs no other worker hands
// them, or anything behind them in their streams, to the host. A worker
// that dies or stalls longer loses its claim, and another delivers them
// again: delivery stays at least once.
const ClaimLease = 5 * time.Minute

// Claim takes up to limit due events for the worker named by token, in a
// transaction of its own that commits before any is delivered. On a store
// whose Outbox is a storage.OutboxClaimer it leases them until now +
// ClaimLease; on any other store it reads Deliverable, which leases
// nothing (workers may then deliver one event at once, as before claims).
func Claim(ctx context.Context, st storage.Store, now time.Time, token string, limit int) ([]storage.Event, error) {
	var due []storage.Event
	err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		if c, ok := tx.Outbox().(storage.OutboxClaimer); ok {
			due, err = c.Claim(ctx, now, token, now.Add(ClaimLease), limit)
		} else {
			due, err = tx.Outbox().Deliverable(ctx, now, limit)
		}
		return err
	})
	return due, err
}

// LeaseLost reports whether the worker that claimed e may no longer hand it
// to the host at now: its lease has ended, and another worker may have
// claimed it since. An event read without a claim (a store without
// claims) is never lost.
func LeaseLost(e storage.Event, now time.Time) bool {
	return e.ClaimToken != "" && !now.Before(e.ClaimedUntil)
}

// Record writes the outcome of one delivery of e by the worker token into
// cur, the event as stored now (read for update), and reports whether it
// is to be written: an accepted event is delivered; a refused one counts an
// attempt and backs off, unless another worker's running claim holds it
// now (that worker's delivery decides). Either way the claim is released.
func Record(cur *storage.Event, token string, herr error, errText string, now time.Time) bool {
	if !cur.DeliveredAt.IsZero() {
		return false // another worker recorded it first
	}
	if herr != nil && cur.ClaimToken != "" && cur.ClaimToken != token && cur.ClaimedUntil.After(now) {
		return false
	}
	if herr == nil {
		cur.DeliveredAt = now
	} else {
		cur.Attempts++
		cur.LastError = errText
		cur.NextAttemptAt = now.Add(Backoff(cur.Attempts))
	}
	cur.ClaimToken, cur.ClaimedUntil = "", time.Time{}
	return true
}
