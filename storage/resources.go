package storage

import (
	"context"
	"time"
)

// Resource is one purchased resource (a vServer, a volume) and where it is
// in its lifecycle. Data is the JSON of its configuration, price and
// lifecycle bookkeeping; the store keeps it opaque and indexes the columns
// below.
type Resource struct {
	ID        string
	AccountID string
	OrderID   string
	ProductID string
	// Status is the lifecycle state ("provisioning", "active", "grace", …).
	Status string
	// PeriodStart and PeriodEnd bound the paid term.
	PeriodStart time.Time
	PeriodEnd   time.Time
	// NextDueAt is when the lifecycle clock next has work for this
	// resource (a reminder, a renewal attempt, a transition); zero when
	// nothing is scheduled. Tick reads resources by it.
	NextDueAt time.Time
	Data      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases by one on every Update; stores set it.
	Version int64
}

// Resources is the repository of resources.
type Resources interface {
	// Create stores a new resource with Version 1; an existing ID is
	// ErrDuplicate.
	Create(ctx context.Context, r Resource) error
	// Get returns the tenant's resource or ErrNotFound (also another
	// tenant's).
	Get(ctx context.Context, accountID, id string) (Resource, error)
	// GetForUpdate is Get that locks the resource until the transaction
	// ends.
	GetForUpdate(ctx context.Context, accountID, id string) (Resource, error)
	// Update replaces the resource (matched by AccountID and ID),
	// increments Version and returns the stored value; ErrNotFound if
	// missing. CreatedAt is kept.
	Update(ctx context.Context, r Resource) (Resource, error)
	// List returns up to limit (1–1000) of the tenant's resources in
	// creation order, after the resource afterID ("" for the first page).
	List(ctx context.Context, accountID, afterID string, limit int) ([]Resource, error)
	// ListByOrder returns the resources an order bought, in creation order.
	ListByOrder(ctx context.Context, accountID, orderID string) ([]Resource, error)
	// Due returns up to limit resources (any tenant) whose NextDueAt is set
	// and at or before t, earliest first. Its cost grows with the number of
	// due resources, not with the number of resources (stores index
	// NextDueAt).
	Due(ctx context.Context, t time.Time, limit int) ([]Resource, error)
}
