package storage

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// Resource is one purchased resource (a vServer, a volume) and where it is
// in its lifecycle. Stores index the columns up to NextDueAt and keep the
// ResourceDetail as typed values (a store may lay them out as it likes,
// but must give back exactly what it was given).
type Resource struct {
	ID        string
	AccountID string
	OrderID   string
	ProductID string
	// Status is the lifecycle state (provisioning, active, grace, …).
	Status lifecycle.State
	// PeriodStart and PeriodEnd bound the paid term.
	PeriodStart time.Time
	PeriodEnd   time.Time
	// NextDueAt is when the lifecycle clock next has work for this
	// resource (a reminder, a renewal attempt, a transition); zero when
	// nothing is scheduled. Tick reads resources by it.
	NextDueAt time.Time
	ResourceDetail
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases by one on every Update; stores set it.
	Version int64
}

// ResourceDetail is what a resource records beyond its indexed columns: its
// configuration and price, what the customer paid, and the lifecycle
// bookkeeping of its current term.
type ResourceDetail struct {
	// Name is the host's name for the resource (order.Item.Name, numbered
	// when the item made several); invoice lines show it. Empty for
	// resources bought without one and those recorded before names; left
	// out of JSON while empty, so records of older builds encode as they
	// did.
	Name          string `json:",omitempty"`
	Configuration pricing.Configuration
	Term          period.Term
	// Anchor is the billing anchor: the instant month terms are counted
	// from, so that renewals keep the day of the month it fell on (zero
	// for none: renewals then count from the current end).
	Anchor         time.Time
	PricePer30Days money.Amount
	// Line is the quote line the resource was bought with (quantity 1).
	Line pricing.QuoteLine
	// CouponShares is the resource's share of each coupon, by code.
	CouponShares  map[string]money.Amount
	PaymentID     string
	AutoRenew     bool
	AutoRenewTerm period.Term
	// Since, NextReminder and NextAttempt are lifecycle.ResourceView's
	// bookkeeping for the current term.
	Since         time.Time
	NextReminder  int
	NextAttempt   int
	InvoiceIDs    []string
	FailureReason string
	// Value is what the customer actually paid for the resource's unused
	// time; every refund of the resource is taken from it. ValueTracked is
	// false for resources recorded before it was kept: their value is
	// rebuilt from their invoices.
	Value        lifecycle.PaidValue
	ValueTracked bool
	// Postpaid says the resource is billed in arrears at month close
	// instead of paid for in advance: it has no paid term (PeriodEnd is
	// zero) and the lifecycle clock does not expire it.
	Postpaid bool
	// Intervals are a postpaid resource's configurations not yet billed
	// in full, oldest first: each resize closes the last one and opens
	// another at the same instant; month close bills them and drops the
	// ones that ended before the month it closed.
	Intervals []postpaid.Interval
	// ClosedThrough is the end of the last month a postpaid resource was
	// billed for (zero before its first close); StoppedAt is when it was
	// deleted or released (zero while it runs). Nothing after StoppedAt
	// is billed.
	ClosedThrough time.Time
	StoppedAt     time.Time
	// TickAttempts, TickError and TickRetryAt are the worker's failure
	// state: how many ticks of this resource failed in a row, the last
	// reason, and when it is tried again (NextDueAt is pushed there). A
	// tick that succeeds clears them.
	TickAttempts int
	TickError    string
	TickRetryAt  time.Time
}

// Clone returns a copy of d that shares no memory with it; stores hand out
// clones so a caller's changes never reach what is stored.
func (d ResourceDetail) Clone() ResourceDetail {
	d.Configuration = d.Configuration.Clone()
	d.Line = d.Line.Clone()
	d.CouponShares = maps.Clone(d.CouponShares)
	d.InvoiceIDs = slices.Clone(d.InvoiceIDs)
	d.Value = d.Value.Clone()
	d.Intervals = slices.Clone(d.Intervals)
	return d
}

// Clone returns a copy of r that shares no memory with it.
func (r Resource) Clone() Resource {
	r.ResourceDetail = r.ResourceDetail.Clone()
	return r
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
	// UpdateMany is Update of each resource in order, without reading the
	// stored values back. Every resource is validated first
	// (ErrInvalidRecord changes nothing); a missing one is ErrNotFound,
	// and the others may then be updated or not: a caller ends its
	// transaction (or savepoint) on any error.
	UpdateMany(ctx context.Context, rs []Resource) error
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
	// ClaimDue is like Due, but locks the resources it returns until the
	// transaction ends and skips resources another transaction holds
	// locked, so that workers claiming at once get disjoint pages instead
	// of waiting for each other. A store whose transactions run one after
	// the other has nothing to skip: there ClaimDue is Due. Its cost grows
	// with the number of due resources, as Due's does.
	ClaimDue(ctx context.Context, t time.Time, limit int) ([]Resource, error)
}
