package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// Payment is the stored form of one payment: what it pays, how, and where it
// stands. The domain meaning of its fields lives in package payment.
type Payment struct {
	ID        string
	AccountID string
	// Purpose ("top_up", "order", "invoice", "payment_link") and
	// PurposeRef (the order, invoice or link id) say what is paid.
	Purpose    payment.PurposeKind
	PurposeRef string
	Method     payment.Method
	// Status is the payment state machine's state.
	Status payment.Status
	// Amount = FromCredit + FromGateway.
	Amount      money.Amount
	FromCredit  money.Amount
	FromGateway money.Amount
	// Refunded is the total refunded so far.
	Refunded money.Amount
	// Gateway is the gateway's name; GatewayRef its id for the payment.
	Gateway    string
	GatewayRef string
	// RedirectURL is where the customer completes a redirect payment.
	RedirectURL string
	// LinkedAccountID is the linked account charged, if any.
	LinkedAccountID string
	FailureReason   string
	Description     string
	// ExpiresAt is when a pending gateway payment stops being payable.
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases by one on every Update; stores set it.
	Version int64
	// Attempts, LastError and RetryAt are the worker's failure state:
	// how many of its tries at this payment failed in a row (asking the
	// gateway again, expiring it), the last reason, and when it may try
	// again (zero: as soon as the payment is due). Attempts is never
	// negative. The worker clears them when a try succeeds.
	Attempts  int
	LastError string
	RetryAt   time.Time
	// QueryAttempts counts the worker's status queries to the gateway
	// about this payment, due for expiry, that gave no final answer
	// (pending, not found, or no answer at all). The worker asks again at
	// RetryAt until a limit, then expires the payment. Never negative.
	QueryAttempts int
}

// Payments is the repository of payments.
type Payments interface {
	// Create stores a new payment with Version 1; duplicate ID returns
	// ErrDuplicate, an empty ID or account ErrInvalidRecord.
	Create(ctx context.Context, p Payment) error
	// Get returns the tenant's payment, or ErrNotFound (also when the
	// payment belongs to another tenant).
	Get(ctx context.Context, accountID, id string) (Payment, error)
	// GetForUpdate is Get that locks the payment until the transaction
	// ends.
	GetForUpdate(ctx context.Context, accountID, id string) (Payment, error)
	// LookupForUpdate finds and locks a payment by id alone. Only for
	// verified gateway callbacks, which name our payment id but not the
	// tenant; never expose it to tenant-facing calls.
	LookupForUpdate(ctx context.Context, id string) (Payment, error)
	// Update replaces the stored payment (matched by AccountID and ID),
	// increments Version and returns the stored value; ErrNotFound if
	// missing. CreatedAt is kept.
	Update(ctx context.Context, p Payment) (Payment, error)
	// List returns up to limit (1–1000) of the tenant's payments, newest
	// first, starting after the payment with id afterID ("" for the first
	// page).
	List(ctx context.Context, accountID, afterID string, limit int) ([]Payment, error)
	// ExpiryDue returns up to limit (1–1000) payments of any tenant that
	// are due to be expired at t: status "created" or "pending", ExpiresAt
	// set and at or before t, and RetryAt zero or at or before t. They
	// come in ExpiresAt order, oldest first, ties broken by ID. Expiring a
	// payment, or recording a failure with a RetryAt after t, takes it out
	// of the set, so the next call returns the next page. Its cost grows
	// with the number of created and pending payments, not with the number
	// of payments (stores index those by ExpiresAt).
	ExpiryDue(ctx context.Context, t time.Time, limit int) ([]Payment, error)
	// RetryDue returns up to limit (1–1000) payments of any tenant whose
	// gateway call is due to be made again at t: status "created",
	// ExpiresAt after t, and either RetryAt set and at or before t, or
	// RetryAt zero and CreatedAt at or before createdBefore. They come in
	// CreatedAt order, oldest first, ties broken by ID. Submitting a
	// payment, or recording a failure with a RetryAt after t, takes it
	// out of the set, so the next call returns the next page. Its cost
	// grows with the number of created payments (at most with the
	// payments in flight, created or pending), not with the number of
	// payments (stores index created payments by CreatedAt).
	RetryDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]Payment, error)
}

// GatewayEvents remembers which gateway callbacks were applied, so a
// duplicated, reordered or late callback never takes effect twice.
type GatewayEvents interface {
	// Record marks (gateway, eventID) as applied at t. If it was already
	// recorded — also by a concurrent transaction that commits — Record
	// returns ErrDuplicate and the caller applies nothing.
	Record(ctx context.Context, gateway, eventID string, t time.Time) error
}
