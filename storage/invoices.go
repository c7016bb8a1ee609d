package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Invoice is an invoice or credit note. Data is the JSON of the
// invoice.Invoice with its lines; the store keeps it opaque and indexes the
// columns below.
type Invoice struct {
	ID         string
	AccountID  string
	ResourceID string
	OrderID    string
	// Kind is "invoice" or "credit_note"; Status its state.
	Kind   string
	Status string
	// Series and Number are set when issued (Number ≥ 1 whenever Series
	// is set); (Series, Number) is unique.
	Series    string
	Number    int64
	Total     money.Amount
	Data      []byte
	IssuedAt  time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Invoices is the repository of invoices and credit notes.
type Invoices interface {
	// Create stores a new invoice; an existing ID, or an issued
	// (Series, Number) already used, is ErrDuplicate.
	Create(ctx context.Context, inv Invoice) error
	// Get returns the tenant's invoice or ErrNotFound.
	Get(ctx context.Context, accountID, id string) (Invoice, error)
	// GetForUpdate is Get that locks the invoice until the transaction ends.
	GetForUpdate(ctx context.Context, accountID, id string) (Invoice, error)
	// Update replaces the invoice (matched by AccountID and ID);
	// ErrNotFound if missing; a (Series, Number) already used is
	// ErrDuplicate. CreatedAt is kept.
	Update(ctx context.Context, inv Invoice) error
	// List returns up to limit (1–1000) of the tenant's invoices, newest
	// first, after the invoice afterID ("" for the first page); with
	// resourceID set, only that resource's.
	List(ctx context.Context, accountID, resourceID, afterID string, limit int) ([]Invoice, error)
	// NextNumber allocates the next number of series: 1 for a new series,
	// then last + 1. The series stays locked until the transaction ends, so
	// numbers are gapless (a rolled-back transaction gives its number back)
	// and unique under any concurrency.
	NextNumber(ctx context.Context, series string) (int64, error)
}

// Action is one entry of the action log: who did what to a resource, when.
// Data is the JSON of the invoice.Action (old and new configuration,
// periods, invoice); the store keeps it opaque.
type Action struct {
	// Seq is assigned by the store on Append, increasing per store.
	Seq        int64
	ID         string
	AccountID  string
	ResourceID string
	Kind       string
	Actor      string
	Data       []byte
	At         time.Time
}

// Actions is the append-only action log.
type Actions interface {
	// Append stores a and returns it with Seq set; an existing ID is
	// ErrDuplicate.
	Append(ctx context.Context, a Action) (Action, error)
	// List returns up to limit (1–1000) of the tenant's actions with Seq >
	// afterSeq, oldest first; with resourceID set, only that resource's.
	List(ctx context.Context, accountID, resourceID string, afterSeq int64, limit int) ([]Action, error)
}
