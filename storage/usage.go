package storage

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// MaxUsageBatch is the most events one Usage.Insert call takes. It bounds
// the size of one statement on stores backed by a database.
const MaxUsageBatch = 1000

// UsageEvent is one stored usage record: so much of a metric used by a
// resource of an account at an instant. (AccountID, ID) identifies it: the
// sender's event id is its idempotency key, scoped per account.
type UsageEvent struct {
	// ID is the sender's event id, unique per account.
	ID string
	// AccountID is the tenant the usage belongs to.
	AccountID string
	// ResourceID is the resource that used it.
	ResourceID string
	// Metric names the metered item.
	Metric string
	// Quantity is how much was used, stored exactly (every digit kept).
	Quantity decimal.Decimal
	// Value is the counted value of a unique-count event; empty otherwise.
	Value string
	// At is when the usage happened.
	At time.Time
	// RecordedAt is when the event was stored.
	RecordedAt time.Time
}

// UsageCursor is a position in a Usage.List listing: the last event of the
// previous page. The zero cursor starts at the beginning.
type UsageCursor struct {
	// ResourceID, At and ID are those of the last event of the previous
	// page, the listing's sort key.
	ResourceID string
	At         time.Time
	ID         string
}

// UsageQuery selects one account's events for Usage.List.
type UsageQuery struct {
	// AccountID is the tenant; required.
	AccountID string
	// ResourceID and Metric narrow the listing when not empty.
	ResourceID string
	Metric     string
	// From and To are the half-open period [From, To) that At must lie in.
	From, To time.Time
	// After is the last event of the previous page; zero for the first.
	After UsageCursor
	// Limit is the page size, 1 to 1000.
	Limit int
}

// Usage is the repository of usage events. Events are never changed or
// deleted through it: a stored event is a fact, and aggregation happens in
// the caller (billing/metering) over what List returns.
type Usage interface {
	// Insert stores a batch of at most MaxUsageBatch events and returns,
	// for each event in order, true if it was newly stored and false if
	// an event with the same (AccountID, ID) already existed — stored
	// before, or earlier in the same batch (the first occurrence wins and
	// the later ones are not stored, whatever their fields).
	//
	// The id is claimed by the write itself, in the caller's transaction:
	// if the transaction does not commit, no id of the batch stays claimed
	// and inserting the same events again reports true. A concurrent
	// transaction inserting the same id waits for this one (on stores
	// backed by a database) or is serialised with it, so across any number
	// of concurrent inserts exactly one reports true for an id that
	// commits.
	//
	// ID, AccountID, ResourceID and Metric are required and, like Value,
	// must be valid UTF-8 without NUL bytes; At is required; a batch
	// breaking any of this, or longer than MaxUsageBatch, returns
	// ErrInvalidRecord and stores nothing. Business rules (known metric,
	// quantity bounds, the resource's owner) are the caller's.
	Insert(ctx context.Context, events []UsageEvent) (inserted []bool, err error)
	// List returns up to q.Limit of the account's events with q.From ≤ At
	// < q.To (narrowed to q.ResourceID and q.Metric when set), ordered by
	// (ResourceID, At, ID), starting after q.After. A page shorter than
	// q.Limit is the last. Another tenant's events are never returned. A
	// limit outside 1–1000 or a missing AccountID returns
	// ErrInvalidRecord.
	List(ctx context.Context, q UsageQuery) ([]UsageEvent, error)
}

// Before reports whether c comes before e in Usage.List order, that
// is, whether e belongs to the page that starts after c.
func (c UsageCursor) Before(e UsageEvent) bool {
	if e.ResourceID != c.ResourceID {
		return e.ResourceID > c.ResourceID
	}
	if !e.At.Equal(c.At) {
		return e.At.After(c.At)
	}
	return e.ID > c.ID
}

// Cursor returns the position of e in Usage.List order, to pass as the
// next page's After.
func (e UsageEvent) Cursor() UsageCursor {
	return UsageCursor{ResourceID: e.ResourceID, At: e.At, ID: e.ID}
}

// UsageTotaler is implemented by a Usage that totals events in the store,
// so that a caller bounding a month of usage reads two numbers instead of
// every event. Both shipped stores implement it; callers fall back to
// List for a Usage that does not.
type UsageTotaler interface {
	// Total returns the sum of Quantity and the number of the account's
	// events that q selects (q.After and q.Limit are ignored; an empty
	// ResourceID or Metric selects every one), in the caller's
	// transaction. A missing AccountID returns ErrInvalidRecord.
	Total(ctx context.Context, q UsageQuery) (sum decimal.Decimal, events int, err error)
}
