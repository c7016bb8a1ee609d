package storage

import (
	"context"
	"time"
)

// EInvoice is a legal e-invoice the library issued for one or more issued
// documents (invoices or credit notes): its place in its series, the XML
// that is the legal invoice, and where its submission to the tax authority
// stands. Everything it states is fixed at issue; only its status and the
// codes the authority gives change afterwards.
type EInvoice struct {
	ID        string
	AccountID string
	// Source names what produced it, unique per account ("invoice:<id>",
	// "order:<id>", "credit:<id>", "replace:<e-invoice id>"): a second
	// e-invoice for the same source is ErrDuplicate, which is how a
	// document is never e-invoiced twice.
	Source string
	// Kind is "original", "adjustment" or "replacement".
	Kind string
	// DocumentIDs are the invoices and credit notes it states, in order;
	// at least one.
	DocumentIDs []string
	// Series is the form and symbol with its year ("1C26TAA"); Number is
	// the e-invoice's number in it, 1 to 99,999,999, unique per Series.
	Series string
	Number int64
	// IssuedAt is the date of issue.
	IssuedAt time.Time
	// RelatedID is the e-invoice an adjustment adjusts or a replacement
	// replaces; empty for an original.
	RelatedID string
	// Status is "draft", "signed", "sent", "accepted" or "rejected".
	Status string
	// XML is the e-invoice, signed once Status is past draft; it never
	// changes once signed.
	XML []byte
	// ProviderRef is the e-invoice provider's reference once sent;
	// AuthorityCode is the tax authority's code and LookupCode the code a
	// buyer looks the invoice up with, once accepted; Reason says why it
	// was rejected.
	ProviderRef, AuthorityCode, LookupCode, Reason string
	// ReplacedByID is the replacement that took its place, if any.
	ReplacedByID string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// EInvoices is the repository of e-invoices. Numbers are drawn with
// Invoices().NextNumber on a series of the caller's naming, in the same
// transaction, so they are gapless.
type EInvoices interface {
	// Create stores a new e-invoice. An existing ID, an existing
	// (AccountID, Source) or an existing (Series, Number) is ErrDuplicate;
	// an empty ID, AccountID, Source, Kind, Series or Status, no
	// DocumentIDs, a Number outside 1–99,999,999 or a zero IssuedAt is
	// ErrInvalidRecord.
	Create(ctx context.Context, e EInvoice) error
	// Get returns the account's e-invoice id, or ErrNotFound.
	Get(ctx context.Context, accountID, id string) (EInvoice, error)
	// GetForUpdate is Get that locks the e-invoice until the transaction
	// ends.
	GetForUpdate(ctx context.Context, accountID, id string) (EInvoice, error)
	// BySource returns the account's e-invoice of source, or ErrNotFound.
	BySource(ctx context.Context, accountID, source string) (EInvoice, error)
	// ByDocument returns the account's e-invoices that state documentID,
	// oldest first (by CreatedAt, then ID); none is an empty slice.
	ByDocument(ctx context.Context, accountID, documentID string) ([]EInvoice, error)
	// Update stores e's Status, XML, ProviderRef, AuthorityCode,
	// LookupCode, Reason, ReplacedByID and UpdatedAt over the stored
	// e-invoice of the same AccountID and ID (ErrNotFound if missing); the
	// other fields never change.
	Update(ctx context.Context, e EInvoice) error
	// List returns up to limit (1–1000) of the account's e-invoices,
	// newest first (by CreatedAt, then ID descending), after the e-invoice
	// afterID ("" for the first page).
	List(ctx context.Context, accountID, afterID string, limit int) ([]EInvoice, error)
}
