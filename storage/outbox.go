package storage

import (
	"context"
	"time"
)

// Event is one message to the host (provision this resource, suspend it,
// send this notice, …), written in the same transaction as the change it
// reports and delivered afterwards, at least once, in order per stream.
type Event struct {
	// Seq is assigned by the store on Append, increasing per store; it
	// orders the events of a stream.
	Seq int64
	// ID is unique per store; a repeated ID is ErrDuplicate, which is how
	// "send each reminder once" is kept across workers.
	ID        string
	AccountID string
	// Stream orders delivery: events of one stream (a resource id, or the
	// account id) are delivered one at a time, in Seq order.
	Stream  string
	Kind    string
	Payload []byte
	// Attempts counts failed deliveries; NextAttemptAt is when the next
	// may start; LastError is the last handler error.
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	// DeliveredAt is set once a handler accepted the event.
	DeliveredAt time.Time
	CreatedAt   time.Time
	// ClaimToken and ClaimedUntil are the lease of the delivery worker
	// that claimed the event (OutboxClaimer.Claim): until ClaimedUntil no
	// other worker claims it. Both are zero when no worker holds it; a
	// claim whose ClaimedUntil has passed has expired (the worker died or
	// is too slow), and another worker may claim the event again. Append
	// ignores them: a new event is unclaimed.
	ClaimToken   string
	ClaimedUntil time.Time
}

// Outbox is the repository of events to the host.
//
// Seq is assigned at insert, not at commit, so callers append to a stream
// only while holding the lock of the account it belongs to
// (Accounts().GetForUpdate): two transactions then never append to one
// stream at once, and Seq order is commit order within the stream. The
// billing package always does.
type Outbox interface {
	// Append stores e and returns it with Seq set.
	Append(ctx context.Context, e Event) (Event, error)
	// AppendMany stores events as Append would, in order, each with a
	// greater Seq than the one before. An error may leave some of them
	// stored: a caller ends its transaction (or savepoint) on any error.
	AppendMany(ctx context.Context, events []Event) error
	// Deliverable returns up to limit undelivered events that are the
	// oldest undelivered event of their stream and whose NextAttemptAt is
	// at or before t, in Seq order: the events a delivery worker may hand
	// to the host now without overtaking an earlier event of the stream.
	Deliverable(ctx context.Context, t time.Time, limit int) ([]Event, error)
	// GetForUpdate returns the event with seq and locks it until the
	// transaction ends, or ErrNotFound.
	GetForUpdate(ctx context.Context, seq int64) (Event, error)
	// Update stores the delivery state of e (Attempts, NextAttemptAt,
	// LastError, DeliveredAt, and on a store whose Outbox is an
	// OutboxClaimer the claim, ClaimToken and ClaimedUntil), matched by
	// Seq; ErrNotFound if missing.
	Update(ctx context.Context, e Event) error
	// List returns up to limit (1–1000) of the account's events with Seq >
	// afterSeq, oldest first (for the portal's notices and for tests).
	List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]Event, error)
}

// OutboxClaimer is implemented by an Outbox that leases events to one
// delivery worker at a time, so that concurrent workers split the outbox
// instead of handing the same event to the host at once. Both stores of
// this module implement it; a worker uses it when tx.Outbox() does
// (a type assertion) and Deliverable otherwise.
type OutboxClaimer interface {
	// Claim leases up to limit events to the worker named by token
	// (non-empty UTF-8 text without NUL bytes) until until (after t), and
	// returns them in Seq order with ClaimToken and ClaimedUntil set.
	//
	// It chooses as Deliverable(t, limit) does — the oldest undelivered
	// event of its stream, NextAttemptAt at or before t — and passes over
	// an event whose claim by another token is still running at t
	// (ClaimedUntil after t); that event still holds back the rest of its
	// stream. An expired claim, or one held by token itself, is claimed
	// again. On PostgreSQL the claim is an UPDATE of rows chosen with
	// FOR UPDATE SKIP LOCKED, so workers claiming at once never wait for
	// one another and never claim one event twice; callers run it in a
	// short transaction of its own and commit before delivering.
	Claim(ctx context.Context, t time.Time, token string, until time.Time, limit int) ([]Event, error)
}

// OutboxBacklog is how far event delivery is behind.
type OutboxBacklog struct {
	// Undelivered counts the events not delivered yet.
	Undelivered int64
	// OldestCreatedAt is when the oldest undelivered event was appended;
	// zero when every event is delivered.
	OldestCreatedAt time.Time
}

// OutboxBacklogger is implemented by an Outbox that can measure its
// backlog cheaply (both stores of this module do): readiness checks and
// metrics find it by type assertion on tx.Outbox().
type OutboxBacklogger interface {
	// Backlog counts the undelivered events and finds the oldest one's
	// CreatedAt. Its cost grows with the undelivered events only.
	Backlog(ctx context.Context) (OutboxBacklog, error)
}
