package storage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/invoice"
)

// Invoice is an invoice or credit note as stored: the document itself
// (lines, totals, status, number) and the order it came from. Stores index
// ID, AccountID, ResourceID, OrderID, Kind, Status, Series and Number, and
// keep every other field as typed values.
type Invoice struct {
	invoice.Invoice
	// OrderID is the order the document was issued for; empty for
	// documents no order caused (a refund's credit note, a month's bill).
	OrderID   string
	UpdatedAt time.Time
}

// Clone returns a copy of inv that shares no memory with it.
func (inv Invoice) Clone() Invoice {
	inv.Invoice = inv.Invoice.Clone()
	return inv
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
	// Open returns up to limit (1–1000) of the tenant's invoices (Kind
	// invoice, not credit notes) that are issued or partially paid — what
	// the customer still owes — oldest IssuedAt first, then by ID (byte
	// order, as Go compares strings, whatever a database's locale). An
	// account with more open invoices than limit gets its oldest ones.
	Open(ctx context.Context, accountID string, limit int) ([]Invoice, error)
	// NextNumber allocates the next number of series: 1 for a new series,
	// then last + 1. The series stays locked until the transaction ends, so
	// numbers are gapless (a rolled-back transaction gives its number back)
	// and unique under any concurrency.
	NextNumber(ctx context.Context, series string) (int64, error)
	// NextNumbers allocates n (n ≥ 1) consecutive numbers of series at
	// once and returns the first: first, first+1, …, first+n−1 are the
	// caller's, as if NextNumber had been called n times, with the same
	// lock, so the caller issues all n or rolls its transaction back.
	NextNumbers(ctx context.Context, series string, n int) (first int64, err error)
	// CreateMany stores new invoices as Create would, in order. It checks
	// every invoice first (ErrInvalidRecord stores none); an existing ID
	// or an issued (Series, Number) already used is ErrDuplicate naming
	// it, and the other invoices of invs may then be stored or not: a
	// caller ends its transaction (or savepoint) on any error.
	CreateMany(ctx context.Context, invs []Invoice) error
}

// Action is one entry of the action log: who did what to a resource,
// when, with the old and new configuration and periods.
type Action struct {
	// Seq is assigned by the store on Append, increasing per store.
	Seq int64
	invoice.Action
}

// Clone returns a copy of a that shares no memory with it.
func (a Action) Clone() Action {
	a.Action = a.Action.Clone()
	return a
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
