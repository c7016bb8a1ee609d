package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/coupon"
)

// CouponRecord is a coupon definition as the host created it.
type CouponRecord struct {
	// Code is the normalised coupon code, unique per store.
	Code       string
	Definition coupon.Coupon
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Coupons is the repository of coupon definitions.
type Coupons interface {
	// Create stores a new coupon; an existing code is ErrDuplicate.
	Create(ctx context.Context, c CouponRecord) error
	// Get returns the coupon, or ErrNotFound.
	Get(ctx context.Context, code string) (CouponRecord, error)
	// GetForUpdate is Get that locks the coupon until the transaction
	// ends: checkouts redeeming one coupon serialise on it, so its limits
	// hold under any concurrency.
	GetForUpdate(ctx context.Context, code string) (CouponRecord, error)
	// Update replaces the definition (matched by Code); ErrNotFound if
	// missing. CreatedAt is kept.
	Update(ctx context.Context, c CouponRecord) error
}

// Redemption is one use of a coupon by an order: reserved at checkout,
// consumed when the order is paid, released when the payment fails or
// expires, or provisioning fails.
type Redemption struct {
	ID        string
	Code      string
	AccountID string
	OrderID   string
	Status    coupon.RedemptionStatus
	Amount    money.Amount
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Redemptions is the repository of coupon redemptions.
type Redemptions interface {
	// Create stores a new redemption; an existing ID is ErrDuplicate.
	Create(ctx context.Context, r Redemption) error
	// Update replaces a redemption (matched by AccountID and ID);
	// ErrNotFound if missing.
	Update(ctx context.Context, r Redemption) error
	// ListByOrder returns the order's redemptions in creation order.
	ListByOrder(ctx context.Context, accountID, orderID string) ([]Redemption, error)
	// Count returns how many redemptions of code are reserved or consumed,
	// in total and by accountID. Callers lock the coupon first
	// (Coupons().GetForUpdate) so the counts cannot change before they
	// commit.
	Count(ctx context.Context, code, accountID string) (total, byAccount int, err error)
}

// Order is a checkout, renewal, resize or recovery: what was bought, at
// what quote, and how it was paid. Stores index the columns up to Total
// and keep the order.Detail as typed values.
type Order struct {
	ID        string
	AccountID string
	Status    order.Status
	PaymentID string
	Total     money.Amount
	order.Detail
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Clone returns a copy of o that shares no memory with it.
func (o Order) Clone() Order {
	o.Detail = o.Detail.Clone()
	return o
}

// Clone returns a copy of c that shares no memory with it.
func (c CouponRecord) Clone() CouponRecord {
	c.Definition = c.Definition.Clone()
	return c
}

// Orders is the repository of orders.
type Orders interface {
	// Create stores a new order; an existing ID is ErrDuplicate.
	Create(ctx context.Context, o Order) error
	// Get returns the tenant's order or ErrNotFound.
	Get(ctx context.Context, accountID, id string) (Order, error)
	// GetForUpdate is Get that locks the order until the transaction ends.
	GetForUpdate(ctx context.Context, accountID, id string) (Order, error)
	// Update replaces the order (matched by AccountID and ID); ErrNotFound
	// if missing. CreatedAt is kept.
	Update(ctx context.Context, o Order) error
	// CountByAccount returns how many orders the account has in the given
	// statuses (all statuses when none are given): "is this the first
	// order?" for first-order-only coupons.
	CountByAccount(ctx context.Context, accountID string, statuses ...order.Status) (int, error)
}
