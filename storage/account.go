package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// AccountType says how an account pays: prepaid accounts buy terms in
// advance from credit or a gateway; postpaid accounts are billed for usage at
// month end. The stored values are stable and append-only.
type AccountType string

const (
	// Prepaid is the default for every new account.
	Prepaid AccountType = "prepaid"
	// Postpaid accounts are switched by an operator, with an audit record.
	Postpaid AccountType = "postpaid"
)

// Valid reports whether t is one of the known account types.
func (t AccountType) Valid() bool { return t == Prepaid || t == Postpaid }

// Account is a billing account: the tenant every other record is scoped to.
type Account struct {
	// ID is chosen by the host (its customer or project id); 1–128 bytes.
	ID string `json:"id"`
	// Type is Prepaid or Postpaid.
	Type AccountType `json:"type"`
	// Currency is the ISO 4217 code all of the account's money is kept in.
	Currency string `json:"currency"`
	// TimeZone is the IANA zone of the account's billing calendar.
	TimeZone string `json:"time_zone"`
	// CreditLimit is a postpaid account's own credit limit, in Currency
	// and never negative; the zero Amount means none of its own (the
	// configured default applies).
	CreditLimit money.Amount `json:"credit_limit,omitzero"`
	// DiscountRate is the account's contract discount on its postpaid
	// bills, a fraction 0 ≤ rate ≤ 1 (0.1 is 10%) with at most
	// MaxDiscountRatePlaces places (CheckDiscountRate); zero means none of
	// its own (the product's or plan's discount applies).
	DiscountRate decimal.Decimal `json:"discount_rate,omitzero"`
	// Legal is the account holder's legal details as its documents name
	// the buyer (invoice.CheckParty); the zero Party means none given.
	// Documents copy it when they are issued, so a later change reaches
	// only later documents.
	Legal invoice.Party `json:"legal,omitzero"`
	// TaxTreatment is how the account's purchases are taxed (VAT):
	// invoice.TaxStandard, TaxExempt (KCT), TaxZeroRated (0 %, exports) or
	// TaxNotDeclared (KKKNT); empty means none chosen, taxed as standard.
	// Every store refuses any other value with ErrInvalidRecord. It applies
	// to what is priced after it changes; issued documents keep theirs.
	TaxTreatment invoice.TaxTreatment `json:"tax_treatment,omitempty"`
	// CreatedAt and UpdatedAt are set by the caller from its injected clock.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increases by one on every successful Update; stores set it.
	Version int64 `json:"version"`
}

// Accounts is the repository of accounts.
type Accounts interface {
	// Create stores a new account with Version 1. An existing ID returns
	// ErrDuplicate; an empty ID or unknown Type returns ErrInvalidRecord.
	Create(ctx context.Context, a Account) error
	// Get returns the account, or ErrNotFound.
	Get(ctx context.Context, id string) (Account, error)
	// GetForUpdate is Get that also locks the account until the transaction
	// ends, serialising read-modify-write cycles on it.
	GetForUpdate(ctx context.Context, id string) (Account, error)
	// Update replaces the stored account with a (matched by ID), increments
	// Version and returns the stored value. Unknown ID returns ErrNotFound.
	// CreatedAt is kept as first stored.
	Update(ctx context.Context, a Account) (Account, error)
	// GetManyForUpdate is GetForUpdate for several accounts in one call:
	// it returns the accounts of ids that exist, each once, in ascending
	// ID order (byte order), locked until the transaction ends, the locks
	// taken in that order. An id no account has is left out, not an
	// error.
	GetManyForUpdate(ctx context.Context, ids []string) ([]Account, error)
}

// MaxDiscountRatePlaces is the most decimal places Account.DiscountRate may
// have: the precision of an invoice line's rate.
const MaxDiscountRatePlaces = 10

// CheckDiscountRate returns nil for a discount rate an account may store —
// in [0, 1] with at most MaxDiscountRatePlaces places — and a description of
// what is wrong otherwise. Every store refuses the others with
// ErrInvalidRecord.
func CheckDiscountRate(r decimal.Decimal) error {
	if r.IsZero() {
		return nil
	}
	if e := r.Exponent(); e > 0 || e < -(MaxDiscountRatePlaces+20) || !r.Equal(r.Truncate(MaxDiscountRatePlaces)) {
		return fmt.Errorf("discount rate %s has more than %d decimal places or is out of range", r, MaxDiscountRatePlaces)
	}
	if r.IsNegative() || r.GreaterThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("discount rate %s is not in [0, 1]", r)
	}
	return nil
}
