package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// LinkedAccount is a payment method stored at a gateway (a wallet, a card)
// that the library may charge without redirecting the customer.
type LinkedAccount struct {
	ID        string
	AccountID string
	Gateway   string
	// Status is "pending" (linking started), "active", "failed" (the
	// gateway refused) or "removed" (unlinked).
	Status string
	// Token is the gateway's secret for charging; empty until linked and
	// after unlinking. Stores keep it as given; the library never logs it.
	Token string
	// Display is the masked description ("MoMo •••• 4242").
	Display   string
	IsDefault bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LinkedAccounts is the repository of linked accounts.
type LinkedAccounts interface {
	// Create stores a new linked account; duplicate ID is ErrDuplicate.
	Create(ctx context.Context, l LinkedAccount) error
	// Get returns the tenant's linked account or ErrNotFound.
	Get(ctx context.Context, accountID, id string) (LinkedAccount, error)
	// LookupForUpdate finds and locks a linked account by id alone; only
	// for verified gateway callbacks.
	LookupForUpdate(ctx context.Context, id string) (LinkedAccount, error)
	// Update replaces the stored linked account (matched by AccountID and
	// ID); ErrNotFound if missing.
	Update(ctx context.Context, l LinkedAccount) error
	// List returns the tenant's linked accounts that are not removed, in
	// creation order.
	List(ctx context.Context, accountID string) ([]LinkedAccount, error)
}

// PaymentLink is a shareable link through which anyone can pay an amount
// on a tenant's behalf, through a gateway.
type PaymentLink struct {
	// Token is the link's unguessable id, as it appears in the URL.
	Token     string
	AccountID string
	Amount    money.Amount
	// Purpose and PurposeRef say what the link pays ("top_up", "order").
	Purpose     string
	PurposeRef  string
	Description string
	// Status is "open", "paid" or "canceled"; a link past ExpiresAt is
	// unusable whatever its status.
	Status string
	// PaymentID is the payment that paid (or is paying) the link.
	PaymentID string
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PaymentLinks is the repository of payment links.
type PaymentLinks interface {
	// Create stores a new link; duplicate Token is ErrDuplicate.
	Create(ctx context.Context, l PaymentLink) error
	// GetForUpdate finds and locks a link by token (any tenant: the token
	// is the capability), or ErrNotFound.
	GetForUpdate(ctx context.Context, token string) (PaymentLink, error)
	// Update replaces the stored link (matched by Token); ErrNotFound if
	// missing.
	Update(ctx context.Context, l PaymentLink) error
}
