package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// Refund is a refund of a succeeded gateway payment to the method that
// paid it: its amount is reserved on the payment while it is pending and
// leaves the business when the gateway returns it.
type Refund struct {
	ID        string
	AccountID string
	// PaymentID is the refunded payment; Gateway its gateway.
	PaymentID string
	Gateway   string
	Amount    money.Amount
	Status    payment.RefundStatus
	// GatewayRef is the gateway's reference of the refund, once known.
	GatewayRef string
	// Reason is why the refund was asked for; FailureReason why it failed.
	Reason        string
	FailureReason string
	// Submitted is true once the gateway accepted the request (a result
	// or an unknown outcome after it was sent); a pending refund that was
	// never submitted is sent again.
	Submitted bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases by one on every Update; stores set it.
	Version int64
	// Attempts, LastError and RetryAt are the worker's state for a
	// pending refund: how many tries at it (sending it again, asking the
	// gateway where it stands) gave no final answer in a row, the last
	// reason, and when to try again (zero: at once).
	Attempts  int
	LastError string
	RetryAt   time.Time
}

// Refunds is the repository of refunds to a payment's original method.
type Refunds interface {
	// Create stores a new refund with Version 1; a duplicate ID returns
	// ErrDuplicate, a refund without id, account, payment or a valid
	// status ErrInvalidRecord.
	Create(ctx context.Context, r Refund) error
	// Get returns the tenant's refund, or ErrNotFound (also when it
	// belongs to another tenant).
	Get(ctx context.Context, accountID, id string) (Refund, error)
	// GetForUpdate is Get that locks the refund until the transaction
	// ends.
	GetForUpdate(ctx context.Context, accountID, id string) (Refund, error)
	// LookupForUpdate finds and locks a refund by id alone, for verified
	// gateway callbacks, which name the refund but not the tenant.
	LookupForUpdate(ctx context.Context, id string) (Refund, error)
	// Update replaces the stored refund (matched by AccountID and ID),
	// increments Version and returns the stored value; ErrNotFound if
	// missing. CreatedAt is kept.
	Update(ctx context.Context, r Refund) (Refund, error)
	// ListByPayment returns the refunds of one payment of the tenant,
	// oldest first.
	ListByPayment(ctx context.Context, accountID, paymentID string) ([]Refund, error)
	// PendingDue returns up to limit (1–1000) pending refunds of any
	// tenant whose RetryAt is zero or at or before t and that were created
	// at or before createdBefore, oldest first (ties by ID).
	PendingDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]Refund, error)
}

// RefundStore is implemented by a Tx that stores refunds to a payment's
// original method. Both stores of this module implement it; a host's own
// store without it cannot refund to the original method
// (RefundPayment then fails with ErrUnsupported) and everything else
// works as before.
type RefundStore interface {
	Refunds() Refunds
}
