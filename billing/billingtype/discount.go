package billingtype

import "github.com/shopspring/decimal"

// SetDiscountRateRequest gives an account a postpaid discount of its own
// (contract pricing), or takes it back to the catalog's.
type SetDiscountRateRequest struct {
	AccountID string `json:"account_id"`
	// Rate is the fraction taken off the account's postpaid bills before
	// tax — configuration and metered lines alike — in pre-tax = minutes ×
	// unit price × quantity × (1 − rate) ÷ 43,200; 0 ≤ Rate ≤ 1 with at
	// most storage.MaxDiscountRatePlaces places (0.1 is 10%). It replaces
	// the product's and plan's pricing.Product.PostpaidDiscount for every
	// month not yet closed, whole; zero removes it.
	Rate decimal.Decimal `json:"rate"`
	// Actor identifies the operator; required, it goes to the audit trail.
	Actor string `json:"actor"`
	// Reason is free text kept in the audit trail.
	Reason string `json:"reason,omitempty"`
}
